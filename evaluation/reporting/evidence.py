"""The report's evidence pieces, in English and Turkish: a summary per finding in plain words
(`results/evidence.csv` with the attrition counts and the effect's interval), a compact evidence
table, the balance of partner and control schools (`results/balance.csv`, `balance_test.csv`)
and next year's design (`results/design.csv`). Aggregates only."""

from __future__ import annotations

import math

import pandas as pd

from evaluation.analysis.evidence import attrition_levels
from evaluation.analysis.frames import outcome_wording
from evaluation.config.plan import Plan
from evaluation.errors import EvidenceInputError
from evaluation.evidence.rating import DOES_NOT_MEET, MEETS, WITH_RESERVATIONS
from evaluation.reporting.text import capitalise, label, number, p_cell, p_text, percent
from evaluation.reporting.wording import column

#: The words of `summary_sentence` (the ``summary`` column of results/evidence.csv).
_WORDS = {
    "en": {"higher": "higher", "lower": "lower", "none": "no measurable difference",
           "sig": "statistically significant", "nsig": "not statistically significant",
           "imp": "large enough to matter (|g| >= 0.25)", "nimp": "smaller than the 0.25 SD that counts as important",
           "low": "few {who} or schools were lost", "high": "too many {who} or schools were lost",
           "na": "attrition unknown",
           MEETS: "meets the standard without reservations", WITH_RESERVATIONS: "meets the standard with reservations",
           DOES_NOT_MEET: "does not meet the standard",
           "suppressed": "the group is too small to report an effect"},
    "tr": {"higher": "daha yüksek puan aldı", "lower": "daha düşük puan aldı", "none": "ölçülebilir bir fark yok",
           "sig": "istatistiksel olarak anlamlı", "nsig": "istatistiksel olarak anlamlı değil",
           "imp": "önemli sayılacak büyüklükte (|g| >= 0,25)", "nimp": "önemli sayılan 0,25 SS'den küçük",
           "low": "az sayıda {who} veya okul örneklemden ayrıldı",
           "high": "çok sayıda {who} veya okul örneklemden ayrıldı",
           "na": "kayıp oranı bilinmiyor",
           MEETS: "standardı çekincesiz karşılıyor", WITH_RESERVATIONS: "standardı çekinceyle karşılıyor",
           DOES_NOT_MEET: "standardı karşılamıyor",
           "suppressed": "grup etki bildirmek için çok küçük"},
}


#: Who the outcome measures: (English plural, Turkish possessed plural, Turkish counted noun).
_WHO = {"students": ("students", "öğrencileri", "öğrenci"), "teachers": ("teachers", "öğretmenleri", "öğretmen")}


def summary_sentence(outcome: str, subgroup: str, g: float, significant: bool | None, important: bool | None,
                     index: float, attrition_verdict: str | None, rating: str, language: str = "en",
                     respondents: str = "students") -> str:
    """One sentence for a principal: effect, significance, importance, attrition and rating;
    `respondents` is ``students`` or ``teachers`` (who the outcome measures)."""
    if language not in _WORDS:
        raise EvidenceInputError(f"language must be 'en' or 'tr', got {language!r}")
    if respondents not in _WHO:
        raise EvidenceInputError(f"respondents must be 'students' or 'teachers', got {respondents!r}")
    w = _WORDS[language]
    plural, possessed, counted = _WHO[respondents]
    who = outcome if subgroup == "all" else f"{outcome} ({subgroup})"
    loss = (w[attrition_verdict] if attrition_verdict in ("low", "high") else w["na"]).format(
        who=counted if language == "tr" else plural)
    if g is None or math.isnan(g):
        return f"{who}: {w['suppressed']}; {loss}; {w[rating]}."
    direction = w["higher"] if g > 0 else w["lower"] if g < 0 else w["none"]
    sig = w["sig"] if significant else w["nsig"]
    imp = w["imp"] if important else w["nimp"]
    if language == "tr":
        effect = (f"ortak okulların {possessed} {number(abs(g), 2, language)} SS {direction} "
                  f"({number(abs(index), 0, language)} yüzdelik sıra)")
    else:
        effect = f"partner schools' {plural} scored {number(abs(g), 2, language)} SD {direction} " \
                 f"({number(abs(index), 0, language)} percentile points)"
    return f"{who}: {effect}, {sig}, {imp}; {loss}; {w[rating]}."


