"""The simulation study's data generator (benchmarks/simulate_coverage.py) makes the programme it
is configured for: half the schools partner, students per school in range, the ICC, the pre-test
R2 and the effect as set. The study itself is not run here (`make simulate`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from evaluation.stats import random_intercept_reml

_SPEC = importlib.util.spec_from_file_location(
    "simulate_coverage", Path(__file__).resolve().parents[2] / "benchmarks" / "simulate_coverage.py"
)
simulate_coverage = importlib.util.module_from_spec(_SPEC)
sys.modules["simulate_coverage"] = simulate_coverage  # its dataclasses look their module up
_SPEC.loader.exec_module(simulate_coverage)


@pytest.fixture(scope="module")
def programme():
    """One large programme (200 schools), so the sample moments sit close to the design's."""
    design = simulate_coverage.Design(schools=200, delta=0.5, icc=0.2, r2=0.5)
    return design, simulate_coverage.simulate_programme(np.random.default_rng(7), design)


def test_programme_shape(programme):
    design, frame = programme
    per_school = frame.groupby("school_id").agg(
        n=("unit_id", "size"), t=("treatment", "nunique"), partner=("treatment", "first")
    )
    assert len(per_school) == 200
    assert per_school["partner"].sum() == 100
    assert (per_school["t"] == 1).all()  # randomised by school: one arm per school
    assert per_school["n"].between(design.min_students, design.max_students).all()
    assert set(frame["group"]) == {"partner", "control"}
    assert ((frame["group"] == "partner") == (frame["treatment"] == 1)).all()


def test_icc_and_variance_as_configured(programme):
    _, frame = programme
    for wave, predictors in (("pre", []), ("post", ["treatment"])):
        _, _, tau2, sigma2, _, _ = random_intercept_reml(frame, wave, predictors, "school_id")
        assert tau2 / (tau2 + sigma2) == pytest.approx(0.2, abs=0.04)
        assert tau2 + sigma2 == pytest.approx(1.0, abs=0.08)


def test_effect_and_pretest_r2_as_configured(programme):
    _, frame = programme
    fixed, vcov, tau2, sigma2, _, _ = random_intercept_reml(frame, "post", ["treatment", "pre"], "school_id")
    assert fixed["treatment"] == pytest.approx(0.5, abs=3 * np.sqrt(vcov[1, 1]))
    assert fixed["pre"] == pytest.approx(np.sqrt(0.5), abs=0.02)
    # residual variance after the pre-test: (1 - R2) of the total at both levels
    assert tau2 == pytest.approx(0.5 * 0.2, abs=0.02)
    assert sigma2 == pytest.approx(0.5 * 0.8, abs=0.02)


def test_analyse_programme_calls_every_method():
    design = simulate_coverage.Design(schools=20, delta=0.2)
    frame = simulate_coverage.simulate_programme(np.random.default_rng(3), design)
    results = simulate_coverage.analyse_programme(frame)
    assert tuple(results) == simulate_coverage.METHODS
    estimate, low, high, p, df = results["ancova_cr1"]
    assert low < estimate < high and 0 <= p <= 1 and df == 19.0  # CR1: G - 1
    assert results["ancova_cr2"][0] == pytest.approx(estimate)  # same OLS point estimate
    assert results["ols_naive"][0] == pytest.approx(estimate)
    assert results["mixed_reml"][4] == 18.0  # G - 1 - 1 school-level predictor


def test_add_sex_is_a_moderator_without_interaction():
    design = simulate_coverage.Design(schools=200, delta=0.2)
    rng = np.random.default_rng(5)
    frame = simulate_coverage.simulate_programme(rng, design)
    with_sex = simulate_coverage.add_sex(np.random.default_rng(6), frame, effect=0.5)
    assert set(with_sex["sex"]) == {"F", "M"}
    assert (with_sex["sex"] == "M").mean() == pytest.approx(0.5, abs=0.02)
    boys = with_sex["sex"] == "M"
    shift = with_sex["post"] - frame["post"]
    assert np.allclose(shift[boys], 0.5) and (shift[~boys] == 0).all()  # the same for partner and control
    results = simulate_coverage.analyse_moderation(with_sex)
    assert tuple(results) == simulate_coverage.MODERATION_METHODS
    estimate, low, high, p, df = results["moderator_sex"]
    assert low < estimate < high and 0 <= p <= 1 and df > 100
    # the girls' and boys' own CR2 ANCOVA: partner effects around the programme's 0.2
    for name in ("girls", "boys"):
        estimate, low, high, p, df = results[name]
        assert low < 0.2 < high and df < 200


@pytest.mark.parametrize("change_icc", [0.0, 0.2])
def test_changes_have_the_configured_mean_and_school_share(change_icc):
    design = simulate_coverage.ChangeDesign(schools=300, change_icc=change_icc, mean_change=0.3)
    frame = simulate_coverage.simulate_changes(np.random.default_rng(8), design)
    frame["change"] = frame["post"] - frame["pre"]
    assert frame["change"].mean() == pytest.approx(0.3, abs=0.03)
    _, _, tau2, sigma2, _, _ = random_intercept_reml(frame, "change", [], "school_id")
    assert tau2 + sigma2 == pytest.approx(0.7**2, rel=0.05)
    assert tau2 / (tau2 + sigma2) == pytest.approx(change_icc, abs=0.03)
    _, _, tau2_pre, sigma2_pre, _, _ = random_intercept_reml(frame, "pre", [], "school_id")
    assert tau2_pre / (tau2_pre + sigma2_pre) == pytest.approx(0.2, abs=0.04)


def test_analyse_changes_calls_both_methods_on_the_same_change():
    frame = simulate_coverage.simulate_changes(
        np.random.default_rng(9), simulate_coverage.ChangeDesign(schools=10, change_icc=0.2)
    )
    results = simulate_coverage.analyse_changes(frame)
    assert tuple(results) == simulate_coverage.PREPOST_METHODS
    assert results["paired_cr2"][0] == results["paired_t"][0]  # the same mean change
    assert results["paired_cr2"][4] < 10 < results["paired_t"][4]  # df: about the schools, against the students
