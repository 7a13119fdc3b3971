"""The pieces of the annual report: plain-words text (`Markdown`, its values escaped) and small
tables (shown as an escaping `ReportTable`), built from the results tables and aggregate counts.
The report notebook only arranges them.

The report's body shows one method: the plan's primary method for partner versus control
(findings, table, chart, subgroups) and `PREPOST_METHOD` (the mean change with school-clustered
CR2 errors) before and after; the other methods are in the technical end only
(`methods_table`, `prepost_technical_table`).
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from evaluation.analysis.frames import outcome_wording
from evaluation.config.instruments import instrument_title
from evaluation.config.plan import Plan
from evaluation.reporting import escaping as md
from evaluation.reporting.headings import check_name, column
from evaluation.reporting.sentences import change_sentence, finding_sentence, label, note_text, p_cell, percent
from evaluation.wording import has, method_name, table_name, text

#: The pre/post estimate of the report's body: the mean change with school-clustered CR2 errors.
PREPOST_METHOD = "paired_cr2"
#: The pre/post methods that treat students (or respondents) as independent: the technical end only.
PREPOST_TECHNICAL = ("paired_t", "wilcoxon", "welch_t")


def header(plan: Plan) -> md.Markdown:
    """The report's title and the plan it followed, with its hash and today's date."""
    title = md.text("report.title", plan.language, programme=plan.programme, period=plan.period)
    made = md.text(
        "report.plan",
        plan.language,
        plan_file=plan.path.name,
        hash=plan.hash,
        date=md.date(date.today(), plan.language),
    )
    return md.Markdown("# {title}\n\n{made}").format(title=title, made=made)


def headline_rows(effects: pd.DataFrame, method: str, subgroups: str = "all") -> pd.DataFrame:
    """Partner-versus-control rows of the headline `method`; `subgroups` "all" for the whole
    sample, "cells" for the plan's subgroups."""
    rows = effects[(effects["analysis"] == "partner_vs_control") & (effects["method"] == method)]
    overall = rows["subgroup"] == "all"
    return rows[overall if subgroups == "all" else ~overall]


def findings(effects: pd.DataFrame, plan: Plan, instruments: dict, method: str) -> md.Markdown:
    """One bullet per outcome: the partner-versus-control finding of the headline `method` in
    plain words (an exploratory outcome's sentence says its p-value is not adjusted)."""
    wording = outcome_wording(plan, instruments)
    exploratory = {o.id for o in plan.outcomes if not o.confirmatory}
    rows = headline_rows(effects, method)
    bullets = [
        md.Markdown("- {}").format(
            finding_sentence(
                row, plan.alpha, plan.language, *wording[row["outcome"]], exploratory=row["outcome"] in exploratory
            )
        )
        for _, row in rows.iterrows()
    ]
    return md.Markdown("\n").join(bullets)


def changes(
    effects: pd.DataFrame, plan: Plan, instruments: dict, groups: tuple[str, ...] = ("partner", "control")
) -> md.Markdown:
    """One bullet per outcome and group of `groups` (partner, control; a monitoring run without
    control schools passes partner alone): the mean change with its school-clustered interval
    (`PREPOST_METHOD` rows) in plain words; none without such rows."""
    wording = outcome_wording(plan, instruments)
    rows = effects[
        (effects["analysis"] == "prepost")
        & (effects["subgroup"] == "all")
        & effects["group"].isin(list(groups))
        & (effects["method"] == PREPOST_METHOD)
    ]
    return md.Markdown("\n").join(
        md.Markdown("- {}").format(change_sentence(row, plan.language, *wording[row["outcome"]]))
        for _, row in rows.iterrows()
    )


def prepost_caveats(plan: Plan) -> md.Markdown:
    """What the two waves are, per kind of outcome: exams not equated (different tests in November
    and April, so a change mixes learning with the tests' difficulty), equated exams, and surveys
    (the same questions in both waves)."""
    language = plan.language
    groups = {
        "not_equated": [o for o in plan.outcomes if o.source == "exam" and not o.equated],
        "equated": [o for o in plan.outcomes if o.source == "exam" and o.equated],
        "surveys": [o for o in plan.outcomes if o.source == "survey"],
        "tests": [o for o in plan.outcomes if o.source == "test"],
    }
    sentences = [
        md.capitalise(
            md.plural(
                f"report.prepost.{kind}",
                len(outcomes),
                language,
                outcomes=md.listing([label(o.id, language) for o in outcomes], language),
            ),
            language,
        )
        for kind, outcomes in groups.items()
        if outcomes
    ]
    return md.Markdown(" ").join(sentences)


