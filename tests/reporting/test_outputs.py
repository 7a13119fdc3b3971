"""report.html and report.pdf as their readers get them (issue 14, "Outputs"): a page that asks
nothing of the network and reads on a phone, checked in headless Chromium, and a tagged A4 PDF
with no table cut at the right edge, checked with poppler (``pdftotext -bbox``, ``pdfinfo``).

The programs are needed: without them the tests fail and say how to install them (`.ci/run`
does). Each check is first shown to catch what it looks for, on a page made to fail it.
"""

from __future__ import annotations

import base64
import io
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from matplotlib.figure import Figure
from real_clients import Chromium, Loaded, pdf_catalog, pdf_words, tool

from evaluation.reporting import page_css, print_layout, render

#: The PDF's right margin (render.PRINT_CSS: 12 mm), in points.
RIGHT_MARGIN_PT = 12 / 25.4 * 72
#: A phone's screen in CSS pixels (a small Android phone).
PHONE = {"width": 360, "height": 740, "mobile": True}


# --- the style sheets cut to what the page uses ----------------------------------------------


def test_only_rules_whose_classes_are_on_the_page_are_kept() -> None:
    css = (
        ".a { color: red }\n"
        ".a .b, .a > p { margin: 0 }\n"
        ".z:hover { color: blue }\n"
        ".a:not(.z) td { padding: 1px }\n"
        "body { margin: 0 }\n"
        "@keyframes spin { from { opacity: 0 } }\n"
        "@media print { .z { color: black } .a { color: black } }\n"
    )
    kept = page_css.used_rules(css, {"a"})
    assert ".a {" in kept and ".a > p {" in kept and ".a:not(.z) td {" in kept and "body {" in kept
    assert ".b" not in kept and ".z:hover" not in kept and "keyframes" not in kept
    assert re.search(r"@media print \{\s*\.a \{", kept) and ".z {" not in kept


def test_custom_properties_are_kept_when_a_kept_rule_uses_them_even_through_others() -> None:
    css = ":root { --used: var(--base); --base: 1px; --unused: 2px; --icon: url(data:,x) }\n.a { margin: var(--used) }"
    used = page_css.used_properties(css)
    assert used == {"--used", "--base"}
    kept = page_css.without_unused_properties(css, used)
    assert "--used" in kept and "--base" in kept and "--unused" not in kept and "--icon" not in kept


def test_the_head_is_pruned_and_the_body_left_alone() -> None:
    page = (
        "<html><head><style>.x { color: red } .gone { color: blue }</style></head>"
        '<body><p class="x">a</p><style>.gone { color: green }</style></body></html>'
    )
    pruned = page_css.pruned_head(page)
    head, body = pruned.split("</head>")
    assert ".x {" in head and ".gone" not in head
    assert body == '<body><p class="x">a</p><style>.gone { color: green }</style></body></html>'


# --- which tables go on landscape pages ------------------------------------------------------


def _page_with(*tables: str, introduction: str = "<h2>Results</h2><p>Short.</p>") -> ET.Element:
    outputs = "".join(
        f'<div class="jp-OutputArea-child"><div class="jp-OutputArea-output">{introduction}</div></div>'
        f'<div class="jp-OutputArea-child"><div class="jp-OutputArea-output">{table}</div></div>'
        for table in tables
    )
    return ET.fromstring(f'<html><body><div class="jp-OutputArea">{outputs}</div></body></html>')


def _table(columns: int, word: str) -> str:
    header = "".join(f"<th>c{k}</th>" for k in range(columns))
    row = "".join(f"<td>{word} x</td>" for _ in range(columns))
    return f"<table><thead><tr>{header}</tr></thead><tbody><tr>{row}</tr></tbody></table>"


def test_a_tables_narrowest_width_is_its_columns_longest_words() -> None:
    table = ET.fromstring(
        "<table><tr><th>a heading</th><th>b</th></tr>"
        "<tr><td>0123456789 1</td><td>abcdefghijklmnopqrst</td></tr>"
        '<tr><td colspan="2">abcdefghijklmnopqrstuvwxyz0123</td></tr></table>'
    )
    # column 1: "0123456789" (10 characters, the spanning cell's 30 shared as 15 each -> 15);
    # column 2: 20 characters. At 7 pt and 0.65 em a character, plus 5 pt of padding a column.
    assert print_layout.narrowest_width_pt(table) == pytest.approx((15 + 20) * 7 * 0.65 + 2 * 5)