def with_summaries(evidence: pd.DataFrame, plan: Plan, instruments: dict) -> pd.DataFrame:
    """`results/evidence.csv` with its ``summary`` column written: `summary_sentence` of each row in
    the plan's language, naming the outcome as the report does and who answered it."""
    who = outcome_wording(plan, instruments)
    evidence = evidence.copy()
    evidence["summary"] = [
        summary_sentence(label(row.outcome, plan.language), row.subgroup, row.effect_size, row.significant,
                         row.substantively_important, row.improvement_index, row.attrition_verdict, row.rating,
                         plan.language, respondents=who[row.outcome][1])
        for row in evidence.itertuples(index=False)]
    return evidence


PHRASES = {
    "en": {
        "design": "Design: partner schools chose to take part, so the groups were not formed by lot.",
        "attrition": ("Attrition: {overall} of the {who} at the start were not analysed ({partner} in partner "
                      "schools, {control} in control schools), and {schools_lost} of {schools} schools; by the "
                      "WWC's {boundary} standard this is {verdict}."),
        "attrition_unknown": "Attrition: not known (a group is too small to report).",
        "cautious": "cautious", "optimistic": "optimistic", "low": "low", "high": "high",
        "satisfied": ("Starting point: partner and control {who} started level (pre-test difference "
                      "g = {g}; the WWC accepts up to 0.05)."),
        "adjustment_required": ("Starting point: partner schools' {who} started {size} SD {ahead} on the pre-test "
                                "(g = {g}); the WWC accepts this when the analysis adjusts for the pre-test, as "
                                "this one does."),
        "not_satisfied": ("Starting point: partner schools' {who} started {size} SD {ahead} on the pre-test "
                          "(g = {g}), more than the 0.25 SD the WWC accepts even with adjustment."),
        "baseline_unknown": "Starting point: the pre-test difference is not known.",
        "ahead": "ahead", "behind": "behind",
        "effect": ("Effect: partner schools' {who} ended the year {size} SD {direction} than comparable {who} "
                   "of control schools (95% interval {low} to {high}); {significance}, and {importance}. An "
                   "average {one} of a control school would have moved {move} {index} percentile points."),
        "effect_unknown": "Effect: too few {who} to report an effect.",
        "higher": "higher", "lower": "lower", "up": "up", "down": "down",
        "significant": "statistically significant once the several outcomes tested are allowed for (adjusted {p})",
        "not_significant": "not statistically significant (adjusted {p}): it could be chance",
        "important": "large enough to count as important (at least 0.25 SD)",
        "not_important": "smaller than the 0.25 SD that counts as important",
        "meets_without_reservations": "Overall: meets the WWC standards without reservations.",
        "meets_with_reservations": ("Overall: meets the WWC standards with reservations (the most a comparison "
                                    "of groups not formed by lot can reach)."),
        "does_not_meet": "Overall: does not meet the WWC standards.",
        "interval": "{g} ({low} to {high})",
        "yes": "yes", "no": "no", "verdict_low": "low", "verdict_high": "high",
        "verdict_satisfied": "satisfied", "verdict_adjustment_required": "with adjustment",
        "verdict_not_satisfied": "not satisfied",
        "rating_meets_without_reservations": "meets without reservations",
        "rating_meets_with_reservations": "meets with reservations", "rating_does_not_meet": "does not meet",
        "joint": ("Taken together, the characteristics {verdict} which schools are partner schools (joint "
                  "F-test of orthogonality: F({q}, {df}) = {f}, {p}; {n} students in {schools} schools with every "
                  "characteristic)."),
        "joint_no": "do not predict", "joint_yes": "do predict",
        "joint_unknown": "The joint test could not be computed: {note}.",
        "plan_design": ("**{outcome}** (ICC {icc}; the pre-test explains {r2_school} of the differences between "
                   "schools and {r2_student} of those within schools; {n} students per school, {share} of the "
                   "schools partners): {clauses}."),
        "design_first": "with {schools} schools, an effect of {mdes} SD could be detected with {power} power",
        "design_next": "with {schools} schools, {mdes} SD",
        "female": "girls (share)", "school_size": "school size (students)", "special_needs": "special needs (share)",
        "migrant_refugee": "migrant or refugee background (share)", "pre": "pre-test: {subject}",
        "school_type": "school type", "resource_level": "resource level",
        "school": "schools", "student": "students",
    },
    "tr": {
        "design": "Tasarım: ortak okullar programa kendi isteğiyle katıldı; gruplar kura ile oluşturulmadı.",
        "attrition": ("Örneklem kaybı: başlangıçtaki {who_from} analize girmeyenlerin oranı {overall} (ortak "
                      "okullarda {partner}, karşılaştırma okullarında {control}); analize girmeyen okul sayısı "
                      "{schools} okuldan {schools_lost}. WWC'nin {boundary} sınırına göre bu kayıp {verdict}."),
        "attrition_unknown": "Örneklem kaybı: bilinmiyor (bir grup bildirilemeyecek kadar küçük).",
        "cautious": "temkinli", "optimistic": "iyimser", "low": "düşüktür", "high": "yüksektir",
        "satisfied": ("Başlangıç düzeyi: ortak ve karşılaştırma okullarının {who} yıla aynı düzeyde başladı "
                      "(ön test farkı g = {g}; WWC 0,05'e kadar kabul eder)."),
        "adjustment_required": ("Başlangıç düzeyi: ortak okulların {who} yıla ön testte {size} SS {ahead} "
                                "başladı (g = {g}); WWC bu farkı, analiz ön teste göre düzeltme yapıyorsa kabul "
                                "eder ve bu analiz düzeltme yapıyor."),
        "not_satisfied": ("Başlangıç düzeyi: ortak okulların {who} yıla ön testte {size} SS {ahead} başladı "
                          "(g = {g}); bu fark, WWC'nin düzeltmeyle bile kabul ettiği 0,25 SS'yi aşıyor."),
        "baseline_unknown": "Başlangıç düzeyi: ön test farkı bilinmiyor.",
        "ahead": "önde", "behind": "geride",
        "effect": ("Etki: ortak okulların {who} yılı, karşılaştırma okullarındaki benzer {who_from} {size} SS "
                   "{direction} bitirdi (%95 aralık {low} ile {high}); bu fark {significance} ve {importance}. "
                   "Karşılaştırma okullarındaki ortalama bir {one}, programa katılsaydı yüzdelik sıralamada "
                   "{index} puan {move}."),
        "effect_unknown": "Etki: etki bildirmek için {who_count} sayısı çok az.",
        "higher": "daha yüksek", "lower": "daha düşük", "up": "yükselirdi", "down": "düşerdi",
        "significant": ("birden çok sonuç ölçüsü test edildiği hesaba katıldığında da istatistiksel olarak "
                        "anlamlı (düzeltilmiş {p})"),
        "not_significant": "istatistiksel olarak anlamlı değil (düzeltilmiş {p}), yani tesadüf olabilir",
        "important": "önemli sayılacak büyüklükte (en az 0,25 SS)",
        "not_important": "önemli sayılan 0,25 SS'den küçük",
        "meets_without_reservations": "Genel değerlendirme: WWC standartlarını çekincesiz karşılıyor.",
        "meets_with_reservations": ("Genel değerlendirme: WWC standartlarını çekinceyle karşılıyor (kura ile "
                                    "oluşturulmamış grupların karşılaştırmasının ulaşabileceği en yüksek düzey)."),
        "does_not_meet": "Genel değerlendirme: WWC standartlarını karşılamıyor.",
        "interval": "{g} ({low} ile {high})",
        "yes": "evet", "no": "hayır", "verdict_low": "düşük", "verdict_high": "yüksek",
        "verdict_satisfied": "sağlanıyor", "verdict_adjustment_required": "düzeltmeyle",
        "verdict_not_satisfied": "sağlanmıyor",
        "rating_meets_without_reservations": "çekincesiz karşılıyor",
        "rating_meets_with_reservations": "çekinceyle karşılıyor", "rating_does_not_meet": "karşılamıyor",
        "joint": ("Tüm özellikler birlikte ele alındığında, hangi okulların ortak okul olduğunu {verdict} "
                  "(ortak diklik F testi: F({q}, {df}) = {f}, {p}; her özelliği bilinen {schools} okuldaki {n} "
                  "öğrenci)."),
        "joint_no": "öngörmüyor", "joint_yes": "öngörüyor",
        "joint_unknown": "Ortak test hesaplanamadı: {note}.",
        "plan_design": ("**{outcome}** (okul içi korelasyon ICC = {icc}; ön testin açıkladığı fark: okullar arasında "
                   "{r2_school}, okul içinde {r2_student}; okul başına {n} öğrenci, ortak okul oranı {share}): "
                   "{clauses}."),
        "design_first": "{schools} okulla {mdes} SS'lik bir etki {power} güçle saptanabilir",
        "design_next": "{schools} okulla {mdes} SS",
        "female": "kız öğrenci oranı", "school_size": "okul büyüklüğü (öğrenci)", "special_needs": "özel gereksinim oranı",
        "migrant_refugee": "göçmen veya mülteci oranı", "pre": "ön test: {subject}",
        "school_type": "okul türü", "resource_level": "kaynak düzeyi",
        "school": "okullar", "student": "öğrenciler",
    },
}

