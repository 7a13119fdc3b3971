"""The report's evidence pieces, in the plan's language: a summary per finding in plain words
(`results/evidence.csv` with the attrition counts and the effect's interval), a compact evidence
table, the balance of partner and control schools (`results/balance.csv`, `balance_test.csv`)
and next year's design (`results/design.csv`). Aggregates only."""

from __future__ import annotations

import math

import pandas as pd

from evaluation.analysis.evidence import attrition_levels
from evaluation.analysis.frames import outcome_wording
from evaluation.config.plan import Plan
from evaluation.errors import EvidenceInputError
from evaluation.reporting import escaping as md
from evaluation.reporting.headings import column
from evaluation.reporting.sentences import capitalise, label, note_text, number, p_cell, percent
from evaluation.wording import LANGUAGES, has, plural, text

#: Who an outcome measures (`evaluation.analysis.frames.outcome_wording`): the catalogue has a
#: sentence for each, so that each language words them with its own case endings.
RESPONDENTS = ("students", "teachers", "respondents")


def summary_sentence(
    outcome: str,
    subgroup: str,
    g: float,
    significant: bool | None,
    important: bool | None,
    index: float,
    attrition_verdict: str | None,
    rating: str,
    language: str = "en",
    respondents: str = "students",
    reason: str = "",
) -> str:
    """One sentence for a principal: effect, significance, importance, attrition and rating;
    `respondents` is ``students``, ``teachers`` or ``respondents`` (who the outcome measures); `reason` (words)
    why no effect could be estimated, when its model could not be fitted."""
    if language not in LANGUAGES:
        raise EvidenceInputError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    if respondents not in RESPONDENTS:
        raise EvidenceInputError(f"respondents must be one of {', '.join(RESPONDENTS)}, got {respondents!r}")
    who = (
        outcome
        if subgroup == "all"
        else text("evidence.summary.outcome_in_subgroup", language, outcome=outcome, subgroup=subgroup)
    )
    loss = (
        text(f"evidence.summary.attrition.{attrition_verdict}.{respondents}", language)
        if attrition_verdict in ("low", "high")
        else text("evidence.summary.attrition.unknown", language)
    )
    rating = text(f"evidence.summary.rating.{rating}", language)
    if (g is None or math.isnan(g)) and reason:
        return text(
            "evidence.summary.not_estimated", language, outcome=who, reason=reason, attrition=loss, rating=rating
        )
    if g is None or math.isnan(g):
        return text("evidence.summary.suppressed", language, outcome=who, attrition=loss, rating=rating)
    direction = "evidence.summary.higher" if g > 0 else "evidence.summary.lower" if g < 0 else "evidence.summary.none"
    effect = plural(
        f"evidence.summary.effect.{respondents}",
        _whole(index),
        language,
        g=number(abs(g), 2, language),
        direction=text(direction, language),
    )
    return text(
        "evidence.summary.sentence",
        language,
        outcome=who,
        effect=effect,
        significance=text(
            "evidence.summary.significant" if significant else "evidence.summary.not_significant", language
        ),
        importance=text("evidence.summary.important" if important else "evidence.effect.not_important", language),
        attrition=loss,
        rating=rating,
    )


def _whole(index: float) -> int:
    """The improvement index as the whole number of percentile points shown (rounded as
    `evaluation.wording.number` rounds), whose plural form the sentence takes."""
    return int(f"{abs(index):.0f}")


def with_summaries(
    evidence: pd.DataFrame,
    plan: Plan,
    instruments: dict,
    effects: pd.DataFrame | None = None,
    method: str | None = None,
) -> pd.DataFrame:
    """`results/evidence.csv` with its ``summary`` column written: `summary_sentence` of each row in
    the plan's language, naming the outcome as the report does and who answered it, and, given
    `effects` and the headline `method`, why an effect could not be estimated (its row's note)."""
    who = outcome_wording(plan, instruments)
    evidence = evidence.copy()
    notes = {
        outcome: note_text(_headline_note(effects, outcome, method), plan.language) for outcome in evidence["outcome"]
    }
    evidence["summary"] = [
        summary_sentence(
            label(row.outcome, plan.language),
            row.subgroup,
            row.effect_size,
            row.significant,
            row.substantively_important,
            row.improvement_index,
            row.attrition_verdict,
            row.rating,
            plan.language,
            respondents=who[row.outcome][1],
            reason=notes[row.outcome],
        )
        for row in evidence.itertuples(index=False)
    ]
    return evidence


