"""Models that cannot be fitted (issue 12): empty numbers and a note, never a number from a model
that could not see the data, and never a crash. The R comparisons of the models fitted after
leaving a column out are tests/stats/test_unfit_r.py."""

import math

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis.frames import waves_long
from evaluation.stats import (
    ancova_clustered,
    baseline_equivalence,
    coefficient_test,
    did_clustered,
    hedges_g,
    mixed_reml,
    paired_change,
    standardise,
    welch_waves,
)
from evaluation.stats.estimate import Estimate
from evaluation.stats.imputation import ancova_mi
from evaluation.stats.unfit import (
    aliased_columns,
    is_zero,
    join_notes,
    missing_group_note,
    model_columns,
    note_kinds,
    shown_when_suppressed,
)

ARGS = dict(post="post", pre="pre", treatment="treatment", cluster="school_id")
NUMBERS = ["estimate", "std_error", "df", "ci_low", "ci_high", "p_value", "effect_size"]


def programme(seed: int = 5, schools: int = 12) -> pd.DataFrame:
    """Students of `schools` schools (the first half partner schools), a pre-test, a post-test
    with a partner effect of 2 points, and a school-level and a student-level covariate."""
    rng = np.random.default_rng(seed)
    sizes = 6 + np.arange(schools) % 5
    school = np.repeat(np.arange(schools), sizes)
    treatment = (school < schools // 2).astype(int)
    pre = 50 + rng.normal(0, 8, len(school)) + rng.normal(0, 3, schools)[school]
    return pd.DataFrame(
        {
            "unit_id": [f"U{i:04d}" for i in range(len(school))],
            "school_id": [f"S{s:02d}" for s in school],
            "treatment": treatment,
            "group": np.where(treatment == 1, "partner", "control"),
            "pre": pre,
            "post": 10 + 0.8 * pre + 2 * treatment + rng.normal(0, 4, len(school)) + rng.normal(0, 2, schools)[school],
            "female": rng.integers(0, 2, len(school)).astype(float),
            "size": sizes[school].astype(float),
        }
    )


def blank(estimate: Estimate) -> bool:
    return all(math.isnan(getattr(estimate, name)) for name in NUMBERS)


# --- the helpers ---------------------------------------------------------------------------------


def test_aliased_columns_as_r_finds_them():
    rng = np.random.default_rng(1)
    z = rng.normal(size=20)
    x = np.column_stack([np.ones(20), z, np.full(20, 3.0), 2 * z - 1, np.zeros(20), z**2])
    # the constant (the intercept reproduces it), 2z - 1 and the zero column; z^2 is new
    assert aliased_columns(x) == [2, 3, 4]
    # a column that differs from a combination by far more than R's tolerance 1e-7 is kept
    x[:, 3] += 1e-4 * rng.normal(size=20)
    assert aliased_columns(x) == [2, 4]


def test_model_columns_drop_covariates_but_never_the_treatment():
    data = programme().assign(k=1.0, twice=lambda d: 2 * d["pre"] + d["female"])
    kept, note, identified = model_columns(data, "treatment", ["pre", "k", "female", "twice"])
    assert (kept, note, identified) == (["pre", "female"], "dropped_constant:k;dropped_collinear:twice", True)
    # a covariate that is the partner indicator (a school type only partner schools have): R would
    # drop the covariate and call the partner effect the treatment's; here there is no estimate
    data["partner_type"] = data["treatment"] * 1.0
    assert model_columns(data, "treatment", ["pre", "partner_type"]) == (
        ["pre", "partner_type"],
        "collinear_treatment",
        False,
    )
    # a pre-test with one value per group separates the groups: the treatment is not identified
    data["pre"] = np.where(data["treatment"] == 1, 60.0, 50.0)
    assert model_columns(data, "treatment", ["pre"])[1:] == ("collinear_treatment", False)


def test_notes_join_once_in_order_and_suppression_keeps_only_counts():
    assert join_notes("a:x;b", ["b", "c:y"], "", "a:x") == "a:x;b;c:y"
    assert join_notes() == "" and note_kinds("no_post_test:partner;zero_std_error") == [
        "no_post_test",
        "zero_std_error",
    ]
    assert shown_when_suppressed("no_post_test:partner;dropped_constant:pre;too_few_schools") == (
        "no_post_test:partner;too_few_schools"
    )


def test_missing_group_note_names_the_first_reason_per_group():
    data = programme()
    assert missing_group_note(data, "treatment", "post", "pre") == ""
    partner = data["treatment"] == 1
    assert missing_group_note(data.assign(post=data["post"].where(~partner)), "treatment", "post", "pre") == (
        "no_post_test:partner"
    )
    assert missing_group_note(data.assign(pre=data["pre"].where(partner)), "treatment", "post", "pre") == (
        "no_pre_test:control"
    )
    half = np.arange(len(data)) % 2 == 0  # pre-test for half the partner students, post for the rest
    unlinked = data.assign(pre=data["pre"].where(~partner | half), post=data["post"].where(~partner | ~half))
    assert missing_group_note(unlinked, "treatment", "post", "pre") == "no_linked:partner"
    assert missing_group_note(data[~partner], "treatment", "post", "pre") == "no_units:partner"


def test_is_zero_is_relative_to_the_scale():
    assert is_zero(1e-17, 1.0) and is_zero(2.2e-15, 10.0) and is_zero(math.nan, 1.0) and is_zero(0.0, 0.0)
    assert not is_zero(1e-6, 1.0) and not is_zero(1e-9, 1.0) and not is_zero(0.3, 0.0)


# --- every partner student (or every control student) missing the post-test ------------------------


@pytest.mark.parametrize("group, value", [("partner", 1), ("control", 0)])
def test_a_group_without_post_test_gets_empty_rows_with_the_note(group, value):
    data = programme()
    data.loc[data["treatment"] == value, "post"] = np.nan
    note = f"no_post_test:{group}"
    for vcov in ("CR1", "CR2"):
        result = ancova_clustered(data, vcov=vcov, **ARGS)
        assert blank(result) and result.note == note
    assert blank(mixed_reml(data, **ARGS).estimate) and mixed_reml(data, **ARGS).estimate.note == note
    baseline = baseline_equivalence(data, "pre", "treatment", "school_id", post="post")
    assert math.isnan(baseline.effect_size) and math.isnan(baseline.estimate) and baseline.note == note
    did = did_clustered(waves_long(data), "value", "wave", "treatment", "school_id")
    assert blank(did) and did.note == note
    # no imputation for the group: the imputation model never saw its post-test (issue 12: it
    # gave 0.052, p = 0.79)
    imputed = ancova_mi(data, **ARGS)
    assert blank(imputed) and imputed.note == note
    assert (imputed.n_treatment, imputed.n_control) == ((data["treatment"] == 1).sum(), (data["treatment"] == 0).sum())


@pytest.mark.slow  # 20 imputations are 3 here, still 0.7 s
def test_imputation_runs_while_each_group_has_some_post_test():
    data = programme()
    partner = np.flatnonzero(data["treatment"] == 1)
    data.loc[partner[1:], "post"] = np.nan  # one partner student keeps the post-test
    result = ancova_mi(data, **ARGS, m=3)
    assert math.isfinite(result.estimate) and result.note == ""


def test_difference_in_differences_names_each_missing_wave():
    data = programme()
    data.loc[data["treatment"] == 1, "pre"] = np.nan
    data.loc[data["treatment"] == 0, "post"] = np.nan
    did = did_clustered(waves_long(data), "value", "wave", "treatment", "school_id")
    assert blank(did) and did.note == "no_pre_test:partner;no_post_test:control"
    only_control = waves_long(programme().query("treatment == 0"))
    assert did_clustered(only_control, "value", "wave", "treatment", "school_id").note == "no_units:partner"


def test_too_few_schools_is_said():
    data = programme().query("school_id in ['S00', 'S01', 'S11']")  # 2 partner schools, 1 control
    assert ancova_clustered(data, **ARGS).note == ""
    assert mixed_reml(data, **ARGS).estimate.note == "too_few_schools"  # the mixed model needs 4
    assert ancova_clustered(data.query("school_id != 'S01'"), **ARGS).note == "too_few_schools"


# --- a constant or collinear covariate; a partner indicator the covariates reproduce --------------


def test_constant_pre_test_is_left_out_and_the_effect_estimated():
    data = programme().assign(pre=42.0)
    # the same numbers as the model without the pre-test (the intercept model of post on partner)
    without = programme().assign(pre=0.0)
    for vcov in ("CR1", "CR2"):
        result = ancova_clustered(data, vcov=vcov, **ARGS)
        assert result.note == "dropped_constant:pre"
        reference = coefficient_test(
            np.column_stack([np.ones(len(without)), without["treatment"]]),
            without["post"].to_numpy(),
            without["school_id"].to_numpy(),
            1,
            vcov=vcov,
        )
        assert result.estimate == pytest.approx(reference.estimate, rel=1e-12)
        assert result.p_value == pytest.approx(reference.p_value, rel=1e-10)
    fit = mixed_reml(data, **ARGS)
    assert fit.estimate.note == "dropped_constant:pre" and list(fit.fixed_effects) == ["intercept", "treatment"]
    assert math.isfinite(fit.estimate.p_value)
    baseline = baseline_equivalence(data, "pre", "treatment", "school_id", post="post")
    assert baseline.estimate == 0.0 and math.isnan(baseline.effect_size) and baseline.note == "constant:pre"
    imputed = ancova_mi(data.assign(post=data["post"].where(np.arange(len(data)) % 7 != 0)), **ARGS, m=3)
    assert math.isfinite(imputed.estimate) and imputed.note == "dropped_constant:pre"


def test_collinear_covariate_is_left_out_and_a_collinear_treatment_gives_no_estimate():
    data = programme().assign(female_again=lambda d: 1 - d["female"])
    result = ancova_clustered(data, covariates=["female", "female_again"], **ARGS)
    assert result.note == "dropped_collinear:female_again"
    assert result.estimate == pytest.approx(ancova_clustered(data, covariates=["female"], **ARGS).estimate, rel=1e-12)
    # school size happens to be larger in every partner school than in any control school: it is
    # not collinear; a school type held by exactly the partner schools is
    data["partner_type"] = data["treatment"].astype(float)
    for estimate in (
        ancova_clustered(data, covariates=["partner_type"], **ARGS),
        mixed_reml(data, covariates=["partner_type"], **ARGS).estimate,
        ancova_mi(
            data.assign(post=data["post"].where(np.arange(len(data)) % 5 != 0)), covariates=["partner_type"], **ARGS
        ),
    ):
        assert blank(estimate) and estimate.note == "collinear_treatment"
    # pre-test one value per group: the baseline difference is all there is
    separated = programme().assign(pre=lambda d: np.where(d["treatment"] == 1, 55.0, 50.0))
    assert ancova_clustered(separated, **ARGS).note == "collinear_treatment"
    baseline = baseline_equivalence(separated, "pre", "treatment", "school_id", post="post")
    assert baseline.estimate == 5.0 and math.isnan(baseline.effect_size) and baseline.note == "separates_groups:pre"


def test_coefficient_test_leaves_out_aliased_columns_and_flags_the_tested_one():
    data = programme()
    x = np.column_stack([np.ones(len(data)), data["treatment"], data["pre"], np.ones(len(data)), 3 * data["pre"]])
    y, clusters = data["post"].to_numpy(), data["school_id"].to_numpy()
    full = coefficient_test(x, y, clusters, 1)
    reduced = coefficient_test(x[:, :3], y, clusters, 1)
    assert full.dropped == (3, 4) and full.note == "" and reduced.dropped == ()
    assert [full.estimate, full.std_error, full.df, full.p_value] == pytest.approx(
        [reduced.estimate, reduced.std_error, reduced.df, reduced.p_value], rel=1e-12
    )
    # the tested column reproduced by the others: NaN, not the number R would give after
    # dropping a later column
    x[:, 2] = 7 + 2 * data["treatment"]
    result = coefficient_test(x, y, clusters, 1)
    assert result.note == "collinear_treatment" and math.isnan(result.estimate) and math.isnan(result.p_value)


# --- standard errors that are zero up to rounding ------------------------------------------------------


def test_standard_error_zero_up_to_rounding_gives_no_p_value():
    data = programme()
    x = np.column_stack([np.ones(len(data)), data["treatment"]])
    # a characteristic one value per group: the fit is exact, the residuals rounding noise
    y = np.where(data["treatment"] == 1, 0.1, 0.7) * 3
    for vcov in ("CR1", "CR2"):
        test = coefficient_test(x, y, data["school_id"].to_numpy(), 1, vcov=vcov)
        assert test.note == "zero_std_error" and test.estimate == pytest.approx(-1.8)
        assert math.isnan(test.std_error) and math.isnan(test.p_value) and math.isnan(test.ci_low)
    # a standard error that is small but real stays
    y = y + 1e-6 * np.random.default_rng(2).normal(size=len(y))
    assert coefficient_test(x, y, data["school_id"].to_numpy(), 1).note == ""


def test_paired_and_welch_changes_of_constant_values_have_no_p_value():
    data = pd.DataFrame({"pre": [0.1, 0.2, 0.3, 0.4], "post": [0.4, 0.5, 0.6, 0.7]})  # every change 0.3
    paired = paired_change(data, "pre", "post")
    assert paired.estimate == pytest.approx(0.3) and paired.note == "zero_std_error"
    assert math.isnan(paired.std_error) and math.isnan(paired.p_value) and math.isnan(paired.ci_low)
    flat = pd.DataFrame({"pre": [0.1] * 5, "post": [0.7] * 5})
    welch = welch_waves(flat, "pre", "post")
    assert welch.estimate == pytest.approx(0.6) and welch.note == "zero_std_error" and math.isnan(welch.p_value)
    assert paired_change(pd.DataFrame({"pre": [1.0, 2.0, 4.0], "post": [2.0, 2.5, 6.0]}), "pre", "post").note == ""


def test_effect_sizes_of_constant_values_are_blank():
    # np.var of [0.1] * 3 is not exactly 0 once the mean has rounded: g must not be 1e15
    tenths = np.array([0.1, 0.1, 0.1])
    assert all(math.isnan(v) for v in hedges_g(tenths + 0.2, tenths))
    assert all(math.isnan(v) for v in standardise(1.0, 0.5, 1.5, tenths + 0.2, tenths))
    # J = 1 - 3 / (4 * 6 - 9) = 0.8, difference 1/6, pooled variance (2 * 1 + 2 * 7/12) / 4 = 19/24
    g = hedges_g(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 2.0]))[0]
    assert g == pytest.approx(0.8 * (1 / 6) / math.sqrt(19 / 24), rel=1e-12)


