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
        "evidence": ("How strong is the evidence",
                     "Before looking at an effect, reviewers such as the What Works Clearinghouse (WWC) of the US "
                     "Department of Education check how the groups were formed, how many students and schools "
                     "were lost between the two tests (attrition: the share of the starting sample not analysed, "
                     "overall and as the difference between the groups, read against the WWC's {boundary} "
                     "boundary), whether partner and control students started at the same level, and whether "
                     "the effect is both statistically significant and large enough to matter. Each finding below "
                     "is summarised that way, with a rating modelled on the WWC's: meets the standards without "
                     "reservations (only for groups formed by lot with low attrition), with reservations, or "
                     "does not meet them. For groups not formed by lot the rating rests on the starting point; "
                     "attrition is still shown, as it tells whether those analysed still stand for their schools. "
                     "The table gives the same in short: attrition of the students "
                     "(overall / difference between the groups), the pre-test difference g, the effect size g "
                     "with its 95% interval, the p-value adjusted for the several outcomes, and the improvement "
                     "index (how many percentile points an average control-school student would gain)."),
        "balance": ("Were partner and control schools alike at the start?",
                    "Partner and control schools compared on every characteristic the data holds before the "
                    "programme began: the mean of each group (shares for yes/no characteristics), the normalised "
                    "difference (the difference in standard deviations; beyond 0.25 either way is usually taken "
                    "as a sizeable imbalance) and the p-value of the difference, with schools as the independent "
                    "units. School characteristics are compared over schools, students' characteristics over "
                    "students."),
        "design": ("Planning next year's evaluation",
                   "How many schools next year's round needs to see an effect worth having. For each exam, the "
                   "smallest effect (in standard deviations, SD) that a comparison of partner and control schools "
                   "could detect with 80% power at the 5% level, using what this year's data says: how much "
                   "schools differ (the intraclass correlation, ICC) and how much of the differences the "
                   "pre-test explains (R², between and within schools). The WWC counts 0.25 SD as important; "
                   "smaller effects need more schools. `evaluation design` computes other designs."),
        "missing_data": ("When post-test answers are missing",
                         "Where a group lost more than the plan's threshold of its post-test answers, the "
                         "partner-versus-control difference was estimated again after filling in the missing "
                         "answers many times over from what is known about each student (multiple "
                         "imputation, pooled by Rubin's rules). If the two estimates agree, the missing answers "
                         "do not change the finding. Differences on the outcome's own scale, with 95% intervals."),
        "matching": ("How the comparison schools were chosen",
                     "Each partner school was matched to the most similar school of the comparison pool: the "
                     "same school type (and province where possible), then the closest in size and mean "
                     "pre-test score. The table and chart show how far apart the two groups were before and "
                     "after matching, in standard deviations (within 0.1 either way counts as well balanced)."),
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
        "evidence": ("Kanıt ne kadar güçlü?",
                     "ABD Eğitim Bakanlığı'nın What Works Clearinghouse (WWC) birimi gibi değerlendiriciler bir "
                     "etkiye bakmadan önce grupların nasıl oluşturulduğunu, iki test arasında kaç öğrenci ve "
                     "okulun kaybedildiğini (örneklem kaybı: başlangıç örnekleminin analize girmeyen oranı; "
                     "toplamda ve gruplar arasındaki fark olarak, WWC'nin {boundary} sınırına göre), ortak ve "
                     "karşılaştırma okullarının öğrencilerinin yıla aynı düzeyde başlayıp başlamadığını ve "
                     "etkinin hem istatistiksel olarak anlamlı hem de önemli sayılacak büyüklükte olup olmadığını "
                     "denetler. Aşağıda her bulgu bu şekilde özetlenmiş ve WWC'ninkine benzer bir derece "
                     "verilmiştir: standartları çekincesiz karşılıyor (yalnızca kura ile oluşturulmuş ve az kayıp "
                     "veren gruplar için), çekinceyle karşılıyor ya da karşılamıyor. Kura ile oluşturulmamış "
                     "gruplarda derece başlangıç düzeyine dayanır; örneklem kaybı yine de gösterilir, çünkü analize "
                     "girenlerin okullarını hâlâ temsil edip etmediğini anlatır. Tablo aynı bilgiyi kısaca "
                     "verir: öğrencilerin örneklem kaybı (toplam / gruplar arası fark), ön test farkı g, %95 "
                     "aralığıyla etki büyüklüğü g, birden çok sonuç ölçüsü için düzeltilmiş p değeri ve gelişme "
                     "göstergesi (karşılaştırma okullarındaki ortalama bir öğrencinin kaç yüzdelik puan "
                     "kazanacağı)."),
        "balance": ("Ortak ve karşılaştırma okulları başlangıçta benzer miydi?",
                    "Ortak ve karşılaştırma okulları, program başlamadan önceki verilerde bulunan her özellik "
                    "bakımından karşılaştırıldı: her grubun ortalaması (evet/hayır özelliklerinde oran), "
                    "standartlaştırılmış fark (standart sapma cinsinden fark; iki yönde de 0,25'i aşması genellikle "
                    "belirgin bir dengesizlik sayılır) ve farkın p değeri; bağımsız birimler okullardır. Okul "
                    "özellikleri okullar, öğrenci özellikleri öğrenciler üzerinden karşılaştırıldı."),
        "design": ("Gelecek yılın değerlendirmesinin planlanması",
                   "Gelecek yılki uygulamanın, önemli bir etkiyi görebilmek için kaç okula ihtiyaç duyduğu. Her "
                   "sınav için, ortak ve karşılaştırma okullarının karşılaştırmasının %5 düzeyinde ve %80 güçle "
                   "saptayabileceği en küçük etki (standart sapma, SS cinsinden); bu yılın verilerine göre okulların "
                   "birbirinden ne kadar farklı olduğu (okul içi korelasyon, ICC) ve ön testin farkların ne "
                   "kadarını açıkladığı (R², okullar arasında ve okul içinde) kullanıldı. WWC 0,25 SS'yi önemli "
                   "sayar; daha küçük etkiler için daha çok okul gerekir. Başka tasarımları `evaluation design` "
                   "komutu hesaplar."),
        "missing_data": ("Son test yanıtları eksik olduğunda",
                         "Bir grubun son test yanıtlarının plandaki eşikten fazlası eksik olduğunda, ortak ve "
                         "karşılaştırma okulları arasındaki fark, eksik yanıtlar her öğrenci hakkında bilinenlerden "
                         "yola çıkılarak birçok kez tamamlandıktan sonra yeniden hesaplandı (çoklu atama, Rubin "
                         "kurallarıyla birleştirildi). İki tahmin uyuşuyorsa eksik yanıtlar bulguyu değiştirmiyor "
                         "demektir. Farklar sonuç ölçüsünün kendi ölçeğinde, %95 aralıklarıyla verilmiştir."),
        "matching": ("Karşılaştırma okulları nasıl seçildi",
                     "Her ortak okul, karşılaştırma havuzundaki en benzer okulla eşleştirildi: aynı okul türü "
                     "(mümkünse aynı il), ardından büyüklük ve ön test ortalaması en yakın olan. Tablo ve grafik, "
                     "iki grubun eşleştirmeden önce ve sonra standart sapma cinsinden ne kadar farklı olduğunu "
                     "gösterir (iki yönde de 0,1 içinde kalmak iyi denge sayılır)."),
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

