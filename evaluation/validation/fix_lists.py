"""Each school's list of what to fix: a CSV file and a short HTML page per school.

A failure of the quarantine table goes to the school named in its row's ``school_id`` (or to the
school whose id it is with its leading zeros lost, ``12345`` for ``012345``); a row of a table
without that column (``activities``) goes to every school of its partnership; a row whose school
(or partnership) is empty or not in the schools file goes to the ``unassigned`` list. A
broken file (no row was checked) is put at the top of the list of every school whose rows are in
it, or of every school when the file holds all schools (``schools``) or names none.

The CSV files are UTF-8 with a byte-order mark, so that Excel shows Turkish letters right, and
are separated by ``,``, or by ``;`` where the language's decimal mark is a comma (Turkish:
Turkish-locale Excel reads ``;``; `evaluation.wording.csv_separator`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.validation.fix_instructions import RuleTexts
from evaluation.validation.html_page import heading, paragraph, table, write_page
from evaluation.validation.report import KNOCK_ON_NOTE, ValidationReport
from evaluation.validation.safe_csv import safe_cell, write_csv
from evaluation.validation.validate import table_text, without_leading_zeros
from evaluation.validation.wording import check_language, column_label, rows_cell
from evaluation.wording import csv_separator, date, decimal_symbol, plural, text

FIX_LISTS_DIR = "fix-lists"
UNASSIGNED = "unassigned"
#: Columns of the warnings frame `write_fix_lists` accepts (made by the data-collection checks).
WARNING_COLUMNS = ("table", "file", "school_id", "row", "column", "value", "check", "message")
INDEX_COLUMNS = ("school_id", "school_name", "quarantined_rows", "warnings", "file")
_ITEM_COLUMNS = ("file", "student", "subject", "wave", "row", "column", "value", "fix", "rule", "status")
#: Where a school finds a row in its own sheet besides its number: the columns of the file
#: (as the school wrote them) shown beside each line, first found of each tuple.
_LOCATION = {"student": ("student_id", "respondent_id"), "subject": ("subject",), "wave": ("wave",)}
#: At most this many distinct values of a location column are shown for one line.
_MAX_LOCATION_VALUES = 3
#: Checks whose warnings name no column in the fix lists: their message says what was checked
#: in words (a survey scale's item ids, ``col_1, col_2, ...``, mean nothing to a school).
_UNNAMED_COLUMN_CHECKS = ("straight_lining",)
#: Headers of the fix lists: the catalogue's key of each column.
_HEADERS = {
    "file": "columns.file",
    "student": "validation.fix_list.columns.student",
    "subject": "validation.fix_list.columns.subject",
    "wave": "validation.fix_list.columns.wave",
    "row": "validation.fix_list.columns.row",
    "column": "validation.fix_list.columns.column",
    "value": "validation.fix_list.columns.value",
    "fix": "validation.fix_list.columns.fix",
    "rule": "columns.rule",
    "status": "validation.fix_list.columns.status",
    "note": "validation.fix_list.columns.note",
    "check": "columns.check",
}


def _header(column: str, language: str) -> str:
    return text(_HEADERS[column], language)


@dataclass(frozen=True)
class SchoolDirectory:
    """The schools of the schools file (quarantined rows included), in file order."""

    names: dict[str, str] = field(default_factory=dict)
    partnerships: dict[str, list[str]] = field(default_factory=dict)


def school_directory(report: ValidationReport) -> SchoolDirectory:
    """Every school id of the schools file with its name, and the schools of each partnership."""
    frame = _file_text(report, "schools")
    if frame is None or "school_id" not in frame.columns:
        return SchoolDirectory()
    names: dict[str, str] = {}
    partnerships: dict[str, list[str]] = {}
    for record in frame.itertuples(index=False):
        school = record.school_id
        if pd.isna(school) or school in names:
            continue
        name = getattr(record, "school_name", None)
        names[school] = "" if pd.isna(name) else str(name)
        partnership = getattr(record, "partnership_id", None)
        if partnership is not None and not pd.isna(partnership):
            partnerships.setdefault(str(partnership), []).append(school)
    return SchoolDirectory(names, partnerships)


def _file_text(report: ValidationReport, table: str) -> pd.DataFrame | None:
    """The text of a table's file as validation read it (pseudonymised when validation was); None
    when the table is absent, or its file was not read or was refused (its problem heads the lists)."""
    return table_text(report, table)


class _Attribution:
    """Which schools a failure or warning belongs to (school ids, or [UNASSIGNED])."""

    def __init__(self, report: ValidationReport, directory: SchoolDirectory) -> None:
        self.report = report
        self.directory = directory
        self._texts: dict[str, pd.DataFrame | None] = {}
        self._by_digits: dict[str, str] | None = None
        self._of_file: dict[str, list[str]] = {}

    def school(self, school_id: str) -> str:
        """The school of a row's school_id: itself when the schools file has it, else the school
        whose id differs from it only by leading zeros (``12345`` for ``012345``: Excel dropped
        them, and the row's reference rule says so), else `UNASSIGNED`."""
        if school_id in self.directory.names:
            return school_id
        if self._by_digits is None:
            self._by_digits = {without_leading_zeros(school): school for school in self.directory.names}
        return self._by_digits.get(without_leading_zeros(school_id), UNASSIGNED)

    def text(self, table: str) -> pd.DataFrame | None:
        if table not in self._texts:
            self._texts[table] = _file_text(self.report, table)
        return self._texts[table]

    def schools(self, table: str, school_id: str, row: object) -> list[str]:
        if school_id:
            return [self.school(school_id)]
        if pd.isna(row):
            return self.schools_of_file(table)
        frame = self.text(table)  # a table without school_id (activities): the schools of the partnership
        if (
            frame is None
            or "school_id" in frame.columns
            or "partnership_id" not in frame.columns
            or row not in frame.index
        ):
            return [UNASSIGNED]
        partnership = frame.at[row, "partnership_id"]
        schools = [] if pd.isna(partnership) else self.directory.partnerships.get(partnership, [])
        return list(schools) or [UNASSIGNED]

    def schools_of_file(self, table: str) -> list[str]:
        """The schools a whole file concerns (once per table: a file with many structural
        problems is read once)."""
        if table not in self._of_file:
            self._of_file[table] = self._schools_of_file(table)
        return self._of_file[table]

    def _schools_of_file(self, table: str) -> list[str]:
        everyone = list(self.directory.names) or [UNASSIGNED]
        frame = self.text(table) if table != "schools" else None
        if frame is None:
            return everyone
        named: set[str] = set()
        if "school_id" in frame.columns:
            named = set(frame["school_id"].dropna())
        elif "partnership_id" in frame.columns:
            for partnership in frame["partnership_id"].dropna().unique():
                named.update(self.directory.partnerships.get(partnership, []))
        found = [school for school in self.directory.names if school in named]
        return found or everyone


def fix_list_items(
    report: ValidationReport,
    language: str = "en",
    warnings: pd.DataFrame | None = None,
    directory: SchoolDirectory | None = None,
) -> FixListItems:
    """The lines of every school's fix list, keyed by school id (and `UNASSIGNED`), schools in the
    order of the schools file (a `FixListItems`: each school's frame made when asked for):
    columns ``kind`` (``broken``, ``fix`` or ``check``), ``table`` and ``_ITEM_COLUMNS``, broken
    files first, then rows by file and first row, then the points to check; ``_rows`` holds each
    line's row numbers. ``directory`` is the report's `school_directory` when the caller has it
    already.

    One line stands for one mistake of a school: the failures of a file that break the same rule
    with the same value (a wave written ``1. uygulama`` on 20,000 rows is one line whose ``row``
    is ``2–20001``), and likewise the warnings of one check with the same value and message. So
    a list grows with the school's distinct mistakes, not with the rows they are on, and its
    ``row`` cell stays short (`evaluation.validation.wording.rows_cell`)."""
    language = check_language(language)
    directory = directory or school_directory(report)
    attribution = _Attribution(report, directory)
    texts = RuleTexts(report, language)
    roots = _RootCauses(report, attribution, texts)
    fix, check = text("validation.fix_list.status.fix", language), text("validation.fix_list.status.check", language)
    lines: dict[str, list[dict]] = {}
    instructions: dict[tuple, str] = {}
    for group in _groups(report.failures, ("table", "file", "rule", "column", "value"), attribution):
        record, rows = group.record, group.rows
        rule = str(record["rule"])
        duplicate = rule.endswith("_unique")
        key = (record["table"], rule, record["column"], record["value"], record["message"])
        instruction = None if duplicate else instructions.get(key)
        if instruction is None:
            instruction = texts.instruction(record, rows)
            if not duplicate:
                instructions[key] = instruction
        line = _line("broken" if not rows else "fix", record, rows, instruction, rule, fix, language)
        root = roots.of(record) if rows else None
        if root is not None:
            line["_root"] = root
        lines.setdefault(group.school, []).append(line)
    if warnings is not None:
        frame = warnings[list(WARNING_COLUMNS)]
        for group in _groups(frame, ("table", "file", "check", "column", "value", "message"), attribution):
            record = {key: "" if pd.isna(value) else str(value) for key, value in group.record.items()}
            if record["check"] in _UNNAMED_COLUMN_CHECKS:
                record["column"] = ""
            line = _line("check", record, group.rows, record["message"], record["check"], check, language)
            lines.setdefault(group.school, []).append(line)
    position = {school: number for number, school in enumerate([*directory.names, UNASSIGNED])}
    follows = text("validation.fix_list.status.follows", language)
    schools = sorted(lines, key=position.__getitem__)
    records = []
    for number, school in enumerate(schools):
        records += [{**line, "_school": number} for line in _knock_ons_merged(lines[school], follows, language)]
    return FixListItems(_all_lines(records, fix, attribution, language), schools)


_KINDS = {"broken": 0, "fix": 1, "follows": 1, "check": 2}


def _all_lines(records: list[dict], fix: str, attribution: _Attribution, language: str) -> pd.DataFrame:
    """Every school's lines in one frame (column ``_school``: the school's place), sorted once:
    per school broken files first, then rows by file and first row, then the points to check;
    knock-ons after their root (`_after_their_root`, only for the schools that have any), the
    location columns filled (`_locate`) and the values in the language's numbers."""
    frame = pd.DataFrame.from_records(records, columns=["kind", "table", *_ITEM_COLUMNS, "_rows", "_root", "_school"])
    frame["_kind"] = frame["kind"].map(_KINDS)
    frame["_first"] = pd.array([rows[0] if rows else None for rows in frame["_rows"]], dtype="Int64")
    frame = frame.sort_values(["_school", "_kind", "file", "_first"], kind="stable", na_position="first")
    frame = frame.drop(columns=["_kind", "_first"]).reset_index(drop=True)
    with_knock_ons = set(frame.loc[frame["kind"].eq("follows"), "_school"])
    if len(with_knock_ons):
        parts = [
            _after_their_root(part.reset_index(drop=True), fix) if school in with_knock_ons else part
            for school, part in frame.groupby("_school", sort=False)
        ]
        frame = pd.concat(parts, ignore_index=True)
    _locate(frame, attribution)
    frame["value"] = local_numbers(frame["value"], language)
    return frame.drop(columns=["_root"])


class FixListItems(Mapping[str, pd.DataFrame]):
    """Every school's fix-list lines (`fix_list_items`), from one frame of all lines (column
    ``_school``: the school's place in ``schools``, lines of a school together): a mapping of
    school id to its lines as a frame numbered from 0, made when asked for, and `lines`, a school's
    lines as Python lists, which the lists and the index are written from without a pandas
    operation per school."""

    def __init__(self, frame: pd.DataFrame, schools: list[str]) -> None:
        codes = frame["_school"].to_numpy()
        self._frame = frame.drop(columns=["_school"])
        bounds = np.flatnonzero(np.diff(codes)) + 1
        starts, ends = np.r_[0, bounds], np.r_[bounds, len(codes)]
        self._spans = {
            schools[codes[start]]: (int(start), int(end))
            for start, end in zip(starts, ends, strict=True)
            if end > start
        }
        self._columns = {name: self._frame[name].tolist() for name in self._frame.columns}

    def __getitem__(self, school: str) -> pd.DataFrame:
        start, end = self._spans[school]
        return self._frame.iloc[start:end].reset_index(drop=True)

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)

    def __contains__(self, school: object) -> bool:
        return school in self._spans

    def __repr__(self) -> str:
        return f"FixListItems({len(self._spans)} schools, {len(self._frame)} lines)"

    def lines(self, school: str) -> _Lines:
        start, end = self._spans[school]
        return _Lines({name: values[start:end] for name, values in self._columns.items()})