#: Who answered, per `evaluation.reporting.sections.outcome_wording`: the plural (in Turkish the
#: possessed form, "ortak okulların öğrencileri"), the "from" form, the noun to count, one of them.
WHO = {
    "en": {"students": ("students", "students", "students", "student"),
           "teachers": ("teachers", "teachers", "teachers", "teacher")},
    "tr": {"students": ("öğrencileri", "öğrencilerden", "öğrenci", "öğrenci"),
           "teachers": ("öğretmenleri", "öğretmenlerden", "öğretmen", "öğretmen")},
}


def _attrition_sentence(levels, who: str, boundary: str, language: str) -> str:
    words = PHRASES[language]
    if not levels:
        return words["attrition_unknown"]
    people, schools = levels
    verdict = "high" if any(level.verdict == "high" for level in levels) else "low"
    plural, source, *_ = WHO[language][who]
    return words["attrition"].format(
        overall=percent(people.overall, language), partner=percent(people.treatment, language),
        control=percent(people.control, language), who=plural, who_from=source,
        schools_lost=(schools.n_assigned_treatment + schools.n_assigned_control
                      - schools.n_analysed_treatment - schools.n_analysed_control),
        schools=schools.n_assigned_treatment + schools.n_assigned_control,
        boundary=words[boundary], verdict=words[verdict])


