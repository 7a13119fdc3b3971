"""The pieces of the annual report: plain-words text (Markdown) and small tables, built from the
results tables and aggregate counts. The report notebook only arranges them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from evaluation.config.plan import Plan
from evaluation.analysis.frames import outcome_wording
from evaluation.reporting.text import change_sentence, finding_sentence, label, p_cell
from evaluation.reporting.wording import check_name, column, note

TITLES = {
    "en": {"report": "Annual evaluation report", "plan": "Analysis plan", "hash": "plan hash",
           "made": "produced on"},
    "tr": {"report": "Yıllık değerlendirme raporu", "plan": "Analiz planı", "hash": "plan özeti",
           "made": "hazırlanma tarihi"},
}


def header(plan: Plan) -> str:
    words = TITLES[plan.language]
    return (f"# {plan.programme}: {words['report']} {plan.period}\n\n"
            f"{words['plan']}: `{plan.path.name}` ({words['hash']} `{plan.hash}`), "
            f"{words['made']} {date.today().isoformat()}.")


def headline_rows(effects: pd.DataFrame, method: str, subgroups: str = "all") -> pd.DataFrame:
    """Partner-versus-control rows of the headline `method`; `subgroups` "all" for the whole
    sample, "cells" for the plan's subgroups."""
    rows = effects[(effects["analysis"] == "partner_vs_control") & (effects["method"] == method)]
    overall = rows["subgroup"] == "all"
    return rows[overall if subgroups == "all" else ~overall]


def findings(effects: pd.DataFrame, plan: Plan, instruments: dict, method: str) -> str:
    """One bullet per outcome: the partner-versus-control finding of the headline `method` in
    plain words."""
    wording = outcome_wording(plan, instruments)
    rows = headline_rows(effects, method)
    bullets = [f"- {finding_sentence(row, plan.alpha, plan.language, *wording[row['outcome']])}"
               for _, row in rows.iterrows()]
    return "\n".join(bullets)


def changes(effects: pd.DataFrame, plan: Plan, instruments: dict) -> str:
    """One bullet per outcome and group (partner, control): the mean change in plain words."""
    wording = outcome_wording(plan, instruments)
    rows = effects[(effects["analysis"] == "prepost") & (effects["subgroup"] == "all")
                   & effects["group"].isin(["partner", "control"]) & (effects["method"] == "paired_t")]
    return "\n".join(f"- {change_sentence(row, plan.language, *wording[row['outcome']])}"
                     for _, row in rows.iterrows())


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


def quarantine_note(out_dir: Path, language: str) -> str:
    """A note for the top of the report when quarantined rows were left out ("" when none)."""
    status = json.loads((out_dir / "validation" / "status.json").read_text(encoding="utf-8"))
    return note("quarantined", language, n=status["quarantined"]) if status["quarantined"] else ""


def validation_overview(out_dir: Path, language: str) -> pd.DataFrame:
    """Rows read, accepted and quarantined per file (validation-summary.csv)."""
    summary = pd.read_csv(out_dir / "validation" / "validation-summary.csv", keep_default_na=False)
    return summary.rename(columns={name: column(name, language) for name in summary.columns})


def quality_overview(out_dir: Path, language: str) -> tuple[str, pd.DataFrame]:
    """A sentence on the data-quality warnings and their count per table and check (counts only;
    the warnings themselves, row by row, are in validation/warnings.csv and the fix lists)."""
    path = out_dir / "validation" / "warnings.csv"
    warnings = pd.read_csv(path, keep_default_na=False, dtype=str) if path.is_file() else pd.DataFrame()
    if not len(warnings):
        return note("no_warnings", language), pd.DataFrame()
    counts = warnings.groupby(["table", "check"], sort=False).size().rename("warnings").reset_index()
    counts["check"] = [check_name(check, language) for check in counts["check"]]
    counts = counts.rename(columns={name: column(name, language) for name in counts.columns})
    return note("warnings", language, n=len(warnings)), counts


