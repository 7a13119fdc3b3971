"""Headings, introductions and table headers of the annual report, in English and Turkish.

The report notebook shows only what these give it, so a plan with `language: tr` gets a report
without an English word in its prose or tables (codes from the data, such as method names and
school ids, stay as they are so they can be looked up).
"""

from __future__ import annotations

SECTIONS = {
    "en": {
        "findings": ("What we found",
                     "Each sentence compares students (or teachers) of partner schools with those of "
                     "control schools who started the year at the same level."),
        "partner_vs_control": ("Partner schools compared with control schools",
                               "Adjusted differences at the end of the year (post-test), taking account of "
                               "where each student started (pre-test). The chart shows the effect sizes with "
                               "their 95% intervals: an interval that crosses zero means the data cannot tell "
                               "the difference from no effect."),
        "prepost": ("Before and after",
                    "The average change from November to April/May of the students and respondents who "
                    "took part in both waves. Growth happens in every school over a school year; the "
                    "comparison above says how much of it the partnership adds."),
        "subgroups": ("Subgroups",
                      "The partner-versus-control comparison within groups of students named in the plan. "
                      "Small groups are suppressed to protect the children's privacy."),
        "activities": ("The partnership's activities",
                       "Activities of each partnership's calendar and how many took place."),
        "no_activities": ("The partnership's activities", "No activity calendar was sent."),
        "data": ("The data",
                 "Who is in the analysis, and how many rows of each file the data contracts accepted."),
        "attrition": ("Who took part in both waves",
                      "Students (or teachers) and schools at the start of the year, in each wave and in both; "
                      "only those with both values enter the partner-versus-control comparison. Attrition is "
                      "the share of the starting sample that is not analysed: the class roster for students, "
                      "the pre-test respondents where there is no roster."),
        "reliability": ("Reliability of the survey scales",
                        "How consistently the items of each survey scale measure the same thing (Cronbach's "
                        "alpha, with its 95% interval), per wave. Values of 0.70 or more are usually taken as "
                        "adequate for comparing groups; each item's correlation with the rest of its scale is "
                        "in results/items.csv."),
    },
    "tr": {
        "findings": ("Bulgular",
                     "Her cümle, ortak okullardaki öğrencileri (veya öğretmenleri) yıla aynı düzeyde "
                     "başlayan karşılaştırma okullarındakilerle karşılaştırır."),
        "partner_vs_control": ("Ortak okullar ile karşılaştırma okulları",
                               "Yıl sonundaki (son test) farklar, her öğrencinin başlangıç düzeyi (ön test) "
                               "hesaba katılarak düzeltilmiştir. Grafik etki büyüklüklerini %95 aralıklarıyla "
                               "gösterir: sıfırı içine alan bir aralık, verilerin farkı etkisizlikten "
                               "ayıramadığı anlamına gelir."),
        "prepost": ("Önce ve sonra",
                    "Her iki uygulamaya da katılan öğrenci ve katılımcıların Kasım'dan Nisan/Mayıs'a "
                    "ortalama değişimi. Her okulda bir öğretim yılı boyunca gelişme olur; yukarıdaki "
                    "karşılaştırma bu gelişmenin ne kadarının ortaklıktan geldiğini gösterir."),
        "subgroups": ("Alt gruplar",
                      "Planda belirtilen öğrenci gruplarında ortak ve karşılaştırma okullarının "
                      "karşılaştırması. Çocukların gizliliğini korumak için küçük gruplar gösterilmez."),
        "activities": ("Ortaklık faaliyetleri",
                       "Her ortaklığın faaliyet takvimindeki faaliyetler ve kaçının gerçekleştiği."),
        "no_activities": ("Ortaklık faaliyetleri", "Faaliyet takvimi gönderilmedi."),
        "data": ("Veriler",
                 "Analize kimlerin girdiği ve veri sözleşmelerinin her dosyadan kaç satırı kabul ettiği."),
        "attrition": ("Her iki uygulamaya da katılanlar",
                      "Yıl başındaki öğrenci (veya öğretmen) ve okul sayıları ile her uygulamaya ve her ikisine "
                      "katılanların sayıları; ortak ve karşılaştırma okullarının karşılaştırmasına yalnızca her "
                      "iki değeri de olanlar girer. Örneklem kaybı, başlangıç örnekleminin analize giremeyen "
                      "oranıdır. Başlangıç örneklemi öğrenciler için sınıf listesidir; liste yoksa ön teste "
                      "yanıt verenlerdir."),
        "reliability": ("Anket ölçeklerinin güvenirliği",
                        "Her anket ölçeğindeki maddelerin aynı özelliği ne kadar tutarlı ölçtüğü, her uygulama "
                        "için ayrı ayrı (Cronbach alfa katsayısı ve %95 güven aralığı). Grupları karşılaştırmak "
                        "için 0,70 ve üzeri bir değer genellikle yeterli kabul edilir; her maddenin ölçeğin geri "
                        "kalanıyla korelasyonu results/items.csv dosyasındadır."),
    },
}

NOTES = {
    "en": {
        "quarantined": ("**Note.** {n} row(s) of the schools' data broke a data contract and were left out "
                        "of this analysis (the plan says `on_quarantine: continue`). Each school's list of "
                        "what to fix is in the run's validation folder."),
        "warnings": ("The data-quality checks raised {n} point(s) for the schools to check (unusual scores, "
                     "identical answers to every item, missing waves ...); these rows stay in the analysis. "
                     "They are listed in each school's fix list."),
        "no_warnings": "The data-quality checks found nothing for the schools to check.",
    },
    "tr": {
        "quarantined": ("**Not.** Okullardan gelen verilerin {n} satırı veri sözleşmesine uymadığı için bu "
                        "analize alınmadı (planda `on_quarantine: continue`). Her okulun düzeltmesi gereken "
                        "satırların listesi çalıştırmanın doğrulama (validation) klasöründedir."),
        "warnings": ("Veri kalitesi kontrolleri okulların gözden geçirmesi için {n} nokta buldu (olağan dışı "
                     "puanlar, her maddeye aynı yanıt, eksik uygulamalar ...); bu satırlar analizde kalır. "
                     "Her okulun düzeltme listesinde yer alırlar."),
        "no_warnings": "Veri kalitesi kontrolleri okulların gözden geçirmesi gereken bir şey bulmadı.",
    },
}