class _RootCauses:
    """The row a knock-on failure comes from: a reference failure whose value is in the
    referenced file, but on a quarantined row (``S002496`` is in students.csv, on row 2, whose
    grade is 19). Each referenced table's quarantined rows are read once; looking a failure up
    costs a dictionary access."""

    def __init__(self, report: ValidationReport, attribution: _Attribution, texts: RuleTexts) -> None:
        self.report = report
        self.attribution = attribution
        self.texts = texts
        self._maps: dict[tuple[str, tuple[str, ...]], dict[tuple[str, ...], int]] = {}

    def of(self, record: dict) -> tuple[str, str, int] | None:
        """(table, file, row) of the quarantined row ``record`` (a failure) depends on; None
        for a failure that is not a knock-on, or whose row cannot be found."""
        if not str(record["message"]).endswith(KNOCK_ON_NOTE):
            return None
        rule = self.texts.rule(str(record["table"]), str(record["rule"]))
        if rule is None or rule.kind != "reference" or not rule.references:
            return None
        table = rule.references[0].split(".")[0]
        columns = tuple(reference.split(".", 1)[1] for reference in rule.references)
        values = tuple(part.strip() for part in str(record["value"]).split(" / "))
        if len(values) != len(columns):
            return None
        row = self._map(table, columns).get(values)
        return None if row is None else (table, self.texts.file_of(table), row)

    def _map(self, table: str, columns: tuple[str, ...]) -> dict[tuple[str, ...], int]:
        if (table, columns) not in self._maps:
            failures = self.report.failures
            rows = failures.loc[(failures["table"] == table) & failures["row"].notna(), "row"].astype(int).unique()
            frame = self.attribution.text(table)
            found: dict[tuple[str, ...], int] = {}
            if frame is not None and all(column in frame.columns for column in columns):
                chosen = frame.loc[frame.index.intersection(rows), list(columns)].sort_index()
                for row, values in zip(chosen.index, chosen.itertuples(index=False), strict=True):
                    found.setdefault(tuple("" if pd.isna(v) else str(v).strip() for v in values), int(row))
            self._maps[(table, columns)] = found
        return self._maps[(table, columns)]


