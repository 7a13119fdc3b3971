"""Partner versus control: ANCOVA of the post-test on group and pre-test with school-clustered
standard errors."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.results import Estimate
from evaluation.stats.effect_sizes import hedges_correction, pooled_sd


def _design(data: pd.DataFrame, treatment: str, pre: str, covariates: Sequence[str]) -> np.ndarray:
    columns = [np.ones(len(data)), data[treatment].to_numpy(dtype=float), data[pre].to_numpy(dtype=float)]
    columns += [data[name].to_numpy(dtype=float) for name in covariates]
    return np.column_stack(columns)


def cr1_vcov(x: np.ndarray, residuals: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """CR1 cluster-robust covariance: (X'X)^-1 (sum_g X_g' e_g e_g' X_g) (X'X)^-1 scaled by
    G/(G-1) * (N-1)/(N-K), as R's ``sandwich::vcovCL(fit, cluster, type = "HC1")`` and Stata."""
    n, k = x.shape
    bread = np.linalg.inv(x.T @ x)
    codes, _ = pd.factorize(clusters)
    g = codes.max() + 1
    scores = np.zeros((g, k))
    np.add.at(scores, codes, x * residuals[:, None])
    meat = scores.T @ scores
    scale = g / (g - 1) * (n - 1) / (n - k)
    return scale * bread @ meat @ bread


def ancova_clustered(data: pd.DataFrame, post: str, pre: str, treatment: str, cluster: str,
                     covariates: Sequence[str] = (), alpha: float = 0.05) -> Estimate:
    """ANCOVA of `post` on the treatment indicator and `pre` (plus covariates), CR1 errors.

    Parameters
    ----------
    data : DataFrame
        One row per student; rows missing the pre-test, the post-test or a covariate are left
        out (complete cases).
    post, pre : str
        Post-test (outcome) and pre-test (covariate) columns.
    treatment : str
        Column that is 1 (or True) for partner schools and 0 for control schools.
    cluster : str
        School column; standard errors are clustered on it.
    covariates : sequence of str
        Further numeric student- or school-level covariates from the plan.

    Returns
    -------
    Estimate
        method ``ancova_cr1``: the adjusted difference partner minus control, its CR1
        standard error, t on G - 1 degrees of freedom (G schools), and Hedges' g: the adjusted
        difference over the pooled student-level SD of the post-test, times J = 1 - 3/(4N - 9);
        its interval is the difference's cluster-robust interval on the same scale.

    Notes
    -----
    Matches R: ``lm(post ~ treatment + pre, data)`` with
    ``lmtest::coeftest(fit, vcov = sandwich::vcovCL(fit, cluster = ~school, type = "HC1"),
    df = G - 1)``.
    """
    needed = [post, pre, treatment, cluster, *covariates]
    complete = data.dropna(subset=needed)
    treated = complete[treatment].astype(float).to_numpy() == 1.0
    n_t, n_c = int(treated.sum()), int((~treated).sum())
    g_t = int(complete.loc[treated, cluster].nunique())
    g_c = int(complete.loc[~treated, cluster].nunique())
    nan = math.nan
    empty = Estimate("ancova_cr1", n_t, n_c, nan, nan, nan, nan, nan, nan, nan, nan, nan,
                     n_clusters_treatment=g_t, n_clusters_control=g_c)
    if g_t < 1 or g_c < 1 or g_t + g_c < 3 or n_t + n_c <= 3 + len(covariates):
        return empty
    x = _design(complete, treatment, pre, covariates)
    y = complete[post].to_numpy(dtype=float)
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    residuals = y - x @ beta
    vcov = cr1_vcov(x, residuals, complete[cluster].to_numpy())
    estimate = float(beta[1])
    se = float(math.sqrt(vcov[1, 1]))
    df = float(g_t + g_c - 1)
    t_crit = float(stats.t.ppf(1 - alpha / 2, df))
    p = float(2 * stats.t.sf(abs(estimate / se), df)) if se > 0 else nan
    ci_low, ci_high = estimate - t_crit * se, estimate + t_crit * se
    sd = pooled_sd(y[treated], y[~treated])
    j = hedges_correction(n_t + n_c - 2)
    return Estimate(
        method="ancova_cr1", n_treatment=n_t, n_control=n_c, estimate=estimate, std_error=se,
        df=df, ci_low=ci_low, ci_high=ci_high, p_value=p,
        effect_size=j * estimate / sd, effect_size_ci_low=j * ci_low / sd,
        effect_size_ci_high=j * ci_high / sd,
        n_clusters_treatment=g_t, n_clusters_control=g_c,
    )
