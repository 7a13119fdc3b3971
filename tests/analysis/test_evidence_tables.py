"""The evidence tables of notebook 04 from small results tables: attrition per level from
attrition.csv counts, the row per finding of evidence.csv, and the balance of schools."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis.evidence import (
    attrition_levels,
    evidence_table,
    joint_test_frame,
    read_evidence,
    school_balance,
)
from evaluation.config.plan import Outcome, Plan
from evaluation.errors import EvidenceInputError
from evaluation.evidence import EVIDENCE_COLUMNS, load_boundary
from evaluation.reporting.evidence import with_summaries

PLAN = Plan(
    path=Path("plan.yaml"),
    programme="Test",
    period="2022-2023",
    language="en",
    data_dir=Path("."),
    outcomes=(
        Outcome("mathematics", "exam", "academic", subject="mathematics"),
        Outcome("science", "exam", "academic", subject="science"),
    ),
)


def _counts(
    outcome: str,
    level: str,
    partner: tuple[int, int],
    control: tuple[int, int],
    schools: tuple[int, int, int, int] = (10, 10, 10, 10),
) -> pd.DataFrame:
    """attrition.csv rows of one outcome: (starting, linked) per group, then the schools'."""
    rows = []
    for group, (start, linked), (s_start, s_linked) in (
        ("partner", partner, schools[:2]),
        ("control", control, schools[2:]),
    ):
        rows += [
            {
                "outcome": outcome,
                "domain": "academic",
                "group": group,
                "level": level,
                "baseline": "roster",
                "n_baseline": start,
                "n_linked": linked,
                "suppressed": False,
            },
            {
                "outcome": outcome,
                "domain": "academic",
                "group": group,
                "level": "schools",
                "baseline": "schools",
                "n_baseline": s_start,
                "n_linked": s_linked,
                "suppressed": False,
            },
        ]
    return pd.DataFrame(rows)


def test_attrition_levels_from_the_counts_of_attrition_csv() -> None:
    counts = _counts("mathematics", "students", (400, 380), (400, 372), schools=(10, 10, 10, 9))
    students, schools = attrition_levels(counts, "mathematics")
    # students: 5% and 7% lost, overall 6%, differential 2 points; cautious limit at 6% is 6.2 points
    assert (students.level, students.overall, students.differential) == (
        "students",
        pytest.approx(0.06),
        pytest.approx(0.02),
    )
    assert students.max_differential == pytest.approx(0.062) and students.verdict == "low"
    # schools: 0% and 10% lost, overall 5%, differential 10 points > 6.1 (cautious) -> high
    assert (schools.level, schools.overall, schools.differential) == (
        "schools",
        pytest.approx(0.05),
        pytest.approx(0.10),
    )
    assert schools.verdict == "high"
    # under the optimistic boundary 10.5 points are low at 5% overall
    assert attrition_levels(counts, "mathematics", "optimistic")[1].verdict == "low"


def test_teachers_lost_unevenly_are_high_attrition() -> None:
    counts = _counts("collaboration", "teachers", (100, 81), (100, 92))
    teachers, _ = attrition_levels(counts, "collaboration")
    assert teachers.overall == pytest.approx(0.135) and teachers.differential == pytest.approx(0.11)
    assert teachers.max_differential == pytest.approx(load_boundary().at[14, "cautious"] / 100)  # 13.5% -> 14%
    assert teachers.verdict == "high"


def test_attrition_is_unknown_when_a_group_is_suppressed_or_missing() -> None:
    counts = _counts("mathematics", "students", (400, 380), (8, 7))
    counts.loc[(counts["group"] == "control") & (counts["level"] == "students"), ["n_baseline", "n_linked"]] = np.nan
    assert attrition_levels(counts, "mathematics") is None
    assert attrition_levels(counts[counts["group"] == "partner"], "mathematics") is None
    assert attrition_levels(counts, "science") is None


def _effects(outcome: str, baseline_g: float, g: float, p: float) -> list[dict]:
    common = {"outcome": outcome, "domain": "academic", "subgroup": "all", "group": "all"}
    return [
        {
            **common,
            "analysis": "baseline_equivalence",
            "method": "baseline_equivalence",
            "effect_size": baseline_g,
            "p_adjusted": math.nan,
        },
        {
            **common,
            "analysis": "partner_vs_control",
            "method": "ancova_cr1",
            "effect_size": g + 0.01,
            "p_adjusted": p / 2,
        },
        {**common, "analysis": "partner_vs_control", "method": "ancova_cr2", "effect_size": g, "p_adjusted": p},
        {
            **common,
            "subgroup": "grade=9",
            "analysis": "partner_vs_control",
            "method": "ancova_cr2",
            "effect_size": 0.9,
            "p_adjusted": 0.001,
        },
    ]


