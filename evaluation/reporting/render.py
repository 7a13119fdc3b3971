"""Executed report notebook to a self-contained HTML page (no code cells, figures embedded) and
that page to a PDF.

The page's text and tables were escaped before they reached the notebook
(`evaluation.reporting.escaping`). The page is self-contained: no script at all (nbconvert's lab
template would load require.js, MathJax and mermaid from CDNs, which fails offline), the lab's
style sheets cut to what the page uses (`page_css`), charts embedded; its ``lang`` is the plan's
language, and it reads on a phone (wide tables scroll inside their box, images scale) and prints.
With no MathJax a ``$`` in a value stays a dollar sign; the body still carries the classes that
tell MathJax to leave it alone, should the page ever be opened where MathJax runs. The PDF is
printed offline: WeasyPrint may read only ``data:`` URLs (the page's embedded charts and icons),
nothing from the disk or the network, and attaches no file (a ``rel="attachment"`` link would
embed the file it points to). Its pages are A4, tables too wide for a portrait page on landscape
pages (`print_layout`), and it is tagged (structure tree, alt texts, the page's language).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import nbformat

from evaluation.reporting.page_css import pruned_head
from evaluation.reporting.print_layout import BREAK_WORDS, WIDE, mark_wide_tables

#: Classes that make MathJax 2 (``tex2jax_ignore``) and 3 (``mathjax_ignore``) skip an element.
NO_MATHS = "tex2jax_ignore mathjax_ignore"


#: The page's template: nbconvert's lab page without its scripts (require.js, MathJax, mermaid,
#: widgets), with `SCREEN_CSS` after the lab's own style sheets.
REPORT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<style type="text/css">
{{ resources.report_css }}
</style>
{%- endblock html_head_css -%}
"""

#: The page on a screen of any width, and printed from a browser.
SCREEN_CSS = """
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; overflow-wrap: break-word; }
main { max-width: 72rem; margin: 0 auto; }
.jp-Notebook { padding: 1rem; }
.jp-Cell { padding: 0; }
.jp-OutputArea-output { max-width: 100%; overflow-x: auto; }
.jp-RenderedHTMLCommon { padding-right: 0; }
.jp-RenderedHTMLCommon table { margin-left: 0; margin-right: 0; }
.jp-RenderedHTMLCommon th { white-space: normal; }
.jp-OutputArea-output pre { white-space: pre-wrap; }
img { max-width: 100%; height: auto; }
@media (max-width: 40rem) {
  .jp-Notebook { padding: 0.5rem; }
  .jp-RenderedHTMLCommon h1 { font-size: 1.5rem; }
  .jp-RenderedHTMLCommon h2 { font-size: 1.25rem; }
  .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { padding: 0.3em 0.4em; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  main { max-width: none; }
  .jp-Notebook { padding: 0; }
  .jp-OutputArea-output { overflow: visible; }
  .jp-RenderedHTMLCommon table { font-size: 7pt; }
  .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { padding: 2px 3px; }
  tr, img { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
}
"""


def notebook_to_html(notebook: Path, target: Path, title: str, language: str = "en") -> Path:
    """Write `target` from an executed notebook, leaving out code, prompts and stderr streams;
    `language` (ISO 639-1, the plan's) is the page's ``lang``."""
    nb = nbformat.read(notebook, as_version=4)
    target.write_text(notebook_html(nb, title, language), encoding="utf-8")
    return target


