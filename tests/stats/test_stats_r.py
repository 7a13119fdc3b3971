"""The statistics engine against R on public datasets.

Every constant comes from tests/r/reference.json, written by tests/r/reference.R (the R call
beside each number there; R and package versions in its "versions" entry and tests/r/README.md).
The datasets are the CSVs under tests/r/data/ that the script wrote. R is not needed here.
"""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from evaluation.analysis.scores import keyed_items
from evaluation.stats import (
    ancova_clustered,
    baseline_equivalence,
    benjamini_hochberg,
    coefficient_test,
    cronbach_alpha,
    did_clustered,
    hedges_g,
    item_statistics,
    kr20,
    mixed_reml,
    paired_change,
    random_intercept_reml,
    welch_waves,
    wilcoxon_signed_rank,
)

HERE = Path(__file__).parent.parent / "r"
REF = json.loads((HERE / "reference.json").read_text())
RTOL = 1e-6
TEST_COLUMNS = ["estimate", "std_error", "df", "ci_low", "ci_high", "p_value"]


def data(name):
    return pd.read_csv(HERE / "data" / name)


def assert_matches(result, reference, columns=TEST_COLUMNS):
    got = [getattr(result, c) for c in columns]
    assert_allclose(got, [reference[c] for c in columns], rtol=RTOL)


@pytest.fixture(scope="module")
def sleep():
    return data("sleep.csv")


@pytest.fixture(scope="module")
def maths():
    return data("mathachieve30.csv")


def test_paired_t_matches_t_test(sleep):
    # R: t.test(drug2, drug1, paired = TRUE)
    result = paired_change(sleep, "drug1", "drug2")
    ref = REF["paired_t"]
    assert_allclose(
        [result.estimate, result.statistic, result.df, result.ci_low, result.ci_high, result.p_value],
        [ref["estimate"], ref["statistic"], ref["df"], ref["ci_low"], ref["ci_high"], ref["p_value"]],
        rtol=RTOL,
    )


def test_wilcoxon_matches_wilcox_test_with_zero_and_ties(sleep):
    # R: wilcox.test(drug2, drug1, paired = TRUE, exact = FALSE, correct = TRUE); one zero change
    # (dropped: n = 9) and tied changes (1.3, 1.3)
    result = wilcoxon_signed_rank(sleep, "drug1", "drug2")
    assert (result.statistic, result.n_treatment) == (REF["wilcoxon"]["statistic"], 10)
    assert REF["wilcoxon"]["n_nonzero"] == 9
    assert_allclose(result.p_value, REF["wilcoxon"]["p_value"], rtol=RTOL)
    # the estimate is compared with wilcox.test(conf.int = TRUE) in test_rank_tests_r.py
    # R: the same call with correct = FALSE
    uncorrected = wilcoxon_signed_rank(sleep, "drug1", "drug2", correct=False)
    assert_allclose(uncorrected.p_value, REF["wilcoxon_uncorrected"]["p_value"], rtol=RTOL)
    assert uncorrected.p_value < result.p_value


def test_welch_matches_t_test_and_hedges_g_the_formula():
    tooth = data("toothgrowth.csv")
    waves = pd.DataFrame(
        {"post": tooth["len"].where(tooth["supp"] == "OJ"), "pre": tooth["len"].where(tooth["supp"] == "VC")}
    )
    # R: t.test(len[supp == "OJ"], len[supp == "VC"])  (Welch)
    result = welch_waves(waves, "pre", "post")
    assert (result.n_treatment, result.n_control) == (30, 30)
    assert_matches(result, REF["welch_t"])
    assert_allclose(result.statistic, REF["welch_t"]["statistic"], rtol=RTOL)
    # R: Hedges' g written out in reference.R (J = 1 - 3/(4N - 9), Borenstein et al. V_d)
    ref = REF["hedges_g"]
    g = hedges_g(tooth["len"][tooth["supp"] == "OJ"], tooth["len"][tooth["supp"] == "VC"])
    assert_allclose(g, [ref["g"], ref["ci_low"], ref["ci_high"]], rtol=RTOL)
    assert_allclose(result.effect_size, ref["g"], rtol=RTOL)


@pytest.mark.parametrize("vcov, key", [("CR1", "ancova_cr1"), ("CR2", "ancova_cr2")])
def test_ancova_with_plan_covariate_matches_sandwich_and_clubsandwich(maths, vcov, key):
    # R: fit <- lm(MathAch ~ catholic + SES + female); CR1: coeftest(fit, vcovCL(fit, ~School,
    # type = "HC1"), df = G - 1); CR2: coef_test(fit, "CR2", School, test = "Satterthwaite")
    result = ancova_clustered(
        maths, post="MathAch", pre="SES", treatment="catholic", cluster="School", covariates=["female"], vcov=vcov
    )
    assert result.method == key
    assert (result.n_clusters_treatment, result.n_clusters_control) == (15, 15)
    assert result.n_treatment + result.n_control == len(maths)
    assert_matches(result, REF[key])
    if vcov == "CR2":  # unequal school sizes: the Satterthwaite df is well below G - 1 = 29
        assert result.df < 26


@pytest.mark.parametrize("vcov, key", [("CR1", "ancova_cr1_nocov"), ("CR2", "ancova_cr2_nocov")])
def test_ancova_without_covariates(maths, vcov, key):
    # R: lm(MathAch ~ catholic + SES), the same two vcov
    result = ancova_clustered(maths, post="MathAch", pre="SES", treatment="catholic", cluster="School", vcov=vcov)
    assert_matches(result, REF[key])


