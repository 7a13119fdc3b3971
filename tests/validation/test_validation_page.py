"""The validation page: counts per file, rule and school, in en and tr, and no row-level data;
`evaluation validate --out` writes it with the fix lists."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from evaluation.cli import main
from evaluation.errors import EXIT_INVALID_DATA, EXIT_OK
from evaluation.validation.page import write_validation_page
from evaluation.validation.report import FAILURE_COLUMNS
from evaluation.validation.validate import validate_data_dir

from fixtures import PLANTED_WARNINGS as WARNINGS
from fixtures import planted_tables, valid_data_dir, write_data_dir

TODAY = dt.date(2026, 11, 24)
#: Every id and value planted in the data (and in the warnings): none may reach the page.
PLANTED = ("ST0", "S99", "P9", ">120<", "rescheduled", "E22-PRE", "97.5", "S77", "mathematics")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return validate_data_dir(write_data_dir(tmp_path_factory.mktemp("planted") / "data", planted_tables()))


@pytest.fixture(scope="module")
def pages(report, tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("page")
    return {
        language: write_validation_page(
            report, out / f"validation-{language}.html", language, warnings=WARNINGS, today=TODAY
        ).read_text(encoding="utf-8")
        for language in ("en", "tr")
    }


def cells(page: str, first: str) -> list[str]:
    """The cells of the table row whose first cell is ``first``."""
    match = re.search(rf"<tr><td>{re.escape(first)}</td>(.*?)</tr>", page)
    assert match, first
    return [first, *re.findall(r"<td[^>]*>(.*?)</td>", match.group(1))]


def rule_counts(page: str) -> dict[tuple[str, str], tuple[str, str]]:
    rows = re.findall(r'<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td class="number">(\d+)</td></tr>', page)
    return {(file, rule): (description, n) for file, rule, description, n in rows}


@pytest.mark.slow
def test_files_table_counts_rows(pages):
    page = pages["en"]
    assert cells(page, "exam_results.csv") == ["exam_results.csv", "33", "25", "8", ""]
    assert cells(page, "students.csv") == ["students.csv", "8", "7", "1", ""]
    assert cells(page, "activities.csv") == ["activities.csv", "3", "1", "2", ""]
    assert cells(page, "schools.csv") == ["schools.csv", "4", "4", "0", ""]
    assert "Some rows or files did not pass their data contracts." in page


@pytest.mark.slow
def test_rules_table_counts_rows_per_rule_with_its_description(pages):
    counts = rule_counts(pages["en"])
    assert counts == {
        ("students.csv", "grade_range"): ("grade must be between 1 and 12", "1"),
        ("exam_results.csv", "score_range"): ("score must be between 0 and 100", "1"),
        ("exam_results.csv", "student_id_exists"): ("student_id must be in students.csv", "4"),
        ("exam_results.csv", "school_id_exists"): ("school_id must be in schools.csv", "1"),
        ("exam_results.csv", "student_school_matches_roster"): (
            "the student must be on the roster (students.csv) at this school",
            "5",
        ),
        ("exam_results.csv", "exam_results_key_unique"): (
            "each combination of (student_id, exam_id, subject) may appear only once",
            "2",
        ),
        ("activities.csv", "partnership_id_exists"): ("partnership_id must be in schools.csv", "1"),
        ("activities.csv", "status_allowed_values"): (
            "status must be one of: planned, done, partial, postponed, cancelled",
            "1",
        ),
    }
    turkish = rule_counts(pages["tr"])
    assert turkish[("exam_results.csv", "score_range")] == ("score (puan) 0 ile 100 arasında olmalı", "1")
    assert turkish[("students.csv", "grade_range")] == ("grade (sınıf) 1 ile 12 arasında olmalı", "1")


@pytest.mark.slow
def test_schools_table_counts_and_links_to_fix_lists(pages):
    page = pages["en"]
    assert cells(page, "S01")[1:4] == ["Kayseri Bünyan Fen Lisesi", "3", "0"]
    assert cells(page, "S02")[2:4] == ["5", "0"]
    assert cells(page, "S03")[2:] == ["2", "1", '<a href="fix-lists/S03.html">open</a>']
    assert cells(page, "(none)")[1:] == [
        "Rows without a known school",
        "2",
        "1",
        '<a href="fix-lists/unassigned.html">open</a>',
    ]
    assert "<td>S04</td>" not in page
    assert re.search(r"<td>exam_results.csv</td><td>unusual score</td><td class=\"number\">1</td>", page)


@pytest.mark.slow
def test_turkish_page(pages):
    page = pages["tr"]
    assert '<html lang="tr">' in page
    assert "24.11.2026 tarihinde hazırlandı" in page
    for heading in ("Dosyalar", "Uyulmayan kurallar", "Kontrol edilecek noktalar (reddedilmedi)", "Okullar"):
        assert f"<h2>{heading}</h2>" in page
    assert cells(page, "(yok)")[1:] == [
        "Okulu belirlenemeyen satırlar",
        "2",
        "1",
        '<a href="fix-lists/unassigned.html">aç</a>',
    ]


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "tr"])
def test_page_holds_no_row_level_data(pages, language):
    for planted in PLANTED:
        assert planted not in pages[language], planted


def test_broken_file_reason_in_the_page_language(tmp_path):
    tables = planted_tables()
    data = write_data_dir(tmp_path / "data", {key: tables[key] for key in ("schools", "exam_results")})
    exams = pd.read_csv(data / "exam_results.csv", dtype=str)
    exams.drop(columns=["score", "grade"]).to_csv(data / "exam_results.csv", index=False)
    report = validate_data_dir(data)
    page = write_validation_page(report, tmp_path / "tr.html", "tr", today=TODAY).read_text(encoding="utf-8")
    assert cells(page, "exam_results.csv") == [
        "exam_results.csv",
        "33",
        "0",
        "0",
        "zorunlu sütun eksik: &#x27;grade&#x27;, &#x27;score&#x27;",
    ]
    assert "Uyulmayan kural yok." in page


@pytest.mark.slow
def test_cli_writes_page_fix_lists_and_exits_1(tmp_path, capsys):
    data = write_data_dir(tmp_path / "data", planted_tables())
    out = tmp_path / "out"
    assert main(["validate", str(data), "--out", str(out), "--language", "tr"]) == EXIT_INVALID_DATA
    printed = capsys.readouterr().out
    assert f"Validation details written to {out}" in printed and "fix-lists/" in printed
    quarantine = pd.read_csv(out / "restricted" / "quarantine.csv", dtype=str, keep_default_na=False)
    assert list(quarantine.columns) == list(FAILURE_COLUMNS)
    assert set(quarantine.loc[quarantine["table"] == "activities", "school_id"]) == {""}
    assert "<h2>Okullar</h2>" in (out / "shared" / "validation.html").read_text(encoding="utf-8")
    assert (out / "shared" / "validation-summary.csv").is_file()
    index = pd.read_csv(
        out / "restricted" / "fix-lists" / "index.csv", sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    assert list(index["file"]) == ["S01.csv", "S02.csv", "S03.csv", "S04.csv", "unassigned.csv"]
    assert {path.name for path in (out / "restricted" / "fix-lists").glob("*.html")} == {
        "S01.html",
        "S02.html",
        "S03.html",
        "S04.html",
        "unassigned.html",
    }
    # S04's rows all pass; its list holds only the data-quality warning (no teacher survey answers)
    assert index.loc[index["school_id"] == "S04", ["quarantined_rows", "warnings"]].values.tolist() == [["0", "1"]]


@pytest.mark.slow
def test_cli_on_valid_data_writes_an_empty_index_and_exits_0(tmp_path):
    out = tmp_path / "out"
    assert main(["validate", str(valid_data_dir(tmp_path)), "--out", str(out)]) == EXIT_OK
    page = (out / "shared" / "validation.html").read_text(encoding="utf-8")
    assert "All rows passed their data contracts." in page
    # every row passed; the one list is S04's data-quality warning (no teacher survey answers)
    assert sorted(path.name for path in (out / "restricted" / "fix-lists").iterdir()) == [
        "S04.csv",
        "S04.html",
        "index.csv",
    ]
    s04 = pd.read_csv(
        out / "restricted" / "fix-lists" / "S04.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    assert s04["rule"].tolist() == ["missing_school"]
