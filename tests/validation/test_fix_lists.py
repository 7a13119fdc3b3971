"""Fix lists: each school's CSV and page hold exactly its rows, with what to change, in en and tr."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from evaluation.validation.fix_lists import file_names, fix_list_items, write_fix_lists
from evaluation.validation.validate import validate_data_dir

from fixtures import PLANTED_WARNINGS as WARNINGS
from fixtures import planted_tables, valid_tables, write_csv, write_data_dir

BOM = b"\xef\xbb\xbf"
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return validate_data_dir(write_data_dir(tmp_path_factory.mktemp("planted") / "data", planted_tables()))


@pytest.fixture(scope="module")
def english(report, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("en")
    write_fix_lists(report, out, "en", warnings=WARNINGS, today=TODAY)
    return out / "fix-lists"


@pytest.fixture(scope="module")
def turkish(report, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tr")
    write_fix_lists(report, out, "tr", today=TODAY)
    return out / "fix-lists"


def read(path: Path, sep: str) -> pd.DataFrame:
    assert path.read_bytes().startswith(BOM), path
    return pd.read_csv(path, sep=sep, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def lines(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(record) for record in frame[list(columns)].itertuples(index=False)]


ROOT_ST03 = (
    "Nothing to change here: these rows were rejected only because row 4 of students.csv, which they refer to, "
    "was rejected. Fix that row and these rows pass too."
)
ROSTER = (
    "This student is not on the roster (students.csv) at this school: check the student number and the "
    "school code against students.csv."
)


@pytest.mark.slow
def test_only_schools_with_something_to_fix_get_a_list(english, turkish):
    expected = {"S01", "S02", "S03", "unassigned", "index"}
    assert {path.stem for path in english.glob("*.csv")} == expected
    assert {path.stem for path in english.glob("*.html")} == expected - {"index"}
    assert {path.stem for path in turkish.glob("*.csv")} == expected
    assert not (english / "S04.csv").exists()  # S04's rows all passed


@pytest.mark.slow
def test_school_list_holds_exactly_its_rows_and_what_to_change(english):
    s01 = read(english / "S01.csv", ",")
    assert list(s01.columns) == [
        "file",
        "student",
        "subject",
        "wave",
        "row",
        "column",
        "found",
        "what to change",
        "rule",
        "status",
    ]
    assert lines(s01, "file", "row", "column", "found", "what to change", "rule") == [
        (
            "activities.csv",
            "3",
            "status",
            "rescheduled",
            "Write one of these in the status column: planned, done, partial, postponed, cancelled.",
            "status_allowed_values",
        ),
        (
            "exam_results.csv",
            "4",
            "score",
            "120",
            "Write a value between 0 and 100 in the score column.",
            "score_range",
        ),
        ("exam_results.csv", "14", "student_id, school_id", "ST04 / S01", ROSTER, "student_school_matches_roster"),
    ]
    assert set(s01["status"]) == {"rejected"}


@pytest.mark.slow
def test_knock_on_failures_point_to_the_row_to_fix_first(english):
    s02 = read(english / "S02.csv", ",")
    # the root cause first: ST03's roster row; its three results break two rules each, and are one
    # line right under it, pointing to it (not counted as a problem of their own)
    assert lines(s02, "file", "row", "rule", "found", "status") == [
        ("students.csv", "4", "grade_range", "13", "rejected"),
        (
            "exam_results.csv",
            "11\u201313",
            "student_id_exists; student_school_matches_roster",
            "ST03",
            "fixed with the row above",
        ),
        ("activities.csv", "3", "status_allowed_values", "rescheduled", "rejected"),
    ]
    assert s02.loc[1, "what to change"] == ROOT_ST03
    assert s02.loc[1, "student"] == "ST03"
    assert s02.loc[0, "what to change"] == "Write a value between 1 and 12 in the grade column."


@pytest.mark.slow
def test_duplicates_are_one_line_naming_both_copies_and_warnings_come_last(english):
    s03 = read(english / "S03.csv", ",")
    key = "student_id, exam_id, subject"
    assert lines(s03, "row", "column", "found", "what to change", "status") == [
        (
            "22, 34",
            key,
            "ST06 / E22-PRE / mathematics",
            f"The same ({key}) is on more than one row (rows 22, 34): keep only one of these rows, or correct the "
            "values.",
            "rejected",
        ),
        ("20", "score", "97.5", "score far above the school's other scores", "to check"),
    ]
    assert s03.loc[1, "rule"] == "outlier"


@pytest.mark.slow
def test_unknown_school_and_partnership_go_to_the_unassigned_list(english):
    unassigned = read(english / "unassigned.csv", ",")
    assert lines(unassigned, "file", "row", "rule", "found") == [
        ("activities.csv", "4", "partnership_id_exists", "P9"),
        ("exam_results.csv", "10", "student_id_exists", "ST03"),
        ("exam_results.csv", "10", "school_id_exists", "S99"),
        ("exam_results.csv", "10", "student_school_matches_roster", "ST03 / S99"),
        ("surveys/student_climate.csv", "5", "straight_lining", "5 / 5"),
    ]
    assert unassigned.loc[2, "what to change"] == (
        "School code S99 is not in schools.csv: correct the school code, or add the school to schools.csv."
    )
    assert unassigned.loc[0, "what to change"] == (
        "Partnership P9 is not in schools.csv: correct the partnership "
        "code, or write it for the partner schools in schools.csv."
    )


@pytest.mark.slow
def test_rows_without_a_school_id_are_unassigned(tmp_path):
    tables = valid_tables()
    tables["exam_results"][5]["school_id"] = ""  # row 7
    tables["schools"].append({**tables["schools"][1], "school_id": ""})  # row 6: a school of P1 without its code
    report = validate_data_dir(write_data_dir(tmp_path / "data", tables))
    write_fix_lists(report, tmp_path / "out", "en", today=TODAY)
    unassigned = read(tmp_path / "out" / "fix-lists" / "unassigned.csv", ",")
    assert lines(unassigned, "file", "row", "rule", "what to change") == [
        ("exam_results.csv", "7", "school_id_required", "Fill in the school_id column: it must not be empty."),
        ("schools.csv", "6", "school_id_required", "Fill in the school_id column: it must not be empty."),
    ]


@pytest.mark.slow
def test_index_counts_rejected_rows_and_warnings(english):
    index = read(english / "index.csv", ",")
    assert list(index.columns) == ["school_id", "school_name", "quarantined_rows", "warnings", "file"]
    assert lines(index, "school_id", "quarantined_rows", "warnings", "file") == [
        ("S01", "3", "0", "S01.csv"),
        ("S02", "5", "0", "S02.csv"),
        ("S03", "2", "1", "S03.csv"),
        ("", "2", "1", "unassigned.csv"),
    ]
    assert index.loc[1, "school_name"] == "İzmir Karşıyaka Anadolu Lisesi"


@pytest.mark.slow
def test_turkish_lists_use_turkish_words_and_semicolons(turkish):
    s01 = read(turkish / "S01.csv", ";")
    assert list(s01.columns) == [
        "dosya",
        "öğrenci",
        "ders",
        "uygulama",
        "satır",
        "sütun",
        "bulunan değer",
        "yapılması gereken",
        "kural",
        "durum",
    ]
    assert lines(s01, "satır", "yapılması gereken") == [
        (
            "3",
            "status (durum) sütununa şunlardan birini yazın: planlandı (planned), yapıldı (done), kısmen (partial), "
            "ertelendi (postponed), iptal (cancelled).",
        ),
        ("4", "score (puan) sütununa 0 ile 100 arasında bir değer yazın."),
        (
            "14",
            "Bu öğrenci bu okulun öğrenci listesinde (students.csv) yok: öğrenci numarasını ve okul kodunu "
            "students.csv dosyasıyla karşılaştırıp düzeltin.",
        ),
    ]
    assert set(s01["durum"]) == {"reddedildi"}
    s02 = read(turkish / "S02.csv", ";")
    assert s02.loc[1, "yapılması gereken"] == (
        "Burada değiştirilecek bir şey yok: bu satırlar yalnızca bağlı oldukları students.csv dosyasının 4. "
        "satırı reddedildiği için reddedildi. O satırı düzeltin; bu satırlar da kabul edilir."
    )
    unassigned = read(turkish / "unassigned.csv", ";")
    assert unassigned.loc[2, "yapılması gereken"] == (
        "S99 okul kodu schools.csv dosyasında yok: okul kodunu düzeltin ya da okulu schools.csv dosyasına ekleyin."
    )
    index = read(turkish / "index.csv", ";")
    assert index.loc[3, "school_name"] == "Okulu belirlenemeyen satırlar"


@pytest.mark.slow
def test_school_page_lists_rows_sorted_with_counts(english, turkish):
    page = (english / "S01.html").read_text(encoding="utf-8")
    assert "<title>What to fix: Kayseri Bünyan Fen Lisesi (S01)</title>" in page
    assert "made on 2026-11-24" in page
    assert "3 rejected rows, 3 problems to fix, 0 points to check." in page
    assert page.index("rescheduled") < page.index(">120<") < page.index("ST04 / S01")
    assert "To check (not rejected)" not in page
    s03 = (english / "S03.html").read_text(encoding="utf-8")
    assert s03.index("Rejected rows") < s03.index("To check (not rejected)") < s03.index("97.5")
    tr = (turkish / "S02.html").read_text(encoding="utf-8")
    assert "Düzeltilecekler: İzmir Karşıyaka Anadolu Lisesi (S02)" in tr
    assert "24.11.2026 tarihinde" in tr
    # 5 rows, but 2 root causes: the roster row (its 3 exam rows follow from it) and the activity
    assert "5 reddedilen satır, düzeltilecek 2 sorun, kontrol edilecek 0 nokta." in tr


def broken_report(tmp_path: Path, table: str, drop: str, rows_of: tuple[str, ...] | None = None):
    tables = valid_tables()
    tables["students"][0]["grade"] = "13"  # row 2: ST01 at S01, a row problem besides the broken file
    data = write_data_dir(tmp_path / "data", {key: tables[key] for key in ("schools", "students", "exam_results")})
    rows = [row for row in tables[table] if rows_of is None or row["school_id"] in rows_of]
    write_csv(data / f"{table}.csv", rows, columns=[column for column in rows[0] if column != drop])
    return validate_data_dir(data)


@pytest.mark.slow
def test_a_broken_file_heads_the_lists_of_the_schools_in_it(tmp_path):
    report = broken_report(tmp_path, "exam_results", "score", rows_of=("S01", "S02"))
    write_fix_lists(report, tmp_path / "out", "en", today=TODAY)
    folder = tmp_path / "out" / "fix-lists"
    assert {path.stem for path in folder.glob("*.csv")} == {"S01", "S02", "index"}
    s01 = read(folder / "S01.csv", ",")
    assert lines(s01, "file", "row", "column", "rule") == [
        ("exam_results.csv", "", "score", "required_column"),
        ("students.csv", "2", "grade", "grade_range"),
    ]
    assert s01.loc[0, "what to change"] == (
        "The file has no score column, so none of its rows could be checked: add the column and send the file again."
    )
    page = (folder / "S02.html").read_text(encoding="utf-8")
    assert page.index("Files that could not be checked") < page.index("The file has no score column")


@pytest.mark.slow
def test_a_broken_schools_file_heads_every_schools_list(tmp_path):
    report = broken_report(tmp_path, "schools", "province")
    write_fix_lists(report, tmp_path / "out", "tr", today=TODAY)
    folder = tmp_path / "out" / "fix-lists"
    assert {path.stem for path in folder.glob("*.csv")} == {"S01", "S02", "S03", "S04", "index"}
    for school in ("S01", "S02", "S03", "S04"):
        first = read(folder / f"{school}.csv", ";").iloc[0]
        assert (first["dosya"], first["satır"], first["kural"]) == ("schools.csv", "", "required_column")
        assert first["yapılması gereken"].startswith("Dosyada province (il) sütunu yok")
    s01 = read(folder / "S01.csv", ";")  # then S01's rows: ST01's rejected roster row and its knock-ons
    assert lines(s01, "dosya", "satır")[1:] == [("students.csv", "2"), ("exam_results.csv", "2\u20135")]


@pytest.mark.slow
def test_rewriting_removes_lists_of_schools_now_clean(report, tmp_path):
    write_fix_lists(report, tmp_path, "en", today=TODAY)
    clean = validate_data_dir(write_data_dir(tmp_path / "clean", valid_tables()))
    written = write_fix_lists(clean, tmp_path, "en", today=TODAY)
    assert written == [tmp_path / "fix-lists" / "index.csv"]
    assert sorted(path.name for path in (tmp_path / "fix-lists").iterdir()) == ["index.csv"]


def test_file_names_are_safe_and_distinct():
    assert file_names(["S01", "a/b", "a b", "index", "unassigned"]) == {
        "S01": "S01",
        "a/b": "a_b",
        "a b": "a_b-2",
        "index": "school_index",
        "unassigned": "unassigned",
    }


@pytest.mark.slow
def test_duplicates_written_differently_name_each_other(tmp_path):
    # "ÖN TEST" and "pre" are the same wave to the rules, so the two rows are one respondent twice;
    # written differently, they are two lines, and each names both rows
    tables = valid_tables()
    survey = tables["surveys/student_climate"]
    copy = dict(survey[0])
    copy["wave"] = "ÖN TEST"
    survey.append(copy)
    report = validate_data_dir(write_data_dir(tmp_path / "data", tables))
    duplicates = report.failures[report.failures["rule"].str.endswith("key_unique")]
    assert duplicates["row"].tolist() == [2, len(survey) + 1]
    s01 = fix_list_items(report, "en")["S01"]
    fixes = s01[s01["rule"] == "survey_key_unique"]
    assert fixes["row"].tolist() == ["2", str(len(survey) + 1)]
    assert all(f"(rows 2, {len(survey) + 1})" in fix for fix in fixes["fix"])


@pytest.mark.slow
def test_an_unreadable_optional_table_heads_every_list_and_the_rest_is_checked(tmp_path):
    from evaluation.cli import main

    tables = valid_tables()
    tables["students"][0]["grade"] = "13"  # row 2: ST01 at S01
    data = write_data_dir(tmp_path / "data", {key: tables[key] for key in ("schools", "students", "exam_results")})
    (data / "indicators.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # an old Excel workbook
    assert main(["validate", str(data), "--out", str(tmp_path / "out")]) == 1
    reason = "cannot read .xls files: old Excel workbooks (.xls) are not supported; save it as .xlsx"
    quarantine = pd.read_csv(tmp_path / "out" / "restricted" / "quarantine.csv", dtype=str, keep_default_na=False)
    assert lines(quarantine, "file", "row", "rule", "message")[0] == (
        "students.csv",
        "2",
        "grade_range",
        "must be between 1 and 12",
    )  # then ST01's exam results (knock-ons), and the file that could not be read
    assert lines(quarantine, "file", "row", "rule", "message")[-1] == ("indicators.xls", "", "unreadable_file", reason)
    folder = tmp_path / "out" / "restricted" / "fix-lists"
    assert {path.stem for path in folder.glob("*.csv")} == {"S01", "S02", "S03", "S04", "index"}
    for school in ("S01", "S02", "S03", "S04"):  # the file names no school: every list has it first
        first = read(folder / f"{school}.csv", ",").iloc[0]
        assert (first["file"], first["row"], first["rule"]) == ("indicators.xls", "", "unreadable_file")
        assert first["what to change"] == (
            f"The file could not be read, so none of its rows were checked ({reason}): correct it and send it again."
        )
    assert lines(read(folder / "S01.csv", ","), "file", "row")[-2:] == [
        ("students.csv", "2"),
        ("exam_results.csv", "2\u20135"),
    ]
    page = (tmp_path / "out" / "shared" / "validation.html").read_text(encoding="utf-8")
    assert f"cannot be read: {reason}" in page