def _format(frame: pd.DataFrame, columns: dict[str, str], language: str) -> pd.DataFrame:
    """`columns` maps result columns to header keys of `wording.COLUMNS`."""
    shown = frame[list(columns)].copy()
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
    return shown.rename(columns=headers).round(3)


def styled(table: pd.DataFrame, language: str, index: bool = False):
    """A report table for display: two decimals (decimal comma in Turkish), blanks for missing."""
    style = table.style.format(precision=2, decimal="," if language == "tr" else ".", na_rep="")
    return style if index else style.hide(axis="index")


def _subgroup(code: str, language: str) -> str:
    """'grade=9' as 'grade 9' ('sınıf 9')."""
    name, _, level = code.partition("=")
    return f"{label(name, language)} {level}".strip()


_INTERVALS = {name: name for name in ("ci_low", "ci_high", "p_value", "effect_size", "effect_size_ci_low",
                                       "effect_size_ci_high")}


def partner_vs_control_table(effects: pd.DataFrame, language: str) -> pd.DataFrame:
    rows = effects[(effects["analysis"] == "partner_vs_control") & (effects["subgroup"] == "all")]
    return _format(rows, {
        "outcome": "outcome", "method": "method", "n_treatment": "n_treatment", "n_control": "n_control",
        "n_clusters_treatment": "n_clusters_treatment", "n_clusters_control": "n_clusters_control",
        "estimate": "adjusted", **_INTERVALS}, language)


def prepost_table(effects: pd.DataFrame, language: str) -> pd.DataFrame:
    """Pre/post rows of the whole sample: paired t on the people in both waves and Welch on every
    value of each wave (for waves that do not link), so ``n`` counts pairs for the one and
    post-test values for the other (the Wilcoxon rows, which carry no interval, stay in
    results/effects.csv)."""
    rows = effects[(effects["analysis"] == "prepost") & (effects["subgroup"] == "all")
                   & effects["method"].isin(["paired_t", "welch_t"])]
    return _format(rows, {
        "outcome": "outcome", "group": "group", "method": "method", "n_treatment": "n_prepost",
        "estimate": "change", **_INTERVALS}, language)


def subgroup_table(effects: pd.DataFrame, language: str, method: str) -> pd.DataFrame:
    rows = headline_rows(effects, method, subgroups="cells")
    return _format(rows, {
        "outcome": "outcome", "subgroup": "subgroup", "method": "method", "n_treatment": "n_treatment", "n_control": "n_control",
        "estimate": "adjusted", "ci_low": "ci_low", "ci_high": "ci_high", "effect_size": "effect_size",
        "suppressed": "suppressed"}, language)


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
    titles = {(i.id, scale): title.get(language) for i in (instruments or {}).values()
              for scale, title in i.scale_titles.items()}
    shown["scale"] = [titles.get((i, s)) or label(s, language) for i, s in zip(shown["instrument"], shown["scale"])]
    shown["wave"] = [label(w, language) for w in shown["wave"]]
    shown["role"] = [label(r, language) for r in shown["role"]]
    return _format(shown, {"scale": "scale", "role": "role", "wave": "wave", "n_items": "n_items", "n": "n",
                           "alpha": "alpha", "alpha_ci_low": "alpha_ci_low", "alpha_ci_high": "alpha_ci_high",
                           "suppressed": "suppressed"}, language)


def attrition_table(attrition: pd.DataFrame, language: str) -> pd.DataFrame:
    """Per outcome and group: the individuals at the start, in each wave, in both, missing at post,
    the attrition rate, and the schools analysed out of the group's schools
    (results/attrition.csv)."""
    people = attrition[attrition["level"] != "schools"].copy()
    places = attrition[attrition["level"] == "schools"].set_index(["outcome", "group"])
    people["schools_analysed"] = [
        f"{places.at[(o, g), 'n_linked']} / {places.at[(o, g), 'n_baseline']}" if (o, g) in places.index else ""
        for o, g in zip(people["outcome"], people["group"])]
    people["level"] = [label(level, language) for level in people["level"]]
    columns = {"outcome": "outcome", "group": "group", "level": "level", "n_baseline": "n_baseline",
               "n_pre": "n_pre", "n_post": "n_post", "n_linked": "both_waves", "n_missing_post": "n_missing_post",
               "attrition": "attrition", "schools_analysed": "schools_analysed", "suppressed": "suppressed"}
    return _format(people, columns, language)


