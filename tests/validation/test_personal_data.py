"""Personal data of minors in a data directory (issue 11): national ID numbers refuse their table and
never reach an output; pseudonymisation replaces ids before any rule runs; names and e-mail
addresses are dropped; the data folder is the only place read.

Each case builds a small data directory (the valid tables of `fixtures`, changed), runs
``evaluation validate DATA --out OUT`` and checks the exact outcome: exit code, the broken tables
and their messages, and that no output (stdout, stderr, every file under OUT) holds what must not
leave the data folder.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from evaluation.cli import main
from evaluation.errors import EXIT_BAD_PLAN, EXIT_INVALID_DATA, EXIT_OK, EXIT_UNREADABLE
from evaluation.io.national_ids import is_national_id
from evaluation.io.turkish import PERSONAL_COLUMNS
from evaluation.resources import INSTRUMENTS_DIR
from evaluation.validation.contracts import load_contract
from evaluation.validation.surveys import survey_contract
from evaluation.validation.validate import TABLES, validate_data_dir

from fixtures import planted_tables, valid_tables, write_data_dir

KEY = "pseudonym-key-for-the-tests-0123456789abcdef"


def national_id(nine: str) -> str:
    d = [int(c) for c in nine]
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    return f"{nine}{d10}{(sum(d) + d10) % 10}"


#: The fixture's students ST01..ST08 as national ID numbers.
NATIONAL = {f"ST0{i}": national_id(f"3{i}8765432") for i in range(1, 9)}
assert all(is_national_id(number) for number in NATIONAL.values())


def pseudonym(text: str) -> str:
    return "p_" + hmac.new(KEY.encode(), text.encode(), hashlib.sha256).hexdigest()[:16]


def refusal(counts: str, pronoun: str = "them", verb: str = "look like Turkish national ID numbers") -> str:
    return (
        f"{counts} {verb} (T.C. Kimlik No: 11 digits with a valid checksum), so nothing of the file was "
        f"accepted (no value is shown). Replace {pronoun} by the school's own student numbers (or leave the column "
        f"out), or pseudonymise {pronoun}: set pseudonymize: true in the plan (evaluation validate --pseudonymize), "
        "with a key in EVALUATION_PSEUDONYM_KEY or a key file named by EVALUATION_PSEUDONYM_KEY_FILE"
    )


def subset(tables: dict, *keys: str) -> dict:
    """The schools and exam_results tables and those named (fewer tables: a quicker validation)."""
    return {key: tables[key] for key in ("schools", "exam_results", *keys)}


def with_ids(tables: dict, ids: dict[str, str], keys=("students", "exam_results", "surveys/student_climate")) -> dict:
    for key in keys:
        column = "respondent_id" if key.startswith("surveys/") else "student_id"
        for row in tables[key]:
            row[column] = ids.get(row[column], row[column])
    return tables


@pytest.fixture(autouse=True)
def no_key(monkeypatch):
    monkeypatch.delenv("EVALUATION_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("EVALUATION_PSEUDONYM_KEY_FILE", raising=False)


def validate(data: Path, out: Path, capsys, *options: str) -> tuple[int, str]:
    """Run ``evaluation validate``; the exit code and everything it printed and wrote, as one text."""
    capsys.readouterr()
    code = main(["validate", str(data), "--out", str(out), *options])
    printed = capsys.readouterr()
    written = [path.read_bytes().decode("utf-8") for path in sorted(out.rglob("*")) if path.is_file()]
    return code, "\n".join([printed.out, printed.err, *written])


def structural(report, table: str) -> list[tuple]:
    failures = report.failures[report.failures["table"] == table]
    return [(r.column, r.rule, r.value, r.message) for r in failures.itertuples()]


# --- national ID numbers ------------------------------------------------------------------------


@pytest.mark.slow
def test_a_table_holding_national_ids_is_refused_and_no_output_shows_one(tmp_path, capsys):
    tables = with_ids(valid_tables(), NATIONAL)
    tables["schools"][3]["school_id"] = "10000000146"  # and one school code typed as a national ID
    data = write_data_dir(tmp_path / "data", tables)
    report = validate_data_dir(data)
    broken = {key: result.broken for key, result in report.tables.items() if result.broken}
    assert broken == {
        "schools": refusal("1 value of column 'school_id'", "it", "looks like a Turkish national ID number"),
        "students": refusal("8 values of column 'student_id'"),
        "exam_results": refusal("32 values of column 'student_id'"),
        "surveys/student_climate": refusal("16 values of column 'respondent_id'"),
    }
    assert structural(report, "students") == [("student_id", "national_id", "", broken["students"])]
    assert all(len(report.accepted[key]) == 0 for key in broken)
    assert report.tables["surveys/teacher_collaboration"].n_accepted == 6  # the other tables are checked

    code, everything = validate(data, tmp_path / "out", capsys)
    assert code == EXIT_INVALID_DATA == 1
    assert f"students.csv: broken, {broken['students']}" in everything
    for number in [*NATIONAL.values(), "10000000146"]:
        assert number not in everything
    index = pd.read_csv(tmp_path / "out" / "restricted" / "fix-lists" / "index.csv", dtype=str, keep_default_na=False)
    assert list(index["school_id"]) == [""]  # no school directory from a refused schools file
    fixes = pd.read_csv(
        tmp_path / "out" / "restricted" / "fix-lists" / "unassigned.csv", dtype=str, keep_default_na=False
    )
    assert list(fixes.loc[fixes["file"] == "students.csv", "what to change"]) == [
        "The student_id column holds national ID numbers (T.C. Kimlik No), which must not be sent, so none of "
        "the file's rows could be checked: replace them by the school's own student numbers (or leave the column "
        "out) and send the file again."
    ]
    page = (tmp_path / "out" / "shared" / "validation.html").read_text(encoding="utf-8")
    assert "national ID numbers (T.C. Kimlik No) in column &#x27;student_id&#x27;" in page


@pytest.mark.slow
def test_a_column_the_contract_does_not_know_is_looked_through_too(tmp_path):
    tables = valid_tables()
    for row, number in zip(tables["students"], ["", NATIONAL["ST01"], "", "yok", "", "", NATIONAL["ST07"], ""]):
        row["TC Kimlik No"] = number
    report = validate_data_dir(write_data_dir(tmp_path / "data", subset(tables, "students")))
    message = refusal("2 values of column 'tc kimlik no'")
    assert report.tables["students"].broken == message
    assert structural(report, "students") == [("tc kimlik no", "national_id", "", message)]


@pytest.mark.slow
def test_a_missing_header_row_shows_no_number_either(tmp_path, capsys):
    tables = with_ids(valid_tables(), NATIONAL, keys=("students",))
    data = write_data_dir(tmp_path / "data", subset(tables, "students"))
    lines = (data / "students.csv").read_text(encoding="utf-8").splitlines()
    (data / "students.csv").write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")  # the header row left out
    report = validate_data_dir(data)
    assert report.tables["students"].broken == refusal("8 values of column 'column 1'")
    code, everything = validate(data, tmp_path / "out", capsys)
    assert code == EXIT_INVALID_DATA
    assert not any(number in everything for number in NATIONAL.values())


@pytest.mark.slow
def test_eleven_digit_numbers_that_fail_the_checksum_are_ids_like_any_other(tmp_path):
    ids = {f"ST0{i}": f"1234567890{i}" for i in range(1, 9)}
    assert not any(is_national_id(number) for number in ids.values())
    report = validate_data_dir(write_data_dir(tmp_path / "data", subset(with_ids(valid_tables(), ids), "students")))
    assert report.ok
    assert set(report.accepted["students"]["student_id"]) == set(ids.values())


@pytest.mark.slow
def test_national_ids_typed_as_numbers_in_excel_are_found(tmp_path):
    tables = with_ids(valid_tables(), NATIONAL, keys=("students",))
    data = write_data_dir(tmp_path / "data", {key: tables[key] for key in ("schools", "exam_results")})
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(tables["students"][0]))
    for row in tables["students"]:
        sheet.append([int(value) if column == "student_id" else value for column, value in row.items()])
    workbook.save(data / "students.xlsx")
    report = validate_data_dir(data)
    assert report.tables["students"].broken == refusal("8 values of column 'student_id'")


@pytest.mark.slow
def test_a_file_that_cannot_be_read_does_not_quote_a_national_id(tmp_path, capsys):
    data = write_data_dir(tmp_path / "data", {key: rows for key, rows in valid_tables().items() if key != "students"})
    (data / "students.csv").write_text(
        f"student_id,school_id,grade\nST01,S01,9\nST02,S01,9,{NATIONAL['ST03']}\n", encoding="utf-8"
    )
    capsys.readouterr()
    # an optional table that cannot be read is broken (exit 1); the others are still checked
    assert main(["validate", str(data), "--out", str(tmp_path / "out")]) == EXIT_INVALID_DATA
    printed = capsys.readouterr()
    assert "row 3 has 4 cells but the header has 3 columns (extra value '<national ID number>')" in printed.out
    written = "".join(p.read_text(encoding="utf-8-sig") for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert "row 3 has 4 cells" in written
    assert NATIONAL["ST03"] not in printed.out + printed.err + written


# --- pseudonymisation ---------------------------------------------------------------------------


@pytest.mark.slow
def test_pseudonymised_national_ids_are_accepted_and_still_link(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EVALUATION_PSEUDONYM_KEY", KEY)
    data = write_data_dir(tmp_path / "data", with_ids(valid_tables(), NATIONAL))
    report = validate_data_dir(data, pseudonymize=True)
    assert report.ok
    students = report.accepted["students"]["student_id"]
    assert list(students) == [pseudonym(NATIONAL[f"ST0{i}"]) for i in range(1, 9)]
    assert set(report.accepted["exam_results"]["student_id"]) == set(students)  # the roster rule passed
    assert set(report.accepted["surveys/student_climate"]["respondent_id"]) == set(students)
    assert set(report.accepted["surveys/teacher_collaboration"]["respondent_id"]) == {
        pseudonym(teacher) for teacher in ("T01", "T02", "T03")
    }
    code, everything = validate(data, tmp_path / "out", capsys, "--pseudonymize")
    assert code == EXIT_OK
    assert "surveys/student_climate: 8 of 8 respondent_ids of the post wave are in the pre wave too" in everything
    assert not any(number in everything for number in NATIONAL.values())
    assert KEY not in everything


@pytest.mark.slow
def test_pseudonymised_ids_are_what_the_quarantine_and_fix_lists_show(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EVALUATION_PSEUDONYM_KEY", KEY)
    tables = planted_tables()
    for row in tables["students"]:
        row["veli_tc"] = NATIONAL[row["student_id"]]  # a parent's national ID, in a column no contract names
    data = write_data_dir(tmp_path / "data", tables)
    code, everything = validate(data, tmp_path / "out", capsys, "--pseudonymize")
    assert code == EXIT_INVALID_DATA
    quarantine = pd.read_csv(tmp_path / "out" / "restricted" / "quarantine.csv", dtype=str, keep_default_na=False)
    duplicate = quarantine[quarantine["rule"] == "exam_results_key_unique"]
    assert set(duplicate["value"]) == {f"{pseudonym('ST06')} / E22-PRE / mathematics"}
    fixes = pd.read_csv(tmp_path / "out" / "restricted" / "fix-lists" / "S03.csv", dtype=str, keep_default_na=False)
    assert set(fixes["found"]) >= {f"{pseudonym('ST06')} / E22-PRE / mathematics"}
    index = pd.read_csv(tmp_path / "out" / "restricted" / "fix-lists" / "index.csv", dtype=str, keep_default_na=False)
    assert list(index["school_id"]) == ["S01", "S02", "S03", "S04", ""]  # schools are no personal data
    assert not re.search(r"\b(ST0[1-8]|T0[1-3])\b", everything)
    assert not any(number in everything for number in NATIONAL.values())
    assert KEY not in everything


@pytest.mark.slow
def test_pseudonymising_without_a_key_writes_nothing(tmp_path, capsys):
    data = write_data_dir(tmp_path / "data")
    capsys.readouterr()
    assert main(["validate", str(data), "--out", str(tmp_path / "out"), "--pseudonymize"]) == EXIT_BAD_PLAN == 3
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err == (
        "evaluation validate: pseudonymisation needs a key, and none is set: set EVALUATION_PSEUDONYM_KEY to a key "
        "of at least 32 bytes, or EVALUATION_PSEUDONYM_KEY_FILE to the path of a file holding one (outside any git "
        'repository and the data folder); python -c "import secrets; print(secrets.token_hex(32))" makes a key\n'
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_key_file_in_the_data_folder_is_refused(tmp_path, capsys, monkeypatch):
    data = write_data_dir(tmp_path / "data")
    (data / "pseudonym.key").write_text(KEY + "\n", encoding="utf-8")
    monkeypatch.setenv("EVALUATION_PSEUDONYM_KEY_FILE", str(data / "pseudonym.key"))
    capsys.readouterr()
    assert main(["validate", str(data), "--pseudonymize"]) == EXIT_BAD_PLAN
    printed = capsys.readouterr()
    assert printed.err == (
        f"evaluation validate: EVALUATION_PSEUDONYM_KEY_FILE names a key file inside the data folder {data}, where "
        "it could be committed or sent along with the data; keep the key file elsewhere (such as "
        "~/.config/evaluation/pseudonym.key, readable by you only)\n"
    )
    assert printed.out == ""


# --- names and e-mail addresses -----------------------------------------------------------------


def test_no_contract_names_a_personal_column():
    contracts = [load_contract(table) for table in TABLES]
    from evaluation.config.instruments import load_instrument

    contracts += [survey_contract(load_instrument(path)) for path in sorted(INSTRUMENTS_DIR.glob("*.yaml"))]
    for contract in contracts:
        assert not set(contract.columns) & set(PERSONAL_COLUMNS), contract


@pytest.mark.slow
def test_names_and_e_mail_addresses_are_dropped_and_reach_no_output(tmp_path, capsys):
    tables = planted_tables()  # with rows to fix, so that the fix lists show rows
    names = {}
    for number, row in enumerate(tables["students"]):
        names[row["student_id"]] = f"Ayşe Yılmaz{number}"
        row.update({"Ad Soyad": names[row["student_id"]], "E-posta": f"ayse{number}@okul.example"})
    for row in tables["exam_results"]:
        row["Öğrenci Adı"] = names.get(row["student_id"], "")
    for row in tables["surveys/student_climate"]:
        row.update(ad_soyad=names[row["respondent_id"]], email="veli@example.org")
    data = write_data_dir(tmp_path / "data", subset(tables, "students", "surveys/student_climate"))
    report = validate_data_dir(data)
    for key in ("students", "exam_results", "surveys/student_climate"):
        assert not report.tables[key].broken
        assert not set(report.accepted[key].columns) & {*PERSONAL_COLUMNS, "ad_soyad", "e_posta"}
    code, everything = validate(data, tmp_path / "out", capsys)
    assert code == EXIT_INVALID_DATA
    assert "Yılmaz" not in everything and "@" not in everything


# --- the data folder is the only place read -----------------------------------------------------

OUTSIDE = "root:x:0:0:root:/root:/bin/bash\n"


def link_refused(data: Path, link: Path, kind: str, capsys) -> None:
    capsys.readouterr()
    assert main(["validate", str(data), "--out", str(data.parent / "out")]) == EXIT_UNREADABLE == 2
    printed = capsys.readouterr()
    assert printed.err == (
        f"evaluation validate: {link}: a link to a {kind} outside the data folder; the workbench reads only what "
        f"is inside the data folder, so copy the {kind} into it instead of linking to it\n"
    )
    assert printed.out == "" and "root:" not in printed.err
    assert not (data.parent / "out").exists()


@pytest.mark.slow
def test_a_table_file_linked_from_outside_is_refused(tmp_path, capsys):
    data = write_data_dir(tmp_path / "data")
    (tmp_path / "passwd").write_text(OUTSIDE, encoding="utf-8")
    (data / "indicators.csv").unlink()
    (data / "indicators.csv").symlink_to(tmp_path / "passwd")
    link_refused(data, data / "indicators.csv", "file", capsys)


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["surveys", "instruments"])
def test_a_surveys_or_instruments_folder_linked_from_outside_is_refused(tmp_path, capsys, folder):
    data = write_data_dir(tmp_path / "data")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "student_climate.yaml").write_text(OUTSIDE, encoding="utf-8")
    if folder == "surveys":
        (data / "surveys").rename(tmp_path / "elsewhere" / "surveys")
        (data / "surveys").symlink_to(tmp_path / "elsewhere" / "surveys")
    else:
        (data / "instruments").symlink_to(tmp_path / "elsewhere")
    link_refused(data, data / folder, "folder", capsys)


@pytest.mark.slow
def test_an_instrument_definition_linked_from_outside_is_refused(tmp_path, capsys):
    data = write_data_dir(tmp_path / "data")
    (tmp_path / "student_climate.yaml").write_text(OUTSIDE, encoding="utf-8")
    (data / "instruments").mkdir()
    (data / "instruments" / "student_climate.yaml").symlink_to(tmp_path / "student_climate.yaml")
    link_refused(data, data / "instruments" / "student_climate.yaml", "file", capsys)


@pytest.mark.slow
def test_links_inside_the_data_folder_are_followed(tmp_path):
    data = write_data_dir(tmp_path / "data", subset(valid_tables(), "surveys/student_climate"))
    (data / "surveys" / "student_climate.csv").rename(data / "climate-2023.csv.bak")
    (data / "surveys" / "student_climate.csv").symlink_to(data / "climate-2023.csv.bak")
    linked = tmp_path / "linked-data"
    linked.symlink_to(data)  # the data folder itself may be a link
    for folder in (data, linked):
        report = validate_data_dir(folder)
        assert report.ok and report.tables["surveys/student_climate"].n_accepted == 16


UNKNOWN_SURVEY = (
    "unknown table: the tables are schools, students, exam_results, item_responses, activities, indicators, "
    "surveys/<instrument_id>; "
    "a survey file is named after its instrument's id, in lower-case letters, digits and _ (such as "
    "surveys/student_climate.csv)"
)


@pytest.mark.slow
def test_a_survey_file_whose_name_is_no_instrument_id_is_an_unknown_table(tmp_path, capsys):
    data = write_data_dir(tmp_path / "data", subset(valid_tables()))
    (data / "surveys").mkdir()
    for name in ("Öğrenci Anketi.csv", "student-climate.csv", "Student_Climate.xlsx"):
        (data / "surveys" / name).write_text(OUTSIDE, encoding="utf-8")
    report = validate_data_dir(data)
    unknown = {key: result.broken for key, result in report.tables.items() if result.broken}
    assert unknown == {
        "surveys/Öğrenci Anketi": "unknown table",
        "surveys/student-climate": "unknown table",
        "surveys/Student_Climate": "unknown table",
    }
    assert structural(report, "surveys/student-climate") == [("", "unknown_table", "", UNKNOWN_SURVEY)]
    code, everything = validate(data, tmp_path / "out", capsys)
    assert code == EXIT_INVALID_DATA
    assert "root:" not in everything
