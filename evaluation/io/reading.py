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

Exports from e-Okul and MEBBİS often put a title above the column names (``2022-2023 Ortak Sınav
Sonuçları``). Given the table's known columns, a first row that names none of them is taken for
such a title when one of the next `MAX_TITLE_ROWS` rows names at least two: that row is the
header, the rows above it are not data, and the frame says so (``frame.attrs["header_row"]``,
the header's row number, and ``frame.attrs["title"]``); the rows keep their spreadsheet numbers.

Nothing a file declares about its own size is trusted; sizes are checked against limits before
anything is allocated for them, and a file over a limit is refused with one line naming it:

- a CSV line may hold at most `MAX_LINE_BYTES` (1 MiB), checked on the bytes before any parser
  sees them (a 50 MB line once made the CSV parser allocate 11 GB);
- a cell may hold at most `MAX_CELL_CHARS` characters (32,767, Excel's own limit) and a table at
  most `MAX_COLUMNS` columns (16,384, Excel's own limit), in every kind of file;
- an Excel sheet's declared dimension (``A1:XFD1048576``) is ignored: rows are read as they are;
- a Parquet or SPSS file's declared number of values is checked before reading, against
  `MAX_CELLS` and, for SPSS, against what a file of its size can hold (both libraries allocate
  for the declared number: a Parquet file declaring 10^12 values was killed for want of memory).
- a CSV file whose lines mix UTF-8 and Windows-1254 is refused, naming the first line that is
  not UTF-8 (read whole as Windows-1254, its UTF-8 letters would silently turn into ``Ã–``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import math
import re
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

import numpy as np
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
#: Limits (see the module docstring).
MAX_LINE_BYTES = 1 << 20
MAX_CELL_CHARS = 32_767
MAX_COLUMNS = 16_384
MAX_CELLS = 200_000_000
#: Rows above the header that may hold a title.
MAX_TITLE_ROWS = 10
#: A Turkish or other Latin letter as UTF-8 (U+00C0-U+017F: two bytes, C3-C5 then a continuation
#: byte); as Windows-1254 these pairs read as Ã, Ä or Å and a symbol, which Turkish text never has.
_UTF8_LETTER = re.compile(rb"[\xc3-\xc5][\x80-\xbf]")
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


def read_table(path: Path | str, columns: Collection[str] = ()) -> pd.DataFrame:
    """Read a table file into a frame of strings.

    Parameters
    ----------
    path
        A ``.csv``, ``.xlsx``, ``.parquet`` or ``.sav`` file.
    columns
        The table's known (canonical) column names: when given, a title above the header is
        found and left out (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        One ``str`` column per header cell (canonical names, in file order), missing values for
        empty cells, indexed by the spreadsheet row number (``row``; header = 1).

    Raises
    ------
    UnreadableInputError
        The file is missing, empty, of an unknown kind, undecodable, not a table, or over a limit
        of the module docstring; the message names the file and the reason (and the line, row
        or column where it lies; a national ID number it quotes is masked).
    """
    path = Path(path)
    if not path.is_file():
        raise UnreadableInputError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        raise UnreadableInputError(f"{path}: cannot read {suffix} files: {UNSUPPORTED_SUFFIXES[suffix]}")
    if suffix not in TABLE_SUFFIXES:
        kinds = ", ".join(TABLE_SUFFIXES)
        raise UnreadableInputError(
            f"{path}: unknown kind of file {suffix or '(no extension)'}; expected one of {kinds}"
        )
    known = frozenset(columns)
    try:
        if suffix == ".csv":
            cells, header_row, title = _read_csv(path, known)
        else:
            rows = _READERS[suffix](path)
            position = _header_index(rows, known)
            cells, header_row, title = rows[position:], position + 1, _title(rows[:position])
        if isinstance(cells, pd.DataFrame):
            frame = _frame_from_cells(path, cells, header_row)
        else:
            frame = _frame_from_rows(path, cells, header_row)
    except UnreadableInputError as error:  # a message quoting a cell or header shows no national ID
        masked = mask_national_ids(str(error))
        if masked == str(error):
            raise
        raise UnreadableInputError(masked) from None
    if header_row > 1:
        frame.attrs.update(header_row=header_row, title=title)
    return frame


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())[:200]


# --- the header row ------------------------------------------------------------------------------


def _known_count(cells: Sequence[str | None], known: frozenset[str]) -> int:
    return sum(1 for cell in cells if cell is not None and str(cell).strip() and canonical_column_name(cell) in known)


def _header_index(rows: Sequence[Sequence[str | None]], known: frozenset[str]) -> int:
    """The position of the header among ``rows``: 0, unless ``known`` columns are given, the first
    row names none of them and one of the next `MAX_TITLE_ROWS` rows names two or more (the first
    such row: the rows above it are a title)."""
    if not known or not rows or _known_count(rows[0], known):
        return 0
    for position, row in enumerate(rows[1 : MAX_TITLE_ROWS + 1], start=1):
        if _known_count(row, known) >= 2:
            return position
    return 0


def _title(rows: Sequence[Sequence[str | None]]) -> str:
    """The first non-empty cell above the header (the title), trimmed to 100 characters."""
    for row in rows:
        for cell in row:
            if cell is not None and str(cell).strip():
                return " ".join(str(cell).split())[:100]
    return ""


# --- CSV ----------------------------------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\n|\r")


def _check_line_lengths(path: Path, data: bytes) -> None:
    """Refuse a file with a line longer than `MAX_LINE_BYTES`, naming the line, before a parser
    sees it. Lines end at ``\\n`` (or at ``\\r`` in a file without any ``\\n``: old Mac
    exports); scanned in blocks with numpy, in time linear in the file and little memory."""
    if len(data) <= MAX_LINE_BYTES:
        return
    import numpy as np

    end = 10 if data.find(b"\n") >= 0 else 13
    buffer = np.frombuffer(data, dtype=np.uint8)
    block = 1 << 26
    last_break, lines_before = -1, 0
    for start in range(0, len(buffer), block):
        breaks = np.flatnonzero(buffer[start : start + block] == end) + start
        bounds = np.concatenate(([last_break], breaks))
        lengths = np.diff(bounds) - 1
        long = np.flatnonzero(lengths > MAX_LINE_BYTES)
        if len(long):
            _refuse_long_line(path, lines_before + int(long[0]) + 1, int(lengths[long[0]]))
        if len(breaks):
            last_break = int(breaks[-1])
        lines_before += len(breaks)
    if len(buffer) - last_break - 1 > MAX_LINE_BYTES:
        _refuse_long_line(path, lines_before + 1, len(buffer) - last_break - 1)


def _refuse_long_line(path: Path, line: int, size: int) -> None:
    raise UnreadableInputError(
        f"{path}: line {line} is {size:,} bytes long, over the limit of {MAX_LINE_BYTES:,} bytes (1 MB) a line may "
        "hold; a table has one row per line: check that the file is a table and that its line ends were not lost"
    )


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise UnreadableInputError(
            f"{path}: not a text file (it holds NUL bytes: UTF-16 text or a binary file); save it as CSV UTF-8"
        )
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = error.start
    letter = _UTF8_LETTER.search(body)
    if letter is not None:
        bad_line, good_line = body.count(b"\n", 0, bad) + 1, body.count(b"\n", 0, letter.start()) + 1
        found = body[letter.start() : letter.end()].decode("utf-8")
        raise UnreadableInputError(
            f"{path}: line {bad_line} is not valid UTF-8 (byte 0x{body[bad]:02X}), but line {good_line} holds UTF-8 "
            f"text ({found!r}): the file mixes UTF-8 and Windows-1254 (Turkish) encodings; save it again as CSV UTF-8"
        )
    try:
        return data.decode("cp1254")
    except UnicodeDecodeError:
        pass
    raise UnreadableInputError(
        f"{path}: cannot decode the text as UTF-8 or Windows-1254 (Turkish); save it as CSV UTF-8"
    )


def _sniff_separator(text: str) -> str:
    """The separator of the header line: whichever of ``;``, ``,`` and tab it holds most of."""
    header = next((line for line in text[:65536].splitlines() if line.strip()), "")
    return _dominant_separator(header)


def _dominant_separator(line: str) -> str:
    counts = {sep: line.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _split(line: str, sep: str) -> list[str | None]:
    return next(csv.reader([line], delimiter=sep), [])  # type: ignore[return-value]


def _csv_layout(text: str, known: frozenset[str]) -> tuple[str, int]:
    """The separator and the number of lines above the header (a title; see `_header_index`).
    The separator is the header line's (`_sniff_separator`); with a title above the header, the
    one under which a line below names two known columns."""
    sep = _sniff_separator(text)
    if not known:
        return sep, 0
    head = _LINE_BREAK.split(text[: (MAX_TITLE_ROWS + 1) * (MAX_LINE_BYTES + 2)], maxsplit=MAX_TITLE_ROWS + 1)
    head = head[: MAX_TITLE_ROWS + 1]
    if not head or _known_count(_split(head[0], sep), known):
        return sep, 0
    for line_sep in dict.fromkeys((sep, *_SEPARATORS)):
        position = _header_index([_split(line, line_sep) for line in head], known)
        if position:
            return line_sep, position
    return sep, 0


def _read_csv(path: Path, known: frozenset[str]) -> tuple[list[list[str | None]] | pd.DataFrame, int, str]:
    """A CSV file as positional text columns (header included as the first row) when pyarrow
    can parse it as a regular table (the quick way, for national tables), else as rows read by
    Python's csv module, which also explains what is wrong with an irregular file; with the
    header's row number and the title above it (`_csv_layout`)."""
    data = path.read_bytes()
    _check_line_lengths(path, data)
    text = _decode(path, data)
    del data
    if not text.strip():
        raise UnreadableInputError(f"{path}: the file is empty")
    sep, skip = _csv_layout(text, known)
    title = ""
    if skip:
        breaks = list(itertools.islice(_LINE_BREAK.finditer(text), skip))
        title = _title([_split(line, sep) for line in _LINE_BREAK.split(text[: breaks[-1].start()])])
        text = text[breaks[-1].end() :]
    width = len(_split(next(iter(_LINE_BREAK.split(text[: MAX_LINE_BYTES + 2], maxsplit=1)), ""), sep))
    if width > MAX_COLUMNS:
        raise UnreadableInputError(
            f"{path}: the header (row {skip + 1}) has {width:,} columns, over the limit of {MAX_COLUMNS:,} "
            "(Excel's own); check the separator"
        )
    regular = _read_regular_csv(text, sep)
    if regular is not None:
        return regular, skip + 1, title
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
    return rows, skip + 1, title


def _read_regular_csv(text: str, sep: str) -> pd.DataFrame | None:
    """The file's cells as a frame of positional text columns, trimmed, empty cells missing and
    decimal commas of ``;`` files as points, when every line has the header's number of cells
    (blank lines give empty rows, which keep the row numbers right); None otherwise."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pa_csv

    try:
        width = len(next(csv.reader(io.StringIO(text[: MAX_LINE_BYTES + 2], newline=""), delimiter=sep)))
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
        # The sheet's declared dimension (<dimension ref="A1:XFD1048576"/>) is not trusted: with
        # it, every row would be padded to 16,384 cells. Rows are read as they are.
        sheet.reset_dimensions()
        return [[cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _read_parquet(path: Path) -> list[list[str | None]]:
    import pyarrow.parquet as pq

    try:
        metadata = pq.ParquetFile(path).metadata
        declared = sum(
            metadata.row_group(group).column(column).num_values
            for group in range(metadata.num_row_groups)
            for column in range(metadata.num_columns)
        )
    except Exception as error:  # pyarrow raises several kinds (ArrowInvalid, OSError, ...)
        raise UnreadableInputError(f"{path}: not a readable Parquet file ({_one_line(error)})") from None
    _check_declared_size(path, metadata.num_rows, metadata.num_columns, max(declared, metadata.num_rows))
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

    _check_sav_header(path)
    try:
        frame, _ = pyreadstat.read_sav(path, apply_value_formats=True, formats_as_category=False)
    except Exception as error:  # pyreadstat raises ReadstatError, PyreadstatError, OSError, ...
        raise UnreadableInputError(f"{path}: not a readable SPSS .sav file ({_one_line(error)})") from None
    columns = [[cell_text(value) for value in frame[name].tolist()] for name in frame.columns]
    header: list[str | None] = [str(name) for name in frame.columns]
    return [header, *map(list, zip(*columns, strict=True))]


def _check_declared_size(path: Path, rows: int, columns: int | None, values: int) -> None:
    """Refuse a file that declares more values than `MAX_CELLS` or more columns than `MAX_COLUMNS`
    (its reader would allocate memory for them before finding out whether they are there)."""
    if columns is not None and columns > MAX_COLUMNS:
        raise UnreadableInputError(
            f"{path}: the file declares {columns:,} columns, over the limit of {MAX_COLUMNS:,} (Excel's own)"
        )
    if values > MAX_CELLS:
        shape = f"{rows:,} rows of {columns:,} columns" if columns is not None else f"{rows:,} rows"
        raise UnreadableInputError(
            f"{path}: the file declares {values:,} values ({shape}), over the limit of {MAX_CELLS:,} values a table "
            "file may hold; the file is damaged, or the table must be split (e.g. by region)"
        )


#: Bytes a case needs at least per 8-byte slot, by the SPSS header's compression code: none,
#: bytecode (one control byte per slot), zlib (.zsav: at most 1032:1 on top of the bytecode).
_SAV_BYTES_PER_SLOT = {0: 8.0, 1: 1.0, 2: 1 / 1032}


def _check_sav_header(path: Path) -> None:
    """Refuse an SPSS file whose header declares more cases than a file of its size can hold, or
    more values than `MAX_CELLS` (pyreadstat allocates the declared number of rows first: 1.6 GB
    for a three-row file declaring 100 million)."""
    import struct

    with path.open("rb") as handle:
        header = handle.read(84)
    if len(header) < 84 or header[:4] not in (b"$FL2", b"$FL3"):
        return  # not an SPSS file: pyreadstat says why
    order = "<" if struct.unpack("<i", header[64:68])[0] in (2, 3) else ">"
    slots, compression, _, cases = struct.unpack(f"{order}4i", header[68:84])
    if cases <= 0:
        return  # unknown: the reader counts the cases it finds
    slots = max(slots, 1)
    size = path.stat().st_size
    capacity = int(size / (slots * _SAV_BYTES_PER_SLOT.get(compression, 1 / 1032)))
    if cases > capacity:
        raise UnreadableInputError(
            f"{path}: the file declares {cases:,} cases, but a file of {size:,} bytes can hold at most {capacity:,}; "
            "the file is damaged: save it again from SPSS"
        )
    _check_declared_size(path, cases, None, cases * slots)


#: The readers of the typed formats (CSV files are read by `_read_csv`).
_READERS: dict[str, Callable[[Path], list[list[str | None]]]] = {
    ".xlsx": _read_xlsx,
    ".parquet": _read_parquet,
    ".sav": _read_sav,
}


# --- rows to frame ------------------------------------------------------------------------------


def _frame_from_rows(path: Path, rows: Sequence[Sequence[str | None]], header_row: int = 1) -> pd.DataFrame:
    """Header and data rows to a frame of strings indexed by spreadsheet row number (the header
    is on ``header_row``)."""
    if not rows:
        raise UnreadableInputError(f"{path}: the file is empty")
    width = len(rows[0])  # trailing header cells without data are dropped by _frame_from_cells
    if width > MAX_COLUMNS:
        raise UnreadableInputError(
            f"{path}: the header (row {header_row}) has {width:,} columns, over the limit of {MAX_COLUMNS:,} "
            "(Excel's own)"
        )
    for number, row in enumerate(rows[1:], start=header_row + 1):
        extra = [cell for cell in row[width:] if cell is not None]
        if extra:
            raise UnreadableInputError(
                f"{path}: row {number} has {len(row)} cells but the header has {width} columns "
                f"(extra value {_shown(extra[0])}); check the separator and quoting"
            )
    cells = pd.DataFrame([list(row[:width]) + [None] * (width - len(row)) for row in rows], dtype="str")
    return _frame_from_cells(path, cells, header_row)


def _shown(cell: object) -> str:
    """A cell for a message: its repr, cut to 60 characters."""
    text = repr(cell)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_cell_sizes(path: Path, cells: pd.DataFrame, header_row: int) -> None:
    """Refuse a cell longer than `MAX_CELL_CHARS`, naming its row and column (vectorised)."""
    for position in range(cells.shape[1]):
        lengths = cells.iloc[:, position].str.len()
        if not len(lengths) or not lengths.max() > MAX_CELL_CHARS:
            continue
        where = int(np.argmax((lengths > MAX_CELL_CHARS).to_numpy(dtype=bool)))
        header = cells.iat[0, position]
        name = f" ({header})" if where and isinstance(header, str) and len(header) <= 60 else ""
        raise UnreadableInputError(
            f"{path}: row {header_row + where}, column {position + 1}{name}: a cell of {int(lengths.iloc[where]):,} "
            f"characters, over the limit of {MAX_CELL_CHARS:,} (Excel's own); check the quoting of that row"
        )


def _frame_from_cells(path: Path, cells: pd.DataFrame, header_row: int = 1) -> pd.DataFrame:
    """A frame of positional text columns whose first row is the header (on ``header_row`` of the
    file), to a frame of strings named by the header and indexed by spreadsheet row number,
    without its empty rows."""
    if not len(cells) or cells.iloc[0].isna().all():
        if cells.isna().all().all():
            raise UnreadableInputError(f"{path}: the file is empty")
        raise UnreadableInputError(
            f"{path}: the first row must hold the column names, but it is empty"
            if header_row == 1
            else f"{path}: row {header_row} must hold the column names, but it is empty"
        )
    _check_cell_sizes(path, cells, header_row)
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
    frame.index = pd.Index(range(header_row + 1, header_row + 1 + len(body)), dtype="int64", name="row")
    return _drop_empty_unnamed(frame[frame.notna().any(axis=1)])


def _drop_empty_unnamed(frame: pd.DataFrame) -> pd.DataFrame:
    empty = [name for name in frame.columns if name.startswith("unnamed_") and frame[name].isna().all()]
    return frame.drop(columns=empty) if empty else frame
