"""Nearest-neighbour matching of comparison schools on a constructed pool whose right matches are
known, the balance before and after, and the love plot."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.errors import EvidenceInputError
from evaluation.evidence.balance import normalised_difference
from evaluation.evidence.matching import match_schools, school_profiles

COLUMNS = ["school_id", "school_type", "province", "size", "baseline_mean"]
PARTNERS = pd.DataFrame(
    [
        ("P1", "Anadolu", "İzmir", 500, 60.0),
        ("P2", "Anadolu", "Ankara", 300, 50.0),
        ("P3", "Fen", "İzmir", 200, 80.0),
        ("P4", "Meslek", "Trabzon", 400, 40.0),
        ("P5", "Anadolu", "İzmir", 505, 61.0),
        ("P6", "İmam Hatip", "Konya", 350, 45.0),
    ],
    columns=COLUMNS,
)
POOL = pd.DataFrame(
    [
        ("C1", "Anadolu", "İzmir", 506, 61.0),  # nearest to P5 (and to P1, which must then take C6)
        ("C2", "Anadolu", "İzmir", 300, 50.0),  # P2's covariates exactly, but in another region
        ("C3", "Anadolu", "Ankara", 350, 55.0),  # P2's only school of the same type and region
        ("C4", "Fen", "İzmir", 210, 79.0),  # P3
        ("C5", "Fen", "İzmir", 900, 30.0),
        ("C6", "Anadolu", "İzmir", 480, 58.0),  # P1 once C1 is taken
        ("C7", "Meslek", "Rize", 400, 41.0),  # P4: same type, no school of its region in the pool
        ("C8", "Fen", "Ankara", 200, 80.0),  # P3's covariates exactly, other region
        ("C9", "Anadolu", "İzmir", 700, 70.0),
    ],
    columns=COLUMNS,
)
EXPECTED = {"P1": "C6", "P2": "C3", "P3": "C4", "P4": "C7", "P5": "C1", "P6": None}


def _matches(pairs: pd.DataFrame) -> dict:
    return {
        row.partner_id: row.comparison_id if isinstance(row.comparison_id, str) else None for row in pairs.itertuples()
    }


@pytest.mark.parametrize("distance", ["mahalanobis", "standardised"])
def test_known_matches_without_replacement(distance):
    result = match_schools(PARTNERS, POOL, distance=distance)
    assert _matches(result.pairs) == EXPECTED
    pairs = result.pairs.set_index("partner_id")
    assert pairs.loc[["P1", "P2", "P3", "P5"], "region_matched"].tolist() == [True] * 4
    assert pairs.loc["P4", "region_matched"] in (False,)  # matched, but outside its region (not None)
    assert pd.isna(pairs.loc["P6", "distance"])  # no İmam Hatip school in the pool
    assert sorted(result.comparison_ids) == ["C1", "C3", "C4", "C6", "C7"]


def test_with_replacement_both_take_the_nearest():
    pairs = match_schools(PARTNERS, POOL, replace=True).pairs.set_index("partner_id")
    assert pairs.loc["P1", "comparison_id"] == "C1" and pairs.loc["P5", "comparison_id"] == "C1"


def test_row_order_does_not_change_the_matches():
    shuffled = PARTNERS.sample(frac=1, random_state=3).reset_index(drop=True)
    assert _matches(match_schools(shuffled, POOL.iloc[::-1].reset_index(drop=True)).pairs) == EXPECTED


def test_region_ignored_when_asked():
    # without the region round P2 takes C2, its exact twin in İzmir, and P3 takes C8
    pairs = match_schools(PARTNERS, POOL, region=None).pairs.set_index("partner_id")
    assert pairs.loc["P2", "comparison_id"] == "C2" and pairs.loc["P3", "comparison_id"] == "C8"


def test_balance_before_and_after():
    result = match_schools(PARTNERS, POOL)
    balance = result.balance.set_index("covariate")
    pairs = result.pairs.dropna(subset=["comparison_id"])
    matched = POOL.set_index("school_id").loc[pairs["comparison_id"]]
    matched_partners = PARTNERS.set_index("school_id").loc[pairs["partner_id"]]  # P6 has no match
    for column in ("size", "baseline_mean"):
        assert balance.loc[column, "std_diff_before"] == pytest.approx(
            normalised_difference(PARTNERS[column], POOL[column]), rel=1e-12
        )
        assert balance.loc[column, "std_diff_after"] == pytest.approx(
            normalised_difference(matched_partners[column], matched[column]), rel=1e-12
        )
        assert abs(balance.loc[column, "std_diff_after"]) < abs(balance.loc[column, "std_diff_before"])
    assert balance.loc["size", "mean_matched"] == pytest.approx((480 + 350 + 210 + 400 + 506) / 5)


def test_missing_covariate_is_named():
    pool = POOL.copy()
    pool.loc[2, "size"] = None
    with pytest.raises(EvidenceInputError, match="pool school C3 has no value of size, baseline_mean"):
        match_schools(PARTNERS, pool)
    with pytest.raises(EvidenceInputError, match="the partners table has no column 'baseline_mean'"):
        match_schools(PARTNERS.drop(columns="baseline_mean"), POOL)


def test_school_profiles_from_accepted_tables():
    schools = pd.DataFrame(
        {
            "school_id": ["A", "B", "C"],
            "group": ["partner", "control", "control"],
            "school_type": ["Fen", "Fen", "Anadolu"],
            "province": ["İzmir", "İzmir", "Rize"],
        }
    )
    exams = pd.DataFrame(
        {
            "school_id": ["A", "A", "A", "A", "B", "B"],
            "student_id": ["a1", "a1", "a2", "a2", "b1", "b1"],
            "wave": ["pre", "pre", "pre", "post", "pre", "post"],
            "subject": ["mathematics", "science", "mathematics", "mathematics", "mathematics", "mathematics"],
            "score": [40.0, 60.0, 70.0, 99.0, 55.0, 10.0],
        }
    )
    profiles = school_profiles(schools, exams).set_index("school_id")
    # A: a1 averages 50 over two subjects, a2 70: size 2, mean 60; C has no pre-test
    assert profiles.loc["A", ["size", "baseline_mean"]].tolist() == [2, 60.0]
    assert profiles.loc["B", ["size", "baseline_mean"]].tolist() == [1, 55.0]
    assert profiles.loc["C", "size"] == 0 and pd.isna(profiles.loc["C", "baseline_mean"])
    maths = school_profiles(schools, exams, subject="mathematics").set_index("school_id")
    assert maths.loc["A", "baseline_mean"] == 55.0