def _baseline_sentence(row: pd.Series, who: str, language: str) -> str:
    words = PHRASES[language]
    verdict, g = row["baseline_verdict"], row["baseline_g"]
    if not isinstance(verdict, str) or not verdict:
        return words["baseline_unknown"]
    return words[verdict].format(who=WHO[language][who][0], g=number(g, 2, language),
                                 size=number(abs(g), 2, language), ahead=words["ahead" if g >= 0 else "behind"])


def _effect_sentence(row: pd.Series, finding: pd.Series, who: str, language: str) -> str:
    words = PHRASES[language]
    plural, source, count, _ = WHO[language][who]
    g = row["effect_size"]
    if g is None or math.isnan(g):
        return words["effect_unknown"].format(who=plural, who_count=count)
    return words["effect"].format(
        who=plural, who_from=source, one=WHO[language][who][3], size=number(abs(g), 2, language), direction=words["higher" if g >= 0 else "lower"],
        low=number(finding["effect_size_ci_low"], 2, language), high=number(finding["effect_size_ci_high"], 2, language),
        significance=words["significant" if row["significant"] is True else "not_significant"].format(
            p=p_text(row["p_adjusted"], language)),
        importance=words["important" if row["substantively_important"] is True else "not_important"],
        index=number(abs(row["improvement_index"]), 0, language),
        move=words["up" if row["improvement_index"] >= 0 else "down"])


