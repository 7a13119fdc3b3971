"""The partner-versus-control g of the pipeline carries the WWC's cluster factor with the WWC's
default ICC of the outcome; the baseline g does not (evaluation.analysis.effects)."""

import math

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis.effects import outcome_icc, partner_vs_control_effects
from evaluation.config.plan import Outcome, Plan
from evaluation.stats import hedges_correction
from evaluation.stats.effect_sizes import cluster_factor


def pooled(values, treated):
    a, b = values[treated], values[~treated]
    return math.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2))


def test_the_pipeline_uses_the_wwc_default_icc_of_the_outcome():
    exam = Outcome(id="mathematics", source="exam", domain="academic", subject="mathematics")
    survey = Outcome(id="belonging", source="survey", domain="wellbeing", instrument="s", scale="b")
    assert (outcome_icc(exam), outcome_icc(survey)) == (0.20, 0.10)
    rng = np.random.default_rng(4)
    school = np.repeat(np.arange(8), 20)
    pre = rng.normal(50, 10, school.size)
    frame = pd.DataFrame(
        {
            "school_id": school.astype(str),
            "treatment": (school % 2).astype(float),
            "group": np.where(school % 2, "partner", "control"),
            "unit_id": np.arange(school.size).astype(str),
            "pre": pre,
            "post": pre + 3 * (school % 2) + rng.normal(0, 5, school.size) + rng.normal(0, 3, 8)[school],
        }
    )
    plan = Plan(path=None, programme="p", period="2022-2023", language="en", data_dir=None, outcomes=(survey,))
    rows = partner_vs_control_effects(frame, survey, plan).set_index("method")
    treated = frame["treatment"].to_numpy() == 1
    # omega * gamma, checked against the handbook's formula in tests/stats/test_wwc_cluster_factor.py
    scale = cluster_factor(160, 8, 0.10) / pooled(frame["post"].to_numpy(), treated)
    for method in ("ancova_cr1", "ancova_cr2", "mixed_reml"):
        assert rows.loc[method, "effect_size"] == pytest.approx(scale * rows.loc[method, "estimate"], rel=1e-12)
    # the baseline g stays the two-sample Hedges' g (J = 1 - 3/(4N - 9))
    baseline = rows.loc["baseline_equivalence"]
    assert baseline["effect_size"] == pytest.approx(
        hedges_correction(158) * baseline["estimate"] / pooled(frame["pre"].to_numpy(), treated), rel=1e-12
    )