@pytest.mark.parametrize("vcov, key", [("CR1", "sleepstudy_cr1"), ("CR2", "sleepstudy_cr2")])
def test_within_cluster_slope_sleepstudy(vcov, key):
    # R: fit <- lm(Reaction ~ Days, sleepstudy), clustered on Subject (18 subjects)
    study = data("sleepstudy.csv")
    x = np.column_stack([np.ones(len(study)), study["Days"]])
    result = coefficient_test(x, study["Reaction"].to_numpy(), study["Subject"].to_numpy(), 1, vcov=vcov)
    assert result.n_clusters == 18
    assert_matches(result, REF[key])


def test_did_matches_clubsandwich_interaction(maths):
    # R: coef_test(lm(MathAch ~ catholic * female), "CR2", School, "Satterthwaite"), the
    # catholic:female row (female stands in for the post wave)
    result = did_clustered(maths, value="MathAch", wave="female", treatment="catholic", cluster="School", post_wave=1)
    assert result.method == "did"
    assert_matches(result, REF["did_cr2"])


def test_mixed_reml_matches_lmer(maths):
    # R: lmer(MathAch ~ catholic + SES + (1 | School), REML = TRUE), bobyqa rhoend = 1e-12
    fit = mixed_reml(maths, post="MathAch", pre="SES", treatment="catholic", cluster="School")
    ref = REF["mixed_reml"]
    assert_allclose(
        [
            fit.estimate.estimate,
            fit.estimate.std_error,
            fit.fixed_effects["intercept"],
            fit.tau2,
            fit.sigma2,
            fit.icc,
            fit.reml_criterion,
        ],
        [
            ref["estimate"],
            ref["std_error"],
            ref["intercept"],
            ref["tau2"],
            ref["sigma2"],
            ref["icc"],
            ref["reml_criterion"],
        ],
        rtol=RTOL,
    )
    # between-within df: 30 schools - intercept - the school-level treatment
    assert fit.estimate.df == 28
    assert fit.effect_size_within == pytest.approx(ref["estimate"] / math.sqrt(ref["sigma2"]), rel=RTOL)
    assert fit.effect_size_total == pytest.approx(ref["estimate"] / math.sqrt(ref["tau2"] + ref["sigma2"]), rel=RTOL)


def test_random_intercept_matches_lmer_on_sleepstudy():
    # R: lmer(Reaction ~ Days + (1 | Subject), sleepstudy, REML = TRUE)
    fixed, vcov, tau2, sigma2, crit, groups = random_intercept_reml(
        data("sleepstudy.csv"), "Reaction", ["Days"], "Subject"
    )
    ref = REF["sleepstudy_mixed"]
    assert groups == 18
    assert_allclose(
        [fixed["Days"], math.sqrt(vcov[1, 1]), fixed["intercept"], tau2, sigma2, crit],
        [ref["estimate"], ref["std_error"], ref["intercept"], ref["tau2"], ref["sigma2"], ref["reml_criterion"]],
        rtol=RTOL,
    )


def test_baseline_g_matches_the_formula_in_r(maths):
    result = baseline_equivalence(maths, pre="SES", treatment="catholic", cluster="School")
    assert_allclose(result.effect_size, REF["baseline_g"], rtol=RTOL)


def test_benjamini_hochberg_matches_p_adjust():
    # R: p.adjust(p, method = "BH"), p with a tie (0.041 twice)
    assert_allclose(benjamini_hochberg(REF["bh"]["p"]), REF["bh"]["p_adjusted"], rtol=RTOL)


def test_alpha_matches_psych_on_bfi_agreeableness():
    # R: psych::alpha(bfi[complete, A1:A5], keys = c(-1, 1, 1, 1, 1))
    items = keyed_items(data("bfi_agreeableness.csv"), ["A1", "A2", "A3", "A4", "A5"], ["A1"], 1, 6)
    result = cronbach_alpha(items)
    ref = REF["alpha_bfi"]
    assert result.n == ref["n"] == 2709
    assert_allclose(
        [result.alpha, result.ci_low, result.ci_high, result.ase, result.duhachek_low, result.duhachek_high],
        [ref["alpha"], ref["feldt_low"], ref["feldt_high"], ref["ase"], ref["duhachek_low"], ref["duhachek_high"]],
        rtol=RTOL,
    )
    stats_ = item_statistics(items)
    assert_allclose(stats_["r_drop"], ref["r_drop"], rtol=RTOL)
    assert_allclose(stats_["alpha_if_dropped"], ref["alpha_if_dropped"], rtol=RTOL)
    scores = items.mean(axis=1)
    assert_allclose([scores.mean(), scores.std()], [ref["mean"], ref["sd"]], rtol=RTOL)
    assert "difficulty" not in stats_.columns


def test_kr20_difficulty_discrimination_match_psych_on_lsat6():
    # R: psych::alpha(lsat6); colMeans(lsat6)
    items = data("lsat6.csv")
    ref = REF["alpha_lsat6"]
    assert_allclose(kr20(items), ref["alpha"], rtol=RTOL)
    result = cronbach_alpha(items)
    assert_allclose(
        [result.alpha, result.ci_low, result.ci_high], [ref["alpha"], ref["feldt_low"], ref["feldt_high"]], rtol=RTOL
    )
    stats_ = item_statistics(items)
    assert_allclose(stats_["difficulty"], ref["difficulty"], rtol=RTOL)
    assert_allclose(stats_["discrimination"], ref["r_drop"], rtol=RTOL)


def test_reference_records_versions():
    versions = REF["versions"]
    assert versions["R"].startswith("R version ")
    assert {"sandwich", "lmtest", "clubSandwich", "lme4", "psych", "nlme"} <= set(versions["packages"])