def _flag(value) -> bool | None:
    """True/False from evidence.csv (read back as bool or text), None when blank."""
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.lower())
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else bool(value)


def read_evidence(path) -> pd.DataFrame:
    """`results/evidence.csv` with its flags as True, False or None."""
    evidence = pd.read_csv(path, dtype={"significant": object, "substantively_important": object})
    for name in ("significant", "substantively_important"):
        evidence[name] = [_flag(v) for v in evidence[name]]
    return evidence


def _headline(effects: pd.DataFrame, outcome: str, method: str) -> pd.Series:
    rows = effects[(effects["analysis"] == "partner_vs_control") & (effects["method"] == method)
                   & (effects["subgroup"] == "all") & (effects["outcome"] == outcome)]
    return rows.iloc[0]


def evidence_summaries(evidence: pd.DataFrame, effects: pd.DataFrame, counts: pd.DataFrame, plan: Plan,
                       method: str, wording: dict[str, tuple[str, str]]) -> str:
    """One paragraph per finding, for a principal: design, attrition, starting point, effect with
    its interval, significance, importance and the overall rating. `wording` is
    `evaluation.reporting.sections.outcome_wording` (who answered each outcome)."""
    language, words = plan.language, PHRASES[plan.language]
    paragraphs = []
    for _, row in evidence.iterrows():
        who = wording.get(row["outcome"], ("points", "students"))[1]
        levels = attrition_levels(counts, row["outcome"], plan.attrition_boundary)
        parts = [f"**{capitalise(label(row['outcome'], language), language)}.**", words["design"],
                 _attrition_sentence(levels, who, plan.attrition_boundary, language),
                 _baseline_sentence(row, who, language),
                 _effect_sentence(row, _headline(effects, row["outcome"], method), who, language),
                 words[row["rating"]]]
        paragraphs.append(" ".join(parts))
    return "\n\n".join(paragraphs)


def evidence_overview(evidence: pd.DataFrame, effects: pd.DataFrame, language: str, method: str) -> pd.DataFrame:
    """The compact evidence table: one row per finding."""
    words = PHRASES[language]

    def flag(value) -> str:
        return "" if value is None else words["yes" if value else "no"]

    rows = []
    for _, row in evidence.iterrows():
        finding = _headline(effects, row["outcome"], method)
        g = row["effect_size"]
        interval = "" if math.isnan(g) else words["interval"].format(
            g=number(g, 2, language), low=number(finding["effect_size_ci_low"], 2, language),
            high=number(finding["effect_size_ci_high"], 2, language))
        rows.append({
            "outcome": capitalise(label(row["outcome"], language), language),
            "attrition_rates": "" if math.isnan(row["attrition_overall"]) else
            f"{percent(row['attrition_overall'], language)} / {percent(row['attrition_differential'], language)}",
            "attrition_verdict": words.get(f"verdict_{row['attrition_verdict']}", ""),
            "baseline_g": row["baseline_g"],
            "baseline_verdict": words.get(f"verdict_{row['baseline_verdict']}", ""),
            "g_interval": interval, "p_adjusted": row["p_adjusted"], "significant": flag(row["significant"]),
            "important": flag(row["substantively_important"]), "improvement_index": row["improvement_index"],
            "rating": words[f"rating_{row['rating']}"]})
    table = pd.DataFrame(rows)
    table["p_adjusted"] = [p_cell(p, language) for p in table["p_adjusted"]]
    return table.rename(columns={name: column(name, language) for name in table.columns})


