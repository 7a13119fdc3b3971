"""Small self-contained HTML pages (no scripts, no files beside them): the validation page and the
schools' fix lists. Every text is escaped here, so callers pass plain strings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path

_STYLE = """
body { font-family: "Segoe UI", Arial, sans-serif; max-width: 70em; margin: 2em auto; padding: 0 1em;
       color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.8em; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.92em; }
th, td { border: 1px solid #c8c8c8; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
p.counts { font-weight: 600; }
.broken { background: #fdecea; }
"""


def paragraph(content: str, css_class: str = "") -> str:
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<p{attribute}>{escape(content)}</p>"


def heading(content: str, level: int = 2) -> str:
    return f"<h{level}>{escape(content)}</h{level}>"


def link(label: str, href: str) -> str:
    """An ``<a>`` element, to be passed to `table` as a cell already in HTML (see ``html_cells``)."""
    return f'<a href="{escape(href, quote=True)}">{escape(label)}</a>'


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    numeric: Sequence[int] = (),
    html_cells: Sequence[int] = (),
    row_class: str = "",
) -> str:
    """An HTML table; cells at the positions ``numeric`` are right-aligned, those at
    ``html_cells`` are inserted as they are (already HTML), every other cell is escaped."""
    head = "".join(f"<th>{escape(str(header))}</th>" for header in headers)
    body = []
    for row in rows:
        cells = []
        for position, cell in enumerate(row):
            content = "" if cell is None else str(cell)
            content = content if position in html_cells else escape(content)
            css = ' class="number"' if position in numeric else ""
            cells.append(f"<td{css}>{content}</td>")
        attribute = f' class="{row_class}"' if row_class else ""
        body.append(f"<tr{attribute}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def write_page(path: Path, title: str, parts: Iterable[str], language: str) -> Path:
    """Write a page with ``title`` as its ``<title>`` and first heading, then ``parts`` (HTML)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "\n".join((heading(title, 1), *parts))
    page = (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    path.write_text(page, encoding="utf-8")
    return path
