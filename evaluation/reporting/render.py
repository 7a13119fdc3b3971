"""Executed report notebook to a self-contained HTML page: no code cells, figures embedded."""

from __future__ import annotations

from pathlib import Path

import nbformat


def notebook_to_html(notebook: Path, target: Path, title: str) -> Path:
    """Write `target` from an executed notebook, leaving out code, prompts and stderr streams."""
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    nb.metadata["title"] = title
    exporter = HTMLExporter(
        template_name="lab", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    body, _ = exporter.from_notebook_node(nb)
    target.write_text(body, encoding="utf-8")
    return target


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


def html_to_pdf(html: Path, target: Path) -> Path:
    """Print the self-contained report page to a PDF (WeasyPrint: no browser needed)."""
    import logging

    from weasyprint import CSS, HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # its notes on unsupported CSS are noise
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(filename=str(html)).write_pdf(str(target), stylesheets=[CSS(string=PRINT_CSS)])
    return target
