"""The pages per school and partnership without a run: which units get a page, their file names,
the index (Turkish alphabetical order, escaping, failed units) and the parts of a page."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from evaluation.io.turkish import sort_key
from evaluation.reporting import school_pages as pages

HOSTILE = "<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"


class Rendered(HTMLParser):
    """The elements (tag, attributes) and the words of an HTML fragment."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text = ""
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data.replace("¶", " ")  # nbconvert's heading anchors

    @property
    def words(self) -> str:
        return " ".join(self.text.split())


def rendered(markdown: str) -> Rendered:
    """``markdown`` as nbconvert renders a notebook's Markdown output, parsed."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return Rendered(markdown2html_mistune(markdown))


def schools_table(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["school_id", "school_name", "province", "group", "partnership_id"])


def results_for(ids: list[str], outcomes=("mathematics", "english")) -> pd.DataFrame:
    return pd.DataFrame([{"school_id": sid, "outcome": o, "suppressed": False} for sid in ids for o in outcomes])


class Links(HTMLParser):
    """The rows of the index's tables: each cell's text, and the cell's link when it has one."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, str | None]]] = []
        self._cell: list[str] | None = None
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell, self._href = [], None
        elif tag == "a" and self._cell is not None:
            self._href = dict(attrs)["href"]

    def handle_endtag(self, tag):
        if tag == "td":
            self.rows[-1].append(("".join(self._cell), self._href))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def index_rows(path: Path) -> list[list[tuple[str, str | None]]]:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return [row for row in parser.rows if row]  # header rows have no <td>


def test_units_are_the_schools_of_the_results_then_their_partnerships() -> None:
    schools = schools_table(
        [
            ("S1", "Birinci Lisesi", "Malatya", "partner", "P1"),
            ("S2", "İkinci Lisesi", "Kayseri", "partner", "P1"),
            ("S3", "", "", "control", ""),
            ("S9", "Not In Results", "Ankara", "partner", "P2"),
        ]
    )
    schools.loc[2, "country"] = "DE"  # a school abroad: its country stands for the province
    partnerships = pd.DataFrame({"partnership_id": ["P1", "P1", "all"], "outcome": ["m", "e", "m"]})
    found = pages.units(results_for(["S1", "S2", "S3"]), partnerships, schools)
    assert [(u.kind, u.id) for u in found] == [
        ("school", "S1"), ("school", "S2"), ("school", "S3"), ("partnership", "P1"),
    ]  # fmt: skip
    s1, _, s3, p1 = found
    assert (s1.name, s1.province, s1.partnership, s1.group) == ("Birinci Lisesi", "Malatya", "P1", "partner")
    assert (s3.name, s3.province, s3.partnership, s3.group) == ("S3", "DE", "", "control")  # no name: its id
    assert p1.schools == ("S1", "S2")


@pytest.mark.parametrize(
    "unit_id",
    ["../../etc/passwd", "a/b", "<script>", "x y", "İzmir-1", "a" * 65, "-lead", ".hidden", "", "a\nb", "TR-01.5"],
)
def test_an_id_that_is_not_a_plain_name_gets_a_counter(unit_id: str) -> None:
    files = pages.page_files([pages.Unit("school", "TR-01-001"), pages.Unit("school", unit_id)])
    assert files[("school", "TR-01-001")] == "school-TR-01-001.html"
    assert files[("school", unit_id)] == "school-2.html"


def test_file_names_are_distinct_whatever_the_case_and_never_the_index() -> None:
    found = [
        pages.Unit("school", "AB"),
        pages.Unit("school", "ab"),
        pages.Unit("partnership", "AB"),
        pages.Unit("school", "<x>"),
        pages.Unit("school", "3"),  # its natural name is the counter of the one before
    ]
    files = pages.page_files(found)
    names = list(files.values())
    assert names == [
        "school-AB.html", "school-ab-2.html", "partnership-AB.html", "school-3.html", "school-3-2.html",
    ]  # fmt: skip
    assert len({name.lower() for name in names}) == len(names) and "index.html" not in names
    for name in names:
        assert re.fullmatch(r"(school|partnership)-[A-Za-z0-9_-]+\.html", name)


def test_turkish_alphabetical_order() -> None:
    # by hand, after the Turkish alphabet a b c ç d e f g ğ h ı i j k l m n o ö p r s ş t u ü v y z
    expected = ["Ağrı", "Ceyhan", "Çorum", "Iğdır", "ılgaz", "İzmir", "izmit", "Ordu", "Ödemiş", "Sinop", "Şile",
                "Uşak", "Ümraniye", "Zonguldak"]  # fmt: skip
    shuffled = [expected[i] for i in (9, 3, 13, 0, 7, 11, 4, 1, 12, 5, 2, 8, 10, 6)]
    assert sorted(shuffled, key=sort_key) == expected
    assert sorted(shuffled) != expected  # Python's own order is not Turkish


