"""Pre/post change within one group of linked students or respondents."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.stats.cluster_robust import coefficient_test, negligible
from evaluation.stats.effect_sizes import hedges_correction, hedges_g, hedges_g_paired
from evaluation.stats.estimate import Estimate


def paired_change(data: pd.DataFrame, pre: str, post: str, cluster: str | None = None, alpha: float = 0.05) -> Estimate:
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
        return Estimate(
            "paired_t", n, None, nan, nan, nan, nan, nan, nan, nan, nan, nan, n_clusters_treatment=n_clusters
        )
    mean = float(diff.mean())
    se = float(diff.std(ddof=1) / math.sqrt(n))
    df = n - 1
    if se > 0:
        t = mean / se
        p = float(2 * stats.t.sf(abs(t), df))
    else:
        t, p = math.nan, math.nan
    half = float(stats.t.ppf(1 - alpha / 2, df) * se)
    g, g_low, g_high = hedges_g_paired(before, after, alpha=alpha)
    return Estimate(
        method="paired_t",
        n_treatment=n,
        n_control=None,
        estimate=mean,
        std_error=se,
        df=float(df),
        ci_low=mean - half,
        ci_high=mean + half,
        p_value=p,
        effect_size=g,
        effect_size_ci_low=g_low,
        effect_size_ci_high=g_high,
        n_clusters_treatment=n_clusters,
        statistic=t,
    )


def paired_change_clustered(data: pd.DataFrame, pre: str, post: str, cluster: str, alpha: float = 0.05) -> Estimate:
    """Mean paired change post - pre of the units in both waves, with its standard error
    clustered on the school (CR2) and Satterthwaite degrees of freedom.

    Parameters
    ----------
    data : DataFrame
        One row per unit (student or respondent); rows missing either wave or the school are
        left out.
    pre, post : str
        Columns holding the pre-test and post-test values.
    cluster : str
        School column; the standard error is clustered on it.
    alpha : float
        1 - confidence level.

    Returns
    -------
    Estimate
        method ``paired_cr2``: estimate mean(post - pre) (the paired t's), its CR2 standard
        error, Satterthwaite df, interval and two-sided p; n_treatment the pairs,
        n_clusters_treatment the schools. effect_size is the paired Hedges' g of
        `hedges_g_paired` (the paired_t row's value, g = J d, d = mean change / s_within,
        s_within = sqrt((s_pre^2 + s_post^2) / 2), J = 1 - 3/(4(n - 1) - 1)) and its interval
        the clustered interval of the change on the same scale, J / s_within times ci_low and
        ci_high (not the independent-students interval of paired_t). Numbers are empty (NaN)
        with a `note` when there are fewer than 2 pairs (``too_few_pairs``), fewer than 2 schools
        (``too_few_schools``), or a standard error that is zero up to rounding relative to the
        scores' magnitude (``no_variation``: every unit changed by the same amount).

    Notes
    -----
    Students of one school share their teachers, timetable and test day, so their changes are
    not independent; the paired t-test's interval is too narrow when the change varies between
    schools. Matches ``clubSandwich::coef_test(lm(d ~ 1), vcov = "CR2", cluster = school,
    test = "Satterthwaite")`` with d = post - pre (tests/stats/test_clustered_r.py, datasets'
    ChickWeight by Diet and nlme's Orthodont by Sex).
    """
    linked = data.dropna(subset=[pre, post, cluster])
    before = linked[pre].to_numpy(dtype=float)
    after = linked[post].to_numpy(dtype=float)
    diff = after - before
    n = len(diff)
    schools = int(linked[cluster].nunique())
    nan = math.nan

    def empty(note: str) -> Estimate:
        return Estimate(
            "paired_cr2", n, None, nan, nan, nan, nan, nan, nan, nan, nan, nan, n_clusters_treatment=schools, note=note
        )

    if n < 2:
        return empty("too_few_pairs")
    if schools < 2:
        return empty("too_few_schools")
    test = coefficient_test(np.ones((n, 1)), diff, linked[cluster].to_numpy(), 0, vcov="CR2", alpha=alpha)
    magnitude = float(max(np.abs(before).max(), np.abs(after).max()))
    if negligible(test.std_error, magnitude):
        return empty("no_variation")
    mean = float(diff.mean())  # the paired t's estimate to the last digit (least squares may differ in it)
    t = mean / test.std_error
    half = float(stats.t.ppf(1 - alpha / 2, test.df) * test.std_error)
    g, _, _ = hedges_g_paired(before, after, alpha=alpha)
    s_within = math.sqrt((np.var(before, ddof=1) + np.var(after, ddof=1)) / 2.0)
    scale = hedges_correction(n - 1) / s_within if s_within > 0 and not math.isnan(g) else nan
    return Estimate(
        method="paired_cr2",
        n_treatment=n,
        n_control=None,
        estimate=mean,
        std_error=test.std_error,
        df=test.df,
        ci_low=mean - half,
        ci_high=mean + half,
        p_value=float(2 * stats.t.sf(abs(t), test.df)),
        effect_size=g,
        effect_size_ci_low=scale * (mean - half),
        effect_size_ci_high=scale * (mean + half),
        n_clusters_treatment=schools,
        statistic=t,
    )


def _kth_walsh_sum(d: np.ndarray, k: int, rng: np.random.Generator) -> float:
    """The k-th smallest (0-based) of the sums d_i + d_j, i <= j, of sorted `d`, by randomised
    selection over the rows' candidate ranges (O(n log n) memory-light steps), materialising the
    candidates once few remain."""
    n = len(d)
    low, high = np.arange(n), np.full(n, n)  # row i's candidates are d[low_i:high_i]
    while True:
        sizes = high - low
        total = int(sizes.sum())
        if total <= 200_000:
            sums = np.concatenate([d[i] + d[low[i] : high[i]] for i in np.flatnonzero(sizes)])
            return float(np.partition(sums, k)[k])
        row = int(rng.choice(n, p=sizes / total))
        pivot = d[row] + d[rng.integers(low[row], high[row])]
        below = np.clip(np.searchsorted(d, pivot - d, side="left"), low, high)
        upto = np.clip(np.searchsorted(d, pivot - d, side="right"), low, high)
        n_below, n_upto = int((below - low).sum()), int((upto - low).sum())
        if k < n_below:
            high = below
        elif k < n_upto:
            return float(pivot)
        else:
            k -= n_upto
            low = upto


def hodges_lehmann(diff: np.ndarray) -> float:
    """Hodges-Lehmann pseudomedian: the median of the Walsh averages (d_i + d_j)/2, i <= j (the
    mean of the two middle ones when their number is even, as R's ``median``).

    Exact for any n without forming the n(n+1)/2 averages when n is large."""
    d = np.sort(np.asarray(diff, dtype=float))
    m = len(d) * (len(d) + 1) // 2
    if m == 0:
        return math.nan
    rng = np.random.default_rng(0)  # the pivots' order only; the result does not depend on it
    middle = _kth_walsh_sum(d, (m - 1) // 2, rng)
    if m % 2 == 0:
        middle = (middle + _kth_walsh_sum(d, m // 2, rng)) / 2
    return middle / 2


def wilcoxon_signed_rank(
    data: pd.DataFrame, pre: str, post: str, cluster: str | None = None, correct: bool = True
) -> Estimate:
    """Wilcoxon signed-rank test of post - pre, the ordinal check of the paired change.

    Returns
    -------
    Estimate
        method ``wilcoxon``; estimate is the Hodges-Lehmann pseudomedian of the change (median of
        the Walsh averages (d_i + d_j)/2, i <= j, zeros included), statistic is V, the sum of the
        ranks of the positive changes, p_value two-sided. std_error, df, the interval and the
        effect size are blank (the paired_t row carries them). n_treatment counts all pairs.

    Notes
    -----
    The normal approximation exactly as R's ``wilcox.test(post, pre, paired = TRUE, exact = FALSE,
    correct = TRUE)``: zero changes are dropped (Wilcoxon's convention) and n is the number of
    non-zero changes; ties get average ranks; z = (V - n(n+1)/4 - 0.5 sign) / sigma with
    sigma^2 = n(n+1)(2n+1)/24 - sum(t^3 - t)/48 over tie groups of size t; p = 2 min(P(Z <= z),
    P(Z >= z)). Exact p-values are not used: school samples nearly always hold ties.
    """
    linked = data.dropna(subset=[pre, post])
    diff = linked[post].to_numpy(dtype=float) - linked[pre].to_numpy(dtype=float)
    n_clusters = int(linked[cluster].nunique()) if cluster else None
    nan = math.nan
    nonzero = diff[diff != 0]
    n = len(nonzero)
    if n < 1:
        return Estimate(
            "wilcoxon", len(diff), None, nan, nan, nan, nan, nan, nan, nan, nan, nan, n_clusters_treatment=n_clusters
        )
    ranks = stats.rankdata(np.abs(nonzero))
    v = float(ranks[nonzero > 0].sum())
    _, tie_sizes = np.unique(ranks, return_counts=True)
    sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - np.sum(tie_sizes**3 - tie_sizes) / 48)
    z = v - n * (n + 1) / 4
    if correct:
        z -= 0.5 * np.sign(z)
    p = float(2 * min(stats.norm.cdf(z / sigma), stats.norm.sf(z / sigma))) if sigma > 0 else nan
    pseudomedian = hodges_lehmann(diff)
    return Estimate(
        "wilcoxon",
        len(diff),
        None,
        pseudomedian,
        nan,
        nan,
        nan,
        nan,
        p,
        nan,
        nan,
        nan,
        n_clusters_treatment=n_clusters,
        statistic=v,
    )


def welch_waves(data: pd.DataFrame, pre: str, post: str, cluster: str | None = None, alpha: float = 0.05) -> Estimate:
    """Change between waves that do not link: Welch's t-test of all post values against all pre
    values, treated as independent samples.

    Returns
    -------
    Estimate
        method ``welch_t``; estimate mean(post) - mean(pre), std_error sqrt(s1^2/n1 + s0^2/n0),
        Welch-Satterthwaite df, interval and two-sided p as R's ``t.test(post, pre)``;
        effect_size Hedges' g of two independent samples (`hedges_g`). n_treatment counts post
        values, n_control pre values; n_clusters_treatment the schools in either wave.
    """
    after = data[post].dropna().to_numpy(dtype=float)
    before = data[pre].dropna().to_numpy(dtype=float)
    n1, n0 = len(after), len(before)
    n_clusters = int(data.loc[data[pre].notna() | data[post].notna(), cluster].nunique()) if cluster else None
    nan = math.nan
    if n1 < 2 or n0 < 2:
        return Estimate("welch_t", n1, n0, nan, nan, nan, nan, nan, nan, nan, nan, nan, n_clusters_treatment=n_clusters)
    v1, v0 = np.var(after, ddof=1) / n1, np.var(before, ddof=1) / n0
    se = float(math.sqrt(v1 + v0))
    df = float((v1 + v0) ** 2 / (v1**2 / (n1 - 1) + v0**2 / (n0 - 1))) if se > 0 else nan
    estimate = float(after.mean() - before.mean())
    t = estimate / se if se > 0 else nan
    p = float(2 * stats.t.sf(abs(t), df)) if se > 0 else nan
    half = float(stats.t.ppf(1 - alpha / 2, df) * se) if se > 0 else nan
    g, g_low, g_high = hedges_g(after, before, alpha=alpha)
    return Estimate(
        "welch_t",
        n1,
        n0,
        estimate,
        se,
        df,
        estimate - half,
        estimate + half,
        p,
        g,
        g_low,
        g_high,
        n_clusters_treatment=n_clusters,
        statistic=t,
    )