def data_overview(accepted: dict[str, pd.DataFrame], language: str, instruments: dict | None = None) -> pd.DataFrame:
    """Schools, students with exam results and survey respondents per group (counts only); a
    programme without exam results (a consortium of surveys alone) has no row of them, one without
    control schools no column of them. A survey is named by its instrument's title in `instruments`
    where given."""
    schools = accepted["schools"][["school_id", "group"]]
    counts = {column("schools", language): schools.groupby("group")["school_id"].nunique()}
    if "exam_results" in accepted:
        exams = accepted["exam_results"].merge(schools, on="school_id")
        counts[column("students_with_exams", language)] = exams.groupby("group")["student_id"].nunique()
    for table, frame in accepted.items():
        if table.startswith("surveys/"):
            merged = frame.merge(schools, on="school_id")
            name = column("respondents", language, instrument=_instrument_title(table, language, instruments))
            counts[name] = merged.groupby("group")["respondent_id"].nunique()
    groups = [g for g in ("partner", "control") if g in set(schools["group"])]  # no control column without them
    overview = pd.DataFrame(counts).T.reindex(columns=groups).fillna(0).astype(int)
    overview.columns = [label(c, language) for c in overview.columns]
    return overview


def quarantine_note(quarantined: int, language: str) -> md.Markdown:
    """A note for the top of the report when `quarantined` rows were left out ("" when none)."""
    return md.plural("report.notes.quarantined", quarantined, language) if quarantined else md.Markdown("")


def validation_overview(summary: pd.DataFrame, language: str, instruments: dict | None = None) -> pd.DataFrame:
    """Rows read, accepted and quarantined per file (validation-summary.csv), each table by its
    name in the language (`table_name`)."""
    summary = summary.copy()
    if "table" in summary:
        summary["table"] = [_table_name(str(table), language, instruments) for table in summary["table"]]
    return summary.rename(columns={name: column(name, language) for name in summary.columns})


def _instrument_title(table: str, language: str, instruments: dict | None) -> str:
    """The title in `language` of the instrument of ``surveys/<id>`` (of `instruments`, the plan's,
    else the workbench's bundled definition of that id), else its label."""
    instrument_id = table.removeprefix("surveys/")
    instrument = (instruments or {}).get(instrument_id)
    if instrument is None:  # a survey the plan analyses no outcome of
        return instrument_title(instrument_id, language) or label(instrument_id, language)
    return instrument.title.get(language) or label(instrument_id, language)


def _table_name(table: str, language: str, instruments: dict | None) -> str:
    if table.startswith("surveys/"):
        return table_name(table, language, _instrument_title(table, language, instruments))
    return table_name(table, language)


def quality_overview(
    warnings: pd.DataFrame, language: str, instruments: dict | None = None
) -> tuple[md.Markdown, pd.DataFrame]:
    """A sentence on the data-quality `warnings` (warnings.csv) and their count per table and check
    (counts only; the warnings themselves, row by row, stay in the restricted folder and the fix
    lists)."""
    if not len(warnings):
        return md.text("report.notes.no_warnings", language), pd.DataFrame()
    counts = warnings.groupby(["table", "check"], sort=False).size().rename("warnings").reset_index()
    counts["check"] = [check_name(check, language) for check in counts["check"]]
    counts["table"] = [_table_name(str(table), language, instruments) for table in counts["table"]]
    counts = counts.rename(columns={name: column(name, language) for name in counts.columns})
    return md.plural("report.notes.warnings", len(warnings), language), counts


