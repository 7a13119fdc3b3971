"""Read one table file (CSV, Excel .xlsx, Parquet, SPSS .sav) into a frame of strings.

Every cell comes back as text, exactly as the coordinator would see it (trimmed of surrounding
spaces), and empty cells come back missing; typing the columns is the contracts' job, so that a
value that does not parse can be reported with its original text. The frame's index is the
spreadsheet row number the coordinator sees: the header is row 1, the first data row is row 2
(rows that are entirely empty are dropped, but the numbers of the other rows are kept).

CSV files may be UTF-8, UTF-8 with a byte-order mark, or Windows-1254 (Turkish Windows); they may
be separated by ``,`` or ``;`` (or a tab); in ``;``-separated files a decimal comma (``72,5``) is
read as a decimal point (``72.5``), as Turkish-locale Excel writes them.

Excel, Parquet and SPSS cells are typed: numbers, dates and booleans are written as text the
way `cell_text` says (``72.0`` -> ``72``, a date -> ``2023-05-12``), text cells are kept as typed
(an Excel text ``72,5`` stays ``72,5``; the contract's number parser accepts the comma). SPSS
value labels are applied (a ``sex`` coded 1/2 reads as ``Kadın``/``Erkek``).

Headers are mapped to the canonical column names (`canonical_column_name`): Turkish and English
spellings of a column (``Okul Kodu``, ``ÖĞRENCİ NO``, ``School code``) give its snake_case name;
two headers that mean the same column are refused, naming both. Labels (``Ön test``, ``K``) are
the contracts' business (`evaluation.validation.validate.canonical_labels`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from evaluation.errors import UnreadableInputError
from evaluation.io.national_ids import mask_national_ids
from evaluation.io.turkish import canonical_header

#: File extensions that hold a table, in the order they are preferred when looking for a table.
TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet", ".sav")

#: Extensions that look like a table but cannot be read (yet), with what to do instead.
UNSUPPORTED_SUFFIXES = {
    ".xls": "old Excel workbooks (.xls) are not supported; save it as .xlsx",
    ".ods": "OpenDocument spreadsheets are not supported; save it as .xlsx or .csv",
    ".txt": "save it as .csv",
    ".tsv": "save it as .csv",
}

_ENCODINGS = ("utf-8-sig", "cp1254")
_SEPARATORS = (";", ",", "\t")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_DECIMAL_COMMA_GROUPS = r"^([+-]?\d+),(\d+)$"


def canonical_column_name(name: object) -> str:
    """The canonical (snake_case English) name of a header cell.

    A known Turkish or English spelling gives its column (``Okul Kodu`` -> ``school_id``,
    ``ÖĞRENCİ NO`` -> ``student_id``); any other header is trimmed, lower-cased the Turkish way
    and folded to ASCII (``BEL_1`` -> ``bel_1``). See `evaluation.io.turkish.canonical_header`.
    """
    return canonical_header(name)


def read_table(path: Path | str) -> pd.DataFrame:
    """Read a table file into a frame of strings.

    Parameters
    ----------
    path
        A ``.csv``, ``.xlsx``, ``.parquet`` or ``.sav`` file.

    Returns
    -------
    pandas.DataFrame
        One ``str`` column per header cell (canonical names, in file order), missing values for
        empty cells, indexed by the spreadsheet row number (``row``; header = 1).

    Raises
    ------
    UnreadableInputError
        The file is missing, empty, of an unknown kind, undecodable, or not a table; the message
        names the file and the reason (a national ID number it quotes is masked).
    """
    path = Path(path)
    if not path.is_file():
        raise UnreadableInputError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        raise UnreadableInputError(f"{path}: cannot read {suffix} files: {UNSUPPORTED_SUFFIXES[suffix]}")
    reader = _READERS.get(suffix)
    if reader is None:
        kinds = ", ".join(TABLE_SUFFIXES)
        raise UnreadableInputError(
            f"{path}: unknown kind of file {suffix or '(no extension)'}; expected one of {kinds}"
        )
    try:
        cells = reader(path)
        if isinstance(cells, pd.DataFrame):
            return _frame_from_cells(path, cells)
        return _frame_from_rows(path, cells)
    except UnreadableInputError as error:  # a message quoting a cell or header shows no national ID
        masked = mask_national_ids(str(error))
        if masked == str(error):
            raise
        raise UnreadableInputError(masked) from None


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())[:200]


# --- CSV ----------------------------------------------------------------------------------------


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise UnreadableInputError(
            f"{path}: not a text file (it holds NUL bytes: UTF-16 text or a binary file); save it as CSV UTF-8"
        )
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableInputError(
        f"{path}: cannot decode the text as UTF-8 or Windows-1254 (Turkish); save it as CSV UTF-8"
    )


def _sniff_separator(text: str) -> str:
    """The separator of the header line: whichever of ``;``, ``,`` and tab it holds most of."""
    header = next((line for line in text[:65536].splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _read_csv(path: Path) -> list[list[str | None]] | pd.DataFrame:
    """A CSV file as positional text columns (header included as the first row) when pyarrow
    can parse it as a regular table (the quick way, for national tables), else as rows read by
    Python's csv module, which also explains what is wrong with an irregular file."""
    text = _decode(path, path.read_bytes())
    if not text.strip():
        raise UnreadableInputError(f"{path}: the file is empty")
    sep = _sniff_separator(text)
    regular = _read_regular_csv(text, sep)
    if regular is not None:
        return regular
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True))
    except csv.Error as error:
        raise UnreadableInputError(f"{path}: not a well-formed CSV table ({_one_line(error)})") from None
    rows: list[list[str | None]] = []
    for record in records:
        cells = [cell.strip() for cell in record]
        if sep == ";":
            cells = [cell.replace(",", ".") if _DECIMAL_COMMA.match(cell) else cell for cell in cells]
        rows.append([cell or None for cell in cells])
    return rows


