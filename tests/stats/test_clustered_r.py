"""The clustered pre/post change and the moderator tests against R's clubSandwich on public data.

Every constant comes from tests/r/clustered.json, written by tests/r/clustered.R (the R call
beside each number there; R and package versions in its "versions" entry and tests/r/README.md).
The datasets are the CSVs under tests/r/data/ that the script wrote. R is not needed here.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from evaluation.stats import cr2_vcov, cr2_wald_test, moderator_test, paired_change, paired_change_clustered

HERE = Path(__file__).parent.parent / "r"
REF = json.loads((HERE / "clustered.json").read_text())
RTOL = 1e-6
TEST_COLUMNS = ["estimate", "std_error", "df", "ci_low", "ci_high", "p_value"]


def data(name):
    return pd.read_csv(HERE / "data" / name)


@pytest.fixture(scope="module")
def maths():
    frame = data("mathachieve30_moderators.csv")
    for level in ("b_medium", "c_large"):  # the size band as a plan covariate: R's factor columns
        frame[f"size_{level}"] = (frame["size_band"] == level).astype(int)
    return frame


def assert_matches(result, reference, columns=TEST_COLUMNS):
    assert_allclose([getattr(result, c) for c in columns], [reference[c] for c in columns], rtol=RTOL)


@pytest.mark.parametrize(
    "name, pre, post, cluster, key",
    [
        ("chickweight_day0_day21.csv", "day0", "day21", "Diet", "paired_cr2_chickweight"),
        ("orthodont_age8_age14.csv", "age8", "age14", "Sex", "paired_cr2_orthodont"),
    ],
)
def test_paired_cr2_matches_coef_test_of_the_change(name, pre, post, cluster, key):
    # R: d <- post - pre; coef_test(lm(d ~ 1), vcov = "CR2", cluster, test = "Satterthwaite") and
    # conf_int(...); ChickWeight day 0 and 21 by Diet (4 clusters), Orthodont age 8 and 14 by Sex (2)
    frame = data(name)
    ref = REF[key]
    result = paired_change_clustered(frame, pre, post, cluster)
    assert result.method == "paired_cr2"
    assert result.note == ""
    assert (result.n_treatment, result.n_control, result.n_clusters_treatment) == (ref["n"], None, ref["n_clusters"])
    assert_matches(result, ref)
    assert_allclose(result.statistic, ref["statistic"], rtol=RTOL)
    # the paired g written out in R, its interval J / s_within times the clustered interval
    assert_allclose(
        [result.effect_size, result.effect_size_ci_low, result.effect_size_ci_high],
        [ref["effect_size"], ref["effect_size_ci_low"], ref["effect_size_ci_high"]],
        rtol=RTOL,
    )
    # the point values are the paired t's; only the uncertainty is the schools'
    paired = paired_change(frame, pre, post, cluster)
    assert result.estimate == paired.estimate
    assert result.effect_size == paired.effect_size


def test_paired_cr2_interval_is_wider_than_the_paired_t_when_clusters_differ():
    # ChickWeight's diets change the chicks' growth: treating the 45 chicks as independent gives
    # a far narrower interval than the 4 diets allow
    frame = data("chickweight_day0_day21.csv")
    clustered = paired_change_clustered(frame, "day0", "day21", "Diet")
    paired = paired_change(frame, "day0", "day21", "Diet")
    assert clustered.ci_high - clustered.ci_low > 3 * (paired.ci_high - paired.ci_low)
    assert clustered.df < 3 < paired.df == 44


def test_two_level_moderator_matches_the_interaction_row(maths):
    # R: coef_test(lm(MathAch ~ catholic + SES + female + catholic:female), "CR2", School,
    # "Satterthwaite"), row catholic:female
    ref = REF["moderation_sex"]
    result = moderator_test(maths, "MathAch", "SES", "catholic", "School", "female")
    assert (result.method, result.note) == ("ancova_cr2", "")
    assert_matches(result, ref)
    assert_allclose(result.statistic, ref["statistic"], rtol=RTOL)
    cells = ref["cells"]
    assert (result.n_treatment, result.n_control) == (sum(cells["treatment"]), sum(cells["control"]))
    assert (result.n_clusters_treatment, result.n_clusters_control) == (15, 15)
    # the difference of the partner effects as g: over the pooled SD of the post-test, times J
    post = maths["MathAch"]
    n_t, n_c = result.n_treatment, result.n_control
    sd = np.sqrt(
        ((n_t - 1) * post[maths["catholic"] == 1].var() + (n_c - 1) * post[maths["catholic"] == 0].var())
        / (n_t + n_c - 2)
    )
    j = 1 - 3 / (4 * (n_t + n_c) - 9)
    assert_allclose(
        [result.effect_size, result.effect_size_ci_low, result.effect_size_ci_high],
        [j * ref["estimate"] / sd, j * ref["ci_low"] / sd, j * ref["ci_high"] / sd],
        rtol=RTOL,
    )


def test_two_level_moderator_with_a_covariate(maths):
    # R: lm(MathAch ~ catholic + SES + size_band + female + catholic:female), size band a factor
    result = moderator_test(
        maths, "MathAch", "SES", "catholic", "School", "female", covariates=["size_b_medium", "size_c_large"]
    )
    assert_matches(result, REF["moderation_sex_covariate"])


@pytest.mark.parametrize(
    "moderator, covariates, key",
    [
        ("sex_minority", [], "moderation_sex_minority"),  # four levels, student level
        ("size_band", [], "moderation_size_band"),  # three levels, school level
        ("size_band", ["female"], "moderation_size_band_covariate"),
    ],
)
def test_several_levels_match_wald_test_htz(maths, moderator, covariates, key):
    # R: Wald_test(lm(MathAch ~ catholic + SES [+ covariate] + level + catholic:level),
    # constraints = constrain_zero("^catholic:", reg_ex = TRUE), vcov = "CR2", cluster = School,
    # test = "HTZ")
    ref = REF[key]
    result = moderator_test(maths, "MathAch", "SES", "catholic", "School", moderator, covariates=covariates)
    assert result.method == "ancova_cr2"
    assert result.note == f"wald_f:{ref['q']}"
    assert_allclose(
        [result.estimate, result.df, result.p_value], [ref["statistic"], ref["df_denom"], ref["p_value"]], rtol=RTOL
    )
    empty = [result.std_error, result.ci_low, result.ci_high, result.effect_size]
    assert np.isnan(empty).all()
    if "cells" in ref:
        assert result.n_treatment == sum(ref["cells"]["treatment"])
        assert result.n_control == sum(ref["cells"]["control"])


def _design(frame, moderator, covariates=()):
    """R's model matrix of lm(MathAch ~ catholic + SES + covariates + level + catholic:level)."""
    levels = sorted(frame[moderator].unique())
    indicators = [(frame[moderator] == level).to_numpy(dtype=float) for level in levels[1:]]
    t = frame["catholic"].to_numpy(dtype=float)
    columns = [np.ones(len(frame)), t, frame["SES"].to_numpy(dtype=float)]
    columns += [frame[c].to_numpy(dtype=float) for c in covariates] + indicators + [t * i for i in indicators]
    return np.column_stack(columns), len(indicators)