def _characteristic(name: str, language: str) -> str:
    words = PHRASES[language]
    if name.startswith("pre_"):
        return words["pre"].format(subject=label(name.removeprefix("pre_"), language))
    if "=" in name:
        key, _, level = name.partition("=")
        return f"{words.get(key, key)}: {label(level, language)}"
    return words.get(name, label(name, language))


def balance_overview(balance: pd.DataFrame, language: str) -> pd.DataFrame:
    """Per baseline characteristic: what it is compared over, the means of partner and control,
    the normalised difference and the p-value of the difference."""
    shown = pd.DataFrame({
        "characteristic": [_characteristic(c, language) for c in balance["characteristic"]],
        "compared_over": [PHRASES[language][level] for level in balance["level"]],
        "mean_partner": balance["mean_partner"], "mean_control": balance["mean_control"],
        "normalised_difference": balance["normalised_difference"],
        "p_value": [p_cell(p, language) for p in balance["p_value"]]})
    return shown.rename(columns={name: column(name, language) for name in shown.columns})


def joint_sentence(test: pd.DataFrame, alpha: float, language: str) -> str:
    """The joint F-test of orthogonality in one sentence (or why it is missing)."""
    words, row = PHRASES[language], test.iloc[0]
    if pd.isna(row["statistic"]):
        return words["joint_unknown"].format(note=row["note"])
    return words["joint"].format(verdict=words["joint_yes" if row["p_value"] < alpha else "joint_no"],
                                 q=int(row["df_numerator"]), df=int(row["df_denominator"]),
                                 f=number(row["statistic"], 2, language), p=p_text(row["p_value"], language),
                                 n=int(row["n"]), schools=int(row["n_clusters"]))


def design_sentences(design: pd.DataFrame, language: str) -> str:
    """Per outcome of `results/design.csv`: the design parameters and, for each number of
    schools, the smallest effect that could be detected ("with 40 schools, an effect of 0.12 SD
    could be detected with 80% power")."""
    words, bullets = PHRASES[language], []
    for outcome, rows in design.groupby("outcome", sort=False):
        first = rows.iloc[0]
        clauses = [words["design_first" if i == 0 else "design_next"].format(
            schools=int(r.schools), mdes=number(r.mdes, 2, language), power=percent(r.power, language))
            for i, r in enumerate(rows.itertuples())]
        bullets.append("- " + words["plan_design"].format(
            outcome=capitalise(label(str(outcome), language), language), icc=number(first["icc"], 2, language),
            r2_school=percent(first["r2_school"], language), r2_student=percent(first["r2_student"], language),
            n=int(first["students_per_school"]), share=percent(first["share_partner"], language),
            clauses="; ".join(clauses)))
    return "\n".join(bullets)


def design_overview(design: pd.DataFrame, language: str) -> pd.DataFrame:
    """One row per outcome: ICC, R-squared at both levels, students per school and the MDES for
    each number of schools."""
    rows = []
    for outcome, part in design.groupby("outcome", sort=False):
        first = part.iloc[0]
        row = {column("outcome", language): capitalise(label(str(outcome), language), language),
               column("icc", language): first["icc"], column("r2_school", language): first["r2_school"],
               column("r2_student", language): first["r2_student"],
               column("students_per_school", language): int(first["students_per_school"])}
        row |= {column("mdes_with", language, schools=str(int(r.schools))): r.mdes for r in part.itertuples()}
        rows.append(row)
    return pd.DataFrame(rows)


def attrition_levels_table(counts: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Per outcome and level: overall and differential attrition, the boundary's highest low
    differential at that overall rate, and the verdict (for the analyst's notebook)."""
    rows = []
    for outcome in plan.outcomes:
        for level in attrition_levels(counts, outcome.id, plan.attrition_boundary) or []:
            rows.append({"outcome": outcome.id, **{k: v for k, v in level.to_row().items() if k != "boundary"}})
    return pd.DataFrame(rows)
