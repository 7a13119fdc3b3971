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

VcovType = Literal["CR1", "CR2"]


@dataclass(frozen=True)
class CoefficientTest:
    """t-test of one regression coefficient with cluster-robust errors."""

    estimate: float
    std_error: float
    df: float
    ci_low: float
    ci_high: float
    p_value: float
    statistic: float
    n_clusters: int


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
    """
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    residuals = y - x @ beta
    _, g = _cluster_codes(clusters)
    if vcov == "CR1":
        matrix, df = cr1_vcov(x, residuals, clusters), float(g - 1)
    elif vcov == "CR2":
        matrix, df = cr2_vcov(x, residuals, clusters, column)
    else:
        raise ValueError(f"vcov must be 'CR1' or 'CR2', got {vcov!r}")
    estimate = float(beta[column])
    se = float(math.sqrt(matrix[column, column]))
    t = estimate / se if se > 0 else math.nan
    p = float(2 * stats.t.sf(abs(t), df)) if se > 0 else math.nan
    half = float(stats.t.ppf(1 - alpha / 2, df) * se)
    return CoefficientTest(estimate, se, df, estimate - half, estimate + half, p, t, g)