#: Names of the data-quality checks (`evaluation.quality`) in the report.
CHECKS = {
    "en": {
        "missing_school": "school without data", "missing_wave": "a wave missing at a school",
        "missing_grade": "a grade missing", "roster_not_tested": "roster students without results",
        "low_response": "few responses in one wave", "outlier": "unusual score",
        "straight_lining": "same answer to every item", "speeding": "answered implausibly fast",
        "duplicate_submission": "possible double submission",
    },
    "tr": {
        "missing_school": "verisi olmayan okul", "missing_wave": "bir uygulaması eksik okul",
        "missing_grade": "eksik sınıf düzeyi", "roster_not_tested": "sonucu olmayan kayıtlı öğrenciler",
        "low_response": "bir uygulamada az yanıt", "outlier": "olağan dışı puan",
        "straight_lining": "her maddeye aynı yanıt", "speeding": "olağan dışı hızlı yanıt",
        "duplicate_submission": "olası çift gönderim",
    },
}

COLUMNS = {
    "en": {
        "outcome": "outcome", "method": "method", "group": "group", "subgroup": "subgroup",
        "n_treatment": "n partner", "n_control": "n control",
        "n_clusters_treatment": "schools partner", "n_clusters_control": "schools control",
        "n_linked": "n in both waves", "adjusted": "adjusted difference", "change": "mean change",
        "ci_low": "95% CI low", "ci_high": "95% CI high", "p_value": "p",
        "effect_size": "Hedges' g", "effect_size_ci_low": "g CI low", "effect_size_ci_high": "g CI high",
        "suppressed": "suppressed",
        "table": "table", "file": "file", "rows": "rows", "accepted": "accepted",
        "quarantined": "quarantined", "broken": "stopped because",
        "partnership_id": "partnership", "planned_activities": "planned activities", "done": "done",
        "partial": "partly done", "planned": "still planned", "cancelled": "cancelled",
        "share_done": "share done",
        "schools": "schools", "students_with_exams": "students with exam results",
        "respondents": "respondents: {instrument}",
        "check": "check", "warnings": "points to check",
        "scale": "scale", "wave": "wave", "role": "answered by", "n_items": "items", "n": "n",
        "mean": "mean", "sd": "SD", "alpha": "alpha", "alpha_ci_low": "alpha CI low",
        "alpha_ci_high": "alpha CI high",
        "level": "counted", "n_baseline": "at start", "n_pre": "pre wave", "n_post": "post wave",
        "both_waves": "both waves", "n_missing_post": "missing at post", "attrition": "attrition",
        "schools_analysed": "schools analysed",
    },
    "tr": {
        "outcome": "sonuç ölçüsü", "method": "yöntem", "group": "grup", "subgroup": "alt grup",
        "n_treatment": "n ortak", "n_control": "n karşılaştırma",
        "n_clusters_treatment": "okul ortak", "n_clusters_control": "okul karşılaştırma",
        "n_linked": "iki uygulamada da n", "adjusted": "düzeltilmiş fark", "change": "ortalama değişim",
        "ci_low": "%95 GA alt", "ci_high": "%95 GA üst", "p_value": "p",
        "effect_size": "Hedges' g", "effect_size_ci_low": "g GA alt", "effect_size_ci_high": "g GA üst",
        "suppressed": "gizlendi",
        "table": "tablo", "file": "dosya", "rows": "satır", "accepted": "kabul edilen",
        "quarantined": "karantinaya alınan", "broken": "durdurma nedeni",
        "partnership_id": "ortaklık", "planned_activities": "planlanan faaliyet", "done": "yapıldı",
        "partial": "kısmen yapıldı", "planned": "henüz planda", "cancelled": "iptal edildi",
        "share_done": "yapılma oranı",
        "schools": "okullar", "students_with_exams": "sınav sonucu olan öğrenciler",
        "respondents": "yanıtlayanlar: {instrument}",
        "check": "kontrol", "warnings": "gözden geçirilecek nokta",
        "scale": "ölçek", "wave": "uygulama", "role": "yanıtlayan", "n_items": "madde", "n": "n",
        "mean": "ortalama", "sd": "SS", "alpha": "alfa", "alpha_ci_low": "alfa GA alt",
        "alpha_ci_high": "alfa GA üst",
        "level": "birim", "n_baseline": "başlangıçta", "n_pre": "ön test", "n_post": "son test",
        "both_waves": "iki uygulamada da", "n_missing_post": "son testte eksik", "attrition": "örneklem kaybı",
        "schools_analysed": "analize giren okul",
    },
}


def section(key: str, language: str) -> str:
    """A section's heading and introduction as Markdown."""
    heading, intro = SECTIONS[language][key]
    return f"## {heading}\n\n{intro}"


def note(key: str, language: str, **values: object) -> str:
    return NOTES[language][key].format(**values)


def check_name(check: str, language: str) -> str:
    """A data-quality check's name in the report (its code when the report has no name for it)."""
    return CHECKS[language].get(check, check)


def column(key: str, language: str, **values: str) -> str:
    return COLUMNS[language][key].format(**values)