def notebook_html(nb: nbformat.NotebookNode, title: str, language: str = "en") -> str:
    """`notebook_to_html`'s page of the executed notebook `nb` (its cells' stderr streams are
    dropped, its title set), by one exporter per language reused for every page of a process."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    nb.metadata["title"] = title
    body, _ = _exporter(language).from_notebook_node(nb, resources={"report_css": SCREEN_CSS})
    return pruned_head(_without_maths(body))


@cache
def _exporter(language: str):
    """The HTML exporter of pages in `language`: made (its templates loaded) once per process."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file="report.html.j2",
        extra_loaders=[DictLoader({"report.html.j2": REPORT_TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code=language,
    )


def _without_maths(page: str) -> str:
    """The page with MathJax told to skip its body: no text of the report is a formula."""
    page, found = re.subn(r"<body(\s[^>]*)?>", lambda m: _with_class(m.group(0), NO_MATHS), page, count=1)
    if not found:
        raise ValueError("the report page has no <body> tag")
    return page


def _with_class(tag: str, classes: str) -> str:
    if re.search(r'\sclass="', tag):
        return re.sub(r'(\sclass=")', rf"\g<1>{classes} ", tag, count=1)
    return tag[:-1] + f' class="{classes}">'


#: Print layout of report.pdf: A4 pages, tables small enough to fit the page's width; the outputs
#: `print_layout` marks as wide on landscape pages (the body and every output name their page, so
#: that the pages after a landscape one turn back to portrait, and the first page is not a blank
#: unnamed one); the cells of a table too wide even for those may break inside a word, those of
#: others never (WeasyPrint narrows a column to its letters when the page's ``overflow-wrap:
#: break-word`` reaches its cells). WeasyPrint
#: takes this sheet as the user's, which the page's own (the lab's ``@page``) would override: the
#: pages' sizes and margins are therefore ``!important``.
PRINT_CSS = f"""
@page {{
  size: A4 !important; margin: 14mm 12mm !important;
  @bottom-right {{ content: counter(page) " / " counter(pages); font-size: 8pt; }}
}}
@page portrait {{ size: A4 portrait !important; }}
@page landscape {{ size: A4 landscape !important; }}
body, .jp-OutputArea-child {{ page: portrait; }}
.jp-OutputArea-child.{WIDE} {{ page: landscape; }}
body {{ font-size: 9.5pt; }}
table {{ font-size: 7pt; page-break-inside: auto; overflow-wrap: normal; }}
.jp-Cell-outputWrapper, .jp-OutputArea-child, .jp-OutputArea-output {{
  display: block !important; width: auto !important; overflow: visible !important;
}}
.jp-Notebook, .jp-Cell, .jp-Cell-outputWrapper, .jp-OutputArea {{ padding: 0 !important; margin: 0 !important; }}
.jp-Collapser, .jp-OutputPrompt, .jp-InputPrompt {{ display: none !important; }}
.jp-RenderedHTMLCommon {{ padding-right: 0 !important; }}
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th {{ padding: 2px 3px !important; }}
table.{BREAK_WORDS} td, table.{BREAK_WORDS} th {{ overflow-wrap: anywhere; }}
tr {{ page-break-inside: avoid; }}
img {{ max-width: 100%; page-break-inside: avoid; }}
h2 {{ page-break-after: avoid; }}
"""


@cache
def _offline_fetcher_class():
    from weasyprint.urls import URLFetcher

    class OfflineFetcher(URLFetcher):
        """WeasyPrint's URL fetcher for the report: ``data:`` URLs only. Any other URL (``file:``,
        ``http:``, ...) is refused and kept in `refused`; `fetched` lists the URLs read."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data",), allow_redirects=False)
            self.refused: list[str] = []
            self.fetched: list[str] = []

        def fetch(self, url, headers=None):
            if not url.lower().startswith("data:"):
                self.refused.append(url)
                raise ValueError(f"the report's PDF reads no outside resource, refused {url[:80]}")
            self.fetched.append(url)
            return super().fetch(url, headers)

    return OfflineFetcher


def offline_fetcher():
    """A new WeasyPrint URL fetcher (a ``weasyprint.urls.URLFetcher``) that reads ``data:`` URLs
    only; it records the URLs it refused (``refused``) and read (``fetched``)."""
    return _offline_fetcher_class()()


def strip_attachments(root) -> int:
    """Remove the ``attachment`` link type from every element of the parsed page ``root`` (an
    ElementTree element), so that WeasyPrint embeds no file; returns how many were changed."""
    changed = 0
    for element in root.iter():
        rel = element.get("rel")
        if rel is None:
            continue
        kept = [token for token in rel.split() if token.lower() != "attachment"]
        if len(kept) != len(rel.split()):
            changed += 1
            if kept:
                element.set("rel", " ".join(kept))
            else:
                del element.attrib["rel"]
    return changed


def html_to_pdf(html: Path, target: Path, url_fetcher=None) -> Path:
    """Print the self-contained report page to a tagged A4 PDF (WeasyPrint: no browser needed),
    wide tables on landscape pages, offline: ``url_fetcher`` (`offline_fetcher()` unless given)
    reads only ``data:`` URLs, and no file is attached."""
    import logging

    from weasyprint import CSS, HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # its notes on unsupported CSS are noise
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = url_fetcher if url_fetcher is not None else offline_fetcher()
    page = HTML(filename=str(html), url_fetcher=fetcher)
    strip_attachments(page.etree_element)
    mark_wide_tables(page.etree_element)
    page.write_pdf(
        str(target),
        stylesheets=[CSS(string=PRINT_CSS, url_fetcher=fetcher)],
        attachments=[],
        pdf_tags=True,
    )
    return target
