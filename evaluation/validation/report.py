"""The outcome of validating a data directory: per-table counts, accepted rows and failures."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from evaluation.errors import EXIT_INVALID_DATA, EXIT_OK
from evaluation.validation.safe_csv import write_csv

if TYPE_CHECKING:
    from evaluation.io.pseudonyms import Pseudonymizer

FAILURE_COLUMNS = ("table", "file", "school_id", "row", "column", "value", "rule", "message")
SUMMARY_COLUMNS = ("table", "file", "rows", "accepted", "quarantined", "broken")
MAX_LISTED_FAILURES = 20
#: Ends the message of a reference failure whose value is in the referenced file but on a
#: quarantined row; the summary lists such knock-on failures after the others.
KNOCK_ON_NOTE = "it is there, but its row was quarantined"
#: Ends the message of a reference failure whose value is in the referenced file with other
#: leading zeros (``12345`` against ``012345``): Excel drops them from numbers. The message reads
#: "...; schools.csv has 012345: <LEADING_ZEROS_NOTE>".
LEADING_ZEROS_NOTE = (
    "only leading zeros differ, and Excel drops the leading zeros of numbers: format the column as Text in Excel "
    "and type the codes with their zeros"
)
_LEADING_ZEROS = re.compile(r" has (.+?): " + re.escape(LEADING_ZEROS_NOTE) + "$")


def leading_zeros_match(message: str) -> str | None:
    """The value of the referenced file a reference failure's message says differs from the
    row's only by leading zeros (``012345``); None when the message does not say so."""
    found = _LEADING_ZEROS.search(message)
    return found.group(1) if found else None


@dataclass(frozen=True)
class TableResult:
    """Counts for one table file. ``broken`` holds the structural reason when the file as a whole
    breaks its contract (then no row-level checks ran and nothing is accepted). ``header_row`` is
    the row of the column names: above 1 when a title stands above them (``title``, its text),
    those rows not read as data."""

    table: str
    file: Path
    n_rows: int
    n_accepted: int
    n_quarantined: int
    broken: str | None = None
    header_row: int = 1
    title: str = ""


def empty_failures() -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series([], dtype="str") for column in FAILURE_COLUMNS})
    return frame.astype({"row": "Int64"})


def failures_frame(records: list[dict]) -> pd.DataFrame:
    """Failure records (dicts with `FAILURE_COLUMNS`) as a frame: tables in the order met, rows in
    file order (structural problems first), rules in contract order within a row."""
    if not records:
        return empty_failures()
    frame = pd.DataFrame.from_records(records, columns=list(FAILURE_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    for column in ("table", "file", "school_id", "column", "value", "rule", "message"):
        frame[column] = frame[column].fillna("").astype("str")
    order = {table: position for position, table in enumerate(dict.fromkeys(frame["table"]))}
    frame["_order"] = frame["table"].map(order)
    frame = frame.sort_values(["_order", "row"], kind="stable", na_position="first")
    return frame.drop(columns="_order").reset_index(drop=True)


def header_note(result: TableResult) -> str:
    """What the summary says of a table whose column names are not on row 1."""
    above = "row 1" if result.header_row == 2 else f"rows 1-{result.header_row - 1}"
    return (
        f"the column names were found on row {result.header_row}, under a title ({result.title!r}); "
        f"{above} were not read as data"
    )


@dataclass(frozen=True)
class ValidationReport:
    """What `evaluation.validation.validate.validate_data_dir` found.

    Attributes
    ----------
    data_dir
        The validated directory.
    tables
        One `TableResult` per table, keyed ``schools``, ``students``, ``exam_results``,
        ``activities``, ``indicators``, ``surveys/<instrument_id>`` (and any unknown table).
    accepted
        Same keys: the typed canonical frame of the rows that passed every rule (indexed by their
        spreadsheet row number).
    failures
        One row per broken rule per row (``table, file, school_id, row, column, value, rule,
        message``); ``school_id`` is the row's own school_id text (empty for tables without that
        column, such as ``activities``, and for structural problems, which also have an empty
        ``row``).
    pseudonymizer
        What pseudonymised the id columns right after reading (None: the ids are as written);
        `evaluation.validation.validate.table_text` reads a file again the same way (for a table
        whose text `texts` does not hold).
    texts
        Per checked table (not a broken one), its file's text as written (pseudonymised when asked),
        in the columns of its contract that the file has, indexed by spreadsheet row number: the
        fix lists find the rows' students, subjects and waves in it without reading the file again.
    """

    data_dir: Path
    tables: dict[str, TableResult]
    accepted: dict[str, pd.DataFrame]
    failures: pd.DataFrame
    pseudonymizer: Pseudonymizer | None = field(default=None, repr=False, compare=False)
    texts: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)

    @property
    def exit_code(self) -> int:
        """0 when every row passed, 1 when rows were quarantined or a table is broken."""
        broken = any(result.broken for result in self.tables.values())
        return EXIT_INVALID_DATA if broken or len(self.failures) else EXIT_OK

    @property
    def ok(self) -> bool:
        return self.exit_code == EXIT_OK

    def summary(self, max_failures: int = MAX_LISTED_FAILURES) -> str:
        """A short text: one line per table, then the first failing rows."""
        lines = []
        for result in self.tables.values():
            name = self.display(result.file)
            if result.broken:
                lines.append(f"{name}: broken, {result.broken}")
            else:
                lines.append(
                    f"{name}: {result.n_rows} rows, {result.n_accepted} accepted, {result.n_quarantined} quarantined"
                )
            if result.header_row > 1:
                lines.append(f"{name}: {header_note(result)}")
        row_failures = self.failures[self.failures["row"].notna()]
        knock_on = row_failures["message"].str.endswith(KNOCK_ON_NOTE)
        row_failures = pd.concat([row_failures[~knock_on], row_failures[knock_on]])
        for record in row_failures.head(max_failures).itertuples(index=False):
            lines.append(
                f"{record.file} row {record.row}, column {record.column}: found {record.value!r}, "
                f"rule {record.rule}: {record.message}"
            )
        if len(row_failures) > max_failures:
            lines.append(f"... and {len(row_failures) - max_failures} more (see quarantine.csv)")
        lines.append("All rows passed." if self.ok else "Some rows or tables did not pass their data contract.")
        return "\n".join(lines)

    def summary_frame(self) -> pd.DataFrame:
        """One row per table: table, file, rows, accepted, quarantined, broken."""
        records = [
            {
                "table": key,
                "file": self.display(result.file),
                "rows": result.n_rows,
                "accepted": result.n_accepted,
                "quarantined": result.n_quarantined,
                "broken": result.broken or "",
            }
            for key, result in self.tables.items()
        ]
        return pd.DataFrame.from_records(records, columns=list(SUMMARY_COLUMNS))

    def write(self, out_dir: Path) -> Path:
        """Write ``quarantine.csv`` (the failures) and ``validation-summary.csv`` into ``out_dir``;
        both are opened in spreadsheets, so cells that would run as formulas are quoted
        (`evaluation.validation.safe_csv`)."""
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        write_csv(self.failures, out_dir / "quarantine.csv")
        write_csv(self.summary_frame(), out_dir / "validation-summary.csv")
        return out_dir

    def display(self, file: Path) -> str:
        """A file's name relative to the data directory (``surveys/student_climate.csv``)."""
        try:
            return Path(file).relative_to(self.data_dir).as_posix()
        except ValueError:
            return str(file)
