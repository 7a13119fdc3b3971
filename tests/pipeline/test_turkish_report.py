"""A Turkish report read as its readers read it: the demo programme evaluated with `language: tr`,
its page's text searched for what a Turkish reader should never meet (issue 14): method codes, the
raw codes F/M of sex, ISO dates, a page that says it is English."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

#: The method codes of results/effects.csv; the report names each in words.
METHOD_CODES = ("ancova_cr2", "ancova_cr1", "mixed_reml", "did", "ancova_mi", "paired_t", "welch_t", "paired_cr2")


class _Text(HTMLParser):
    """The text a reader sees: no script, style or tag; image alt texts left out (figures are part 6's)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1
        self.parts.append(" ")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


@pytest.mark.slow
def test_a_turkish_report_names_methods_codes_and_dates_in_turkish(turkish_demo_run):
    _, out = turkish_demo_run
    page = (out / "shared" / "report.html").read_text(encoding="utf-8")
    parser = _Text()
    parser.feed(page)
    body = re.sub(r"\s+", " ", "".join(parser.parts))

    assert re.search(r'<html[^>]*\slang="tr"', page)
    assert [code for code in METHOD_CODES if re.search(rf"(?<![\w/.]){code}(?![\w.])", body)] == []
    assert "F/M" not in body and not re.search(r"cinsiyet:? [FM]\b", body)
    assert "cinsiyet: kız" in body and "kaynak düzeyi: yüksek" in body  # subgroup levels in words
    assert re.search(r"\b\d{4}-\d{2}-\d{2}\b", body) is None  # dates as 01.12.2026, not ISO
    assert re.search(r"\b\d{2}\.\d{2}\.\d{4}\b", body)  # the date the report was made, the activities
    # the terms of Turkish research usage, and the tables' and methods' names in words
    for term in (
        "%95 güven aralığı",
        "etki büyüklüğü",
        "istatistiksel olarak anlamlı",
        "sınıf içi korelasyon katsayısı",
        "kovaryans analizi (ANCOVA",
        "eşleştirilmiş t testi",
        "sınav sonuçları",
        "anket: ",
    ):
        assert term in body, term
    for calque in ("bitirdi", "etkisizlik", "okul içi korelasyon", "diklik", "%95 aralık"):
        assert calque not in body, calque
    assert re.search(r"(?<![\w/])exam_results(?!\.csv)", body) is None  # a table's name; its file keeps its own

    # the validation page: checks and tables by their names, surveys by their instruments' titles
    validation = _Text()
    validation.feed((out / "shared" / "validation" / "validation.html").read_text(encoding="utf-8"))
    shown = re.sub(r"\s+", " ", "".join(validation.parts))
    assert "her maddeye aynı yanıt" in shown and "anket: Okul İklimi ve Aidiyet Anketi (Öğrenci)" in shown
    assert re.search(r"(?<![\w/])(straight_lining|outlier|duplicate_submission)(?![\w.])", shown) is None
