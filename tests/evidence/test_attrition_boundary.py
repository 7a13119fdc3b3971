"""Attrition verdicts against the rows of the WWC boundary table (Standards Handbook v4.1,
Table II.1, stored in data_contracts/standards/wwc_attrition_boundary.csv)."""

from __future__ import annotations

import math

import pytest

from evaluation.errors import EvidenceInputError
from evaluation.evidence.attrition_boundary import (
    attrition,
    attrition_verdict,
    load_boundary,
    max_differential,
)

TABLE = load_boundary()
# Rows of Table II.1 written out a second time (overall %, cautious, optimistic; provenance in
# data_contracts/standards/README.md: 0, 13 and 65 also quoted by a second, independent source),
# so a damaged CSV cannot pass unnoticed.
PUBLISHED = [
    (0, 5.7, 10.0),
    (5, 6.1, 10.5),
    (10, 6.3, 10.9),
    (13, 6.1, 10.8),
    (20, 5.4, 10.0),
    (30, 4.1, 8.2),
    (40, 2.6, 6.0),
    (50, 1.0, 3.7),
    (57, 0.0, 2.1),
    (58, None, 1.9),
    (65, None, 0.3),
]


def test_table_has_every_whole_percent_from_0_to_65():
    assert TABLE.index.tolist() == list(range(66))
    assert TABLE["optimistic"].notna().all()
    assert TABLE["cautious"].isna().tolist() == [o >= 58 for o in range(66)]
    assert (TABLE["cautious"].dropna() < TABLE["optimistic"].loc[:57]).all()


@pytest.mark.parametrize(("overall", "cautious", "optimistic"), PUBLISHED)
def test_table_rows_match_the_handbook(overall, cautious, optimistic):
    row = TABLE.loc[overall]
    assert row["optimistic"] == optimistic
    assert math.isnan(row["cautious"]) if cautious is None else row["cautious"] == cautious


@pytest.mark.parametrize("boundary", ["cautious", "optimistic"])
@pytest.mark.parametrize("overall", range(66))
def test_every_row_low_on_the_boundary_and_high_just_above(overall, boundary):
    limit = TABLE.at[overall, boundary]
    if math.isnan(limit):
        assert attrition_verdict(overall / 100, 0.0, boundary) == "high"
        return
    assert attrition_verdict(overall / 100, limit / 100, boundary) == "low"
    assert attrition_verdict(overall / 100, (limit + 0.1) / 100, boundary) == "high"


def test_overall_attrition_is_rounded_half_up_to_the_whole_percent():
    assert max_differential(0.125) == pytest.approx(0.061)  # 12.5% reads the 13% row
    assert max_differential(0.1249) == pytest.approx(0.062)  # 12.49% reads the 12% row
    assert math.isnan(max_differential(0.58))  # cautious: no differential is low from 58%
    assert max_differential(0.58, "optimistic") == pytest.approx(0.019)
    assert math.isnan(max_differential(0.66, "optimistic"))
    assert attrition_verdict(0.70, 0.0, "optimistic") == "high"


def test_counts_on_the_30_percent_row():
    # 2000 per group; 641 and 559 lost: 32.05% and 27.95%, overall 30.0%, differential 4.1 points
    result = attrition(2000, 2000 - 641, 2000, 2000 - 559)
    assert result.overall == pytest.approx(0.30)
    assert result.differential == pytest.approx(0.041)
    assert result.treatment == pytest.approx(0.3205) and result.control == pytest.approx(0.2795)
    assert result.max_differential == pytest.approx(0.041)
    assert result.verdict == "low"  # exactly on the cautious boundary
    # one more student lost in one group and one fewer in the other: 4.2 points, same overall
    assert attrition(2000, 2000 - 642, 2000, 2000 - 558).verdict == "high"
    optimistic = attrition(2000, 2000 - 682, 2000, 2000 - 518, boundary="optimistic")  # 8.2 points
    assert (optimistic.differential, optimistic.verdict) == (pytest.approx(0.082), "low")
    assert attrition(2000, 2000 - 683, 2000, 2000 - 517, boundary="optimistic").verdict == "high"


def test_school_level_counts():
    # 20 partner schools, 2 lost (10%); 20 control, 0 lost: overall 5%, differential 10 points
    schools = attrition(20, 18, 20, 20, level="school")
    assert (schools.overall, schools.differential) == (pytest.approx(0.05), pytest.approx(0.10))
    assert schools.verdict == "high"
    assert attrition(20, 18, 20, 20, level="school", boundary="optimistic").verdict == "low"  # 10.5 at 5%


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((10, 11, 10, 10), "11 treatment units analysed but only 10 assigned"),
        ((0, 0, 10, 10), "no treatment units assigned"),
        ((10, -1, 10, 10), "n_analysed_treatment must be a whole number >= 0"),
        ((10, 2.5, 10, 10), "n_analysed_treatment must be a whole number >= 0"),
        (("ten", 2, 10, 10), "n_assigned_treatment must be a whole number >= 0, got 'ten'"),
        ((10, None, 10, 10), "n_analysed_treatment must be a whole number >= 0, got None"),
    ],
)
def test_impossible_counts_are_refused(args, message):
    with pytest.raises(EvidenceInputError, match=message):
        attrition(*args)


def test_unknown_boundary_is_refused():
    with pytest.raises(EvidenceInputError, match="'cautious' or 'optimistic'"):
        attrition(10, 9, 10, 9, boundary="lenient")
