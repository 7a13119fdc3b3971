"""Does the partner effect differ between subgroups? The partner x subgroup interaction of the
ANCOVA with school-clustered CR2 errors: a t-test for a two-level subgroup, the HTZ Wald test
for more levels.

Comparing separate subgroup estimates interval against interval ("the boys' interval excludes
zero, the girls' does not") is not a test of a difference between them; the interaction is.

References
----------
Pustejovsky, J. E., & Tipton, E. (2018). Small-sample methods for cluster-robust variance
estimation and hypothesis testing in fixed effects models. Journal of Business & Economic
Statistics, 36(4), 672-683.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluation.stats.ancova import empty_estimate, empty_groups, group_counts, tested_estimate
from evaluation.stats.cluster_robust import coefficient_test, cr2_wald_test
from evaluation.stats.estimate import Estimate
from evaluation.stats.unfit import (
    aliased_columns,
    code,
    is_zero,
    join_notes,
    missing_group_note,
    model_columns,
    scale_of,
)

METHOD = "ancova_cr2"


def moderator_levels(values: pd.Series) -> list:
    """The distinct non-missing values of a moderator in sorted order (numbers as numbers, so
    grade 9 comes before 10; mixed kinds of value as text); the first is the reference level."""
    levels = list(values.dropna().unique())
    try:
        levels.sort()
    except TypeError:
        levels.sort(key=str)
    return levels


def _detail(level: object) -> str:
    """A level as the detail of a note code (no ``;``, which separates codes)."""
    return str(level).replace(";", ",")


def moderator_test(
    data: pd.DataFrame,
    post: str,
    pre: str,
    treatment: str,
    cluster: str,
    moderator: str,
    covariates: Sequence[str] = (),
    alpha: float = 0.05,
    icc: float | None = None,
) -> Estimate:
    """Test whether the partner effect differs between the levels of `moderator`.

    OLS of `post` on the treatment indicator, `pre`, the `covariates`, an indicator of each level
    of the moderator but the first (in sorted order: `moderator_levels`) and the product of the
    treatment with each of those indicators, with CR2 errors clustered on `cluster`. A numerical
    moderator (grade) is treated as categories.

    Parameters
    ----------
    data : DataFrame
        One row per student; rows missing the post-test, pre-test, treatment, school, moderator
        or a covariate are left out (complete cases); a group none of whose rows has both tests
        gives the note of `evaluation.stats.unfit.missing_group_note` (``no_post_test:partner``).
    post, pre, treatment, cluster : str
        Post-test, pre-test, 1/0 partner indicator and school columns.
    moderator : str
        The subgroup column (sex, grade, school_type, ...), student- or school-level.
    covariates : sequence of str
        Further numeric covariates of the plan.
    alpha : float
        1 - confidence level of the two-level interval.
    icc : float, optional
        The outcome's ICC for the WWC's cluster factor on the two-level g, as the ANCOVA rows
        (`evaluation.stats.effect_sizes.standardise`); None: J = 1 - 3/(4N - 9).

    Returns
    -------
    Estimate
        method ``ancova_cr2``; n_treatment/n_control and n_clusters_* count the analysed students
        and schools per arm.

        Two levels: the interaction's t-test: estimate = the partner effect in the second level
        minus that in the first, its CR2 standard error, Satterthwaite df, interval and p; the
        effect size is that difference as g on the ANCOVA rows' scale (over the pooled
        student-level SD of the post-test, times the WWC's cluster factor with `icc`, or
        J = 1 - 3/(4N - 9) without it), its interval likewise. A standard error zero up to
        rounding keeps the estimate with the note ``zero_std_error`` (`coefficient_test`).

        More levels (q = levels - 1 interactions): the CR2 Wald test that all interactions are
        zero with the HTZ small-sample correction (`cr2_wald_test`): the F statistic in
        `estimate`, the denominator df in `df`, p in `p_value`; standard error, interval and
        effect size empty; note ``wald_f:<q>``.

        Empty numbers (NaN) with a note when the test cannot be computed: a group without
        students with both tests (``no_post_test:partner`` ..., ``no_units:<group>``),
        ``no_moderator_values`` (no analysed student has a value), ``one_level``,
        ``level_without_partner:<level>`` / ``level_without_control:<level>`` (a level with
        students of one group only: its interaction is not estimable), ``too_few_schools``
        (fewer than 3), ``collinear_treatment``, ``too_few_students``, ``singular_design`` (the
        level indicators or interactions are collinear with the other columns, such as a
        school-level moderator that coincides with a covariate), ``zero_std_error`` (an
        interaction's standard error zero up to rounding), ``singular_vcov`` (the covariance of
        the interactions is not positive definite), ``small_sample_df`` (the HTZ denominator df
        is not positive: too few schools for this many levels). A constant or collinear
        covariate or pre-test is left out as in the ANCOVA rows (``dropped_constant:<column>``,
        ``dropped_collinear:<column>``, `evaluation.stats.unfit.model_columns`).

    Notes
    -----
    Matches R (tests/stats/test_clustered_r.py, nlme's MathAchieve): two levels
    ``clubSandwich::coef_test(lm(post ~ treatment + pre + level + treatment:level), vcov = "CR2",
    cluster = school, test = "Satterthwaite")``, the interaction row; more levels
    ``clubSandwich::Wald_test(fit, constraints = constrain_zero("^treatment:", reg_ex = TRUE),
    vcov = "CR2", cluster = school, test = "HTZ")``.
    """
    data = data[list(dict.fromkeys([post, pre, treatment, cluster, moderator, *covariates]))]  # cut without the rest
    absent = missing_group_note(data, treatment, post, pre)
    complete = data.dropna(subset=[post, pre, treatment, cluster, moderator, *covariates])
    treated, n_t, n_c, g_t, g_c = group_counts(complete, treatment, cluster)

    def empty(note: str) -> Estimate:
        return empty_estimate(METHOD, n_t, n_c, g_t, g_c, note)

    if absent:
        return empty(absent)
    levels = moderator_levels(complete[moderator])
    if not levels:
        return empty("no_moderator_values")
    if len(levels) == 1:
        return empty("one_level")
    if g_t < 1 or g_c < 1:
        return empty(empty_groups(g_t, g_c))
    if g_t + g_c < 3:
        return empty("too_few_schools")
    values = complete[moderator].to_numpy()
    lacking = []
    for level in levels:
        here = values == level
        if not (here & treated).any():
            lacking.append(code("level_without_partner", _detail(level)))
        if not (here & ~treated).any():
            lacking.append(code("level_without_control", _detail(level)))
    if lacking:
        return empty(join_notes(lacking))
    kept, dropped, identified = model_columns(complete, treatment, [pre, *covariates])
    if not identified:
        return empty(dropped)
    indicators = [(values == level).astype(float) for level in levels[1:]]
    t = treated.astype(float)
    x = np.column_stack(
        [
            np.ones(len(complete)),
            t,
            *(complete[name].to_numpy(dtype=float) for name in kept),
            *indicators,
            *(t * indicator for indicator in indicators),
        ]
    )
    if len(x) <= x.shape[1]:
        return empty(join_notes(dropped, "too_few_students"))
    if aliased_columns(x):
        return empty(join_notes(dropped, "singular_design"))
    y = complete[post].to_numpy(dtype=float)
    clusters = complete[cluster]  # factorised as it is
    q = len(indicators)
    p = x.shape[1]
    common = dict(n_clusters_treatment=g_t, n_clusters_control=g_c)
    if q == 1:
        test = coefficient_test(x, y, clusters, p - 1, vcov="CR2", alpha=alpha)
        return tested_estimate(
            METHOD,
            test,
            (n_t, n_c, g_t, g_c),
            (y[treated], y[~treated]),
            g_t + g_c,
            icc,
            join_notes(dropped, test.note),
        )
    wald = cr2_wald_test(x, y, clusters, np.eye(p)[p - q :])
    wald_f = code("wald_f", q)
    if any(is_zero(se, scale_of(y)) for se in wald.std_errors):
        return empty(join_notes(dropped, "zero_std_error", wald_f))
    if math.isnan(wald.wald):
        return empty(join_notes(dropped, "singular_vcov", wald_f))
    if not wald.df_denom > 0:
        return empty(join_notes(dropped, "small_sample_df", wald_f))
    nan = math.nan
    return Estimate(
        METHOD,
        n_t,
        n_c,
        wald.statistic,
        nan,
        wald.df_denom,
        nan,
        nan,
        wald.p_value,
        nan,
        nan,
        nan,
        statistic=wald.statistic,
        note=join_notes(dropped, wald_f),
        **common,
    )
