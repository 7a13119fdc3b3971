"""The report's body shows one method (the plan's primary method; the school-clustered change before
and after), subgroup estimates are descriptive and a difference between subgroups is claimed only
from a moderation test; the technical end holds every method and the plan's choices. Built from
constructed results tables, with and without the rows other analyses add (paired_cr2,
moderation)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from evaluation.config.plan import Outcome, Plan
from evaluation.reporting import methods, sections
from evaluation.stats.estimate import effects_frame

OUTCOMES = (
    Outcome("mathematics", "exam", "academic", subject="mathematics"),
    Outcome("science", "exam", "academic", subject="science", equated=True),
    Outcome("english", "exam", "academic", subject="english", confirmatory=False),
    Outcome("belonging", "survey", "wellbeing", instrument="student_climate", scale="belonging"),
    Outcome("teacher_collaboration", "survey", "teaching_practice", instrument="teacher_collaboration", scale="c"),
)


class _Teachers:
    role = "teacher"


class _Students:
    role = "student"


INSTRUMENTS = {"student_climate": _Students(), "teacher_collaboration": _Teachers()}
PARTNER_METHODS = ("ancova_cr1", "ancova_cr2", "mixed_reml", "did", "ancova_mi")


def plan(**changes) -> Plan:
    base = dict(
        path=Path("plan.yaml"),
        programme="p",
        period="2022-2023",
        language="en",
        data_dir=Path("."),
        outcomes=OUTCOMES,
        subgroups=("grade", "sex"),
    )
    return Plan(**{**base, **changes})


def row(**values) -> dict:
    base = {
        "analysis": "partner_vs_control",
        "outcome": "mathematics",
        "domain": "academic",
        "subgroup": "all",
        "group": "all",
        "method": "ancova_cr2",
        "n_treatment": 120,
        "n_control": 130,
        "n_clusters_treatment": 6,
        "n_clusters_control": 6,
        "estimate": 4.0,
        "std_error": 1.0,
        "df": 9.5,
        "ci_low": 1.7,
        "ci_high": 6.3,
        "p_value": 0.003,
        "p_adjusted": math.nan,
        "effect_size": 0.3,
        "effect_size_ci_low": 0.1,
        "effect_size_ci_high": 0.5,
        "suppressed": False,
        "note": "",
        "covariates": "",
    }
    return base | values


def effects(with_clustered: bool = True, moderation: bool = True) -> pd.DataFrame:
    """Every kind of row for mathematics (and English, exploratory); paired_cr2 and moderation rows
    as the other helpers' analyses write them, when asked for."""
    rows = []
    for outcome in ("mathematics", "english"):
        for method in PARTNER_METHODS:
            adjusted = 0.006 if method == "ancova_cr2" and outcome == "mathematics" else math.nan
            rows.append(row(outcome=outcome, method=method, p_adjusted=adjusted, estimate=4.0 + len(method) / 100))
        for level in ("9", "10", "11"):
            rows.append(row(outcome=outcome, subgroup=f"grade={level}", estimate=3.0))
        for level in ("F", "M"):
            rows.append(row(outcome=outcome, subgroup=f"sex={level}", estimate=5.0))
        methods_ = ["paired_t", "wilcoxon", "welch_t"] + (["paired_cr2"] if with_clustered else [])
        for group in ("partner", "control", "all"):
            for method in methods_:
                rows.append(
                    row(analysis="prepost", outcome=outcome, group=group, method=method, estimate=2.5, n_control=None)
                )
    if moderation:
        rows += [
            # two levels: the partner effect for M minus that for F
            row(analysis="moderation", subgroup="sex", estimate=-0.15, ci_low=-2.6, ci_high=2.3, p_value=0.9),
            # three levels: a Wald F with its denominator df
            row(analysis="moderation", subgroup="grade", estimate=4.2, df=11.3, p_value=0.04, note="wald_f:2"),
            row(analysis="moderation", outcome="english", subgroup="sex", estimate=math.nan, p_value=math.nan),
        ]
    return effects_frame(rows)


# --- partner versus control: the primary method alone in the body, every method at the end -------


def test_the_body_table_and_findings_show_the_primary_method_only():
    table = sections.partner_vs_control_table(effects(), "en", "ancova_cr2")
    assert len(table) == 2 and "method" not in table.columns
    assert table["adjusted difference"].tolist() == pytest.approx([4.1, 4.1])  # 4 + len("ancova_cr2") / 100
    other = sections.partner_vs_control_table(effects(), "en", "mixed_reml")
    assert other["adjusted difference"].tolist() == pytest.approx([4.1, 4.1])
    cells = sections.subgroup_table(effects(), "en", "ancova_cr2")
    assert "method" not in cells.columns and len(cells) == 10
    findings = sections.findings(effects(), plan(), INSTRUMENTS, "ancova_cr2").split("\n")
    assert len(findings) == 2
    assert findings[0].endswith("(p = 0.006, adjusted for the several outcomes).")
    # English is exploratory (confirmatory: false): its own p-value, said to be unadjusted
    assert findings[1].endswith("(p = 0.003, not adjusted: an exploratory outcome).")