def _attrition_sentence(levels, who: str, boundary: str, language: str) -> md.Markdown:
    if not levels:
        return md.text("evidence.attrition.unknown", language)
    people, schools = levels
    verdict = "high" if any(level.verdict == "high" for level in levels) else "low"
    assigned = schools.n_assigned_treatment + schools.n_assigned_control
    analysed = schools.n_analysed_treatment + schools.n_analysed_control
    return md.text(
        f"evidence.attrition.{who}",
        language,
        overall=md.percent(people.overall, language),
        partner=md.percent(people.treatment, language),
        control=md.percent(people.control, language),
        schools_lost=md.count(assigned - analysed, language),
        schools=md.count(assigned, language),
        boundary=md.text(f"evidence.boundary.{boundary}", language),
        verdict=md.text(f"evidence.attrition.verdict.{verdict}", language),
    )


def _baseline_sentence(row: pd.Series, who: str, language: str, note: str = "") -> md.Markdown:
    verdict, g = row["baseline_verdict"], row["baseline_g"]
    if not isinstance(verdict, str) or not verdict:
        reason = note_text(note, language)
        if reason:  # the note of the baseline_equivalence row: why there is no g
            return md.text("evidence.baseline.not_estimated", language, reason=reason)
        return md.text("evidence.baseline.unknown", language)
    return md.text(
        f"evidence.baseline.{verdict}.{who}",
        language,
        g=md.number(g, 2, language),
        size=md.number(abs(g), 2, language),
        ahead=md.text("evidence.baseline.ahead" if g >= 0 else "evidence.baseline.behind", language),
    )


def _effect_sentence(
    row: pd.Series, finding: pd.Series, who: str, language: str, exploratory: bool = False
) -> md.Markdown:
    g = row["effect_size"]
    if g is None or math.isnan(g):
        reason = note_text(finding.get("note", ""), language)
        if reason:  # the model could not be fitted: say why, not "too few"
            return md.text("evidence.effect.not_estimated", language, reason=reason)
        return md.text(f"evidence.effect.unknown.{who}", language)
    # an exploratory outcome has no adjusted p-value: its own, said to be unadjusted
    key = "evidence.effect.significant" if row["significant"] is True else "evidence.effect.not_significant"
    significance = md.text(
        f"{key}_exploratory" if exploratory else key,
        language,
        p=md.p_text(finding["p_value"] if exploratory else row["p_adjusted"], language),
    )
    return md.plural(
        f"evidence.effect.{who}",
        _whole(row["improvement_index"]),
        language,
        size=md.number(abs(g), 2, language),
        direction=md.text("report.finding.higher" if g >= 0 else "report.finding.lower", language),
        low=md.number(finding["effect_size_ci_low"], 2, language),
        high=md.number(finding["effect_size_ci_high"], 2, language),
        significance=significance,
        importance=md.text(
            "evidence.effect.important" if row["substantively_important"] is True else "evidence.effect.not_important",
            language,
        ),
        move=md.text("evidence.effect.up" if row["improvement_index"] >= 0 else "evidence.effect.down", language),
    )


def _baseline_note(effects: pd.DataFrame, outcome: str) -> str:
    """The note of the outcome's baseline_equivalence row (all students), "" when none."""
    rows = effects[
        (effects["analysis"] == "baseline_equivalence")
        & (effects["subgroup"] == "all")
        & (effects["outcome"] == outcome)
    ]
    note = rows["note"].iloc[0] if len(rows) and "note" in rows else ""
    return note if isinstance(note, str) else ""


