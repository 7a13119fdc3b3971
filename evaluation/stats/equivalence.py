"""The pre-test difference of partner and control groups in the analysed sample, as an effect
size; the What Works Clearinghouse's verdict on it is `evaluation.evidence.baseline`.

The baseline g is the two-sample Hedges' g, without the WWC's cluster factor omega * gamma that
the partner-versus-control g carries (`evaluation.stats.effect_sizes.cluster_factor`): the
handbook states that factor for the effect sizes of findings, and whether it also applies it to
baseline differences could not be confirmed from the handbook's text. The factor only shrinks
|g| (by under 1% with 20 schools or more), so leaving it out keeps the stricter verdict."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from evaluation.stats.ancova import empty_estimate, empty_groups, group_counts
from evaluation.stats.effect_sizes import hedges_g
from evaluation.stats.estimate import Estimate
from evaluation.stats.unfit import code, is_zero, missing_group_note, scale_of


def baseline_equivalence(
    data: pd.DataFrame, pre: str, treatment: str, cluster: str, alpha: float = 0.05, post: str | None = None
) -> Estimate:
    """Pre-test difference partner minus control among the students in the analysis sample.

    Parameters
    ----------
    data : DataFrame
        The analytic sample: one row per student with both tests (rows missing `pre` are left
        out here; pass the rows the impact estimate uses, or every row and `post`).
    post : str, optional
        Post-test column: rows missing it are left out too, so that the sample is the one of
        the impact estimate, and a group without it is noted.

    Returns
    -------
    Estimate
        method ``baseline_equivalence``: estimate is the raw pre-test mean difference,
        effect_size Hedges' g (pooled SD, J = 1 - 3/(4N - 9)) with its interval; the test
        columns are blank. `evaluation.evidence.baseline.baseline_verdict(effect_size)` gives the WWC
        verdict. Empty with a note (`evaluation.stats.unfit`) when a group has no student in the
        sample (``no_post_test:partner`` ...); g is blank when the pre-test has one value
        (``constant:<pre>``) or one value within each group (``separates_groups:<pre>``).
    """
    absent = missing_group_note(data, treatment, post, pre) if post is not None else ""
    rows = data.dropna(subset=[pre, treatment, cluster] + ([post] if post is not None else []))
    treated, n_t, n_c, g_t, g_c = group_counts(rows, treatment, cluster)
    if absent or not n_t or not n_c:
        return empty_estimate("baseline_equivalence", n_t, n_c, g_t, g_c, absent or empty_groups(g_t, g_c))
    values = rows[pre].to_numpy(dtype=float)
    nan = math.nan
    difference = float(values[treated].mean() - values[~treated].mean())
    g, low, high = hedges_g(values[treated], values[~treated], alpha=alpha)
    note = ""
    if math.isnan(g) and n_t > 1 and n_c > 1:
        constant = is_zero(float(np.ptp(values)), scale_of(values))
        note = code("constant" if constant else "separates_groups", pre)
    return Estimate(
        "baseline_equivalence",
        n_t,
        n_c,
        difference,
        nan,
        nan,
        nan,
        nan,
        nan,
        g,
        low,
        high,
        n_clusters_treatment=g_t,
        n_clusters_control=g_c,
        note=note,
    )
