"""The random-intercept REML fit from per-school sufficient statistics against the implementation
before issue 15 (tests/stats/mixed_reference.py, the criterion evaluated over all rows).

At the same theta, every quantity of the profiled criterion (the criterion, the fixed effects,
their covariance, sigma^2) agrees to 1e-10. At the optimum the two differ by how precisely each
finds theta: the reference polished it as the root of a central difference of the criterion,
which leaves theta off by about 1e-8 to 1e-6 relative (the criterion is flat there, and its
rounding noise divided by the step is that large); the new fit solves the closed-form
derivative. So the fitted values are compared to 1e-6 (the agreement with lme4 asked of the
module), and the new theta is checked to be the optimum by a third route: the REML score
tr(P ZZ') - (N - p) y'P ZZ' P y / y'P y computed with dense N x N matrices.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from mixed_reference import _profile as reference_profile
from mixed_reference import mixed_reml as reference_mixed_reml
from mixed_reference import random_intercept_reml as reference_reml
from numpy.testing import assert_allclose

from evaluation.stats import mixed_reml, random_intercept_reml
from evaluation.stats.mixed import _profile, school_sums

PREDICTORS = ["treatment", "pre", "school_size"]


def programme(schools: int, students: int, school_sd: float = 15.0, singletons: int = 0, seed: int = 0):
    """Unequal school sizes (1 to about twice the mean, `singletons` schools of one student), half
    the schools partners, a school-level covariate and a covariate constant in every school."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(2, 2 * students // schools, schools)
    sizes[:singletons] = 1
    school = np.repeat(rng.permutation(schools) + 100, sizes)  # codes neither sorted nor from 0
    partner = (rng.random(schools) < 0.5).astype(float)
    pre = rng.normal(500, 90, len(school)) + rng.normal(0, 30, schools)[school - 100]
    post = 40 + 5 * partner[school - 100] + 0.85 * pre + rng.normal(0, school_sd, schools)[school - 100]
    frame = pd.DataFrame(
        {
            "school_id": school,
            "treatment": partner[school - 100],
            "pre": pre,
            "school_size": sizes[school - 100].astype(float),
            "region": 1.0,
            "post": post + rng.normal(0, 40, len(school)),
        }
    )
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # rows not grouped by school


def design(frame: pd.DataFrame, predictors=PREDICTORS):
    x = np.column_stack([np.ones(len(frame)), *(frame[c].to_numpy(dtype=float) for c in predictors)])
    codes, uniques = pd.factorize(frame["school_id"], sort=True)
    return x, frame["post"].to_numpy(dtype=float), codes, len(uniques)


def dense_score(frame: pd.DataFrame, theta: float, predictors=PREDICTORS) -> float:
    """d(REML criterion)/d(theta^2) from N x N matrices: V = I + theta^2 ZZ', P the REML
    projection V^-1 - V^-1 X (X'V^-1X)^-1 X'V^-1."""
    x, y, codes, _ = design(frame, predictors)
    zz = (codes[:, None] == codes[None, :]).astype(float)
    v_inv = np.linalg.inv(np.eye(len(y)) + theta**2 * zz)
    vx = v_inv @ x
    p = v_inv - vx @ np.linalg.solve(x.T @ vx, vx.T)
    py = p @ y
    return float(np.trace(p @ zz) - (len(y) - x.shape[1]) * (py @ zz @ py) / (y @ py))


@pytest.mark.parametrize(
    "frame",
    [programme(30, 300, seed=1), programme(60, 400, singletons=12, seed=2), programme(40, 500, school_sd=0, seed=3)],
    ids=["unequal", "singletons", "no_school_effect"],
)
@pytest.mark.parametrize("theta", [0.0, 1e-3, 0.2, 1.0])
def test_criterion_from_school_sums_equals_the_row_by_row_one(frame, theta):
    x, y, codes, groups = design(frame)
    sizes = np.bincount(codes).astype(float)
    got = _profile(theta, school_sums(x, y, codes, groups))
    want = reference_profile(theta, x, y, codes, sizes)
    assert_allclose(got[0], want[0], rtol=1e-10)
    assert_allclose(got[1], want[1], rtol=1e-10)
    assert_allclose(got[2], want[2], rtol=1e-10)
    assert_allclose(got[3], want[3], rtol=1e-10)


def test_fixed_effects_at_a_large_school_variance_match_dense_gls():
    # where tau is many times sigma, X'V^-1X is a small difference of large sums row by row (the
    # reference loses up to 1e-8 there); from the school sums it stays within 1e-10 of dense GLS
    frame = programme(24, 150, singletons=6, seed=5)
    x, y, codes, groups = design(frame)
    sums = school_sums(x, y, codes, groups)
    zz = (codes[:, None] == codes[None, :]).astype(float)
    for theta in (3.0, 10.0, 30.0):
        chol = np.linalg.cholesky(np.eye(len(y)) + theta**2 * zz)
        beta = np.linalg.lstsq(np.linalg.solve(chol, x), np.linalg.solve(chol, y), rcond=None)[0]
        assert_allclose(_profile(theta, sums)[1], beta, rtol=1e-10)


