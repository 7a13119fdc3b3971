"""Models fitted after leaving a column out, against R on the same data (issue 12).

Every constant comes from tests/r/edge_cases.json, written by tests/r/edge_cases.R from nlme's
MathAchieve schools (tests/r/data/edge_cases.csv; R and package versions in its "versions" entry
and tests/r/README.md). R is not needed here. Relative tolerance 1e-6, as tests/stats/test_stats_r.py.
"""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from evaluation.evidence.balance import balance_table, joint_orthogonality_test
from evaluation.stats import ancova_clustered, coefficient_test, did_clustered, mixed_reml
from evaluation.stats.unfit import is_zero

HERE = Path(__file__).parent.parent / "r"
REF = json.loads((HERE / "edge_cases.json").read_text(encoding="utf-8"))
RTOL = 1e-6
TEST_COLUMNS = ["estimate", "std_error", "df", "ci_low", "ci_high", "p_value"]


@pytest.fixture(scope="module")
def maths() -> pd.DataFrame:
    return pd.read_csv(HERE / "data" / "edge_cases.csv", dtype={"School": str})


def assert_matches(result, reference) -> None:
    assert_allclose([getattr(result, c) for c in TEST_COLUMNS], [reference[c] for c in TEST_COLUMNS], rtol=RTOL)


def _ancova(data, pre, covariates=(), vcov="CR2"):
    return ancova_clustered(
        data, post="MathAch", pre=pre, treatment="catholic", cluster="School", covariates=covariates, vcov=vcov
    )


@pytest.mark.parametrize("vcov", ["CR1", "CR2"])
def test_constant_pre_test_is_left_out_as_lm_leaves_it_out(maths, vcov):
    # R: fit <- lm(MathAch ~ catholic + pre_constant): pre_constant NA; CR1 coeftest(vcovCL(HC1),
    # df = G - 1), CR2 clubSandwich::coef_test(fit, "CR2", School, test = "Satterthwaite")
    reference = REF["constant_pre"]
    assert reference["aliased"] == "pre_constant"
    result = _ancova(maths, "pre_constant", vcov=vcov)
    assert result.note == "dropped_constant:pre_constant"
    assert_matches(result, reference[vcov.lower()])


@pytest.mark.parametrize("vcov", ["CR1", "CR2"])
def test_constant_and_collinear_covariates_are_left_out(maths, vcov):
    # R: lm(MathAch ~ catholic + SES + female + k + ses_female): k and ses_female NA
    reference = REF["constant_and_collinear_covariates"]
    assert reference["aliased"] == ["k", "ses_female"]
    result = _ancova(maths, "SES", covariates=["female", "k", "ses_female"], vcov=vcov)
    assert result.note == "dropped_constant:k;dropped_collinear:ses_female"
    assert_matches(result, reference[vcov.lower()])


@pytest.mark.parametrize(
    "key, pre, covariates",
    [
        ("constant_pre", "pre_constant", []),
        ("constant_and_collinear_covariates", "SES", ["female", "k", "ses_female"]),
    ],
)
def test_mixed_model_drops_what_lmer_drops(maths, key, pre, covariates):
    # R: lmer(MathAch ~ catholic + <pre> + <covariates> + (1 | School), REML = TRUE), which says
    # "fixed-effect model matrix is rank deficient so dropping ... columns / coefficients"
    reference = REF[key]["mixed"]
    fit = mixed_reml(maths, post="MathAch", pre=pre, treatment="catholic", cluster="School", covariates=covariates)
    kept = ["catholic", *(c for c in [pre, *covariates] if c not in ("pre_constant", "k", "ses_female"))]
    assert reference["kept"] == ["(Intercept)", *kept] and list(fit.fixed_effects) == ["intercept", *kept]
    assert_allclose(
        [fit.estimate.estimate, fit.estimate.std_error, fit.tau2, fit.sigma2, fit.reml_criterion],
        [reference[k] for k in ("estimate", "std_error", "tau2", "sigma2", "reml_criterion")],
        rtol=RTOL,
    )
    assert fit.estimate.note.startswith("dropped_constant:")


def test_difference_in_differences_with_a_constant_pre_wave(maths):
    # R: coef_test(lm(value ~ catholic * post, long), "CR2", School, "Satterthwaite"), catholic:post
    long = pd.concat(
        [
            maths.assign(wave="pre", value=maths["pre_constant"]),
            maths.assign(wave="post", value=maths["MathAch"]),
        ]
    )
    result = did_clustered(long, "value", "wave", "catholic", "School")
    assert result.note == ""
    assert_matches(result, REF["did_constant_pre"])


@pytest.mark.parametrize("vcov", ["CR1", "CR2"])
def test_balance_row_of_a_characteristic_only_partner_schools_have(maths, vcov):
    # R (over schools): lm(vocational ~ catholic), CR1 and CR2 as above; its own test stands,
    # and its note says it is left out of the joint test
    reference = REF["balance_vocational"][vcov.lower()]
    row = balance_table(maths, {"vocational": "school"}, treatment="catholic", cluster="School", vcov=vcov).iloc[0]
    assert row["difference"] == pytest.approx(reference["estimate"], rel=RTOL)
    assert row["std_error"] == pytest.approx(reference["std_error"], rel=RTOL)
    assert row["p_value"] == pytest.approx(reference["p_value"], rel=RTOL)
    assert row["note"] == "separates_groups"


def test_constant_characteristic_gets_no_p_value_from_rounding_noise(maths):
    # R: coeftest(lm(grade ~ catholic), vcovCL(HC1)): a standard error of about 2e-15 and p = 0.31,
    # from a difference that is exactly 0
    reference = REF["balance_constant"]
    assert is_zero(reference["cr1"]["std_error"], reference["scale"]) and reference["cr1"]["p_value"] > 0.05
    x = np.column_stack([np.ones(len(maths)), maths["catholic"]])
    test = coefficient_test(x, maths["grade"].to_numpy(dtype=float), maths["School"].to_numpy(), 1, vcov="CR1")
    assert test.note == "zero_std_error" and math.isnan(test.std_error) and math.isnan(test.p_value)
    row = balance_table(maths, {"grade": "student"}, treatment="catholic", cluster="School").iloc[0]
    assert row["note"] == "constant" and math.isnan(row["p_value"]) and row["difference"] == 0.0


def test_joint_test_leaves_out_a_separating_characteristic(maths):
    # R: Wald_test(lm(catholic ~ female + SES + partner_type), constrain_zero(2:4), "CR1S",
    # test = "Naive-F") gives an F of about 1e34 ("essentially perfect fit"); without it, F as here
    assert REF["joint_with_partner_type"]["F"] > 1e20
    reference = REF["joint_without_vocational"]
    for extra in ("partner_type", "vocational"):
        result = joint_orthogonality_test(maths, ["female", "SES", extra], treatment="catholic", cluster="School")
        assert result.characteristics == ("female", "SES")
        assert result.left_out == (f"separates_groups:{extra}",)
        assert result.statistic == pytest.approx(reference["F"], rel=RTOL)
        assert result.p_value == pytest.approx(reference["p_value"], rel=RTOL)
        assert (result.df_numerator, result.df_denominator, result.n) == (
            reference["df_num"],
            reference["df_denom"],
            reference["n"],
        )


def test_reference_records_versions():
    versions = REF["versions"]
    assert versions["R"].startswith("R version") and {"sandwich", "clubSandwich", "lme4"} <= set(versions)
