"""The WWC-style rating of a finding and its row of results/evidence.csv."""

from __future__ import annotations

import math

import pytest

from evaluation.errors import EvidenceInputError
from evaluation.evidence.attrition import attrition
from evaluation.evidence.rating import EVIDENCE_COLUMNS, evidence_row, wwc_rating


@pytest.mark.parametrize(("design", "attrition_verdict", "baseline", "adjusted", "expected"), [
    ("rct", "low", None, True, "meets_without_reservations"),
    ("rct", "low", "not_satisfied", False, "meets_without_reservations"),  # low-attrition RCT: baseline not needed
    ("rct", "high", "satisfied", False, "meets_with_reservations"),
    ("rct", "high", "adjustment_required", True, "meets_with_reservations"),
    ("rct", "high", "adjustment_required", False, "does_not_meet"),
    ("rct", "high", "not_satisfied", True, "does_not_meet"),
    ("rct", None, "satisfied", True, "meets_with_reservations"),  # attrition unknown counts as high
    ("qed", "low", "satisfied", True, "meets_with_reservations"),  # a QED never meets without reservations
    ("qed", "low", "adjustment_required", True, "meets_with_reservations"),
    ("qed", "low", "not_satisfied", True, "does_not_meet"),
    ("qed", None, None, True, "does_not_meet"),
])
def test_rating_rules(design, attrition_verdict, baseline, adjusted, expected):
    assert wwc_rating(design, attrition_verdict, baseline, adjusted) == expected


def test_unknown_design():
    with pytest.raises(EvidenceInputError, match="'rct' or 'qed'"):
        wwc_rating("matched", "low", "satisfied")


def test_evidence_row_of_a_qed_finding():
    levels = [attrition(400, 380, 400, 372), attrition(10, 10, 10, 10, level="school")]
    row = evidence_row(outcome="mathematics", domain="academic", subgroup="all", design="qed", attrition=levels,
                       baseline_g=0.12, effect_size=0.31, p_adjusted=0.012)
    assert list(row) == EVIDENCE_COLUMNS
    # students: 5% and 7% lost, overall 6%, differential 2 points: low under the cautious boundary (6.2)
    assert row["attrition_overall"] == pytest.approx(0.06) and row["attrition_differential"] == pytest.approx(0.02)
    assert row["attrition_verdict"] == "low"
    assert row["baseline_verdict"] == "adjustment_required"
    assert (row["significant"], row["substantively_important"]) == (True, True)
    assert row["improvement_index"] == pytest.approx(12.17, abs=0.01)  # 100 (Phi(0.31) - 0.5) = 12.1716
    assert row["rating"] == "meets_with_reservations"
    assert row["summary"] == ("mathematics: partner schools' students scored 0.31 SD higher (12 percentile points), "
                              "statistically significant, large enough to matter (|g| >= 0.25); few students or "
                              "schools were lost; meets the standard with reservations.")


def test_evidence_row_shows_the_level_with_high_attrition_in_turkish():
    levels = [attrition(400, 380, 400, 372), attrition(10, 10, 10, 8, level="school")]
    row = evidence_row(outcome="matematik", domain="academic", subgroup="grade=9", design="rct", attrition=levels,
                       baseline_g=-0.30, effect_size=-0.1, p_adjusted=0.40, language="tr")
    assert row["attrition_overall"] == pytest.approx(0.10)  # the schools' row: 2 of 20 lost
    assert row["attrition_differential"] == pytest.approx(0.20)
    assert (row["attrition_verdict"], row["baseline_verdict"], row["rating"]) == ("high", "not_satisfied",
                                                                                 "does_not_meet")
    assert row["summary"] == ("matematik (grade=9): ortak okulların öğrencileri 0,10 SS daha düşük puan aldı (4 "
                              "yüzdelik sıra), istatistiksel olarak anlamlı değil, önemli sayılan 0,25 SS'den "
                              "küçük; çok sayıda öğrenci veya okul örneklemden ayrıldı; standardı karşılamıyor.")


def test_suppressed_effect():
    row = evidence_row(outcome="science", domain="academic", subgroup="sex=F", design="qed", attrition=None,
                       baseline_g=math.nan, effect_size=math.nan, p_adjusted=math.nan)
    assert row["significant"] is None and row["substantively_important"] is None
    assert math.isnan(row["attrition_overall"]) and row["attrition_verdict"] is None
    assert row["rating"] == "does_not_meet"
    assert row["summary"] == ("science (sex=F): the group is too small to report an effect; attrition unknown; "
                              "does not meet the standard.")


def test_summary_of_a_teacher_survey_names_the_teachers():
    from evaluation.evidence.rating import summary_sentence

    english = summary_sentence("collaboration", "all", 0.45, True, True, 17.4, "high", "meets_with_reservations")
    assert "partner schools' students scored" in english and "too many students or schools" in english
    teachers = summary_sentence("collaboration", "all", 0.45, True, True, 17.4, "high", "meets_with_reservations",
                                respondents="teachers")
    assert teachers == ("collaboration: partner schools' teachers scored 0.45 SD higher (17 percentile points), "
                        "statistically significant, large enough to matter (|g| >= 0.25); too many teachers or "
                        "schools were lost; meets the standard with reservations.")
    turkish = summary_sentence("iş birliği", "all", 0.45, True, True, 17.4, "low", "meets_with_reservations", "tr",
                               respondents="teachers")
    assert turkish.startswith("iş birliği: ortak okulların öğretmenleri 0,45 SS daha yüksek")
    assert "az sayıda öğretmen veya okul örneklemden ayrıldı" in turkish
    with pytest.raises(EvidenceInputError, match="'students' or 'teachers'"):
        summary_sentence("x", "all", 0.1, True, False, 4.0, "low", "meets_with_reservations", respondents="parents")
