"""The pre-test difference of partner and control groups in the analysed sample, as an effect
size; the What Works Clearinghouse's verdict on it is `evaluation.evidence.baseline`.

The baseline g is the two-sample Hedges' g, without the WWC's cluster factor omega * gamma that
the partner-versus-control g carries (`evaluation.stats.effect_sizes.cluster_factor`): the
handbook states that factor for the effect sizes of findings, and whether it also applies it to
baseline differences could not be confirmed from the handbook's text. The factor only shrinks
|g| (by under 1% with 20 schools or more), so leaving it out keeps the stricter verdict."""

from __future__ import annotations

import math

import pandas as pd

from evaluation.stats.ancova import group_counts
from evaluation.stats.effect_sizes import hedges_g
from evaluation.stats.estimate import Estimate


def baseline_equivalence(data: pd.DataFrame, pre: str, treatment: str, cluster: str, alpha: float = 0.05) -> Estimate:
    """Pre-test difference partner minus control among the students in the analysis sample.

    Parameters
    ----------
    data : DataFrame
        The analytic sample: one row per student with both tests (rows missing `pre` are left
        out here; pass the rows the impact estimate uses).

    Returns
    -------
    Estimate
        method ``baseline_equivalence``: estimate is the raw pre-test mean difference,
        effect_size Hedges' g (pooled SD, J = 1 - 3/(4N - 9)) with its interval; the test
        columns are blank. `evaluation.evidence.baseline.baseline_verdict(effect_size)` gives the WWC
        verdict.
    """
    rows = data.dropna(subset=[pre, treatment, cluster])
    treated, n_t, n_c, g_t, g_c = group_counts(rows, treatment, cluster)
    values = rows[pre].to_numpy(dtype=float)
    nan = math.nan
    difference = float(values[treated].mean() - values[~treated].mean()) if n_t and n_c else nan
    g, low, high = hedges_g(values[treated], values[~treated], alpha=alpha)
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
    )
