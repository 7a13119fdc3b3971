"""The report's first page: the programme in two sentences, a table of findings (one row per
outcome) and one sentence of verdict per domain, in the plan's language.

Every number of the table is a number of `results/`: the effect and its interval, the effect size
and its interval, the schools and students per arm are the primary method's partner-versus-control
row of `effects.csv` (subgroup ``all``); the improvement index and the rating are `evidence.csv`'s;
months of learning are the effect divided by the plan's ``yearly_growth`` of the outcome, times
`MONTHS_PER_YEAR`. A monitoring run (no control schools) shows each outcome's change of the partner
schools (the ``paired_cr2`` rows), their schools and students, no rating, and verdicts that claim
no effect.
"""

from __future__ import annotations

import math

import pandas as pd

from evaluation.analysis.frames import outcome_wording
from evaluation.config.plan import Plan
from evaluation.reporting import escaping as md
from evaluation.reporting.headings import column
from evaluation.reporting.sentences import capitalise, label, note_text

#: A year of learning counted in months: months of learning = effect / yearly growth x 12.
MONTHS_PER_YEAR = 12
#: The WWC-style ratings of results/evidence.csv, strongest first, with their marks.
RATING_MARKS = {
    "meets_without_reservations": "●●",
    "meets_with_reservations": "●○",
    "does_not_meet": "○○",
}
#: The change before and after of the summary of a monitoring run (partner schools' mean change,
#: school-clustered: `evaluation.reporting.sections.PREPOST_METHOD`).
CHANGE_METHOD = "paired_cr2"


def _finite(value: object) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def months_of_learning(estimate: float, yearly_growth: float | None) -> float | None:
    """The effect in months of learning: `estimate` over the outcome's typical growth in a school
    year, times `MONTHS_PER_YEAR`; None without a yearly growth or an estimate."""
    if yearly_growth is None or not _finite(estimate):
        return None
    return float(estimate) / yearly_growth * MONTHS_PER_YEAR


def _counts(schools: pd.DataFrame) -> dict[str, int]:
    partner = schools[schools["group"] == "partner"]
    partnerships = partner["partnership_id"].dropna() if "partnership_id" in partner else pd.Series(dtype=str)
    partnerships = partnerships[partnerships.astype(str).str.strip() != ""]
    return {
        "partner": int(partner["school_id"].nunique()),
        "control": int((schools["group"] == "control").sum()),
        "partnerships": int(partnerships.nunique()),
    }


def programme_sentences(plan: Plan, schools: pd.DataFrame, monitoring: bool) -> md.Markdown:
    """The programme in two sentences: its name, period, partner schools and partnerships, then
    what the evaluation compares (with control schools) or follows (a monitoring run)."""
    language, counts = plan.language, _counts(schools)
    partner_schools = md.plural("report.summary.counts.partner_schools", counts["partner"], language)
    if counts["partnerships"]:
        first = md.text(
            "report.summary.programme",
            language,
            programme=plan.programme,
            period=plan.period,
            partner_schools=partner_schools,
            partnerships=md.plural("report.summary.counts.partnerships", counts["partnerships"], language),
        )
    else:  # a schools table without partnerships
        first = md.text(
            "report.summary.programme_schools",
            language,
            programme=plan.programme,
            period=plan.period,
            partner_schools=partner_schools,
        )
    outcomes = md.plural("report.summary.counts.outcomes", len(plan.outcomes), language)
    if monitoring:
        second = md.text("report.summary.design.monitoring", language, outcomes=outcomes)
    else:
        second = md.text(
            "report.summary.design.comparison",
            language,
            outcomes=outcomes,
            control_schools=md.plural("report.summary.counts.control_schools", counts["control"], language),
        )
    return first + md.Markdown(" ") + second


def _headline(effects: pd.DataFrame, method: str) -> dict[str, pd.Series]:
    rows = effects[
        (effects["analysis"] == "partner_vs_control") & (effects["method"] == method) & (effects["subgroup"] == "all")
    ]
    return {row["outcome"]: row for _, row in rows.iterrows()}


def _changes(effects: pd.DataFrame) -> dict[str, pd.Series]:
    rows = effects[
        (effects["analysis"] == "prepost")
        & (effects["method"] == CHANGE_METHOD)
        & (effects["subgroup"] == "all")
        & (effects["group"] == "partner")
    ]
    return {row["outcome"]: row for _, row in rows.iterrows()}


def _interval(value: float, low: float, high: float, language: str, unit: str = "") -> str:
    """``+4.43 points (3.04 to 5.82)``; "" without a value, the value alone without an interval."""
    if not _finite(value):
        return ""
    shown = md.signed(value, 2, language)
    if unit:
        shown = md.text("report.summary.cell.with_unit", language, value=shown, unit=unit)
    if not (_finite(low) and _finite(high)):
        return str(shown)
    return str(
        md.text(
            "report.summary.cell.interval",
            language,
            value=shown,
            low=md.number(low, 2, language),
            high=md.number(high, 2, language),
        )
    )