def _format(frame: pd.DataFrame, columns: dict[str, str], language: str) -> pd.DataFrame:
    """`columns` maps result columns to header keys (``columns.<key>`` of the catalogues). A
    results table's ``note`` is shown in words as the last column when a row has one."""
    if "note" in frame.columns and any(isinstance(note, str) and note for note in frame["note"]):
        columns = {**columns, "note": "note"}
    shown = frame[list(columns)].copy()
    if "note" in shown:
        shown["note"] = [note_text(note, language) for note in shown["note"]]
    if "p_value" in shown:
        shown["p_value"] = [p_cell(p, language) for p in shown["p_value"]]
    if "outcome" in shown:
        shown["outcome"] = [label(o, language) for o in shown["outcome"]]
    if "method" in shown:
        shown["method"] = [method_name(m, language) for m in shown["method"]]
    if "group" in shown:
        shown["group"] = [label(g, language) for g in shown["group"]]
    if "subgroup" in shown:
        shown["subgroup"] = [_subgroup(s, language) for s in shown["subgroup"]]
    if "suppressed" in shown and not shown["suppressed"].astype(bool).any():
        shown = shown.drop(columns="suppressed")  # no empty column when nothing is suppressed
        columns = {name: key for name, key in columns.items() if name != "suppressed"}
    elif "suppressed" in shown:
        shown["suppressed"] = [column("suppressed", language) if s else "" for s in shown["suppressed"]]
    headers = {name: column(key, language) for name, key in columns.items()}
    return shown.rename(columns=headers).reset_index(drop=True)


def styled(table: pd.DataFrame, language: str, index: bool = False) -> md.ReportTable:
    """A report table for display: two decimals with the locale's decimal mark (a comma in
    Turkish), blanks for missing, every value and label escaped (`escaping.ReportTable`)."""
    return md.ReportTable(table, language, index=index)


def _subgroup(code: str, language: str) -> str:
    """'grade=9' as 'grade 9' ('sınıf 9')."""
    name, _, level = code.partition("=")
    return text("report.subgroup", language, name=label(name, language), level=label(level, language)).strip()


_INTERVALS = {
    name: name for name in ("ci_low", "ci_high", "p_value", "effect_size", "effect_size_ci_low", "effect_size_ci_high")
}


def partner_vs_control_table(effects: pd.DataFrame, language: str, method: str) -> pd.DataFrame:
    """The report body's table: the primary `method`'s partner-versus-control rows of the whole
    sample (the method is named in the section's introduction, not in the table)."""
    rows = headline_rows(effects, method)
    return _format(
        rows,
        {
            "outcome": "outcome",
            "n_treatment": "n_treatment",
            "n_control": "n_control",
            "n_clusters_treatment": "n_clusters_treatment",
            "n_clusters_control": "n_clusters_control",
            "estimate": "adjusted",
            **_INTERVALS,
        },
        language,
    )


def methods_table(effects: pd.DataFrame, primary: str, language: str) -> pd.DataFrame:
    """The sensitivity table of the technical end: every partner-versus-control method of the
    whole sample, by outcome, with what each analyses (``report.sensitivity.sample.<method>``; the
    `primary` method's row says it is the findings' method). p-values are unadjusted."""
    rows = effects[(effects["analysis"] == "partner_vs_control") & (effects["subgroup"] == "all")].copy()
    rows["sample"] = [_sample(method, primary, language) for method in rows["method"]]
    return _format(
        rows,
        {
            "outcome": "outcome",
            "method": "method",
            "n_treatment": "n_treatment",
            "n_control": "n_control",
            "n_clusters_treatment": "n_clusters_treatment",
            "n_clusters_control": "n_clusters_control",
            "estimate": "adjusted",
            "ci_low": "ci_low",
            "ci_high": "ci_high",
            "p_value": "p_value",
            "effect_size": "effect_size",
            "sample": "sample",
        },
        language,
    )


def _sample(method: str, primary: str, language: str) -> str:
    key = f"report.sensitivity.sample.{method}"
    sample = text(key, language) if has(key, language) else ""
    return text("report.sensitivity.headline", language, sample=sample) if method == primary else sample


