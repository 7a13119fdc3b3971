"""Validate a data directory: every table file against its data contract, with great-expectations.

Each file is read as text (`evaluation.io.reading`), typed per its contract (`evaluation.io.coercion`),
and checked by the contract's great-expectations suite (`evaluation.validation.expectations`), with the
references to other tables (a school_id must be a school of ``schools``; an exam result's student
must be on the roster at that school) added as expectations over the accepted rows of the
referenced table. Before any rule runs, the labels of columns with ``canonicalValues`` or a list of
allowed values are read Turkish-aware (``ÖN TEST``, ``ön test`` and ``Pre`` are all ``pre``; see
`canonical_labels`): the rules see the canonical value, the quarantine shows what was written.
Rows that break a rule are quarantined; the others are accepted as typed canonical frames. A
file without a required column, or a table file the workbench does not know, is "broken":
reported, with no row-level results. So is an optional table (students, item responses,
activities, indicators, a survey) whose file cannot be read at all, or that has two files: the other tables are still
checked, and the problem is reported under the rule ``unreadable_file``. A required table that
is missing or cannot be read stops the validation (UnreadableInputError, exit 2): ``schools``
always, and in a run the tables its plan's outcomes need (`evaluation.config.plan.required_tables`:
``exam_results`` for an exam outcome, ``surveys/<instrument>`` for a survey outcome).

Personal data: right after a file is read, its id columns are pseudonymised when asked
(`evaluation.io.pseudonyms`), and a file that still holds Turkish national ID numbers in any
column (`evaluation.io.national_ids`) is broken too, with one problem per such column naming it
and the count, never a value. Columns the contract does not name (``ad_soyad``, ``e_posta``) are
dropped before any rule runs. The data folder is the only place read: a table file, or the
``surveys/`` or ``instruments/`` folder, that is a link to somewhere outside it refuses the
whole directory, and a survey file whose name is not an instrument id (`INSTRUMENT_ID`) is an
unknown table, never a path.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluation.config.instruments import INSTRUMENT_ID, find_instrument, load_instrument
from evaluation.config.plan import ALWAYS_REQUIRED
from evaluation.errors import ContractError, UnreadableInputError
from evaluation.io.coercion import canonical, parse
from evaluation.io.national_ids import national_id_counts
from evaluation.io.pseudonyms import (
    KEY_FILE_VARIABLE,
    KEY_VARIABLE,
    Pseudonymizer,
    pseudonymizer_from_environment,
)
from evaluation.io.reading import TABLE_SUFFIXES, UNSUPPORTED_SUFFIXES, read_table
from evaluation.io.turkish import canonicalise, lookup
from evaluation.validation.contracts import KEY_SEPARATOR, Contract, Rule, join_key, load_contract
from evaluation.validation.expectations import (
    add_derived_columns,
    add_reference_columns,
    build_suite,
    key_text,
    rules_in_play,
    run_suite,
)
from evaluation.validation.report import (
    KNOCK_ON_NOTE,
    LEADING_ZEROS_NOTE,
    TableResult,
    ValidationReport,
    failures_frame,
)
from evaluation.validation.surveys import survey_contract

TABLES = ("schools", "students", "exam_results", "item_responses", "activities", "indicators")
#: What every data directory needs, whatever a plan asks: the schools (with no outcome behind them).
REQUIRED_TABLES: dict[str, tuple[str, ...]] = {ALWAYS_REQUIRED: ()}
SURVEYS_DIR = "surveys"
INSTRUMENTS_DIR = "instruments"
_ORDER = ("schools", "students", "exam_results", "item_responses", SURVEYS_DIR, "activities", "indicators")
_MAX_LISTED_ROWS = 5
#: Structural rules of files whose text `table_text` does not give: not read, or refused whole.
_UNREAD = ("unknown_table", "unknown_instrument", "national_id", "unreadable_file")


def validate_data_dir(
    data_dir: Path, pseudonymize: bool = False, required: Mapping[str, tuple[str, ...]] | None = None
) -> ValidationReport:
    """Check every table of a data directory against its data contract.

    Parameters
    ----------
    data_dir
        A folder with ``schools.*``, and as far as its programme has them ``exam_results.*``,
        ``students.*``, ``activities.*``, ``indicators.*`` and ``surveys/<instrument_id>.*``
        (``*`` is csv, xlsx, parquet or sav), and ``instruments/<instrument_id>.yaml`` for
        instruments not bundled.
    pseudonymize
        Replace the id columns of every table by keyed hashes right after reading
        (`evaluation.io.pseudonyms.Pseudonymizer.pseudonymize_table`), with the key of the
        environment (`evaluation.io.pseudonyms.load_key`).
    required
        The tables that must be there, each with the ids of the plan's outcomes that need it
        (`evaluation.config.plan.Plan.required_tables`); None: the schools alone (`REQUIRED_TABLES`),
        as ``evaluation validate`` checks a folder without a plan.

    Returns
    -------
    ValidationReport
        Per-table counts, the accepted rows as typed frames, and one failure row per broken rule
        per row; ``exit_code`` is 0 when every row passed and 1 otherwise.

    Raises
    ------
    UnreadableInputError
        The directory or a required table is missing, a table file cannot be read at all, or a
        table file or the surveys/ or instruments/ folder links to a place outside the directory.
    ContractError
        A data contract or instrument definition is itself malformed.
    PseudonymKeyError
        ``pseudonymize`` is asked for without a usable key.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise UnreadableInputError(f"{data_dir}: no such data directory")
    pseudonymizer = pseudonymizer_from_environment({"the data folder": data_dir}) if pseudonymize else None
    check_links(data_dir)
    required = dict(REQUIRED_TABLES if required is None else required)
    files, unknown, conflicts = discover_tables(data_dir, required)
    check_required(data_dir, files, required)
    run = _Run(data_dir, pseudonymizer, required)
    for key, path in files.items():
        if key in conflicts:
            run.unreadable(key, path, conflicts[key])
        else:
            run.validate_table(key, path)
    expected = ", ".join((*TABLES, f"{SURVEYS_DIR}/<instrument_id>"))
    for key, path in unknown:
        message = f"unknown table: the tables are {expected}"
        if key.startswith(f"{SURVEYS_DIR}/"):
            message += (
                "; a survey file is named after its instrument's id, in lower-case letters, digits and _ "
                "(such as surveys/student_climate.csv)"
            )
        run.structural(key, path, 0, "unknown table", [("", "unknown_table", message)])
    return ValidationReport(
        data_dir=data_dir,
        tables=run.tables,
        accepted=run.accepted,
        failures=failures_frame(run.records),
        pseudonymizer=pseudonymizer,
        texts=run.written,
    )