def test_evidence_table_one_row_per_outcome_of_the_plan() -> None:
    effects = pd.DataFrame(_effects("mathematics", 0.12, 0.31, 0.012) + _effects("science", 0.30, 0.10, 0.20))
    counts = pd.concat(
        [
            _counts("mathematics", "students", (400, 380), (400, 372)),
            _counts("science", "students", (400, 300), (400, 380)),
        ]
    )
    table = evidence_table(effects, counts, PLAN, "ancova_cr2")
    assert list(table.columns) == EVIDENCE_COLUMNS and list(table["outcome"]) == ["mathematics", "science"]
    maths, science = table.iloc[0], table.iloc[1]
    # the headline method's row, not CR1's nor the subgroup's
    assert (maths["effect_size"], maths["p_adjusted"]) == (0.31, 0.012)
    assert (maths["attrition_verdict"], maths["baseline_verdict"], maths["rating"]) == (
        "low",
        "adjustment_required",
        "meets_with_reservations",
    )
    assert bool(maths["significant"]) and bool(maths["substantively_important"])
    # science: 25% and 5% lost (high); baseline g 0.30 > 0.25: not satisfied, does not meet
    assert science["attrition_verdict"] == "high" and science["attrition_overall"] == pytest.approx(0.15)
    assert (science["baseline_verdict"], science["rating"]) == ("not_satisfied", "does_not_meet")
    assert not science["significant"] and not science["substantively_important"]
    assert maths["summary"] == ""  # the words come from the report: evaluation.reporting.evidence.with_summaries
    written = with_summaries(table, PLAN, instruments={})
    assert written["summary"].iloc[0].startswith("mathematics: partner schools' students scored 0.31 SD higher")


def test_evidence_summary_uses_the_reports_outcome_names_in_turkish() -> None:
    effects = pd.DataFrame(_effects("mathematics", 0.02, -0.1, 0.5) + _effects("science", 0.02, 0.1, 0.5))
    counts = pd.concat([_counts(o, "students", (400, 380), (400, 372)) for o in ("mathematics", "science")])
    plan = Plan(**{**PLAN.__dict__, "language": "tr"})
    table = with_summaries(evidence_table(effects, counts, plan, "ancova_cr2"), plan, instruments={})
    assert table["summary"].iloc[0].startswith("matematik: ortak okulların öğrencileri 0,10 SS daha düşük")
    assert table["baseline_verdict"].iloc[0] == "satisfied"


def test_evidence_table_needs_the_headline_row() -> None:
    effects = pd.DataFrame(_effects("mathematics", 0.12, 0.31, 0.012))
    counts = _counts("mathematics", "students", (400, 380), (400, 372))
    with pytest.raises(EvidenceInputError, match="one partner_vs_control mixed_reml row of outcome 'mathematics'"):
        evidence_table(effects, counts, PLAN, "mixed_reml")