def _knock_ons_merged(lines: list[dict], status: str, language: str) -> list[dict]:
    """A school's lines with the knock-on failures of one file that come from one quarantined
    row merged into one line (``kind`` ``follows``): the rows of a student whose roster row was
    rejected break two reference rules each, and are one mistake, the roster row's."""
    merged: dict[tuple, dict] = {}
    out = []
    for line in lines:
        root = line.get("_root")
        if root is None:
            out.append(line)
            continue
        key = (line["table"], line["file"], root)
        if key not in merged:
            _, root_file, root_row = root
            merged[key] = {
                **line,
                "kind": "follows",
                "status": status,
                "fix": text("validation.fixes.root_cause", language, file=root_file, row=str(root_row)),
                "_rows": list(line["_rows"]),
            }
            out.append(merged[key])
            continue
        entry = merged[key]
        entry["_rows"] = sorted({*entry["_rows"], *line["_rows"]})
        for name in ("column", "rule"):
            if line[name] not in entry[name].split("; "):
                entry[name] = f"{entry[name]}; {line[name]}"
        entry["value"] = entry["value"] if line["value"] == entry["value"] else entry["value"].split(" / ")[0]
    for entry in merged.values():
        entry["row"] = rows_cell(entry["_rows"], language)
    return out


def _after_their_root(frame: pd.DataFrame, fix_status: str) -> pd.DataFrame:
    """``frame``'s lines with each knock-on line right after the line of the row it comes from,
    those root-cause lines first (after any broken file); a knock-on whose row is not in this
    list (another school's roster row) stays a line to fix (status ``fix_status``), still
    naming that row."""
    follows = frame["kind"] == "follows"
    if not follows.any():
        return frame
    homes: dict[tuple[str, int], int] = {}
    lines = zip(frame["kind"], frame["table"], frame["_rows"], strict=True)
    for position, (kind, file_table, rows) in enumerate(lines):
        if kind == "fix":
            for row in rows:
                homes.setdefault((file_table, row), position)
    order: list[int] = []
    attached: dict[int, list[int]] = {}
    kinds = frame["kind"].tolist()
    for position, root in enumerate(frame["_root"]):
        if kinds[position] != "follows":
            continue
        home = homes.get((root[0], root[2]))
        if home is None:
            kinds[position] = "fix"
        else:
            attached.setdefault(home, []).append(position)
    # root causes first: the lines whose fixing lets other rows pass, each with its knock-ons
    broken = [position for position in range(len(frame)) if kinds[position] == "broken"]
    firsts = [position for position in range(len(frame)) if position in attached]
    rest = [position for position in range(len(frame)) if position not in attached and kinds[position] != "broken"]
    for position in [*broken, *firsts, *rest]:
        if kinds[position] == "follows":
            continue
        order.append(position)
        order += attached.get(position, [])
    out = frame.iloc[order].reset_index(drop=True)
    out["kind"] = [kinds[position] for position in order]
    out.loc[out["kind"].eq("fix"), "status"] = fix_status
    return out