def check_required(data_dir: Path, files: Mapping[str, Path], required: Mapping[str, tuple[str, ...]]) -> None:
    """Refuse (UnreadableInputError, exit 2) a data directory without a table that is required:
    the message names the table, the files it may be, and the plan's outcomes that need it."""
    for table, outcome_ids in required.items():
        if table in files:
            continue
        kinds = ", ".join(f"{table}{suffix}" for suffix in TABLE_SUFFIXES)
        message = f"{data_dir}: the {table} table is missing (expected one of {kinds})"
        if outcome_ids:
            many = len(outcome_ids) > 1
            message += (
                f"; the plan's outcome{'s' if many else ''} {', '.join(outcome_ids)} need{'' if many else 's'} it: "
                f"send the table, or take {'them' if many else 'it'} out of the plan's outcomes"
            )
        raise UnreadableInputError(message)


def check_links(data_dir: Path) -> None:
    """Refuse a data directory whose table files, instrument definitions, or ``surveys/`` or
    ``instruments/`` folder are links to somewhere outside it: the workbench reads the data folder
    and nothing else (and shows nothing of what such a link points to)."""
    root = data_dir.resolve()
    table_like = set(TABLE_SUFFIXES) | set(UNSUPPORTED_SUFFIXES)
    for folder, suffixes in ((data_dir, table_like), (data_dir / SURVEYS_DIR, table_like)):
        _inside(folder, root, "folder")
        if folder.is_dir():
            for path in folder.iterdir():
                if path.suffix.lower() in suffixes:
                    _inside(path, root, "file")
    instruments = data_dir / INSTRUMENTS_DIR
    _inside(instruments, root, "folder")
    if instruments.is_dir():
        for path in instruments.iterdir():
            if path.suffix.lower() in (".yaml", ".yml"):
                _inside(path, root, "file")


def _inside(path: Path, root: Path, kind: str) -> None:
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        raise UnreadableInputError(
            f"{path}: a link to a {kind} outside the data folder; the workbench reads only what is inside the "
            f"data folder, so copy the {kind} into it instead of linking to it"
        )


