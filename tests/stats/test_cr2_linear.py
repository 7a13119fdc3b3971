"""CR2 from each school's p x p block (evaluation/stats/cluster_robust.py) against the previous
implementation, kept verbatim in cr2_reference.py (a thin QR of each school's rows, a G x G Gram
matrix for the Satterthwaite df): the same numbers to 1e-10 on unequal schools, single-student
schools, schools with fewer students than coefficients, a covariate constant within schools, a
school that alone determines a coefficient, Wald tests of 1, 2 and 3 constraints, multiple
imputation, and a national-size design."""

import dataclasses
import math

import cr2_reference
import numpy as np
import pandas as pd
import pytest

from evaluation.stats import ancova, cluster_robust, imputation
from evaluation.stats.ancova import ancova_clustered, ancova_clustered_draws
from evaluation.stats.cluster_robust import CoefficientDesign, coefficient_test, cr1_vcov, cr2_vcov, cr2_wald_test

RTOL = 1e-10


def design(
    sizes: np.ndarray, seed: int = 0, within_constant: bool = False, p: int = 4
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of schools with `sizes` students, shuffled (a school's rows are not together): an
    intercept, a school-level partner indicator, a pre-test around 50 and a fourth column, a
    student-level normal or (`within_constant`) a school-level value; school ids as text."""
    rng = np.random.default_rng(seed)
    g = len(sizes)
    school = np.repeat(np.arange(g), sizes)
    n = len(school)
    partner = (np.arange(g) % 2 == 1)[school].astype(float)
    pre = rng.normal(50, 10, n) + rng.normal(0, 4, g)[school]
    fourth = rng.normal(3, 2, g)[school] if within_constant else rng.normal(size=n)
    x = np.column_stack([np.ones(n), partner, pre, fourth])[:, :p]
    y = x @ rng.normal(size=p) + rng.normal(0, 2, g)[school] + rng.normal(0, 5, n)
    order = rng.permutation(n)
    return x[order], y[order], np.array([f"S{j:04d}" for j in range(g)], dtype=object)[school][order]


def assert_same(new, old, rtol=RTOL):
    """Every number of two results (dataclasses or arrays) equal to `rtol` (NaN where NaN)."""
    if dataclasses.is_dataclass(new):
        assert type(new).__name__ == type(old).__name__
        for field in dataclasses.fields(new):
            a, b = getattr(new, field.name), getattr(old, field.name)
            if isinstance(a, float) or (isinstance(a, tuple) and a and isinstance(a[0], float)):
                assert a == pytest.approx(b, rel=rtol, nan_ok=True), field.name
            else:
                assert a == b, field.name
        return
    new, old = np.asarray(new), np.asarray(old)
    np.testing.assert_allclose(new, old, rtol=rtol, atol=rtol * np.abs(old).max())


def check_against_reference(x, y, clusters, qs=(1,)):
    residuals = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    p = x.shape[1]
    for column in range(p):
        vcov, df = cr2_vcov(x, residuals, clusters, column)
        old_vcov, old_df = cr2_reference.cr2_vcov(x, residuals, clusters, column)
        assert_same(vcov, old_vcov)
        assert df == pytest.approx(old_df, rel=RTOL)
        for vcov_type in ("CR1", "CR2"):
            assert_same(
                coefficient_test(x, y, clusters, column, vcov_type),
                cr2_reference.coefficient_test(x, y, clusters, column, vcov_type),
            )
    for q in qs:
        constraints = np.eye(p)[p - q :]
        assert_same(
            cr2_wald_test(x, y, clusters, constraints), cr2_reference.cr2_wald_test(x, y, clusters, constraints)
        )


def test_unequal_schools_give_the_previous_numbers():
    sizes = np.random.default_rng(1).integers(3, 60, 40)
    x, y, clusters = design(sizes, seed=1)
    check_against_reference(x, y, clusters, qs=(1, 2, 3))


def test_above_the_previous_gram_bound_the_same_numbers(monkeypatch):
    # the reference's linear df (above GRAM_MAX_SCHOOLS) and its Gram df are both matched
    x, y, clusters = design(np.random.default_rng(2).integers(2, 30, 50), seed=2)
    monkeypatch.setattr(cr2_reference, "GRAM_MAX_SCHOOLS", 10)
    check_against_reference(x, y, clusters)


def test_single_student_schools_and_schools_smaller_than_p():
    # 10 schools of one student, 12 of two or three (fewer than the 4 coefficients), 20 larger
    rng = np.random.default_rng(3)
    sizes = rng.permutation(np.concatenate([np.ones(10, int), rng.integers(2, 4, 12), rng.integers(5, 40, 20)]))
    x, y, clusters = design(sizes, seed=3)
    check_against_reference(x, y, clusters, qs=(1, 2, 3))


def test_every_student_a_school_is_hc2():
    x, y, clusters = design(np.ones(60, int), seed=4)
    check_against_reference(x, y, clusters, qs=(2,))


def test_a_covariate_constant_within_schools():
    # the school's rows of (intercept, partner, school-level value) span one direction only
    x, y, clusters = design(np.random.default_rng(5).integers(1, 50, 45), seed=5, within_constant=True)
    check_against_reference(x, y, clusters, qs=(1, 2, 3))


def test_a_school_that_alone_determines_a_coefficient():
    # a column that is nonzero in one school only: that school's I - H_jj has an eigenvalue 0,
    # which the pseudo-inverse root maps to 0 (clubSandwich's Sym_power)
    x, y, clusters = design(np.random.default_rng(6).integers(4, 30, 20), seed=6, p=3)
    only = (clusters == "S0007").astype(float) * np.random.default_rng(7).normal(size=len(y))
    x = np.column_stack([x, only])
    _, eigen = _leverages(x, clusters, "S0007")
    assert eigen.max() == pytest.approx(1.0, abs=1e-12)  # a leverage of 1
    check_against_reference(x, y, clusters, qs=(1, 2))


def _leverages(x, clusters, school):
    rows = clusters == school
    hat = x[rows] @ np.linalg.inv(x.T @ x) @ x[rows].T
    return rows, np.linalg.eigvalsh(hat)


def test_an_intercept_only_design_as_the_clustered_pre_post_change():
    x, y, clusters = design(np.random.default_rng(8).integers(1, 25, 30), seed=8, p=1)
    check_against_reference(x, y, clusters)


def test_cr1_is_the_previous_number_to_the_last_digit():
    x, y, clusters = design(np.random.default_rng(9).integers(1, 40, 35), seed=9)
    residuals = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    np.testing.assert_array_equal(cr1_vcov(x, residuals, clusters), cr2_reference.cr1_vcov(x, residuals, clusters))


def test_a_design_shared_by_several_outcomes_gives_each_outcomes_test():
    x, y, clusters = design(np.random.default_rng(10).integers(2, 30, 25), seed=10)
    shared = CoefficientDesign(x, clusters, 1)
    for shift in (0.0, 1.5, -3.0):
        outcome = y + shift * np.random.default_rng(int(10 + shift)).normal(size=len(y))
        assert shared.test(outcome) == coefficient_test(x, outcome, clusters, 1)
        assert_same(shared.test(outcome), cr2_reference.coefficient_test(x, outcome, clusters, 1))


def programme(schools=16, seed=12):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 30, schools)
    school = np.repeat(np.arange(schools), sizes)
    n = len(school)
    treatment = (np.arange(schools) % 2)[school]
    pre = rng.normal(50, 10, n)
    post = 0.6 * pre + 2 * treatment + rng.normal(0, 3, schools)[school] + rng.normal(0, 6, n)
    post[rng.random(n) < 0.25] = np.nan
    return pd.DataFrame(
        {"school_id": [f"S{j:02d}" for j in school], "treatment": treatment, "pre": pre, "post": post,
         "female": rng.integers(0, 2, n).astype(float)}
    )  # fmt: skip


def test_ancova_draws_equal_one_ancova_per_completed_dataset():
    data = programme()
    rng = np.random.default_rng(13)
    draws = [data["post"].fillna(pd.Series(rng.normal(40, 8, len(data)))).to_numpy() for _ in range(3)]
    shared = ancova_clustered_draws(data, "post", draws, "pre", "treatment", "school_id", ["female"], icc=0.1)
    for draw, row in zip(draws, shared, strict=True):
        alone = ancova_clustered(
            data.assign(post=draw), "post", "pre", "treatment", "school_id", ["female"], vcov="CR2", icc=0.1
        )
        assert row == alone
    with pytest.raises(ValueError, match="finite value"):
        ancova_clustered_draws(data, "post", [data["post"].to_numpy()], "pre", "treatment", "school_id")


class _ReferenceDesign:
    """The previous coefficient_test behind CoefficientDesign's interface."""

    def __init__(self, x, clusters, column, vcov="CR2"):
        self.args = (x, clusters, column, vcov)

    def test(self, y, alpha=0.05):
        x, clusters, column, vcov = self.args
        return cr2_reference.coefficient_test(x, y, clusters, column, vcov, alpha)


def _one_fit_per_dataset(data, post, draws, pre, treatment, cluster, covariates, alpha, vcov):
    """What ancova_mi did before: ancova_clustered on each completed dataset."""
    return [
        ancova_clustered(data.assign(**{post: d}), post, pre, treatment, cluster, covariates, alpha, vcov=vcov)
        for d in draws
    ]


def test_multiple_imputation_gives_the_previous_pooled_row(monkeypatch):
    data = programme(schools=20, seed=14)
    arguments = dict(post="post", pre="pre", treatment="treatment", cluster="school_id", covariates=["female"])
    new = imputation.ancova_mi(data, m=4, icc=0.15, **arguments)
    monkeypatch.setattr(ancova, "CoefficientDesign", _ReferenceDesign)
    monkeypatch.setattr(imputation, "ancova_clustered_draws", _one_fit_per_dataset)
    old = imputation.ancova_mi(data, m=4, icc=0.15, **arguments)
    assert new.note == "" and math.isfinite(new.std_error)
    assert_same(new, old)


def national(schools=7420, students=1_000_000, seed=15):
    """A national-size design: 7,420 schools of 20 to 250 students (about 1M rows)."""
    sizes = np.random.default_rng(seed).integers(20, 250, schools)
    sizes = np.maximum(np.round(sizes * students / sizes.sum()).astype(int), 1)
    return design(sizes, seed=seed)


@pytest.mark.slow  # about 10 s CPU: a million rows, the new and the previous CR2 on them
def test_national_size_design_gives_the_previous_numbers():
    x, y, clusters = national()
    assert len(y) > 990_000 and len(np.unique(clusters)) == 7420
    # the whole design: the previous implementation takes about as long here (it already sorted
    # the rows once), so the comparison needs no subsample for the t-test
    assert_same(coefficient_test(x, y, clusters, 1), cr2_reference.coefficient_test(x, y, clusters, 1))
    # and a subsample of 437 schools, partner and control, for the Wald test of 2 and 3 constraints
    sample = np.isin(clusters, np.unique(clusters)[::17])
    assert 0 < x[sample, 1].mean() < 1
    for q in (2, 3):
        constraints = np.eye(4)[4 - q :]
        args = (x[sample], y[sample], clusters[sample], constraints)
        assert_same(cr2_wald_test(*args), cr2_reference.cr2_wald_test(*args))


def test_no_school_loop_is_left():
    # the module's CR2 has no Python loop over schools: a design with 3,000 one-student schools
    # costs one batched eigendecomposition (checked by counting eigh calls on G x p x p arrays)
    calls = []
    original = np.linalg.eigh

    def counting(a, *args, **kwargs):
        calls.append(np.shape(a))
        return original(a, *args, **kwargs)

    x, y, clusters = design(np.ones(3000, int), seed=16)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cluster_robust.np.linalg, "eigh", counting)
        coefficient_test(x, y, clusters, 1)
    assert calls[0] == (3000, 4, 4) and len(calls) <= 3