METHOD_NAMES = {
    "en": {"ancova_cr1": "CR1 standard errors, t on schools - 1 degrees of freedom",
           "ancova_cr2": "CR2 standard errors with Satterthwaite degrees of freedom",
           "mixed_reml": "a two-level random-intercept model (REML)",
           "did": "a difference in differences of all pre and post values"},
    "tr": {"ancova_cr1": "CR1 standart hataları, okul sayısı - 1 serbestlik dereceli t",
           "ancova_cr2": "Satterthwaite serbestlik dereceli CR2 standart hataları",
           "mixed_reml": "iki düzeyli rastgele sabitli model (REML)",
           "did": "tüm ön ve son test değerleriyle farkların farkı"},
}

METHODS = {
    "en": """
**How the numbers were made.** Every table of the schools' data was checked against its data
contract before analysis; only accepted rows were analysed. *Before and after* compares each
student's (or respondent's) November and April/May values: the mean change, its 95% confidence
interval from the paired t-test, and Hedges' g of the change (standardised by the student-level
SD of the two waves); the results table adds the Wilcoxon signed-rank test and, for waves that do
not link, Welch's test of the two waves. *Partner versus control* is an analysis of covariance of
the post-test on group and the pre-test with standard errors clustered by school, so schools,
not students, count as the independent units. The findings above use {headline}; the results
table also holds CR1 and CR2 standard errors, a two-level random-intercept model and a difference
in differences, side by side, and each outcome's baseline difference (pre-test g; the What Works
Clearinghouse asks for |g| of at most 0.25 with adjustment). The effect size is Hedges' g: the
adjusted difference over the pooled student-level SD of the post-test, with the small-sample
correction. p-values are adjusted for the several outcomes of each domain (Benjamini-Hochberg).
Groups smaller than {min_cell} are suppressed in every table.
""",
    "tr": """
**Sayılar nasıl üretildi?** Okullardan gelen her tablo analizden önce veri sözleşmesine göre
denetlendi; yalnızca kabul edilen satırlar analiz edildi. *Önce ve sonra* karşılaştırması her
öğrencinin (veya katılımcının) Kasım ve Nisan/Mayıs değerlerini eşleştirir: ortalama değişim,
eşleştirilmiş t-testinden %95 güven aralığı ve değişimin Hedges' g etki büyüklüğü; sonuç
tablosunda ayrıca Wilcoxon işaretli sıralar testi ve eşleşmeyen uygulamalar için Welch testi yer
alır. *Ortak ve karşılaştırma okulları* son testin grup ve ön teste göre kovaryans analizidir;
standart hatalar okul düzeyinde kümelenmiştir, böylece bağımsız birimler öğrenciler değil
okullardır. Yukarıdaki bulgularda {headline} kullanıldı; sonuç tablosunda CR1 ve CR2 standart
hataları, iki düzeyli rastgele sabitli model ve farkların farkı yan yana, ayrıca her sonuç
ölçüsünün başlangıç farkı (ön test g'si) bulunur. Etki büyüklüğü, düzeltilmiş farkın son testin
öğrenci düzeyindeki birleştirilmiş standart sapmasına bölünmesiyle bulunan, küçük örneklem
düzeltmeli Hedges' g'dir. p değerleri her alandaki sonuç ölçüleri için düzeltilmiştir
(Benjamini-Hochberg). {min_cell} kişiden küçük gruplar hiçbir tabloda gösterilmez.
""",
}


def methods_note(plan: Plan, method: str) -> str:
    """How the numbers were made, naming the headline `method`."""
    headline = METHOD_NAMES[plan.language][method]
    return METHODS[plan.language].format(min_cell=plan.min_cell_size, headline=headline)
