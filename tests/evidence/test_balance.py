"""Balance table of partner against control schools (iebaltab-style): exact means and normalised
differences on hand-made tables, the joint F-test on data with and without planted imbalance, and
the tests against R (tests/r/balance.R -> tests/r/balance.json; R and package versions there)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.errors import EvidenceInputError
from evaluation.evidence.balance import (
    BALANCE_COLUMNS,
    absent_characteristics,
    balance_table,
    baseline_characteristics,
    joint_orthogonality_test,
    normalised_difference,
)

R_DIR = Path(__file__).parent.parent / "r"
REFERENCE = json.loads((R_DIR / "balance.json").read_text(encoding="utf-8"))
CHARACTERISTICS = [
    "type_b",
    "type_c",
    "school_size",
    "resource_high",
    "female",
    "grade",
    "special_needs",
    "migrant_refugee",
    "pre_mathematics",
]


def _tables():
    schools = pd.DataFrame(
        {
            "school_id": ["P1", "P2", "C1", "C2"],
            "group": ["partner", "partner", "control", "control"],
            "school_type": ["Anadolu", "Fen", "Anadolu", "Anadolu"],
            "resource_level": ["high", "low", "low", None],
        }
    )
    students = pd.DataFrame(
        {
            "student_id": [f"s{i}" for i in range(10)],
            "school_id": ["P1", "P1", "P1", "P2", "P2", "C1", "C1", "C2", "C2", "C2"],
            "grade": [9, 9, 10, 9, 10, 9, 9, 10, 10, 10],
            "sex": ["F", "F", "M", "F", "M", "M", "M", "F", "M", None],
            "special_needs": [False, False, True, False, False, False, False, False, False, False],
            "migrant_refugee": [False, True, False, False, False, False, False, False, True, False],
        }
    )
    pre = [60.0, 70.0, 80.0, 50.0, 60.0, 40.0, 50.0, 45.0, 55.0, None]
    exams = pd.DataFrame(
        {
            "student_id": [s for s, p in zip(students["student_id"], pre) if p is not None] + ["s0"],
            "school_id": [c for c, p in zip(students["school_id"], pre) if p is not None] + ["P1"],
            "wave": ["pre"] * 9 + ["post"],
            "subject": ["mathematics"] * 10,
            "score": [p for p in pre if p is not None] + [99.0],
        }
    )
    return schools, students, exams


def test_characteristics_frame():
    frame, levels = baseline_characteristics(*_tables())
    assert levels == {
        "school_type=Anadolu": "school",
        "school_type=Fen": "school",
        "resource_level=high": "school",
        "resource_level=low": "school",
        "school_size": "school",
        "female": "student",
        "grade": "student",
        "special_needs": "student",
        "migrant_refugee": "student",
        "pre_mathematics": "student",
    }
    assert frame["treatment"].tolist() == [1] * 5 + [0] * 5
    assert frame["school_size"].tolist() == [3, 3, 3, 2, 2, 2, 2, 3, 3, 3]
    assert frame["pre_mathematics"].iloc[0] == 60.0  # the post-test of s0 is not a baseline value
    assert math.isnan(frame["pre_mathematics"].iloc[9]) and math.isnan(frame["female"].iloc[9])
    assert math.isnan(frame["resource_level=low"].iloc[9])  # C2 has no resource level


def test_balance_table_means_and_normalised_differences():
    frame, levels = baseline_characteristics(*_tables())
    table = balance_table(frame, levels).set_index("characteristic")
    assert list(table.reset_index().columns) == BALANCE_COLUMNS
    # pre-test: partner 60, 70, 80, 50, 60 (mean 64, var 130); control 40, 50, 45, 55 (mean 47.5,
    # var 41.6667); normalised difference 16.5 / sqrt((130 + 41.6667) / 2) = 16.5 / 9.2646 = 1.78097
    pre = table.loc["pre_mathematics"]
    assert (pre["n_partner"], pre["n_control"]) == (5, 4)
    assert (pre["mean_partner"], pre["mean_control"]) == (64.0, 47.5)
    assert pre["normalised_difference"] == pytest.approx(16.5 / math.sqrt((130 + 125 / 3) / 2), rel=1e-12)
    # school size over schools: partner 3 and 2, control 2 and 3: no difference
    size = table.loc["school_size"]
    assert (size["n_partner"], size["n_control"], size["difference"]) == (2, 2, 0.0)
    assert size["normalised_difference"] == 0.0
    # shares: female 3/5 against 1/4 (one sex missing); Anadolu schools 1/2 against 2/2
    assert table.loc["female", "mean_partner"] == pytest.approx(0.6)
    assert table.loc["female", "mean_control"] == pytest.approx(0.25)
    assert table.loc["school_type=Anadolu", "difference"] == pytest.approx(-0.5)
    assert table.loc["resource_level=low", "n_control"] == 1  # C2 has no level
    assert table.loc["special_needs", "mean_partner"] == pytest.approx(0.2)
    assert table["p_value"].notna().all()


def test_normalised_difference_definition():
    assert normalised_difference([1, 2, 3], [2, 3, 4]) == pytest.approx(-1.0)  # both variances 1
    assert math.isnan(normalised_difference([1], [2, 3]))
    assert math.isnan(normalised_difference([1, 1], [1, 1]))


def _planted(seed: int, shift: float) -> pd.DataFrame:
    """80 schools (40 partner) of 20 students; the partner schools' pre-test is `shift` points
    higher (student SD 10, school SD 4)."""
    rng = np.random.default_rng(seed)
    schools = np.repeat(np.arange(80), 20)
    treatment = (schools < 40).astype(int)
    school_effect = rng.normal(0, 4, 80)[schools]
    return pd.DataFrame(
        {
            "school_id": schools,
            "treatment": treatment,
            "female": rng.binomial(1, 0.5, len(schools)).astype(float),
            "grade": rng.integers(9, 13, len(schools)).astype(float),
            "pre_mathematics": 50 + shift * treatment + school_effect + rng.normal(0, 10, len(schools)),
        }
    )


def test_joint_test_rejects_planted_imbalance_only():
    columns = ["female", "grade", "pre_mathematics"]
    planted = joint_orthogonality_test(_planted(7, shift=5.0), columns)
    balanced = joint_orthogonality_test(_planted(7, shift=0.0), columns)
    assert (planted.df_numerator, planted.df_denominator, planted.n_clusters) == (3, 79, 80)
    assert planted.p_value < 0.001
    assert balanced.p_value > 0.05


@pytest.mark.parametrize("key", ["joint", "joint_no_shift"])
def test_joint_test_matches_r(key):
    data = pd.read_csv(R_DIR / "data" / "balance.csv")
    if key == "joint_no_shift":
        data["pre_mathematics"] = data["pre_mathematics"] - 4 * data["treatment"]
    reference = REFERENCE[key]
    result = joint_orthogonality_test(data, CHARACTERISTICS)
    # R: clubSandwich::Wald_test(fit, constrain_zero(2:10), vcov = "CR1S", test = "Naive-F")
    assert result.statistic == pytest.approx(reference["F"], rel=1e-8)
    assert result.statistic == pytest.approx(reference["F_sandwich"], rel=1e-8)
    assert (result.df_numerator, result.df_denominator) == (reference["df_num"], reference["df_denom"])
    assert result.p_value == pytest.approx(reference["p_value"], rel=1e-6)
    assert result.n == reference["n"]


@pytest.mark.parametrize("vcov", ["CR1", "CR2"])
def test_difference_tests_match_r(vcov):
    data = pd.read_csv(R_DIR / "data" / "balance.csv")
    levels = {"pre_mathematics": "student", "female": "student", "school_size": "school"}
    table = balance_table(data, levels, vcov=vcov).set_index("characteristic")
    for name in levels:
        reference = REFERENCE[name]
        row = table.loc[name]
        assert row["mean_partner"] == pytest.approx(reference["mean_partner"], rel=1e-10)
        assert row["mean_control"] == pytest.approx(reference["mean_control"], rel=1e-10)
        # R: coeftest(vcovCL(type = "HC1"), df = G - 1) / clubSandwich::coef_test(vcov = "CR2")
        assert row["std_error"] == pytest.approx(reference[f"{vcov.lower()}_se"], rel=1e-8)
        assert row["p_value"] == pytest.approx(reference[f"{vcov.lower()}_p"], rel=1e-6)


def test_joint_test_needs_fewer_characteristics_than_schools():
    data = _planted(1, 0.0).query("school_id in (0, 1, 40)")  # two partner schools, one control
    result = joint_orthogonality_test(data, ["female", "grade", "pre_mathematics"])
    assert math.isnan(result.statistic) and math.isnan(result.p_value)
    assert result.left_out == ("too_many_characteristics",) and (result.df_numerator, result.n_clusters) == (3, 3)


def test_joint_test_leaves_out_constant_separating_collinear_and_ill_conditioned_characteristics():
    data = _planted(3, 0.0)
    rng = np.random.default_rng(4)
    data["constant"] = 1.0
    data["partner_only"] = np.where(data["treatment"] == 1, (data["school_id"] % 3 == 0) * 1.0, 0.0)
    data["grade_again"] = 2 * data["grade"] - 1
    data["female_nearly"] = data["female"] + 1e-5 * rng.normal(size=len(data))  # not aliased (R's 1e-7)
    columns = ["female", "constant", "partner_only", "grade", "grade_again", "female_nearly", "pre_mathematics"]
    result = joint_orthogonality_test(data, columns)
    assert result.characteristics == ("female", "grade", "pre_mathematics")
    assert result.left_out == (
        "constant:constant",
        "separates_groups:partner_only",
        "dropped_collinear:grade_again",
        "ill_conditioned:female_nearly",
    )
    reference = joint_orthogonality_test(data, ["female", "grade", "pre_mathematics"])
    assert (result.statistic, result.p_value) == (reference.statistic, reference.p_value)
    assert reference.left_out == ()
    nothing = joint_orthogonality_test(data, ["constant"])
    assert math.isnan(nothing.statistic) and nothing.left_out == ("constant:constant", "no_characteristic")


def test_balance_rows_say_why_they_have_no_test():
    data = _planted(5, 0.0).assign(
        constant=3.0,
        by_group=lambda d: np.where(d["treatment"] == 1, 0.1, 0.7),  # one value per group
        partner_only=lambda d: np.where(d["treatment"] == 1, (d["school_id"] % 2) * 1.0, 0.0),
    )
    levels = {"constant": "student", "by_group": "school", "partner_only": "school", "female": "student"}
    table = balance_table(data, levels).set_index("characteristic")
    assert table.loc["constant", "note"] == "constant" and math.isnan(table.loc["constant", "p_value"])
    # R's standard error of these is about 1e-17 and its p-value noise (tests/r/edge_cases.R)
    assert table.loc["by_group", "note"] == "separates_groups;zero_std_error"
    assert math.isnan(table.loc["by_group", "std_error"]) and table.loc["by_group", "difference"] == pytest.approx(-0.6)
    # only some partner schools have it: its own test stands, it is left out of the joint test
    assert table.loc["partner_only", "note"] == "separates_groups" and 0 < table.loc["partner_only", "p_value"] < 1
    assert table.loc["female", "note"] == "" and 0 < table.loc["female", "p_value"] < 1


def test_optional_roster_columns_that_are_empty_are_absent():
    schools, students, exams = _tables()
    students["special_needs"] = None
    frame, levels = baseline_characteristics(schools, students.drop(columns="migrant_refugee"), exams)
    assert "special_needs" not in levels and "special_needs" not in frame.columns
    assert absent_characteristics(levels) == ["special_needs", "migrant_refugee"]
    assert absent_characteristics(baseline_characteristics(*_tables())[1]) == []


def test_student_school_not_in_schools_table():
    schools, students, exams = _tables()
    students.loc[0, "school_id"] = "X9"
    with pytest.raises(EvidenceInputError, match="school_id 'X9' is not in the schools table"):
        baseline_characteristics(schools, students, exams)