def _pair(first: object, second: object, language: str) -> str:
    if not (_finite(first) and _finite(second)):
        return ""
    return f"{md.count(int(first), language)} / {md.count(int(second), language)}"


def _whole_signed(value: float | None, language: str) -> str:
    if value is None or not _finite(value):
        return ""
    return str(md.signed(round(float(value)), 0, language))


def _outcome_name(outcome: str, exploratory: bool, language: str) -> str:
    name = md.capitalise(label(outcome, language), language)
    return str(md.text("report.summary.exploratory", language, outcome=name)) if exploratory else str(name)


def findings_table(
    effects: pd.DataFrame, evidence: pd.DataFrame, plan: Plan, instruments: dict, method: str
) -> pd.DataFrame:
    """One row per outcome of the plan: the effect with its 95% interval in the outcome's units,
    the effect size g with its interval, the improvement index (whole percentile points), months
    of learning (only when some outcome has a ``yearly_growth``), the rating with its mark, and
    schools and students (or teachers) of partner / control schools. A row whose effect could not
    be estimated says why in the effect's cell."""
    language, wording = plan.language, outcome_wording(plan, instruments)
    headline, ratings = _headline(effects, method), evidence.set_index("outcome") if len(evidence) else None
    months_column = any(o.yearly_growth is not None for o in plan.outcomes)
    rows = []
    for outcome in plan.outcomes:
        row = headline.get(outcome.id)
        unit = md.text(f"report.units.{wording[outcome.id][0]}", language)
        judged = ratings.loc[outcome.id] if ratings is not None and outcome.id in ratings.index else None
        cells = {"outcome": _outcome_name(outcome.id, not outcome.confirmatory, language)}
        estimate = _estimate_cells(cells, "effect", row, unit, language)
        index = judged["improvement_index"] if judged is not None else None
        cells["improvement_index"] = _whole_signed(index, language) if _finite(estimate) else ""
        if months_column:
            cells["months"] = _whole_signed(months_of_learning(estimate, outcome.yearly_growth), language)
        rating = judged["rating"] if judged is not None else ""
        cells["rating"] = (
            f"{RATING_MARKS[rating]} {md.text(f'report.summary.rating.{rating}', language)}"
            if rating in RATING_MARKS
            else ""
        )
        cells["schools"] = _pair(
            *(row[c] if row is not None else None for c in ("n_clusters_treatment", "n_clusters_control")), language
        )
        cells["people"] = _pair(*(row[c] if row is not None else None for c in ("n_treatment", "n_control")), language)
        rows.append(cells)
    table = pd.DataFrame(rows)
    return table.rename(columns={name: column(f"summary_{name}", language) for name in table.columns})


def _estimate_cells(cells: dict, name: str, row, unit: str, language: str) -> float:
    """Fill `cells[name]` with the row's estimate and 95% interval in the outcome's units and
    ``cells["effect_size"]`` with g and its interval; where there is no estimate (no row, too
    few students, a model that could not be fitted), the reason in words and an empty g.
    Returns the estimate (NaN where there is none)."""
    estimate = row["estimate"] if row is not None and not row["suppressed"] else math.nan
    if row is not None and _finite(estimate):
        cells[name] = _interval(estimate, row["ci_low"], row["ci_high"], language, unit)
        cells["effect_size"] = _interval(
            row["effect_size"], row["effect_size_ci_low"], row["effect_size_ci_high"], language
        )
        return estimate
    reason = note_text(row["note"] if row is not None else "", language)
    cells[name] = (
        capitalise(reason, language) if reason else str(md.text("report.summary.cell.not_estimated", language))
    )
    cells["effect_size"] = ""
    return estimate


def changes_table(effects: pd.DataFrame, plan: Plan, instruments: dict) -> pd.DataFrame:
    """A monitoring run's summary table: per outcome the partner schools' mean change with its
    school-clustered 95% interval in the outcome's units and as g, and their schools and
    students (or teachers) in both waves; no rating (there is no comparison to rate)."""
    language, wording, changes = plan.language, outcome_wording(plan, instruments), _changes(effects)
    rows = []
    for outcome in plan.outcomes:
        row = changes.get(outcome.id)
        unit = md.text(f"report.units.{wording[outcome.id][0]}", language)
        cells = {"outcome": _outcome_name(outcome.id, False, language)}
        _estimate_cells(cells, "change", row, unit, language)
        cells["schools_monitored"] = (
            md.count(int(row["n_clusters_treatment"]), language)
            if row is not None and _finite(row["n_clusters_treatment"])
            else ""
        )
        cells["people_monitored"] = (
            md.count(int(row["n_treatment"]), language) if row is not None and _finite(row["n_treatment"]) else ""
        )
        rows.append(cells)
    table = pd.DataFrame(rows)
    return table.rename(columns={name: column(f"summary_{name}", language) for name in table.columns})


