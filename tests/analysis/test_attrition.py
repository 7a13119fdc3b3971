"""results/attrition.csv rows: starting, pre, post, linked and missing-at-post counts per group and
level, on a constructed programme whose counts are worked out by hand."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from evaluation.analysis.attrition import ATTRITION_COLUMNS, attrition_counts, outcome_attrition
from evaluation.config.plan import Outcome

NAN = math.nan
SCHOOLS = pd.DataFrame({"school_id": ["S1", "S2", "S3", "S4"], "group": ["partner", "partner", "control", "control"]})
# u7 (S4) and u8 (S1) are on the roster but sat no test.
ROSTER = pd.DataFrame(
    {"student_id": [f"u{i}" for i in range(1, 9)], "school_id": ["S1", "S1", "S1", "S2", "S3", "S3", "S4", "S1"]}
)
FRAME = pd.DataFrame(
    {
        "unit_id": ["u1", "u2", "u3", "u4", "u5", "u6"],
        "school_id": ["S1", "S1", "S1", "S2", "S3", "S3"],
        "group": ["partner"] * 4 + ["control"] * 2,
        "pre": [1.0, 1.0, NAN, 2.0, 1.0, NAN],
        "post": [2.0, NAN, 3.0, 2.0, 1.0, 2.0],
    }
)
COUNTS = ["n_baseline", "n_pre", "n_post", "n_linked", "n_missing_post"]


def counts(table: pd.DataFrame) -> list[tuple]:
    return [(row.group, row.level, row.baseline, *[getattr(row, c) for c in COUNTS]) for row in table.itertuples()]


def test_counts_against_the_roster_and_the_schools() -> None:
    roster = ROSTER.rename(columns={"student_id": "unit_id"})
    table = attrition_counts(FRAME, SCHOOLS, roster)
    assert counts(table) == [
        # partner: roster u1 u2 u3 u4 u8; pre u1 u2 u4; post u1 u3 u4; both u1 u4; no post u2 u8
        ("partner", "students", "roster", 5, 3, 3, 2, 2),
        ("partner", "schools", "schools", 2, 2, 2, 2, 0),
        # control: roster u5 u6 u7; pre u5; post u5 u6; both u5; no post u7; S4 has nobody
        ("control", "students", "roster", 3, 1, 2, 1, 1),
        ("control", "schools", "schools", 2, 1, 1, 1, 1),
    ]
    assert table["attrition"].tolist() == pytest.approx([1 - 2 / 5, 0.0, 1 - 1 / 3, 0.5], rel=1e-12)
    assert not table["suppressed"].any()


def test_without_a_roster_the_pre_wave_is_the_starting_sample() -> None:
    table = attrition_counts(FRAME, SCHOOLS, None, level="teachers")
    people = table[table["level"] == "teachers"]
    assert counts(people) == [
        ("partner", "teachers", "pre_wave", 3, 3, 3, 2, 1),
        ("control", "teachers", "pre_wave", 1, 1, 2, 1, 0),
    ]
    assert people["attrition"].tolist() == pytest.approx([1 / 3, 0.0], rel=1e-12)


def test_small_groups_are_suppressed_but_schools_are_kept() -> None:
    roster = ROSTER.rename(columns={"student_id": "unit_id"})
    table = attrition_counts(FRAME, SCHOOLS, roster, min_cell_size=4)
    assert table["suppressed"].tolist() == [False, False, True, False]
    hidden = table.iloc[2]
    assert hidden[[*COUNTS, "attrition"]].isna().all()
    assert table.iloc[3]["n_baseline"] == 2


def test_outcome_rows_name_the_outcome_and_choose_the_starting_sample() -> None:
    accepted = {"schools": SCHOOLS, "students": ROSTER}
    exam = Outcome(id="mathematics", source="exam", domain="academic", subject="mathematics")
    table = outcome_attrition(FRAME, exam, accepted, {}, min_cell_size=0)
    assert list(table.columns) == ATTRITION_COLUMNS
    assert set(table["outcome"]) == {"mathematics"} and set(table["domain"]) == {"academic"}
    assert table.loc[0, "baseline"] == "roster" and table.loc[0, "n_baseline"] == 5
    teachers = Outcome(id="collab", source="survey", domain="practice", instrument="tc", scale="collaboration")
    table = outcome_attrition(FRAME, teachers, accepted, {"tc": SimpleNamespace(role="teacher")}, min_cell_size=0)
    assert (table.loc[0, "level"], table.loc[0, "baseline"], table.loc[0, "n_baseline"]) == ("teachers", "pre_wave", 3)
    # Anonymous student survey: its ids are not roster students, so the pre wave is the start.
    anonymous = FRAME.assign(unit_id=[f"A{i}" for i in range(6)])
    students = Outcome(id="belonging", source="survey", domain="wellbeing", instrument="sc", scale="belonging")
    table = outcome_attrition(anonymous, students, accepted, {"sc": SimpleNamespace(role="student")}, min_cell_size=0)
    assert (table.loc[0, "level"], table.loc[0, "baseline"]) == ("students", "pre_wave")


def test_report_table_has_one_row_per_outcome_and_group_with_the_schools_analysed() -> None:
    from evaluation.reporting.sections import attrition_table

    exam = Outcome(id="mathematics", source="exam", domain="academic", subject="mathematics")
    rows = outcome_attrition(FRAME, exam, {"schools": SCHOOLS, "students": ROSTER}, {}, min_cell_size=0)
    table = attrition_table(rows, "tr")
    assert list(table.columns) == [
        "sonuç ölçüsü",
        "grup",
        "birim",
        "başlangıçta",
        "ön test",
        "son test",
        "iki uygulamada da",
        "son testte eksik",
        "örneklem kaybı",
        "analize giren okul",
    ]  # no "gizlendi" (suppressed) column: nothing is suppressed
    assert list(table["grup"]) == ["ortak okullar", "karşılaştırma okulları"]
    assert list(table["analize giren okul"]) == ["2 / 2", "1 / 2"]
    assert list(table["başlangıçta"]) == [5, 3] and list(table["örneklem kaybı"]) == ["%60", "%67"]


# Arrow strings (as the accepted tables hold them), a student in two rows (a in P1 and P2), a
# school without a pre wave (P2), students in one wave only (b pre, c and d post), a student not
# on the roster (x), a roster row twice (b) and roster students who sat nothing (g, h).
_ARROW = "string[pyarrow]"
TWO_WAVES_SCHOOLS = pd.DataFrame(
    {"school_id": ["P1", "P2", "C1", "C2"], "group": ["partner", "partner", "control", "control"]}
).astype({"school_id": _ARROW})
TWO_WAVES_ROSTER = pd.DataFrame(
    {
        "unit_id": ["a", "b", "c", "d", "e", "f", "g", "h", "b"],
        "school_id": ["P1", "P1", "P1", "P2", "C1", "C1", "C2", "C2", "P1"],
    }
).astype(_ARROW)
TWO_WAVES = pd.DataFrame(
    {
        "unit_id": ["a", "a", "b", "c", "d", "e", "f", "x"],
        "school_id": ["P1", "P2", "P1", "P1", "P2", "C1", "C1", "C2"],
        "group": ["partner"] * 5 + ["control"] * 3,
        "pre": [1.0, NAN, 1.0, NAN, NAN, 1.0, 2.0, 1.0],
        "post": [2.0, 3.0, NAN, 2.0, 2.0, 1.0, NAN, 1.0],
    }
).astype({"unit_id": _ARROW, "school_id": _ARROW})


def test_counts_of_distinct_ids_with_duplicates_and_missing_waves_by_hand() -> None:
    table = attrition_counts(TWO_WAVES, TWO_WAVES_SCHOOLS, TWO_WAVES_ROSTER)
    # partner students: roster {a,b,c,d}; pre {a,b}; post {a,c,d}; linked (both in one row) {a};
    # missing at post {b}; attrition 1 - 1/4. Partner schools: {P1,P2}; pre {P1}; post and
    # linked {P1,P2} and {P1}. Control students: roster {e,f,g,h}; pre {e,f,x}; post and linked
    # {e,x}; missing at post {f,g,h}; attrition 1 - |{e}| / 4. Control schools: all of both.
    assert counts(table) == [
        ("partner", "students", "roster", 4, 2, 3, 1, 1),
        ("partner", "schools", "schools", 2, 1, 2, 1, 0),
        ("control", "students", "roster", 4, 3, 2, 2, 3),
        ("control", "schools", "schools", 2, 2, 2, 2, 0),
    ]
    assert table["attrition"].tolist() == pytest.approx([0.75, 0.5, 0.75, 0.0])


def test_counts_from_the_pre_wave_with_duplicates_by_hand() -> None:
    table = attrition_counts(TWO_WAVES, TWO_WAVES_SCHOOLS, None, min_cell_size=3)
    # partner: starting {a,b} (pre), linked {a}, missing at post {b}: 2 < 3, suppressed;
    # control: starting {e,f,x}, linked {e,x}, missing at post {f}: attrition 1/3
    assert table["suppressed"].tolist() == [True, False, False, False]
    assert table.loc[0, COUNTS].isna().all() and math.isnan(table.loc[0, "attrition"])
    assert counts(table)[2] == ("control", "students", "pre_wave", 3, 3, 2, 2, 1)
    assert table.loc[2, "attrition"] == pytest.approx(1 / 3)
