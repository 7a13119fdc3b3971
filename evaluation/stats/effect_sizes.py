"""Standardised mean differences (Hedges' g) with their confidence intervals.

References
----------
Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and related
estimators. Journal of Educational Statistics, 6(2), 107-128.
Borenstein, M., Hedges, L. V., Higgins, J. P. T., & Rothstein, H. R. (2009). Introduction to
Meta-Analysis, chapter 4 (matched groups: equations 4.27-4.28).
What Works Clearinghouse (2022). Procedures and Standards Handbook, version 5.0, appendix E.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from evaluation.stats.unfit import is_zero, scale_of


def hedges_correction(df: float) -> float:
    """Small-sample correction J = 1 - 3 / (4 df - 1) (Hedges 1981), df the degrees of freedom
    of the standardiser: n1 + n2 - 2 for two groups (the WWC's 1 - 3/(4N - 9)), n - 1 paired."""
    if df <= 0.25:
        return math.nan
    return 1.0 - 3.0 / (4.0 * df - 1.0)


def pooled_sd(a: np.ndarray, b: np.ndarray) -> float:
    """Pooled within-group standard deviation of two samples (n - 1 weights)."""
    n_a, n_b = len(a), len(b)
    if n_a + n_b <= 2:
        return math.nan
    var = ((n_a - 1) * np.var(a, ddof=1) + (n_b - 1) * np.var(b, ddof=1)) / (n_a + n_b - 2)
    return float(math.sqrt(var))


def hedges_g_paired(pre: np.ndarray, post: np.ndarray, alpha: float = 0.05) -> tuple[float, float, float]:
    """Hedges' g of a paired pre/post change with its confidence interval.

    Notes
    -----
    d = mean(post - pre) / s_within with s_within = sqrt((s_pre^2 + s_post^2) / 2), so g is on
    the same student-level SD scale as the between-group effect sizes. Its variance is
    V_d = (1/n + d^2 / (2n)) * 2 (1 - r), r the pre/post correlation (Borenstein et al. 2009,
    eq. 4.28); g = J d and V_g = J^2 V_d with J on n - 1 degrees of freedom; the interval is
    g +/- z_(1-alpha/2) sqrt(V_g).

    Returns
    -------
    (g, ci_low, ci_high)
    """
    pre = np.asarray(pre, dtype=float)
    post = np.asarray(post, dtype=float)
    n = len(pre)
    if n < 3:
        return (math.nan, math.nan, math.nan)
    s_within = math.sqrt((np.var(pre, ddof=1) + np.var(post, ddof=1)) / 2.0)
    if is_zero(s_within, scale_of(pre, post)):  # a standard deviation zero up to rounding
        return (math.nan, math.nan, math.nan)
    d = float(np.mean(post - pre)) / s_within
    r = float(np.corrcoef(pre, post)[0, 1])
    var_d = (1.0 / n + d**2 / (2.0 * n)) * 2.0 * (1.0 - r)
    j = hedges_correction(n - 1)
    g = j * d
    half = stats.norm.ppf(1 - alpha / 2) * j * math.sqrt(var_d)
    return (float(g), float(g - half), float(g + half))


def hedges_g(treatment: np.ndarray, control: np.ndarray, alpha: float = 0.05) -> tuple[float, float, float]:
    """Hedges' g of two independent samples with its confidence interval.

    Notes
    -----
    d = (mean_t - mean_c) / s_pooled, g = J d with J = 1 - 3 / (4N - 9) (WWC handbook v5.0,
    appendix E), V_d = N / (n_t n_c) + d^2 / (2N) (Borenstein et al. 2009, eq. 4.20), and the
    interval g +/- z_(1-alpha/2) J sqrt(V_d). Verified against the same formulas written in R
    on ``ToothGrowth`` (tests/r/reference.R).

    Returns
    -------
    (g, ci_low, ci_high)
    """
    treatment = np.asarray(treatment, dtype=float)
    control = np.asarray(control, dtype=float)
    n_t, n_c = len(treatment), len(control)
    sd = pooled_sd(treatment, control)
    if n_t < 2 or n_c < 2 or is_zero(sd, scale_of(treatment, control)):
        return (math.nan, math.nan, math.nan)
    n = n_t + n_c
    d = float(treatment.mean() - control.mean()) / sd
    j = hedges_correction(n - 2)
    half = stats.norm.ppf(1 - alpha / 2) * j * math.sqrt(n / (n_t * n_c) + d**2 / (2 * n))
    return (j * d, j * d - half, j * d + half)


def standardise(
    estimate: float, ci_low: float, ci_high: float, treatment: np.ndarray, control: np.ndarray
) -> tuple[float, float, float]:
    """An adjusted difference and its interval as Hedges' g: divided by the pooled student-level
    SD of the outcome in the two groups and multiplied by J = 1 - 3/(4N - 9) (WWC handbook v5.0:
    the effect size of an adjusted mean difference)."""
    sd = pooled_sd(np.asarray(treatment, dtype=float), np.asarray(control, dtype=float))
    j = hedges_correction(len(treatment) + len(control) - 2)
    if is_zero(sd, scale_of(treatment, control)):
        return (math.nan, math.nan, math.nan)
    return (j * estimate / sd, j * ci_low / sd, j * ci_high / sd)
