"""The pieces of the annual report: plain-words text (`Markdown`, its values escaped) and small
tables (shown as an escaping `ReportTable`), built from the results tables and aggregate counts.
The report notebook only arranges them."""

from __future__ import annotations

from datetime import date

import pandas as pd

from evaluation.analysis.frames import outcome_wording
from evaluation.config.plan import Plan
from evaluation.reporting import escaping as md
from evaluation.reporting.headings import check_name, column
from evaluation.reporting.sentences import change_sentence, finding_sentence, label, note_text, p_cell
from evaluation.wording import text


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
    plain words."""
    wording = outcome_wording(plan, instruments)
    rows = headline_rows(effects, method)
    bullets = [
        md.Markdown("- {}").format(finding_sentence(row, plan.alpha, plan.language, *wording[row["outcome"]]))
        for _, row in rows.iterrows()
    ]
    return md.Markdown("\n").join(bullets)


def changes(effects: pd.DataFrame, plan: Plan, instruments: dict) -> md.Markdown:
    """One bullet per outcome and group (partner, control): the mean change in plain words."""
    wording = outcome_wording(plan, instruments)
    rows = effects[
        (effects["analysis"] == "prepost")
        & (effects["subgroup"] == "all")
        & effects["group"].isin(["partner", "control"])
        & (effects["method"] == "paired_t")
    ]
    return md.Markdown("\n").join(
        md.Markdown("- {}").format(change_sentence(row, plan.language, *wording[row["outcome"]]))
        for _, row in rows.iterrows()
    )


def data_overview(accepted: dict[str, pd.DataFrame], language: str) -> pd.DataFrame:
    """Schools, students and survey respondents per group (counts only)."""
    schools = accepted["schools"][["school_id", "group"]]
    counts = {column("schools", language): schools.groupby("group")["school_id"].nunique()}
    exams = accepted["exam_results"].merge(schools, on="school_id")
    counts[column("students_with_exams", language)] = exams.groupby("group")["student_id"].nunique()
    for table, frame in accepted.items():
        if table.startswith("surveys/"):
            merged = frame.merge(schools, on="school_id")
            name = column("respondents", language, instrument=table.removeprefix("surveys/"))
            counts[name] = merged.groupby("group")["respondent_id"].nunique()
    overview = pd.DataFrame(counts).T.reindex(columns=["partner", "control"]).fillna(0).astype(int)
    overview.columns = [label(c, language) for c in overview.columns]
    return overview


def quarantine_note(quarantined: int, language: str) -> md.Markdown:
    """A note for the top of the report when `quarantined` rows were left out ("" when none)."""
    return md.plural("report.notes.quarantined", quarantined, language) if quarantined else md.Markdown("")


def validation_overview(summary: pd.DataFrame, language: str) -> pd.DataFrame:
    """Rows read, accepted and quarantined per file (validation-summary.csv)."""
    return summary.rename(columns={name: column(name, language) for name in summary.columns})


def quality_overview(warnings: pd.DataFrame, language: str) -> tuple[md.Markdown, pd.DataFrame]:
    """A sentence on the data-quality `warnings` (warnings.csv) and their count per table and check
    (counts only; the warnings themselves, row by row, stay in the restricted folder and the fix
    lists)."""
    if not len(warnings):
        return md.text("report.notes.no_warnings", language), pd.DataFrame()
    counts = warnings.groupby(["table", "check"], sort=False).size().rename("warnings").reset_index()
    counts["check"] = [check_name(check, language) for check in counts["check"]]
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
    if "group" in shown:
        shown["group"] = [label(g, language) for g in shown["group"]]
    if "subgroup" in shown:
        shown["subgroup"] = [_subgroup(s, language) for s in shown["subgroup"]]
    if "suppressed" in shown:
        shown["suppressed"] = [column("suppressed", language) if s else "" for s in shown["suppressed"]]
    headers = {name: column(key, language) for name, key in columns.items()}
    return shown.rename(columns=headers).round(3).reset_index(drop=True)


def styled(table: pd.DataFrame, language: str, index: bool = False) -> md.ReportTable:
    """A report table for display: two decimals with the locale's decimal mark (a comma in
    Turkish), blanks for missing, every value and label escaped (`escaping.ReportTable`)."""
    return md.ReportTable(table, language, index=index)


def _subgroup(code: str, language: str) -> str:
    """'grade=9' as 'grade 9' ('sınıf 9')."""
    name, _, level = code.partition("=")
    return text("report.subgroup", language, name=label(name, language), level=level).strip()


_INTERVALS = {
    name: name for name in ("ci_low", "ci_high", "p_value", "effect_size", "effect_size_ci_low", "effect_size_ci_high")
}


def partner_vs_control_table(effects: pd.DataFrame, language: str) -> pd.DataFrame:
    rows = effects[(effects["analysis"] == "partner_vs_control") & (effects["subgroup"] == "all")]
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
            **_INTERVALS,
        },
        language,
    )


def prepost_table(effects: pd.DataFrame, language: str) -> pd.DataFrame:
    """Pre/post rows of the whole sample: paired t on the people in both waves and Welch on every
    value of each wave (for waves that do not link), so ``n`` counts pairs for the one and
    post-test values for the other (the Wilcoxon rows, which carry no interval, stay in
    results/effects.csv)."""
    rows = effects[
        (effects["analysis"] == "prepost")
        & (effects["subgroup"] == "all")
        & effects["method"].isin(["paired_t", "welch_t"])
    ]
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
    rows = headline_rows(effects, method, subgroups="cells")
    return _format(
        rows,
        {
            "outcome": "outcome",
            "subgroup": "subgroup",
            "method": "method",
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


def methods_note(plan: Plan, method: str) -> md.Markdown:
    """How the numbers were made, naming the headline `method`."""
    headline = md.text(f"report.methods.headline.{method}", plan.language)
    return md.text("report.methods.note", plan.language, min_cell=plan.min_cell_size, headline=headline)
