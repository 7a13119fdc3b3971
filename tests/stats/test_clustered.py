"""The clustered pre/post change and the moderator tests where R's comparison (test_clustered_r.py)
does not reach: degenerate samples that give empty numbers with a note, the level order, the
HTZ degrees of freedom against clubSandwich's own G x G formula, and the rows' counts."""

import math

import cr2_reference
import numpy as np
import pandas as pd
import pytest
from cr2_reference import _adjustment, _cr2_blocks, _symmetric_power  # the per-school QR route

from evaluation.stats import (
    coefficient_test,
    cr2_vcov,
    cr2_wald_test,
    moderator_levels,
    moderator_test,
    paired_change,
    paired_change_clustered,
)
from evaluation.stats.cluster_robust import _htz_nu
from evaluation.stats.effect_sizes import cluster_factor, hedges_correction

NUMBERS = ["estimate", "std_error", "df", "ci_low", "ci_high", "p_value", "effect_size"]


def assert_empty(result, note):
    assert result.note == note
    assert all(math.isnan(getattr(result, name)) for name in NUMBERS)


def changes(schools=6, per_school=12, seed=1, school_sd=3.0):
    """Students of `schools` schools with a pre-test and a post-test whose change varies between
    schools (school-level change with SD `school_sd`)."""
    rng = np.random.default_rng(seed)
    school = np.repeat(np.arange(schools), per_school)
    pre = np.round(rng.normal(50, 10, len(school)), 1)
    post = pre + 4 + rng.normal(0, school_sd, schools)[school] + rng.normal(0, 2, len(school))
    return pd.DataFrame({"school": school, "pre": pre, "post": np.round(post, 1)})


def test_paired_cr2_counts_pairs_and_schools_and_leaves_out_missing():
    frame = changes()
    frame.loc[[0, 5], "post"] = np.nan
    frame.loc[7, "pre"] = np.nan
    result = paired_change_clustered(frame, "pre", "post", "school")
    assert (result.method, result.n_treatment, result.n_control, result.n_clusters_treatment) == (
        "paired_cr2",
        69,
        None,
        6,
    )
    assert result.note == ""
    assert result.ci_low < result.estimate < result.ci_high
    paired = paired_change(frame, "pre", "post", "school")
    assert result.estimate == paired.estimate and result.effect_size == paired.effect_size
    # the g interval is the change's interval times J / s_within, so it brackets g the same way
    ratio = result.effect_size / result.estimate
    assert result.effect_size_ci_low == pytest.approx(ratio * result.ci_low, rel=1e-12)
    assert result.effect_size_ci_high == pytest.approx(ratio * result.ci_high, rel=1e-12)


def test_paired_cr2_with_one_school_is_empty_with_a_note():
    frame = changes(schools=1, per_school=30)
    result = paired_change_clustered(frame, "pre", "post", "school")
    assert_empty(result, "too_few_schools")
    assert (result.n_treatment, result.n_clusters_treatment) == (30, 1)
    # the student-level rows are still computed
    assert not math.isnan(paired_change(frame, "pre", "post", "school").std_error)


def test_paired_cr2_with_fewer_than_two_pairs_is_empty_with_a_note():
    frame = changes().iloc[:3].assign(post=[60.0, np.nan, np.nan])
    assert_empty(paired_change_clustered(frame, "pre", "post", "school"), "too_few_students")
    # no pair at all: no note of its own, as paired_t (prepost_effects names the missing wave)
    assert_empty(paired_change_clustered(frame.iloc[:0], "pre", "post", "school"), "")


def test_paired_cr2_of_a_constant_change_keeps_the_mean_without_a_rounding_noise_test():
    frame = changes()
    frame["post"] = frame["pre"] + 0.3  # every student gains 0.3: the differences differ in the last bits
    d = (frame["post"] - frame["pre"]).to_numpy()
    assert d.std() > 0  # not exactly constant: rounding noise that a `std_error > 0` guard lets through
    result = paired_change_clustered(frame, "pre", "post", "school")
    assert result.note == "zero_std_error"
    assert result.estimate == pytest.approx(0.3) and result.estimate == d.mean()  # kept, as paired_t keeps it
    empty = [result.std_error, result.ci_low, result.ci_high, result.p_value, result.effect_size_ci_low]
    assert np.isnan(empty).all()
    assert (result.n_treatment, result.n_clusters_treatment) == (72, 6)
    assert paired_change(frame, "pre", "post", "school").note == "zero_std_error"  # the same note as paired_t


