"""The one-sentence summary of a finding (the ``summary`` column of results/evidence.csv), in
English and Turkish, from the fields of its evidence row."""

from __future__ import annotations

import math

import pytest

from evaluation.errors import EvidenceInputError
from evaluation.evidence.attrition_boundary import attrition
from evaluation.evidence.rating import evidence_row
from evaluation.reporting.evidence import summary_sentence


def summary(row: dict, outcome: str, language: str = "en") -> str:
    return summary_sentence(
        outcome,
        row["subgroup"],
        row["effect_size"],
        row["significant"],
        row["substantively_important"],
        row["improvement_index"],
        row["attrition_verdict"],
        row["rating"],
        language,
    )


def test_summary_of_a_qed_finding():
    levels = [attrition(400, 380, 400, 372), attrition(10, 10, 10, 10, level="school")]
    row = evidence_row(
        outcome="mathematics",
        domain="academic",
        subgroup="all",
        design="qed",
        attrition=levels,
        baseline_g=0.12,
        effect_size=0.31,
        p_adjusted=0.012,
    )
    assert summary(row, "mathematics") == (
        "mathematics: partner schools' students scored 0.31 SD higher (12 percentile points), "
        "statistically significant, large enough to matter (|g| >= 0.25); few students or "
        "schools were lost; meets the standard with reservations."
    )


def test_summary_in_turkish_of_a_subgroup_with_high_attrition():
    levels = [attrition(400, 380, 400, 372), attrition(10, 10, 10, 8, level="school")]
    row = evidence_row(
        outcome="mathematics",
        domain="academic",
        subgroup="grade=9",
        design="rct",
        attrition=levels,
        baseline_g=-0.30,
        effect_size=-0.1,
        p_adjusted=0.40,
    )
    assert summary(row, "matematik", "tr") == (
        "matematik (grade=9): ortak okulların öğrencileri 0,10 SS daha düşük puan aldı (yüzdelik "
        "sırada 4 puan), istatistiksel olarak anlamlı değil, önemli sayılan 0,25 SS'den "
        "küçük; çok sayıda öğrenci veya okul örneklemden ayrıldı; standardı karşılamıyor."
    )


def test_summary_of_a_suppressed_effect():
    row = evidence_row(
        outcome="science",
        domain="academic",
        subgroup="sex=F",
        design="qed",
        attrition=None,
        baseline_g=math.nan,
        effect_size=math.nan,
        p_adjusted=math.nan,
    )
    assert summary(row, "science") == (
        "science (sex=F): the group is too small to report an effect; attrition unknown; does not meet the standard."
    )


def test_summary_of_a_teacher_survey_names_the_teachers():
    english = summary_sentence("collaboration", "all", 0.45, True, True, 17.4, "high", "meets_with_reservations")
    assert "partner schools' students scored" in english and "too many students or schools" in english
    teachers = summary_sentence(
        "collaboration", "all", 0.45, True, True, 17.4, "high", "meets_with_reservations", respondents="teachers"
    )
    assert teachers == (
        "collaboration: partner schools' teachers scored 0.45 SD higher (17 percentile points), "
        "statistically significant, large enough to matter (|g| >= 0.25); too many teachers or "
        "schools were lost; meets the standard with reservations."
    )
    turkish = summary_sentence(
        "iş birliği", "all", 0.45, True, True, 17.4, "low", "meets_with_reservations", "tr", respondents="teachers"
    )
    assert turkish.startswith("iş birliği: ortak okulların öğretmenleri 0,45 SS daha yüksek")
    assert "az sayıda öğretmen veya okul örneklemden ayrıldı" in turkish
    with pytest.raises(EvidenceInputError, match="one of students, teachers, respondents"):
        summary_sentence("x", "all", 0.1, True, False, 4.0, "low", "meets_with_reservations", respondents="parents")


def test_summary_of_a_staff_or_parent_instrument_names_the_respondents():
    english = summary_sentence(
        "leadership", "all", 0.45, True, True, 17.4, "low", "meets_with_reservations", respondents="respondents"
    )
    assert english == (
        "leadership: partner schools' respondents scored 0.45 SD higher (17 percentile points), "
        "statistically significant, large enough to matter (|g| >= 0.25); few respondents or "
        "schools were lost; meets the standard with reservations."
    )
    turkish = summary_sentence(
        "liderlik", "all", 0.45, True, True, 17.4, "high", "meets_with_reservations", "tr", respondents="respondents"
    )
    assert turkish.startswith("liderlik: ortak okullardaki katılımcılar 0,45 SS daha yüksek")
    assert "çok sayıda katılımcı veya okul örneklemden ayrıldı" in turkish
