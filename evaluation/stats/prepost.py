"""Pre/post change within one group of linked students or respondents."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.stats.cluster_robust import coefficient_test
from evaluation.stats.effect_sizes import hedges_correction, hedges_g, hedges_g_paired
from evaluation.stats.estimate import Estimate
from evaluation.stats.signed_rank import EXACT_BELOW, normal_pseudomedian, signed_rank_exact_p
from evaluation.stats.unfit import is_zero, scale_of


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
    note = ""
    if not is_zero(se, scale_of(diff)):
        t = mean / se
        p = float(2 * stats.t.sf(abs(t), df))
        half = float(stats.t.ppf(1 - alpha / 2, df) * se)
    else:  # every change the same, up to rounding: no p-value and no interval
        se, t, p, half, note = math.nan, math.nan, math.nan, math.nan, "zero_std_error"
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
        note=note,
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
        with a `note` when there is one pair (``too_few_students``; none: no note, as paired_t)
        or fewer than 2 schools (``too_few_schools``); a standard error zero up to rounding
        (every unit changed by the same amount) keeps the mean change and g, as paired_t does,
        with standard error, interval and p NaN and the note ``zero_std_error``
        (`coefficient_test`).

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

    if n < 2:  # no pair at all: as paired_t, no note of its own (prepost_effects names the missing wave)
        return empty("too_few_students" if n else "")
    if schools < 2:
        return empty("too_few_schools")
    test = coefficient_test(np.ones((n, 1)), diff, linked[cluster], 0, vcov="CR2", alpha=alpha)
    mean = float(diff.mean())  # the paired t's estimate to the last digit (least squares may differ in it)
    g, _, _ = hedges_g_paired(before, after, alpha=alpha)
    if test.note:  # zero_std_error: every unit changed by the same amount, up to rounding
        return Estimate(
            "paired_cr2", n, None, mean, nan, test.df, nan, nan, nan, g, nan, nan,
            n_clusters_treatment=schools, note=test.note,
        )  # fmt: skip
    t = mean / test.std_error
    half = float(stats.t.ppf(1 - alpha / 2, test.df) * test.std_error)
    s_within = math.sqrt((np.var(before, ddof=1) + np.var(after, ddof=1)) / 2.0)
    scale = hedges_correction(n - 1) / s_within if not math.isnan(g) else nan
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
    """Wilcoxon signed-rank test of post - pre, the ordinal check of the paired change, with the
    numbers of R's ``wilcox.test(post, pre, paired = TRUE, conf.int = TRUE)`` at its defaults.

    Returns
    -------
    Estimate
        method ``wilcoxon``; estimate is R's (pseudo)median of the change (see Notes), statistic
        is V, the sum of the ranks of the positive changes, p_value two-sided. std_error, df, the
        interval and the effect size are blank (the paired_t row carries them). n_treatment
        counts all pairs, zero changes included.

    Notes
    -----
    Zero changes are dropped (Wilcoxon's convention) and n is the number of non-zero changes;
    ties get average ranks. Which p-value follows R's default ``exact = NULL``:

    - exact, when n < 50 and the changes have neither zeros nor ties in their absolute values:
      p = min(1, 2 P(V' <= V)) for V at or below n(n+1)/4, else min(1, 2 P(V' >= V)), V' the null
      distribution of V (every one of the 2^n sign patterns equally likely), counted exactly
      (`evaluation.stats.signed_rank.signed_rank_exact_p`). With n = 3 changes all positive,
      p = 2/8 = 0.25 where the normal approximation gives 0.181.
    - otherwise the normal approximation (R warns "cannot compute exact p-value with ties" or
      "with zeroes" when n < 50): z = (V - n(n+1)/4 - 0.5 sign) / sigma with
      sigma^2 = n(n+1)(2n+1)/24 - sum(t^3 - t)/48 over tie groups of size t, the 0.5 continuity
      correction only with `correct`; p = 2 min(P(Z <= z), P(Z >= z)).

    The estimate, also from the non-zero changes only:

    - exact case: the Hodges-Lehmann pseudomedian, the median of the Walsh averages
      (d_i + d_j)/2, i <= j (`hodges_lehmann`);
    - normal approximation: the zero, in the shift d, of the standardised statistic of the
      changes minus d (tie-corrected sigma, no continuity correction whatever `correct` says),
      found by R's ``uniroot`` with ``tol = 1e-4`` between the smallest and the largest change.
      That statistic is a step function, so the zero R reports is where Brent's iteration stops:
      within about 1e-4 of a jump, or anywhere on a stretch where the statistic is exactly 0.
      It is not in general the median of the Walsh averages; the workbench repeats R's
      iteration step for step (`evaluation.stats.signed_rank.normal_pseudomedian`), in O(n log n)
      time and O(n) memory per step (10^6 pairs: a few seconds).
      When every non-zero change is the same, that change (R's midrange).

    Checked against R 4.2.2 (tests/r/rank_tests.R, tests/stats/test_rank_tests_r.py) on samples
    without ties below and above n = 50, with ties, with zeros, and on 10^6 pairs.
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
    exact = n < EXACT_BELOW and len(nonzero) == len(diff) and len(tie_sizes) == n
    if exact:
        p = signed_rank_exact_p(v, n)
        pseudomedian = hodges_lehmann(nonzero)
    else:
        nf = float(n)
        ties = math.fsum(tie_sizes.astype(float) ** 3 - tie_sizes)
        sigma = math.sqrt(nf * (nf + 1) * (2 * nf + 1) / 24 - ties / 48)
        z = v - nf * (nf + 1) / 4
        if correct:
            z -= 0.5 * np.sign(z)
        p = float(2 * min(stats.norm.cdf(z / sigma), stats.norm.sf(z / sigma))) if sigma > 0 else nan
        pseudomedian = normal_pseudomedian(nonzero)
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
    estimate = float(after.mean() - before.mean())
    note = ""
    if not is_zero(se, scale_of(after, before)):
        df = float((v1 + v0) ** 2 / (v1**2 / (n1 - 1) + v0**2 / (n0 - 1)))
        t = estimate / se
        p = float(2 * stats.t.sf(abs(t), df))
        half = float(stats.t.ppf(1 - alpha / 2, df) * se)
    else:  # both waves constant, up to rounding: no p-value and no interval
        se, df, t, p, half, note = nan, nan, nan, nan, nan, "zero_std_error"
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
        note=note,
    )