def test_suppressed_rows_keep_only_the_notes_on_counts():
    row = Estimate("ancova_cr2", 0, 40, *[math.nan] * 9, note="no_post_test:partner;dropped_constant:pre").to_row(
        analysis="partner_vs_control", outcome="o", domain="d", min_cell_size=10
    )
    assert row["suppressed"] and row["note"] == "no_post_test:partner"
    shown = Estimate("ancova_cr2", 40, 40, *[0.5] * 9, note="dropped_constant:pre").to_row(
        analysis="partner_vs_control", outcome="o", domain="d", min_cell_size=10
    )
    assert not shown["suppressed"] and shown["note"] == "dropped_constant:pre"


@pytest.mark.parametrize("seed", range(5))
def test_aliased_columns_by_the_gram_matrix_agree_with_gram_schmidt(seed: int) -> None:
    # designs clearly of full rank, aliased, and near R's tolerance from either side
    from evaluation.stats.unfit import _gram_schmidt

    rng = np.random.default_rng(seed)
    base = np.column_stack([np.ones(500), rng.normal(size=(500, 3)), rng.integers(0, 2, 500)])
    near = [1e-3, 1e-5, 1e-6, 2e-7, 5e-8, 1e-9, 0.0]
    for scale in near:
        extra = base[:, 1] - 2 * base[:, 4] + scale * rng.normal(size=500)
        x = np.column_stack([base, extra, rng.normal(size=500) * 1e4])
        assert aliased_columns(x) == _gram_schmidt(x, 1e-7)[0], scale
    constant = np.column_stack([base, np.full(500, 3.0)])
    assert aliased_columns(constant) == [5] == _gram_schmidt(constant, 1e-7)[0]
    zero = np.column_stack([base[:, :2], np.zeros(500), base[:, 2:]])
    assert aliased_columns(zero) == [2] == _gram_schmidt(zero, 1e-7)[0]


def test_a_design_clearly_of_full_rank_is_recognised_without_gram_schmidt(monkeypatch: pytest.MonkeyPatch) -> None:
    from evaluation.stats import unfit

    def refuse(*_args, **_kwargs):
        raise AssertionError("Gram-Schmidt was run")

    monkeypatch.setattr(unfit, "_gram_schmidt", refuse)
    rng = np.random.default_rng(1)
    assert unfit.aliased_columns(np.column_stack([np.ones(200), rng.normal(size=(200, 4))])) == []
    with pytest.raises(AssertionError, match="Gram-Schmidt"):  # a near-aliased design is left to it
        unfit.aliased_columns(np.column_stack([np.ones(200), np.ones(200) + 1e-9 * rng.normal(size=200)]))
