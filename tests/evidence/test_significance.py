"""WWC clustering correction, improvement index and the significance/importance flags.

No worked example of the handbook could be retrieved from this workplace (the handbook PDFs are
not in the stored material), so the numbers below are computed independently by hand from the
published formulas (WWC Procedures Handbook v4.1; Hedges 2007), with the steps in the comments,
plus the limiting cases Hedges (2007) states: rho = 0 leaves the test unchanged and rho = 1 gives
the degrees of freedom of a test on cluster means (m - 2).
"""

from __future__ import annotations

import math

import pytest

from evaluation.errors import EvidenceInputError
from evaluation.evidence.significance import (
    cluster_correction,
    default_icc,
    improvement_index,
    is_significant,
    is_substantively_important,
    t_from_g,
)


def test_correction_of_400_students_in_20_schools_with_the_achievement_icc():
    # N = 400, m = 20, n = N/m = 20, rho = 0.20, t = 2.5
    # shared = (N - 2) - 2 (n - 1) rho = 398 - 7.6 = 390.4
    # t_a = 2.5 sqrt(390.4 / (398 (1 + 19 * 0.2))) = 2.5 sqrt(390.4 / 1910.4) = 1.1301413...
    # h = 390.4^2 / (398 * 0.64 + 20 * 360 * 0.04 + 2 * 360 * 0.2 * 0.8)
    #   = 152412.16 / (254.72 + 288 + 115.2) = 152412.16 / 657.92 = 231.6575...
    result = cluster_correction(2.5, n_total=400, n_clusters=20, icc=default_icc("achievement"))
    assert result.t_corrected == pytest.approx(2.5 * math.sqrt(390.4 / 1910.4), rel=1e-12)
    assert result.t_corrected == pytest.approx(1.1301413, abs=1e-7)
    assert result.df == pytest.approx(152412.16 / 657.92, rel=1e-12)
    assert result.df == pytest.approx(231.6576, abs=1e-4)
    assert result.p_value == pytest.approx(0.25959, abs=1e-5)  # 2 * pt(-1.1301413, 231.6576) in R
    assert is_significant(result.p_value) is False  # significant before (t = 2.5 on 398 df), not after


def test_behavioural_icc_corrects_less():
    # rho = 0.10: t_a = 2.5 sqrt((398 - 3.8) / (398 * 2.9)) = 2.5 sqrt(394.2 / 1154.2)
    result = cluster_correction(2.5, 400, 20, default_icc("behavioural"))
    assert result.t_corrected == pytest.approx(2.5 * math.sqrt(394.2 / 1154.2), rel=1e-12)
    # h = 394.2^2 / (398 * 0.81 + 20 * 360 * 0.01 + 2 * 360 * 0.1 * 0.9) = 155393.64 / 459.18
    assert result.df == pytest.approx(155393.64 / 459.18, rel=1e-12)


def test_no_clustering_leaves_the_test_unchanged():
    result = cluster_correction(2.1, 120, 6, icc=0.0)
    assert result.t_corrected == pytest.approx(2.1, rel=1e-14)
    assert result.df == pytest.approx(118, rel=1e-14)


def test_full_clustering_gives_cluster_mean_degrees_of_freedom():
    # rho = 1: h = (N - 2n)^2 / (n (N - 2n)) = (N - 2n) / n = m - 2;
    # t_a = t sqrt((N - 2n) / ((N - 2) n))
    result = cluster_correction(3.0, 300, 15, icc=1.0)
    assert result.df == pytest.approx(13, rel=1e-12)
    assert result.t_corrected == pytest.approx(3.0 * math.sqrt((300 - 40) / (298 * 20)), rel=1e-12)


def test_t_from_g():
    # g = 0.3, 100 per group: t = 0.3 / sqrt(200 / 10000 + 0.09 / 400) = 0.3 / sqrt(0.020225) = 2.10949...
    assert t_from_g(0.3, 100, 100) == pytest.approx(0.3 / math.sqrt(0.020225), rel=1e-14)


def test_improvement_index():
    # 100 (Phi(g) - 0.5); Phi(0.25) = 0.5987063 and Phi(1) = 0.8413447 (standard normal table)
    assert improvement_index(0.25) == pytest.approx(9.87063, abs=1e-5)
    assert improvement_index(1.0) == pytest.approx(34.13447, abs=1e-5)
    assert improvement_index(-0.25) == pytest.approx(-9.87063, abs=1e-5)
    assert improvement_index(0.0) == 0.0
    assert math.isnan(improvement_index(math.nan))


def test_flags():
    assert is_substantively_important(0.25) is True
    assert is_substantively_important(-0.26) is True
    assert is_substantively_important(0.2499) is False
    assert is_substantively_important(math.nan) is None
    assert is_significant(0.049) is True and is_significant(0.05) is False
    assert is_significant(0.09, alpha=0.10) is True
    assert is_significant(math.nan) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((2.0, 100, 2, 0.2), "at least 3 clusters"),
        ((2.0, 100, 10, 1.5), "ICC must lie in"),
    ],
)
def test_bad_inputs(args, message):
    with pytest.raises(EvidenceInputError, match=message):
        cluster_correction(*args)
    with pytest.raises(EvidenceInputError, match="'achievement' or 'behavioural'"):
        default_icc("attitude")


def test_degrees_of_freedom_h_match_a_published_example():
    # The R package VIVECampbell documents WWC's h (Handbook 5.0, equation E.21) with the example
    # df_h(N_total = 100, ICC = 0.1, avg_grp_size = 5), printed as 94.4 (reference/df_h.md,
    # github.com/MikkelVembye/VIVECampbell): 100 students in 20 clusters of 5.
    corrected = cluster_correction(2.0, n_total=100, n_clusters=20, icc=0.1)
    assert round(corrected.df, 1) == 94.4