def test_only_a_table_too_wide_for_portrait_is_marked_with_its_short_introduction() -> None:
    # 12 columns of 10-character words: 12 x (10 x 4.55 + 5) = 606 pt, above 0.9 x the 527 pt of
    # portrait A4 between the margins, below 0.95 x the 774 pt of landscape; 5 columns need 253 pt,
    # 20 columns 1010 pt.
    root = _page_with(_table(5, "abcdefghij"), _table(12, "abcdefghij"), _table(20, "abcdefghij"))
    assert print_layout.mark_wide_tables(root) == 2
    outputs = [e for e in root.iter() if "jp-OutputArea-child" in (e.get("class") or "")]
    marked = [print_layout.WIDE in (e.get("class") or "") for e in outputs]
    assert marked == [False, False, True, True, True, True]
    tables = [e for e in root.iter() if e.tag == "table"]
    assert [print_layout.BREAK_WORDS in (e.get("class") or "") for e in tables] == [False, False, True]
    long_introduction = "<h2>Results</h2><p>" + "word " * 400 + "</p>"
    root = _page_with(_table(15, "abcdefghij"), introduction=long_introduction)
    assert print_layout.mark_wide_tables(root) == 1
    outputs = [e for e in root.iter() if "jp-OutputArea-child" in (e.get("class") or "")]
    assert [print_layout.WIDE in e.get("class") for e in outputs] == [False, True]  # the table alone


# --- the page in a browser ---------------------------------------------------------------------