def _locate(frame: pd.DataFrame, attribution: _Attribution) -> None:
    """Fill the location columns (`_LOCATION`) of ``frame``'s lines from their files as the
    school wrote them: the value shared by a line's rows, or its first few values and ``…``.
    The rows of all lines of one file are looked up at once, by one join."""
    for name in _LOCATION:
        frame[name] = ""
    lines = pd.DataFrame({"table": frame["table"], "_rows": frame["_rows"]})
    lines = lines[lines["_rows"].map(len) > 0]
    for file_table, chosen in lines.groupby("table", sort=False):
        source = attribution.text(file_table)
        if source is None:
            continue
        pairs = chosen["_rows"].explode()
        positions, rows = pairs.index.to_numpy(), pairs.to_numpy(dtype=np.int64)
        present = pd.Index(rows).isin(source.index)
        positions, rows = positions[present], rows[present]
        for name, candidates in _LOCATION.items():
            column = next((c for c in candidates if c in source.columns), None)
            if column is not None:
                _fill_location(frame, name, positions, source[column].reindex(rows))


def _fill_location(frame: pd.DataFrame, name: str, positions: np.ndarray, values: pd.Series) -> None:
    """Column ``name`` of the lines at ``positions`` (one entry per row of a line, rows in order):
    each line's distinct values in the order met, the first `_MAX_LOCATION_VALUES` joined by
    ``, `` and ``, …`` after them when there are more."""
    found = pd.DataFrame({"line": positions, "value": values.to_numpy(dtype=object)})
    found = found[found["value"].notna()]
    found["value"] = found["value"].astype(str)
    found = found.drop_duplicates(["line", "value"])
    rank = found.groupby("line", sort=False).cumcount()
    shown = found[rank < _MAX_LOCATION_VALUES].groupby("line", sort=False)["value"].agg(", ".join)
    more = set(found.loc[rank == _MAX_LOCATION_VALUES, "line"])
    cells = [f"{text}, …" if line in more else text for line, text in shown.items()]
    frame.loc[shown.index, name] = cells


