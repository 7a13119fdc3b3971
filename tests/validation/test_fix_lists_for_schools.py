"""Fix lists a school can act on (issue 14): the root cause first and counted once, rows located
by student number, subject and wave, accepted values and numbers in the school's language, and
straight-lining flagged only where it means something."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from evaluation.config.instruments import load_instrument
from evaluation.validation.fix_lists import fix_list_items, write_fix_lists
from evaluation.validation.quality import check_quality
from evaluation.validation.quality.responses import straight_lining
from evaluation.validation.quality.settings import QualitySettings
from evaluation.validation.validate import validate_data_dir

from fixtures import valid_tables, write_data_dir

TODAY = dt.date(2026, 12, 1)


def _broken_tables():
    """The valid tables with one wrong grade on the roster, an out-of-range score with a decimal,
    and a wave written as no contract accepts it."""
    tables = valid_tables()
    students = tables["students"]
    wrong = next(position for position, row in enumerate(students) if row["school_id"] == "S01")
    students[wrong]["grade"] = "19"
    exams = tables["exam_results"]
    student = students[wrong]["student_id"]
    others = [position for position, row in enumerate(exams) if row["student_id"] != student]
    score_row, wave_row = others[-1], others[-2]
    exams[score_row]["score"] = "111.5"
    exams[wave_row]["wave"] = "ara test"
    return tables, {
        "roster_row": wrong + 2,
        "student": student,
        "school": students[wrong]["school_id"],
        "exam_rows": [position + 2 for position, row in enumerate(exams) if row["student_id"] == student],
        "score": exams[score_row] | {"row": score_row + 2},
        "wave": exams[wave_row] | {"row": wave_row + 2},
    }


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    tables, planted = _broken_tables()
    report = validate_data_dir(write_data_dir(tmp_path_factory.mktemp("broken") / "data", tables))
    return report, planted


@pytest.mark.slow
def test_a_wrong_roster_row_comes_first_and_its_knock_ons_are_one_line(broken, tmp_path):
    report, planted = broken
    failures = report.failures
    exam_failures = failures[(failures["table"] == "exam_results") & failures["row"].isin(planted["exam_rows"])]
    # nothing silently dropped: every knock-on row is still in the quarantine, under both rules
    assert sorted(exam_failures["row"].astype(int).unique()) == planted["exam_rows"]
    assert set(exam_failures["rule"]) == {"student_id_exists", "student_school_matches_roster"}
    school_lines = fix_list_items(report, "en")[planted["school"]]
    first, second = school_lines.iloc[0], school_lines.iloc[1]
    assert (first["file"], first["row"], first["column"], first["value"]) == (
        "students.csv",
        str(planted["roster_row"]),
        "grade",
        "19",
    )
    assert second["kind"] == "follows" and second["file"] == "exam_results.csv"
    assert second["_rows"] == planted["exam_rows"]
    assert f"row {planted['roster_row']} of students.csv" in second["fix"]
    assert second["student"] == planted["student"]
    # one line for the student's exam rows, not one per row and rule
    assert (school_lines["kind"] == "follows").sum() == 1
    write_fix_lists(report, tmp_path, "en", today=TODAY)
    page = (tmp_path / "fix-lists" / f"{planted['school']}.html").read_text(encoding="utf-8")
    n_root_causes = int(school_lines["kind"].isin(("broken", "fix")).sum())
    assert f"{n_root_causes} problem" in page
    n_rows = (
        len(planted["exam_rows"]) + 1 + sum(planted[key]["school_id"] == planted["school"] for key in ("score", "wave"))
    )
    assert f"{n_rows} rejected rows" in page


@pytest.mark.slow
def test_a_rejected_row_is_located_by_student_subject_and_wave(broken):
    report, planted = broken
    score = planted["score"]
    items = fix_list_items(report, "en")[score["school_id"]]
    line = items[(items["file"] == "exam_results.csv") & (items["row"] == str(score["row"]))].iloc[0]
    assert (line["student"], line["subject"], line["wave"], line["value"]) == (
        score["student_id"],
        score["subject"],
        score["wave"],
        "111.5",
    )


@pytest.mark.slow
def test_a_turkish_list_reads_back_with_semicolons_decimal_commas_and_turkish_labels(broken, tmp_path):
    report, planted = broken
    score, wave = planted["score"], planted["wave"]
    write_fix_lists(report, tmp_path, "tr", today=TODAY)
    path = tmp_path / "fix-lists" / f"{score['school_id']}.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns)[:5] == ["dosya", "öğrenci", "ders", "uygulama", "satır"]
    found = frame.set_index("satır")
    assert found.at[str(score["row"]), "bulunan değer"] == "111,5"
    assert found.at[str(score["row"]), "öğrenci"] == score["student_id"]
    # read as a Turkish Excel would: the decimal comma is a number
    assert float(found.at[str(score["row"]), "bulunan değer"].replace(",", ".")) == float(score["score"])
    wave_list = tmp_path / "fix-lists" / f"{wave['school_id']}.csv"
    waves = pd.read_csv(wave_list, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    instruction = waves.set_index("satır").at[str(wave["row"]), "yapılması gereken"]
    assert "Ön test (pre), Son test (post)" in instruction


@pytest.mark.slow
def test_warnings_for_schools_name_no_column_ids_and_no_statistics(broken):
    report, _ = broken
    warnings = check_quality(report, language="en")
    items = fix_list_items(report, "en", warnings)
    checks = pd.concat([frame[frame["kind"] == "check"] for frame in items.values()])
    assert not checks.empty
    for message in checks["fix"]:
        assert "robust z" not in message and not re.search(r"\b(col|bel|tc)_\d", message), message
    assert (checks.loc[checks["rule"] == "straight_lining", "column"] == "").all()


def _responses(rows: list[list[int]]) -> pd.DataFrame:
    items = ["bel_1", "bel_2", "bel_3", "bel_4", "bel_5", "col_1", "col_2", "col_3", "col_4"]
    frame = pd.DataFrame(rows, columns=items, index=range(2, 2 + len(rows)))
    return frame.assign(school_id="S01")


def test_straight_lining_is_flagged_only_where_it_means_something():
    instrument = load_instrument("student_climate")
    mixed = [2, 4, 3, 5, 1]
    rows = [
        [3, 3, 3, 3, 3, 3, 3, 3, 3],  # row 2: undecided throughout: not flagged
        [4, 4, 4, 4, 4, *mixed[:4]],  # row 3: agrees with "I feel lonely" and "I am happy": contradictory
        [*mixed, 2, 2, 2, 2],  # row 4: the same "disagree" on peer collaboration (col_3 reversed)
        [4, 4, 4, 4, 4, 2, 2, 2, 2],  # row 5: two contradictory scales: flagged once
        mixed + mixed[:4],  # row 6: no scale answered alike
    ]
    found = straight_lining("surveys/student_climate", _responses(rows), instrument, QualitySettings())
    assert [(item.row, item.key) for item in found] == [
        (3, "straight_lining.reversed"),
        (4, "straight_lining.reversed"),
        (5, "straight_lining.reversed"),
    ]
    assert found[0].params["scale"]["en"] == "Sense of belonging at school"
    assert found[0].params["answer"]["tr"] == "\u201cKatılıyorum\u201d (4)"
    # a long scale (at least straight_lining_long_scale items) is flagged even for the middle answer
    long = straight_lining(
        "surveys/student_climate", _responses(rows), instrument, QualitySettings(straight_lining_long_scale=5)
    )
    assert [item.row for item in long] == [2, 3, 4, 5]


@pytest.mark.slow
def test_a_knock_on_whose_row_is_in_another_schools_list_stays_a_line_to_fix(tmp_path):
    tables = valid_tables()
    students = tables["students"]
    wrong = next(position for position, row in enumerate(students) if row["school_id"] == "S02")
    students[wrong]["grade"] = "19"
    student = students[wrong]["student_id"]
    exams = tables["exam_results"]
    moved = next(position for position, row in enumerate(exams) if row["student_id"] == student)
    exams[moved]["school_id"] = "S01"
    report = validate_data_dir(write_data_dir(tmp_path / "data", tables))
    s01 = fix_list_items(report, "en")["S01"]
    line = s01[(s01["rule"] == "student_id_exists") & (s01["row"] == str(moved + 2))].iloc[0]
    assert (line["kind"], line["status"]) == ("fix", "rejected")
    assert f"row {wrong + 2} of students.csv" in line["fix"]
    s02 = fix_list_items(report, "en")["S02"]
    assert s02.iloc[0]["file"] == "students.csv" and s02.iloc[0]["row"] == str(wrong + 2)
