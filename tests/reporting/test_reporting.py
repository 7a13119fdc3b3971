"""The report's words and tables, in English and Turkish, from rows of the results table."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from evaluation.reporting import sections
from evaluation.reporting.headings import section
from evaluation.reporting.sentences import capitalise, change_sentence, finding_sentence
from evaluation.stats.estimate import effects_frame


def _row(**values) -> pd.Series:
    row = {
        "analysis": "partner_vs_control",
        "outcome": "mathematics",
        "domain": "academic",
        "subgroup": "all",
        "group": "all",
        "method": "ancova_cr1",
        "n_treatment": 120,
        "n_control": 130,
        "n_clusters_treatment": 6,
        "n_clusters_control": 6,
        "estimate": 4.432,
        "std_error": 0.6,
        "df": 11,
        "ci_low": 3.07,
        "ci_high": 5.79,
        "p_value": 0.0004,
        "p_adjusted": math.nan,
        "effect_size": 0.301,
        "effect_size_ci_low": 0.21,
        "effect_size_ci_high": 0.40,
        "suppressed": False,
    }
    row.update(values)
    return effects_frame([row]).iloc[0]


def test_significant_finding_in_english() -> None:
    sentence = finding_sentence(_row(), 0.05, "en", "points", "students")
    assert sentence == (
        "In mathematics, partner-school students ended the year 4.43 points higher than comparable "
        "control-school students (95% confidence interval 3.07 to 5.79; effect size g = 0.30). This difference is "
        "unlikely to be chance (p < 0.001)."
    )


def test_findings_are_judged_on_the_adjusted_p_value_when_there_is_one() -> None:
    row = _row(p_value=0.03, p_adjusted=0.07)
    assert finding_sentence(row, 0.05, "en", "points", "students").endswith(
        "This difference could be chance (p = 0.070, adjusted for the several outcomes): "
        "the data cannot tell it from no effect."
    )
    assert finding_sentence(row, 0.05, "tr", "points", "students").endswith(
        "Bu fark istatistiksel olarak anlamlı değildir (p = 0,070, birden çok sonuç ölçüsü için düzeltilmiş); "
        "şans eseri ortaya çıkmış olabilir, veriler sıfır etkiyle de bağdaşmaktadır."
    )


def test_non_significant_negative_finding_in_turkish_uses_decimal_commas() -> None:
    row = _row(outcome="english", estimate=-0.57, ci_low=-1.87, ci_high=0.73, p_value=0.378, effect_size=-0.04)
    sentence = finding_sentence(row, 0.05, "tr", "points", "students")
    assert sentence.startswith(
        "İngilizce alanında ortak okul öğrencilerinin yıl sonu puanı, karşılaştırma okullarındaki "
        "benzerlerinden ortalama 0,57 puan daha düşük bulundu (%95 güven aralığı: -1,87 ile 0,73 arası; "
        "etki büyüklüğü g = -0,04)."
    )
    assert sentence.endswith(
        "Bu fark istatistiksel olarak anlamlı değildir (p = 0,378); şans eseri ortaya çıkmış olabilir, veriler "
        "sıfır etkiyle de bağdaşmaktadır."
    )


def test_suppressed_row_gives_no_numbers() -> None:
    row = _row(suppressed=True, estimate=math.nan, n_treatment=math.nan)
    assert finding_sentence(row, 0.05, "en", "points", "students") == (
        "In mathematics, too few students were compared to report a result."
    )


def test_change_sentence_names_the_group_and_who_took_part() -> None:
    row = _row(
        analysis="prepost",
        group="control",
        method="paired_t",
        outcome="teacher_collaboration",
        estimate=0.05,
        ci_low=-0.03,
        ci_high=0.14,
        n_treatment=133,
    )
    assert change_sentence(row, "tr", "scale_points", "teachers").startswith(
        "Karşılaştırma okullarında öğretmenlerin mesleki iş birliği puanı ilk uygulamadan ikinci uygulamaya "
        "ortalama +0,05 ölçek puanı değişti (%95 güven aralığı: -0,03 ile 0,14 arası; her iki uygulamaya katılan "
        "133 öğretmen)."
    )
    assert "133 teachers took part in both waves" in change_sentence(row, "en", "scale_points", "teachers")
    one = _row(
        analysis="prepost",
        group="control",
        method="paired_t",
        outcome="teacher_collaboration",
        estimate=0.05,
        ci_low=-0.03,
        ci_high=0.14,
        n_treatment=1,
    )
    assert change_sentence(one, "en", "scale_points", "teachers").endswith("; 1 teacher took part in both waves).")


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [("ingilizce", "tr", "İngilizce"), ("ingilizce", "en", "Ingilizce"), ("", "tr", "")],
)
def test_capitalise_is_turkish_aware(text: str, language: str, expected: str) -> None:
    assert capitalise(text, language) == expected


def test_sections_are_a_heading_and_an_introduction() -> None:
    assert section("findings", "tr").startswith("## Bulgular\n\n")
    assert section("no_activities", "en") == "## Partnership activities\n\nNo activity calendar was sent."


def test_turkish_tables_have_turkish_headers_and_labels() -> None:
    effects = effects_frame(
        [
            _row().to_dict(),
            _row(subgroup="grade=9", p_value=0.2).to_dict(),
            _row(subgroup="grade=10", suppressed=True, estimate=math.nan).to_dict(),
        ]
    )
    table = sections.partner_vs_control_table(effects, "tr", "ancova_cr1")
    assert list(table.columns[:3]) == ["sonuç ölçüsü", "n (ortak)", "n (karşılaştırma)"]
    assert table.iloc[0]["sonuç ölçüsü"] == "matematik" and table.iloc[0]["p"] == "<0,001"
    assert len(table) == 1 and "yöntem" not in table.columns  # the body's table: one method, named in words
    subgroups = sections.subgroup_table(effects, "tr", "ancova_cr1")
    assert list(subgroups["alt grup"]) == ["sınıf: 9", "sınıf: 10"]
    assert list(subgroups["gizlendi"]) == ["", "gizlendi"]


def test_quality_overview_counts_warnings_per_table_and_check() -> None:
    from evaluation.validation.quality import WARNING_COLUMNS

    rows = [("exam_results", "outlier"), ("exam_results", "outlier"), ("surveys/student_climate", "straight_lining")]
    warnings = pd.DataFrame([dict.fromkeys(WARNING_COLUMNS, "") | {"table": t, "check": c} for t, c in rows])
    sentence, counts = sections.quality_overview(warnings, "en")
    assert sentence.startswith("The data-quality checks raised 3 points for the schools to check")
    assert counts.values.tolist() == [
        ["exam results", "unusual score", 2],
        ["survey: School Climate and Belonging Survey (Students)", "same answer to every item", 1],
    ]
    sentence, counts = sections.quality_overview(warnings, "tr")
    assert "3 nokta" in sentence
    assert list(counts.columns) == ["tablo", "kontrol", "kontrol edilecek nokta"]
    assert counts.iloc[0, 1] == "olağan dışı puan"
    assert list(counts["tablo"]) == ["sınav sonuçları", "anket: Okul İklimi ve Aidiyet Anketi (Öğrenci)"]


def test_quality_overview_without_warnings() -> None:
    sentence, counts = sections.quality_overview(pd.DataFrame(columns=["table", "check"]), "en")
    assert sentence == "The data-quality checks found nothing for the schools to check." and counts.empty


def test_a_table_shows_the_same_rounding_as_its_sentence() -> None:
    # 6.8954 is 6.90 in a sentence; rounding to 6.895 first used to make the table say 6.89
    row = _row(analysis="prepost", group="partner", method="paired_cr2", estimate=7.2133, ci_low=6.8954, ci_high=7.5312)
    assert "95% interval 6.90 to 7.53" in change_sentence(row, "en", "points", "students")
    html = sections.styled(sections.prepost_table(effects_frame([row.to_dict()]), "en"), "en").to_html()
    assert ">6.90<" in html and ">6.89<" not in html
