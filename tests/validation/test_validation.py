"""validate_data_dir: the right rule at the right row and column, and rows = accepted + quarantined."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.cli import main
from evaluation.errors import EXIT_INVALID_DATA, EXIT_OK, EXIT_UNREADABLE, UnreadableInputError
from evaluation.validation.contracts import load_contract
from evaluation.validation.report import FAILURE_COLUMNS
from evaluation.validation.validate import validate_data_dir

from fixtures import valid_data_dir, valid_tables, write_csv, write_data_dir


def assert_counts_add_up(report) -> None:
    for key, result in report.tables.items():
        if result.broken:
            assert result.n_accepted == 0
            continue
        assert result.n_rows == result.n_accepted + result.n_quarantined, key
        assert len(report.accepted[key]) == result.n_accepted, key
        rows = report.failures.loc[report.failures["table"] == key, "row"].dropna()
        assert rows.nunique() == result.n_quarantined, key


def failures_at(report, table: str, row: int) -> pd.DataFrame:
    failures = report.failures
    return failures[(failures["table"] == table) & (failures["row"] == row)]


def assert_failure(report, table: str, row: int, rule: str, column: str, value: str) -> pd.Series:
    found = failures_at(report, table, row)
    match = found[found["rule"] == rule]
    assert len(match) == 1, f"{table} row {row}: expected {rule}, found {found[['rule', 'column', 'value']].values}"
    failure = match.iloc[0]
    assert failure["column"] == column
    assert failure["value"] == value
    assert row not in report.accepted[table].index
    return failure


# --- a valid directory --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def valid_report(tmp_path_factory):
    return validate_data_dir(valid_data_dir(tmp_path_factory.mktemp("valid")))


@pytest.mark.slow
def test_valid_directory_passes(valid_report):
    assert valid_report.exit_code == EXIT_OK
    assert valid_report.failures.empty
    assert list(valid_report.failures.columns) == list(FAILURE_COLUMNS)
    assert set(valid_report.tables) == {
        "schools",
        "students",
        "exam_results",
        "activities",
        "indicators",
        "surveys/student_climate",
        "surveys/teacher_collaboration",
    }
    assert set(valid_report.accepted) == set(valid_report.tables)
    assert valid_report.tables["exam_results"].n_rows == len(valid_tables()["exam_results"])
    assert valid_report.tables["exam_results"].file.name == "exam_results.csv"
    assert_counts_add_up(valid_report)
    assert "exam_results.csv: 32 rows, 32 accepted, 0 quarantined" in valid_report.summary()


@pytest.mark.slow
def test_accepted_frames_are_typed_and_canonical(valid_report):
    exams = valid_report.accepted["exam_results"]
    assert str(exams["grade"].dtype) == "Int64"
    assert exams["score"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(exams["exam_date"])
    assert exams.loc[4, "exam_date"] == pd.Timestamp("2023-05-14")  # written 14.05.2023
    assert exams.loc[3, "n_items"] is pd.NA  # counts are optional
    assert pd.api.types.is_string_dtype(exams["student_id"])
    students = valid_report.accepted["students"]
    assert students["special_needs"].dtype == bool
    assert students.loc[4, "sex"] == "F" and students.loc[5, "sex"] == "M"  # K and E
    schools = valid_report.accepted["schools"]
    assert schools.loc[3, "country"] == "TR"  # empty -> default
    assert schools.loc[3, "school_name"] == "İzmir Karşıyaka Anadolu Lisesi"
    climate = valid_report.accepted["surveys/student_climate"]
    assert str(climate["bel_1"].dtype) == "Int64"
    assert climate["col_4"].isna().sum() == 1


@pytest.mark.slow
def test_report_writes_quarantine_and_summary(valid_report, tmp_path):
    out = valid_report.write(tmp_path / "out")
    summary = pd.read_csv(out / "validation-summary.csv")
    assert list(summary.columns) == ["table", "file", "rows", "accepted", "quarantined", "broken"]
    assert summary.loc[summary["table"] == "exam_results", "accepted"].item() == 32
    assert list(pd.read_csv(out / "quarantine.csv").columns) == list(FAILURE_COLUMNS)


# --- a directory with one defect per rule, each on its own row ------------------------------------


@pytest.fixture(scope="module")
def defects(tmp_path_factory):
    tables = valid_tables()
    exams = tables["exam_results"]
    exams[2]["score"] = "120"  # row 4
    exams[4]["wave"] = "middle"  # row 6
    exams[6]["score"] = "abc"  # row 8
    exams[8]["school_id"] = "S99"  # row 10
    exams[10]["correct"] = str(int(exams[10]["correct"]) + 1)  # row 12: 21 answers for 20 items
    exams[12]["school_id"] = "S01"  # row 14: ST04 is on the roster at S02
    exams[14]["grade"] = "9.5"  # row 16
    exams[16]["exam_date"] = "30.02.2023"  # row 18
    exams[24]["score"] = ""  # row 26
    exams.append(dict(exams[20]))  # row 34 repeats row 22's key
    schools = tables["schools"]
    schools.append({**schools[0], "school_id": "S05", "partnership_id": ""})  # row 6: partner without one
    schools.append({**schools[2], "school_id": "S06", "partnership_id": "P1"})  # row 7: control with one
    tables["students"].append({**tables["students"][0], "student_id": "ST09", "grade": "13"})  # row 10
    climate = tables["surveys/student_climate"]
    climate[3]["bel_3"] = "7"  # row 5
    climate[5]["role"] = "principal"  # row 7
    return validate_data_dir(write_data_dir(tmp_path_factory.mktemp("defects") / "data", tables))


@pytest.mark.slow
def test_defects_quarantine_rows_and_exit_1(defects):
    assert defects.exit_code == EXIT_INVALID_DATA
    assert_counts_add_up(defects)
    assert defects.tables["exam_results"].n_quarantined == 11
    assert defects.tables["activities"].n_quarantined == 0


@pytest.mark.slow
def test_score_out_of_range(defects):
    failure = assert_failure(defects, "exam_results", 4, "score_range", "score", "120")
    assert failure["message"] == "must be between 0 and 100"
    assert failure["file"] == "exam_results.csv"
    assert (
        "exam_results.csv row 4, column score: found '120', rule score_range: must be between 0 and 100"
        in defects.summary()
    )


@pytest.mark.slow
def test_wave_not_allowed(defects):
    failure = assert_failure(defects, "exam_results", 6, "wave_allowed_values", "wave", "middle")
    assert failure["message"] == "must be one of pre, post"


@pytest.mark.slow
def test_non_numeric_score_is_a_type_failure_only(defects):
    assert_failure(defects, "exam_results", 8, "score_type", "score", "abc")
    assert set(failures_at(defects, "exam_results", 8)["rule"]) == {"score_type"}


@pytest.mark.slow
def test_unknown_school(defects):
    failure = assert_failure(defects, "exam_results", 10, "school_id_exists", "school_id", "S99")
    assert "schools.csv" in failure["message"]
    assert failure["school_id"] == "S99"


@pytest.mark.slow
def test_failures_carry_the_rows_school_id(defects):
    assert assert_failure(defects, "exam_results", 4, "score_range", "score", "120")["school_id"] == "S01"
    assert (
        assert_failure(defects, "schools", 6, "partner_needs_partnership", "partnership_id", "")["school_id"] == "S05"
    )
    assert (
        assert_failure(defects, "surveys/student_climate", 7, "role_allowed_values", "role", "principal")["school_id"]
        == "S02"
    )


@pytest.mark.slow
def test_answer_counts_must_add_up(defects):
    failure = assert_failure(
        defects, "exam_results", 12, "answer_counts_add_up", "correct, wrong, blank, n_items", "10 / 9 / 2 / 20"
    )
    assert failure["message"] == "correct + wrong + blank must equal n_items"


@pytest.mark.slow
def test_student_must_be_on_the_roster_at_that_school(defects):
    assert_failure(defects, "exam_results", 14, "student_school_matches_roster", "student_id, school_id", "ST04 / S01")
    assert set(failures_at(defects, "exam_results", 14)["rule"]) == {"student_school_matches_roster"}


@pytest.mark.slow
def test_typed_columns_fail_their_type_rule(defects):
    assert_failure(defects, "exam_results", 16, "grade_type", "grade", "9.5")
    assert_failure(defects, "exam_results", 18, "exam_date_type", "exam_date", "30.02.2023")


@pytest.mark.slow
def test_required_value_missing(defects):
    assert_failure(defects, "exam_results", 26, "score_required", "score", "")


@pytest.mark.slow
def test_duplicate_key_flags_both_rows(defects):
    key = "student_id, exam_id, subject"
    first = assert_failure(defects, "exam_results", 22, "exam_results_key_unique", key, "ST06 / E22-PRE / mathematics")
    second = assert_failure(defects, "exam_results", 34, "exam_results_key_unique", key, "ST06 / E22-PRE / mathematics")
    assert first["message"].endswith("the same value is on row 34")
    assert second["message"].endswith("the same value is on row 22")


@pytest.mark.slow
def test_partner_school_needs_a_partnership(defects):
    assert_failure(defects, "schools", 6, "partner_needs_partnership", "partnership_id", "")
    assert_failure(defects, "schools", 7, "control_has_no_partnership", "partnership_id", "P1")
    assert defects.tables["schools"].n_accepted == 4


@pytest.mark.slow
def test_student_grade_out_of_range(defects):
    assert_failure(defects, "students", 10, "grade_range", "grade", "13")


@pytest.mark.slow
def test_survey_item_outside_the_response_scale(defects):
    failure = assert_failure(defects, "surveys/student_climate", 5, "bel_3_range", "bel_3", "7")
    assert failure["message"] == "must be between 1 and 5"
    assert failure["file"] == "surveys/student_climate.csv"
    assert_failure(defects, "surveys/student_climate", 7, "role_allowed_values", "role", "principal")


@pytest.mark.slow
def test_summary_is_short(defects):
    lines = defects.summary().splitlines()
    assert lines[0] == "schools.csv: 6 rows, 4 accepted, 2 quarantined"
    assert len(lines) <= 7 + 20 + 2


# --- structural breaks ----------------------------------------------------------------------------


def test_missing_required_column_breaks_the_table(tmp_path):
    tables = valid_tables()
    data = write_data_dir(tmp_path / "data", {"schools": tables["schools"]})
    columns = [column for column in tables["exam_results"][0] if column != "score"]
    write_csv(data / "exam_results.csv", tables["exam_results"], columns=columns)
    write_csv(data / "teachers.csv", [{"teacher_id": "T01"}])
    write_csv(data / "surveys" / "parent_survey.csv", tables["surveys/teacher_collaboration"])
    report = validate_data_dir(data)
    assert report.exit_code == EXIT_INVALID_DATA
    exams = report.tables["exam_results"]
    assert exams.broken == "missing required column 'score'"
    assert exams.n_rows == 32 and exams.n_accepted == 0
    structural = report.failures[report.failures["table"] == "exam_results"]
    assert len(structural) == 1
    assert structural.iloc[0]["column"] == "score"
    assert structural.iloc[0]["file"] == "exam_results.csv"
    assert pd.isna(structural.iloc[0]["row"])
    assert structural.iloc[0]["school_id"] == ""
    assert list(report.accepted["exam_results"].columns) == list(load_contract("exam_results").columns)
    assert report.accepted["exam_results"].empty
    assert report.tables["teachers"].broken == "unknown table"
    assert report.tables["surveys/parent_survey"].broken.startswith("no instrument definition")
    assert report.tables["schools"].n_accepted == 4
    assert_counts_add_up(report)
    assert "exam_results.csv: broken, missing required column 'score'" in report.summary()


def test_missing_optional_tables_and_columns_are_fine(tmp_path):
    tables = valid_tables()
    data = write_data_dir(tmp_path / "data", {"schools": tables["schools"]})
    write_csv(
        data / "exam_results.csv",
        tables["exam_results"],
        columns=["student_id", "school_id", "exam_id", "wave", "grade", "subject", "score"],
    )
    report = validate_data_dir(data)
    assert report.exit_code == EXIT_OK
    assert set(report.tables) == {"schools", "exam_results"}
    assert report.accepted["exam_results"]["n_items"].isna().all()


def test_missing_required_table_is_unreadable(tmp_path):
    data = write_data_dir(tmp_path / "data", {"schools": valid_tables()["schools"]})
    with pytest.raises(UnreadableInputError, match="exam_results"):
        validate_data_dir(data, required={"schools": (), "exam_results": ("mathematics",)})
    # without a plan, only the schools are required (tests/validation/test_required_tables.py)
    assert validate_data_dir(data).exit_code == EXIT_OK


# --- the command line ---------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_exit_codes_without_traceback(tmp_path, capsys):
    valid = valid_data_dir(tmp_path / "valid")
    assert main(["validate", str(valid), "--out", str(tmp_path / "out")]) == EXIT_OK
    assert (tmp_path / "out" / "restricted" / "quarantine.csv").is_file()

    tables = valid_tables()
    tables["exam_results"][0]["score"] = "120"
    broken = write_data_dir(tmp_path / "broken", {key: tables[key] for key in ("schools", "exam_results")})
    assert main(["validate", str(broken)]) == EXIT_INVALID_DATA
    assert "row 2, column score: found '120', rule score_range" in capsys.readouterr().out

    (broken / "schools.csv").write_bytes(b"")
    assert main(["validate", str(broken)]) == EXIT_UNREADABLE
    err = capsys.readouterr().err
    assert "schools.csv: the file is empty" in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_excel_and_parquet_tables_validate_like_csv(tmp_path):
    tables = valid_tables()
    data = write_data_dir(tmp_path / "data", {"schools": tables["schools"]})
    exams = pd.DataFrame(tables["exam_results"]).replace("", None)
    for column in ("grade", "n_items", "correct", "wrong", "blank"):
        exams[column] = pd.to_numeric(exams[column]).astype("Int64")
    exams["score"] = pd.to_numeric(exams["score"])
    exams.loc[5, "score"] = 120.0  # row 7
    exams.to_excel(data / "exam_results.xlsx", index=False)
    pd.DataFrame(tables["indicators"]).astype({"year": int, "value": float}).to_parquet(data / "indicators.parquet")
    report = validate_data_dir(data)
    assert report.tables["exam_results"].file == data / "exam_results.xlsx"
    assert_failure(report, "exam_results", 7, "score_range", "score", "120")
    assert report.tables["exam_results"].n_accepted == 31
    assert report.tables["indicators"].n_accepted == len(tables["indicators"])
    assert_counts_add_up(report)


@pytest.mark.slow
def test_a_mistyped_exam_id_is_quarantined_and_reaches_its_school(tmp_path):
    """A subject has one exam per wave: the row whose exam_id differs from the one most rows of its
    subject and wave name is quarantined, with its school, so the analyses never meet two exams."""
    tables = valid_tables()
    typo = next(
        i
        for i, row in enumerate(tables["exam_results"])
        if row["wave"] == "post" and row["subject"] == "mathematics" and row["school_id"] == "S03"
    )
    tables["exam_results"][typo]["exam_id"] = "E23-P0ST"  # a zero for the letter O
    report = validate_data_dir(write_data_dir(tmp_path / "data", tables))
    failures = report.failures[report.failures["rule"] == "one_exam_per_wave"]
    assert list(zip(failures["row"], failures["school_id"], failures["column"], failures["value"], strict=True)) == [
        (typo + 2, "S03", "exam_id", "E23-P0ST")
    ]
    assert report.tables["exam_results"].n_quarantined == 1
    accepted = report.accepted["exam_results"]
    assert set(accepted.loc[accepted["wave"] == "post", "exam_id"]) == {"E23-POST"}


def test_largest_count_within_a_group_is_derived_per_row():
    from types import SimpleNamespace

    from evaluation.validation.expectations import add_derived_columns

    rule = SimpleNamespace(
        derive={
            "rows": {"countBy": ["wave", "exam_id"]},
            "largest": {"largestCountBy": ["wave", "exam_id"], "within": ["wave"]},
        }
    )
    frame = pd.DataFrame({"wave": ["post"] * 4 + ["pre"] * 2, "exam_id": ["A", "A", "A", "B", "C", "C"]})
    derived = add_derived_columns(frame, contract=None, rules=[rule])
    assert derived["rows"].tolist() == [3, 3, 3, 1, 2, 2]
    assert derived["largest"].tolist() == [3, 3, 3, 3, 2, 2]