def test_the_sensitivity_table_has_every_method_and_what_each_analyses():
    table = sections.methods_table(effects(), "ancova_cr2", "en")
    maths = table[table["outcome"] == "mathematics"].set_index("method")
    # each method named in words, not by its code
    named = {
        "ancova_cr1": "analysis of covariance, CR1 standard errors",
        "ancova_cr2": "analysis of covariance, CR2 standard errors",
        "mixed_reml": "random-intercept model (REML)",
        "did": "difference in differences",
        "ancova_mi": "analysis of covariance, post-tests imputed",
    }
    assert list(maths.index) == [named[method] for method in PARTNER_METHODS]
    sample = maths["analysed sample and model"]
    assert sample[named["ancova_cr2"]] == (
        "the findings' method; students with both tests; analysis of covariance, CR2 standard errors"
    )
    assert sample[named["did"]] == "every observed score, not only the students with both tests"
    assert sample[named["ancova_mi"]] == "students with a pre-test; post-tests imputed for those who missed them"
    assert sample[named["mixed_reml"]] == "students with both tests; a random-intercept model of students in schools"
    assert "adjusted p" not in table.columns  # checks, not findings: no adjusted p-values
    turkish = sections.methods_table(effects(), "did", "tr")
    assert turkish.iloc[3]["analiz edilen örneklem ve model"].startswith("bulguların yöntemi; yalnızca")


# --- before and after: the school-clustered change, what the waves are ---------------------------


def test_before_and_after_uses_the_clustered_rows_and_keeps_the_others_for_the_end():
    body = sections.prepost_table(effects(), "en")
    assert len(body) == 6 and "method" not in body.columns  # two outcomes x three groups, paired_cr2
    assert list(body.columns[:4]) == ["outcome", "group", "both waves", "schools"]
    changes = sections.changes(effects(), plan(), INSTRUMENTS).split("\n")
    assert len(changes) == 4 and changes[0].startswith("- In partner schools, mathematics changed by +2.50 points")
    technical = sections.prepost_technical_table(effects(), "en")
    assert set(technical["method"]) == {"paired t-test", "Wilcoxon signed-rank test", "Welch's t-test"}
    assert len(technical) == 18
    # without paired_cr2 rows (before the clustered analysis is merged) the body says no number
    assert sections.prepost_table(effects(with_clustered=False), "en").empty
    assert sections.changes(effects(with_clustered=False), plan(), INSTRUMENTS) == ""


def test_what_the_waves_are_exams_not_equated_equated_and_surveys():
    caveats = sections.prepost_caveats(plan())
    assert caveats == (
        "In mathematics and English, the exams of the two waves were different tests, not equated to one scale: "
        "each change mixes the students' learning with the difference in difficulty between the two tests. "
        "In science, the exams of the two waves were equated to one scale, so the change is not a change in the "
        "tests' difficulty. "
        "The survey scales sense of belonging and teachers' professional collaboration asked the same questions in "
        "both waves."
    )
    turkish = sections.prepost_caveats(plan(language="tr"))
    assert turkish.startswith(
        "Matematik ve İngilizce sınavlarında iki uygulamada farklı testler uygulandı ve bu testler ortak bir "
        "ölçeğe eşitlenmedi"
    )
    assert "Fen bilimleri sınavında iki uygulamanın testleri ortak bir ölçeğe eşitlendi" in turkish
    one_exam = sections.prepost_caveats(plan(outcomes=OUTCOMES[:1]))
    assert one_exam.startswith("In mathematics, the exams of the two waves were different tests") and (
        "the change mixes" in one_exam
    )
    assert "survey" not in one_exam


def test_the_section_says_a_groups_change_is_not_an_effect_of_the_programme():
    from evaluation.reporting.headings import section

    assert "is not an effect of the programme" in section("prepost", "en")
    assert "programın etkisi değildir" in section("prepost", "tr")
    assert "descriptive" in section("subgroups", "en") and "betimseldir" in section("subgroups", "tr")


# --- subgroups: a difference only from the moderation test ----------------------------------------


