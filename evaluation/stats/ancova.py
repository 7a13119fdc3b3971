"""Partner versus control: ANCOVA of the post-test on group and pre-test with school-clustered
standard errors (CR1 or CR2)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluation.stats.cluster_robust import CoefficientDesign, CoefficientTest, VcovType, cr1_vcov
from evaluation.stats.effect_sizes import standardise
from evaluation.stats.estimate import Estimate
from evaluation.stats.unfit import code, join_notes, missing_group_note, model_columns

__all__ = ["ancova_clustered", "ancova_clustered_draws", "cr1_vcov", "empty_estimate", "empty_groups", "group_counts"]


def _design(data: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    return np.column_stack([np.ones(len(data)), *(data[name].to_numpy(dtype=float) for name in columns)])


def group_counts(data: pd.DataFrame, treatment: str, cluster: str) -> tuple[np.ndarray, int, int, int, int]:
    """Treated mask, students and schools per group (treatment, control)."""
    treated = data[treatment].astype(float).to_numpy() == 1.0
    return (
        treated,
        int(treated.sum()),
        int((~treated).sum()),
        int(data.loc[treated, cluster].nunique()),
        int(data.loc[~treated, cluster].nunique()),
    )


def empty_groups(g_t: int, g_c: int) -> str:
    """``no_units:<group>`` for each group without a school in the analysed rows."""
    return join_notes([code("no_units", group) for group, g in (("partner", g_t), ("control", g_c)) if g < 1])


def empty_estimate(method: str, n_t: int, n_c: int, g_t: int, g_c: int, note: str) -> Estimate:
    """A row whose model could not be fitted: counts, NaN numbers and the `note` saying why."""
    nan = math.nan
    return Estimate(
        method, n_t, n_c, nan, nan, nan, nan, nan, nan, nan, nan, nan,
        n_clusters_treatment=g_t, n_clusters_control=g_c, note=note,
    )  # fmt: skip


def tested_estimate(
    method: str,
    test: CoefficientTest,
    counts: tuple[int, int, int, int],
    outcome: tuple[np.ndarray, np.ndarray],
    n_clusters: int,
    icc: float | None,
    note: str = "",
) -> Estimate:
    """The row of a coefficient's cluster-robust t-test: `counts` are (students, students,
    schools, schools) of (partner, control), `outcome` the two groups' outcome values, whose
    pooled SD turns the difference into Hedges' g (`standardise` with `n_clusters` and `icc`)."""
    n_t, n_c, g_t, g_c = counts
    g, g_low, g_high = standardise(test.estimate, test.ci_low, test.ci_high, *outcome, n_clusters=n_clusters, icc=icc)
    return Estimate(
        method, n_t, n_c, test.estimate, test.std_error, test.df, test.ci_low, test.ci_high, test.p_value,
        g, g_low, g_high, n_clusters_treatment=g_t, n_clusters_control=g_c, statistic=test.statistic, note=note,
    )  # fmt: skip


def ancova_clustered(
    data: pd.DataFrame,
    post: str,
    pre: str,
    treatment: str,
    cluster: str,
    covariates: Sequence[str] = (),
    alpha: float = 0.05,
    vcov: VcovType = "CR1",
    icc: float | None = None,
) -> Estimate:
    """ANCOVA of `post` on the treatment indicator and `pre` (plus covariates), school-clustered
    errors.

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
    vcov : {"CR1", "CR2"}
        CR1: G/(G-1) (N-1)/(N-K) scaled sandwich, t on G - 1 degrees of freedom (G schools).
        CR2: bias-reduced linearisation with Satterthwaite degrees of freedom.
    icc : float, optional
        The outcome's intraclass correlation for the WWC's cluster factor on g (`standardise`);
        None: J = 1 - 3/(4N - 9) only, as for individually assigned groups.

    Returns
    -------
    Estimate
        Empty numbers with a note (`evaluation.stats.unfit`) when a group has no student with
        both tests (``no_post_test:partner`` ...), there are fewer than 3 schools or the partner
        indicator is reproduced by the covariates (``collinear_treatment``); a constant or
        collinear covariate is left out as R's ``lm`` leaves it out, noted
        ``dropped_constant:<column>`` or ``dropped_collinear:<column>``.
        method ``ancova_cr1`` or ``ancova_cr2``: the adjusted difference partner minus control,
        its standard error, degrees of freedom, interval and p-value, and Hedges' g: the
        adjusted difference over the pooled student-level SD of the post-test, times the WWC's
        omega * gamma for school-level assignment with `icc` (J = 1 - 3/(4N - 9) without it;
        `evaluation.stats.effect_sizes.standardise`); its interval is the difference's
        cluster-robust interval on the same scale.

    Notes
    -----
    Matches R (tests/stats/test_stats_r.py, nlme's MathAchieve): ``fit <- lm(post ~ treatment + pre,
    data)``, CR1 ``lmtest::coeftest(fit, vcov = sandwich::vcovCL(fit, cluster = ~school,
    type = "HC1"), df = G - 1)``, CR2 ``clubSandwich::coef_test(fit, vcov = "CR2",
    cluster = data$school, test = "Satterthwaite")``.
    """
    return _ancova(data, post, pre, treatment, cluster, covariates, alpha, vcov, icc)[0]


