"""The technical end of the report in words: how the numbers were made, with the plan's choices
(the primary method, the covariates and how ``auto`` chose them, the multiplicity families and
what is exploratory), in the plan's language."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from evaluation.config.plan import Plan
from evaluation.reporting import escaping as md
from evaluation.reporting.headings import section
from evaluation.reporting.sections import headline_rows
from evaluation.reporting.sentences import label


def methods_note(plan: Plan, method: str) -> md.Markdown:
    """The methods section's heading and its paragraph, naming the primary `method` in words."""
    headline = md.text(f"report.methods.headline.{method}", plan.language)
    return section("methods", plan.language, headline=headline, min_cell=plan.min_cell_size)


def _covariate_names(names: Sequence[str], language: str) -> md.Markdown:
    return md.listing([md.text(f"report.methods.covariate_names.{name}", language) for name in names], language)


def covariates_note(plan: Plan, covariates: Sequence[str], effects: pd.DataFrame, method: str) -> md.Markdown:
    """What the partner-versus-control models adjust for besides the pre-test: the plan's
    `covariates` (``auto`` resolved to `covariates`, or none of them above the threshold), and,
    where an outcome's models used fewer (a teachers' survey has no students' characteristics),
    what each outcome's models used (the ``covariates`` column of the primary method's rows)."""
    language = plan.language
    auto = plan.covariates == "auto"
    if not covariates:
        return md.text("report.methods.covariates.auto_none" if auto else "report.methods.covariates.none", language)
    lead = md.text(
        "report.methods.covariates.auto" if auto else "report.methods.covariates.planned",
        language,
        covariates=_covariate_names(covariates, language),
    )
    used: dict[str, list[str]] = {}
    for _, row in headline_rows(effects, method).iterrows():
        used.setdefault(row["covariates"], []).append(row["outcome"])
    if set(used) <= {"+".join(covariates)}:
        return lead
    lines = []
    for names, outcomes in used.items():
        shown = md.listing([label(o, language) for o in outcomes], language)
        if names:
            line = md.text(
                "report.methods.covariates.used",
                language,
                outcomes=md.capitalise(shown, language),
                covariates=_covariate_names(names.split("+"), language),
            )
        else:
            line = md.text("report.methods.covariates.used_none", language, outcomes=md.capitalise(shown, language))
        lines.append(md.Markdown("- ") + line)
    return lead + md.Markdown("\n\n") + md.Markdown("\n").join(lines)


def families_note(plan: Plan) -> md.Markdown:
    """Which outcomes' p-values were adjusted together (the plan's families, or one per domain by
    default), the exploratory outcomes, and that everything else is exploratory."""
    language = plan.language
    families = plan.families
    if not families:
        parts = [md.text("report.methods.families.none", language)]
    else:
        shown = md.Markdown("; ").join(
            md.text(
                "report.methods.families.family",
                language,
                name=label(name, language),
                outcomes=md.listing([label(o, language) for o in outcomes], language),
            )
            for name, outcomes in families.items()
        )
        kind = "planned" if plan.multiplicity_families is not None else "default"
        parts = [md.text(f"report.methods.families.{kind}", language, families=shown)]
    exploratory = [label(o.id, language) for o in plan.outcomes if not o.confirmatory]
    if exploratory:
        parts.append(
            md.text("report.methods.families.exploratory", language, outcomes=md.listing(exploratory, language))
        )
    parts.append(md.text("report.methods.families.rest", language))
    return md.Markdown(" ").join(parts)
