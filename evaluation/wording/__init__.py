"""The workbench's words in every language it speaks, and numbers written the way each language
writes them.

The words are in one catalogue per language beside this module (``en.yaml``, ``tr.yaml``; see
`evaluation.wording.catalogue` for the schema). The languages are the catalogue files present:
adding a language is adding its file. Look a text up by its dotted key::

    text("report.sections.findings.heading", "tr")
    plural("report.notes.warnings", 3, "en")          # the CLDR plural form of 3, {n} filled
    label("peer_collaboration", "en")                 # a code of the data, as the report names it

Numbers, percentages and dates go through `evaluation.wording.formats` (Babel, in the
language's locale).
"""

from __future__ import annotations

from evaluation.wording.catalogue import FOLDER, LANGUAGES, Catalogue, catalogue, catalogues, languages, placeholders
from evaluation.wording.formats import (
    capitalise,
    count,
    csv_separator,
    date,
    decimal_symbol,
    listing,
    number,
    p_cell,
    p_text,
    percent,
    plain,
    short_number,
    signed,
)

#: Codes of the data that name the same people as another code (a survey's role ``student``,
#: the level ``students`` of the attrition table, the level ``school`` of the balance table), and
#: levels of a subgroup written as a letter or a truth value (``sex`` F/M, as the reader maps the
#: schools' K/E; ``special_needs`` True/False), named by a label key.
_SAME_AS = {
    "student": "students",
    "teacher": "teachers",
    "school": "schools",
    "F": "female",
    "M": "male",
    "True": "yes",
    "False": "no",
    "true": "yes",
    "false": "no",
}


def text(key: str, language: str, **values: object) -> str:
    """The text of ``key`` in ``language``, its placeholders filled from ``values``.

    Raises `evaluation.errors.MissingWordingError` (a KeyError naming the key and the language)
    when the catalogue has no such key, and `evaluation.errors.WordingError` (a ValueError) for
    a language without a catalogue or a placeholder left without a value.
    """
    return catalogue(language).text(key, **values)


def plural(key: str, n: int | float, language: str, /, **values: object) -> str:
    """The plural form of ``key`` for the count ``n`` in ``language`` (the CLDR category Babel
    gives ``n``: ``one`` or ``other`` in English and Turkish), ``{n}`` written the language's way
    unless ``values`` give it."""
    return catalogue(language).plural(key, n, **values)


def has(key: str, language: str) -> bool:
    """Whether the catalogue of ``language`` has ``key``."""
    return key in catalogue(language)


def label(code: str, language: str) -> str:
    """The readable name of a code of the data (an outcome, group, wave, level, school type):
    ``labels.<code>`` of the catalogue, or for a subgroup variable (``resource_level``) its name
    as a covariate; a code without either is shown as written, ``_`` as a space."""
    key = f"labels.{_SAME_AS.get(code, code)}"
    if has(key, language):
        return text(key, language)
    covariate = f"report.methods.covariate_names.{code}"  # a subgroup variable such as resource_level
    return text(covariate, language) if has(covariate, language) else code.replace("_", " ")


def method_name(code: str, language: str) -> str:
    """A method of results/effects.csv (``ancova_cr2``, ``paired_t``) as a table cell names it:
    ``workbook.methods.<code>`` of the catalogue (the workbook's names, the same in the report); a
    code without a name is shown as written."""
    key = f"workbook.methods.{code}"
    return text(key, language) if has(key, language) else code


def table_name(table: str, language: str, instrument_title: str | None = None) -> str:
    """A table of the data folder (``exam_results``, ``surveys/student_climate``) as the reader
    names it: ``tables.<table>``, a survey ``tables.survey`` with its instrument's title (or the
    instrument's label when no title is given); a table without a name is shown as written."""
    if table.startswith("surveys/"):
        instrument = table.removeprefix("surveys/")
        return text("tables.survey", language, instrument=instrument_title or label(instrument, language))
    key = f"tables.{table}"
    return text(key, language) if has(key, language) else table


def check_language(language: str) -> str:
    """``language`` when a catalogue speaks it, else `evaluation.errors.WordingError` (a
    ValueError) listing the languages."""
    catalogue(language)
    return language


__all__ = [
    "FOLDER",
    "LANGUAGES",
    "Catalogue",
    "capitalise",
    "catalogue",
    "catalogues",
    "check_language",
    "count",
    "csv_separator",
    "date",
    "decimal_symbol",
    "has",
    "label",
    "languages",
    "listing",
    "method_name",
    "number",
    "p_cell",
    "p_text",
    "percent",
    "placeholders",
    "plain",
    "plural",
    "short_number",
    "signed",
    "table_name",
    "text",
]
