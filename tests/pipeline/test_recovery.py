"""The analyses recover the demo programme's true effects (evaluation.demo.TRUE_EFFECTS).

The demo data are deterministic, so each check is one fixed draw: the true effect must lie inside
the 95% interval the analysis reports. How often such intervals cover over many draws is the
simulation study's question, not the test suite's.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.analysis.effects import partner_vs_control_effects, prepost_effects
from evaluation.analysis.frames import prepost_frame
from evaluation.config.plan import load_plan
from evaluation.demo import TRUE_EFFECTS
from evaluation.steps.workspace import load_accepted, load_instruments

pytestmark = pytest.mark.slow  # the whole module runs the demo programme or validates whole directories


@pytest.fixture(scope="module")
def analysed(demo_plan: Path, tmp_path_factory: pytest.TempPathFactory):
    plan = load_plan(demo_plan)
    accepted = load_accepted(plan, tmp_path_factory.mktemp("out"))
    instruments = load_instruments(plan)
    frames = {o.id: prepost_frame(accepted, o, instruments) for o in plan.outcomes}
    return plan, frames


def _overall(effects: pd.DataFrame, group: str, method: str) -> pd.Series:
    rows = effects[(effects["subgroup"] == "all") & (effects["group"] == group) & (effects["method"] == method)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_the_plan_analyses_every_outcome_with_a_true_effect(analysed) -> None:
    plan, _ = analysed
    assert {o.id for o in plan.outcomes} == set(TRUE_EFFECTS)


@pytest.mark.parametrize("method", ["ancova_cr1", "ancova_cr2", "mixed_reml", "did"])
@pytest.mark.parametrize("outcome", sorted(TRUE_EFFECTS))
def test_every_method_interval_covers_the_true_effect(analysed, outcome: str, method: str) -> None:
    plan, frames = analysed
    spec = next(o for o in plan.outcomes if o.id == outcome)
    row = _overall(partner_vs_control_effects(frames[outcome], spec, plan), "all", method)
    assert row["ci_low"] <= TRUE_EFFECTS[outcome] <= row["ci_high"], row.to_dict()
    # The interval is informative, not just wide: narrower than the largest true effect's size
    # in its own unit (exam points or scale points).
    unit_effect = 4.0 if spec.source == "exam" else 0.35
    assert row["ci_high"] - row["ci_low"] < unit_effect


@pytest.mark.parametrize("outcome", [o for o, effect in TRUE_EFFECTS.items() if effect > 0])
def test_positive_effects_are_detected(analysed, outcome: str) -> None:
    """Every non-zero demo effect is large enough for this design to detect at alpha = 0.05."""
    plan, frames = analysed
    spec = next(o for o in plan.outcomes if o.id == outcome)
    row = _overall(partner_vs_control_effects(frames[outcome], spec, plan), "all", "ancova_cr2")
    assert row["p_value"] < plan.alpha and row["effect_size"] > 0


@pytest.mark.parametrize("outcome", sorted(TRUE_EFFECTS))
def test_partner_schools_gain_more_than_control_by_about_the_true_effect(analysed, outcome: str) -> None:
    """Pre/post: the partner group's mean change exceeds the control group's by the true effect,
    within the two changes' intervals combined."""
    plan, frames = analysed
    spec = next(o for o in plan.outcomes if o.id == outcome)
    effects = prepost_effects(frames[outcome], spec, plan)
    partner, control = _overall(effects, "partner", "paired_t"), _overall(effects, "control", "paired_t")
    half_width = ((partner["ci_high"] - partner["ci_low"]) + (control["ci_high"] - control["ci_low"])) / 2
    # Clustering widens the honest interval of the difference; the paired intervals ignore it, so
    # allow twice their combined half-width.
    assert partner["estimate"] - control["estimate"] == pytest.approx(TRUE_EFFECTS[outcome], abs=2 * half_width)
