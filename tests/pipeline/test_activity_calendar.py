"""The partnership demo (001: one partnership of two schools, its calendar of 15 activities) run
end to end: the report shows the calendar as the data has it (issue 13)."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pandas as pd
import pytest
from babel.dates import format_date

from evaluation.demo.params import SEED_ACTIVITY_CALENDAR
from evaluation.errors import EXIT_OK
from evaluation.wording import text as text_of

pytestmark = pytest.mark.slow  # runs the whole pipeline on the partnership demo

#: 001's calendar (the seed document's "FAALİYET TARİHİ" column), independent of the generator.
SEED_MONTHS = [
    "2022-08", "2022-09", "2022-09", "2022-09", "2022-09", "2022-10", "2022-10", "2022-11", "2022-12", "2023-01",
    "2023-02", "2023-03", "2023-04", "2023-05", "2023-07",
]  # fmt: skip


@pytest.fixture(scope="module")
def partnership_run(partnership_run_in) -> Path:
    """The bundled partnership plan (001) in English, shared with test_partnership_plan.py."""
    code, out = partnership_run_in("en")
    assert code == EXIT_OK
    return out


def _activity_section(out: Path) -> str:
    page = (out / "shared" / "report.html").read_text(encoding="utf-8")
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    start = words.index("Partnership activities")
    return words[start : words.index("Planning next year", start) if "Planning next year" in words else None]


def test_the_demo_data_holds_001s_calendar(partnership_run: Path) -> None:
    data = partnership_run / "restricted" / "data" / "2022-2023" / "activities.csv"
    log = pd.read_csv(data, dtype=str, keep_default_na=False)
    assert log["partnership_id"].nunique() == 1
    assert log["activity_no"].astype(int).tolist() == list(range(1, 16))
    assert log["planned_month"].tolist() == SEED_MONTHS == [month for _, month in SEED_ACTIVITY_CALENDAR]


def test_the_report_shows_the_calendar_counts_and_reasons(partnership_run: Path) -> None:
    log = pd.read_csv(
        partnership_run / "restricted" / "data" / "2022-2023" / "activities.csv", dtype=str, keep_default_na=False
    )
    section = _activity_section(partnership_run)
    counts = log["status"].value_counts()
    done = int(counts.get("done", 0))
    assert (
        f"Of 15 planned activities, {done} were done ({round(100 * done / 15)}%), {counts.get('partial', 0)} done in "
        f"part, {counts.get('postponed', 0)} postponed, {counts.get('cancelled', 0)} cancelled"
    ) in section
    held = log["status"].isin(["done", "partial"])
    students = log.loc[held, "participants_students"].astype(int).sum()
    teachers = log.loc[held, "participants_teachers"].astype(int).sum()
    assert f"{students:,} students and {teachers:,} teachers took part" in section
    # every activity's row: number, type and title, planned month as the report writes it, day held, status
    for row in log.itertuples():
        planned = format_date(dt.date.fromisoformat(row.planned_month + "-01"), "MMM y", locale="en")
        activity = row.title or text_of(f"activity_types.{row.activity_type}", "en")
        held_on = f" {row.completed_on}" if row.completed_on else ""
        status = text_of(f"activity_status.{row.status}", "en")
        assert f"{row.activity_no} {activity} {planned}{held_on} " in section, row
        assert status in section
    # each cancelled or postponed activity with its reason (the demo has some of each)
    not_held = log[log["status"].isin(["cancelled", "postponed"])]
    assert len(not_held)
    for row in not_held.itertuples():
        ending = f"Reason given: {row.reason}" if row.reason else "no reason was given."
        assert f"Activity {row.activity_no}, " in section
        assert ending in section
    # the timeline has its alternative text
    page = (partnership_run / "shared" / "report.html").read_text(encoding="utf-8")
    images = [tag for tag in re.findall(r"<img\b[^>]*>", page) if 'alt="Timeline of the 15 activities of ' in tag]
    assert len(images) == 1 and 'src="data:image/png;base64,' in images[0]


def test_the_results_tables_match_the_data(partnership_run: Path) -> None:
    results = partnership_run / "shared" / "results"
    log = pd.read_csv(
        partnership_run / "restricted" / "data" / "2022-2023" / "activities.csv", dtype=str, keep_default_na=False
    )
    summary = pd.read_csv(results / "activity_summary.csv", dtype={"partnership_id": str})
    assert summary["partnership_id"].tolist() == [log["partnership_id"].iloc[0], "all"]
    assert summary["planned"].tolist() == [15, 15]
    assert summary["postponed"].iloc[0] == (log["status"] == "postponed").sum()
    months = pd.read_csv(results / "activity_months.csv", dtype={"partnership_id": str})
    july = months[(months["partnership_id"] == "all") & (months["month"] == "2023-07")].iloc[0]
    assert july["planned_to_date"] == 15
    table = pd.read_csv(results / "activities.csv", dtype=str, keep_default_na=False)
    assert table["reason"].tolist() == log["reason"].tolist()
