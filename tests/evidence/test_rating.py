"""The WWC-style rating of a finding and its row of results/evidence.csv."""

from __future__ import annotations

import math

import pytest

from evaluation.errors import EvidenceInputError
from evaluation.evidence.attrition_boundary import attrition
from evaluation.evidence.rating import EVIDENCE_COLUMNS, evidence_row, wwc_rating


@pytest.mark.parametrize(
    ("design", "attrition_verdict", "baseline", "adjusted", "expected"),
    [
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
    ],
)
def test_rating_rules(design, attrition_verdict, baseline, adjusted, expected):
    assert wwc_rating(design, attrition_verdict, baseline, adjusted) == expected


def test_unknown_design():
    with pytest.raises(EvidenceInputError, match="'rct' or 'qed'"):
        wwc_rating("matched", "low", "satisfied")


def test_evidence_row_of_a_qed_finding():
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
    assert list(row) == EVIDENCE_COLUMNS
    # students: 5% and 7% lost, overall 6%, differential 2 points: low under the cautious boundary (6.2)
    assert row["attrition_overall"] == pytest.approx(0.06) and row["attrition_differential"] == pytest.approx(0.02)
    assert row["attrition_verdict"] == "low"
    assert row["baseline_verdict"] == "adjustment_required"
    assert (row["significant"], row["substantively_important"]) == (True, True)
    assert row["improvement_index"] == pytest.approx(12.17, abs=0.01)  # 100 (Phi(0.31) - 0.5) = 12.1716
    assert row["rating"] == "meets_with_reservations"
    assert row["summary"] == ""  # words are the report's (evaluation.reporting.evidence.summary_sentence)


def test_evidence_row_shows_the_level_with_high_attrition():
    levels = [attrition(400, 380, 400, 372), attrition(10, 10, 10, 8, level="school")]
    row = evidence_row(
        outcome="matematik",
        domain="academic",
        subgroup="grade=9",
        design="rct",
        attrition=levels,
        baseline_g=-0.30,
        effect_size=-0.1,
        p_adjusted=0.40,
    )
    assert row["attrition_overall"] == pytest.approx(0.10)  # the schools' row: 2 of 20 lost
    assert row["attrition_differential"] == pytest.approx(0.20)
    assert (row["attrition_verdict"], row["baseline_verdict"], row["rating"]) == (
        "high",
        "not_satisfied",
        "does_not_meet",
    )


def test_suppressed_effect():
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
    assert row["significant"] is None and row["substantively_important"] is None
    assert math.isnan(row["attrition_overall"]) and row["attrition_verdict"] is None
    assert row["rating"] == "does_not_meet"
