"""Partner versus control when students are not linked across waves: difference in differences
of group means, with school-clustered CR2 errors."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluation.stats.ancova import empty_estimate, group_counts, tested_estimate
from evaluation.stats.cluster_robust import VcovType, coefficient_test
from evaluation.stats.estimate import Estimate
from evaluation.stats.unfit import code, join_notes


def did_clustered(
    data: pd.DataFrame,
    value: str,
    wave: str,
    treatment: str,
    cluster: str,
    post_wave: object = "post",
    alpha: float = 0.05,
    vcov: VcovType = "CR2",
    icc: float | None = None,
    covariates: Sequence[str] = (),
) -> Estimate:
    """OLS of `value` on treatment, post wave, their product (and covariates); the product's
    coefficient is the difference in differences (partner change minus control change).

    Parameters
    ----------
    data : DataFrame
        Long: one row per student (or respondent) and wave; rows missing `value` are left out.
    wave : str
        Wave column; rows equal to `post_wave` are the post wave, all others the pre wave.
    treatment, cluster : str
        1/0 partner indicator and school column (errors clustered on schools).
    icc : float, optional
        The outcome's intraclass correlation for the WWC's cluster factor on g.
    covariates : sequence of str
        Further numeric student- or school-level columns (rows missing one are left out).

    Returns
    -------
    Estimate
        Empty numbers with a note when a group has no value in a wave (``no_post_test:partner``
        ...) or there are fewer than 3 schools (`evaluation.stats.unfit`).
        method ``did``; counts are post-wave students per group; effect_size is Hedges' g of the
        difference over the pooled post-wave student-level SD, times the WWC's cluster factor
        with `icc` and the post-wave schools (J = 1 - 3/(4N - 9) without `icc`;
        `evaluation.stats.effect_sizes.standardise`).

    Notes
    -----
    Matches ``clubSandwich::coef_test(lm(value ~ treatment * post), vcov = "CR2",
    cluster = school, test = "Satterthwaite")`` (tests/stats/test_stats_r.py, nlme's MathAchieve with
    sex standing in for the wave); with covariates ``lm(value ~ treatment * post + x1 + x2)``
    (tests/analysis/test_covariates.py, tests/r/covariates.R).
    """
    columns = list(dict.fromkeys([value, wave, treatment, cluster, *covariates]))
    rows = data[columns].dropna()  # the model's columns alone: cut without the rest
    post = (rows[wave] == post_wave).to_numpy()
    treated, _, _, g_t, g_c = group_counts(rows, treatment, cluster)
    n_t, n_c = int((treated & post).sum()), int((~treated & post).sum())
    cells = {
        ("partner", "post_test"): treated & post,
        ("partner", "pre_test"): treated & ~post,
        ("control", "post_test"): ~treated & post,
        ("control", "pre_test"): ~treated & ~post,
    }
    empty = [(group, test) for (group, test), cell in cells.items() if not cell.any()]
    if empty:
        notes = [
            code("no_units", group)
            if (group, "post_test") in empty and (group, "pre_test") in empty
            else code(f"no_{test}", group)
            for group, test in empty
        ]
        return empty_estimate("did", n_t, n_c, g_t, g_c, join_notes(notes))
    if g_t + g_c < 3:
        return empty_estimate("did", n_t, n_c, g_t, g_c, "too_few_schools")
    if len(rows) <= 4 + len(covariates):
        return empty_estimate("did", n_t, n_c, g_t, g_c, "too_few_students")
    t = treated.astype(float)
    w = post.astype(float)
    x = np.column_stack([np.ones(len(rows)), t, w, t * w, *(rows[c].to_numpy(dtype=float) for c in covariates)])
    y = rows[value].to_numpy(dtype=float)
    test = coefficient_test(x, y, rows[cluster], 3, vcov=vcov, alpha=alpha)
    post_schools = int(rows.loc[post, cluster].nunique())
    return tested_estimate(
        "did", test, (n_t, n_c, g_t, g_c), (y[treated & post], y[~treated & post]), post_schools, icc, test.note
    )
