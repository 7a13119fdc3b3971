"""What each broken rule asks and what to change, in words a school data officer can act on.

The words are the catalogues' (`evaluation.wording`): ``validation.rules`` says what a kind of rule
asks (the validation page), ``validation.fixes`` what to change (the fix lists), and
``validation.types``, ``validation.patterns`` and ``validation.custom`` both for the column types,
the patterns people should not have to read and the cross-field rules of the bundled contracts.
This module picks the template for a failure from the kind of its rule
(`evaluation.validation.rules.RuleKind`) and fills it from the contract: the bounds of a range,
the allowed values, the column's type, the file a reference points to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from evaluation.errors import ContractError
from evaluation.validation.contracts import Contract, Rule
from evaluation.validation.report import KNOCK_ON_NOTE, ValidationReport, leading_zeros_match
from evaluation.validation.validate import TABLES, table_contract
from evaluation.validation.wording import check_language, column_label, rows_text
from evaluation.wording import has, plain, text

#: Structural problems: no rule of a contract, the whole file is concerned.
STRUCTURAL_RULES = ("required_column", "unreadable_file", "unknown_table", "unknown_instrument", "national_id")

#: Reference targets with their own instruction (``validation.fixes.<name>``): a single column,
#: or a pair ending at the roster.
_REFERENCE_FIXES = {
    ("schools.school_id",): "school",
    ("students.student_id",): "student",
    ("schools.partnership_id",): "partnership",
    ("students.student_id", "students.school_id"): "roster",
}
#: Patterns people should not have to read, by their name in ``validation.patterns``.
_PATTERN_NAMES = {"^[A-Z]{2}$": "country_code", "^[0-9]{4}-(?:0[1-9]|1[0-2])$": "year_month"}


class RuleTexts:
    """Statements and instructions for the rules broken in a validation report.

    Parameters
    ----------
    report
        The validation report whose failures are described (its contracts are looked up by table).
    language
        ``en`` or ``tr``.
    """

    def __init__(self, report: ValidationReport, language: str) -> None:
        self.report = report
        self.language = check_language(language)
        self._contracts: dict[str, Contract | None] = {}

    def rule(self, table: str, name: str) -> Rule | None:
        """The contract rule named ``name`` of ``table`` (None for structural problems)."""
        if name in STRUCTURAL_RULES:
            return None
        contract = self.contract(table)
        try:
            return contract.rule(name) if contract is not None else None
        except KeyError:
            return None

    def contract(self, table: str) -> Contract | None:
        if table not in self._contracts:
            try:
                self._contracts[table] = table_contract(table, self.report.data_dir)
            except ContractError:  # an unknown table has no contract
                self._contracts[table] = None
        return self._contracts[table]

    def statement(self, table: str, name: str, message: str = "") -> str:
        """What the rule asks, e.g. ``score must be between 0 and 100``."""
        language = self.language
        rule = self.rule(table, name)
        if rule is None:
            key = f"validation.rules.{name}"
            return text(key if has(key, language) else "validation.rules.custom", language, message=message)
        fields = self._fields(table, rule)
        special = self._special(rule, fields)
        if special is not None:
            return text(f"{special}.rule", language, **fields)
        if rule.kind == "custom":
            return rule.message
        if rule.kind == "reference":
            key = (
                "roster"
                if _REFERENCE_FIXES.get(rule.references) == "roster"
                else "reference_pair"
                if len(rule.columns) > 1
                else "reference"
            )
            return text(f"validation.rules.{key}", language, **fields)
        return text(f"validation.rules.{self._kind_key(rule)}", language, **fields)

    def instruction(self, failure: Mapping[str, object], rows: Iterable[int] = ()) -> str:
        """What to change for one failure (a row of ``report.failures``), or for the group of
        failures of one school that break the same rule with the same value (`rows`: the rows of
        the group). For a duplicate rule the text names the rows that hold the same value: those
        of the group, the failure's own and those its message names (copies written differently,
        ``Ön test`` and ``pre``, are the same value to the rules but are in other groups)."""
        language = self.language
        table, name = str(failure["table"]), str(failure["rule"])
        value, message = str(failure["value"]), str(failure["message"])
        rule = self.rule(table, name)
        if rule is None:
            if name in ("required_column", "national_id"):
                return text(f"validation.fixes.{name}", language, column=column_label(str(failure["column"]), language))
            if name == "unreadable_file":
                return text("validation.fixes.unreadable_file", language, reason=message)
            if name in STRUCTURAL_RULES:
                tables = ", ".join((*TABLES, "surveys/<instrument_id>"))
                return text(f"validation.fixes.{name}", language, values=tables)
            return text("validation.fixes.custom", language, message=message)
        fields = {**self._fields(table, rule), "value": value, "rows": ""}
        if rule.kind in ("unique", "key_unique"):
            copies = {*rows, *named_rows(message)}
            if not pd.isna(failure.get("row")):
                copies.add(int(failure["row"]))  # type: ignore[call-overload]
            fields["rows"] = rows_text(copies, language)
        special = self._special(rule, fields)
        if special is not None:
            return text(f"{special}.fix", language, **fields)
        if rule.kind == "custom":
            return text("validation.fixes.custom", language, message=rule.message)
        if rule.kind == "reference":
            found = leading_zeros_match(message)
            if message.endswith(KNOCK_ON_NOTE):
                fix = text("validation.fixes.knock_on", language, **fields)
            else:
                fix = text(f"validation.fixes.{_REFERENCE_FIXES.get(rule.references, 'reference')}", language, **fields)
            if found is not None:
                fix += " " + text("validation.fixes.leading_zeros", language, **{**fields, "found": found})
            return fix
        return text(f"validation.fixes.{self._kind_key(rule)}", language, **fields)

    def _special(self, rule: Rule, fields: Mapping[str, str]) -> str | None:
        """The catalogue group (with a ``rule`` and a ``fix`` text) of a type rule, of a pattern
        with a name, or of a cross-field rule of the bundled contracts; None for the others."""
        if rule.kind == "type":
            return f"validation.types.{fields['logical_type']}"
        if rule.kind == "pattern" and fields["pattern"] in _PATTERN_NAMES:
            return f"validation.patterns.{_PATTERN_NAMES[fields['pattern']]}"
        if rule.kind == "custom" and has(f"validation.custom.{rule.name}.rule", self.language):
            return f"validation.custom.{rule.name}"
        return None

    def _kind_key(self, rule: Rule) -> str:
        if rule.kind == "range":
            if "min_value" in rule.kwargs and "max_value" in rule.kwargs:
                return "range_between"
            return "range_min" if "min_value" in rule.kwargs else "range_max"
        return rule.kind

    def _fields(self, table: str, rule: Rule) -> dict[str, str]:
        contract = self.contract(table)
        prop = contract.column(rule.columns[0]) if contract is not None else None
        values = rule.kwargs.get("value_set") or []
        return {
            # a single column with its Turkish header beside it; a list of columns as written
            "column": column_label(rule.columns[0], self.language)
            if len(rule.columns) == 1
            else ", ".join(rule.columns),
            "logical_type": prop.logical_type if prop is not None else "string",
            "minimum": plain(rule.kwargs["min_value"], self.language) if "min_value" in rule.kwargs else "",
            "maximum": plain(rule.kwargs["max_value"], self.language) if "max_value" in rule.kwargs else "",
            "pattern": str(rule.kwargs.get("regex", "")),
            "values": accepted_values(values, prop.canonical_values if prop is not None else {}, self.language),
            "file": self.file_of(rule.referenced_table) if rule.referenced_table else "",
        }

    def file_of(self, table: str) -> str:
        """The file name of a table of the report (``students.csv``), or ``<table>.csv`` if absent."""
        result = self.report.tables.get(table)
        return self.report.display(result.file) if result is not None else f"{table}.csv"


def accepted_values(values: Iterable[object], spellings: Mapping[str, str], language: str) -> str:
    """The values a rule accepts as a school would write them: in English the codes
    (``pre, post``); in another language each code's first spelling of the contract's
    ``canonicalValues`` that is a word, not a one-letter abbreviation, with the code beside it
    (``Ön test (pre), Son test (post)``; ``Kadın (F), Erkek (M)``), both of which are accepted."""
    words: dict[str, str] = {}
    if language != "en":
        for spelling, code in spellings.items():
            if len(spelling) > 1 and spelling.casefold() != str(code).casefold():
                words.setdefault(str(code), spelling)
    return ", ".join(f"{words[str(value)]} ({value})" if str(value) in words else str(value) for value in values)


def named_rows(message: str) -> list[int]:
    """The rows a duplicate's quarantine message names as holding the same value
    (`evaluation.validation.validate`: "...; the same value is on rows 18, 20")."""
    named = _SAME_VALUE_ROWS.search(message)
    return [int(row) for row in re.findall(r"\d+", named.group(1))] if named else []


_SAME_VALUE_ROWS = re.compile(r"the same value is on rows? ([\d, ]+)")