def _png(width: float, height: float) -> bytes:
    figure = Figure(figsize=(width, height))
    figure.add_subplot().plot([0, 1], [1, 0])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _notebook(folder: Path) -> Path:
    """An executed notebook of the report's kinds of output: Markdown with a dollar sign, a table
    far wider than a phone and a wide chart."""
    wide = pd.DataFrame({f"column heading {k}": [f"value {k}.{r} with words" for r in range(3)] for k in range(14)})
    cell = nbformat.v4.new_code_cell("shown()")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", {"text/markdown": "## Costs\n\nEach school spent $120 and $80 ($x$ is no maths)."}
        ),
        nbformat.v4.new_output("display_data", {"text/html": wide.to_html()}),
        nbformat.v4.new_output("display_data", {"image/png": base64.b64encode(_png(12, 4)).decode()}),
        nbformat.v4.new_output("stream", name="stderr", text="a warning nobody should read\n"),
    ]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    path = folder / "report.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def small_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("page")
    return render.notebook_to_html(_notebook(folder), folder / "report.html", title="Rapor $1", language="tr")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    with Chromium(tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


@pytest.mark.slow  # nbconvert: about 2 s
def test_the_page_has_no_script_and_the_language_and_viewport_of_the_plan(small_page: Path) -> None:
    page = small_page.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert re.search(r'<html lang="tr">', page)
    assert '<meta content="width=device-width, initial-scale=1.0" name="viewport"/>' in page
    assert "Each school spent $120 and $80 ($x$ is no maths)." in page
    assert "a warning nobody should read" not in page
    head = page.split("</head>")[0]
    assert len(head) < 40_000  # the lab's 250 kB of style sheets cut to what the page uses
    assert ".jp-RenderedHTMLCommon table" in head and "--jp-icon" not in head


def _assert_reads_well(loaded: Loaded, phone: bool) -> None:
    facts = loaded.facts
    assert loaded.outside_requests == []
    assert loaded.console_errors == []
    assert facts["scripts"] == 0
    assert facts["images"], "the page has no image"
    for image in facts["images"]:
        assert image["complete"] and image["naturalWidth"] > 0 and image["naturalHeight"] > 0, image
        assert image["visible"] and image["width"] > 0, image
        assert image["left"] >= 0 and image["right"] <= facts["innerWidth"] + 0.5, image  # scaled to the screen
    assert facts["scrollWidth"] <= facts["innerWidth"]  # the page itself never scrolls sideways
    for table in facts["tables"]:  # a table wider than the screen scrolls inside its own box
        assert table["boxRight"] is not None and table["boxRight"] <= facts["innerWidth"] + 0.5, table
    if phone:
        assert facts["bodyFontPx"] >= 14
        assert any(table["scrolls"] for table in facts["tables"])  # the check above met a wide table


@pytest.mark.slow
def test_the_checks_in_chromium_catch_a_request_an_error_and_a_broken_image(
    small_page: Path, browser, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text(
        small_page.read_text(encoding="utf-8").replace(
            "</body>",
            '<script src="https://cdn.invalid/require.js"></script><img src="data:image/png;base64,AAAA" alt="x">'
            "<script>console.error('boom')</script></body>",
        ),
        encoding="utf-8",
    )
    loaded = browser.load(broken)
    assert loaded.outside_requests == ["https://cdn.invalid/require.js"]
    assert any("boom" in error for error in loaded.console_errors)
    assert any("ERR_NAME_NOT_RESOLVED" in error for error in loaded.console_errors)
    assert [image["naturalWidth"] for image in loaded.facts["images"]][-1] == 0
    with pytest.raises(AssertionError):
        _assert_reads_well(loaded, phone=False)


@pytest.mark.slow
def test_the_page_reads_in_chromium_on_a_desktop_and_a_phone(small_page: Path, browser) -> None:
    desktop = browser.load(small_page)
    _assert_reads_well(desktop, phone=False)
    assert desktop.facts["lang"] == "tr" and desktop.facts["title"] == "Rapor $1"
    phone = browser.load(small_page, **PHONE)
    _assert_reads_well(phone, phone=True)
    assert phone.facts["innerWidth"] == 360


# --- the PDF -----------------------------------------------------------------------------------


def words_past_the_right_edge(pdf: Path) -> list:
    """Words of ``pdf`` whose box runs into the right margin or off the page (by more than a
    point: pdftotext's box of a right-aligned word may end a little past its advance)."""
    _, words = pdf_words(pdf)
    return [w for w in words if w.x_max > w.page_width - RIGHT_MARGIN_PT + 1.0]


def assert_fits_a4(pdf: Path) -> None:
    """A4 pages either way round, every one with text (no blank page), no word past the right
    margin."""
    pages, words = pdf_words(pdf)
    assert {tuple(sorted(round(side) for side in size)) for size in pages} == {(595, 842)}
    assert {w.page for w in words} == set(range(1, len(pages) + 1))
    assert words_past_the_right_edge(pdf) == []


def assert_tagged(pdf: Path, language: str) -> None:
    info = subprocess.run([tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info
    catalog = pdf_catalog(pdf)
    assert b"/StructTreeRoot" in catalog and re.search(rb"/MarkInfo\s*<<\s*/Marked true", catalog)
    assert f"/Lang ({language})".encode() in catalog


@pytest.mark.slow  # WeasyPrint: a few seconds
def test_a_wide_table_goes_on_a_landscape_page_and_nothing_is_cut(tmp_path: Path) -> None:
    wide = _table(12, "abcdefghijkl")  # landscape, its words whole
    widest = _table(40, "abcdefghijkl")  # landscape, its words broken
    narrow = _table(4, "abc")
    page = tmp_path / "page.html"
    page.write_text(
        '<html lang="en"><head><title>t</title></head><body><main>'
        f'<div class="jp-OutputArea"><div class="jp-OutputArea-child"><p>Before.</p>{narrow}</div>'
        f'<div class="jp-OutputArea-child"><h2>Wide</h2><p>Its introduction.</p></div>'
        f'<div class="jp-OutputArea-child">{wide}</div>'
        f'<div class="jp-OutputArea-child">{widest}</div>'
        f'<div class="jp-OutputArea-child"><p>After.</p></div></div>'
        "</main></body></html>",
        encoding="utf-8",
    )
    pdf = render.html_to_pdf(page, tmp_path / "page.pdf")
    pages, words = pdf_words(pdf)
    assert [(round(width), round(height)) for width, height in pages] == [(595, 842), (842, 595), (595, 842)]
    on = {w.text: w.page for w in words}
    assert (on["Before."], on["Wide"], on["introduction."], on["After."]) == (1, 2, 2, 3)
    assert "abcdefghijkl" in on  # the first wide table's words are whole
    assert words_past_the_right_edge(pdf) == []
    assert words_past_the_right_edge(pdf) == []
    assert_tagged(pdf, "en")


@pytest.mark.slow  # WeasyPrint: a few seconds
def test_the_edge_check_catches_a_cut_table(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    cells = "".join(f'<td style="white-space: nowrap">cell number {k} of a row</td>' for k in range(12))
    page.write_text(f'<html lang="en"><body><table style="table-layout: fixed"><tr>{cells}</tr></table></body></html>')
    cut = words_past_the_right_edge(render.html_to_pdf(page, tmp_path / "page.pdf"))
    assert cut and {w.page for w in cut} == {1}


@pytest.mark.slow
def test_the_page_printed_from_chromium_is_a4_and_nothing_is_cut(small_page: Path, browser, tmp_path: Path) -> None:
    pdf = browser.print_to_pdf(small_page, tmp_path / "printed.pdf")
    pages, words = pdf_words(pdf)
    assert {(round(width), round(height)) for width, height in pages} == {(595, 842)}
    assert "heading" in {w.text for w in words}  # the wide table was printed
    assert words_past_the_right_edge(pdf) == []


# --- the reports of the demo and of a Turkish run ---------------------------------------------------


@pytest.mark.slow
def test_the_demo_report_reads_in_chromium(demo_run: Path, browser, tmp_path: Path) -> None:
    report = demo_run / "shared" / "report.html"
    assert re.search(r'<html lang="en">', report.read_text(encoding="utf-8"))
    _assert_reads_well(browser.load(report), phone=False)
    _assert_reads_well(browser.load(report, **PHONE), phone=True)
    printed = browser.print_to_pdf(report, tmp_path / "printed.pdf")
    assert words_past_the_right_edge(printed) == []


@pytest.mark.slow
def test_the_demo_pdf_is_tagged_a4_and_no_word_runs_past_the_right_edge(demo_run: Path) -> None:
    pdf = demo_run / "shared" / "report.pdf"
    assert_fits_a4(pdf)
    assert_tagged(pdf, "en")


@pytest.mark.slow
def test_the_turkish_report_reads_in_chromium_and_its_pdf_fits(partnership_run_in, browser) -> None:
    code, out = partnership_run_in("tr")
    assert code == 0
    report = out / "shared" / "report.html"
    assert re.search(r'<html lang="tr">', report.read_text(encoding="utf-8"))
    _assert_reads_well(browser.load(report, **PHONE), phone=True)
    pdf = out / "shared" / "report.pdf"
    assert_fits_a4(pdf)
    assert_tagged(pdf, "tr")
