"""Missing outcome data per group: the rows of `results/missing.csv`, and whether a group misses
enough of the post-test for the multiple-imputation sensitivity analysis
(`evaluation.stats.imputation.ancova_mi`) to run."""

from __future__ import annotations

import pandas as pd

from evaluation.analysis.attrition import GROUPS, attrition_counts

MISSING_COLUMNS = ["outcome", "group", "n", "n_missing", "share_missing", "suppressed"]


def missing_shares(frame: pd.DataFrame, outcome: str, schools: pd.DataFrame, min_cell_size: int = 0) -> pd.DataFrame:
    """Share of the post-test missing per group among the units with a pre-test.

    Parameters
    ----------
    frame : DataFrame
        One row per unit (`evaluation.analysis.frames.prepost_frame`): unit_id, school_id, group, pre, post.
    outcome : str
        Outcome id written in the first column.
    schools : DataFrame
        The schools table (school_id, group).
    min_cell_size : int
        A group with fewer units with a pre-test is suppressed (counts and share blank).

    Returns
    -------
    DataFrame
        `MISSING_COLUMNS`: outcome, group (partner, control), n (units with a pre-test),
        n_missing (of them without a post-test), share_missing = n_missing / n, suppressed.
    """
    counts = attrition_counts(frame, schools, None, min_cell_size=min_cell_size)
    units = counts[counts["level"] != "schools"]
    table = pd.DataFrame(
        {
            "outcome": outcome,
            "group": units["group"].to_numpy(),
            "n": units["n_baseline"].to_numpy(),
            "n_missing": units["n_missing_post"].to_numpy(),
            "share_missing": units["attrition"].astype(float).to_numpy(),
            "suppressed": units["suppressed"].to_numpy(dtype=bool),
        }
    )
    for column in ("n", "n_missing"):
        table[column] = table[column].astype("Int64")
    return table[MISSING_COLUMNS]


def needs_imputation(frame: pd.DataFrame, threshold: float) -> bool:
    """True when a group (partner or control) misses the post-test for more than `threshold` of
    its units with a pre-test."""
    with_pre = frame[frame["pre"].notna()]
    for group in GROUPS:
        part = with_pre[with_pre["group"] == group]
        if len(part) and part["post"].isna().mean() > threshold:
            return True
    return False