def discover_tables(
    data_dir: Path, required: Mapping[str, tuple[str, ...]] = REQUIRED_TABLES
) -> tuple[dict[str, Path], list[tuple[str, Path]], dict[str, str]]:
    """The table files of a data directory, in validation order; the unknown ones; and, for an
    optional table with two files (``activities.csv`` and ``activities.xlsx``), why it cannot be
    read (its first file is among the table files). Two files for a `required` table are refused.

    Files whose extension is not a table's (README.md, notes) are left alone; a known table
    with an unsupported extension (``schools.xls``) is kept so that reading it says why not.
    """
    candidates: dict[str, list[Path]] = defaultdict(list)
    unknown: list[tuple[str, Path]] = []
    table_like = set(TABLE_SUFFIXES) | set(UNSUPPORTED_SUFFIXES)
    for folder, prefix in ((data_dir, ""), (data_dir / SURVEYS_DIR, f"{SURVEYS_DIR}/")):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            suffix = path.suffix.lower()
            if not path.is_file() or path.name.startswith((".", "~$")) or suffix not in table_like:
                continue
            key = prefix + path.stem
            if prefix and not re.fullmatch(INSTRUMENT_ID, path.stem):
                if suffix in TABLE_SUFFIXES:  # not an instrument id: reported, never used as a path
                    unknown.append((key, path))
            elif prefix or path.stem in TABLES:
                candidates[key].append(path)
            elif suffix in TABLE_SUFFIXES:
                unknown.append((path.stem, path))
    conflicts: dict[str, str] = {}
    for key, paths in candidates.items():
        if len(paths) > 1:
            names = " and ".join(path.name for path in paths)
            if key in required:
                raise UnreadableInputError(f"{data_dir}: two files for the {key} table ({names}); keep one")
            conflicts[key] = f"two files for the {key} table ({names}); keep one"

    def order(key: str) -> tuple[int, str]:
        return (_ORDER.index(key.split("/")[0]), key)

    return {key: candidates[key][0] for key in sorted(candidates, key=order)}, unknown, conflicts


def read_table_text(key: str, path: Path, contract: Contract | None) -> pd.DataFrame:
    """The text of a table's file as validation reads it (`evaluation.io.reading.read_table`):
    with the contract's columns, so that a title above the header is found; in a survey, a
    student number column (``Öğrenci No``, read as ``student_id``) is the respondent_id when the
    file has no respondent_id (student surveys exported from e-Okul are keyed by it)."""
    text = read_table(path, contract.columns if contract is not None else ())
    if key.startswith(f"{SURVEYS_DIR}/") and "student_id" in text.columns and "respondent_id" not in text.columns:
        attrs = dict(text.attrs)
        text = text.rename(columns={"student_id": "respondent_id"})
        text.attrs.update(attrs)
    return text


def table_text(report: ValidationReport, table: str) -> pd.DataFrame | None:
    """A table's file as its validation read it (`read_table_text` with its contract,
    pseudonymised when the validation was): the columns of its contract that the file has, as the
    report keeps them (`ValidationReport.texts`), else the file read again; None when the report
    has no such table, or validation did not read its file (an unknown table, a survey without an
    instrument definition, an unreadable optional file: never checked, so nothing of it is used) or
    refused it for holding national ID numbers."""
    result = report.tables.get(table)
    failures = report.failures
    unread = (failures["table"] == table) & failures["rule"].isin(_UNREAD)
    if result is None or unread.any():
        return None
    if table in report.texts:  # kept by the validation: the file is not read again
        return report.texts[table]
    try:
        contract = table_contract(table, report.data_dir)
    except ContractError:
        contract = None
    try:
        text = read_table_text(table, result.file, contract)
    except UnreadableInputError:
        return None
    return text if report.pseudonymizer is None else report.pseudonymizer.pseudonymize_table(text)


def table_contract(key: str, data_dir: Path) -> Contract | None:
    """The contract of a table key (``exam_results``, ``surveys/<instrument_id>``); None for a
    survey whose instrument has no definition (bundled or in the data directory's instruments/)."""
    if not key.startswith(f"{SURVEYS_DIR}/"):
        return load_contract(key)
    instrument_id = key.split("/", 1)[1]
    if find_instrument(instrument_id, data_dir) is None:
        return None
    return survey_contract(load_instrument(instrument_id, data_dir))


