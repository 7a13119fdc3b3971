"""Executed report notebook to a self-contained HTML page (no code cells, figures embedded) and
that page to a PDF.

The page's text and tables were escaped before they reached the notebook
(`evaluation.reporting.escaping`). The page asks MathJax to leave its text alone (the report has
no formulas; a ``$`` in a value stays a dollar sign). The PDF is printed offline: WeasyPrint may
read only ``data:`` URLs (the page's embedded charts and icons), nothing from the disk or the
network, and attaches no file (a ``rel="attachment"`` link would embed the file it points to).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import nbformat

#: Classes that make MathJax 2 (``tex2jax_ignore``) and 3 (``mathjax_ignore``) skip an element.
NO_MATHS = "tex2jax_ignore mathjax_ignore"


def notebook_to_html(notebook: Path, target: Path, title: str, language: str = "en") -> Path:
    """Write `target` from an executed notebook, leaving out code, prompts and stderr streams; the
    page's ``<html lang>`` is `language` (the plan's), so that readers and screen readers know it."""
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    nb.metadata["title"] = title
    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code=language,
    )
    body, _ = exporter.from_notebook_node(nb)
    target.write_text(_without_maths(body), encoding="utf-8")
    return target


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


#: Print layout of report.pdf: A4 pages, tables small enough to fit the page's width.
PRINT_CSS = """
@page { size: A4; margin: 14mm 12mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-size: 9.5pt; }
table { font-size: 7pt; page-break-inside: auto; }
.jp-OutputArea-child, .jp-OutputArea-output {
  display: block !important; width: auto !important; overflow: visible !important;
}
.jp-Notebook, .jp-Cell, .jp-Cell-outputWrapper, .jp-OutputArea { padding: 0 !important; margin: 0 !important; }
.jp-Collapser, .jp-OutputPrompt, .jp-InputPrompt { display: none !important; }
.jp-RenderedHTMLCommon { padding-right: 0 !important; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { padding: 2px 3px !important; }
tr { page-break-inside: avoid; }
img { max-width: 100%; page-break-inside: avoid; }
h2 { page-break-after: avoid; }
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
    """Print the self-contained report page to a PDF (WeasyPrint: no browser needed), offline:
    ``url_fetcher`` (`offline_fetcher()` unless given) reads only ``data:`` URLs, and no file is
    attached."""
    import logging

    from weasyprint import CSS, HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # its notes on unsupported CSS are noise
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = url_fetcher if url_fetcher is not None else offline_fetcher()
    page = HTML(filename=str(html), url_fetcher=fetcher)
    strip_attachments(page.etree_element)
    page.write_pdf(str(target), stylesheets=[CSS(string=PRINT_CSS, url_fetcher=fetcher)], attachments=[])
    return target
