"""The WWC's factor on g for groups assigned by school (omega * gamma), against the formulas
written out here: WWC Procedures and Standards Handbook v5.0, appendix E (h: equation E.21,
p. 171), and Hedges (2007), d_T."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.evidence import cluster_correction
from evaluation.stats import ancova_clustered, did_clustered, hedges_correction, mixed_reml, standardise
from evaluation.stats.effect_sizes import cluster_design_df, cluster_factor

MATHS_DATA = pd.read_csv(Path(__file__).parent.parent / "r" / "data" / "mathachieve30.csv")


def handbook_factor(big_n, m, rho):
    """omega * gamma written out: n = N/m, gamma = sqrt(1 - 2(n-1)rho/(N-2)),
    h = ((N-2) - 2(n-1)rho)^2 / ((N-2)(1-rho)^2 + n(N-2n)rho^2 + 2(N-2n)rho(1-rho)),
    omega = 1 - 3/(4h - 1)."""
    n = big_n / m
    gamma = math.sqrt(1 - 2 * (n - 1) * rho / (big_n - 2))
    h = ((big_n - 2) - 2 * (n - 1) * rho) ** 2 / (
        (big_n - 2) * (1 - rho) ** 2 + n * (big_n - 2 * n) * rho**2 + 2 * (big_n - 2 * n) * rho * (1 - rho)
    )
    return (1 - 3 / (4 * h - 1)) * gamma


def pooled(values, treated):
    a, b = values[treated], values[~treated]
    return math.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2))


def test_cluster_df_at_its_ends_and_a_published_value():
    assert cluster_design_df(400, 20, 0.0) == 398  # students independent: N - 2
    assert cluster_design_df(400, 20, 1.0) == pytest.approx(18)  # schools alike inside: m - 2
    # VIVECampbell::df_h(N_total = 100, ICC = 0.1, avg_grp_size = 5), its documented example: 94.4
    assert round(cluster_design_df(100, 20, 0.1), 2) == 94.4
    assert cluster_correction(2.5, 400, 20, 0.2).df == cluster_design_df(400, 20, 0.2)


@pytest.mark.parametrize("big_n, m, rho", [(100, 20, 0.1), (1059, 30, 0.2), (240, 8, 0.1), (60, 4, 0.2)])
def test_cluster_factor_is_omega_times_gamma(big_n, m, rho):
    assert cluster_factor(big_n, m, rho) == pytest.approx(handbook_factor(big_n, m, rho), rel=1e-14)
    assert cluster_factor(big_n, m, rho) < hedges_correction(big_n - 2)  # both parts shrink g
    assert cluster_factor(big_n, m, 0.0) == hedges_correction(big_n - 2)  # rho = 0: J = 1 - 3/(4N - 9)


def test_cluster_factor_is_undefined_when_the_sd_correction_is_not_positive():
    assert math.isnan(cluster_factor(4, 1, 1.0))  # 4 students of one school, all alike


def test_standardise_without_icc_keeps_j():
    treated, control = np.array([1.0, 2, 3, 5]), np.array([0.0, 1, 1, 2])
    sd = pooled(np.r_[treated, control], np.r_[np.ones(4, bool), np.zeros(4, bool)])
    assert standardise(1.0, 0.5, 1.5, treated, control) == pytest.approx(
        tuple(hedges_correction(6) * x / sd for x in (1.0, 0.5, 1.5)), rel=1e-14
    )


@pytest.mark.parametrize("vcov", ["CR1", "CR2"])
def test_ancova_g_carries_the_factor(vcov):
    # nlme's MathAchieve, 30 schools (15 Catholic): g = omega gamma b / S_pooled, its interval alike
    result = ancova_clustered(MATHS_DATA, "MathAch", "SES", "catholic", "School", vcov=vcov, icc=0.2)
    y, treated = MATHS_DATA["MathAch"].to_numpy(), MATHS_DATA["catholic"].to_numpy() == 1
    factor = handbook_factor(len(y), 30, 0.2) / pooled(y, treated)
    expected = [factor * result.estimate, factor * result.ci_low, factor * result.ci_high]
    got = [result.effect_size, result.effect_size_ci_low, result.effect_size_ci_high]
    assert got == pytest.approx(expected, rel=1e-12)
    without = ancova_clustered(MATHS_DATA, "MathAch", "SES", "catholic", "School", vcov=vcov)
    # 1059 students in 30 schools: the factor moves g by about 0.7%
    assert result.effect_size / without.effect_size == pytest.approx(0.993, abs=0.001)


def test_mixed_and_did_g_carry_the_factor():
    y, treated = MATHS_DATA["MathAch"].to_numpy(), MATHS_DATA["catholic"].to_numpy() == 1
    mixed = mixed_reml(MATHS_DATA, "MathAch", "SES", "catholic", "School", icc=0.1).estimate
    assert mixed.effect_size == pytest.approx(
        handbook_factor(len(y), 30, 0.1) * mixed.estimate / pooled(y, treated), rel=1e-12
    )
    # difference in differences: female stands in for the post wave, its students standardise
    did = did_clustered(MATHS_DATA, "MathAch", "female", "catholic", "School", post_wave=1, icc=0.2)
    post = MATHS_DATA["female"].to_numpy() == 1
    schools = MATHS_DATA.loc[post, "School"].nunique()
    assert did.effect_size == pytest.approx(
        handbook_factor(post.sum(), schools, 0.2) * did.estimate / pooled(y[post], treated[post]), rel=1e-12
    )