class _Run:
    """The state of one validation: results so far, used for references between tables."""

    def __init__(
        self,
        data_dir: Path,
        pseudonymizer: Pseudonymizer | None = None,
        required: Mapping[str, tuple[str, ...]] = REQUIRED_TABLES,
    ) -> None:
        self.data_dir = data_dir
        self.required = required
        self.pseudonymizer = pseudonymizer
        self.tables: dict[str, TableResult] = {}
        self.accepted: dict[str, pd.DataFrame] = {}
        self.texts: dict[str, pd.DataFrame] = {}
        self.written: dict[str, pd.DataFrame] = {}
        self.records: list[dict[str, Any]] = []

    def display(self, path: Path) -> str:
        return path.relative_to(self.data_dir).as_posix()

    def structural(
        self,
        key: str,
        path: Path,
        n_rows: int,
        reason: str,
        problems: list[tuple[str, str, str]],
        contract: Contract | None = None,
        header_row: int = 1,
        title: str = "",
    ) -> None:
        """Record a broken table: ``reason`` for the summary, and one failure row (without a row
        number) per problem ``(column, rule, message)``."""
        self.tables[key] = TableResult(key, path, n_rows, 0, 0, broken=reason, header_row=header_row, title=title)
        self.accepted[key] = pd.DataFrame() if contract is None else _empty_accepted(contract)
        for column, rule, message in problems:
            self.records.append(
                {
                    "table": key,
                    "file": self.display(path),
                    "school_id": "",
                    "row": None,
                    "column": column,
                    "value": "",
                    "rule": rule,
                    "message": message,
                }
            )

    def unreadable(self, key: str, path: Path, reason: str, contract: Contract | None = None) -> None:
        """Record an optional table whose file cannot be read (``reason``, without the path)."""
        self.structural(key, path, 0, f"cannot be read: {reason}", [("", "unreadable_file", reason)], contract)

    def contract_for(self, key: str, path: Path) -> Contract | None:
        """The table's contract; None (after recording the broken table) for a survey whose
        instrument has no definition."""
        contract = table_contract(key, self.data_dir)
        if contract is None:
            instrument_id = key.split("/", 1)[1]
            message = f"no instrument definition {instrument_id}.yaml in instruments/ or among the bundled ones"
            self.structural(
                key, path, 0, f"no instrument definition {instrument_id}.yaml", [("", "unknown_instrument", message)]
            )
        return contract

    def validate_table(self, key: str, path: Path) -> None:
        contract = self.contract_for(key, path)
        if contract is None:
            return
        try:
            text = read_table_text(key, path, contract)
        except UnreadableInputError as error:
            if key in self.required:
                raise  # nothing can be checked without the schools, nor an outcome without its table
            self.unreadable(key, path, str(error).removeprefix(f"{path}: "), contract)
            return
        header = {"header_row": text.attrs.get("header_row", 1), "title": text.attrs.get("title", "")}
        if self.pseudonymizer is not None:
            text = self.pseudonymizer.pseudonymize_table(text)
        national_ids = national_id_counts(text)
        if national_ids:
            problems = [(column, "national_id", national_id_message({column: n})) for column, n in national_ids.items()]
            self.structural(key, path, len(text), national_id_message(national_ids), problems, contract)
            return
        missing = [column for column in contract.required_columns if column not in text.columns]
        if missing:
            found = ", ".join(text.columns) or "none"
            problems = [
                (column, "required_column", f"required column {column!r} is missing (found: {found})")
                for column in missing
            ]
            reason = "missing required column " + ", ".join(repr(column) for column in missing)
            self.structural(key, path, len(text), reason, problems, contract, **header)
            return
        written = [column for column in contract.columns if column in text.columns]
        for column in contract.columns:
            if column not in text.columns:  # optional columns may be left out
                text[column] = pd.Series(pd.NA, index=text.index, dtype="str")
        text = text[list(contract.columns)]  # columns the contract does not know are not kept
        labels = canonical_labels(text, contract)
        frame = validation_frame(labels, contract)
        references = self.reference_values(contract)
        suite = build_suite(contract, references)
        failing: set[int] = set()
        if len(text):
            frame = add_derived_columns(frame, contract, rules_in_play(contract, references))
            frame = add_reference_columns(frame, contract, {name: keys for name, (keys, _, _) in references.items()})
            for outcome in run_suite(frame, suite, contract):
                rule = contract.rule(outcome.rule)
                self.record_failures(
                    key, path, text, labels, rule, outcome.failing_positions, references.get(rule.name)
                )
                failing.update(outcome.failing_positions)
        ok = np.ones(len(text), dtype=bool)
        ok[sorted(failing)] = False
        self.texts[key] = labels
        self.written[key] = text[written]  # as written, for the fix lists (`table_text`)
        self.accepted[key] = accepted_frame(labels[ok], frame[ok], contract)
        self.tables[key] = TableResult(key, path, len(text), int(ok.sum()), len(failing), **header)

    def reference_values(self, contract: Contract) -> dict[str, tuple[pd.Index, pd.Index, str]]:
        """For each reference rule whose table was validated and not broken: the keys of its
        accepted rows, all keys in its file (as `key_text`), and the file's name."""
        values: dict[str, tuple[pd.Index, pd.Index, str]] = {}
        for rule in contract.reference_rules:
            table = rule.referenced_table
            result = self.tables.get(table or "")
            if result is None or result.broken:
                continue  # optional table absent, or broken (reported on its own)
            columns = [target.split(".", 1)[1] for target in rule.references]
            accepted, text = self.accepted[table], self.texts[table]
            if any(column not in text.columns for column in columns):
                continue
            values[rule.name] = (
                _keys(accepted, columns),
                _keys(text, columns),
                self.display(result.file),
            )
        return values

    def record_failures(
        self,
        key: str,
        path: Path,
        text: pd.DataFrame,
        labels: pd.DataFrame,
        rule: Rule,
        positions: tuple[int, ...],
        reference: tuple[pd.Index, pd.Index, str] | None,
    ) -> None:
        """One failure record per failing row, with the text as written (``text``); duplicates
        and references are matched on the canonical labels the rules saw (``labels``)."""
        if not positions:
            return
        values = _cell_texts(text, rule.columns, positions)
        checked = _cell_texts(labels, rule.columns, positions)
        rows = [int(row) for row in text.index[list(positions)]]
        if "school_id" in text.columns:
            schools = ["" if pd.isna(v) else str(v) for v in text["school_id"].iloc[list(positions)]]
        else:  # e.g. activities: attributed to schools through their partnership (evaluation.validation.fix_lists)
            schools = [""] * len(rows)
        # For a duplicate, the message names up to _MAX_LISTED_ROWS other rows holding the same
        # value: the first rows of each value are kept once, so that a value on k rows costs k
        # steps, not k * k (200,000 rows of one value are one systematic mistake, not a crash).
        copies: Counter[tuple] = Counter()
        first_rows: dict[tuple, list[int]] = defaultdict(list)
        if rule.kind in ("unique", "key_unique"):
            for value, row in zip(checked, rows, strict=True):
                copies[value] += 1
                if len(first_rows[value]) <= _MAX_LISTED_ROWS:
                    first_rows[value].append(row)
        zeros: dict[str, str] | None = None
        for value, seen, row, school in zip(values, checked, rows, schools, strict=True):
            message = rule.message
            if rule.kind in ("unique", "key_unique"):
                n_others = copies[seen] - 1
                others = [other for other in first_rows[seen] if other != row][:_MAX_LISTED_ROWS]
                listed = ", ".join(map(str, others)) + (", ..." if n_others > len(others) else "")
                message += f"; the same value is on row{'s' if n_others > 1 else ''} {listed}"
            elif rule.kind == "reference" and reference is not None:
                accepted, present, file = reference
                wanted = join_key(seen)
                message += f" ({file})"
                if wanted in present:
                    if wanted not in accepted:
                        message += f"; {KNOCK_ON_NOTE}"
                else:
                    if zeros is None:  # built once per rule, and only when a value is not found
                        zeros = _by_digits(present)
                    found = zeros.get(without_leading_zeros(wanted))
                    if found is not None and found != wanted:
                        message += f"; {file} has {' / '.join(found.split(KEY_SEPARATOR))}: {LEADING_ZEROS_NOTE}"
            self.records.append(
                {
                    "table": key,
                    "file": self.display(path),
                    "school_id": school,
                    "row": row,
                    "column": ", ".join(rule.columns),
                    "value": " / ".join(value),
                    "rule": rule.name,
                    "message": message,
                }
            )


