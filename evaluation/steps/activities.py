"""Notebook 02's activity monitoring: each partnership's calendar against what took place
(`evaluation.analysis.activities`), written to results/activities.csv, activity_summary.csv and
activity_months.csv. Activities are partnership-level (no child data); their free text (types,
titles, reasons) is written safe for spreadsheets (`evaluation.validation.safe_csv`)."""

from __future__ import annotations

import pandas as pd

from evaluation.analysis.activities import LOG_COLUMNS, activity_log, activity_months, activity_summary
from evaluation.steps.context import Run, section
from evaluation.steps.display import Shown
from evaluation.validation.safe_csv import safe_frame


@section("activities", "activity_summary", "activity_months")
def calendar(run: Run) -> Shown:
    """Per partnership and activity: planned month, the date it took place, months late, status,
    reason and participants; per partnership and all: the counts by status, the share done and
    those taking part; and the share done by month, cumulative. Without an activity table the
    three tables are written with their columns and no rows."""
    activities = run.accepted.get("activities")
    log = pd.DataFrame(columns=LOG_COLUMNS) if activities is None else activity_log(activities)
    summary, months = activity_summary(log), activity_months(log)
    if activities is None:
        summary = summary.iloc[0:0]
    run.save(safe_frame(log), "activities")
    run.save(summary, "activity_summary")
    run.save(months, "activity_months")
    return Shown(summary, months, log)