def _headline_note(effects: pd.DataFrame | None, outcome: str, method: str | None) -> str:
    """The note of the headline row of `outcome` ("" without `effects`, or when none)."""
    if effects is None or method is None or "note" not in effects.columns:
        return ""
    rows = effects[
        (effects["analysis"] == "partner_vs_control")
        & (effects["method"] == method)
        & (effects["subgroup"] == "all")
        & (effects["outcome"] == outcome)
    ]
    note = rows["note"].iloc[0] if len(rows) else ""
    return note if isinstance(note, str) else ""


def _headline(effects: pd.DataFrame, outcome: str, method: str) -> pd.Series:
    rows = effects[
        (effects["analysis"] == "partner_vs_control")
        & (effects["method"] == method)
        & (effects["subgroup"] == "all")
        & (effects["outcome"] == outcome)
    ]
    return rows.iloc[0]


def evidence_summaries(
    evidence: pd.DataFrame,
    effects: pd.DataFrame,
    counts: pd.DataFrame,
    plan: Plan,
    method: str,
    wording: dict[str, tuple[str, str]],
) -> md.Markdown:
    """For a principal: design, attrition, starting point, effect with its interval, significance,
    importance and the overall rating of each finding. `wording` is
    `evaluation.reporting.sections.outcome_wording` (who answered each outcome).

    One finding gets one paragraph. With several, what they share is said once: the design first;
    then the attrition, one line per distinct statement with the outcomes it holds for (outcomes
    measured on the same students share it); then a paragraph per finding (starting point and
    effect, and its rating when the ratings differ); and the rating, when all share it, last."""
    language = plan.language
    exploratory = {o.id for o in plan.outcomes if not o.confirmatory}
    findings = []
    for _, row in evidence.iterrows():
        who = wording.get(row["outcome"], ("points", "students"))[1]
        levels = attrition_levels(counts, row["outcome"], plan.attrition_boundary)
        findings.append(
            {
                "name": md.Markdown("**{}.**").format(md.capitalise(label(row["outcome"], language), language)),
                "outcome": row["outcome"],
                "attrition": _attrition_sentence(levels, who, plan.attrition_boundary, language),
                "baseline": _baseline_sentence(row, who, language, _baseline_note(effects, row["outcome"])),
                "effect": _effect_sentence(
                    row, _headline(effects, row["outcome"], method), who, language, row["outcome"] in exploratory
                ),
                "overall": md.text(f"evidence.overall.{row['rating']}", language),
            }
        )
    design = md.text("evidence.design", language)
    if len(findings) == 1:
        only = findings[0]
        return md.Markdown(" ").join(
            [only["name"], design, only["attrition"], only["baseline"], only["effect"], only["overall"]]
        )
    shared_rating = len({f["overall"] for f in findings}) == 1
    by_attrition: dict[str, list[str]] = {}
    for finding in findings:
        by_attrition.setdefault(finding["attrition"], []).append(finding["outcome"])
    attrition_lines = [
        md.Markdown("- {outcomes}: {sentence}").format(
            outcomes=md.capitalise(md.listing([label(o, language) for o in outcomes], language), language),
            sentence=sentence,
        )
        for sentence, outcomes in by_attrition.items()
    ]
    paragraphs = [design, md.Markdown("\n").join(attrition_lines)]
    for finding in findings:
        parts = [finding["name"], finding["baseline"], finding["effect"]]
        paragraphs.append(md.Markdown(" ").join(parts if shared_rating else [*parts, finding["overall"]]))
    if shared_rating:
        paragraphs.append(md.text("evidence.every_finding", language, overall=findings[0]["overall"]))
    return md.Markdown("\n\n").join(paragraphs)


def _verdict(code, language: str) -> str:
    """An attrition or baseline verdict in the evidence table ("" when blank)."""
    key = f"evidence.table.verdict.{code}"
    return text(key, language) if isinstance(code, str) and has(key, language) else ""


