"""Multiplicity: p_adjusted (Benjamini-Hochberg) only for the confirmatory findings (the primary
method's partner-versus-control rows of the whole sample of confirmatory outcomes), within the
plan's families; every other row is exploratory and has none."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis.effects import adjust_p_values
from evaluation.config.plan import Outcome, Plan
from evaluation.stats import benjamini_hochberg
from evaluation.stats.estimate import effects_frame

OUTCOMES = (
    Outcome("mathematics", "exam", "academic", subject="mathematics"),
    Outcome("science", "exam", "academic", subject="science"),
    Outcome("turkish", "exam", "academic", subject="turkish"),
    Outcome("english", "exam", "academic", subject="english", confirmatory=False),
    Outcome("belonging", "survey", "wellbeing", instrument="student_climate", scale="belonging"),
    Outcome("peer", "survey", "wellbeing", instrument="student_climate", scale="peer_collaboration"),
)
P = {"mathematics": 0.01, "science": 0.04, "turkish": 0.03, "english": 0.002, "belonging": 0.02, "peer": 0.5}


def plan(**changes) -> Plan:
    base = dict(path=None, programme="p", period="2022-2023", language="en", data_dir=None, outcomes=OUTCOMES)
    return Plan(**{**base, **changes})


def effects() -> pd.DataFrame:
    """Rows of every kind for every outcome, each with the outcome's p-value (shifted a little by
    kind, so that an adjustment over the wrong rows would change the numbers)."""
    domain = {o.id: o.domain for o in OUTCOMES}
    rows = []
    kinds = [
        ("partner_vs_control", "all", "all", method, 0.0)
        for method in ("ancova_cr1", "ancova_cr2", "mixed_reml", "did", "ancova_mi")
    ]
    kinds += [
        ("partner_vs_control", "sex=F", "all", "ancova_cr2", 0.001),
        ("baseline_equivalence", "all", "all", "baseline_equivalence", 0.002),
        ("prepost", "all", "partner", "paired_t", 0.003),
        ("prepost", "all", "partner", "paired_cr2", 0.004),
        ("moderation", "sex", "all", "ancova_cr2", 0.005),
    ]
    for outcome, p in P.items():
        for analysis, subgroup, group, method, shift in kinds:
            rows.append(
                {
                    "analysis": analysis,
                    "outcome": outcome,
                    "domain": domain[outcome],
                    "subgroup": subgroup,
                    "group": group,
                    "method": method,
                    "p_value": p + shift,
                    "suppressed": False,
                }
            )
    return effects_frame(rows)


def adjusted_of(frame: pd.DataFrame, method: str = "ancova_cr2") -> dict[str, float]:
    rows = frame[
        (frame["analysis"] == "partner_vs_control") & (frame["method"] == method) & (frame["subgroup"] == "all")
    ]
    return dict(zip(rows["outcome"], rows["p_adjusted"]))


def test_default_families_are_the_confirmatory_outcomes_of_each_domain():
    adjusted = adjust_p_values(effects(), plan())
    assert plan().families == {"academic": ("mathematics", "science", "turkish"), "wellbeing": ("belonging", "peer")}
    found = adjusted_of(adjusted)
    # R: p.adjust(c(0.01, 0.04, 0.03), "BH") = 0.03 0.04 0.04; p.adjust(c(0.02, 0.5), "BH") = 0.04 0.5
    assert [found[o] for o in ("mathematics", "science", "turkish")] == pytest.approx([0.03, 0.04, 0.04])
    assert [found["belonging"], found["peer"]] == pytest.approx([0.04, 0.5])
    assert math.isnan(found["english"])  # exploratory (confirmatory: false): not adjusted, in no family
    # every other row is exploratory: other methods, subgroups, baseline, pre/post, moderation
    headline = (
        (adjusted["analysis"] == "partner_vs_control")
        & (adjusted["method"] == "ancova_cr2")
        & (adjusted["subgroup"] == "all")
        & (adjusted["outcome"] != "english")
    )
    assert adjusted.loc[headline, "p_adjusted"].notna().all() and headline.sum() == 5
    assert adjusted.loc[~headline, "p_adjusted"].isna().all()
    assert adjusted["p_value"].tolist() == effects()["p_value"].tolist()  # the raw p-values are kept


def test_families_written_in_the_plan_are_adjusted_together():
    families = (("exams", ("mathematics", "science")), ("rest", ("turkish", "belonging", "peer")))
    found = adjusted_of(adjust_p_values(effects(), plan(multiplicity_families=families)))
    assert [found["mathematics"], found["science"]] == pytest.approx(benjamini_hochberg([0.01, 0.04]).tolist())
    assert [found["turkish"], found["belonging"], found["peer"]] == pytest.approx(
        benjamini_hochberg([0.03, 0.02, 0.5]).tolist()
    )
    assert [found["turkish"], found["belonging"], found["peer"]] == pytest.approx([0.045, 0.045, 0.5])  # R: p.adjust
    assert math.isnan(found["english"])


def test_the_family_is_that_of_the_plans_primary_method():
    adjusted = adjust_p_values(effects(), plan(primary_method="mixed_reml"))
    assert [adjusted_of(adjusted, "mixed_reml")[o] for o in ("mathematics", "science", "turkish")] == pytest.approx(
        [0.03, 0.04, 0.04]
    )
    assert all(math.isnan(p) for p in adjusted_of(adjusted, "ancova_cr2").values())


def test_a_finding_without_a_p_value_is_left_out_of_its_familys_count():
    frame = effects()
    blank = (frame["outcome"] == "turkish") & (frame["method"] == "ancova_cr2") & (frame["subgroup"] == "all")
    frame.loc[blank, "p_value"] = np.nan  # suppressed
    found = adjusted_of(adjust_p_values(frame, plan()))
    # R: p.adjust(c(0.01, 0.04, NA), "BH") = 0.02 0.04 NA
    assert [found["mathematics"], found["science"]] == pytest.approx([0.02, 0.04])
    assert math.isnan(found["turkish"])


def test_one_outcome_per_domain_is_still_a_family_of_the_domains_outcomes():
    # issue 12: with one outcome per domain the adjusted p equalled the raw p; the families are the
    # plan's choice now, so a plan can put the domains' outcomes together
    single = tuple(o for o in OUTCOMES if o.id in ("mathematics", "belonging"))
    alone = adjusted_of(adjust_p_values(effects(), plan(outcomes=single)))
    assert (alone["mathematics"], alone["belonging"]) == pytest.approx((0.01, 0.02))
    together = plan(outcomes=single, multiplicity_families=(("all", ("mathematics", "belonging")),))
    found = adjusted_of(adjust_p_values(effects(), together))
    assert (found["mathematics"], found["belonging"]) == pytest.approx((0.02, 0.02))