def rating_legend(language: str) -> md.Markdown:
    """What the marks of the rating column mean."""
    marks = {rating: md.escape(mark) for rating, mark in RATING_MARKS.items()}
    return md.text("report.summary.legend", language, **marks_by_name(marks))


def marks_by_name(marks: dict[str, object]) -> dict[str, object]:
    return {"without": marks["meets_without_reservations"], "with": marks["meets_with_reservations"],
            "none": marks["does_not_meet"]}  # fmt: skip


def _domains(plan: Plan) -> dict[str, list[str]]:
    domains: dict[str, list[str]] = {}
    for outcome in plan.outcomes:
        domains.setdefault(outcome.domain, []).append(outcome.id)
    return domains


def _clause(key: str, outcomes: list[str], language: str) -> md.Markdown:
    return md.text(key, language, outcomes=md.listing([label(o, language) for o in outcomes], language))


def domain_verdicts(effects: pd.DataFrame, evidence: pd.DataFrame, plan: Plan, method: str) -> md.Markdown:
    """One sentence per domain of the plan's outcomes: on which outcomes partner schools did
    better or worse than control schools (statistically significant, as `evidence.csv` judges:
    the adjusted p of a confirmatory outcome, the unadjusted of an exploratory one), on which the
    data cannot tell a difference from none, which could not be estimated, and the weakest rating
    of the domain's findings."""
    language, headline = plan.language, _headline(effects, method)
    judged = evidence.set_index("outcome") if len(evidence) else pd.DataFrame()
    order = list(RATING_MARKS)
    sentences = []
    for domain, outcomes in _domains(plan).items():
        kinds: dict[str, list[str]] = {"better": [], "worse": [], "unclear": [], "unknown": []}
        ratings = []
        for outcome in outcomes:
            row = headline.get(outcome)
            estimated = row is not None and not row["suppressed"] and _finite(row["estimate"])
            if not estimated or outcome not in judged.index:
                kinds["unknown"].append(outcome)
                continue
            ratings.append(judged.at[outcome, "rating"])
            significant = judged.at[outcome, "significant"] in (True, "True", "true")
            kinds["better" if significant and row["estimate"] > 0 else "worse" if significant else "unclear"].append(
                outcome
            )
        clauses = [_clause(f"report.summary.verdict.{kind}", found, language) for kind, found in kinds.items() if found]
        weakest = max((r for r in ratings if r in order), key=order.index, default=None)
        if weakest is not None:
            clauses.append(md.text(f"report.summary.strength.{weakest}", language))
        sentences.append(
            md.text(
                "report.summary.verdict.sentence",
                language,
                domain=md.capitalise(label(domain, language), language),
                clauses=md.Markdown("; ").join(clauses),
            )
        )
    return md.Markdown("\n").join(md.Markdown("- ") + s for s in sentences)


def monitoring_verdicts(effects: pd.DataFrame, plan: Plan) -> md.Markdown:
    """A monitoring run's sentence per domain: which outcomes rose, fell or showed no clear change
    in the partner schools (the change's interval above zero, below zero, or holding it), and that
    without comparison schools the change is not shown to be the programme's."""
    language, changes = plan.language, _changes(effects)
    sentences = []
    for domain, outcomes in _domains(plan).items():
        kinds: dict[str, list[str]] = {"rose": [], "fell": [], "no_change": [], "unknown": []}
        for outcome in outcomes:
            row = changes.get(outcome)
            if row is None or row["suppressed"] or not (_finite(row["ci_low"]) and _finite(row["ci_high"])):
                kinds["unknown"].append(outcome)
            elif row["ci_low"] > 0:
                kinds["rose"].append(outcome)
            elif row["ci_high"] < 0:
                kinds["fell"].append(outcome)
            else:
                kinds["no_change"].append(outcome)
        clauses = [
            _clause(
                "report.summary.verdict.unknown" if kind == "unknown" else f"report.summary.monitoring.{kind}",
                found,
                language,
            )
            for kind, found in kinds.items()
            if found
        ]
        sentences.append(
            md.text(
                "report.summary.monitoring.sentence",
                language,
                domain=md.capitalise(label(domain, language), language),
                clauses=md.Markdown("; ").join(clauses),
            )
        )
    return md.Markdown("\n").join(md.Markdown("- ") + s for s in sentences)
