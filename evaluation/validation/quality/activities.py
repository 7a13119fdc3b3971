"""Data-quality warnings on the activity log: what an accepted activity row leaves unclear.

The contract quarantines what cannot be read one way only (a cancelled activity with a date, a
date more than a year from its planned month); these rows stay in, and the coordinator is asked:

- ``activity_without_date``: a done or partly done activity without ``completed_on``: it counts
  as done, but its month is taken to be the planned one (no lateness, no point in the timeline).
- ``participants_not_held``: participants given for an activity that did not take place
  (cancelled, postponed or still planned): they are not counted among those taking part.
"""

from __future__ import annotations

import pandas as pd

from evaluation.validation.quality.messages import Finding

TABLE = "activities"
HELD = ("done", "partial")
PARTICIPANTS = ("participants_students", "participants_teachers")


def activity_warnings(activities: pd.DataFrame) -> list[Finding]:
    """The warnings of the accepted activity rows (index: spreadsheet row numbers)."""
    found: list[Finding] = []
    status = activities["status"].astype("string")
    held = status.isin(HELD).fillna(False)
    if "completed_on" in activities:
        for row in activities.index[held & activities["completed_on"].isna()]:
            found.append(_finding(activities, row, "completed_on", "", "activity_without_date"))
    given = [column for column in PARTICIPANTS if column in activities]
    if given:
        counted = activities[given].notna() & (activities[given].fillna(0) > 0)
        for row in activities.index[~held & status.notna() & counted.any(axis=1)]:
            columns = [column for column in given if counted.at[row, column]]
            value = " / ".join(str(activities.at[row, column]) for column in columns)
            found.append(_finding(activities, row, ", ".join(columns), value, "participants_not_held"))
    return found


def _finding(activities: pd.DataFrame, row: int, column: str, value: str, check: str) -> Finding:
    record = activities.loc[row]
    params = {
        "partnership_id": record["partnership_id"],
        "activity_no": record["activity_no"],
        "status": record["status"],
    }
    key = f"{check}.{record['status']}" if check == "participants_not_held" else check
    return Finding(TABLE, "", int(row), column, value, check, key, params)
