"""Partner versus control: two-level random-intercept model (students in schools) fitted by
REML, with the intraclass correlation.

The REML criterion of the random-intercept model has one variance parameter once the fixed
effects and the residual variance are profiled out, so it is minimised here directly, in closed
form per school, to the precision of R's ``lme4::lmer``. Every quantity of the criterion is a
function of per-school sufficient statistics (sizes, means and the pooled within-school sums of
squares and products), computed in one pass over the rows; each evaluation is then a sum over
schools, so a fit at a million students in thousands of schools takes a fraction of a second
(benchmarks/mixed_national.py). (statsmodels' ``MixedLM`` fits the same
model, but on the test data its default optimiser stopped far from the optimum and the others
within 1e-4, short of the 1e-6 agreement with R asked of this module.)

References
----------
Bates, D., Maechler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects models
using lme4. Journal of Statistical Software, 67(1), section 3.4 (the profiled REML criterion).
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


@dataclass(frozen=True)
class SchoolSums:
    """The sufficient statistics of a random-intercept model, from one pass over the rows.

    `sizes` n_j, `means_x` (G x p) and `means_y` (G) are the per-school means of the design
    matrix (the intercept among its columns) and of the outcome; `within` ((p + 1) x (p + 1)) is
    the pooled within-school sums of squares and products of [X y], each row centred at its
    school's means. With V_j = I + lam 11' (lam = theta^2), V_j^-1 = I - lam / (1 + n_j lam) 11'
    and X_j'V_j^-1 X_j = W_j + w_j xbar_j xbar_j' with w_j = n_j / (1 + n_j lam), so every
    quantity of the profiled REML criterion is the pooled within part plus a sum over schools.
    """

    sizes: np.ndarray
    means_x: np.ndarray
    means_y: np.ndarray
    within: np.ndarray

    @property
    def n(self) -> int:
        return int(self.sizes.sum())


def school_sums(x: np.ndarray, y: np.ndarray, codes: np.ndarray, n_groups: int) -> SchoolSums:
    """`SchoolSums` of design `x` (N x p) and outcome `y` for schools `codes` (0 .. n_groups - 1)."""
    counts = np.bincount(codes, minlength=n_groups)
    sizes = counts.astype(float)
    z = np.column_stack([x, y])
    order = np.argsort(codes, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    z = z[order]
    means = np.add.reduceat(z, starts, axis=0) / sizes[:, None]
    z -= np.repeat(means, counts, axis=0)
    return SchoolSums(sizes, means[:, :-1], means[:, -1], z.T @ z)


def _gls(lam: float, sums: SchoolSums):
    """The GLS fit at lam = theta^2: weights w_j, X'V^-1X, beta, the school-mean residuals and
    the residual quadratic form r'V^-1 r."""
    w = sums.sizes / (1.0 + sums.sizes * lam)
    mx, my, within = sums.means_x, sums.means_y, sums.within
    p = mx.shape[1]
    xvx = within[:p, :p] + (mx * w[:, None]).T @ mx
    xvy = within[:p, p] + (mx * w[:, None]).T @ my
    beta = np.linalg.solve(xvx, xvy)
    coefficients = np.append(-beta, 1.0)
    mean_residuals = my - mx @ beta
    quadratic = coefficients @ within @ coefficients + np.sum(w * mean_residuals**2)
    return w, xvx, beta, mean_residuals, quadratic


def _profile(theta: float, sums: SchoolSums):
    """REML criterion (-2 log restricted likelihood) at relative SD theta = tau / sigma, with the
    fixed effects, their unscaled covariance and sigma^2 profiled out, from the school sums.

    V_j = I + theta^2 11' has log|V_j| = log(1 + n_j theta^2); no N-length work."""
    n, p = sums.n, sums.means_x.shape[1]
    lam = theta * theta
    _, xvx, beta, _, quadratic = _gls(lam, sums)
    sigma2 = quadratic / (n - p)
    logdet = np.linalg.slogdet(xvx)[1]
    crit = (n - p) * (1.0 + math.log(2 * math.pi * sigma2)) + np.sum(np.log1p(sums.sizes * lam)) + logdet
    return crit, beta, np.linalg.inv(xvx), sigma2