def test_paired_cr2_of_a_change_constant_within_schools_is_computed():
    frame = changes()
    frame["post"] = frame["pre"] + frame["school"] * 0.5
    result = paired_change_clustered(frame, "pre", "post", "school")
    assert result.note == "" and result.std_error > 0
    assert result.estimate == pytest.approx(1.25)


def test_paired_cr2_is_wider_than_paired_t_when_schools_change_differently():
    frame = changes(schools=10, per_school=40, school_sd=3.0)
    clustered = paired_change_clustered(frame, "pre", "post", "school")
    paired = paired_change(frame, "pre", "post", "school")
    assert clustered.std_error > 2 * paired.std_error
    assert clustered.df < 10 < paired.df


def programme(schools=24, per_school=25, seed=5, interaction=0.0, effect=2.0):
    """Students with sex (student level), grade 9-11 and a school type (school level); the partner
    effect differs by `interaction` between girls and boys."""
    rng = np.random.default_rng(seed)
    school = np.repeat(np.arange(schools), per_school)
    partner = (np.arange(schools) % 2)[school]
    n = len(school)
    sex = rng.choice(["F", "M"], n)
    grade = rng.choice([9, 10, 11], n)
    school_type = np.array(["anatolian", "science", "vocational"])[np.arange(schools) // 2 % 3][school]
    pre = rng.normal(50, 10, n) + rng.normal(0, 4, schools)[school]
    post = (
        0.7 * pre
        + partner * (effect + interaction * (sex == "M"))
        + rng.normal(0, 3, schools)[school]
        + rng.normal(0, 6, n)
    )
    return pd.DataFrame(
        {"school": school, "treatment": partner, "sex": sex, "grade": grade, "school_type": school_type,
         "pre": pre, "post": post}
    )  # fmt: skip


def test_levels_sort_numbers_as_numbers_and_the_first_is_the_reference():
    assert moderator_levels(pd.Series([11, 9, 10, np.nan, 9])) == [9, 10, 11]
    assert moderator_levels(pd.Series(["M", "F", None])) == ["F", "M"]
    assert moderator_levels(pd.Series([10, "x", 9])) == [10, 9, "x"]  # mixed kinds: as text


def test_two_level_estimate_is_the_second_levels_effect_minus_the_firsts():
    frame = programme(schools=80, per_school=40, interaction=3.0)
    result = moderator_test(frame, "post", "pre", "treatment", "school", "sex")
    assert result.note == "" and result.method == "ancova_cr2"
    assert result.ci_low < 3.0 < result.ci_high and result.p_value < 0.001  # M minus F: +3
    flipped = frame.assign(sex=frame["sex"].map({"F": "Z"}).fillna("F"))  # now M ("F") is the reference
    assert moderator_test(flipped, "post", "pre", "treatment", "school", "sex").estimate == pytest.approx(
        -result.estimate
    )
    partner, control = frame[frame["treatment"] == 1], frame[frame["treatment"] == 0]
    assert (result.n_treatment, result.n_control) == (len(partner), len(control))
    assert (result.n_clusters_treatment, result.n_clusters_control) == (40, 40)
    assert result.effect_size > 0 and not math.isnan(result.effect_size_ci_low)


def test_numerical_moderator_is_a_category_with_a_wald_test():
    frame = programme()
    result = moderator_test(frame, "post", "pre", "treatment", "school", "grade")
    assert result.note == "wald_f:2"
    assert result.estimate > 0 and result.df > 0 and 0 < result.p_value < 1
    assert math.isnan(result.std_error) and math.isnan(result.ci_low) and math.isnan(result.effect_size)
    # as text the same three categories give the same test
    as_text = moderator_test(
        frame.assign(grade=frame["grade"].astype(str)), "post", "pre", "treatment", "school", "grade"
    )
    assert as_text.estimate == pytest.approx(result.estimate, rel=1e-10)


def test_missing_moderator_values_are_left_out_and_counted():
    frame = programme()
    frame.loc[:9, "sex"] = np.nan
    result = moderator_test(frame, "post", "pre", "treatment", "school", "sex")
    assert result.n_treatment + result.n_control == len(frame) - 10


def test_one_level_moderator_is_empty_with_a_note():
    frame = programme().assign(sex="F")
    result = moderator_test(frame, "post", "pre", "treatment", "school", "sex")
    assert_empty(result, "one_level")
    assert (result.n_treatment, result.n_control, result.n_clusters_treatment, result.n_clusters_control) == (
        300,
        300,
        12,
        12,
    )
    assert_empty(
        moderator_test(frame.assign(sex=np.nan), "post", "pre", "treatment", "school", "sex"), "no_moderator_values"
    )


def test_a_level_without_control_students_is_named_in_the_note():
    frame = programme()
    frame = frame[~((frame["grade"] == 11) & (frame["treatment"] == 0))]
    assert_empty(moderator_test(frame, "post", "pre", "treatment", "school", "grade"), "level_without_control:11")
    frame = frame[~((frame["sex"] == "F") & (frame["treatment"] == 1))]
    assert_empty(moderator_test(frame, "post", "pre", "treatment", "school", "sex"), "level_without_partner:F")


def test_too_few_schools_is_empty_with_a_note():
    frame = programme()
    only_partner = frame[frame["treatment"] == 1]
    assert_empty(moderator_test(only_partner, "post", "pre", "treatment", "school", "sex"), "no_units:control")
    two = frame[frame["school"].isin([0, 1])]
    assert_empty(moderator_test(two, "post", "pre", "treatment", "school", "sex"), "too_few_schools")


def test_a_moderator_collinear_with_a_covariate_is_a_singular_design():
    frame = programme()
    frame["vocational"] = (frame["school_type"] == "vocational").astype(float)
    result = moderator_test(frame, "post", "pre", "treatment", "school", "school_type", covariates=["vocational"])
    assert_empty(result, "singular_design")
    # the school-level moderator alone is fine
    assert moderator_test(frame, "post", "pre", "treatment", "school", "school_type").note == "wald_f:2"


def test_an_outcome_without_variation_gives_no_rounding_noise_test():
    frame = programme()
    frame["post"] = 0.7 * frame["pre"] + 2.0 * frame["treatment"] + 0.1  # a line: residuals are rounding noise
    two = moderator_test(frame, "post", "pre", "treatment", "school", "sex")
    assert two.note == "zero_std_error" and abs(two.estimate) < 1e-10  # no difference, and no test of it
    assert np.isnan([two.std_error, two.ci_low, two.p_value]).all()
    assert_empty(moderator_test(frame, "post", "pre", "treatment", "school", "grade"), "zero_std_error;wald_f:2")


def test_a_group_without_post_test_is_named_and_a_constant_pre_test_left_out():
    frame = programme()
    no_partner_post = frame.assign(post=frame["post"].where(frame["treatment"] == 0))
    assert_empty(moderator_test(no_partner_post, "post", "pre", "treatment", "school", "sex"), "no_post_test:partner")
    constant = frame.assign(pre=50.0)  # as R's lm, the pre-test is left out and the test computed
    result = moderator_test(constant, "post", "pre", "treatment", "school", "sex")
    assert result.note == "dropped_constant:pre" and result.p_value > 0
    assert (
        moderator_test(constant, "post", "pre", "treatment", "school", "grade").note == "dropped_constant:pre;wald_f:2"
    )


def _htz_nu_by_the_g_by_g_array(x, residuals, clusters, constraints):
    """clubSandwich's own construction (Wald_testing, get_GH, get_P_array, total_variance_mat),
    with the q x q x G x G array P written out: the reference for the linear `_htz_nu`."""
    bread = np.linalg.inv(x.T @ x)
    levels = np.unique(clusters)
    lower = np.linalg.cholesky(bread)
    g_list, h_list = [], []
    for level in levels:
        x_j = x[clusters == level]
        adjust = _adjustment(x_j, bread)
        e_j = np.column_stack([adjust(col) for col in np.eye(len(x_j))]).T @ x_j  # A_j X_j (A_j symmetric)
        g_list.append(constraints @ bread @ e_j.T)  # C M X_j' A_j
        h_list.append(constraints @ bread @ x_j.T @ e_j @ lower)  # C M X_j' A_j X_j L
    q, g = constraints.shape[0], len(levels)
    p_array = np.zeros((q, q, g, g))
    for j in range(g):
        for k in range(g):
            p_array[:, :, j, k] = -h_list[j] @ h_list[k].T + (g_list[j] @ g_list[j].T if j == k else 0)
    omega = np.einsum("abjj->ab", p_array)
    root = _symmetric_power(omega, -0.5)
    b = np.einsum("as,stjk,tb->abjk", root, p_array, root)
    variance = np.einsum("stjk,tsjk->st", b, b) + np.einsum("ssjk,ttjk->st", b, b)
    return q * (q + 1) / variance.sum()


@pytest.mark.parametrize("moderator, q", [("sex", 1), ("grade", 2), ("school_type", 2)])
def test_linear_htz_df_equals_clubsandwichs_g_by_g_construction(moderator, q):
    frame = programme(schools=14, per_school=9, seed=11).sample(frac=0.8, random_state=2)  # unequal schools
    levels = moderator_levels(frame[moderator])
    t = frame["treatment"].to_numpy(dtype=float)
    dummies = [(frame[moderator] == level).to_numpy(dtype=float) for level in levels[1:]]
    x = np.column_stack([np.ones(len(frame)), t, frame["pre"], *dummies, *(t * d for d in dummies)])
    y = frame["post"].to_numpy(dtype=float)
    clusters = frame["school"].to_numpy()
    constraints = np.eye(x.shape[1])[-q:]
    residuals = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    bread, _, f_blocks, k_blocks = _cr2_blocks(x, residuals, clusters)
    expected = _htz_nu_by_the_g_by_g_array(x, residuals, clusters, constraints)
    assert _htz_nu(constraints, bread, f_blocks, k_blocks) == pytest.approx(expected, rel=1e-10)
    wald = cr2_wald_test(x, y, clusters, constraints)
    assert wald.df_denom == pytest.approx(expected - q + 1, rel=1e-10)
    if q == 1:  # one constraint: the Satterthwaite t-test squared
        t_test = coefficient_test(x, y, clusters, x.shape[1] - 1)
        assert wald.statistic == pytest.approx(t_test.statistic**2, rel=1e-10)
        assert wald.df_denom == pytest.approx(t_test.df, rel=1e-10)
        assert wald.p_value == pytest.approx(t_test.p_value, rel=1e-10)


def test_wald_test_of_a_non_positive_definite_contrast_is_empty():
    frame = programme()
    x = np.column_stack([np.ones(len(frame)), frame["treatment"], frame["pre"]])
    y = frame["post"].to_numpy(dtype=float)
    # the same coefficient twice: C V C' is singular
    wald = cr2_wald_test(x, y, frame["school"].to_numpy(), np.array([[0, 1, 0], [0, 1, 0]]))
    assert math.isnan(wald.statistic) and math.isnan(wald.p_value) and wald.df_num == 2


def test_satterthwaite_df_is_the_g_by_g_gram_matrixs_number(monkeypatch):
    # the df from sums over single schools equals the previous implementation's G x G Gram matrix
    # of the g_i'g_j (below its bound) and its linear sums (above it)
    frame = programme(schools=30, per_school=15, seed=4).sample(frac=0.7, random_state=1)
    x = np.column_stack([np.ones(len(frame)), frame["treatment"], frame["pre"]])
    y = frame["post"].to_numpy(dtype=float)
    clusters = frame["school"].to_numpy()
    residuals = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    vcov, df = cr2_vcov(x, residuals, clusters, 1)
    gram_vcov, gram_df = cr2_reference.cr2_vcov(x, residuals, clusters, 1)
    monkeypatch.setattr(cr2_reference, "GRAM_MAX_SCHOOLS", 29)
    _, linear_df = cr2_reference.cr2_vcov(x, residuals, clusters, 1)
    assert df == pytest.approx(gram_df, rel=1e-12) and df == pytest.approx(linear_df, rel=1e-12)
    assert gram_df != linear_df  # two different sums in the reference, the same number
    np.testing.assert_allclose(vcov, gram_vcov, rtol=1e-12)
    assert math.isnan(cr2_vcov(x, residuals, clusters)[1])  # no column, no df


def test_two_level_g_carries_the_ancova_rows_cluster_factor():
    frame = programme(interaction=3.0)
    plain = moderator_test(frame, "post", "pre", "treatment", "school", "sex")
    clustered = moderator_test(frame, "post", "pre", "treatment", "school", "sex", icc=0.2)
    factor = cluster_factor(len(frame), 24, 0.2) / hedges_correction(len(frame) - 2)  # omega * gamma against J
    assert clustered.estimate == plain.estimate and clustered.p_value == plain.p_value
    assert clustered.effect_size == pytest.approx(factor * plain.effect_size, rel=1e-12)
    assert clustered.effect_size_ci_low == pytest.approx(factor * plain.effect_size_ci_low, rel=1e-12)