def prepost_table(effects: pd.DataFrame, language: str, groups: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The report body's pre/post rows of the whole sample: the mean change of the students (or
    respondents) in both waves with its school-clustered interval (`PREPOST_METHOD`); of the
    `groups` alone when given (a monitoring run: partner)."""
    rows = effects[
        (effects["analysis"] == "prepost") & (effects["subgroup"] == "all") & (effects["method"] == PREPOST_METHOD)
    ]
    if groups is not None:
        rows = rows[rows["group"].isin(list(groups))]
    return _format(
        rows,
        {
            "outcome": "outcome",
            "group": "group",
            "n_treatment": "both_waves",
            "n_clusters_treatment": "schools",
            "estimate": "change",
            **_INTERVALS,
        },
        language,
    )


def prepost_technical_table(
    effects: pd.DataFrame, language: str, groups: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Pre/post rows of the whole sample by the methods that treat students as independent
    (`PREPOST_TECHNICAL`): paired t and Wilcoxon on the people in both waves, Welch on every
    value of each wave (for waves that do not link), so ``n`` counts pairs for the first two and
    post-test values for Welch; of the `groups` alone when given."""
    rows = effects[
        (effects["analysis"] == "prepost") & (effects["subgroup"] == "all") & effects["method"].isin(PREPOST_TECHNICAL)
    ]
    if groups is not None:
        rows = rows[rows["group"].isin(list(groups))]
    return _format(
        rows,
        {
            "outcome": "outcome",
            "group": "group",
            "method": "method",
            "n_treatment": "n_prepost",
            "estimate": "change",
            **_INTERVALS,
        },
        language,
    )


def subgroup_table(effects: pd.DataFrame, language: str, method: str) -> pd.DataFrame:
    """The primary `method` within each subgroup cell of the plan (descriptive estimates)."""
    rows = headline_rows(effects, method, subgroups="cells")
    return _format(
        rows,
        {
            "outcome": "outcome",
            "subgroup": "subgroup",
            "n_treatment": "n_treatment",
            "n_control": "n_control",
            "estimate": "adjusted",
            "ci_low": "ci_low",
            "ci_high": "ci_high",
            "effect_size": "effect_size",
            "suppressed": "suppressed",
        },
        language,
    )


def _level_order(level: str) -> tuple:
    """Sort key of a subgroup level as written in results/effects.csv: numbers as numbers (grade 9
    before 10, as the analysis sorted them), the rest as text."""
    try:
        return (0, float(level), "")
    except ValueError:
        return (1, 0.0, level)


def subgroup_levels(effects: pd.DataFrame, outcome: str, variable: str) -> list[str]:
    """The levels of subgroup `variable` that `outcome` has cells of, in the analysis' order."""
    cells = effects.loc[effects["outcome"] == outcome, "subgroup"].drop_duplicates()
    levels = [cell.partition("=")[2] for cell in cells if cell.startswith(f"{variable}=")]
    return sorted(levels, key=_level_order)


def _wald_q(note: str) -> int | None:
    """The numerator df q of a ``wald_f:<q>`` code in a moderation row's note, None if none."""
    for code in str(note).split(";"):
        kind, _, detail = code.strip().partition(":")
        if kind == "wald_f" and detail.isdigit():
            return int(detail)
    return None


def moderation_sentences(effects: pd.DataFrame, plan: Plan, instruments: dict) -> md.Markdown:
    """Whether the partner effect differed between the levels of each subgroup variable, from the
    ``moderation`` rows of results/effects.csv (the interaction of partner and subgroup): one
    bullet per outcome and variable, "differed" when p < alpha, else "no evidence that it
    differed", after a sentence saying these tests are exploratory. A two-level variable's row
    holds the interaction (the effect in the second level minus the first, in sorted order); a
    row of more levels a Wald F (``estimate``, denominator df in ``df``, note ``wald_f:<q>``).
    Empty when there are no moderation rows."""
    rows = effects[effects["analysis"] == "moderation"]
    if rows.empty:
        return md.Markdown("")
    language, wording = plan.language, outcome_wording(plan, instruments)
    bullets = []
    for _, row in rows.iterrows():
        outcome, variable = row["outcome"], row["subgroup"]
        levels = subgroup_levels(effects, outcome, variable)
        common = dict(outcome=md.capitalise(label(outcome, language), language), variable=label(variable, language))
        q = _wald_q(row["note"])
        testable = not row["suppressed"] and not math.isnan(row["estimate"]) and not math.isnan(row["p_value"])
        if not testable or (q is None and len(levels) < 2):
            bullets.append(md.text("report.moderation.untested", language, **common))
            continue
        p = md.p_text(row["p_value"], language)
        if q is not None:
            test = md.text(
                "report.moderation.wald",
                language,
                f=md.number(row["estimate"], 2, language),
                q=md.count(q, language),
                df=md.number(row["df"], 1, language),
                p=p,
            )
        else:
            unit = wording.get(outcome, ("points", "students"))[0]
            test = md.text(
                "report.moderation.difference",
                language,
                second=label(levels[-1], language),
                first=label(levels[0], language),
                estimate=md.signed(row["estimate"], 2, language),
                unit=md.text(f"report.units.{unit}", language),
                low=md.number(row["ci_low"], 2, language),
                high=md.number(row["ci_high"], 2, language),
                p=p,
            )
        verdict = "differed" if row["p_value"] < plan.alpha else "no_evidence"
        shown_levels = md.listing([label(level, language) for level in levels], language)
        bullets.append(md.text(f"report.moderation.{verdict}", language, levels=shown_levels, test=test, **common))
    lines = [md.Markdown("- ") + bullet for bullet in bullets]
    return md.text("report.moderation.intro", language) + md.Markdown("\n\n") + md.Markdown("\n").join(lines)


