"""Which tables of the report page go on landscape pages of report.pdf.

A table cell can wrap between words but not inside one, so a table is at least as wide as the sum
of its columns' longest words. `mark_wide_tables` estimates that width at the PDF's table type
size and gives the output holding a table that would not fit a portrait A4 page (with its
introduction: a short text with a heading just above it) the class `WIDE`, which the print style
sheet puts on landscape pages. A table whose words would not fit even a landscape page gets the
class `BREAK_WORDS`, which lets its cells break inside a word (elsewhere words stay whole: a cell
that may break anywhere is narrowed to a few characters as soon as its table is crowded).
"""

from __future__ import annotations

#: The class of the outputs printed on landscape pages.
WIDE = "wide-table"
#: The class of the tables whose cells may break inside a word.
BREAK_WORDS = "break-words"

#: Portrait A4's text width at the print margins (210 mm less 2 x 12 mm), in points.
PORTRAIT_WIDTH_PT = (210 - 2 * 12) / 25.4 * 72
LANDSCAPE_WIDTH_PT = (297 - 2 * 12) / 25.4 * 72
#: The PDF's table type size, the width of a character in it (in DejaVu Sans, the usual sans-serif
#: on Debian, letters average about 0.6 em and digits 0.64 em) and a cell's padding and border, in
#: points.
TABLE_FONT_PT = 7.0
CHARACTER_EM = 0.65
CELL_PADDING_PT = 5.0
#: A table whose words need more than this share of the portrait width goes landscape, and one
#: that needs more than this share of the landscape width may break its words.
PORTRAIT_SHARE = 0.9
LANDSCAPE_SHARE = 0.95
#: The longest introduction (characters) that moves to the landscape page with its table.
INTRODUCTION_CHARS = 1500

_OUTPUT = "jp-OutputArea-child"
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _classes(element) -> list[str]:
    return (element.get("class") or "").split()


def _text(element) -> str:
    return "".join(element.itertext())


def narrowest_width_pt(table) -> float:
    """The table's width (points) with every cell wrapped at its spaces: per column the longest
    word of its cells, plus the cells' padding."""
    longest: dict[int, int] = {}
    for row in table.iter():
        if _local(row.tag) != "tr":
            continue
        column = 0
        for cell in row:
            if _local(cell.tag) not in ("td", "th"):
                continue
            raw = (cell.get("colspan") or "1").strip()
            span = int(raw) if raw.isdigit() and int(raw) > 0 else 1
            word = max((len(w) for w in _text(cell).split()), default=0)
            for k in range(column, column + span):
                longest[k] = max(longest.get(k, 0), -(-word // span))
            column += span
    return sum(chars * TABLE_FONT_PT * CHARACTER_EM + CELL_PADDING_PT for chars in longest.values())


def mark_wide_tables(root) -> int:
    """Give the class `WIDE` to each output (``jp-OutputArea-child``) of the parsed page `root`
    (an ElementTree element) holding a table too wide for a portrait page, and to the short
    introduction with a heading just before it, and `BREAK_WORDS` to each table too wide for a
    landscape page; returns how many tables were too wide for a portrait page."""
    parent = {child: element for element in root.iter() for child in element}
    wide = 0
    for table in [e for e in root.iter() if _local(e.tag) == "table"]:
        width = narrowest_width_pt(table)
        if width <= PORTRAIT_SHARE * PORTRAIT_WIDTH_PT:
            continue
        wide += 1
        if width > LANDSCAPE_SHARE * LANDSCAPE_WIDTH_PT:
            _add_class(table, BREAK_WORDS)
        output = table
        while output is not None and _OUTPUT not in _classes(output):
            output = parent.get(output)
        if output is None:
            continue
        _add_class(output, WIDE)
        siblings = list(parent[output])
        before = siblings[siblings.index(output) - 1] if siblings.index(output) > 0 else None
        if (
            before is not None
            and _OUTPUT in _classes(before)
            and len(_text(before)) <= INTRODUCTION_CHARS
            and any(_local(e.tag) in _HEADINGS for e in before.iter())
            and not any(_local(e.tag) == "table" for e in before.iter())
        ):
            _add_class(before, WIDE)
    return wide


def _add_class(element, name: str) -> None:
    if name not in _classes(element):
        element.set("class", " ".join([*_classes(element), name]))