_DECIMAL = re.compile(r"[+-]?\d+\.\d+")


def local_numbers(values: pd.Series, language: str) -> pd.Series:
    """``values`` (text) with each cell that is a plain decimal number written with the
    language's decimal mark (``11.67`` -> ``11,67`` in Turkish); other text, codes and dates
    (``12.05.2023``) unchanged."""
    mark = decimal_symbol(language)
    if mark == ".":
        return values
    text_values = values.astype(str)
    numbers = text_values.str.fullmatch(_DECIMAL.pattern).fillna(False)
    return text_values.where(~numbers, text_values.str.replace(".", mark, regex=False))


@dataclass(frozen=True)
class _Group:
    """The failures (or warnings) of one school that share the grouping columns: the first one's
    record and the sorted row numbers of all (empty for a problem of the whole file)."""

    school: str
    record: dict
    rows: list[int]


def _groups(frame: pd.DataFrame, by: tuple[str, ...], attribution: _Attribution) -> list[_Group]:
    """``frame``'s rows grouped per school (`_Attribution.schools`) and ``by``, in the order their
    first row comes; a row without a row number (a whole file, school or wave) is a group of its
    own. Linear in the rows: each is looked at once."""
    columns = {name: frame[name].tolist() for name in frame.columns}
    rows = frame["row"].tolist()
    groups: dict[tuple, tuple[int, list[int]]] = {}
    for position, row in enumerate(rows):
        whole = row is None or pd.isna(row)
        table, school_id = columns["table"][position], columns["school_id"][position]
        schools = attribution.schools(table, "" if pd.isna(school_id) else str(school_id), None if whole else row)
        shared = ("", position) if whole else tuple(columns[name][position] for name in by)
        for school in schools:
            key = (school, *shared)
            entry = groups.get(key)
            if entry is None:
                groups[key] = (position, [] if whole else [int(row)])
            elif not whole:
                entry[1].append(int(row))
    return [
        _Group(key[0], {name: values[first] for name, values in columns.items()}, sorted(set(found)))
        for key, (first, found) in groups.items()
    ]


