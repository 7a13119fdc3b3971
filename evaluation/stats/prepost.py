"""Pre/post change within one group of linked students or respondents."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.results import Estimate
from evaluation.stats.effect_sizes import hedges_g_paired


def paired_change(data: pd.DataFrame, pre: str, post: str, cluster: str | None = None,
                  alpha: float = 0.05) -> Estimate:
    """Mean paired change post - pre with the paired t-test and its confidence interval.

    Parameters
    ----------
    data : DataFrame
        One row per linked unit (student or respondent); rows missing either wave are left out.
    pre, post : str
        Columns holding the pre-test and post-test values.
    cluster : str, optional
        Column naming the school; only used to count clusters in the result.
    alpha : float
        1 - confidence level.

    Returns
    -------
    Estimate
        method ``paired_t``; estimate = mean(post - pre), std_error = sd(diff)/sqrt(n),
        df = n - 1, two-sided p-value; effect_size is Hedges' g of the change
        (see `hedges_g_paired`). Same numbers as R's ``t.test(post, pre, paired = TRUE)``.
    """
    linked = data.dropna(subset=[pre, post])
    before = linked[pre].to_numpy(dtype=float)
    after = linked[post].to_numpy(dtype=float)
    diff = after - before
    n = len(diff)
    n_clusters = int(linked[cluster].nunique()) if cluster else None
    if n < 2:
        nan = math.nan
        return Estimate("paired_t", n, None, nan, nan, nan, nan, nan, nan, nan, nan, nan,
                        n_clusters_treatment=n_clusters)
    mean = float(diff.mean())
    se = float(diff.std(ddof=1) / math.sqrt(n))
    df = n - 1
    if se > 0:
        t = mean / se
        p = float(2 * stats.t.sf(abs(t), df))
    else:
        p = math.nan
    half = float(stats.t.ppf(1 - alpha / 2, df) * se)
    g, g_low, g_high = hedges_g_paired(before, after, alpha=alpha)
    return Estimate(
        method="paired_t", n_treatment=n, n_control=None, estimate=mean, std_error=se,
        df=float(df), ci_low=mean - half, ci_high=mean + half, p_value=p,
        effect_size=g, effect_size_ci_low=g_low, effect_size_ci_high=g_high,
        n_clusters_treatment=n_clusters,
    )
