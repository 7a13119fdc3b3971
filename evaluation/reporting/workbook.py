"""``results.xlsx``: the results tables of a run as one Excel workbook for people, in one language.

One sheet per table of ``OUT/shared/results/`` (the tidy CSVs stay as they are, for machines),
after a first sheet "About" saying what each sheet holds. Headers are the catalogue's labels
(``workbook.columns.<column>``); codes in the cells are named as the report names them (a method
by its name, a group, outcome or wave by its label, a note in words); numbers stay numbers, with
a number format Excel understands (``0`` for counts, ``0.00``, ``0.000`` for p-values and
intra-class correlations, ``0%`` for shares), so that Excel in a Turkish locale shows decimal
commas by itself. A suppressed number is a blank cell, as in the CSV. The header row is frozen
and the columns are as wide as their contents (within limits).

Text from the data (a school's name, an activity's title or reason) is untrusted: a text cell is
always stored as text, never as a formula, and one that a spreadsheet would run as a formula once
edited (it starts with ``=``, ``+``, ``-``, ``@``: the rule of
`evaluation.validation.safe_csv.safe_cell`) gets Excel's quote prefix, which keeps it text without
showing a quote.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from evaluation.reporting.evidence import _characteristic as characteristic_name
from evaluation.reporting.sentences import note_text
from evaluation.validation.safe_csv import safe_cell
from evaluation.wording import has, label, text

#: The sheets in reading order (tables of the results folder not listed here follow, by name).
SHEET_ORDER = (
    "effects", "evidence", "group_means", "missing", "attrition", "balance", "balance_test", "schools",
    "partnerships", "scales", "items", "test_reliability", "test_items", "activities", "activity_summary",
    "activity_months", "indicators", "years", "design", "matching", "matching_balance",
)  # fmt: skip
#: Excel's limit on a sheet's name.
SHEET_NAME_LIMIT = 31
INTEGER, DECIMALS, FINE, PERCENT, FINE_PERCENT, ONE_DECIMAL = "0", "0.00", "0.000", "0%", "0.0%", "0.0"
#: Number formats of columns that are not plain measures (the others: whole numbers "0", else "0.00").
COLUMN_FORMATS = {
    **dict.fromkeys(
        ("share_missing", "share_done", "share_done_to_date", "share_partner", "difficulty", "mean_difficulty"),
        PERCENT,
    ),
    **dict.fromkeys(("attrition", "attrition_overall", "attrition_differential"), FINE_PERCENT),
    **dict.fromkeys(("p_value", "p_adjusted", "icc", "r2_school", "r2_student"), FINE),
    "df": ONE_DECIMAL,
    "df_denominator": ONE_DECIMAL,
}  # fmt: skip
#: Columns holding school ids, and the column of school names the workbook adds after each.
SCHOOL_COLUMNS = {
    "school_id": "school_name",
    "higher_school_id": "higher_school_name",
    "lower_school_id": "lower_school_name",
    "partner_id": "partner_name",
    "comparison_id": "comparison_name",
}
WIDTH_LIMITS = (6, 60)


def sheet_name(table: str, language: str) -> str:
    """The sheet of results table `table`: ``workbook.sheets.<table>.name``, else the table's name."""
    key = f"workbook.sheets.{table}.name"
    return (text(key, language) if has(key, language) else table)[:SHEET_NAME_LIMIT]


def column_label(column: str, language: str) -> str:
    """The header of `column`: ``workbook.columns.<column>``, else the report's ``columns.<column>``,
    else the column as written, ``_`` as a space."""
    for key in (f"workbook.columns.{column}", f"columns.{column}"):
        if has(key, language):
            return text(key, language)
    return column.replace("_", " ")


def _named(key: str, code: str, language: str) -> str:
    """The catalogue's text of `key` (the name of `code`), else the code as written."""
    return text(key, language) if has(key, language) else code


def _subgroup(code: str, language: str) -> str:
    """``all``, a variable (``sex``, a moderation row) or a cell (``grade=9``) in words."""
    if "=" not in code:
        return label(code, language)
    name, _, level = code.partition("=")
    return text("report.subgroup", language, name=label(name, language), level=label(level, language)).strip()


def _covariates(code: str, language: str) -> str:
    names = [_named(f"report.methods.covariate_names.{name}", name, language) for name in code.split("+") if name]
    return ", ".join(names)


def _characteristics(code: str, language: str) -> str:
    return "; ".join(characteristic_name(name.strip(), language) for name in code.split(";") if name.strip())


#: Columns whose cells are codes, and how each code is named.
CODE_COLUMNS: dict[str, Callable[[str, str], str]] = {
    **dict.fromkeys(
        ("outcome", "domain", "group", "wave", "role", "level", "school_type", "resource_level", "indicator",
         "scale", "instrument", "test_id"),
        label,
    ),
    "method": lambda code, language: _named(f"workbook.methods.{code}", code, language),
    "baseline": lambda code, language: _named(f"workbook.baseline.{code}", code, language),
    "analysis": lambda code, language: _named(f"workbook.analyses.{code}", code, language),
    "subgroup": _subgroup,
    "note": note_text,
    "characteristic": characteristic_name,
    "characteristics": _characteristics,
    "covariates": _covariates,
    "status": lambda code, language: _named(f"activity_status.{code}", code, language),
    "activity_type": lambda code, language: _named(f"activity_types.{code}", code, language),
    "attrition_verdict": lambda code, language: _named(f"evidence.table.verdict.{code}", code, language),
    "baseline_verdict": lambda code, language: _named(f"evidence.table.verdict.{code}", code, language),
    "rating": lambda code, language: _named(f"evidence.table.rating.{code}", code, language),
}  # fmt: skip