def _slope(theta: float, sums: SchoolSums) -> float:
    """Derivative of the profiled REML criterion in theta, in closed form.

    With lam = theta^2, A = X'V^-1X, e_j the school-mean residuals and Q = r'V^-1 r, the
    derivatives in lam are dw_j = -w_j^2, dA = -sum w_j^2 xbar_j xbar_j', dQ = -sum w_j^2 e_j^2
    (beta minimises Q, so it does not move Q to first order) and d log(1 + n_j lam) = w_j; so
    dcrit/dlam = (N - p) dQ / Q + sum w_j + tr(A^-1 dA), and dcrit/dtheta = 2 theta dcrit/dlam.
    """
    n, p = sums.n, sums.means_x.shape[1]
    w, xvx, _, mean_residuals, quadratic = _gls(theta * theta, sums)
    w2 = w * w
    leverage = np.einsum("jk,jk->j", sums.means_x @ np.linalg.inv(xvx), sums.means_x)
    d_lam = (n - p) * -np.sum(w2 * mean_residuals**2) / quadratic + np.sum(w) - np.sum(w2 * leverage)
    return float(2 * theta * d_lam)


def random_intercept_reml(
    data: pd.DataFrame, outcome: str, predictors: Sequence[str], cluster: str
) -> tuple[dict, np.ndarray, float, float, float, int]:
    """REML fit of `outcome` ~ predictors + (1 | cluster), complete cases.

    One pass over the rows gives the per-school sufficient statistics (`school_sums`); the
    criterion is then minimised over theta as before this module worked from them (a 72-point
    grid guards against a local optimum or one at the boundary tau^2 = 0, bounded Brent refines,
    the root of the central derivative polishes, and theta = 0 is kept when it is no worse), each
    evaluation a sum over schools.

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
    sums = school_sums(x, y, codes, len(uniques))
    objective = lambda theta: _profile(theta, sums)[0]  # noqa: E731
    # bracket the optimum on a coarse grid of theta, then refine with bounded Brent
    grid = np.concatenate([[0.0], np.geomspace(1e-4, 1e3, 71)])
    values = [objective(t) for t in grid]
    best = int(np.argmin(values))
    low, high = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    theta = optimize.minimize_scalar(
        objective, bounds=(low, high), method="bounded", options={"xatol": 1e-13, "maxiter": 500}
    ).x
    # the criterion is flat at its minimum: polish theta as the root of its derivative, here in
    # closed form (the central difference used before left theta only to about 1e-8..1e-6)
    slope = lambda t: _slope(t, sums)  # noqa: E731
    left, right = max(theta * (1 - 1e-3), 1e-12), theta * (1 + 1e-3)
    if slope(left) < 0 < slope(right):
        theta = optimize.brentq(slope, left, right, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=200, disp=False)
    if objective(0.0) <= objective(theta):
        theta = 0.0
    crit, beta, unscaled, sigma2 = _profile(theta, sums)
    names = ["intercept", *predictors]
    return (
        dict(zip(names, map(float, beta))),
        sigma2 * unscaled,
        float(theta**2 * sigma2),
        float(sigma2),
        float(crit),
        len(uniques),
    )


def _school_level(data: pd.DataFrame, columns: Sequence[str], cluster: str) -> int:
    """How many of `columns` have one value within every school of `data` (complete cases): each
    column sorted by school, a school-level column equals its neighbour wherever the school does
    (as ``groupby(cluster)[column].nunique() <= 1`` for every school, without the groupby)."""
    codes = pd.factorize(data[cluster])[0]
    order = np.argsort(codes, kind="stable")
    same_school = codes[order][1:] == codes[order][:-1]
    values = (data[c].to_numpy()[order] for c in columns)
    return sum(bool(np.all(v[1:][same_school] == v[:-1][same_school])) for v in values)


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
    data = data[list(dict.fromkeys([post, *predictors, cluster]))]  # the model's columns: cut without the rest
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
    df = float(g - 1 - _school_level(complete, predictors, cluster))
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
