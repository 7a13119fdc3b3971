"""A dense reference CR2 for the benchmark (benchmarks/run.py): the t-test of one OLS coefficient
with CR2 standard errors and Satterthwaite degrees of freedom, computed the straightforward way
R's clubSandwich does for an unweighted ``lm`` (working model Var(y) = sigma^2 I).

Per cluster j it forms the n_j x n_j matrix I - H_jj (H_jj = X_j M X_j', M = (X'X)^-1) and its
inverse symmetric square root A_j by an eigendecomposition (eigenvalues at or below 1e-12 mapped
to 0, clubSandwich's ``matrix_power``); V = M (sum_j X_j' A_j e_j e_j' A_j X_j) M. The
Satterthwaite df of the contrast c is (sum_j g_j'g_j)^2 / sum_(i,j) (g_i'g_j)^2 with the N-vector
g_j = (I - H)_j' A_j X_j M c, (I - H)_j the columns of cluster j of the N x N matrix I - H, so the
df costs N x G memory and N x G^2 time: a reference for a subsample of schools, not for national
data. It shares no code with evaluation/stats/cluster_robust.py.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def _inverse_root(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    safe = np.where(values > 1e-12, values, 1.0)
    roots = np.where(values > 1e-12, 1.0 / np.sqrt(safe), 0.0)
    return (vectors * roots) @ vectors.T


def dense_cr2_test(x: np.ndarray, y: np.ndarray, clusters: np.ndarray, column: int, alpha: float = 0.05) -> dict:
    """OLS of `y` on `x` (full column rank) and the CR2 t-test of coefficient `column`:
    estimate, std_error, df, p_value, ci_low, ci_high, n_clusters."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(y)
    bread = np.linalg.inv(x.T @ x)
    beta = bread @ (x.T @ y)
    residuals = y - x @ beta
    labels, codes = np.unique(np.asarray(clusters), return_inverse=True)
    contrast = bread[:, column]
    meat = np.zeros((x.shape[1], x.shape[1]))
    g_vectors = np.empty((len(labels), n))
    for j in range(len(labels)):
        rows = np.flatnonzero(codes == j)
        x_j = x[rows]
        adjust = _inverse_root(np.eye(len(rows)) - x_j @ bread @ x_j.T)
        score = x_j.T @ (adjust @ residuals[rows])
        meat += np.outer(score, score)
        w_j = adjust @ (x_j @ contrast)  # A_j X_j M c
        g_j = -(x @ (bread @ (x_j.T @ w_j)))  # (I - H)_j' w_j = E_j w_j - X M X_j' w_j
        g_j[rows] += w_j
        g_vectors[j] = g_j
    vcov = bread @ meat @ bread
    gram = g_vectors @ g_vectors.T
    df = float(np.trace(gram) ** 2 / np.sum(gram**2))
    estimate = float(beta[column])
    se = math.sqrt(vcov[column, column])
    half = float(stats.t.ppf(1 - alpha / 2, df) * se)
    p = float(2 * stats.t.sf(abs(estimate / se), df))
    return {
        "estimate": estimate,
        "std_error": se,
        "df": df,
        "p_value": p,
        "ci_low": estimate - half,
        "ci_high": estimate + half,
        "n_clusters": len(labels),
    }
