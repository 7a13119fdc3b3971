"""Activity monitoring (issue 13, 001's July report): the log, the summary and the share done by
month against a hand count of a small constructed calendar."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.analysis.activities import (
    LOG_COLUMNS,
    MONTH_COLUMNS,
    SUMMARY_COLUMNS,
    activity_log,
    activity_months,
    activity_summary,
)

NA = pd.NA

#: Two partnerships. P1: six activities of every status, one held two months late, participants
#: given for the cancelled one (not counted). P2: one done without a date, one done a month early.
CALENDAR = pd.DataFrame(
    [
        # partnership, no, type, month, status, completed_on, students, teachers, reason
        ("P1", 1, "a", "2022-09", "done", "2022-09-20", 10, 2, ""),
        ("P1", 2, "b", "2022-10", "done", "2022-12-05", 5, 1, ""),
        ("P1", 3, "c", "2022-10", "cancelled", None, 7, NA, "no bus"),
        ("P1", 4, "d", "2022-11", "postponed", None, NA, NA, None),
        ("P1", 5, "e", "2022-12", "partial", "2022-12-10", 4, 1, ""),
        ("P1", 6, "f", "2023-01", "planned", None, NA, NA, ""),
        ("P2", 2, "b", "2022-09", "done", "2022-08-30", 0, 2, ""),
        ("P2", 1, "a", "2022-09", "done", None, 20, 3, ""),
    ],
    columns=[
        "partnership_id", "activity_no", "activity_type", "planned_month", "status", "completed_on",
        "participants_students", "participants_teachers", "reason",
    ],
)  # fmt: skip
CALENDAR["completed_on"] = pd.to_datetime(CALENDAR["completed_on"])
for _column in ("participants_students", "participants_teachers"):
    CALENDAR[_column] = CALENDAR[_column].astype("Int64")


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return activity_log(CALENDAR)


def test_the_log_has_each_activity_with_its_lateness_and_counted_participants(log: pd.DataFrame) -> None:
    assert list(log.columns) == LOG_COLUMNS
    assert list(zip(log["partnership_id"], log["activity_no"])) == [
        ("P1", 1), ("P1", 2), ("P1", 3), ("P1", 4), ("P1", 5), ("P1", 6), ("P2", 1), ("P2", 2),
    ]  # fmt: skip
    # months late: September on time; October -> December = 2; partial on time; August for September = -1
    assert log["months_late"].tolist() == [0, 2, NA, NA, 0, NA, NA, -1]
    assert log["completed_on"].fillna("").tolist() == [
        "2022-09-20", "2022-12-05", "", "", "2022-12-10", "", "", "2022-08-30",
    ]  # fmt: skip
    # the 7 students of the cancelled activity are not counted
    assert log["participants_students"].tolist() == [10, 5, NA, NA, 4, NA, 20, 0]
    assert log["reason"].tolist() == ["", "", "no bus", "", "", "", "", ""]


def test_the_summary_matches_a_hand_count(log: pd.DataFrame) -> None:
    summary = activity_summary(log).set_index("partnership_id")
    assert list(summary.reset_index().columns) == SUMMARY_COLUMNS
    expected = {
        # planned, done, partial, postponed, cancelled, pending, share, late, students, teachers
        "P1": (6, 2, 1, 1, 1, 1, round(2 / 6, 3), 1, 10 + 5 + 4, 2 + 1 + 1),
        "P2": (2, 2, 0, 0, 0, 0, 1.0, 0, 20 + 0, 3 + 2),
        "all": (8, 4, 1, 1, 1, 1, 0.5, 1, 39, 9),
    }
    assert list(summary.index) == ["P1", "P2", "all"]
    for partnership, values in expected.items():
        assert tuple(summary.loc[partnership, SUMMARY_COLUMNS[1:]]) == values, partnership


def test_the_share_done_by_month_is_cumulative_over_the_planned_months(log: pd.DataFrame) -> None:
    months = activity_months(log)
    assert list(months.columns) == MONTH_COLUMNS
    got = {(row.partnership_id, row.month): row[2:] for row in months.itertuples(index=False)}
    # (planned that month, planned up to it, of those done by its end, share)
    expected = {
        ("P1", "2022-09"): (1, 1, 1, 1.0),
        ("P1", "2022-10"): (2, 3, 1, round(1 / 3, 3)),  # activity 2 is held only in December
        ("P1", "2022-11"): (1, 4, 1, 0.25),
        ("P1", "2022-12"): (1, 5, 2, 0.4),  # the partial one is not done
        ("P1", "2023-01"): (1, 6, 2, round(2 / 6, 3)),
        ("P2", "2022-09"): (2, 2, 2, 1.0),  # early (August) and undated (its planned month) both count
        **{("P2", month): (0, 2, 2, 1.0) for month in ("2022-10", "2022-11", "2022-12", "2023-01")},  # same months
        ("all", "2022-09"): (3, 3, 3, 1.0),
        ("all", "2022-10"): (2, 5, 3, 0.6),
        ("all", "2022-11"): (1, 6, 3, 0.5),
        ("all", "2022-12"): (1, 7, 4, round(4 / 7, 3)),
        ("all", "2023-01"): (1, 8, 4, 0.5),
    }
    assert set(got) == set(expected)
    for key, values in expected.items():
        assert tuple(got[key]) == values, key


def test_no_activity_table_gives_empty_tables() -> None:
    empty = pd.DataFrame(columns=LOG_COLUMNS)
    assert activity_months(empty).empty
    assert activity_summary(empty).set_index("partnership_id").loc["all", "planned"] == 0


@pytest.mark.parametrize("seed", range(4))
def test_the_share_by_month_counted_in_one_pass_is_the_month_by_month_count(seed: int) -> None:
    # tests/analysis/activities_reference.py: the loop over partnerships and months it replaced
    import numpy as np
    from activities_reference import activity_months as month_by_month

    rng = np.random.default_rng(seed)
    n = 300
    planned = [f"2022-{m:02d}" if m else None for m in rng.choice([0, 9, 10, 11, 12], n, p=[0.05, 0.3, 0.3, 0.2, 0.15])]
    held = [
        f"2022-{m:02d}-{d:02d}" if m else None
        for m, d in zip(rng.choice([0, 8, 9, 10, 11, 12], n), rng.integers(1, 28, n), strict=True)
    ]
    calendar = pd.DataFrame(
        {
            "partnership_id": [f"P{k}" if k else None for k in rng.integers(0, 25, n)],
            "activity_no": np.arange(1, n + 1),
            "activity_type": "a",
            "planned_month": planned,
            "status": rng.choice(["done", "partial", "postponed", "cancelled", "planned"], n),
            "completed_on": pd.to_datetime(held),
            "participants_students": pd.array(rng.integers(0, 30, n), dtype="Int64"),
            "participants_teachers": pd.array(rng.integers(0, 5, n), dtype="Int64"),
            "reason": "",
        }
    )
    log = activity_log(calendar)
    new, old = activity_months(log), month_by_month(log)
    assert len(new) > 50 and new["done_to_date"].sum() > 0
    pd.testing.assert_frame_equal(new.reset_index(drop=True), old.reset_index(drop=True), check_dtype=False)
