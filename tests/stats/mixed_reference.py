"""The random-intercept REML fit as it was before issue 15 (evaluation/stats/mixed.py at commit
780ba12), kept verbatim as the reference the per-school sufficient-statistics version is
compared with (tests/stats/test_mixed_suffstats.py, benchmarks/mixed_national.py).

Its criterion is evaluated with ``np.add.at`` over all N rows about 139 times per fit. Do not
import it from the package: it is a test fixture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from evaluation.stats.ancova import empty_estimate, empty_groups, group_counts
from evaluation.stats.effect_sizes import standardise
from evaluation.stats.estimate import Estimate
from evaluation.stats.unfit import is_zero, join_notes, missing_group_note, model_columns


@dataclass(frozen=True)
class MixedFit:
    """A random-intercept fit: the treatment row, the variance components and the ICC.

    `effect_size_total` and `effect_size_within` are the treatment coefficient over the total SD
    sqrt(tau2 + sigma2) and over the within-school SD sqrt(sigma2) (no small-sample correction).
    """

    estimate: Estimate
    fixed_effects: dict
    tau2: float
    sigma2: float
    icc: float
    effect_size_total: float
    effect_size_within: float
    reml_criterion: float


def _profile(theta: float, x: np.ndarray, y: np.ndarray, codes: np.ndarray, sizes: np.ndarray):
    """REML criterion (-2 log restricted likelihood) at relative SD theta = tau / sigma, with the
    fixed effects, their unscaled covariance and sigma^2 profiled out.

    V_j = I + theta^2 11' has V_j^-1 = I - c_j 11', c_j = theta^2 / (1 + n_j theta^2) and
    log|V_j| = log(1 + n_j theta^2)."""
    n, p = x.shape
    lam = theta * theta
    c = lam / (1.0 + sizes * lam)
    sum_x = np.zeros((len(sizes), p))
    np.add.at(sum_x, codes, x)
    sum_y = np.bincount(codes, weights=y, minlength=len(sizes))
    xvx = x.T @ x - sum_x.T @ (c[:, None] * sum_x)
    xvy = x.T @ y - sum_x.T @ (c * sum_y)
    beta = np.linalg.solve(xvx, xvy)
    r = y - x @ beta
    sum_r = np.bincount(codes, weights=r, minlength=len(sizes))
    sigma2 = (r @ r - np.sum(c * sum_r**2)) / (n - p)
    logdet = np.linalg.slogdet(xvx)[1]
    crit = (n - p) * (1.0 + math.log(2 * math.pi * sigma2)) + np.sum(np.log1p(sizes * lam)) + logdet
    return crit, beta, np.linalg.inv(xvx), sigma2


def random_intercept_reml(
    data: pd.DataFrame, outcome: str, predictors: Sequence[str], cluster: str
) -> tuple[dict, np.ndarray, float, float, float, int]:
    """REML fit of `outcome` ~ predictors + (1 | cluster), complete cases.

    Returns
    -------
    (fixed_effects, vcov, tau2, sigma2, reml_criterion, n_clusters)
        fixed_effects maps "intercept" and each predictor to its estimate; vcov is their
        covariance sigma^2 (X'V^-1X)^-1, as ``vcov(lmer(...))``.
    """
    complete = data.dropna(subset=[outcome, *predictors, cluster])
    x = np.column_stack([np.ones(len(complete)), *(complete[c].to_numpy(dtype=float) for c in predictors)])
    y = complete[outcome].to_numpy(dtype=float)
    codes, uniques = pd.factorize(complete[cluster], sort=True)
    sizes = np.bincount(codes).astype(float)
    objective = lambda theta: _profile(theta, x, y, codes, sizes)[0]  # noqa: E731
    # bracket the optimum on a coarse grid of theta, then refine with bounded Brent
    grid = np.concatenate([[0.0], np.geomspace(1e-4, 1e3, 71)])
    values = [objective(t) for t in grid]
    best = int(np.argmin(values))
    low, high = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    theta = optimize.minimize_scalar(
        objective, bounds=(low, high), method="bounded", options={"xatol": 1e-13, "maxiter": 500}
    ).x
    # the criterion is flat at its minimum: polish theta as the root of its central derivative
    step = 1e-6 * max(theta, 1e-3)
    slope = lambda t: (objective(t + step) - objective(t - step)) / (2 * step)  # noqa: E731
    left, right = max(theta * (1 - 1e-3), step), theta * (1 + 1e-3)
    if slope(left) < 0 < slope(right):
        theta = optimize.brentq(slope, left, right, xtol=1e-15)
    if objective(0.0) <= objective(theta):
        theta = 0.0
    crit, beta, unscaled, sigma2 = _profile(theta, x, y, codes, sizes)
    names = ["intercept", *predictors]
    return (
        dict(zip(names, map(float, beta))),
        sigma2 * unscaled,
        float(theta**2 * sigma2),
        float(sigma2),
        float(crit),
        len(uniques),
    )


def _school_level(data: pd.DataFrame, column: str, cluster: str) -> bool:
    return bool((data.groupby(cluster)[column].nunique(dropna=False) <= 1).all())


def mixed_reml(
    data: pd.DataFrame,
    post: str,
    pre: str,
    treatment: str,
    cluster: str,
    covariates: Sequence[str] = (),
    alpha: float = 0.05,
    icc: float | None = None,
) -> MixedFit:
    """Random-intercept model of `post` on treatment, `pre` and covariates, fitted by REML.

    Returns
    -------
    MixedFit
        Its `estimate` is the method ``mixed_reml`` row: the treatment coefficient, its model
        standard error, and t on the between-schools degrees of freedom G - 1 - q (q the
        predictors constant within every school, the treatment among them: SAS's
        between-within rule; lme4 reports no df). effect_size is Hedges' g from the pooled
        student-level SD of the post-test as for the ANCOVA rows (with the WWC's cluster factor
        when `icc` is given, `evaluation.stats.effect_sizes.standardise`). Empty numbers with a
        note as `evaluation.stats.ancova.ancova_clustered` (fewer than 4 schools:
        ``too_few_schools``); a constant or collinear covariate is left out, as ``lmer`` drops it
        from a rank-deficient fixed-effects matrix, noted ``dropped_constant:<column>`` /
        ``dropped_collinear:<column>``.

    Notes
    -----
    Matches ``lme4::lmer(post ~ treatment + pre + (1 | school), REML = TRUE)``: fixed effects,
    their standard errors, the variance components and the REML criterion agree to 1e-6
    (tests/stats/test_stats_r.py on nlme's MathAchieve and lme4's sleepstudy).
    """
    predictors = [treatment, pre, *covariates]
    absent = missing_group_note(data, treatment, post, pre)
    complete = data.dropna(subset=[post, *predictors, cluster])
    treated, n_t, n_c, g_t, g_c = group_counts(complete, treatment, cluster)
    nan = math.nan

    def empty(note: str) -> MixedFit:
        return MixedFit(empty_estimate("mixed_reml", n_t, n_c, g_t, g_c, note), {}, nan, nan, nan, nan, nan, nan)

    if absent or g_t < 1 or g_c < 1:
        return empty(absent or empty_groups(g_t, g_c))
    if g_t + g_c < 4:
        return empty("too_few_schools")
    kept, dropped, identified = model_columns(complete, treatment, [pre, *covariates])
    if not identified:
        return empty(dropped)
    if n_t + n_c <= 2 + len(kept):
        return empty(join_notes(dropped, "too_few_students"))
    predictors = [treatment, *kept]
    fixed, vcov, tau2, sigma2, crit, g = random_intercept_reml(complete, post, predictors, cluster)
    estimate = fixed[treatment]
    se = float(math.sqrt(vcov[1, 1]))
    df = float(g - 1 - sum(_school_level(complete, c, cluster) for c in predictors))
    y = complete[post].to_numpy(dtype=float)
    if is_zero(se, max(abs(estimate), float(np.max(np.abs(y))))):  # no p-value from rounding noise
        se, t, p, half, dropped = nan, nan, nan, nan, join_notes(dropped, "zero_std_error")
    else:
        t = estimate / se
        p = float(2 * stats.t.sf(abs(t), df))
        half = float(stats.t.ppf(1 - alpha / 2, df) * se)
    es, es_low, es_high = standardise(
        estimate, estimate - half, estimate + half, y[treated], y[~treated], n_clusters=g_t + g_c, icc=icc
    )
    row = Estimate(
        "mixed_reml",
        n_t,
        n_c,
        estimate,
        se,
        df,
        estimate - half,
        estimate + half,
        p,
        es,
        es_low,
        es_high,
        n_clusters_treatment=g_t,
        n_clusters_control=g_c,
        statistic=t,
        note=dropped,
    )
    return MixedFit(
        row,
        fixed,
        tau2,
        sigma2,
        tau2 / (tau2 + sigma2),
        estimate / math.sqrt(tau2 + sigma2),
        estimate / math.sqrt(sigma2),
        crit,
    )
