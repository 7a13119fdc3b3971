"""How the validation page and the schools' fix lists name columns and rows; their words are in
the catalogues (`evaluation.wording`: ``validation``, ``columns``).

Codes from the data and the contracts (column names, rule names, file names, school ids) stay as
they are, so that they can be looked up in the files.
"""

from __future__ import annotations

from evaluation.io.turkish import HEADER_SPELLINGS
from evaluation.wording import check_language, plural

__all__ = ["check_language", "column_label", "rows_text"]


def column_label(column: str, language: str) -> str:
    """A column as named in the instructions; in Turkish with its Turkish header beside it
    (``score`` -> ``score (puan)``), so that it can be found in a file with Turkish headers."""
    if language == "tr" and column in HEADER_SPELLINGS:
        return f"{column} ({HEADER_SPELLINGS[column][0]})"
    return column


def rows_text(rows: list[int], language: str) -> str:
    """``row 34`` / ``rows 22, 34`` (``satır 34`` / ``satır 22, 34``)."""
    return plural("validation.rows", len(rows), language, rows=", ".join(str(row) for row in rows))