@pytest.mark.parametrize(
    "moderator, covariates, key",
    [
        ("female", [], "moderation_sex_htz"),
        ("sex_minority", [], "moderation_sex_minority"),
        ("size_band", [], "moderation_size_band"),
        ("size_band", ["female"], "moderation_size_band_covariate"),
    ],
)
def test_wald_test_and_full_cr2_covariance_match_clubsandwich(maths, moderator, covariates, key):
    # R: vcovCR(fit, cluster = School, type = "CR2") (every entry) and Wald_test(..., test = "HTZ"),
    # its unadjusted Q (the "Naive-F" statistic times q) and the HTZ multiplier delta
    ref = REF[key]
    x, q = _design(maths, moderator, covariates)
    y = maths["MathAch"].to_numpy(dtype=float)
    clusters = maths["School"].to_numpy()
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    assert_allclose(beta, ref["coefficients"], rtol=RTOL)
    vcov, _ = cr2_vcov(x, y - x @ beta, clusters)
    assert_allclose(vcov, np.array(ref["vcov"]), rtol=RTOL)
    wald = cr2_wald_test(x, y, clusters, np.eye(x.shape[1])[-q:])
    assert (wald.df_num, wald.n_clusters) == (ref["q"], 30)
    assert_allclose(
        [wald.statistic, wald.df_denom, wald.p_value, wald.wald, wald.delta],
        [ref["statistic"], ref["df_denom"], ref["p_value"], ref["wald_q"], ref["delta"]],
        rtol=RTOL,
    )


def test_one_constraint_htz_is_the_satterthwaite_t_squared(maths):
    # R: the HTZ test of catholic:female alone has delta 1, F = t^2 and the t-test's df
    ref, t_test = REF["moderation_sex_htz"], REF["moderation_sex"]
    assert_allclose([ref["statistic"], ref["df_denom"]], [t_test["statistic"] ** 2, t_test["df"]], rtol=1e-12)
    assert_allclose(ref["p_value"], t_test["p_value"], rtol=1e-12)


def test_reference_records_versions():
    versions = REF["versions"]
    assert versions["R"].startswith("R version ")
    assert {"clubSandwich", "nlme", "jsonlite"} <= set(versions["packages"])
