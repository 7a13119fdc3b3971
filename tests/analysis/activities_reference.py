# results/activity_months.csv as evaluation/analysis/activities.py computed it before it was counted
# in one pass (a loop over partnerships and months), kept verbatim as the reference the new one is
# tested against.

import numpy as np
import pandas as pd

from evaluation.analysis.activities import ALL, MONTH_COLUMNS, _month_number, _month_text


def _months_of(partnership: str, log: pd.DataFrame, first: int, last: int) -> list[dict]:
    planned = _month_number(log["planned_month"])
    held_month = _month_number(pd.to_datetime(log["completed_on"], errors="coerce"))
    done = (log["status"] == "done").fillna(False)
    done_month = held_month.fillna(planned).where(done)  # no date: its planned month
    rows = []
    for month in range(first, last + 1):
        by_now = (planned <= month).fillna(False)
        done_by_now = by_now & (done_month <= month).fillna(False)
        n_planned, n_done = int(by_now.sum()), int(done_by_now.sum())
        rows.append(
            {
                "partnership_id": partnership,
                "month": _month_text(month),
                "planned": int((planned == month).fillna(False).sum()),
                "planned_to_date": n_planned,
                "done_to_date": n_done,
                "share_done_to_date": round(n_done / n_planned, 3) if n_planned else np.nan,
            }
        )
    return rows


def activity_months(log: pd.DataFrame) -> pd.DataFrame:
    """The cumulative share done by month (`MONTH_COLUMNS`): per partnership and ``all``, of the
    activities planned up to and including each month, how many were done by its end (a done
    activity without a date in its planned month). The months run, the same for every
    partnership, from the first planned month to the last month planned or held."""
    planned = _month_number(log["planned_month"]).dropna()
    if planned.empty:
        return pd.DataFrame(columns=MONTH_COLUMNS)
    held = _month_number(pd.to_datetime(log["completed_on"], errors="coerce")).dropna()
    first, last = int(planned.min()), int(pd.concat([planned, held]).max())
    rows = [
        row for pid, part in log.groupby("partnership_id", sort=True) for row in _months_of(str(pid), part, first, last)
    ]
    rows += _months_of(ALL, log, first, last)
    return pd.DataFrame(rows, columns=MONTH_COLUMNS)