#: Names of the data-quality checks (`evaluation.validation.quality`) in the report.
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
        "n_linked": "n in both waves", "n_prepost": "n (paired_t: in both waves; welch_t: after)",
        "adjusted": "adjusted difference", "change": "mean change",
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
        "missing_partner": "missing, partner", "missing_control": "missing, control",
        "complete_case": "complete cases (95% CI)", "imputed": "multiple imputation (95% CI)",
        "covariate": "characteristic", "std_diff_before": "before matching", "std_diff_after": "after matching",
        "scale": "scale", "wave": "wave", "role": "answered by", "n_items": "items", "n": "n",
        "mean": "mean", "sd": "SD", "alpha": "alpha", "alpha_ci_low": "alpha CI low",
        "alpha_ci_high": "alpha CI high",
        "level": "counted", "n_baseline": "at start", "n_pre": "pre wave", "n_post": "post wave",
        "both_waves": "both waves", "n_missing_post": "missing at post", "attrition": "attrition",
        "schools_analysed": "schools analysed",
        "attrition_rates": "attrition (overall / difference)", "attrition_verdict": "attrition",
        "baseline_g": "pre-test g", "baseline_verdict": "starting point", "g_interval": "g (95% interval)",
        "p_adjusted": "adjusted p", "significant": "significant", "important": "important",
        "improvement_index": "improvement index", "rating": "WWC-style rating",
        "characteristic": "characteristic", "compared_over": "compared over", "mean_partner": "mean partner",
        "mean_control": "mean control", "normalised_difference": "normalised difference",
        "icc": "ICC", "r2_school": "R² between schools", "r2_student": "R² within schools",
        "students_per_school": "students per school", "mdes_with": "MDES, {schools} schools",
    },
    "tr": {
        "outcome": "sonuç ölçüsü", "method": "yöntem", "group": "grup", "subgroup": "alt grup",
        "n_treatment": "n ortak", "n_control": "n karşılaştırma",
        "n_clusters_treatment": "okul ortak", "n_clusters_control": "okul karşılaştırma",
        "n_linked": "iki uygulamada da n", "n_prepost": "n (paired_t: iki uygulamada da; welch_t: sonra)",
        "adjusted": "düzeltilmiş fark", "change": "ortalama değişim",
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
        "missing_partner": "eksik, ortak", "missing_control": "eksik, karşılaştırma",
        "complete_case": "tam veriler (%95 GA)", "imputed": "çoklu atama (%95 GA)",
        "covariate": "özellik", "std_diff_before": "eşleştirme öncesi", "std_diff_after": "eşleştirme sonrası",
        "scale": "ölçek", "wave": "uygulama", "role": "yanıtlayan", "n_items": "madde", "n": "n",
        "mean": "ortalama", "sd": "SS", "alpha": "alfa", "alpha_ci_low": "alfa GA alt",
        "alpha_ci_high": "alfa GA üst",
        "level": "birim", "n_baseline": "başlangıçta", "n_pre": "ön test", "n_post": "son test",
        "both_waves": "iki uygulamada da", "n_missing_post": "son testte eksik", "attrition": "örneklem kaybı",
        "schools_analysed": "analize giren okul",
        "attrition_rates": "örneklem kaybı (toplam / fark)", "attrition_verdict": "örneklem kaybı",
        "baseline_g": "ön test g", "baseline_verdict": "başlangıç denkliği", "g_interval": "g (%95 aralık)",
        "p_adjusted": "düzeltilmiş p", "significant": "anlamlı", "important": "önemli",
        "improvement_index": "gelişme göstergesi", "rating": "WWC tarzı derece",
        "characteristic": "özellik", "compared_over": "karşılaştırma birimi", "mean_partner": "ortalama ortak",
        "mean_control": "ortalama karşılaştırma", "normalised_difference": "standartlaştırılmış fark",
        "icc": "ICC", "r2_school": "R² okullar arası", "r2_student": "R² okul içi",
        "students_per_school": "okul başına öğrenci", "mdes_with": "MDES, {schools} okul",
    },
}


def section(key: str, language: str, **values: object) -> str:
    """A section's heading and introduction as Markdown (`values` fill the introduction's blanks)."""
    heading, intro = SECTIONS[language][key]
    return f"## {heading}\n\n{intro.format(**values) if values else intro}"


def note(key: str, language: str, **values: object) -> str:
    return NOTES[language][key].format(**values)


def check_name(check: str, language: str) -> str:
    """A data-quality check's name in the report (its code when the report has no name for it)."""
    return CHECKS[language].get(check, check)


def column(key: str, language: str, **values: str) -> str:
    return COLUMNS[language][key].format(**values)