def _read_regular_csv(text: str, sep: str) -> pd.DataFrame | None:
    """The file's cells as a frame of positional text columns, trimmed, empty cells missing and
    decimal commas of ``;`` files as points, when every line has the header's number of cells
    (blank lines give empty rows, which keep the row numbers right); None otherwise."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pa_csv

    try:
        width = len(next(csv.reader(io.StringIO(text[:1_000_000], newline=""), delimiter=sep)))
        table = pa_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True, block_size=1 << 26),
            parse_options=pa_csv.ParseOptions(delimiter=sep, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)}, strings_can_be_null=False
            ),
        )
    except (csv.Error, StopIteration, pa.ArrowInvalid):
        return None
    if table.num_columns != width:
        return None
    columns = {}
    for position, column in enumerate(table.columns):
        column = pc.utf8_trim_whitespace(column)
        if sep == ";":
            column = pc.replace_substring_regex(column, pattern=_DECIMAL_COMMA_GROUPS, replacement=r"\1.\2")
        column = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
        columns[position] = column.to_pandas()
    return pd.DataFrame(columns)


# --- Excel, Parquet and SPSS --------------------------------------------------------------------------


def cell_text(value: object) -> str | None:
    """The text of a typed cell (from Excel or Parquet) as a coordinator would read it.

    Whole floats lose their ``.0`` (Excel stores every number as a float), dates at midnight are
    written as ``YYYY-MM-DD``, booleans as ``true``/``false``; empty cells become None.
    """
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        try:
            return cell_text(value.item())
        except (TypeError, ValueError):
            pass
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = str(value).strip()
    return text or None


def _read_xlsx(path: Path) -> list[list[str | None]]:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise UnreadableInputError(f"{path}: not a readable Excel .xlsx workbook ({_one_line(error)})") from None
    try:
        if not workbook.worksheets:
            raise UnreadableInputError(f"{path}: the workbook has no sheet")
        sheet = workbook.worksheets[0]  # the first sheet holds the table
        return [[cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _read_parquet(path: Path) -> list[list[str | None]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as error:  # pyarrow raises several kinds (ArrowInvalid, OSError, ...)
        raise UnreadableInputError(f"{path}: not a readable Parquet file ({_one_line(error)})") from None
    columns = [[cell_text(value) for value in column.to_pylist()] for column in table.columns]
    header: list[str | None] = list(table.column_names)
    return [header, *map(list, zip(*columns, strict=True))]


def _read_sav(path: Path) -> list[list[str | None]]:
    """An SPSS file with its value labels applied: a ``sex`` coded 1/2 with the labels ``Kadın``
    and ``Erkek`` reads as those words (a value without a label stays a number)."""
    import pyreadstat

    try:
        frame, _ = pyreadstat.read_sav(path, apply_value_formats=True, formats_as_category=False)
    except Exception as error:  # pyreadstat raises ReadstatError, PyreadstatError, OSError, ...
        raise UnreadableInputError(f"{path}: not a readable SPSS .sav file ({_one_line(error)})") from None
    columns = [[cell_text(value) for value in frame[name].tolist()] for name in frame.columns]
    header: list[str | None] = [str(name) for name in frame.columns]
    return [header, *map(list, zip(*columns, strict=True))]


_READERS: dict[str, Callable[[Path], list[list[str | None]] | pd.DataFrame]] = {
    ".csv": _read_csv,
    ".xlsx": _read_xlsx,
    ".parquet": _read_parquet,
    ".sav": _read_sav,
}


# --- rows to frame ------------------------------------------------------------------------------


def _frame_from_rows(path: Path, rows: Sequence[Sequence[str | None]]) -> pd.DataFrame:
    """Header and data rows to a frame of strings indexed by spreadsheet row number."""
    if not rows:
        raise UnreadableInputError(f"{path}: the file is empty")
    width = len(rows[0])  # trailing header cells without data are dropped by _frame_from_cells
    for number, row in enumerate(rows[1:], start=2):
        extra = [cell for cell in row[width:] if cell is not None]
        if extra:
            raise UnreadableInputError(
                f"{path}: row {number} has {len(row)} cells but the header has {width} columns "
                f"(extra value {extra[0]!r}); check the separator and quoting"
            )
    cells = pd.DataFrame([list(row[:width]) + [None] * (width - len(row)) for row in rows], dtype="str")
    return _frame_from_cells(path, cells)


def _frame_from_cells(path: Path, cells: pd.DataFrame) -> pd.DataFrame:
    """A frame of positional text columns whose first row is the header, to a frame of strings
    named by the header and indexed by spreadsheet row number, without its empty rows."""
    if not len(cells) or cells.iloc[0].isna().all():
        if cells.isna().all().all():
            raise UnreadableInputError(f"{path}: the file is empty")
        raise UnreadableInputError(f"{path}: the first row must hold the column names, but it is empty")
    header = [None if pd.isna(cell) else cell for cell in cells.iloc[0]]
    body = cells.iloc[1:]
    width = len(header)
    while width and header[width - 1] is None and body.iloc[:, width - 1].isna().all():
        width -= 1
    names = [
        canonical_column_name(cell) if cell is not None else f"unnamed_{position}"
        for position, cell in enumerate(header[:width], start=1)
    ]
    seen: dict[str, str] = {}
    for name, cell in zip(names, header, strict=False):
        spelling = str(cell).replace("\ufeff", "").strip()
        if name in seen:
            raise UnreadableInputError(
                f"{path}: the column {name!r} appears twice in the header (as {seen[name]!r} and {spelling!r}); "
                "keep one"
            )
        seen[name] = spelling
    frame = body.iloc[:, :width].set_axis(names, axis=1)
    frame.index = pd.Index(range(2, len(body) + 2), dtype="int64", name="row")
    return _drop_empty_unnamed(frame[frame.notna().any(axis=1)])


def _drop_empty_unnamed(frame: pd.DataFrame) -> pd.DataFrame:
    empty = [name for name in frame.columns if name.startswith("unnamed_") and frame[name].isna().all()]
    return frame.drop(columns=empty) if empty else frame
