"""How the validation page and the schools' fix lists name columns and rows; their words are in
the catalogues (`evaluation.wording`: ``validation``, ``columns``).

Codes from the data and the contracts (column names, rule names, file names, school ids) stay as
they are, so that they can be looked up in the files.
"""

from __future__ import annotations

from collections.abc import Iterable

from evaluation.io.turkish import HEADER_SPELLINGS
from evaluation.wording import check_language, plural

__all__ = ["MAX_ROW_RANGES", "check_language", "column_label", "row_ranges", "rows_cell", "rows_text"]


def column_label(column: str, language: str) -> str:
    """A column as named in the instructions; in Turkish with its Turkish header beside it
    (``score`` -> ``score (puan)``), so that it can be found in a file with Turkish headers."""
    if language == "tr" and column in HEADER_SPELLINGS:
        return f"{column} ({HEADER_SPELLINGS[column][0]})"
    return column


#: At most this many runs of rows are listed in one cell; the others are counted.
MAX_ROW_RANGES = 100
#: Between the first and last row of a run (an en dash: Excel reads ``2-13`` as a date).
RANGE_DASH = "\u2013"


def _runs(ordered: list[int]) -> list[tuple[int, int]]:
    """Sorted distinct row numbers as (first, last) of each run of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in ordered:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _run_text(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}{RANGE_DASH}{last}"


def row_ranges(rows: Iterable[int]) -> list[str]:
    """Row numbers as runs of consecutive rows, in order: ``[2, 3, 4, 5, 9]`` -> ``["2–5", "9"]``."""
    return [_run_text(first, last) for first, last in _runs(sorted(set(rows)))]


def rows_cell(rows: Iterable[int], language: str) -> str:
    """The rows of a repeated mistake, compactly: ``2–20001``, ``4, 9–12``; beyond
    `MAX_ROW_RANGES` runs, the first runs and how many more rows up to which row
    (``2, 4, 6, ..., 200 and 199,900 more rows up to row 400000``). About 2,000 characters at most,
    however many rows: a list holds every row of a mistake on a few rows, and the first runs of
    a systematic one, whose rows are better found by filtering on the value."""
    ordered = sorted(set(rows))
    runs = _runs(ordered)
    if len(runs) <= MAX_ROW_RANGES:
        return ", ".join(_run_text(first, last) for first, last in runs)
    shown = runs[:MAX_ROW_RANGES]
    n_more = len(ordered) - sum(last - first + 1 for first, last in shown)
    ranges = ", ".join(_run_text(first, last) for first, last in shown)
    return plural("validation.more_rows", n_more, language, ranges=ranges, last=str(ordered[-1]))


def rows_text(rows: Iterable[int], language: str) -> str:
    """``row 34`` / ``rows 22, 34`` / ``rows 2–20001`` (``satır 34`` / ``satır 22, 34``), the rows
    as `rows_cell` writes them."""
    rows = sorted(set(rows))
    return plural("validation.rows", len(rows), language, rows=rows_cell(rows, language))
