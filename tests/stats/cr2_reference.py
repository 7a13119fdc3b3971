# The CR2 implementation as it was before the per-school p x p blocks (evaluation/stats/cluster_robust.py
# at commit 780ba12), kept verbatim below as the reference the vectorised one is tested against.

"""Cluster-robust (sandwich) covariance of OLS coefficients: CR1 as R's ``sandwich::vcovCL`` and
CR2 with Satterthwaite degrees of freedom as R's ``clubSandwich``, the t-test of one
coefficient under either, and the CR2 Wald test of several linear constraints with clubSandwich's
HTZ small-sample correction.

Nothing forms the N x N hat matrix: every quantity is built one school at a time from p x p
blocks (p the number of coefficients), and the sums over pairs of schools that the small-sample
degrees of freedom need are written as sums over single schools (`_htz_nu`), so time and memory
grow linearly with students and schools (a G x G Gram matrix is kept up to `GRAM_MAX_SCHOOLS`).

References
----------
Bell, R. M., & McCaffrey, D. F. (2002). Bias reduction in standard errors for linear regression
with multi-stage samples. Survey Methodology, 28(2), 169-181.
Pustejovsky, J. E., & Tipton, E. (2018). Small-sample methods for cluster-robust variance
estimation and hypothesis testing in fixed effects models. Journal of Business & Economic
Statistics, 36(4), 672-683.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.stats.unfit import aliased_columns, is_zero, scale_of

VcovType = Literal["CR1", "CR2"]

#: Up to this many clusters `cr2_vcov` computes a coefficient's Satterthwaite df from the G x G
#: Gram matrix (32 MB at 2,000), above it by the linear sums of `_htz_nu` (the same number).
GRAM_MAX_SCHOOLS = 2000


@dataclass(frozen=True)
class CoefficientTest:
    """t-test of one regression coefficient with cluster-robust errors.

    `dropped` are the columns of the design left out as aliased (R's NA coefficients); `note`
    is ``collinear_treatment`` when the tested column itself cannot be told apart from the others
    (every number NaN) and ``zero_std_error`` when its standard error is zero up to rounding
    (standard error, interval and p NaN; the estimate stays), else "" (`evaluation.stats.unfit`).
    """

    estimate: float
    std_error: float
    df: float
    ci_low: float
    ci_high: float
    p_value: float
    statistic: float
    n_clusters: int
    dropped: tuple[int, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class WaldTest:
    """CR2 Wald test of q linear constraints C beta = 0 with the HTZ small-sample correction."""

    statistic: float  # the HTZ F statistic, delta Q / q
    df_num: int  # q
    df_denom: float  # nu - q + 1
    p_value: float
    wald: float  # Q = (C b)' (C V C')^-1 (C b), the unadjusted Wald statistic
    delta: float  # (nu - q + 1) / nu
    n_clusters: int
    std_errors: tuple[float, ...] = ()  # CR2 standard errors of the q contrasts C beta


def _cluster_codes(clusters: np.ndarray) -> tuple[np.ndarray, int]:
    codes, uniques = pd.factorize(pd.Series(clusters), sort=True)
    return codes, len(uniques)


def _cluster_slices(clusters: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Row order that puts each cluster's rows together (in their order) and the bounds of cluster
    j's rows in it, order[bounds[j]:bounds[j + 1]]: one sort, not one scan of N rows per cluster."""
    codes, g = _cluster_codes(clusters)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(g + 1))
    return order, bounds, g