def _index(tmp_path: Path, found, failed=None, language="en") -> Path:
    files = pages.page_files(found)
    return pages.write_index(tmp_path / "index.html", found, files, failed or {}, "Okullar", language)


def test_the_index_lists_schools_by_name_in_turkish_order_with_province_and_partnership(tmp_path: Path) -> None:
    found = [
        pages.Unit("school", "S1", "Ödemiş Anadolu Lisesi", "İzmir", "P1", "partner"),
        pages.Unit("school", "S2", "Ortaca Fen Lisesi", "Muğla", "", "control"),
        pages.Unit("school", "S3", "Çorum Fen Lisesi", "Çorum", "P1", "partner"),
        pages.Unit("school", "S4", "Iğdır Lisesi", "Iğdır", "", "control"),
        pages.Unit("school", "S5", "İnegöl Lisesi", "Bursa", "", "control"),
        pages.Unit("school", "S6", "Ceyhan Lisesi", "Adana", "", "control"),
        pages.Unit("partnership", "P1", "P1", schools=("S1", "S3")),
    ]
    rows = index_rows(_index(tmp_path, found))
    schools, partnerships = rows[:6], rows[6:]
    assert [row[0][0] for row in schools] == [
        "Ceyhan Lisesi", "Çorum Fen Lisesi", "Iğdır Lisesi", "İnegöl Lisesi", "Ortaca Fen Lisesi",
        "Ödemiş Anadolu Lisesi",
    ]  # fmt: skip
    assert schools[1] == [
        ("Çorum Fen Lisesi", "school-S3.html"), ("Çorum", None), ("P1", "partnership-P1.html"), ("", None),
    ]  # fmt: skip
    assert schools[4][2] == ("", None)  # a comparison school has no partnership
    assert partnerships == [
        [("P1", "partnership-P1.html"), ("Ödemiş Anadolu Lisesi; Çorum Fen Lisesi", None), ("", None)]
    ]


def test_a_failed_unit_is_listed_with_its_reason_and_no_link(tmp_path: Path) -> None:
    found = [
        pages.Unit("school", "S1", "Birinci Lisesi", "Malatya", "P1", "partner"),
        pages.Unit("school", "S2", "İkinci Lisesi", "Kayseri", "P1", "partner"),
        pages.Unit("partnership", "P1", "P1", schools=("S1", "S2")),
    ]
    path = _index(tmp_path, found, {("school", "S2"): "ValueError: boom", ("partnership", "P1"): "KeyError: x"})
    rows = index_rows(path)
    assert rows[0] == [("Birinci Lisesi", "school-S1.html"), ("Malatya", None), ("P1", None), ("", None)]
    assert rows[1] == [
        ("İkinci Lisesi", None),
        ("Kayseri", None),
        ("P1", None),
        ("page not made: ValueError: boom", None),
    ]
    assert rows[2][0] == ("P1", None) and rows[2][2] == ("page not made: KeyError: x", None)
    assert "The pages of 2 schools or partnerships could not be made" in path.read_text(encoding="utf-8")


def test_the_index_escapes_names_provinces_and_ids(tmp_path: Path) -> None:
    found = [
        pages.Unit("school", HOSTILE, HOSTILE, HOSTILE, HOSTILE, "partner"),
        pages.Unit("partnership", HOSTILE, HOSTILE, schools=(HOSTILE,)),
    ]
    path = _index(tmp_path, found, {("partnership", HOSTILE): HOSTILE}, language="tr")
    page = path.read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page
    rows = index_rows(path)
    assert rows[0] == [(HOSTILE, "school-1.html"), (HOSTILE, None), (HOSTILE, None), ("", None)]
    assert rows[1] == [(HOSTILE, None), (HOSTILE, None), (f"sayfa oluşturulamadı: {HOSTILE}", None)]


def test_a_page_escapes_names_and_links_only_to_its_own_pages() -> None:
    found = [
        pages.Unit("school", "S1", HOSTILE, HOSTILE, "P1", "partner"),
        pages.Unit("school", "S2", "Kayseri *Bünyan* Fen Lisesi", "Kayseri", "P1", "partner"),
        pages.Unit("partnership", "P1", "P1", schools=("S1", "S2")),
    ]
    files = pages.page_files(found)
    title = rendered(pages.school_title(found[0], found, files, "en"))
    links = lambda page: [a["href"] for tag, a in page.elements if tag == "a" and not a["href"].startswith("#")]  # noqa: E731
    assert {tag for tag, _ in title.elements} == {"h1", "p", "a"}  # the name added no element (a: links, anchors)
    assert links(title) == [
        "index.html", "partnership-P1.html", "school-S2.html",
    ]  # fmt: skip
    assert title.words.startswith(f"{HOSTILE} All schools and partnerships {HOSTILE} ({HOSTILE}) is a partner school")
    assert "with Kayseri *Bünyan* Fen Lisesi." in title.words
    partnership = rendered(pages.partnership_title(found[2], found, files, "tr"))
    assert links(partnership) == [
        "index.html", "school-S1.html", "school-S2.html",
    ]  # fmt: skip
    assert partnership.words.startswith(f"P1 ortaklığı Tüm okullar ve ortaklıklar Ortaklığın okulları: {HOSTILE} (")
    assert links(rendered(pages.link("x", "school-a_b-1.html"))) == ["school-a_b-1.html"]
    with pytest.raises(ValueError):
        pages.link("x", "javascript:alert(1)")


