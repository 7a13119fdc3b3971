"""Cluster-robust (sandwich) covariance of OLS coefficients: CR1 as R's ``sandwich::vcovCL`` and
CR2 with Satterthwaite degrees of freedom as R's ``clubSandwich``, the t-test of one
coefficient under either, and the CR2 Wald test of several linear constraints with clubSandwich's
HTZ small-sample correction.

Nothing forms the N x N hat matrix, an n_j x n_j matrix of a school or a G x G matrix of pairs
of schools, and nothing loops over schools in Python: one pass over the rows sums each school's
p x p block of the design (p the number of coefficients), one batched eigendecomposition of the
G blocks gives every school's CR2 adjustment, and the small-sample degrees of freedom are sums
over single schools (`_htz_nu`). Time and memory grow linearly with students and schools.
`CoefficientDesign` keeps everything that does not depend on the outcome, so that the 20
completed datasets of a multiple imputation share it.

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

from evaluation.stats.unfit import aliased_columns, aliased_then_reproduced, is_zero, scale_of

VcovType = Literal["CR1", "CR2"]

#: Eigenvalues of I - H_jj at or below this are taken as 0 by the adjustment's pseudo-inverse root, as
#: clubSandwich's ``Sym_power`` takes them.
EIGEN_ZERO = 1e-12


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


def _cluster_codes(clusters: np.ndarray | pd.Series) -> tuple[np.ndarray, int]:
    """Each row's cluster as 0..G-1 (in sorted order of the clusters) and G. A column of the
    data frame is factorised as it is (an Arrow string column without a Python string per row)."""
    codes, uniques = pd.factorize(clusters if isinstance(clusters, pd.Series) else pd.Series(clusters), sort=True)
    return codes, len(uniques)


def _cluster_sums(codes: np.ndarray, g: int, values: np.ndarray) -> np.ndarray:
    """Each cluster's sum of each column of `values` (N x k), a G x k array: one pass over the
    rows per column (`np.bincount`), the rows added in their order."""
    return np.column_stack([np.bincount(codes, weights=values[:, c], minlength=g) for c in range(values.shape[1])])


def _cr1(x: np.ndarray, residuals: np.ndarray, codes: np.ndarray, g: int) -> np.ndarray:
    n, k = x.shape
    bread = np.linalg.inv(x.T @ x)
    scores = _cluster_sums(codes, g, x * residuals[:, None])
    meat = scores.T @ scores
    scale = g / (g - 1) * (n - 1) / (n - k)
    return scale * bread @ meat @ bread


def cr1_vcov(x: np.ndarray, residuals: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """CR1 cluster-robust covariance: (X'X)^-1 (sum_g X_g' e_g e_g' X_g) (X'X)^-1 scaled by
    G/(G-1) * (N-1)/(N-K), as R's ``sandwich::vcovCL(fit, cluster, type = "HC1")`` and Stata."""
    return _cr1(x, residuals, *_cluster_codes(clusters))


