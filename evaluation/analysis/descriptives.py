"""Descriptive summaries of the pre/post frames for tables and charts: aggregates only."""

from __future__ import annotations

import numpy as np
import pandas as pd


def group_means(frame: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    """Mean, SD and 95% interval of pre and post per group, for tables and charts: aggregates
    only (groups under `min_cell_size` left out), never row-level values."""
    long = frame.melt(id_vars=["group"], value_vars=["pre", "post"], var_name="wave").dropna()
    summary = long.groupby(["group", "wave"], sort=False)["value"].agg(["count", "mean", "std"]).reset_index()
    summary = summary.rename(columns={"count": "n", "std": "sd"})
    half = 1.96 * summary["sd"] / np.sqrt(summary["n"])
    summary["ci_low"], summary["ci_high"] = summary["mean"] - half, summary["mean"] + half
    return summary[summary["n"] >= min_cell_size].reset_index(drop=True)