def readable(table: pd.DataFrame, language: str, school_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """`table` as its sheet shows it, before the headers: codes named in `language`
    (`CODE_COLUMNS`), and a column of school names after each column of school ids when
    `school_names` (school_id -> name) is given. Numbers are left as they are."""
    shown = table.copy()
    for column, name in CODE_COLUMNS.items():
        if column in shown.columns and not pd.api.types.is_numeric_dtype(shown[column]):
            shown[column] = [
                name(value, language) if isinstance(value, str) and value else value for value in shown[column]
            ]
    if school_names is not None:
        for ids, names in SCHOOL_COLUMNS.items():
            if ids in shown.columns:
                position = shown.columns.get_loc(ids) + 1
                shown.insert(
                    position, names, [school_names.get(v, "") if isinstance(v, str) else "" for v in shown[ids]]
                )
    return shown


def number_format(column: str, values: pd.Series) -> str | None:
    """The number format of a numeric column (None for a column of text or true/false)."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return None
    if column in COLUMN_FORMATS:
        return COLUMN_FORMATS[column]
    present = values.dropna()
    whole = bool(len(present)) and bool((present == present.round()).all()) and bool((present.abs() < 1e15).all())
    return INTEGER if whole else DECIMALS


def _cell_value(value: object) -> object:
    """A cell's value for openpyxl: None for a blank (NaN, NA, empty text), Python numbers and booleans."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, str) and not value:
        return None
    return value


def _put(sheet, row: int, column: int, value: object, number: str | None = None):
    """Write one cell: text always as text (quote-prefixed when a spreadsheet would run it as a
    formula once edited), numbers with `number` as their format."""
    value = _cell_value(value)
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # openpyxl reads a text starting with "=" as a formula otherwise
        if safe_cell(value) != value:
            cell.quotePrefix = True
    else:
        cell.value = value
        if number is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
            cell.number_format = number
    return cell


def _shown_width(value: object, number: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, float) and number is not None:
        return len(f"{value:.3f}") if number == FINE else len(f"{value:.2f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _write_sheet(book, title: str, frame: pd.DataFrame, headers: list[str]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    formats = [number_format(str(column), frame[column]) for column in frame.columns]
    for position, header in enumerate(headers, start=1):
        cell = _put(sheet, 1, position, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        for position, (value, number) in enumerate(zip(values, formats, strict=True), start=1):
            _put(sheet, row, position, value, number)
    sheet.freeze_panes = "A2"
    low, high = WIDTH_LIMITS
    for position, (column, header) in enumerate(zip(frame.columns, headers, strict=True), start=1):
        number = formats[position - 1]
        widest = max([_shown_width(_cell_value(v), number) for v in frame[column]] + [0])
        header_width = min(len(header), 24)  # a long header wraps rather than widens the column
        sheet.column_dimensions[get_column_letter(position)].width = max(low, min(high, max(widest, header_width) + 2))


def result_tables(results_dir: Path) -> dict[str, pd.DataFrame]:
    """The results tables of `results_dir` (every ``*.csv``), in `SHEET_ORDER`, then by name."""
    found = {path.stem: path for path in Path(results_dir).glob("*.csv")}
    order = [name for name in SHEET_ORDER if name in found] + sorted(set(found) - set(SHEET_ORDER))
    return {name: pd.read_csv(found[name], keep_default_na=False, na_values=[""]) for name in order}


def _unique_names(tables: list[str], language: str) -> dict[str, str]:
    about = text("workbook.about.sheet", language)
    names, taken = {}, {about.casefold()}
    for table in tables:
        name, suffix = sheet_name(table, language), 2
        for bad in "[]:*?/\\":
            name = name.replace(bad, " ")
        candidate = name
        while candidate.casefold() in taken:
            candidate = f"{name[: SHEET_NAME_LIMIT - len(str(suffix)) - 1]} {suffix}"
            suffix += 1
        taken.add(candidate.casefold())
        names[table] = candidate
    return names


def write_workbook(
    results_dir: Path,
    target: Path,
    language: str,
    *,
    programme: str = "",
    period: str = "",
    min_cell_size: int = 10,
    school_names: Mapping[str, str] | None = None,
    written_in: str | None = None,
) -> Path:
    """Write ``results.xlsx`` of the results tables of `results_dir` in `language` to `target`.

    `school_names` (school_id -> name) adds each school's name beside its id. `written_in` is the
    language the tables' own sentences are in (evidence.csv's ``summary``): in a workbook of
    another language that column is left out rather than shown in the wrong language.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    tables = result_tables(results_dir)
    names = _unique_names(list(tables), language)
    book = Workbook()
    about = book.active
    about.title = text("workbook.about.sheet", language)
    _put(about, 1, 1, text("workbook.about.title", language, programme=programme, period=period)).font = Font(
        bold=True, size=13
    )
    _put(about, 2, 1, text("workbook.about.intro", language))
    _put(about, 3, 1, text("workbook.about.blank", language, min_cell=min_cell_size))
    for position, key in enumerate(("sheet", "contents", "file"), start=1):
        _put(about, 5, position, text(f"workbook.about.header_{key}", language)).font = Font(bold=True)
    for row, table in enumerate(tables, start=6):
        about_key = f"workbook.sheets.{table}.about"
        _put(about, row, 1, names[table])
        _put(about, row, 2, text(about_key, language) if has(about_key, language) else "")
        _put(about, row, 3, f"results/{table}.csv")
        about.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 90
    about.column_dimensions["C"].width = 30
    for table, frame in tables.items():
        if written_in is not None and written_in != language and "summary" in frame.columns:
            frame = frame.drop(columns="summary")
        shown = readable(frame, language, school_names)
        _write_sheet(book, names[table], shown, [column_label(str(column), language) for column in shown.columns])
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target