def evidence_overview(evidence: pd.DataFrame, effects: pd.DataFrame, language: str, method: str) -> pd.DataFrame:
    """The compact evidence table: one row per finding."""

    def flag(value) -> str:
        return "" if value is None else text("evidence.table.yes" if value else "evidence.table.no", language)

    rows = []
    for _, row in evidence.iterrows():
        finding = _headline(effects, row["outcome"], method)
        g = row["effect_size"]
        interval = (
            ""
            if math.isnan(g)
            else text(
                "evidence.table.interval",
                language,
                g=number(g, 2, language),
                low=number(finding["effect_size_ci_low"], 2, language),
                high=number(finding["effect_size_ci_high"], 2, language),
            )
        )
        rows.append(
            {
                "outcome": capitalise(label(row["outcome"], language), language),
                "attrition_rates": ""
                if math.isnan(row["attrition_overall"])
                else text(
                    "evidence.table.attrition_rates",
                    language,
                    overall=percent(row["attrition_overall"], language),
                    differential=percent(row["attrition_differential"], language),
                ),
                "attrition_verdict": _verdict(row["attrition_verdict"], language),
                "baseline_g": row["baseline_g"],
                "baseline_verdict": _verdict(row["baseline_verdict"], language),
                "g_interval": interval,
                "p_adjusted": row["p_adjusted"],
                "significant": flag(row["significant"]),
                "important": flag(row["substantively_important"]),
                "improvement_index": row["improvement_index"],
                "rating": text(f"evidence.table.rating.{row['rating']}", language),
            }
        )
    table = pd.DataFrame(rows)
    table["p_adjusted"] = [p_cell(p, language) for p in table["p_adjusted"]]
    headers = {name: column("attrition" if name == "attrition_verdict" else name, language) for name in table.columns}
    return table.rename(columns=headers)


def _characteristic(name: str, language: str) -> str:
    """A baseline characteristic of results/balance.csv in words: ``pre_mathematics`` as
    "pre-test: mathematics", ``school_type=science_high_school`` as "school type: science high school"."""
    if name.startswith("pre_"):
        return text("characteristics.pre", language, subject=label(name.removeprefix("pre_"), language))
    if "=" in name:
        key, _, level = name.partition("=")
        return text(
            "characteristics.with_level",
            language,
            characteristic=_characteristic(key, language),
            level=label(level, language),
        )
    key = f"characteristics.{name}"
    return text(key, language) if has(key, language) else label(name, language)


def balance_overview(balance: pd.DataFrame, language: str) -> pd.DataFrame:
    """Per baseline characteristic: what it is compared over, the means of partner and control,
    the normalised difference and the p-value of the difference."""
    shown = pd.DataFrame(
        {
            "characteristic": [_characteristic(c, language) for c in balance["characteristic"]],
            "compared_over": [label(level, language) for level in balance["level"]],
            "mean_partner": balance["mean_partner"],
            "mean_control": balance["mean_control"],
            "normalised_difference": balance["normalised_difference"],
            "p_value": [p_cell(p, language) for p in balance["p_value"]],
        }
    )
    notes = [note if isinstance(note, str) else "" for note in balance.get("note", [])]  # read back: NaN when empty
    if any(notes):  # why a row has no p-value, or is left out of the joint test
        shown["note"] = [
            capitalise(note_text(note, language, _characteristic, subject=_characteristic(name, language)), language)
            for note, name in zip(notes, balance["characteristic"])
        ]
    return shown.rename(columns={name: column(name, language) for name in shown.columns})


def joint_sentence(test: pd.DataFrame, alpha: float, language: str) -> md.Markdown:
    """The joint F-test of orthogonality in one sentence (or why it is missing)."""
    row = test.iloc[0]
    note = note_text(row["note"], language, _characteristic)
    if pd.isna(row["statistic"]):
        return md.text("evidence.joint.unknown", language, note=note)
    verdict = "evidence.joint.predict" if row["p_value"] < alpha else "evidence.joint.do_not_predict"
    # one unit per school: the schools alone were compared (a programme without roster or exams)
    schools_alone = int(row["n"]) == int(row["n_clusters"])
    sentence = md.text(
        "evidence.joint.sentence_schools" if schools_alone else "evidence.joint.sentence",
        language,
        verdict=md.text(verdict, language),
        q=int(row["df_numerator"]),
        df=int(row["df_denominator"]),
        f=md.number(row["statistic"], 2, language),
        p=md.p_text(row["p_value"], language),
        n=md.count(row["n"], language),
        schools=md.count(row["n_clusters"], language),
    )
    if not note:
        return sentence
    return sentence + md.Markdown(" ") + md.text("evidence.joint.left_out", language, notes=note)


