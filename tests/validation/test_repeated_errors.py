"""One mistake on many rows: the outputs grow with the rows (quarantine.csv, one line per row and
rule) or not at all (the fix lists: one line per school and mistake), never with rows x rows.

These are size checks, not timings: `benchmarks/repeated_errors.py` measures time and memory
(README, "One mistake on 200,000 rows").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.validation.fix_lists import fix_list_items, write_fix_lists
from evaluation.validation.report import TableResult, ValidationReport, failures_frame
from evaluation.validation.validate import validate_data_dir
from evaluation.validation.wording import MAX_ROW_RANGES, row_ranges, rows_cell, rows_text

from fixtures import valid_tables, write_data_dir

SCHOOLS = ("S01", "S02", "S03", "S04")
SURVEY = "surveys/student_climate"


def test_rows_are_written_as_runs():
    assert row_ranges([5, 2, 3, 4, 9, 11, 12, 12]) == ["2\u20135", "9", "11\u201312"]
    assert rows_cell(range(2, 200_002), "en") == "2\u2013200001"
    assert rows_text([34], "en") == "row 34" and rows_text([22, 34], "en") == "rows 22, 34"


def test_a_row_cell_stays_short_however_many_rows():
    every_other = range(2, 400_002, 2)  # 200,000 rows, none next to another
    cell = rows_cell(every_other, "en")
    assert cell.startswith("2, 4, 6, 8, ") and cell.endswith(", 198, 200 and 199,900 more rows up to row 400000")
    assert len(cell) < 600 and len(rows_cell(every_other, "tr")) < 600
    assert rows_cell(range(2, 2 + 2 * MAX_ROW_RANGES, 2), "en").count(",") == MAX_ROW_RANGES - 1


def _report(data: Path, n_rows: int, every: int = 1) -> ValidationReport:
    """A report of ``n_rows`` survey rows whose wave is ``1. uygulama`` (the rows spread over the
    four schools in runs of 50 rows; ``every`` > 1 leaves gaps between the failing rows)."""
    rows = range(2, 2 + n_rows * every, every)
    failures = failures_frame(
        [
            {
                "table": SURVEY,
                "file": f"{SURVEY}.csv",
                "school_id": SCHOOLS[(row // 50) % len(SCHOOLS)],
                "row": row,
                "column": "wave",
                "value": "1. uygulama",
                "rule": "wave_allowed_values",
                "message": "must be one of pre, post",
            }
            for row in rows
        ]
    )
    tables = {
        "schools": TableResult("schools", data / "schools.csv", 4, 4, 0),
        SURVEY: TableResult(SURVEY, data / f"{SURVEY}.csv", n_rows, 0, n_rows),
    }
    return ValidationReport(data_dir=data, tables=tables, accepted={}, failures=failures)


def _sizes(folder: Path) -> tuple[int, int]:
    files = list((folder / "fix-lists").glob("*.csv"))
    return sum(path.read_bytes().count(b"\n") for path in files), sum(path.stat().st_size for path in files)


@pytest.mark.slow
def test_200000_rows_with_one_mistake_give_one_line_per_school(tmp_path):
    data = write_data_dir(tmp_path / "data", {"schools": valid_tables()["schools"]})
    small, large = _report(data, 2_000), _report(data, 200_000)
    write_fix_lists(small, tmp_path / "small", "en")
    write_fix_lists(large, tmp_path / "large", "en")
    lines, size = _sizes(tmp_path / "large")
    assert lines == _sizes(tmp_path / "small")[0] == 2 * len(SCHOOLS) + 1 + len(SCHOOLS)  # header + 1 line each
    assert size < 8_000  # bytes, for all four lists and the index
    s01 = fix_list_items(large, "en")["S01"]
    assert len(s01) == 1 and s01.loc[0, "value"] == "1. uygulama"
    assert s01.loc[0, "fix"] == "Write one of these in the wave column: pre, post."
    assert len(s01.loc[0, "_rows"]) == 50_000
    assert s01.loc[0, "row"].endswith("19800\u201319849 and 45,002 more rows up to row 200001")


@pytest.mark.slow
def test_gaps_between_the_rows_do_not_lengthen_the_lists(tmp_path):
    data = write_data_dir(tmp_path / "data", {"schools": valid_tables()["schools"]})
    write_fix_lists(_report(data, 100_000, every=3), tmp_path / "out", "tr")
    lines, size = _sizes(tmp_path / "out")
    assert lines == 2 * len(SCHOOLS) + 1 + len(SCHOOLS) and size < 8_000


def _survey_with(data: Path, n_rows: int, change) -> Path:
    """The valid tables with a student_climate survey of ``n_rows`` rows, each changed by ``change``."""
    tables = valid_tables()
    first = tables[SURVEY][0]
    tables[SURVEY] = [
        change({**first, "respondent_id": f"R{number:06d}", "school_id": SCHOOLS[number % len(SCHOOLS)]}, number)
        for number in range(n_rows)
    ]
    return write_data_dir(data, tables)


def _outputs(root: Path, n_rows: int, change) -> tuple[ValidationReport, int]:
    report = validate_data_dir(_survey_with(root / "data", n_rows, change))
    write_fix_lists(report, root / "out", "en")
    return report, _sizes(root / "out")[0]


@pytest.mark.slow
def test_a_systematic_mistake_on_ten_times_the_rows_gives_the_same_fix_lists(tmp_path):
    def wave(row: dict, number: int) -> dict:
        return {**row, "wave": "1. uygulama"}

    small, small_lines = _outputs(tmp_path / "small", 2_000, wave)
    large, large_lines = _outputs(tmp_path / "large", 20_000, wave)
    assert (small.tables[SURVEY].n_quarantined, large.tables[SURVEY].n_quarantined) == (2_000, 20_000)
    assert len(large.failures) == 20_000  # quarantine.csv: one line per row and rule
    assert large_lines == small_lines == 2 * len(SCHOOLS) + 1 + len(SCHOOLS)


@pytest.mark.slow
def test_one_value_on_20000_rows_of_a_key_names_a_few_copies_each(tmp_path):
    # every row is the same respondent in the same wave: 20,000 copies of one key
    def same(row: dict, number: int) -> dict:
        return {**row, "respondent_id": "R1", "school_id": "S01"}

    report, lines = _outputs(tmp_path, 20_000, same)
    duplicates = report.failures[report.failures["rule"] == "survey_key_unique"]
    assert len(duplicates) == 20_000
    assert duplicates["message"].str.len().max() < 120  # five rows named, then "..."
    assert duplicates["message"].iloc[0].endswith("the same value is on rows 3, 4, 5, 6, 7, ...")
    assert lines == 2 + 2  # S01's header and one line, the index's header and one line
    s01 = pd.read_csv(tmp_path / "out" / "fix-lists" / "S01.csv", encoding="utf-8-sig", dtype=str)
    assert s01.loc[0, "row"] == "2\u201320001"
    assert "(rows 2\u201320001)" in s01.loc[0, "what to change"]