def _accepted(students_per_school: int, schools: int = 8) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(7)
    table = pd.DataFrame(
        {
            "school_id": [f"S{i}" for i in range(schools)],
            "group": ["partner", "control"] * (schools // 2),
            "school_type": ["a", "a", "b", "b"] * (schools // 4),
        }
    )
    students = pd.DataFrame(
        {
            "student_id": [f"P{i}" for i in range(schools * students_per_school)],
            "school_id": np.repeat(table["school_id"], students_per_school).to_numpy(),
            "grade": rng.integers(9, 12, schools * students_per_school),
            "sex": rng.choice(["F", "M"], schools * students_per_school),
        }
    )
    return {"schools": table, "students": students}


def test_school_balance_blanks_small_student_groups_and_keeps_school_rows() -> None:
    balance, joint = school_balance(_accepted(students_per_school=2), min_cell_size=10)
    rows = balance.set_index("characteristic")
    # 8 students per group: student rows blanked; schools are not children and stay
    assert rows.loc["female", "suppressed"] and pd.isna(rows.loc["female", "mean_partner"])
    assert pd.isna(rows.loc["grade", "n_partner"])
    assert not rows.loc["school_type=a", "suppressed"] and rows.loc["school_type=a", "mean_partner"] == 0.5
    assert rows.loc["school_type=a", "n_partner"] == 4
    assert list(joint.columns) == [
        "statistic",
        "df_numerator",
        "df_denominator",
        "p_value",
        "n",
        "n_clusters",
        "characteristics",
        "note",
    ]


def test_joint_test_says_what_it_left_out_and_why() -> None:
    accepted = _accepted(students_per_school=12)
    balance, joint = school_balance(accepted, min_cell_size=10)
    notes = balance.set_index("characteristic")["note"]
    assert not balance["suppressed"].any() and notes.drop("school_size").eq("").all()
    assert notes["school_size"] == "constant"  # every school has 12 students
    assert list(balance.columns[-2:]) == ["suppressed", "note"]
    assert joint["n"].iloc[0] == 96 and joint["n_clusters"].iloc[0] == 8 and joint["df_denominator"].iloc[0] == 7
    # the roster has no special needs or migrant columns
    assert joint["note"].iloc[0] == "absent:special_needs;absent:migrant_refugee;constant:school_size"
    # resource level follows school type exactly: the second is left out, as R's lm leaves it out
    accepted["schools"]["resource_level"] = accepted["schools"]["school_type"].map({"a": "high", "b": "low"})
    balance, joint = school_balance(accepted, min_cell_size=10)
    assert joint["characteristics"].iloc[0] == "school_type=b; female; grade" and 0 < joint["p_value"].iloc[0] < 1
    assert joint["note"].iloc[0].endswith(";dropped_collinear:resource_level=low")
    # a school type only partner schools have: its row says so and the joint test leaves it out
    accepted["schools"]["school_type"] = ["a", "c", "b", "b"] * 2
    balance, joint = school_balance(accepted, min_cell_size=10)
    assert balance.set_index("characteristic").loc["school_type=c", "note"] == "separates_groups"
    assert "separates_groups:school_type=c" in joint["note"].iloc[0].split(";")
    assert joint_test_frame(None, "no data")["note"].iloc[0] == "no data"


def test_notes_of_small_student_groups_are_blanked_with_their_numbers() -> None:
    accepted = _accepted(students_per_school=2)
    accepted["students"]["grade"] = 10
    balance, _ = school_balance(accepted, min_cell_size=10)
    grade = balance.set_index("characteristic").loc["grade"]
    assert grade["suppressed"] and grade["note"] == ""  # "constant" would tell every child's grade
    balance, _ = school_balance(accepted, min_cell_size=0)
    assert balance.set_index("characteristic").loc["grade", "note"] == "constant"


def test_evidence_flags_read_back_as_true_false_or_none(tmp_path) -> None:
    path = tmp_path / "evidence.csv"
    path.write_text("outcome,significant,substantively_important\nmaths,True,false\nscience,,TRUE\n", encoding="utf-8")
    evidence = read_evidence(path)
    assert list(evidence["significant"]) == [True, None]
    assert list(evidence["substantively_important"]) == [False, True]


def test_an_exploratory_outcome_is_judged_on_its_unadjusted_p_value() -> None:
    rows = _effects("mathematics", 0.02, 0.31, 0.012) + _effects("science", 0.02, 0.30, math.nan)
    for row in rows:  # science is exploratory: its rows have p-values, none adjusted
        row["p_value"] = 0.03 if row["outcome"] == "science" else 0.004
    counts = pd.concat([_counts(o, "students", (400, 380), (400, 372)) for o in ("mathematics", "science")])
    science = Outcome("science", "exam", "academic", subject="science", confirmatory=False)
    plan = Plan(**{**PLAN.__dict__, "outcomes": (PLAN.outcomes[0], science)})
    table = evidence_table(pd.DataFrame(rows), counts, plan, "ancova_cr2").set_index("outcome")
    assert table.at["mathematics", "p_adjusted"] == 0.012 and table.at["mathematics", "significant"]
    assert math.isnan(table.at["science", "p_adjusted"])  # no adjusted p-value is made up
    assert table.at["science", "significant"]  # p = 0.03, unadjusted, below 0.05
    confirmatory = evidence_table(pd.DataFrame(rows), counts, PLAN, "ancova_cr2").set_index("outcome")
    assert confirmatory.at["science", "significant"] is None  # confirmatory: only its adjusted p-value counts