def national_id_message(counts: dict[str, int]) -> str:
    """Why a file holding national ID numbers is refused (per column: how many cells), and what to
    do; never a value."""
    parts = [
        f"{n} value{'s' if n != 1 else ''} of column {column!r}" if position == 0 else f"{n} of column {column!r}"
        for position, (column, n) in enumerate(counts.items())
    ]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    one = sum(counts.values()) == 1
    them = "it" if one else "them"
    return (
        f"{listed} {'looks like a Turkish national ID number' if one else 'look like Turkish national ID numbers'} "
        "(T.C. Kimlik No: 11 digits with a valid checksum), so nothing of the file was accepted (no value is "
        f"shown). Replace {them} by the school's own student numbers (or leave the column out), or pseudonymise "
        f"{them}: set pseudonymize: true in the plan (evaluation validate --pseudonymize), with a key in "
        f"{KEY_VARIABLE} or a key file named by {KEY_FILE_VARIABLE}"
    )


_LEADING_ZEROS = re.compile(f"(^|{KEY_SEPARATOR})0+(?=[0-9])")


def without_leading_zeros(key: str) -> str:
    """A key without the leading zeros of each part (``012345`` -> ``12345``; ``S01`` stays)."""
    return _LEADING_ZEROS.sub(r"\1", key)


