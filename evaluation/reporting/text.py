"""The report's sentences, in the plan's language, built from rows of the results table; the
words are those of the catalogues (`evaluation.wording`)."""

from __future__ import annotations

import math

import pandas as pd

from evaluation.wording import capitalise, label, number, p_cell, p_text, percent, plural, text

__all__ = ["capitalise", "change_sentence", "finding_sentence", "label", "number", "p_cell", "p_text", "percent"]


def finding_sentence(row: pd.Series, alpha: float, language: str, unit: str, who: str) -> str:
    """One plain sentence for a partner-versus-control row of the results table; `unit` is
    "points" or "scale_points", `who` "students" or "teachers"."""
    outcome = label(row["outcome"], language)
    if row["suppressed"] or math.isnan(row["estimate"]):
        return capitalise(text(f"report.finding.suppressed.{who}", language, outcome=outcome), language)
    # Judged on the p-value adjusted for the outcomes of the domain (Benjamini-Hochberg), as the
    # evidence section judges it; the unadjusted one only where no adjustment was made.
    p_value, adjusted = row.get("p_adjusted"), True
    if p_value is None or pd.isna(p_value):
        p_value, adjusted = row["p_value"], False
    p_words = p_text(p_value, language)
    if adjusted:
        p_words = text("report.finding.p_adjusted", language, p=p_words)
    verdict = text(
        "report.finding.significant" if p_value < alpha else "report.finding.not_significant", language, p=p_words
    )
    return capitalise(
        text(
            f"report.finding.{who}",
            language,
            outcome=outcome,
            size=number(abs(row["estimate"]), 2, language),
            unit=text(f"report.units.{unit}", language),
            direction=text("report.finding.higher" if row["estimate"] >= 0 else "report.finding.lower", language),
            low=number(row["ci_low"], 2, language),
            high=number(row["ci_high"], 2, language),
            g=number(row["effect_size"], 2, language),
            verdict=verdict,
        ),
        language,
    )


def change_sentence(row: pd.Series, language: str, unit: str, who: str) -> str:
    """One plain sentence for a pre/post row of the results table."""
    outcome = label(row["outcome"], language)
    if row["suppressed"] or math.isnan(row["estimate"]):
        return capitalise(text(f"report.finding.suppressed.{who}", language, outcome=outcome), language)
    return capitalise(
        plural(
            f"report.change.{who}",
            int(row["n_treatment"]),
            language,
            group=text(f"report.change.in_group.{row['group']}", language),
            outcome=outcome,
            unit=text(f"report.units.{unit}", language),
            estimate=("+" if row["estimate"] >= 0 else "") + number(row["estimate"], 2, language),
            low=number(row["ci_low"], 2, language),
            high=number(row["ci_high"], 2, language),
        ),
        language,
    )
