"""The report's sentences, in the plan's language, built from rows of the results table; the
words are those of the catalogues (`evaluation.wording`). The sentences are `Markdown`
(`evaluation.reporting.escaping`): the values in them are escaped."""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from evaluation.reporting import escaping as md
from evaluation.wording import capitalise, has, label, number, p_cell, p_text, percent, text

__all__ = [
    "capitalise", "change_sentence", "finding_sentence", "label", "note_text", "number", "p_cell", "p_text",
    "percent",
]  # fmt: skip

#: Columns of the analysis frame that a note names, as the catalogue's labels name them.
_NOTE_COLUMNS = {"pre": "pre_test", "post": "post_test"}


def _note_detail(detail: str, language: str) -> str:
    """A note's detail (a group, a column of the analysis) in words: ``partner`` as "partner
    schools", ``pre`` as "the pre-test"."""
    return label(_NOTE_COLUMNS.get(detail, detail), language)


def note_text(note: object, language: str, name: Callable[[str, str], str] = _note_detail, subject: str = "") -> str:
    """The codes of a results table's `note` (``no_post_test:partner;dropped_constant:pre``) in
    words, each by its catalogue text ``notes.<kind>``, joined by "; " ("" for no note).

    `name` words a code's detail (a group or column; the balance table passes its names of the
    characteristics), `subject` stands in for a code without a detail (the row's characteristic).
    A code of no known kind is shown as written."""
    if not isinstance(note, str) or not note:
        return ""
    parts = []
    for code in note.split(";"):
        kind, _, detail = code.partition(":")
        key = f"notes.{kind}"
        if not kind or not has(key, language):
            parts.append(code)
            continue
        parts.append(text(key, language, detail=name(detail, language) if detail else subject))
    return "; ".join(part for part in parts if part)


def _note(row: pd.Series) -> str:
    note = row.get("note", "")
    return note if isinstance(note, str) else ""


def _with_note(sentence: md.Markdown, row: pd.Series, language: str) -> md.Markdown:
    """`sentence` followed by what the row's model left out, when its note says something."""
    reason = note_text(_note(row), language)
    if not reason:
        return sentence
    return sentence + md.Markdown(" ") + md.text("report.finding.note", language, reason=reason)


def finding_sentence(
    row: pd.Series, alpha: float, language: str, unit: str, who: str, exploratory: bool = False
) -> md.Markdown:
    """One plain sentence for a partner-versus-control row of the results table; `unit` is
    "points", "scale_points" or "percentage_points", `who` "students", "teachers" or "respondents"; `exploratory`
    for an outcome the plan marks ``confirmatory: false`` (its p-value is not adjusted, and the sentence says so)."""
    outcome = label(row["outcome"], language)
    if math.isnan(row["ci_low"]) and _note(row):  # the model could not be fitted (or gave no interval): say why
        reason = note_text(_note(row), language)
        return md.capitalise(
            md.text(f"report.finding.not_estimated.{who}", language, outcome=outcome, reason=reason), language
        )
    if row["suppressed"] or math.isnan(row["estimate"]):
        return md.capitalise(md.text(f"report.finding.suppressed.{who}", language, outcome=outcome), language)
    # Judged on the p-value adjusted for the outcomes of the domain (Benjamini-Hochberg), as the
    # evidence section judges it; the unadjusted one only where no adjustment was made.
    p_value, adjusted = row.get("p_adjusted"), True
    if p_value is None or pd.isna(p_value):
        p_value, adjusted = row["p_value"], False
    p_words = md.p_text(p_value, language)
    if adjusted:
        p_words = md.text("report.finding.p_adjusted", language, p=p_words)
    elif exploratory:
        p_words = md.text("report.finding.p_exploratory", language, p=p_words)
    verdict = md.text(
        "report.finding.significant" if p_value < alpha else "report.finding.not_significant", language, p=p_words
    )
    sentence = md.capitalise(
        md.text(
            f"report.finding.{who}",
            language,
            outcome=outcome,
            size=md.number(abs(row["estimate"]), 2, language),
            unit=md.text(f"report.units.{unit}", language),
            direction=md.text("report.finding.higher" if row["estimate"] >= 0 else "report.finding.lower", language),
            low=md.number(row["ci_low"], 2, language),
            high=md.number(row["ci_high"], 2, language),
            g=md.number(row["effect_size"], 2, language),
            verdict=verdict,
        ),
        language,
    )
    return _with_note(sentence, row, language)


def change_sentence(row: pd.Series, language: str, unit: str, who: str) -> md.Markdown:
    """One plain sentence for a pre/post row of the results table."""
    outcome = label(row["outcome"], language)
    group = md.text(f"report.change.in_group.{row['group']}", language)
    if math.isnan(row["ci_low"]) and _note(row):  # a wave is missing, or no interval: say why
        reason = note_text(_note(row), language)
        return md.capitalise(
            md.text("report.change.not_estimated", language, group=group, outcome=outcome, reason=reason), language
        )
    if row["suppressed"] or math.isnan(row["estimate"]):
        return md.capitalise(md.text(f"report.finding.suppressed.{who}", language, outcome=outcome), language)
    sentence = md.capitalise(
        md.plural(
            f"report.change.{who}",
            int(row["n_treatment"]),
            language,
            group=group,
            outcome=outcome,
            unit=md.text(f"report.units.{unit}", language),
            estimate=md.signed(row["estimate"], 2, language),
            low=md.number(row["ci_low"], 2, language),
            high=md.number(row["ci_high"], 2, language),
        ),
        language,
    )
    return _with_note(sentence, row, language)