def activities_table(activities: pd.DataFrame, language: str) -> pd.DataFrame:
    """Per partnership: planned activities, how many were done, partly done or cancelled."""
    table = activities.groupby(["partnership_id", "status"]).size().unstack(fill_value=0)
    table = table.reindex(columns=["done", "partial", "planned", "cancelled"], fill_value=0)
    table.insert(0, "planned_activities", table.sum(axis=1))
    table["share_done"] = (table["done"] / table["planned_activities"]).round(2)
    table = table.rename(columns={name: column(name, language) for name in table.columns})
    table.index.name = column("partnership_id", language)
    table.columns.name = None
    return table


def scales_table(scales: pd.DataFrame, language: str, instruments: dict | None = None) -> pd.DataFrame:
    """Cronbach's alpha of each survey scale per wave and role (results/scales.csv), with the
    scale titles of the instrument definitions in `instruments` where given."""
    shown = scales.copy()
    titles = {
        (i.id, scale): title.get(language)
        for i in (instruments or {}).values()
        for scale, title in i.scale_titles.items()
    }
    shown["scale"] = [titles.get((i, s)) or label(s, language) for i, s in zip(shown["instrument"], shown["scale"])]
    shown["wave"] = [label(w, language) for w in shown["wave"]]
    shown["role"] = [label(r, language) for r in shown["role"]]
    return _format(
        shown,
        {
            "scale": "scale",
            "role": "role",
            "wave": "wave",
            "n_items": "n_items",
            "n": "n",
            "alpha": "alpha",
            "alpha_ci_low": "alpha_ci_low",
            "alpha_ci_high": "alpha_ci_high",
            "suppressed": "suppressed",
        },
        language,
    )


def attrition_table(attrition: pd.DataFrame, language: str) -> pd.DataFrame:
    """Per outcome and group: the individuals at the start, in each wave, in both, missing at post,
    the attrition rate, and the schools analysed out of the group's schools
    (results/attrition.csv)."""
    people = attrition[attrition["level"] != "schools"].copy()
    places = attrition[attrition["level"] == "schools"].set_index(["outcome", "group"])
    people["schools_analysed"] = [
        f"{places.at[(o, g), 'n_linked']} / {places.at[(o, g), 'n_baseline']}" if (o, g) in places.index else ""
        for o, g in zip(people["outcome"], people["group"])
    ]
    people["level"] = [label(level, language) for level in people["level"]]
    # a percentage, as the evidence section and the missing-data table write shares
    people["attrition"] = [percent(a, language) if pd.notna(a) else "" for a in people["attrition"]]
    columns = {
        "outcome": "outcome",
        "group": "group",
        "level": "level",
        "n_baseline": "n_baseline",
        "n_pre": "n_pre",
        "n_post": "n_post",
        "n_linked": "both_waves",
        "n_missing_post": "n_missing_post",
        "attrition": "attrition",
        "schools_analysed": "schools_analysed",
        "suppressed": "suppressed",
    }
    return _format(people, columns, language)
