"""Headings, introductions, notes and table headers of the annual report, from the catalogues
(`evaluation.wording`: ``report.sections``, ``columns``, ``quality.checks``).

The report notebook shows only what these give it, so a plan with `language: tr` gets a report
without an English word in its prose or tables (codes from the data, such as method names and
school ids, stay as they are so they can be looked up).
"""

from __future__ import annotations

from evaluation.reporting import escaping as md
from evaluation.wording import has, text

#: Sections that share another's heading (no activity calendar: the activities heading, another text).
_HEADING_OF = {
    "no_activities": "activities",
    "schools_summarised": "schools",
    "prepost_monitoring": "prepost",
    "design_monitoring": "design",
    "methods_monitoring": "methods",
}
_INTRO_OF = {
    "no_activities": "report.sections.activities.none",
    # more schools than the report lists (`evaluation.reporting.schools.LISTED_SCHOOLS`)
    "schools_summarised": "report.schools.intro_summarised",
    # a monitoring run (no control schools): the same headings, what such a design can say
    "prepost_monitoring": "report.monitoring.prepost",
    "design_monitoring": "report.monitoring.next_year",
    "methods_monitoring": "report.monitoring.methods",
}


def section(key: str, language: str, **values: object) -> md.Markdown:
    """A section's heading and introduction as Markdown (`values` fill the introduction's blanks,
    escaped)."""
    heading = md.text(f"report.sections.{_HEADING_OF.get(key, key)}.heading", language)
    intro = md.text(_INTRO_OF.get(key, f"report.sections.{key}.intro"), language, **values)
    return md.Markdown("## {heading}\n\n{intro}").format(heading=heading, intro=intro)


def check_name(check: str, language: str) -> str:
    """A data-quality check's name in the report (its code when the report has no name for it)."""
    key = f"quality.checks.{check}"
    return text(key, language) if has(key, language) else check


def column(key: str, language: str, **values: str) -> str:
    """A table header (``columns.<key>``)."""
    return text(f"columns.{key}", language, **values)