def _by_digits(keys: pd.Index) -> dict[str, str]:
    """The keys of a referenced file by their text without leading zeros (`without_leading_zeros`),
    to tell a school that ``12345`` is ``012345`` with its zero lost (vectorised: a roster's keys
    run to millions)."""
    if not len(keys):
        return {}
    stripped = pd.Series(keys.astype("str"), dtype="str").str.replace(_LEADING_ZEROS.pattern, r"\1", regex=True)
    return dict(zip(stripped.tolist(), keys.tolist(), strict=True))


def _cell_texts(frame: pd.DataFrame, columns: tuple[str, ...], positions: tuple[int, ...]) -> list[tuple[str, ...]]:
    cells = frame[list(columns)].iloc[list(positions)]
    return [tuple("" if pd.isna(v) else str(v) for v in row) for row in cells.itertuples(index=False)]


def canonical_labels(text: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """``text`` with the labels of coded columns in their canonical spelling.

    A column is coded when its property has ``canonicalValues`` or an allowed-values rule
    (``invalidValues`` with ``validValues``). Its values are matched Turkish-aware
    (`evaluation.io.turkish.match_key`: case, dotted and dotless i, Turkish letters, separators)
    against the canonical spellings and the allowed values, so ``K``, ``kız`` and ``KADIN`` read
    as ``F`` and ``ÖN TEST`` as ``pre``; values that match nothing are left for the rules.
    """
    changed = {}
    for prop in contract.properties:
        allowed = [
            str(value)
            for rule in contract.rules
            if rule.kind == "allowed_values" and rule.columns == (prop.name,)
            for value in rule.kwargs["value_set"]
        ]
        if not prop.canonical_values and not allowed:
            continue
        values = canonicalise(text[prop.name], lookup(prop.canonical_values, allowed))
        if values is not text[prop.name]:
            changed[prop.name] = values
    return text.assign(**changed) if changed else text


def _keys(frame: pd.DataFrame, columns: list[str]) -> pd.Index:
    if not len(frame):
        return pd.Index([], dtype="str")
    return pd.Index(key_text(frame, columns).dropna().unique())


def validation_frame(text: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """The frame great-expectations checks: each column typed per its logicalType under its own
    name, and the original text of typed columns beside it (``<column>__text``); index 0..n-1."""
    columns: dict[str, pd.Series] = {}
    for prop in contract.properties:
        values = text[prop.name]
        columns[prop.name] = parse(values, prop.logical_type)
        if prop.typed:
            columns[prop.text_column] = values
    frame = pd.DataFrame(columns, index=text.index)
    return frame.reset_index(drop=True)


def _empty_accepted(contract: Contract) -> pd.DataFrame:
    text = pd.DataFrame({column: pd.Series([], dtype="str") for column in contract.columns})
    text.index = pd.Index([], dtype="int64", name="row")
    return accepted_frame(text, validation_frame(text, contract), contract)


def accepted_frame(text: pd.DataFrame, frame: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """Accepted rows as a typed canonical frame, indexed by spreadsheet row number, from their
    canonical labels (`canonical_labels`) and typed values; defaults for empty optional cells."""
    columns: dict[str, pd.Series] = {}
    for prop in contract.properties:
        values = frame[prop.name].set_axis(text.index) if prop.typed else text[prop.name]
        if prop.default is not None:
            default = parse(pd.Series([prop.default], dtype="str"), prop.logical_type).iloc[0]
            values = values.fillna(default)
        columns[prop.name] = canonical(values, prop.logical_type)
    return pd.DataFrame(columns, index=text.index)
