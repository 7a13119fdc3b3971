"""Edge cases and rules of the statistics engine that the R comparison (test_stats_r.py) does
not reach: WWC verdicts, missing values, degenerate samples."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaluation.stats import (
    baseline_equivalence,
    benjamini_hochberg,
    cr2_vcov,
    did_clustered,
    hodges_lehmann,
    kr20,
    mixed_reml,
    welch_waves,
    wilcoxon_signed_rank,
)


def test_baseline_equivalence_counts_and_raw_difference():
    frame = pd.DataFrame(
        {
            "pre": [1.0, 2, 3, 4, 2, 3, 4, 5, np.nan],
            "treatment": [1, 1, 1, 1, 0, 0, 0, 0, 1],
            "school": list("aabbccdde"),
        }
    )
    result = baseline_equivalence(frame, "pre", "treatment", "school")
    assert (result.n_treatment, result.n_control) == (4, 4)
    assert (result.n_clusters_treatment, result.n_clusters_control) == (2, 2)
    assert result.estimate == pytest.approx(-1.0)
    # pooled SD of (1,2,3,4) and (2,3,4,5) is sqrt(5/3); J = 1 - 3/(4*8 - 9)
    assert result.effect_size == pytest.approx((1 - 3 / 23) * -1 / math.sqrt(5 / 3))


def test_benjamini_hochberg_keeps_missing_out_of_m():
    adjusted = benjamini_hochberg([0.01, np.nan, 0.04, 0.03])
    assert math.isnan(adjusted[1])
    assert adjusted[[0, 2, 3]].tolist() == pytest.approx([0.03, 0.04, 0.04])
    assert np.isnan(benjamini_hochberg([np.nan])).all()


def test_wilcoxon_all_zero_changes_gives_no_p_value():
    frame = pd.DataFrame({"pre": [3.0, 4.0, 5.0], "post": [3.0, 4.0, 5.0]})
    result = wilcoxon_signed_rank(frame, "pre", "post")
    assert result.n_treatment == 3 and math.isnan(result.p_value)


def test_wilcoxon_agrees_with_scipy_normal_approximation():
    rng = np.random.default_rng(3)
    pre = rng.integers(1, 6, 80).astype(float)
    post = np.clip(pre + rng.integers(-1, 3, 80), 1, 5)
    result = wilcoxon_signed_rank(pd.DataFrame({"pre": pre, "post": post}), "pre", "post")
    reference = stats.wilcoxon(post, pre, zero_method="wilcox", correction=True, method="approx")
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)


def test_welch_needs_two_values_per_wave():
    frame = pd.DataFrame({"pre": [1.0, np.nan, np.nan], "post": [np.nan, 2.0, 3.0]})
    result = welch_waves(frame, "pre", "post")
    assert (result.n_treatment, result.n_control) == (2, 1) and math.isnan(result.estimate)


def test_did_with_an_empty_cell_is_blank():
    frame = pd.DataFrame(
        {
            "value": [1.0, 2, 3, 4],
            "wave": ["pre", "post", "pre", "pre"],
            "treatment": [1, 1, 0, 0],
            "school": list("abcd"),
        }
    )
    result = did_clustered(frame, "value", "wave", "treatment", "school")
    assert math.isnan(result.estimate) and (result.n_treatment, result.n_control) == (1, 0)


def test_cr2_equals_hc2_when_every_unit_is_its_own_cluster():
    # with singleton clusters A_j = (1 - h_ii)^(-1/2): CR2 is the HC2 estimator
    rng = np.random.default_rng(5)
    x = np.column_stack([np.ones(40), rng.normal(size=40)])
    y = x @ [1.0, 2.0] + rng.normal(size=40)
    residuals = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    bread = np.linalg.inv(x.T @ x)
    leverage = np.einsum("ij,jk,ik->i", x, bread, x)
    hc2 = bread @ (x.T * residuals**2 / (1 - leverage)) @ x @ bread
    vcov, _ = cr2_vcov(x, residuals, np.arange(40))
    np.testing.assert_allclose(vcov, hc2, rtol=1e-10)


def test_mixed_without_school_variance_puts_tau2_at_zero():
    rng = np.random.default_rng(11)
    school = np.repeat(np.arange(12), 15)
    treatment = (school % 2).astype(int)
    pre = rng.normal(size=school.size)
    # no school effect and negative between-school noise: the REML optimum is on the boundary
    post = 1 + 0.5 * pre + rng.normal(size=school.size)
    post -= pd.Series(post).groupby(school).transform("mean").to_numpy() - post.mean()
    frame = pd.DataFrame({"school": school, "treatment": treatment, "pre": pre, "post": post})
    fit = mixed_reml(frame, "post", "pre", "treatment", "school")
    assert fit.tau2 == 0.0 and fit.icc == 0.0
    assert fit.estimate.df == 10


def test_kr20_rejects_items_that_are_not_right_or_wrong():
    with pytest.raises(ValueError, match="0 \\(wrong\\) or 1 \\(right\\)"):
        kr20(pd.DataFrame({"q1": [0, 1, 2], "q2": [1, 1, 0]}))


@pytest.mark.parametrize("n", [1, 2, 9, 40, 900])
def test_hodges_lehmann_is_the_median_of_all_walsh_averages(n):
    # n = 900 has 405,450 averages: the selection path, not the materialised one
    rng = np.random.default_rng(n)
    for diff in (rng.normal(size=n), rng.integers(-8, 12, n) / 4):  # continuous, and tied on a grid
        walsh = (diff[:, None] + diff[None, :]) / 2
        assert hodges_lehmann(diff) == np.median(walsh[np.triu_indices(n)])


def test_cronbach_alpha_of_items_that_agree_perfectly_is_one():
    from evaluation.stats.reliability import cronbach_alpha

    same = [5, 2, 3, 2, 1, 4, 1]  # the rounding of these made the asymptotic variance negative
    answers = pd.DataFrame({"a": same, "b": same, "c": same})
    result = cronbach_alpha(answers)
    assert result.alpha == pytest.approx(1.0)
    assert result.n == 7
