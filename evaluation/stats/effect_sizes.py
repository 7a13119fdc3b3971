"""Standardised mean differences (Hedges' g) with their confidence intervals.

References
----------
Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and related
estimators. Journal of Educational Statistics, 6(2), 107-128.
Borenstein, M., Hedges, L. V., Higgins, J. P. T., & Rothstein, H. R. (2009). Introduction to
Meta-Analysis, chapter 4 (matched groups: equations 4.27-4.28).
Hedges, L. V. (2007). Effect sizes in cluster-randomized designs. Journal of Educational and
Behavioral Statistics, 32(4), 341-370 (d_T, equations 15-16).
What Works Clearinghouse (2020). Supplement to the Procedures Handbook, Version 4.1, section B:
effect sizes for studies with cluster-level assignment (the bias correction of g for the
clustering, to be carried into later versions).
What Works Clearinghouse (2022). Procedures and Standards Handbook, version 5.0, appendix E
(cluster-level assignment: h is equation E.21, p. 171).
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


def cluster_design_df(n_total: int, n_clusters: int, icc: float) -> float:
    """Degrees of freedom h of a two-group comparison of N students in m schools of n = N/m
    students each with intraclass correlation rho (Hedges 2007; WWC handbook v5.0, E.21, p. 171):

        h = ((N - 2) - 2 (n - 1) rho)^2 /
            ((N - 2) (1 - rho)^2 + n (N - 2n) rho^2 + 2 (N - 2n) rho (1 - rho))

    N - 2 at rho = 0, m - 2 at rho = 1."""
    big_n, n = float(n_total), n_total / n_clusters
    shared = (big_n - 2) - 2 * (n - 1) * icc
    return shared**2 / (
        (big_n - 2) * (1 - icc) ** 2 + n * (big_n - 2 * n) * icc**2 + 2 * (big_n - 2 * n) * icc * (1 - icc)
    )


def cluster_factor(n_total: int, n_clusters: int, icc: float) -> float:
    """The WWC's factor on a standardised difference of groups assigned by school, omega * gamma:

        gamma = sqrt(1 - 2 (n - 1) rho / (N - 2)),   omega = 1 - 3 / (4 h - 1),

    N students in m schools, n = N/m, rho the ICC, h of `cluster_design_df`. gamma undoes the
    bias of the pooled student-level SD as an estimate of the total SD when students come in
    schools (its square has expectation sigma^2 (1 - 2 (n - 1) rho / (N - 2)); Hedges 2007,
    d_T of equation 15); omega is Hedges' small-sample correction on h degrees of freedom in
    place of J on N - 2. At rho = 0 the factor is J = 1 - 3/(4N - 9). NaN when
    1 - 2 (n - 1) rho / (N - 2) is not positive (a handful of students in one or two schools)."""
    n = n_total / n_clusters
    share = 1 - 2 * (n - 1) * icc / (n_total - 2)
    if not (n_total > 2 and n_clusters > 0 and share > 0):
        return math.nan
    return hedges_correction(cluster_design_df(n_total, n_clusters, icc)) * math.sqrt(share)


def standardise(
    estimate: float,
    ci_low: float,
    ci_high: float,
    treatment: np.ndarray,
    control: np.ndarray,
    n_clusters: int | None = None,
    icc: float | None = None,
) -> tuple[float, float, float]:
    """An adjusted difference and its interval as Hedges' g: divided by the pooled student-level
    SD of the outcome in the two groups and multiplied by a small-sample factor (WWC handbook
    v5.0: the effect size of an adjusted mean difference, appendix E).

    With `n_clusters` (the schools of the students in `treatment` and `control`) and `icc`, the
    groups are taken as assigned by school, and the factor is the WWC's omega * gamma for
    cluster-level assignment (`cluster_factor`: the SD's clustering bias undone, Hedges'
    correction on the cluster design's df h); the WWC applies it to every effect size of a
    cluster-assignment study, whether or not its analysis accounted for the clustering, with the
    study's ICC or its default (0.20 achievement, 0.10 other outcomes;
    `evaluation.evidence.significance.DEFAULT_ICC`). Without them, J = 1 - 3/(4N - 9) of
    individually assigned groups. The interval is scaled by the same factor."""
    sd = pooled_sd(np.asarray(treatment, dtype=float), np.asarray(control, dtype=float))
    j = hedges_correction(len(treatment) + len(control) - 2)
    if is_zero(sd, scale_of(treatment, control)):
        return (math.nan, math.nan, math.nan)
    if n_clusters is not None and icc is not None:  # groups assigned by school: omega * gamma
        j = cluster_factor(len(treatment) + len(control), n_clusters, icc)
    return (j * estimate / sd, j * ci_low / sd, j * ci_high / sd)
