"""Activity monitoring: each partnership's calendar against what took place (001's July report).

Activities are partnership-level: there are no students in these tables, only how many took
part. Three tables:

- `activity_log`: one row per partnership and activity (``results/activities.csv``): planned
  month, the date it took place, how many months late (the month it took place minus the planned
  month; negative when early), status, the reason given for a cancellation or postponement, and
  the participants of an activity held in full or in part.
- `activity_summary`: one row per partnership and ``all`` (``results/activity_summary.csv``):
  activities planned, done, partly done, postponed, cancelled and still marked planned
  (``pending``), the share done (done / planned; partly done is not done), how many were done
  later than planned, and the students and teachers taking part (summed over activities held in
  full or in part; participants of an activity not held are not counted).
- `activity_months`: the share done by month, cumulative (``results/activity_months.csv``): per
  partnership and ``all`` and per month from the first planned month to the last month planned
  or held, the activities planned up to that month, those of them done by its end, and the share.

A done activity without a date is taken to be done in its planned month (the validation warns
about it: `evaluation.validation.quality.activities`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ALL = "all"
STATUSES = ("done", "partial", "postponed", "cancelled", "planned")
HELD = ("done", "partial")
#: Columns of results/activities.csv.
LOG_COLUMNS = [
    "partnership_id", "activity_no", "activity_type", "title", "planned_month", "completed_on", "months_late",
    "status", "reason", "participants_students", "participants_teachers",
]  # fmt: skip
#: Columns of results/activity_summary.csv.
SUMMARY_COLUMNS = [
    "partnership_id", "planned", "done", "partial", "postponed", "cancelled", "pending", "share_done", "done_late",
    "students", "teachers",
]  # fmt: skip
#: Columns of results/activity_months.csv.
MONTH_COLUMNS = ["partnership_id", "month", "planned", "planned_to_date", "done_to_date", "share_done_to_date"]


def _month_number(months: pd.Series) -> pd.Series:
    """Months since year 0 of YYYY-MM texts or dates (NaN where neither)."""
    if not pd.api.types.is_datetime64_any_dtype(months):
        months = pd.to_datetime(months.astype("string"), format="%Y-%m", errors="coerce")
    return (months.dt.year * 12 + months.dt.month - 1).astype("Float64")


def _month_text(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def _text(activities: pd.DataFrame, column: str) -> pd.Series:
    """An optional free-text column as strings (empty where missing or absent)."""
    if column not in activities:
        return pd.Series("", index=activities.index, dtype="object")
    return activities[column].astype("string").fillna("").str.strip().astype("object")


def activity_log(activities: pd.DataFrame) -> pd.DataFrame:
    """One row per partnership and activity of the accepted activity table (`LOG_COLUMNS`),
    ordered by partnership and activity number; ``completed_on`` as YYYY-MM-DD text."""
    completed = pd.to_datetime(activities["completed_on"], errors="coerce") if "completed_on" in activities else None
    if completed is None:
        completed = pd.Series(pd.NaT, index=activities.index, dtype="datetime64[ns]")
    status = activities["status"].astype("string")
    held = status.isin(HELD).fillna(False).to_numpy()
    planned = _month_number(activities["planned_month"])
    late = (_month_number(completed) - planned).where(pd.Series(held, index=activities.index))
    log = pd.DataFrame(
        {
            "partnership_id": activities["partnership_id"].astype("string"),
            "activity_no": activities["activity_no"].astype("Int64"),
            "activity_type": _text(activities, "activity_type"),
            "title": _text(activities, "title"),
            "planned_month": activities["planned_month"].astype("string"),
            "completed_on": completed.dt.strftime("%Y-%m-%d").astype("string"),
            "months_late": late.astype("Int64"),
            "status": status,
            "reason": _text(activities, "reason"),
        }
    )
    for column in ("participants_students", "participants_teachers"):
        values = activities[column] if column in activities else pd.Series(pd.NA, index=activities.index)
        log[column] = pd.to_numeric(values, errors="coerce").astype("Int64").where(held, pd.NA)
    return log.sort_values(["partnership_id", "activity_no"], kind="stable").reset_index(drop=True)[LOG_COLUMNS]


def _summary_row(partnership: str, log: pd.DataFrame) -> dict:
    counts = log["status"].value_counts()
    planned = len(log)
    done = int(counts.get("done", 0))
    return {
        "partnership_id": partnership,
        "planned": planned,
        "done": done,
        "partial": int(counts.get("partial", 0)),
        "postponed": int(counts.get("postponed", 0)),
        "cancelled": int(counts.get("cancelled", 0)),
        "pending": int(counts.get("planned", 0)),
        "share_done": round(done / planned, 3) if planned else np.nan,
        "done_late": int(((log["status"] == "done") & (log["months_late"].fillna(0) > 0)).sum()),
        "students": log["participants_students"].sum(min_count=1),
        "teachers": log["participants_teachers"].sum(min_count=1),
    }


def activity_summary(log: pd.DataFrame) -> pd.DataFrame:
    """Per partnership of `activity_log`'s table and ``all``: the counts of `SUMMARY_COLUMNS`."""
    rows = [_summary_row(str(pid), part) for pid, part in log.groupby("partnership_id", sort=True)]
    rows.append(_summary_row(ALL, log))
    summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    for column in ("students", "teachers"):
        summary[column] = summary[column].astype("Int64")
    return summary


