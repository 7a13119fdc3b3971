"""The report's evidence, balance and design pieces, in English and Turkish, from small tables."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from evaluation.config.plan import Outcome, Plan
from evaluation.reporting import evidence as text

PLAN = Plan(
    path=Path("plan.yaml"),
    programme="Test",
    period="2022-2023",
    language="en",
    data_dir=Path("."),
    outcomes=(Outcome("mathematics", "exam", "academic", subject="mathematics"),),
)


def _design() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "outcome": ["mathematics"] * 2,
            "schools": [20, 40],
            "students_per_school": [25, 25],
            "icc": [0.16, 0.16],
            "r2_school": [0.62, 0.62],
            "r2_student": [0.48, 0.48],
            "share_partner": [0.5, 0.5],
            "alpha": [0.05, 0.05],
            "power": [0.8, 0.8],
            "mdes": [0.2471, 0.1234],
        }
    )


def test_design_sentence_says_what_each_number_of_schools_could_detect() -> None:
    assert text.design_sentences(_design(), "en") == (
        "- **Mathematics** (ICC 0.16; the pre-test explains 62% of the differences between schools and 48% of "
        "those within schools; 25 students per school, 50% of the schools partners): with 20 schools, an effect "
        "of 0.25 SD could be detected with 80% power; with 40 schools, 0.12 SD."
    )
    assert text.design_sentences(_design(), "tr") == (
        "- **Matematik** (sınıf içi korelasyon katsayısı ICC = 0,16; ön testin açıkladığı varyans: okullar "
        "arasında %62, okul içinde %48; okul başına 25 öğrenci, ortak okul oranı %50): 20 okulla 0,25 SS'lik bir "
        "etki %80 güçle saptanabilir; 40 okulla 0,12 SS."
    )


def test_design_overview_one_row_per_outcome_with_a_column_per_number_of_schools() -> None:
    table = text.design_overview(_design(), "en")
    assert list(table.columns) == [
        "outcome",
        "ICC",
        "R² between schools",
        "R² within schools",
        "students per school",
        "MDES, 20 schools",
        "MDES, 40 schools",
    ]
    assert table.iloc[0].tolist() == ["Mathematics", 0.16, 0.62, 0.48, 25, 0.2471, 0.1234]
    assert list(text.design_overview(_design(), "tr").columns)[-1] == "saptanabilir etki (40 okul)"


def _joint(**values) -> pd.DataFrame:
    row = {
        "statistic": 1.84,
        "df_numerator": 13,
        "df_denominator": 27,
        "p_value": 0.0871,
        "n": 3726,
        "n_clusters": 28,
        "characteristics": "female; grade",
        "note": "",
    }
    return pd.DataFrame([row | values])


def test_joint_sentence() -> None:
    assert text.joint_sentence(_joint(), 0.05, "en") == (
        "Taken together, the characteristics do not predict which schools are partner schools (joint F-test of "
        "orthogonality: F(13, 27) = 1.84, p = 0.087; 3,726 students in 28 schools with every characteristic)."
    )
    turkish = text.joint_sentence(_joint(p_value=0.01), 0.05, "tr")
    assert (
        "Özelliklerin tümü birlikte ele alındığında, bir okulun ortak okul olup olmadığını anlamlı biçimde" in turkish
    )
    assert "yordamaktadır (birleşik denge testi: " in turkish
    assert "F(13; 27) = 1,84, p = 0,010; her özelliği bilinen 28 okuldaki 3.726 öğrenci" in turkish
    missing = _joint(statistic=math.nan, p_value=math.nan, note="balance: the characteristics x, y are collinear")
    assert text.joint_sentence(missing, 0.05, "en") == (
        "The joint test could not be computed: balance: the characteristics x, y are collinear."
    )


def test_balance_overview_names_characteristics_in_the_reports_language() -> None:
    balance = pd.DataFrame(
        {
            "characteristic": ["school_type=science_high_school", "female", "pre_mathematics"],
            "level": ["school", "student", "student"],
            "mean_partner": [0.3, 0.5, 51.6],
            "mean_control": [0.3, 0.49, 49.9],
            "normalised_difference": [0.0, 0.02, 0.12],
            "p_value": [1.0, 0.0004, 0.42],
        }
    )
    english = text.balance_overview(balance, "en")
    assert english["characteristic"].tolist() == [
        "school type: science high school",
        "girls (share)",
        "pre-test: mathematics",
    ]
    assert english["p"].tolist() == ["1.000", "<0.001", "0.420"]
    turkish = text.balance_overview(balance, "tr")
    assert turkish["özellik"].tolist() == ["okul türü: fen lisesi", "kız öğrenci oranı", "ön test: matematik"]
    assert turkish["karşılaştırma birimi"].tolist() == ["okullar", "öğrenciler", "öğrenciler"]
    assert turkish["p"].tolist() == ["1,000", "<0,001", "0,420"]


def _finding_tables():
    evidence = pd.DataFrame(
        [
            {
                "outcome": "mathematics",
                "domain": "academic",
                "subgroup": "all",
                "attrition_overall": 0.05,
                "attrition_differential": 0.10,
                "attrition_verdict": "high",
                "baseline_g": 0.13,
                "baseline_verdict": "adjustment_required",
                "effect_size": 0.30,
                "p_adjusted": 0.0004,
                "significant": True,
                "substantively_important": True,
                "improvement_index": 11.9,
                "rating": "meets_with_reservations",
                "summary": "-",
            }
        ]
    )
    effects = pd.DataFrame(
        [
            {
                "analysis": "partner_vs_control",
                "method": "ancova_cr2",
                "subgroup": "all",
                "outcome": "mathematics",
                "effect_size": 0.30,
                "effect_size_ci_low": 0.21,
                "effect_size_ci_high": 0.40,
            }
        ]
    )
    counts = pd.DataFrame(
        [
            {"outcome": "mathematics", "group": g, "level": level, "n_baseline": b, "n_linked": n}
            for g, level, b, n in (
                ("partner", "students", 400, 380),
                ("partner", "schools", 10, 10),
                ("control", "students", 400, 372),
                ("control", "schools", 10, 9),
            )
        ]
    )
    return evidence, effects, counts


def test_evidence_summary_in_words_a_principal_understands() -> None:
    evidence, effects, counts = _finding_tables()
    summary = text.evidence_summaries(
        evidence, effects, counts, PLAN, "ancova_cr2", {"mathematics": ("points", "students")}
    )
    assert summary == (
        "**Mathematics.** Design: partner schools chose to take part, so the groups were not formed by lot. "
        "Attrition: 6% of the students at the start were not analysed (5% in partner schools, 7% in control "
        "schools), and 1 of 20 schools; by the WWC's cautious standard this is high. Starting point: partner "
        "schools' students started 0.13 SD ahead on the pre-test (g = 0.13); the WWC accepts this when the "
        "analysis adjusts for the pre-test, as this one does. Effect: partner schools' students ended the year "
        "0.30 SD higher than comparable students of control schools (95% interval 0.21 to 0.40); statistically "
        "significant once the several outcomes tested are allowed for (adjusted p < 0.001), and large enough to "
        "count as important (at least 0.25 SD). An average student of a control school would have moved up 12 "
        "percentile points. Overall: meets the WWC standards with reservations (the most a comparison of groups "
        "not formed by lot can reach)."
    )
    turkish = text.evidence_summaries(
        evidence,
        effects,
        counts,
        Plan(**{**PLAN.__dict__, "language": "tr"}),
        "ancova_cr2",
        {"mathematics": ("points", "students")},
    )
    assert turkish.startswith("**Matematik.** Tasarım: ortak okullar programa kendi isteğiyle katıldı;")
    assert "başlangıçtaki öğrencilerden analize girmeyenlerin oranı %6 (ortak okullarda %5" in turkish
    assert "20 okuldan 1 okul analize girmedi. WWC'nin temkinli sınırına göre bu kayıp yüksektir." in turkish
    assert "ortalama bir öğrencinin yüzdelik sırası, programa katılsaydı 12 puan yükselirdi." in turkish


def test_evidence_overview_is_one_compact_row_per_finding() -> None:
    evidence, effects, _ = _finding_tables()
    table = text.evidence_overview(evidence, effects, "en", "ancova_cr2")
    # the rates of the level with high attrition (the schools), as evidence.csv holds them
    assert table.iloc[0].tolist() == [
        "Mathematics",
        "5% / 10%",
        "high",
        0.13,
        "with adjustment",
        "0.30 (0.21 to 0.40)",
        "<0.001",
        "yes",
        "yes",
        11.9,
        "meets with reservations",
    ]
    turkish = text.evidence_overview(evidence, effects, "tr", "ancova_cr2")
    assert turkish.iloc[0].tolist()[1:3] == ["%5 / %10", "yüksek"]
    assert turkish.iloc[0].tolist()[5:] == [
        "0,30 (0,21; 0,40)",
        "<0,001",
        "evet",
        "evet",
        11.9,
        "çekinceyle karşılıyor",
    ]


def test_an_exploratory_outcomes_evidence_gives_its_own_p_value_said_to_be_unadjusted() -> None:
    evidence, effects, counts = _finding_tables()
    evidence.loc[0, ["p_adjusted", "significant"]] = [math.nan, True]  # judged on its unadjusted p
    effects["p_value"] = 0.012
    exploratory = Outcome("mathematics", "exam", "academic", subject="mathematics", confirmatory=False)
    plan = Plan(**{**PLAN.__dict__, "outcomes": (exploratory,)})
    wording = {"mathematics": ("points", "students")}
    summary = text.evidence_summaries(evidence, effects, counts, plan, "ancova_cr2", wording)
    assert "; statistically significant (p = 0.012, not adjusted: an exploratory outcome), and large enough" in summary
    assert "nan" not in summary
    turkish = text.evidence_summaries(
        evidence, effects, counts, Plan(**{**plan.__dict__, "language": "tr"}), "ancova_cr2", wording
    )
    assert "istatistiksel olarak anlamlı (p = 0,012, düzeltilmemiş: keşfedici bir sonuç ölçüsü)" in turkish