def _line(kind: str, record: dict, rows: list[int], fix: str, rule: str, status: str, language: str) -> dict:
    return {
        "kind": kind,
        "table": record["table"],
        "file": record["file"],
        "row": rows_cell(rows, language) if rows else "",
        "column": record["column"],
        "value": record["value"],
        "fix": fix,
        "rule": rule,
        "status": status,
        "_rows": rows,
        "_root": None,
    }


def write_fix_lists(
    report: ValidationReport,
    out_dir: Path,
    language: str = "en",
    warnings: pd.DataFrame | None = None,
    today: dt.date | None = None,
    items: FixListItems | None = None,
    directory: SchoolDirectory | None = None,
    index: pd.DataFrame | None = None,
) -> list[Path]:
    """Write ``fix-lists/<school_id>.csv`` and ``.html`` for every school with anything to fix
    or check, and ``fix-lists/index.csv``, under ``out_dir``. A school with nothing to fix or
    check gets no file and no line of the index. Each list is written from Python lists (the
    headers looked up once for all schools), so the time grows with the lines, not the schools.

    Parameters
    ----------
    report
        What `evaluation.validation.validate.validate_data_dir` found.
    out_dir
        Folder to write ``fix-lists/`` into; lists left there by an earlier run are removed.
    language
        ``en`` or ``tr``: the words of the lists, and the CSV separator (``,`` or ``;``).
    warnings
        Points to check that were not rejected, with the columns `WARNING_COLUMNS`; listed after
        the rejected rows (status "to check").
    today
        The date printed on the pages (default: today).
    items, directory, index
        `fix_list_items`, `school_directory` and `school_index` of the report, when the caller
        has them already.

    Returns
    -------
    list of Path
        The files written: each school's CSV and HTML page, then the index.
    """
    language = check_language(language)
    folder = Path(out_dir) / FIX_LISTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for old in [*folder.glob("*.csv"), *folder.glob("*.html")]:
        old.unlink()
    directory = directory or school_directory(report)
    items = fix_list_items(report, language, warnings, directory) if items is None else items
    index = school_index(items, directory, language) if index is None else index
    headers = _Headers(language)
    written: list[Path] = []
    for school, stem in zip(items, index["file"].str.removesuffix(".csv"), strict=True):
        name = _school_name(school, directory, language)
        lines = items.lines(school)
        csv_path = folder / f"{stem}.csv"
        _write_csv(lines, csv_path, language, headers)
        page = _write_page(lines, folder / f"{stem}.html", school, name, language, today or dt.date.today(), headers)
        written += [csv_path, page]
    index_path = folder / "index.csv"
    write_csv(index, index_path, sep=csv_separator(language), encoding="utf-8-sig")
    return [*written, index_path]