def cr1_vcov(x: np.ndarray, residuals: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """CR1 cluster-robust covariance: (X'X)^-1 (sum_g X_g' e_g e_g' X_g) (X'X)^-1 scaled by
    G/(G-1) * (N-1)/(N-K), as R's ``sandwich::vcovCL(fit, cluster, type = "HC1")`` and Stata."""
    n, k = x.shape
    bread = np.linalg.inv(x.T @ x)
    codes, g = _cluster_codes(clusters)
    scores = np.zeros((g, k))
    np.add.at(scores, codes, x * residuals[:, None])
    meat = scores.T @ scores
    scale = g / (g - 1) * (n - 1) / (n - k)
    return scale * bread @ meat @ bread


def _adjustment(x_j: np.ndarray, bread: np.ndarray):
    """The CR2 adjustment A_j = (I - X_j M X_j')^(-1/2) of one cluster, as a function applying it.

    I - X_j M X_j' is the identity outside the column space of X_j, so with X_j = QR (thin QR)
    and R M R' = W diag(s) W', A_j = I + V diag((1 - s)^(-1/2) - 1) V', V = QW: O(n_j p^2)
    instead of an eigendecomposition of an n_j x n_j matrix. Eigenvalues 1 - s at or below 1e-12
    map to 0, as clubSandwich's ``Sym_power(x, -1/2)`` does (a pseudo-inverse root)."""
    q, r = np.linalg.qr(x_j)
    s, w = np.linalg.eigh(r @ bread @ r.T)
    v = q @ w
    rest = 1.0 - s
    scale = np.where(rest > 1e-12, 1.0 / np.sqrt(np.clip(rest, 1e-12, None)), 0.0) - 1.0

    def apply(values: np.ndarray) -> np.ndarray:  # a vector, or a matrix column by column
        weights = scale if values.ndim == 1 else scale[:, None]
        return values + v @ (weights * (v.T @ values))

    return apply


def cr2_vcov(
    x: np.ndarray, residuals: np.ndarray, clusters: np.ndarray, column: int | None = None
) -> tuple[np.ndarray, float]:
    """CR2 (bias-reduced linearisation) covariance of OLS coefficients, and the Satterthwaite
    degrees of freedom of coefficient `column`.

    Notes
    -----
    With M = (X'X)^-1, H_jj = X_j M X_j' and the adjustment A_j = (I - H_jj)^(-1/2) (symmetric
    square root), V = M (sum_j X_j' A_j e_j e_j' A_j X_j) M (Bell & McCaffrey 2002).

    The degrees of freedom for the contrast c (unit vector of `column`) follow Pustejovsky &
    Tipton (2018, section 3.1) under the working model Var(y) = sigma^2 I, as
    ``clubSandwich::coef_test(fit, vcov = "CR2", test = "Satterthwaite")`` for an unweighted
    ``lm``: with g_j = (I - H)_j' A_j X_j M c, the N-vector of cluster j,
    df = (sum_j g_j'g_j)^2 / sum_(i,j) (g_i'g_j)^2. Up to `GRAM_MAX_SCHOOLS` clusters the G x G
    Gram matrix is computed without the N x N hat matrix: g_i'g_j = [i = j] u_i'u_i - a_i' X'X a_j
    with u_j = A_j X_j M c and a_j = M X_j' u_j. Above it (national data: thousands of schools,
    where the Gram matrix alone would take gigabytes) the same df is the HTZ degrees of freedom of
    the one constraint c (`_htz_nu`), sums over single clusters of p x p blocks, linear in G; the
    two agree to the last few of the 16 digits (tests/stats/test_clustered.py). The Gram matrix
    stays below the bound so that results computed before the linear form are unchanged to the
    last digit.

    Returns
    -------
    (vcov, df)
        df is NaN when `column` is None.
    """
    slices = _cluster_slices(clusters)
    if column is not None and slices[2] > GRAM_MAX_SCHOOLS:
        bread, vcov, f_blocks, k_blocks = _cr2_blocks(x, residuals, clusters, slices)
        return vcov, _htz_nu(np.eye(x.shape[1])[[column]], bread, f_blocks, k_blocks)
    bread = np.linalg.inv(x.T @ x)
    order, bounds, g = slices
    k = x.shape[1]
    meat = np.zeros((k, k))
    u_list, a_cols = [], []
    contrast = bread[:, column] if column is not None else None
    for j in range(g):
        rows = order[bounds[j] : bounds[j + 1]]
        x_j = x[rows]
        adjust = _adjustment(x_j, bread)
        score = x_j.T @ adjust(residuals[rows])
        meat += np.outer(score, score)
        if contrast is not None:
            u_j = adjust(x_j @ contrast)
            u_list.append(u_j)
            a_cols.append(bread @ (x_j.T @ u_j))
    vcov = bread @ meat @ bread
    if contrast is None:
        return vcov, math.nan
    a = np.column_stack(a_cols)
    gram = -a.T @ (x.T @ x) @ a
    gram[np.diag_indices(g)] += [u @ u for u in u_list]
    df = float(np.trace(gram) ** 2 / np.sum(gram**2))
    return vcov, df


def coefficient_test(
    x: np.ndarray, y: np.ndarray, clusters: np.ndarray, column: int, vcov: VcovType = "CR2", alpha: float = 0.05
) -> CoefficientTest:
    """OLS of `y` on `x` and the t-test of coefficient `column` with cluster-robust errors.

    CR1: ``sandwich::vcovCL(type = "HC1")`` with t on G - 1 degrees of freedom (``lmtest::coeftest
    (fit, vcov, df = G - 1)``); CR2: ``clubSandwich`` with Satterthwaite degrees of freedom.

    Columns that the columns before them reproduce (a constant covariate beside the intercept, a
    collinear one) are left out, as R's ``lm`` leaves them out (NA coefficients; ``sandwich`` and
    ``clubSandwich`` then use the kept columns: tests/r/edge_cases.R), and listed in `dropped`.
    When the other columns reproduce column `column` itself, R would keep it and drop a later
    one, so that its coefficient took over theirs; here every number is NaN instead, with the
    note ``collinear_treatment``. A standard error zero up to rounding, relative to the larger of
    the estimate and max|y| / max|x_column| (`evaluation.stats.unfit.is_zero`), gives NaN
    standard error, interval and p with the note ``zero_std_error``.
    """
    if vcov not in ("CR1", "CR2"):
        raise ValueError(f"vcov must be 'CR1' or 'CR2', got {vcov!r}")
    _, g = _cluster_codes(clusters)
    nan = math.nan
    others = [j for j in range(x.shape[1]) if j != column]
    dropped = tuple(others[i] for i in aliased_columns(x[:, others]))
    keep = [j for j in range(x.shape[1]) if j not in dropped]
    kept_others = [j for j in keep if j != column]
    if len(kept_others) in aliased_columns(x[:, [*kept_others, column]]):  # the others reproduce it
        return CoefficientTest(nan, nan, nan, nan, nan, nan, nan, g, dropped, "collinear_treatment")
    if dropped:
        x, column = x[:, keep], keep.index(column)
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    residuals = y - x @ beta
    if vcov == "CR1":
        matrix, df = cr1_vcov(x, residuals, clusters), float(g - 1)
    else:
        matrix, df = cr2_vcov(x, residuals, clusters, column)
    estimate = float(beta[column])
    variance = float(matrix[column, column])
    se = math.sqrt(variance) if variance >= 0 else nan
    if is_zero(se, max(abs(estimate), scale_of(y) / max(scale_of(x[:, column]), 1e-300))):
        return CoefficientTest(estimate, nan, df, nan, nan, nan, nan, g, dropped, "zero_std_error")
    t = estimate / se
    p = float(2 * stats.t.sf(abs(t), df))
    half = float(stats.t.ppf(1 - alpha / 2, df) * se)
    return CoefficientTest(estimate, se, df, estimate - half, estimate + half, p, t, g, dropped)


def _symmetric_power(matrix: np.ndarray, power: float) -> np.ndarray:
    """matrix^power of a symmetric matrix by its eigendecomposition, eigenvalues at or below
    1e-12 mapped to 0 (clubSandwich's ``matrix_power``)."""
    values, vectors = np.linalg.eigh(matrix)
    powered = np.where(values > 1e-12, np.abs(values) ** power, 0.0)
    return (vectors * powered) @ vectors.T


def _cr2_blocks(x: np.ndarray, residuals: np.ndarray, clusters: np.ndarray, slices=None):
    """One pass over the clusters: M = (X'X)^-1, the CR2 covariance M (sum_j X_j'A_j e_j e_j'A_j
    X_j) M, and per cluster F_j = X_j' A_j X_j and K_j = X_j' A_j A_j X_j (G x p x p each)."""
    bread = np.linalg.inv(x.T @ x)
    order, bounds, g = slices if slices is not None else _cluster_slices(clusters)
    k = x.shape[1]
    meat = np.zeros((k, k))
    f_blocks, k_blocks = np.empty((g, k, k)), np.empty((g, k, k))
    for j in range(g):
        rows = order[bounds[j] : bounds[j + 1]]
        x_j = x[rows]
        adjust = _adjustment(x_j, bread)
        score = x_j.T @ adjust(residuals[rows])
        meat += np.outer(score, score)
        adjusted = adjust(x_j)
        f_blocks[j] = x_j.T @ adjusted
        k_blocks[j] = adjusted.T @ adjusted
    return bread, bread @ meat @ bread, f_blocks, k_blocks


def _htz_nu(constraints: np.ndarray, bread: np.ndarray, f_blocks: np.ndarray, k_blocks: np.ndarray) -> float:
    """The HTZ degrees of freedom nu = q (q + 1) / sum_(s,t) Var_st of Pustejovsky & Tipton (2018,
    section 3.2), as clubSandwich's ``Wald_testing`` with ``total_variance_mat``, for an
    unweighted ``lm`` (working model sigma^2 I).

    Notes
    -----
    clubSandwich builds a q x q x G x G array P with P[s, t, j, k] = [j = k] g_j^s'g_j^t -
    h_j^s'h_k^t, where g_j = C M X_j' A_j (q x n_j) and h_j = C M F_j L (q x p, L L' = M),
    Omega = sum_j P[., ., j, j], B = Omega^(-1/2) P Omega^(-1/2) slice by slice, and
    Var_st = sum_(j,k) B[s,t,j,k] B[t,s,j,k] + B[s,s,j,k] B[t,t,j,k]. Here each sum over the G^2
    pairs of schools is written as sums over single schools: with D_j = W C M K_j M C' W and
    E_j = W C M F_j M F_j' M C' W (W = Omega^(-1/2)) and R[a, c] = sum_j (h~_j^a)(h~_j^c)'
    (p x p, h~ = W h),
    sum_(j,k) B[a,b,j,k] B[c,d,j,k] = sum_j (D_j[a,b] D_j[c,d] - D_j[a,b] E_j[c,d]
    - E_j[a,b] D_j[c,d]) + <R[a, c], R[b, d]>, linear in G.
    """
    cm = constraints @ bread
    q = cm.shape[0]
    fmf = np.einsum("jpr,rs,jts->jpt", f_blocks, bread, f_blocks)  # F_j M F_j'
    omega = cm @ (k_blocks.sum(axis=0) - fmf.sum(axis=0)) @ cm.T
    z = _symmetric_power((omega + omega.T) / 2, -0.5) @ cm
    d = np.einsum("ap,jpr,br->jab", z, k_blocks, z)
    e = np.einsum("ap,jpr,br->jab", z, fmf, z)
    h = np.einsum("ap,jpr,rs->jas", z, f_blocks, np.linalg.cholesky((bread + bread.T) / 2))
    r = np.einsum("jau,jcv->acuv", h, h)
    pairs = (
        np.einsum("jab,jcd->abcd", d, d)
        - np.einsum("jab,jcd->abcd", d, e)
        - np.einsum("jab,jcd->abcd", e, d)
        + np.einsum("acuv,bduv->abcd", r, r)
    )
    total = float(np.einsum("stts->", pairs) + np.einsum("sstt->", pairs))  # sum_(s,t) Var_st
    return q * (q + 1) / total if total > 0 else math.nan


def cr2_wald_test(x: np.ndarray, y: np.ndarray, clusters: np.ndarray, constraints: np.ndarray) -> WaldTest:
    """OLS of `y` on `x` and the CR2 Wald test of ``constraints @ beta = 0`` with the HTZ
    small-sample correction.

    Parameters
    ----------
    x : (N, p) array
        Design matrix of full column rank.
    y : (N,) array
    clusters : (N,) array
        Cluster (school) of each row.
    constraints : (q, p) array
        The constraint matrix C; rows of the identity, ``np.eye(p)[columns]``, test that those
        coefficients are all zero (clubSandwich's ``constrain_zero``).

    Returns
    -------
    WaldTest
        With Q = (C b)' (C V C')^-1 (C b), V the CR2 covariance, and nu the HTZ degrees of freedom
        (`_htz_nu`): statistic F = delta Q / q with delta = (nu - q + 1) / nu, on q and nu - q + 1
        degrees of freedom (a Hotelling T^2 approximation). All numbers are NaN when C V C' is not
        positive definite (clubSandwich stops there), p is NaN when nu - q + 1 <= 0 (as
        clubSandwich). With q = 1 the test is the square of `coefficient_test`'s CR2 t-test and
        nu its Satterthwaite df.

    Notes
    -----
    Matches ``clubSandwich::Wald_test(lm(...), constraints = constrain_zero(...), vcov = "CR2",
    cluster = school, test = "HTZ")`` (tests/stats/test_clustered_r.py; Pustejovsky & Tipton
    2018, section 3.2).
    """
    constraints = np.atleast_2d(np.asarray(constraints, dtype=float))
    q = constraints.shape[0]
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    residuals = y - x @ beta
    bread, vcov, f_blocks, k_blocks = _cr2_blocks(x, residuals, clusters)
    g = len(f_blocks)
    nan = math.nan
    contrast = constraints @ beta
    middle = constraints @ vcov @ constraints.T
    std_errors = tuple(float(math.sqrt(max(v, 0.0))) for v in np.diag(middle))
    try:
        factor = np.linalg.cholesky((middle + middle.T) / 2)
    except np.linalg.LinAlgError:
        return WaldTest(nan, q, nan, nan, nan, nan, g, std_errors)
    solved = np.linalg.solve(factor, contrast)
    wald = float(solved @ solved)
    nu = _htz_nu(constraints, bread, f_blocks, k_blocks)
    df = nu - q + 1
    delta = max(df / nu, 0.0) if nu > 0 else nan
    statistic = delta * wald / q
    p = float(stats.f.sf(statistic, q, df)) if df > 0 else nan
    return WaldTest(float(statistic), q, float(df), p, wald, float(delta), g, std_errors)