class _Cr2Blocks:
    """What the CR2 covariance and its small-sample degrees of freedom need from a design X
    (N x p, full column rank) and its G clusters, computed once for any outcome.

    Notes
    -----
    With M = (X'X)^-1, H_jj = X_j M X_j' and the adjustment A_j = (I - H_jj)^(-1/2), a cluster
    enters only through p x p matrices. Take an orthonormal basis Z of X's columns (the thin QR
    X = Z R, or the Gram-Schmidt basis that `CoefficientDesign`'s check for aliased columns
    built, with R = Z'X), so Z = X L with L = R^-1, L L' = M and Z'Z = I, and each cluster's
    block S_j = Z_j'Z_j = V_j diag(s_j) V_j' (the s_j are the nonzero eigenvalues of
    H_jj = Z_j Z_j', its leverages, padded with zeros). Since
    Z_j' f(Z_j Z_j') = f(Z_j'Z_j) Z_j' for any function f of the eigenvalues,

        Z_j' A_j e_j = V_j diag(phi(s_j)) V_j' Z_j'e_j,
        Z_j' A_j Z_j = V_j diag(phi(s_j) s_j) V_j',   Z_j' A_j A_j Z_j = V_j diag(phi(s_j)^2 s_j) V_j',

    with phi(s) = (1 - s)^(-1/2), and 0 where 1 - s is at most `EIGEN_ZERO` (clubSandwich's
    ``Sym_power(x, -1/2)``, a pseudo-inverse root: a cluster that alone determines a direction
    of the fit). The quantities of X follow by X_j = Z_j L^-1: X_j'A_j e_j = R' (Z_j'A_j e_j),
    F_j = X_j'A_j X_j = R' (Z_j'A_j Z_j) R, and the covariance M (sum_j X_j'A_j e_j e_j'A_j X_j) M
    is L (sum_j Z_j'A_j e_j e_j'A_j Z_j) L'. Z_j'Z_j is well conditioned whatever the scale of X's
    columns, and a cluster with fewer rows than p, or a column constant within it, only gives
    leverages 0 (phi(0) = 1), so no cluster needs a rank decision of its own.

    One pass over the rows per pair of columns (`np.bincount`) sums the G blocks, one batched
    `np.linalg.eigh` decomposes them: O(N p^2 + G p^3) time, O(N p + G p^2) memory.
    """

    def __init__(self, x: np.ndarray, codes: np.ndarray, g: int, basis: np.ndarray | None = None):
        p = x.shape[1]
        if basis is None:
            self.z, r = np.linalg.qr(x)
        else:  # an orthonormal basis of X's columns at hand (Gram-Schmidt's): X = Z R with R = Z'X
            self.z, r = basis, basis.T @ x
        self.lower = np.linalg.inv(r)  # L, L L' = M
        self.codes, self.g = codes, g
        blocks = np.empty((g, p, p))
        for a in range(p):
            for b in range(a, p):
                blocks[:, a, b] = np.bincount(codes, weights=self.z[:, a] * self.z[:, b], minlength=g)
                blocks[:, b, a] = blocks[:, a, b]
        self.leverages, self.vectors = np.linalg.eigh(blocks)
        rest = 1.0 - self.leverages
        self.weights = np.where(rest > EIGEN_ZERO, 1.0 / np.sqrt(np.clip(rest, EIGEN_ZERO, None)), 0.0)
        self._f_k: tuple[np.ndarray, np.ndarray] | None = None

    def vcov(self, residuals: np.ndarray) -> np.ndarray:
        """The CR2 covariance L (sum_j Z_j'A_j e_j e_j'A_j Z_j) L' of the residuals e."""
        sums = _cluster_sums(self.codes, self.g, self.z * residuals[:, None])  # Z_j'e_j, G x p
        rotated = np.einsum("jkp,jk->jp", self.vectors, sums)
        scores = np.einsum("jkp,jp->jk", self.vectors, self.weights * rotated)  # Z_j'A_j e_j
        return self.lower @ (scores.T @ scores) @ self.lower.T

    def f_k(self) -> tuple[np.ndarray, np.ndarray]:
        """Z_j'A_j Z_j and Z_j'A_j A_j Z_j of every cluster (G x p x p each)."""
        if self._f_k is None:
            scaled = self.weights * self.leverages
            f = np.einsum("jkp,jp,jlp->jkl", self.vectors, scaled, self.vectors)
            k = np.einsum("jkp,jp,jlp->jkl", self.vectors, scaled * self.weights, self.vectors)
            self._f_k = (f, k)
        return self._f_k

    def nu(self, constraints: np.ndarray) -> float:
        """The HTZ degrees of freedom of the constraints C (q x p, on X's coefficients): `_htz_nu`
        in Z's coordinates, where C becomes C L and M the identity."""
        f, k = self.f_k()
        return _htz_nu(constraints @ self.lower, np.eye(f.shape[1]), f, k)


def cr2_vcov(
    x: np.ndarray, residuals: np.ndarray, clusters: np.ndarray, column: int | None = None
) -> tuple[np.ndarray, float]:
    """CR2 (bias-reduced linearisation) covariance of OLS coefficients, and the Satterthwaite
    degrees of freedom of coefficient `column`.

    Notes
    -----
    With M = (X'X)^-1, H_jj = X_j M X_j' and the adjustment A_j = (I - H_jj)^(-1/2) (symmetric
    square root), V = M (sum_j X_j' A_j e_j e_j' A_j X_j) M (Bell & McCaffrey 2002), computed from
    each cluster's p x p block (`_Cr2Blocks`).

    The degrees of freedom for the contrast c (unit vector of `column`) follow Pustejovsky &
    Tipton (2018, section 3.1) under the working model Var(y) = sigma^2 I, as
    ``clubSandwich::coef_test(fit, vcov = "CR2", test = "Satterthwaite")`` for an unweighted
    ``lm``: with g_j = (I - H)_j' A_j X_j M c, the N-vector of cluster j,
    df = (sum_j g_j'g_j)^2 / sum_(i,j) (g_i'g_j)^2, which is the HTZ degrees of freedom of the one
    constraint c (`_htz_nu`): sums over single clusters, without the G x G matrix of the g_i'g_j
    (tests/stats/test_cr2_linear.py compares it with that matrix).

    Returns
    -------
    (vcov, df)
        df is NaN when `column` is None.
    """
    blocks = _Cr2Blocks(x, *_cluster_codes(clusters))
    vcov = blocks.vcov(residuals)
    if column is None:
        return vcov, math.nan
    return vcov, blocks.nu(np.eye(x.shape[1])[[column]])