class _Lines:
    """A fix list's lines as Python lists, column by column (a list is written as a CSV file and
    a page from these, without a pandas operation per school)."""

    def __init__(self, columns: dict[str, list]) -> None:
        self.columns = columns
        self.kinds = columns["kind"]

    def where(self, kinds: tuple[str, ...]) -> list[int]:
        return [position for position, kind in enumerate(self.kinds) if kind in kinds]

    def rows(self, columns: tuple[str, ...], positions: list[int] | None = None) -> list[tuple]:
        chosen = range(len(self.kinds)) if positions is None else positions
        return [tuple(self.columns[name][position] for name in columns) for position in chosen]


class _Headers(dict):
    """The lists' column headers in one language, looked up once for all schools."""

    def __init__(self, language: str) -> None:
        super().__init__({column: _header(column, language) for column in _HEADERS})


def school_index(items: FixListItems, directory: SchoolDirectory, language: str) -> pd.DataFrame:
    """One row per fix list (`INDEX_COLUMNS`): school id (empty for the unassigned rows), name,
    rejected rows, points to check, and the CSV file's name. Only the schools with something to
    fix or check have a list, so only they are in the index."""
    names = file_names(list(items))
    records = []
    for school in items:
        lines = items.lines(school)
        records.append(
            {
                "school_id": "" if school == UNASSIGNED else school,
                "school_name": _school_name(school, directory, language),
                "quarantined_rows": _rejected_rows(lines),
                "warnings": _count(lines, ("check",)),
                "file": f"{names[school]}.csv",
            }
        )
    return pd.DataFrame.from_records(records, columns=list(INDEX_COLUMNS))


def _school_name(school: str, directory: SchoolDirectory, language: str) -> str:
    if school == UNASSIGNED:
        return text("validation.fix_list.unassigned_name", language)
    return directory.names.get(school, "")


def file_names(schools: list[str]) -> dict[str, str]:
    """A file name (without extension) per school id: the id with characters other than letters,
    digits, ``-`` and ``.`` replaced by ``_``, and ``-2``, ``-3`` ... added if two would meet."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for school in schools:
        base = re.sub(r"[^\w.-]+", "_", school).strip("._") or "school"
        if school != UNASSIGNED and base.lower() in (UNASSIGNED, "index"):
            base = f"school_{base}"
        name, number = base, 1
        while name.lower() in used:
            number += 1
            name = f"{base}-{number}"
        used.add(name.lower())
        names[school] = name
    return names


def _rejected_rows(lines: _Lines) -> int:
    """Distinct rows (per table) of a list's lines to fix, knock-on rows too."""
    tables, rows = lines.columns["table"], lines.columns["_rows"]
    return len({(tables[p], row) for p in lines.where(("fix", "follows")) for row in rows[p]})