@pytest.mark.parametrize(
    ("frame", "predictors"),
    [
        (programme(30, 300, seed=1), PREDICTORS),
        (programme(60, 400, singletons=12, seed=2), PREDICTORS),
        (programme(25, 250, seed=4), []),  # the intercept alone, as the design parameters fit it
    ],
    ids=["unequal", "singletons", "intercept_only"],
)
def test_fit_is_the_reml_optimum_and_agrees_with_the_reference(frame, predictors):
    fixed, vcov, tau2, sigma2, crit, groups = random_intercept_reml(frame, "post", predictors, "school_id")
    ref_fixed, ref_vcov, ref_tau2, ref_sigma2, ref_crit, ref_groups = reference_reml(
        frame, "post", predictors, "school_id"
    )
    assert groups == ref_groups == frame["school_id"].nunique()
    assert tau2 > 0
    theta, ref_theta = math.sqrt(tau2 / sigma2), math.sqrt(ref_tau2 / ref_sigma2)
    # the score of the new theta is zero up to rounding, and no further from zero than the reference's
    score, ref_score = dense_score(frame, theta, predictors), dense_score(frame, ref_theta, predictors)
    assert abs(score) < 1e-9 * len(frame)
    assert abs(score) <= abs(ref_score) + 1e-9 * len(frame)
    assert crit == pytest.approx(ref_crit, rel=1e-10)
    assert list(fixed) == list(ref_fixed)
    assert_allclose(list(fixed.values()), list(ref_fixed.values()), rtol=1e-6)
    assert_allclose(vcov, ref_vcov, rtol=1e-6)
    assert_allclose([tau2, sigma2], [ref_tau2, ref_sigma2], rtol=1e-6)


def test_no_school_effect_puts_tau2_on_the_boundary():
    frame = programme(40, 500, school_sd=0, seed=3)
    # the criterion rises from theta = 0 (its derivative there, by the dense route, is positive)
    assert dense_score(frame, 0.0) > 0
    fixed, vcov, tau2, sigma2, crit, _ = random_intercept_reml(frame, "post", PREDICTORS, "school_id")
    ref_fixed, ref_vcov, ref_tau2, ref_sigma2, ref_crit, _ = reference_reml(frame, "post", PREDICTORS, "school_id")
    assert tau2 == ref_tau2 == 0.0
    # at theta = 0 the model is ordinary least squares: sigma^2 its residual variance
    x, y, _, _ = design(frame)
    beta, residual, *_ = np.linalg.lstsq(x, y, rcond=None)
    assert sigma2 == pytest.approx(residual[0] / (len(y) - x.shape[1]), rel=1e-10)
    assert_allclose(list(fixed.values()), beta, rtol=1e-10)
    assert_allclose(list(fixed.values()), list(ref_fixed.values()), rtol=1e-10)
    assert_allclose(vcov, ref_vcov, rtol=1e-10)
    assert sigma2 == pytest.approx(ref_sigma2, rel=1e-10)
    assert crit == pytest.approx(ref_crit, rel=1e-10)


@pytest.mark.parametrize(
    ("frame", "covariates"),
    [
        (programme(30, 300, seed=1), ["school_size"]),  # a school-level covariate
        (programme(60, 400, singletons=12, seed=2), ["school_size", "region"]),  # and one constant everywhere
        (programme(40, 500, school_sd=0, seed=3), []),
    ],
    ids=["school_level", "constant", "boundary"],
)
def test_mixed_reml_rows_agree_with_the_reference(frame, covariates):
    fit = mixed_reml(frame, "post", "pre", "treatment", "school_id", covariates)
    ref = reference_mixed_reml(frame, "post", "pre", "treatment", "school_id", covariates)
    new_row, ref_row = fit.estimate, ref.estimate
    assert new_row.note == ref_row.note
    assert ("dropped_constant:region" in new_row.note) == ("region" in covariates)
    # between-within df: schools - 1 - the school-level predictors (treatment, school_size)
    assert new_row.df == ref_row.df == frame["school_id"].nunique() - 1 - 1 - ("school_size" in covariates)
    assert (new_row.n_treatment, new_row.n_control) == (ref_row.n_treatment, ref_row.n_control)
    numbers = ["estimate", "std_error", "ci_low", "ci_high", "p_value", "statistic", "effect_size"]
    assert_allclose([getattr(new_row, c) for c in numbers], [getattr(ref_row, c) for c in numbers], rtol=1e-6)
    assert_allclose(
        [fit.sigma2, fit.effect_size_total, fit.effect_size_within],
        [ref.sigma2, ref.effect_size_total, ref.effect_size_within],
        rtol=1e-6,
    )
    # without a school effect both put tau^2 at (or a hair above) zero, about 1e-11 here
    assert fit.tau2 == pytest.approx(ref.tau2, rel=1e-6, abs=1e-9 * ref.sigma2)
    assert fit.icc == pytest.approx(ref.icc, rel=1e-6, abs=1e-9)
    assert fit.reml_criterion == pytest.approx(ref.reml_criterion, rel=1e-10)