def activity_months(log: pd.DataFrame) -> pd.DataFrame:
    """The cumulative share done by month (`MONTH_COLUMNS`): per partnership and ``all``, of the
    activities planned up to and including each month, how many were done by its end (a done
    activity without a date in its planned month). The months run, the same for every
    partnership, from the first planned month to the last month planned or held.

    Counted in one pass: an activity is planned by month m when its planned month is at most m,
    and done by then when it is done and both its planned month and the month it was done are at
    most m; so per partnership the counts of each month, summed up month by month."""
    planned = _month_number(log["planned_month"]).astype(float).to_numpy()
    if np.isnan(planned).all():
        return pd.DataFrame(columns=MONTH_COLUMNS)
    held = _month_number(pd.to_datetime(log["completed_on"], errors="coerce")).astype(float).to_numpy()
    first = int(np.nanmin(planned))
    last = int(np.nanmax(np.concatenate([planned, held])))
    done = (log["status"] == "done").fillna(False).to_numpy(dtype=bool)
    done_month = np.where(done, np.where(np.isnan(held), planned, held), np.nan)  # no date: its planned month
    counted = np.where(np.isnan(planned) | np.isnan(done_month), np.nan, np.fmax(planned, done_month))
    codes, ids = pd.factorize(log["partnership_id"], sort=True)  # as groupby(sort=True); no id: in "all" only
    months = last - first + 1

    def per_month(values: np.ndarray) -> np.ndarray:
        """Counts per partnership (then all) and month of the rows whose month is `values`."""
        table = np.zeros((len(ids) + 1, months), dtype=np.int64)
        known = ~np.isnan(values)
        month = values[known].astype(np.int64) - first
        own = codes[known] >= 0
        np.add.at(table, (codes[known][own], month[own]), 1)
        table[-1] = np.bincount(month, minlength=months)
        return table

    in_month = per_month(planned)
    planned_to_date, done_to_date = np.cumsum(in_month, axis=1), np.cumsum(per_month(counted), axis=1)
    month_texts = [_month_text(month) for month in range(first, last + 1)]
    rows = [
        {
            "partnership_id": name,
            "month": month_texts[m],
            "planned": int(in_month[g, m]),
            "planned_to_date": int(planned_to_date[g, m]),
            "done_to_date": int(done_to_date[g, m]),
            "share_done_to_date": (
                round(int(done_to_date[g, m]) / int(planned_to_date[g, m]), 3) if planned_to_date[g, m] else np.nan
            ),
        }
        for g, name in enumerate([*(str(pid) for pid in ids), ALL])
        for m in range(months)
    ]
    return pd.DataFrame(rows, columns=MONTH_COLUMNS)
