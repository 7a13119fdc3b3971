"""Multiple imputation of a missing post-test: the sensitivity analysis set next to the
complete-case ANCOVA when a group misses more of the post-test than the plan's
`missing_data_threshold` (`evaluation.analysis.missing.needs_imputation`).

The missing post-test values are imputed m times by chained equations (statsmodels' `MICEData`: a linear
model of the post-test on the partner indicator, the pre-test, the school mean of the pre-test
and the plan's covariates, parameters drawn from their approximate posterior, values by
predictive mean matching), the primary ANCOVA with school-clustered CR2 errors
(`evaluation.stats.ancova.ancova_clustered`) is fitted to each completed dataset (one set-up of
the design shared by all, `evaluation.stats.ancova.ancova_clustered_draws`), and the m
results are pooled by Rubin's rules (`rubin_pool`). The pooled estimate is the ``ancova_mi``
row of `results/effects.csv`.

The imputation model has no school random effect: the school mean of the pre-test carries the
schools' differences into it, and the analysis model's clustered errors account for the
clustering of the completed data.

References
----------
Rubin, D. B. (1987). Multiple Imputation for Nonresponse in Surveys. Wiley (the pooling rules).
Barnard, J., & Rubin, D. B. (1999). Small-sample degrees of freedom with multiple imputation.
Biometrika, 86(4), 948-955.
van Buuren, S. (2018). Flexible Imputation of Missing Data, 2nd ed., section 5.2 (the pooled
degrees of freedom as R's ``mice::pool``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.errors import EvidenceInputError
from evaluation.stats.ancova import ancova_clustered_draws, empty_estimate, empty_groups, group_counts
from evaluation.stats.effect_sizes import standardise
from evaluation.stats.estimate import Estimate
from evaluation.stats.unfit import aliased_columns, is_zero, join_notes, missing_group_note, model_columns

METHOD = "ancova_mi"
IMPUTATIONS = 20
SEED = 20230419  # fixed: the same data give the same imputations and the same pooled row


@dataclass(frozen=True)
class Pooled:
    """Rubin's rules over m estimates: the pooled estimate (mean), within-imputation variance W
    (mean of the squared standard errors), between-imputation variance B, total variance
    T = W + (1 + 1/m) B, its standard error, and the Barnard-Rubin degrees of freedom."""

    estimate: float
    within: float
    between: float
    total: float
    std_error: float
    df: float
    m: int

    @property
    def missing_information(self) -> float:
        """lambda = (1 + 1/m) B / T, the share of the variance due to the missing data."""
        return (1 + 1 / self.m) * self.between / self.total if self.total > 0 else math.nan


def rubin_pool(estimates: Sequence[float], std_errors: Sequence[float], df_complete: float) -> Pooled:
    """Pool m estimates and their standard errors by Rubin's rules.

    Parameters
    ----------
    estimates, std_errors : sequence of float
        One per completed dataset (m >= 2).
    df_complete : float
        Degrees of freedom of the analysis had no data been missing (for the ANCOVA: its CR2
        Satterthwaite df); ``math.inf`` for a large-sample analysis.

    Notes
    -----
    Q = mean(q_i), W = mean(se_i^2), B = var(q_i) (m - 1 denominator), T = W + (1 + 1/m) B.
    Barnard & Rubin (1999): lambda = (1 + 1/m) B / T, nu_old = (m - 1) / lambda^2,
    nu_obs = (nu_com + 1) / (nu_com + 3) nu_com (1 - lambda), nu = nu_old nu_obs / (nu_old +
    nu_obs) (nu_old when nu_com is infinite). As R's ``mice:::barnard.rubin`` (mice 3.x), lambda
    is floored at 1e-4 so that no between-imputation variance still gives a finite df.
    """
    q = np.asarray(estimates, dtype=float)
    se = np.asarray(std_errors, dtype=float)
    m = len(q)
    if m < 2 or len(se) != m:
        raise EvidenceInputError(
            f"Rubin's rules need at least 2 estimates with one standard error each, "
            f"found {m} estimates and {len(se)} standard errors"
        )
    within = float(np.mean(se**2))
    between = float(np.var(q, ddof=1))
    total = within + (1 + 1 / m) * between
    share = max((1 + 1 / m) * between / total, 1e-4) if total > 0 else 1e-4
    df_old = (m - 1) / share**2
    if math.isinf(df_complete):
        df = df_old
    else:
        df_obs = (df_complete + 1) / (df_complete + 3) * df_complete * (1 - share)
        df = df_old * df_obs / (df_old + df_obs)
    return Pooled(float(q.mean()), within, between, total, math.sqrt(total), float(df), m)


def _imputed_posts(data: pd.DataFrame, post: str, predictors: list[str], m: int, seed: int) -> list[np.ndarray]:
    """m draws of the post-test column with its missing values imputed (statsmodels MICEData,
    predictive mean matching); the observed values are kept as they are."""
    from statsmodels.imputation.mice import MICEData

    numeric = pd.DataFrame({name: data[name].to_numpy(dtype=float) for name in [post, *predictors]})
    numeric.columns = ["y", *[f"x{i}" for i in range(len(predictors))]]
    imputer = MICEData(numeric, rng=np.random.default_rng(seed))
    imputer.set_imputer("y", formula=" + ".join(numeric.columns[1:]))
    draws = []
    for _ in range(m):
        imputer.update_all(1)
        draws.append(imputer.data["y"].to_numpy(dtype=float).copy())
    return draws


def ancova_mi(
    data: pd.DataFrame,
    post: str,
    pre: str,
    treatment: str,
    cluster: str,
    covariates: Sequence[str] = (),
    alpha: float = 0.05,
    m: int = IMPUTATIONS,
    seed: int = SEED,
    icc: float | None = None,
) -> Estimate:
    """The CR2 ANCOVA of partner versus control pooled over m imputations of the missing post-test.

    Parameters
    ----------
    data : DataFrame
        One row per student or respondent; those with a pre-test (and the covariates) are
        analysed, their missing post-test values imputed.
    post, pre, treatment, cluster, covariates, alpha
        As `evaluation.stats.ancova.ancova_clustered`.
    m : int
        Number of imputations (20).
    seed : int
        Seed of the imputations' random numbers.
    icc : float, optional
        The outcome's intraclass correlation for the WWC's cluster factor on g.

    Returns
    -------
    Estimate
        method ``ancova_mi``: the pooled adjusted difference, sqrt(T) as its standard error, the
        Barnard-Rubin df (complete-data df: the CR2 Satterthwaite df, which depends on the
        design only and so is the same in every completed dataset), the t interval and p-value
        on that df; n and schools count the analysed units (with a pre-test). Hedges' g is the
        pooled estimate and interval over the mean of the completed datasets' standardisers
        (the small-sample factor, the WWC's cluster factor with `icc`, over the pooled
        student-level SD of the post-test; `evaluation.stats.effect_sizes.standardise`). Nothing
        is imputed for a group none of whose analysed units has the post-test: the row is empty,
        noted ``no_post_test:partner`` (or ``control``; `evaluation.stats.unfit`). Constant or
        collinear predictors are left out of the imputation model, as R's ``mice`` leaves them
        out, and of the analysis model as in `ancova_clustered`, noted ``dropped_constant:<pre>``.
    """
    sample = data.dropna(subset=[pre, treatment, cluster, *covariates]).reset_index(drop=True)
    treated, n_t, n_c, g_t, g_c = group_counts(sample, treatment, cluster)
    # a group none of whose analysed units has the post-test is not imputed: the imputation model
    # would make its post-test up from the other group's
    absent = missing_group_note(data, treatment, post, pre) or missing_group_note(sample, treatment, post, pre)
    if absent or g_t < 1 or g_c < 1:
        return empty_estimate(METHOD, n_t, n_c, g_t, g_c, absent or empty_groups(g_t, g_c))
    if g_t + g_c < 3:
        return empty_estimate(METHOD, n_t, n_c, g_t, g_c, "too_few_schools")
    kept, dropped, identified = model_columns(sample, treatment, [pre, *covariates])
    if not identified:
        return empty_estimate(METHOD, n_t, n_c, g_t, g_c, dropped)
    if sample[post].notna().sum() <= 2 + len(kept):
        return empty_estimate(METHOD, n_t, n_c, g_t, g_c, join_notes(dropped, "too_few_students"))
    school_pre = sample.groupby(cluster)[pre].transform("mean")
    predictors = sample.assign(_school_pre=school_pre)
    # as R's mice leaves constant and collinear predictors out of the imputation model
    candidates = [treatment, *(c for c in [pre, "_school_pre", *covariates] if c == "_school_pre" or c in kept)]
    matrix = np.column_stack([np.ones(len(predictors)), *(predictors[c].to_numpy(dtype=float) for c in candidates)])
    left_out = {i - 1 for i in aliased_columns(matrix)}
    draws = _imputed_posts(predictors, post, [c for i, c in enumerate(candidates) if i not in left_out], m, seed)
    # the completed datasets share the design: one CR2 set-up for all m fits
    fits = ancova_clustered_draws(sample, post, draws, pre, treatment, cluster, covariates, alpha, vcov="CR2")
    scales = [standardise(1.0, 1.0, 1.0, values[treated], values[~treated], g_t + g_c, icc)[0] for values in draws]
    pooled = rubin_pool([f.estimate for f in fits], [f.std_error for f in fits], float(np.mean([f.df for f in fits])))
    if not math.isfinite(pooled.estimate) or is_zero(pooled.std_error, abs(pooled.estimate)):
        zero = "zero_std_error" if math.isfinite(pooled.estimate) else ""
        return empty_estimate(METHOD, n_t, n_c, g_t, g_c, join_notes(dropped, *(f.note for f in fits), zero))
    half = float(stats.t.ppf(1 - alpha / 2, pooled.df) * pooled.std_error)
    t = pooled.estimate / pooled.std_error
    low, high = pooled.estimate - half, pooled.estimate + half
    scale = float(np.mean(scales))
    return Estimate(
        METHOD,
        n_t,
        n_c,
        pooled.estimate,
        pooled.std_error,
        pooled.df,
        low,
        high,
        float(2 * stats.t.sf(abs(t), pooled.df)),
        pooled.estimate * scale,
        low * scale,
        high * scale,
        n_clusters_treatment=g_t,
        n_clusters_control=g_c,
        statistic=t,
        note=dropped,
    )
