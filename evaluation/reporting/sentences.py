"""The report's sentences, in the plan's language, built from rows of the results table; the
words are those of the catalogues (`evaluation.wording`). The sentences are `Markdown`
(`evaluation.reporting.escaping`): the values in them are escaped."""

from __future__ import annotations

import math

import pandas as pd

from evaluation.reporting import escaping as md
from evaluation.wording import capitalise, label, number, p_cell, p_text, percent

__all__ = ["capitalise", "change_sentence", "finding_sentence", "label", "number", "p_cell", "p_text", "percent"]


def finding_sentence(
    row: pd.Series, alpha: float, language: str, unit: str, who: str, exploratory: bool = False
) -> md.Markdown:
    """One plain sentence for a partner-versus-control row of the results table; `unit` is
    "points" or "scale_points", `who` "students" or "teachers"; `exploratory` for an outcome the
    plan marks ``confirmatory: false`` (its p-value is not adjusted, and the sentence says so)."""
    outcome = label(row["outcome"], language)
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
    return md.capitalise(
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


def change_sentence(row: pd.Series, language: str, unit: str, who: str) -> md.Markdown:
    """One plain sentence for a pre/post row of the results table."""
    outcome = label(row["outcome"], language)
    if row["suppressed"] or math.isnan(row["estimate"]):
        return md.capitalise(md.text(f"report.finding.suppressed.{who}", language, outcome=outcome), language)
    return md.capitalise(
        md.plural(
            f"report.change.{who}",
            int(row["n_treatment"]),
            language,
            group=md.text(f"report.change.in_group.{row['group']}", language),
            outcome=outcome,
            unit=md.text(f"report.units.{unit}", language),
            estimate=(md.Markdown("+") if row["estimate"] >= 0 else md.Markdown(""))
            + md.number(row["estimate"], 2, language),
            low=md.number(row["ci_low"], 2, language),
            high=md.number(row["ci_high"], 2, language),
        ),
        language,
    )