def design_sentences(design: pd.DataFrame, language: str) -> md.Markdown:
    """Per outcome of `results/design.csv`: the design parameters and, for each number of
    schools, the smallest effect that could be detected ("with 40 schools, an effect of 0.12 SD
    could be detected with 80% power")."""
    bullets = []
    for outcome, rows in design.groupby("outcome", sort=False):
        first = rows.iloc[0]
        clauses = [
            md.text(
                "design.first" if i == 0 else "design.next",
                language,
                schools=md.count(r.schools, language),
                mdes=md.number(r.mdes, 2, language),
                power=md.percent(r.power, language),
            )
            for i, r in enumerate(rows.itertuples())
        ]
        bullets.append(
            md.Markdown("- ")
            + md.text(
                "design.outcome",
                language,
                outcome=md.capitalise(label(str(outcome), language), language),
                icc=md.number(first["icc"], 2, language),
                r2_school=md.percent(first["r2_school"], language),
                r2_student=md.percent(first["r2_student"], language),
                n=md.count(first["students_per_school"], language),
                share=md.percent(first["share_partner"], language),
                clauses=md.text("design.separator", language).join(clauses),
            )
        )
    return md.Markdown("\n").join(bullets)


def design_left_out(design: pd.DataFrame, effects: pd.DataFrame, plan: Plan, method: str) -> md.Markdown:
    """One bullet per academic exam outcome of the plan that `results/design.csv` leaves out, with
    why: the note of its baseline_equivalence row (a constant pre-test) or of its headline row
    (a group without a post-test); "" when none is left out."""
    language, shown, bullets = plan.language, set(design["outcome"]), []
    for outcome in plan.outcomes:
        if outcome.source != "exam" or outcome.domain != "academic" or outcome.id in shown:
            continue
        reason = note_text(_baseline_note(effects, outcome.id) or _headline_note(effects, outcome.id, method), language)
        name = md.capitalise(label(outcome.id, language), language)
        bullets.append(
            md.Markdown("- ")
            + (
                md.text("design.left_out", language, outcome=name, reason=reason)
                if reason
                else md.text("design.left_out_unknown", language, outcome=name)
            )
        )
    return md.Markdown("\n").join(bullets)


def design_overview(design: pd.DataFrame, language: str) -> pd.DataFrame:
    """One row per outcome: ICC, R-squared at both levels, students per school and the MDES for
    each number of schools."""
    rows = []
    for outcome, part in design.groupby("outcome", sort=False):
        first = part.iloc[0]
        row = {
            column("outcome", language): capitalise(label(str(outcome), language), language),
            column("icc", language): first["icc"],
            column("r2_school", language): first["r2_school"],
            column("r2_student", language): first["r2_student"],
            column("students_per_school", language): int(first["students_per_school"]),
        }
        row |= {column("mdes_with", language, schools=str(int(r.schools))): r.mdes for r in part.itertuples()}
        rows.append(row)
    return pd.DataFrame(rows)


def attrition_levels_table(counts: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Per outcome and level: overall and differential attrition, the boundary's highest low
    differential at that overall rate, and the verdict (for the analyst's notebook)."""
    rows = []
    for outcome in plan.outcomes:
        for level in attrition_levels(counts, outcome.id, plan.attrition_boundary) or []:
            rows.append({"outcome": outcome.id, **{k: v for k, v in level.to_row().items() if k != "boundary"}})
    return pd.DataFrame(rows)