def test_a_difference_between_subgroups_is_said_only_from_the_moderation_rows():
    text = sections.moderation_sentences(effects(), plan(), INSTRUMENTS)
    intro, _, bullets = text.partition("\n\n")
    assert "exploratory" in intro and "not adjusted" in intro
    assert bullets.split("\n") == [
        "- Mathematics: no evidence that the effect differed by sex (girls and boys; boys minus girls: -0.15 points, "
        "95% interval -2.60 to 2.30, p = 0.900).",
        "- Mathematics: the effect differed by grade (9, 10, and 11; F = 4.20 on 2 and 11.3 degrees of freedom, "
        "p = 0.040).",
        "- English: whether the effect differed by sex could not be tested.",
    ]
    assert sections.moderation_sentences(effects(moderation=False), plan(), INSTRUMENTS) == ""
    turkish = sections.moderation_sentences(effects(), plan(language="tr"), INSTRUMENTS)
    assert (
        "- Matematik: etkinin cinsiyet değişkenine göre farklılaştığına dair kanıt yok (kız ve erkek; erkek eksi "
        in (turkish)
    )
    assert "- Matematik: etki sınıf değişkenine göre farklılaştı (9, 10 ve 11; F(2; 11,3) = 4,20, p = 0,040)." in (
        turkish
    )


def test_moderation_at_a_stricter_alpha_is_no_evidence():
    text = sections.moderation_sentences(effects(), plan(alpha=0.01), INSTRUMENTS)
    assert "no evidence that the effect differed by grade" in text and "Mathematics: the effect differed" not in text


# --- the methods section: covariates and families -------------------------------------------------


def test_the_covariates_in_words():
    frame = effects()
    assert methods.covariates_note(plan(), (), frame, "ancova_cr2") == (
        "The models adjust for the pre-test alone (the plan names no covariate)."
    )
    assert methods.covariates_note(plan(covariates="auto"), (), frame, "ancova_cr2").endswith(
        "none did, so the models adjust for the pre-test alone."
    )
    used = frame.assign(
        covariates=["sex+school_type" if o == "mathematics" else "school_type" for o in frame["outcome"]]
    )
    note = methods.covariates_note(plan(covariates="auto"), ("sex", "school_type"), used, "ancova_cr2")
    lead, _, lines = note.partition("\n\n")
    assert lead.startswith("Besides the pre-test, the plan adds every characteristic on which partner and control")
    assert "(`covariates: auto`;" in lead and ": sex and school type. Categories enter" in lead
    assert lines.split("\n") == [
        "- Mathematics: adjusted for the pre-test and sex and school type.",
        "- English: adjusted for the pre-test and school type.",
    ]
    same = frame.assign(covariates="sex+school_type")
    planned = methods.covariates_note(
        plan(covariates=("sex", "school_type")), ("sex", "school_type"), same, "ancova_cr2"
    )
    assert (
        planned.startswith("Besides the pre-test, the plan adds sex and school type to every") and "\n" not in planned
    )
    turkish = methods.covariates_note(plan(language="tr", covariates=("sex",)), ("sex",), same, "ancova_cr2")
    assert turkish.startswith(
        "Plan, ortak ve karşılaştırma okullarını karşılaştıran her modele ön testin yanı sıra şunları da ekler "
        "(`covariates`): cinsiyet."
    )


def test_the_families_in_words():
    note = methods.families_note(plan())
    assert note.startswith(
        "The p-values of the findings are adjusted for multiple comparisons (Benjamini-Hochberg) within the outcomes "
        "of each domain (the plan's default): academic: mathematics and science; wellbeing: sense of belonging; "
        "teaching practice: teachers' professional collaboration."
    )
    assert "Exploratory outcomes, whose p-values are not adjusted: English." in note
    assert note.endswith("is exploratory: its p-values are not adjusted.")
    families = (("exams", ("mathematics", "science")), ("surveys", ("belonging", "teacher_collaboration")))
    planned = methods.families_note(plan(multiplicity_families=families))
    assert "the families of outcomes the plan names (`multiplicity_families`): exams: mathematics and science; " in (
        planned
    )
    none = methods.families_note(plan(outcomes=(OUTCOMES[2],)))
    assert none.startswith("No outcome is confirmatory, so no p-value is adjusted for multiple comparisons.")
    assert "akademik: matematik ve fen bilimleri" in methods.families_note(plan(language="tr"))


def test_the_methods_paragraph_names_the_primary_method_in_words():
    note = methods.methods_note(plan(), "ancova_cr2")
    assert note.startswith("## How the numbers were made\n\n")
    assert "by an analysis of covariance with school-clustered CR2 standard errors and Satterthwaite" in note
    assert "Groups smaller than 10 are suppressed" in note
    assert "iki düzeyli karma etkiler modeli" in methods.methods_note(plan(language="tr"), "mixed_reml")
