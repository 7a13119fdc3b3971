"""The Turkish catalogue reads as Turkish education research writes: none of the calques and English
forms found in review (issue 14), its terms those of the glossary at the top of tr.yaml, and no
placeholder that would need a case ending the code cannot know."""

from __future__ import annotations

import re

import pytest

from evaluation.wording import catalogue, label, method_name, table_name, text

#: Calques and English forms found in the Turkish report (issue 14 and its review), each with the
#: reason it is wrong; none may come back.
CALQUES = {
    "bitirdi": "'yılı 4,43 puan daha yüksek bitirdi' (ended the year higher): 'yıl sonu puanı ... daha yüksek bulundu'",
    "%95 aralık": "'%95 aralık' (95% interval): '%95 güven aralığı'",
    "etkisizlik": "'veriler onu etkisizlikten ayıramıyor': 'istatistiksel olarak anlamlı değildir'",
    "önceden sonraya": "'önceden sonraya' (from before to after): 'ön testten son teste', 'iki uygulama arasında'",
    "okul içi korelasyon": "intraclass correlation: 'sınıf içi korelasyon katsayısı'",
    "diklik": "'ortak diklik F testi' (joint F-test of orthogonality): 'birleşik denge testi'",
    "tesadüf olması düşük": "'unlikely to be chance': 'istatistiksel olarak anlamlıdır'",
    "Hedges'": "an English possessive: 'Hedges g'",
    "rastgele sabitli": "random-intercept model: 'karma etkiler modeli (rastgele sabit terim)'",
    "yüzdelik sıra)": "'(12 yüzdelik sıra)' for percentile points: 'yüzdelik sırada 12 puan'",
    "öngörüyor": "predicts (a regression): 'yordamak'",
    "F/M": "raw codes of sex: 'kız', 'erkek'",
    "paired_t": "a method code",
    "welch_t": "a method code",
    "ancova_": "a method code",
    "mixed_reml": "a method code",
    "MDES,": "'MDES, 20 okul': 'saptanabilir etki (20 okul)'",
    "okul özeti": "plan hash: 'özet değeri'",
    "plan özeti": "plan hash: 'özet değeri'",
}

#: English words that have no place in a Turkish sentence (placeholders and `code` left aside).
ENGLISH = re.compile(r"\b(the|and|of|with|is|are|to|from|than|between|schools?|students?)\b", re.IGNORECASE)


def _texts() -> list[tuple[str, str]]:
    return [
        (key, form)
        for key, entry in catalogue("tr").entries.items()
        for form in ([entry] if isinstance(entry, str) else entry.values())
    ]


def test_the_turkish_catalogue_has_none_of_the_calques_found_in_review():
    found = [
        f"{key}: {wrong!r} ({why})"
        for key, form in _texts()
        for wrong, why in CALQUES.items()
        if wrong.lower() in form.lower()
    ]
    assert found == []


def test_the_turkish_catalogue_has_no_english_sentence_words():
    found = []
    for key, form in _texts():
        words = re.sub(r"\{[^}]*\}|`[^`]*`|\S+\.csv", " ", form)
        found += [f"{key}: {word}" for word in ENGLISH.findall(words)]
    assert found == []


def test_no_placeholder_carries_a_case_ending():
    """'{outcome}'de' cannot be right for every value ('matematikte', 'Türkçede'); the sentence is
    built so that no ending follows a placeholder ('{outcome} alanında')."""
    suffixed = [
        f"{key}: {form}" for key, form in _texts() if re.search(r"\}['’]?[a-zçğıöşüA-ZÇĞİÖŞÜ]", form.replace("}}", ""))
    ]
    assert suffixed == []


def test_f_statistics_separate_their_degrees_of_freedom_with_a_semicolon():
    """With the decimal comma, 'F(2, 11,3)' is ambiguous; Turkish writes 'F(2; 11,3)'."""
    wald = text("report.moderation.wald", "tr", q="2", df="11,3", f="4,20", p="p = 0,040")
    assert wald == "F(2; 11,3) = 4,20, p = 0,040"
    for key, form in _texts():
        assert "F({q}, {df})" not in form, key


@pytest.mark.parametrize(
    ("key", "term"),
    [
        ("report.finding.students", "%95 güven aralığı"),
        ("report.finding.students", "etki büyüklüğü"),
        ("report.finding.significant", "istatistiksel olarak anlamlı"),
        ("report.sections.design.intro", "sınıf içi korelasyon katsayısı"),
        ("report.sections.design.intro", "en küçük saptanabilir etki büyüklüğü"),
        ("design.outcome", "sınıf içi korelasyon katsayısı"),
        ("report.methods.headline.ancova_cr2", "kovaryans analizi (ANCOVA"),
        ("report.methods.headline.mixed_reml", "karma etkiler modeli"),
        ("report.methods.headline.did", "farkların farkı"),
        ("evidence.joint.sentence", "birleşik denge testi"),
    ],
)
def test_the_glossary_terms_are_used(key, term):
    entry = catalogue("tr").entries[key]
    assert term in entry
    assert f"  {term.split(' (')[0]}" in (catalogue("tr").path.read_text(encoding="utf-8").split("\nformats:")[0])


def test_codes_of_the_data_are_named_in_turkish():
    assert [label(code, "tr") for code in ("F", "M", "True", "False")] == ["kız", "erkek", "evet", "hayır"]
    assert label("resource_level", "tr") == "kaynak düzeyi"
    assert method_name("ancova_cr2", "tr") == "kovaryans analizi, CR2 standart hataları"
    assert method_name("mixed_reml", "tr") == "karma etkiler modeli (REML)"
    assert method_name("paired_t", "tr") == "eşleştirilmiş t testi"
    assert method_name("an_unknown_method", "tr") == "an_unknown_method"
    assert table_name("exam_results", "tr") == "sınav sonuçları"
    assert table_name("surveys/student_climate", "tr", "Okul İklimi Anketi") == "anket: Okul İklimi Anketi"
    assert table_name("surveys/student_climate", "en") == "survey: student climate"
    assert table_name("an_unknown_table", "tr") == "an_unknown_table"