def _count(lines: _Lines, kinds: tuple[str, ...]) -> int:
    """Failures or warnings behind a list's lines of these kinds: one per row of a line, one
    for a line about a whole file, school or wave."""
    rows = lines.columns["_rows"]
    return sum(max(1, len(rows[p])) for p in lines.where(kinds))


def _write_csv(lines: _Lines, path: Path, language: str, headers: _Headers) -> None:
    """The list as a CSV file for Excel, as `evaluation.validation.safe_csv.write_csv` writes a
    frame (every cell made safe by `safe_cell`; missing cells empty), without a frame per school."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=csv_separator(language), lineterminator="\n")
    writer.writerow([headers[column] for column in _ITEM_COLUMNS])
    writer.writerows([_csv_cell(cell) for cell in row] for row in lines.rows(_ITEM_COLUMNS))
    Path(path).write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")


def _csv_cell(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return safe_cell(value)


def _write_page(
    lines: _Lines, path: Path, school: str, name: str, language: str, today: dt.date, headers: _Headers
) -> Path:
    title_name = name if school == UNASSIGNED else f"{name} ({school})" if name else school
    intro = text(
        "validation.fix_list.unassigned_intro" if school == UNASSIGNED else "validation.fix_list.intro",
        language,
        date=date(today, language),
    )
    # problems are root causes: one per line (one mistake), knock-on lines not counted
    n_problems, n_checks = len(lines.where(("broken", "fix"))), _count(lines, ("check",))
    counts = text(
        "validation.fix_list.counts.sentence",
        language,
        rows=plural("validation.fix_list.counts.rows", _rejected_rows(lines), language),
        problems=plural("validation.fix_list.counts.problems", n_problems, language),
        warnings=plural("validation.fix_list.counts.warnings", n_checks, language),
    )
    parts = [paragraph(intro), paragraph(counts, "counts")]
    broken = lines.where(("broken",))
    if broken:
        parts += [
            heading(text("validation.fix_list.broken_heading", language)),
            paragraph(text("validation.fix_list.broken_intro", language)),
            table(
                [headers["file"], headers["column"], headers["fix"], headers["rule"]],
                lines.rows(("file", "column", "fix", "rule"), broken),
                row_class="broken",
            ),
        ]
    rows = lines.where(("fix", "follows"))
    parts.append(heading(text("validation.fix_list.rows_heading", language)))
    if rows:
        parts.append(table([headers[c] for c in _SHOWN], _with_labels(lines, rows, language), numeric=(4,)))
    else:
        parts.append(paragraph(text("validation.fix_list.no_rows", language)))
    checks = lines.where(("check",))
    if checks:
        parts += [
            heading(text("validation.fix_list.warnings_heading", language)),
            paragraph(text("validation.fix_list.warnings_intro", language)),
            table(
                [headers[c] for c in (*_SHOWN[:-2], "note", "check")],
                _with_labels(lines, checks, language),
                numeric=(4,),
            ),
        ]
    return write_page(path, text("validation.fix_list.title", language, name=title_name), parts, language)


_SHOWN = ("file", "student", "subject", "wave", "row", "column", "value", "fix", "rule")


def _with_labels(lines: _Lines, positions: list[int], language: str) -> list[tuple]:
    """The shown cells (`_SHOWN`) of the lines at ``positions``, columns named as `column_label`
    names them."""
    at = _SHOWN.index("column")
    return [
        (*row[:at], _column_labels(str(row[at]), language) if row[at] else "", *row[at + 1 :])
        for row in lines.rows(_SHOWN, positions)
    ]


def _column_labels(columns: str, language: str) -> str:
    """The columns of a line (``score``; ``student_id; student_id, school_id`` for a knock-on
    line of two rules), each as `column_label` names it."""
    return "; ".join(
        ", ".join(column_label(column, language) for column in group.split(", ")) for group in columns.split("; ")
    )
