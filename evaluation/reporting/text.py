"""The report's words, in English and Turkish, built from rows of the results table."""

from __future__ import annotations

import math

import pandas as pd

from evaluation.wording.formats import capitalise, number, p_cell, p_text, percent

LABELS = {
    "en": {
        "mathematics": "mathematics", "science": "science", "turkish": "Turkish", "english": "English",
        "belonging": "sense of belonging", "peer_collaboration": "peer collaboration",
        "teacher_collaboration": "teachers' professional collaboration",
        "partner": "partner schools", "control": "control schools", "all": "all schools",
        "pre": "before (pre)", "post": "after (post)", "grade": "grade", "sex": "sex",
        "student": "students", "teacher": "teachers", "students": "students", "teachers": "teachers",
        "schools": "schools",
        "low": "low", "medium": "medium", "high": "high",
        "anatolian_high_school": "Anatolian high school", "science_high_school": "science high school",
        "social_sciences_high_school": "social sciences high school",
        "vocational_high_school": "vocational high school",
    },
    "tr": {
        "mathematics": "matematik", "science": "fen bilimleri", "turkish": "Türkçe", "english": "İngilizce",
        "belonging": "okula aidiyet", "peer_collaboration": "akran iş birliği",
        "teacher_collaboration": "öğretmenlerin mesleki iş birliği",
        "partner": "ortak okullar", "control": "karşılaştırma okulları", "all": "tüm okullar",
        "pre": "önce (ön test)", "post": "sonra (son test)", "grade": "sınıf", "sex": "cinsiyet",
        "student": "öğrenciler", "teacher": "öğretmenler", "students": "öğrenciler", "teachers": "öğretmenler",
        "schools": "okullar",
        "low": "düşük", "medium": "orta", "high": "yüksek",
        "anatolian_high_school": "Anadolu lisesi", "science_high_school": "fen lisesi",
        "social_sciences_high_school": "sosyal bilimler lisesi",
        "vocational_high_school": "meslek lisesi",
    },
}

PHRASES = {
    "en": {
        "higher": "higher", "lower": "lower",
        "finding": ("In {outcome}, {who} in partner schools ended the year {size} {direction} "
                    "than comparable {who} in control schools who had started at the same level "
                    "(95% interval {low} to {high}; effect size g = {g}). {verdict}"),
        "adjusted": "adjusted for the several outcomes",
        "significant": "This difference is unlikely to be chance ({p}).",
        "not_significant": "This difference could be chance ({p}): the data cannot tell it from no effect.",
        "suppressed": "In {outcome}, too few students were compared to report a result.",
        "change": ("In {group}, {outcome} changed by {estimate} {unit} on average from before to after "
                   "(95% interval {low} to {high}; {n} {who} took part in both waves)."),
        "points": "points", "scale_points": "scale points",
        "students": "students", "teachers": "teachers",
        "students_dative": "students", "teachers_dative": "teachers",
    },
    "tr": {
        "higher": "daha yüksek", "lower": "daha düşük",
        "finding": ("{outcome} alanında ortak okullardaki {who}, yıla aynı düzeyde başlayan "
                    "karşılaştırma okullarındaki {who_dative} göre yılı {size} {direction} bitirdi "
                    "(%95 aralık {low} ile {high}; etki büyüklüğü g = {g}). {verdict}"),
        "adjusted": "birden çok sonuç ölçüsü için düzeltilmiş",
        "significant": "Bu farkın tesadüf olması düşük bir olasılıktır ({p}).",
        "not_significant": "Bu fark tesadüf olabilir ({p}): veriler onu etkisizlikten ayıramıyor.",
        "suppressed": "{outcome} alanında sonuç bildirmek için karşılaştırılan öğrenci sayısı çok az.",
        "change": ("{group} {outcome} önceden sonraya ortalama {estimate} {unit} değişti "
                   "(%95 aralık {low} ile {high}; her iki uygulamaya katılan {n} kişi)."),
        "points": "puan", "scale_points": "ölçek puanı",
        "students": "öğrenciler", "teachers": "öğretmenler",
        "students_dative": "öğrencilere", "teachers_dative": "öğretmenlere",
        "in_partner": "ortak okullarda", "in_control": "karşılaştırma okullarında", "in_all": "tüm okullarda",
    },
}


def label(key: str, language: str) -> str:
    """Readable name of an outcome, group or wave; unknown keys are shown as written."""
    return LABELS[language].get(key, key.replace("_", " "))


def finding_sentence(row: pd.Series, alpha: float, language: str, unit: str, who: str) -> str:
    """One plain sentence for a partner-versus-control row of the results table; `unit` is
    "points" or "scale_points", `who` "students" or "teachers"."""
    words = PHRASES[language]
    outcome = label(row["outcome"], language)
    if row["suppressed"] or math.isnan(row["estimate"]):
        return capitalise(words["suppressed"].format(outcome=outcome), language)
    # Judged on the p-value adjusted for the outcomes of the domain (Benjamini-Hochberg), as the
    # evidence section judges it; the unadjusted one only where no adjustment was made.
    p_value, adjusted = row.get("p_adjusted"), True
    if p_value is None or pd.isna(p_value):
        p_value, adjusted = row["p_value"], False
    verdict = words["significant" if p_value < alpha else "not_significant"]
    p_words = f"{p_text(p_value, language)}, {words['adjusted']}" if adjusted else p_text(p_value, language)
    return capitalise(words["finding"].format(
        outcome=outcome, who=words[who], who_dative=words[who + "_dative"],
        size=f"{number(abs(row['estimate']), 2, language)} {words[unit]}",
        direction=words["higher" if row["estimate"] >= 0 else "lower"],
        low=number(row["ci_low"], 2, language), high=number(row["ci_high"], 2, language),
        g=number(row["effect_size"], 2, language), verdict=verdict.format(p=p_words),
    ), language)


def change_sentence(row: pd.Series, language: str, unit: str, who: str) -> str:
    """One plain sentence for a pre/post row of the results table."""
    words = PHRASES[language]
    outcome = label(row["outcome"], language)
    if row["suppressed"] or math.isnan(row["estimate"]):
        return capitalise(words["suppressed"].format(outcome=outcome), language)
    group = words.get(f"in_{row['group']}", label(row["group"], language))
    return capitalise(words["change"].format(
        group=group, outcome=outcome, unit=words[unit], who=words[who],
        estimate=("+" if row["estimate"] >= 0 else "") + number(row["estimate"], 2, language),
        low=number(row["ci_low"], 2, language), high=number(row["ci_high"], 2, language),
        n=int(row["n_treatment"]),
    ), language)