class CoefficientDesign:
    """The cluster-robust t-test of coefficient `column` of the design `x`, set up once for any
    outcome: the aliased columns, the clusters, and for CR2 each cluster's block, its
    adjustment and the Satterthwaite degrees of freedom (which depend on the design only).
    ``CoefficientDesign(x, clusters, column, vcov).test(y, alpha)`` is
    ``coefficient_test(x, y, clusters, column, vcov, alpha)``; the completed datasets of a
    multiple imputation, which share the design, call `test` once each."""

    def __init__(self, x: np.ndarray, clusters: np.ndarray, column: int, vcov: VcovType = "CR2"):
        if vcov not in ("CR1", "CR2"):
            raise ValueError(f"vcov must be 'CR1' or 'CR2', got {vcov!r}")
        self.codes, self.g = _cluster_codes(clusters)
        others = [j for j in range(x.shape[1]) if j != column]
        if vcov == "CR2":  # its blocks use the orthonormal basis that finding the aliased columns gives
            aliased, self.collinear, basis = aliased_then_reproduced(x[:, others], x[:, column])
        else:  # CR1 needs no basis: the decisions alone, as aliased_then_reproduced takes them
            aliased = aliased_columns(x[:, others])
            kept = [others[i] for i in range(len(others)) if i not in aliased]
            self.collinear = len(kept) in aliased_columns(np.column_stack([x[:, kept], x[:, column]]))
        self.dropped = tuple(others[i] for i in aliased)
        keep = [j for j in range(x.shape[1]) if j not in self.dropped]
        if self.dropped:
            x, column = x[:, keep], keep.index(column)
        self.x, self.column, self.vcov = x, column, vcov
        self._blocks = None
        if self.collinear:
            self.df = math.nan
        elif vcov == "CR1":
            self.df = float(self.g - 1)
        else:
            self._blocks = _Cr2Blocks(x, self.codes, self.g, basis)
            self.df = self._blocks.nu(np.eye(x.shape[1])[[column]])

    def test(self, y: np.ndarray, alpha: float = 0.05) -> CoefficientTest:
        """The t-test of the coefficient in the OLS of `y` on the design."""
        nan, g, dropped = math.nan, self.g, self.dropped
        if self.collinear:
            return CoefficientTest(nan, nan, nan, nan, nan, nan, nan, g, dropped, "collinear_treatment")
        x, column, df = self.x, self.column, self.df
        beta, *_ = np.linalg.lstsq(x, y, rcond=None)
        residuals = y - x @ beta
        matrix = _cr1(x, residuals, self.codes, g) if self._blocks is None else self._blocks.vcov(residuals)
        estimate = float(beta[column])
        variance = float(matrix[column, column])
        se = math.sqrt(variance) if variance >= 0 else nan
        if is_zero(se, max(abs(estimate), scale_of(y) / max(scale_of(x[:, column]), 1e-300))):
            return CoefficientTest(estimate, nan, df, nan, nan, nan, nan, g, dropped, "zero_std_error")
        t = estimate / se
        p = float(2 * stats.t.sf(abs(t), df))
        half = float(stats.t.ppf(1 - alpha / 2, df) * se)
        return CoefficientTest(estimate, se, df, estimate - half, estimate + half, p, t, g, dropped)


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
    standard error, interval and p with the note ``zero_std_error``. Several outcomes of one
    design share its set-up through `CoefficientDesign`.
    """
    return CoefficientDesign(x, clusters, column, vcov).test(y, alpha)


def _symmetric_power(matrix: np.ndarray, power: float) -> np.ndarray:
    """matrix^power of a symmetric matrix by its eigendecomposition, eigenvalues at or below
    1e-12 mapped to 0 (clubSandwich's ``matrix_power``)."""
    values, vectors = np.linalg.eigh(matrix)
    powered = np.where(values > EIGEN_ZERO, np.abs(values) ** power, 0.0)
    return (vectors * powered) @ vectors.T


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
    codes, g = _cluster_codes(clusters)
    blocks = _Cr2Blocks(x, codes, g)
    vcov = blocks.vcov(residuals)
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
    nu = blocks.nu(constraints)
    df = nu - q + 1
    delta = max(df / nu, 0.0) if nu > 0 else nan
    statistic = delta * wald / q
    p = float(stats.f.sf(statistic, q, df)) if df > 0 else nan
    return WaldTest(float(statistic), q, float(df), p, wald, float(delta), g, std_errors)
