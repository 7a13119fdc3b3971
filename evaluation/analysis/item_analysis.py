"""Item analysis of the tests scored item by item (the `item_responses` table): the rows of
`results/test_items.csv` (per test, wave and item) and `results/test_reliability.csv` (per test
and wave), aggregates only.

Each cell (test, wave) takes the students with a score on every item of the test in that wave
(complete cases: a row left out is an item not asked, and a student who was not asked every item
is not comparable on the total). Difficulty is the mean item score as a proportion of the item's
max_score (the proportion answering correctly for items scored 0/1); the point-biserial is the
item's correlation with the total, the corrected one with the total of the other items
(`evaluation.stats.reliability.item_discrimination`). Reliability is KR-20 when every item is
scored 0/1 (`evaluation.stats.reliability.kr20`) and Cronbach's alpha otherwise (items scored in
points), equal to KR-20 for 0/1 items.

A cell with fewer complete students than the plan's `min_cell_size` is suppressed: n and every
number blank, ``suppressed`` true and ``note`` ``small_group``. Other notes say why a number is
empty: ``constant_item`` (every student scored the same on the item: no correlation),
``one_item`` (reliability needs two items or more), ``constant_total`` (every student had the
same total), and ``incomplete:<k>`` (k students left out for lacking an item's score).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from evaluation.stats.reliability import cronbach_alpha, item_discrimination, kr20

ITEM_COLUMNS = [
    "test_id",
    "wave",
    "item",
    "n",
    "max_score",
    "difficulty",
    "point_biserial",
    "corrected_point_biserial",
    "suppressed",
    "note",
]
TEST_COLUMNS = [
    "test_id",
    "wave",
    "n",
    "n_items",
    "method",
    "reliability",
    "mean_total",
    "sd_total",
    "max_total",
    "mean_difficulty",
    "suppressed",
    "note",
]
WAVES = ("pre", "post")
#: Corrected point-biserial under which an item is named in the report as discriminating weakly
#: (Ebel's rule of thumb: below 0.20 an item should be revised; below 0 it works against the test).
LOW_DISCRIMINATION = 0.20


def _cells(responses: pd.DataFrame):
    """(test_id, wave, wide complete item scores, max score per item, students left out) per cell,
    tests in sorted order, waves pre then post."""
    frame = responses.assign(
        score=responses["score"].astype(float), max_score=responses["max_score"].astype(float).fillna(1.0)
    )
    for test_id in sorted(frame["test_id"].dropna().unique()):
        for wave in WAVES:
            rows = frame[(frame["test_id"] == test_id) & (frame["wave"] == wave)]
            if rows.empty:
                continue
            wide = rows.pivot_table(index="student_id", columns="item", values="score", aggfunc="first", observed=True)
            wide = wide.reindex(columns=sorted(wide.columns, key=str))
            maxima = rows.groupby("item", observed=True)["max_score"].max()
            complete = wide.dropna()
            yield str(test_id), wave, complete, maxima, len(wide) - len(complete)


def item_analysis(responses: pd.DataFrame, min_cell_size: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per test and wave (`TEST_COLUMNS`) and per test, wave and item (`ITEM_COLUMNS`).

    Parameters
    ----------
    responses : DataFrame
        Accepted rows of item_responses: test_id, student_id, wave, item, score, max_score.
    min_cell_size : int
        Cells with fewer complete students are suppressed.

    Returns
    -------
    tests, items : DataFrame
        ``tests``: n (complete students), n_items, method (``kr20`` or ``alpha``), reliability,
        mean_total and sd_total (total points), max_total, mean_difficulty; ``items``: n,
        max_score, difficulty, point_biserial, corrected_point_biserial.
    """
    tests, items = [], []
    for test_id, wave, complete, maxima, left_out in _cells(responses):
        n, k = complete.shape
        suppressed = n < min_cell_size
        binary = bool(np.isin(complete.to_numpy(), (0.0, 1.0)).all()) and bool(
            (maxima.reindex(complete.columns) == 1).all()
        )
        notes = [f"incomplete:{left_out}"] if left_out else []
        stats = item_discrimination(complete, maxima)
        total = complete.sum(axis=1)
        if suppressed:
            reliability = math.nan
        elif k < 2:
            reliability, notes = math.nan, [*notes, "one_item"]
        elif not total.var(ddof=0) > 0 or n < 3:
            reliability, notes = math.nan, [*notes, "constant_total"]
        else:
            reliability = kr20(complete) if binary else cronbach_alpha(complete).alpha
        test_row = {
            "test_id": test_id,
            "wave": wave,
            "n": n,
            "n_items": k,
            "method": "kr20" if binary else "alpha",
            "reliability": reliability,
            "mean_total": float(total.mean()) if n else math.nan,
            "sd_total": float(total.std(ddof=1)) if n > 1 else math.nan,
            "max_total": float(maxima.reindex(complete.columns).sum()),
            "mean_difficulty": float(stats["difficulty"].mean()),
            "suppressed": suppressed,
            "note": ";".join(["small_group"] if suppressed else notes),
        }
        if suppressed:
            test_row.update(dict.fromkeys(["n", "reliability", "mean_total", "sd_total", "mean_difficulty"], math.nan))
        tests.append(test_row)
        for item in stats.itertuples(index=False):
            constant = complete[item.item].nunique() < 2
            row = {
                "test_id": test_id,
                "wave": wave,
                "item": str(item.item),
                "n": n,
                "max_score": item.max_score,
                "difficulty": item.difficulty,
                "point_biserial": item.point_biserial,
                "corrected_point_biserial": item.corrected_point_biserial,
                "suppressed": suppressed,
                "note": "small_group" if suppressed else ("constant_item" if constant and n else ""),
            }
            if suppressed:
                row.update(dict.fromkeys(["n", "difficulty", "point_biserial", "corrected_point_biserial"], math.nan))
            items.append(row)
    test_frame = pd.DataFrame(tests, columns=TEST_COLUMNS)
    item_frame = pd.DataFrame(items, columns=ITEM_COLUMNS)
    for frame in (test_frame, item_frame):
        frame["n"] = frame["n"].astype("Int64")
        frame["suppressed"] = frame["suppressed"].astype(bool)
    test_frame["n_items"] = test_frame["n_items"].astype("Int64")
    return test_frame, item_frame


def weak_items(items: pd.DataFrame, threshold: float = LOW_DISCRIMINATION) -> pd.DataFrame:
    """The rows of `items` (results/test_items.csv) whose corrected point-biserial is below
    `threshold` (suppressed rows have none and are never named)."""
    values = pd.to_numeric(items["corrected_point_biserial"], errors="coerce")
    return items[values < threshold]
