"""Cluster-robust (sandwich) covariance of OLS coefficients: CR1 as R's ``sandwich::vcovCL`` and
CR2 with Satterthwaite degrees of freedom as R's ``clubSandwich``, and the t-test of one
coefficient under either.

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


def _cluster_codes(clusters: np.ndarray) -> tuple[np.ndarray, int]:
    codes, uniques = pd.factorize(pd.Series(clusters), sort=True)
    return codes, len(uniques)


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
    return lambda vector: vector + v @ (scale * (v.T @ vector))


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
    df = (sum_j g_j'g_j)^2 / sum_(i,j) (g_i'g_j)^2. The Gram matrix is computed without the
    N x N hat matrix: g_i'g_j = [i = j] u_i'u_i - a_i' X'X a_j with u_j = A_j X_j M c and
    a_j = M X_j' u_j.

    Returns
    -------
    (vcov, df)
        df is NaN when `column` is None.
    """
    bread = np.linalg.inv(x.T @ x)
    codes, g = _cluster_codes(clusters)
    k = x.shape[1]
    meat = np.zeros((k, k))
    u_list, a_cols = [], []
    contrast = bread[:, column] if column is not None else None
    for j in range(g):
        rows = codes == j
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