def ancova_clustered_draws(
    data: pd.DataFrame,
    post: str,
    draws: Sequence[np.ndarray],
    pre: str,
    treatment: str,
    cluster: str,
    covariates: Sequence[str] = (),
    alpha: float = 0.05,
    vcov: VcovType = "CR2",
    icc: float | None = None,
) -> list[Estimate]:
    """`ancova_clustered` of each completed dataset ``data.assign(**{post: draw})``, as multiple
    imputation makes them: one draw of the post-test per dataset, a value for every row of
    `data`, none missing.

    The datasets differ in the post-test only, so they share the analysed rows, the design and
    its cluster-robust set-up (`evaluation.stats.cluster_robust.CoefficientDesign`: each school's
    p x p block and CR2 adjustment, the Satterthwaite degrees of freedom); each draw costs its
    least-squares fit and the school sums of its residuals. The rows equal `ancova_clustered`'s
    of each completed dataset (tests/stats/test_cr2_linear.py).
    """
    values = [np.asarray(draw, dtype=float) for draw in draws]
    if any(len(v) != len(data) or not np.isfinite(v).all() for v in values):
        raise ValueError(f"each draw of {post!r} needs a finite value for each of the {len(data)} rows")
    if not values:
        return []
    return _ancova(
        data.assign(**{post: values[0]}), post, pre, treatment, cluster, covariates, alpha, vcov, icc, values
    )


def _ancova(
    data: pd.DataFrame,
    post: str,
    pre: str,
    treatment: str,
    cluster: str,
    covariates: Sequence[str],
    alpha: float,
    vcov: VcovType,
    icc: float | None,
    draws: list[np.ndarray] | None = None,
) -> list[Estimate]:
    """The rows of `ancova_clustered` for `data`'s own post-test (`draws` None) or for each of
    `draws` in its place (a full column each, none missing: the analysed rows are the same)."""
    method = f"ancova_{vcov.lower()}"
    fits = 1 if draws is None else len(draws)
    data = data[list(dict.fromkeys([post, pre, treatment, cluster, *covariates]))]  # cut without the rest
    absent = missing_group_note(data, treatment, post, pre)
    analysed = data[[post, pre, treatment, cluster, *covariates]].notna().all(axis=1).to_numpy()
    complete = data[analysed]
    treated, n_t, n_c, g_t, g_c = group_counts(complete, treatment, cluster)
    if absent or g_t < 1 or g_c < 1:
        return [empty_estimate(method, n_t, n_c, g_t, g_c, absent or empty_groups(g_t, g_c))] * fits
    if g_t + g_c < 3:
        return [empty_estimate(method, n_t, n_c, g_t, g_c, "too_few_schools")] * fits
    kept, dropped, identified = model_columns(complete, treatment, [pre, *covariates])
    if not identified:
        return [empty_estimate(method, n_t, n_c, g_t, g_c, dropped)] * fits
    if n_t + n_c <= 2 + len(kept):
        return [empty_estimate(method, n_t, n_c, g_t, g_c, join_notes(dropped, "too_few_students"))] * fits
    design = CoefficientDesign(_design(complete, [treatment, *kept]), complete[cluster], 1, vcov)
    outcomes = [complete[post].to_numpy(dtype=float)] if draws is None else [draw[analysed] for draw in draws]
    rows = []
    for y in outcomes:
        test = design.test(y, alpha)
        note = join_notes(dropped, test.note)
        counts = (n_t, n_c, g_t, g_c)
        rows.append(tested_estimate(method, test, counts, (y[treated], y[~treated]), g_t + g_c, icc, note))
    return rows
