"""The report's limitations and recommendations, drawn from the run's own results: attrition
and baseline differences judged in `results/evidence.csv`, the survey scales' reliability
(`results/scales.csv`), exams not equated (the plan), outcomes that could not be estimated and
too few schools to detect 0.25 SD by next year's design (`results/design.csv`), and a design
without control schools. Each limitation found has its
recommendation, worded for officials."""

from __future__ import annotations

import math

import pandas as pd

from evaluation.config.plan import Plan
from evaluation.reporting import escaping as md
from evaluation.reporting.sentences import label

#: Cronbach's alpha below which a scale's scores are called unreliable (the usual 0.70).
LOW_RELIABILITY = 0.70
#: The effect size an evaluation should be able to detect (the 0.25 SD the report calls important).
TARGET_MDES = 0.25


def _names(outcomes, language: str) -> md.Markdown:
    return md.listing([label(o, language) for o in outcomes], language)


def _pair(key: str, language: str, **values) -> tuple[md.Markdown, md.Markdown]:
    return md.text(f"report.limitations.{key}", language, **values), md.text(
        f"report.recommendations.{key}", language, **values
    )


def _headline(effects: pd.DataFrame, method: str) -> pd.DataFrame:
    return effects[
        (effects["analysis"] == "partner_vs_control") & (effects["method"] == method) & (effects["subgroup"] == "all")
    ]


def _fewest_schools(design: pd.DataFrame | None) -> dict[str, pd.Series | None]:
    """Per outcome of next year's design table, its row with the fewest schools whose MDES is at
    most `TARGET_MDES` (None when no number of schools in the table reaches it)."""
    if design is None or design.empty:
        return {}
    fewest: dict[str, pd.Series | None] = {}
    for outcome, rows in design.groupby("outcome", sort=False):
        reaching = rows[rows["mdes"] <= TARGET_MDES].sort_values("schools")
        fewest[outcome] = reaching.iloc[0] if len(reaching) else None
    return fewest


def _few_schools(rows: pd.DataFrame, design: pd.DataFrame | None, language: str):
    """The limitation and recommendations when this year's schools are fewer than next year's
    design needs to detect `TARGET_MDES` (at this year's ICC and R-squared) for some outcome;
    None when the schools suffice or there is no design table."""
    schools = rows.set_index("outcome")[["n_clusters_treatment", "n_clusters_control"]].sum(axis=1)
    short = [
        (outcome, row)
        for outcome, row in _fewest_schools(design).items()
        if outcome in schools.index and (row is None or row["schools"] > schools[outcome])
    ]
    if not short:
        return None
    target = md.number(TARGET_MDES, 2, language)
    limitation = md.text(
        "report.limitations.few_schools",
        language,
        outcomes=_names([outcome for outcome, _ in short], language),
        schools=md.count(int(schools[short[0][0]]), language),
        target=target,
    )
    recommendations = [md.text("report.recommendations.few_schools", language)]
    reachable = [(outcome, row) for outcome, row in short if row is not None]
    if reachable:
        outcome, row = reachable[0]
        recommendations.append(
            md.text(
                "report.recommendations.design",
                language,
                schools=md.count(int(row["schools"]), language),
                outcome=label(outcome, language),
                mdes=md.number(row["mdes"], 2, language),
                target=target,
            )
        )
    return limitation, recommendations


def limitations(
    plan: Plan,
    monitoring: bool,
    effects: pd.DataFrame,
    evidence: pd.DataFrame,
    scales: pd.DataFrame,
    design: pd.DataFrame | None,
    method: str,
) -> tuple[list[md.Markdown], list[md.Markdown]]:
    """The limitations found in the run's results and a recommendation for each (two lists of
    sentences, in the plan's language)."""
    language = plan.language
    found: list[tuple[md.Markdown, md.Markdown]] = []
    extra: list[md.Markdown] = []  # the design for next year, after the recommendations
    if monitoring:
        found.append(_pair("monitoring", language))
    else:
        judged = evidence[evidence["subgroup"] == "all"] if len(evidence) else evidence
        high = [o for o, v in zip(judged["outcome"], judged["attrition_verdict"]) if v == "high"]
        if high:
            boundary = md.text(f"evidence.boundary.{plan.attrition_boundary}", language)
            found.append(_pair("attrition", language, outcomes=_names(high, language), boundary=boundary))
        differed = judged[judged["baseline_verdict"].isin(["adjustment_required", "not_satisfied"])]
        if len(differed):
            found.append(
                _pair(
                    "baseline",
                    language,
                    outcomes=_names(differed["outcome"], language),
                    g=md.number(differed["baseline_g"].abs().max(), 2, language),
                )
            )
        rows = _headline(effects, method)
        missing = [o for o, e, s in zip(rows["outcome"], rows["estimate"], rows["suppressed"]) if s or math.isnan(e)]
        if missing:
            found.append(_pair("not_estimated", language, outcomes=_names(missing, language)))
        few = _few_schools(rows, design, language)
        if few is not None:
            limitation, (recommendation, *design_sentence) = few
            found.append((limitation, recommendation))
            extra += design_sentence
    analysed = {(o.instrument, o.scale): o.id for o in plan.outcomes if o.source == "survey"}
    if len(scales):
        low = scales[(scales["alpha"] < LOW_RELIABILITY) & ~scales["suppressed"].astype(bool)]
        weak = list(dict.fromkeys(analysed[k] for k in zip(low["instrument"], low["scale"]) if k in analysed))
        if weak:
            found.append(
                _pair(
                    "reliability",
                    language,
                    outcomes=_names(weak, language),
                    threshold=md.number(LOW_RELIABILITY, 2, language),
                )
            )
    not_equated = [o.id for o in plan.outcomes if o.source == "exam" and not o.equated]
    if not_equated:
        found.append(_pair("not_equated", language, outcomes=_names(not_equated, language)))
    return [limitation for limitation, _ in found], [recommendation for _, recommendation in found] + extra


def section_text(limits: list[md.Markdown], recommendations: list[md.Markdown], language: str) -> md.Markdown:
    """The two lists under their subheadings (a sentence instead of an empty list)."""
    parts = [md.Markdown("### ") + md.text("report.limitations.heading", language)]
    parts.append(
        md.Markdown("\n").join(md.Markdown("- ") + md.capitalise(s, language) for s in limits)
        if limits
        else md.text("report.limitations.none", language)
    )
    parts.append(md.Markdown("### ") + md.text("report.recommendations.heading", language))
    parts.append(
        md.Markdown("\n").join(md.Markdown("- ") + md.capitalise(s, language) for s in recommendations)
        if recommendations
        else md.text("report.recommendations.none", language)
    )
    return md.Markdown("\n\n").join(parts)
