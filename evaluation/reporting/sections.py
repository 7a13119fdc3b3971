"""The pieces of the annual report: plain-words text (Markdown) and small tables, built from the
results tables and aggregate counts. The report notebook only arranges them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from evaluation.plan import Plan
from evaluation.reporting.text import change_sentence, finding_sentence, label

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


def outcome_wording(plan: Plan, instruments: dict) -> dict[str, tuple[str, str]]:
    """Per outcome id: the unit of its scale and who answered it ("students" or "teachers")."""
    wording = {}
    for outcome in plan.outcomes:
        if outcome.source == "exam":
            wording[outcome.id] = ("points", "students")
        else:
            role = getattr(instruments[outcome.instrument], "role", "student")
            wording[outcome.id] = ("scale_points", "teachers" if role == "teacher" else "students")
    return wording


def findings(effects: pd.DataFrame, plan: Plan, instruments: dict) -> str:
    """One bullet per outcome: the partner-versus-control finding in plain words."""
    wording = outcome_wording(plan, instruments)
    rows = effects[(effects["analysis"] == "partner_vs_control") & (effects["subgroup"] == "all")]
    bullets = [f"- {finding_sentence(row, plan.alpha, plan.language, *wording[row['outcome']])}"
               for _, row in rows.iterrows()]
    return "\n".join(bullets)


def changes(effects: pd.DataFrame, plan: Plan, instruments: dict) -> str:
    """One bullet per outcome and group (partner, control): the mean change in plain words."""
    wording = outcome_wording(plan, instruments)
    rows = effects[(effects["analysis"] == "prepost") & (effects["subgroup"] == "all")
                   & effects["group"].isin(["partner", "control"])]
    return "\n".join(f"- {change_sentence(row, plan.language, *wording[row['outcome']])}"
                     for _, row in rows.iterrows())


def data_overview(accepted: dict[str, pd.DataFrame], language: str) -> pd.DataFrame:
    """Schools, students and survey respondents per group (counts only)."""
    schools = accepted["schools"][["school_id", "group"]]
    counts = {"schools": schools.groupby("group")["school_id"].nunique()}
    exams = accepted["exam_results"].merge(schools, on="school_id")
    counts["students with exam results"] = exams.groupby("group")["student_id"].nunique()
    for table, frame in accepted.items():
        if table.startswith("surveys/"):
            merged = frame.merge(schools, on="school_id")
            counts[f"respondents: {table.removeprefix('surveys/')}"] = merged.groupby("group")["respondent_id"].nunique()
    overview = pd.DataFrame(counts).T.reindex(columns=["partner", "control"]).fillna(0).astype(int)
    overview.columns = [label(c, language) for c in overview.columns]
    return overview


def validation_overview(out_dir: Path) -> pd.DataFrame:
    return pd.read_csv(out_dir / "validation" / "validation-summary.csv", keep_default_na=False)


def _format(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    shown = frame[list(columns)].copy()
    if "p_value" in shown:
        shown["p_value"] = [("" if pd.isna(p) else "<0.001" if p < 0.001 else f"{p:.3f}")
                            for p in shown["p_value"]]
    return shown.rename(columns=columns).round(3)


def partner_vs_control_table(effects: pd.DataFrame, language: str) -> pd.DataFrame:
    rows = effects[(effects["analysis"] == "partner_vs_control") & (effects["subgroup"] == "all")].copy()
    rows["outcome"] = [label(o, language) for o in rows["outcome"]]
    return _format(rows, {
        "outcome": "outcome", "method": "method", "n_treatment": "students (partner)",
        "n_control": "students (control)", "n_clusters_treatment": "schools (partner)",
        "n_clusters_control": "schools (control)", "estimate": "adjusted difference",
        "ci_low": "95% CI low", "ci_high": "95% CI high", "p_value": "p",
        "effect_size": "Hedges' g", "effect_size_ci_low": "g CI low", "effect_size_ci_high": "g CI high"})


def prepost_table(effects: pd.DataFrame, language: str) -> pd.DataFrame:
    rows = effects[(effects["analysis"] == "prepost") & (effects["subgroup"] == "all")].copy()
    rows["outcome"] = [label(o, language) for o in rows["outcome"]]
    rows["group"] = [label(g, language) for g in rows["group"]]
    return _format(rows, {
        "outcome": "outcome", "group": "group", "method": "method", "n_treatment": "linked pairs",
        "estimate": "mean change", "ci_low": "95% CI low", "ci_high": "95% CI high", "p_value": "p",
        "effect_size": "Hedges' g", "effect_size_ci_low": "g CI low", "effect_size_ci_high": "g CI high"})


def subgroup_table(effects: pd.DataFrame, language: str) -> pd.DataFrame:
    rows = effects[(effects["analysis"] == "partner_vs_control") & (effects["subgroup"] != "all")].copy()
    rows["outcome"] = [label(o, language) for o in rows["outcome"]]
    return _format(rows, {
        "outcome": "outcome", "subgroup": "subgroup", "n_treatment": "students (partner)",
        "n_control": "students (control)", "estimate": "adjusted difference", "ci_low": "95% CI low",
        "ci_high": "95% CI high", "effect_size": "Hedges' g", "suppressed": "suppressed"})


def activities_table(activities: pd.DataFrame) -> pd.DataFrame:
    """Per partnership: planned activities, how many were done, partly done or cancelled."""
    table = activities.groupby(["partnership_id", "status"]).size().unstack(fill_value=0)
    table = table.reindex(columns=["done", "partial", "planned", "cancelled"], fill_value=0)
    table.insert(0, "planned activities", table.sum(axis=1))
    table["share done"] = (table["done"] / table["planned activities"]).round(2)
    return table


METHODS = {
    "en": """
**How the numbers were made.** Every table of the schools' data was checked against its data
contract before analysis; only accepted rows were analysed. *Before and after* compares each
student's (or respondent's) November and April/May values: the mean change, its 95% confidence
interval from the paired t-test, and Hedges' g of the change (standardised by the student-level
SD of the two waves). *Partner versus control* is an analysis of covariance of the post-test on
group and the pre-test, with standard errors clustered by school (CR1, t on schools - 1 degrees
of freedom), so schools, not students, count as the independent units. Its effect size is
Hedges' g: the adjusted difference over the pooled student-level SD of the post-test, with the
small-sample correction. Groups smaller than {min_cell} are suppressed in every table.
""",
    "tr": """
**Sayılar nasıl üretildi?** Okullardan gelen her tablo analizden önce veri sözleşmesine göre
denetlendi; yalnızca kabul edilen satırlar analiz edildi. *Önce ve sonra* karşılaştırması her
öğrencinin (veya katılımcının) Kasım ve Nisan/Mayıs değerlerini eşleştirir: ortalama değişim,
eşleştirilmiş t-testinden %95 güven aralığı ve değişimin Hedges' g etki büyüklüğü. *Ortak ve
karşılaştırma okulları* son testin grup ve ön teste göre kovaryans analizidir; standart hatalar
okul düzeyinde kümelenmiştir (CR1, okul sayısı - 1 serbestlik derecesi). Etki büyüklüğü, düzeltilmiş
farkın son testin öğrenci düzeyindeki birleştirilmiş standart sapmasına bölünmesiyle bulunan
Hedges' g'dir. {min_cell} kişiden küçük gruplar hiçbir tabloda gösterilmez.
""",
}


def methods_note(plan: Plan) -> str:
    return METHODS[plan.language].format(min_cell=plan.min_cell_size)