def test_a_model_that_cannot_be_fitted_gives_the_same_note_and_no_numbers():
    frame = programme(30, 300, seed=1)
    schools = frame.groupby("school_id")["treatment"].first()
    three = frame[frame["school_id"].isin([*schools[schools == 1].index[:2], schools[schools == 0].index[0]])]
    one_group = frame[frame["treatment"] == 1]
    for data, note in ((three, "too_few_schools"), (one_group, "no_units:control")):
        fit = mixed_reml(data, "post", "pre", "treatment", "school_id")
        ref = reference_mixed_reml(data, "post", "pre", "treatment", "school_id")
        assert fit.estimate.note == ref.estimate.note == note
        assert math.isnan(fit.estimate.estimate) and math.isnan(fit.tau2)


def national(schools: int, students: int = 1_000_000) -> pd.DataFrame:
    rng = np.random.default_rng(schools)
    weights = rng.gamma(2.0, size=schools)
    sizes = 1 + rng.multinomial(students - schools, weights / weights.sum())
    school = np.repeat(np.arange(schools), sizes)
    partner = (rng.random(schools) < 0.5).astype(float)
    pre = rng.normal(500, 90, students) + rng.normal(0, 30, schools)[school]
    post = 40 + 5 * partner[school] + 0.85 * pre + rng.normal(0, 15, schools)[school] + rng.normal(0, 40, students)
    return pd.DataFrame({"school_id": school, "treatment": partner[school], "pre": pre, "post": post})


@pytest.mark.parametrize("schools", [2000, 7420])
def test_national_size_fit_is_the_row_by_row_optimum(schools):
    # 1M students: the new fit in full; the reference criterion (one pass over the rows each) at
    # its theta and either side of it, so the fit is checked against the reference at full size
    frame = national(schools)
    predictors = ["treatment", "pre"]
    fixed, vcov, tau2, sigma2, crit, groups = random_intercept_reml(frame, "post", predictors, "school_id")
    assert groups == schools
    theta = math.sqrt(tau2 / sigma2)
    x, y, codes, _ = design(frame, predictors)
    sizes = np.bincount(codes).astype(float)
    ref_crit, ref_beta, ref_unscaled, ref_sigma2 = reference_profile(theta, x, y, codes, sizes)
    # the reference forms X'V^-1X as X'X minus a sum over schools, rounding at about 1e-10 here
    assert crit == pytest.approx(ref_crit, rel=1e-10)
    assert_allclose(list(fixed.values()), ref_beta, rtol=1e-9)
    assert_allclose(vcov, ref_sigma2 * ref_unscaled, rtol=1e-9)
    assert sigma2 == pytest.approx(ref_sigma2, rel=1e-10)
    # a third route in extended precision: per-school sums of the raw rows in long double
    c = theta**2 / (1 + sizes * theta**2)
    wide_x, wide_y = x.astype(np.longdouble), y.astype(np.longdouble)
    sum_x = np.zeros((schools, x.shape[1]), dtype=np.longdouble)
    np.add.at(sum_x, codes, wide_x)
    sum_y = np.zeros(schools, dtype=np.longdouble)
    np.add.at(sum_y, codes, wide_y)
    xvx = wide_x.T @ wide_x - sum_x.T @ (c[:, None] * sum_x)
    xvy = wide_x.T @ wide_y - sum_x.T @ (c * sum_y)
    beta = np.linalg.solve(xvx.astype(float), xvy.astype(float))
    assert_allclose(list(fixed.values()), beta, rtol=1e-10)
    # a minimum of the reference criterion: 1e-4 either side is higher, by far more than its rounding
    for moved in (theta * (1 - 1e-4), theta * (1 + 1e-4)):
        assert reference_profile(moved, x, y, codes, sizes)[0] > ref_crit + 1e-7
    # and the generator's variance components are recovered
    assert tau2 == pytest.approx(15.0**2, rel=0.15)
    assert sigma2 == pytest.approx(40.0**2, rel=0.01)


@pytest.mark.slow
@pytest.mark.parametrize("schools", [2000, 7420])
def test_national_subsample_fit_agrees_with_the_reference(schools):
    # whole schools, about 100,000 students (the reference fit takes several seconds)
    frame = national(schools)
    kept = frame[frame["school_id"] % 10 == 0]
    predictors = ["treatment", "pre"]
    new = random_intercept_reml(kept, "post", predictors, "school_id")
    ref = reference_reml(kept, "post", predictors, "school_id")
    assert new[5] == ref[5]
    assert new[4] == pytest.approx(ref[4], rel=1e-10)
    assert_allclose(list(new[0].values()), list(ref[0].values()), rtol=1e-6)
    assert_allclose(new[1], ref[1], rtol=1e-6)
    assert_allclose(new[2:4], ref[2:4], rtol=1e-6)