def test_a_groups_row_is_its_means_and_its_clustered_change() -> None:
    means = pd.DataFrame(
        {
            "outcome": ["m", "m", "m", "m"],
            "group": ["partner", "partner", "control", "control"],
            "wave": ["pre", "post", "pre", "post"],
            "n": [100, 90, 80, 70],
            "mean": [50.0, 55.0, 40.0, 41.0],
        }
    )
    effects = pd.DataFrame(
        {
            "analysis": ["prepost", "prepost", "prepost", "partner_vs_control"],
            "method": ["paired_cr2", "paired_t", "paired_cr2", "paired_cr2"],
            "outcome": ["m"] * 4,
            "subgroup": ["all"] * 4,
            "group": ["partner", "partner", "control", "partner"],
            "n_treatment": [85, 85, 60, 1],
            "estimate": [4.5, 9.0, 1.0, 9.0],
            "ci_low": [3.0, 9.0, -1.0, 9.0],
            "ci_high": [6.0, 9.0, 3.0, 9.0],
            "suppressed": [False, False, True, False],
        }
    )
    partner = pages.group_row("partner", "m", means, effects, "en")
    assert partner == {
        "who": "all partner schools", "n_pre": 100, "mean_pre": 50.0, "n_post": 90, "mean_post": 55.0,
        "n_linked": 85, "change": 4.5, "change_ci_low": 3.0, "change_ci_high": 6.0,
    }  # fmt: skip
    control = pages.group_row("control", "m", means, effects, "tr")
    assert control["who"] == "tüm karşılaştırma okulları" and control["mean_post"] == 41.0
    assert all(math.isnan(control[c]) for c in ("n_linked", "change", "change_ci_low", "change_ci_high"))  # suppressed


def test_the_data_checks_are_counts_of_the_fix_lists_index() -> None:
    index = pd.DataFrame({"school_id": ["S1", "S2"], "quarantined_rows": [3, 0], "warnings": [1, 0]})
    assert pages.data_counts(index, "S1") == (3, 1)
    assert pages.data_counts(index, "S3") == (0, 0) and pages.data_counts(None, "S1") == (0, 0)
    assert pages.data_text(3, 1, "en") == (
        "The data checks rejected 3 rows of the school's files. They flagged one point for the school to check."
    )
    assert pages.data_text(0, 0, "tr").startswith("Veri kontrollerinde okulun dosyalarından hiçbir satır")
    assert pages.data_text(1, 0, "en").endswith("They flagged nothing else to check.")


def test_the_privacy_note_shows_when_a_shown_school_is_blank() -> None:
    rows = pd.DataFrame({"suppressed": [False, True]})
    assert "fewer than 10" in pages.blank_note(rows, 10, "en")
    assert pages.blank_note(rows.iloc[:1], 10, "en") == "" and pages.blank_note(rows, 1, "en") == ""


def test_a_schools_rows_are_found_when_its_id_is_read_as_a_number() -> None:
    """results/schools.csv read back gives an id of digits alone (a MEB institution code) as a
    number; the page still finds the school's row, named from the schools table."""
    results = pd.DataFrame(
        {
            "school_id": [123456, 654321], "outcome": ["m", "m"], "n_pre": [12, 30], "mean_pre": [50.5, 40.0],
            "n_post": [11, 30], "mean_post": [52.0, 41.0], "n_linked": [float("nan"), 29],
            "change": [float("nan"), 1.0], "change_ci_low": [float("nan"), 0.5], "change_ci_high": [float("nan"), 1.5],
        }
    )  # fmt: skip
    found = [pages.Unit("school", "123456", "Birinci Lisesi"), pages.Unit("school", "654321", "İkinci Lisesi")]
    rows = pages.school_rows(results, ["654321", "123456"], found)
    assert [(row["who"], row["n_pre"], row["mean_pre"]) for row in rows] == [
        ("İkinci Lisesi", 30, 40.0), ("Birinci Lisesi", 12, 50.5),
    ]  # fmt: skip
    table = pages.outcome_table(rows, "en")
    assert list(table.columns)[:3] == ["school", "pre wave", "mean before"]
    assert table["both waves"].tolist()[0] == 29 and pd.isna(table["both waves"].tolist()[1])  # blank stays blank
