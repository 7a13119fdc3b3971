"""Everything a notebook shows, made safe to put in a web page: the one place where the report's
values are escaped (see `evaluation.reporting` for the rule).

Text is `Markdown`: source that nbconvert renders to HTML, raw HTML included, so no value may
reach it unescaped. Markdown is made here only: `text` and `plural` fill a catalogue text
(trusted) with values (untrusted), `Markdown("...").format` and `.join` fill or join a literal
of the code, and each escapes every value that is not Markdown already (`escape`; `code` inside a
code span), so a school type ``<script>`` shows as the text ``<script>`` and a value cannot open
a tag, a link or an image. The formats (`number`, `percent`, `count`, `p_text`, `date`) are
Markdown as they are: Babel writes them from numbers and dates, which carry no text. Joining
Markdown with a plain ``str`` escapes the ``str``; any other string operation gives a plain
``str``, which `Shown` refuses.

Tables are `ReportTable` (a pandas Styler that escapes every cell, header, index label, index
name and caption, whatever format is applied later) or plain DataFrames (pandas escapes their
HTML). `shown_part` checks each part of a `evaluation.steps.display.Shown` against these kinds.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from evaluation import wording
from evaluation.wording import catalogue, decimal_symbol

__all__ = [
    "Markdown",
    "ReportTable",
    "capitalise",
    "code",
    "code_block",
    "count",
    "date",
    "escape",
    "number",
    "p_text",
    "percent",
    "plural",
    "shown_part",
    "signed",
    "text",
]


class Markdown(str):
    """Markdown source that is safe to render: the workbench's own words with every value from
    the data escaped. Make one with `text`, `plural`, `escape`, or `Markdown("literal").format`
    / `.join` (their values are escaped); never around text that holds a value (``Markdown(f"...")``
    would let the value through, and tests/reporting/test_injection.py refuses it)."""

    __slots__ = ()

    def format(self, *args: object, **kwargs: object) -> Markdown:
        """This template with the values filled in, escaped for where they stand (text or a code
        span); `Markdown` values go in as they are."""
        return _fill(str(self), dict(enumerate(args)) | kwargs)

    def join(self, parts: Iterable[object]) -> Markdown:
        return Markdown(str.join(self, [escape(part) for part in parts]))

    def __add__(self, other: object) -> Markdown:
        if not isinstance(other, str):
            return NotImplemented
        return Markdown(str.__add__(self, escape(other)))

    def __radd__(self, other: object) -> Markdown:
        if not isinstance(other, str):
            return NotImplemented
        return Markdown(str.__add__(escape(other), self))


#: Characters that Markdown (CommonMark with nbconvert's plugins: tables, strikethrough, bare URLs,
#: task lists, definition lists, and $ for maths) reads as syntax within a line; each is written
#: with a backslash, which CommonMark turns back into the character; so is the ``:`` of ``://``,
#: which would make a bare URL (``https://...``) a link.
_INLINE = re.compile(r"([\\`*_\[\]!#$~|]|:(?=//))")
#: What the HTML inside Markdown would read: written as entities.
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
#: A value at the start of a line that Markdown would read as a block: a list item (``- ``,
#: ``1. ``), a setext underline or a thematic break (``===``, ``---``).
_BLOCK_START = re.compile(r"^(?:[-+]|\d{1,9}[.)])(?=[ \t]|$)|^(?:=+|-+)[ \t]*$")
_LINE_BREAKS = re.compile(r"[\r\n\f\v\x1c-\x1e\x85\u2028\u2029]+")


def escape(value: object) -> Markdown:
    """``value`` as Markdown that shows it as it is written: a `Markdown` unchanged; anything else
    as text (``str(value)``) with line breaks as spaces, ``& < >`` as HTML entities and every
    character Markdown would read as syntax written with a backslash, so that it cannot open a
    tag, a link, an image, emphasis, maths or a new block."""
    if isinstance(value, Markdown):
        return value
    written = _LINE_BREAKS.sub(" ", str(value))
    written = _INLINE.sub(r"\\\1", written)
    written = "".join(_HTML.get(character, character) for character in written)
    start = _BLOCK_START.match(written)
    if start:  # a backslash before the marker's punctuation makes it text again: 1\. and \-
        cut = start.end() - 1 if written[0].isdigit() else 0
        written = written[:cut] + "\\" + written[cut:]
    return Markdown(written)


def code(value: object) -> Markdown:
    """``value`` for a code span (between backticks in a template): shown as written (HTML in a
    code span is escaped by the renderer), with line breaks as spaces and a backtick, which would
    end the span, as a closing quote."""
    return Markdown(_LINE_BREAKS.sub(" ", str(value)).replace("`", "\u2019"))


def code_block(content: object) -> Markdown:
    """``content`` as a fenced code block shown as written: the fence is longer than any run of
    backticks in it, so nothing in it can close the block."""
    content = str(content)
    runs = [len(run) for run in re.findall(r"`+", content)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return Markdown(f"{fence}\n{content}\n{fence}")


def _code_span_fields(template: str) -> frozenset[str]:
    """The placeholders of ``template`` that stand inside a code span (between backticks), by
    name or position (``{}`` counts as the next position)."""
    found, automatic, start = set(), 0, 0
    for span in [*re.finditer(r"(`+)(.+?)\1", template, flags=re.DOTALL), None]:
        pieces = [(template[start : span.start()] if span else template[start:], False)]
        if span:
            pieces.append((span.group(), True))
            start = span.end()
        for piece, in_code in pieces:
            for _, name, _, _ in string.Formatter().parse(piece):
                if name == "":
                    name, automatic = str(automatic), automatic + 1
                if name is not None and in_code:
                    found.add(name)
    return frozenset(found)


def _fill(template: str, values: Mapping[object, object], key: str = "", language: str = "") -> Markdown:
    """``template`` (trusted) with ``values`` (untrusted) escaped for where each stands; ``key``
    and ``language`` name a catalogue template in the error for a placeholder without a value."""
    in_code = _code_span_fields(template)
    escaped = {
        name: value if isinstance(value, Markdown) else code(value) if str(name) in in_code else escape(value)
        for name, value in values.items()
    }
    if key:
        return Markdown(catalogue(language).fill(key, template, escaped))
    positional = [escaped.pop(i) for i in sorted(name for name in list(escaped) if isinstance(name, int))]
    return Markdown(template.format(*positional, **escaped))


def text(key: str, language: str, **values: object) -> Markdown:
    """The catalogue's text of ``key`` (as `evaluation.wording.text` gives it) as Markdown, each
    value escaped for where it stands in the text (a `Markdown` value goes in as it is)."""
    return _fill(catalogue(language).template(key), values, key, language)


def plural(key: str, n: int | float, language: str, /, **values: object) -> Markdown:
    """The catalogue's plural form of ``key`` for the count ``n`` (as `evaluation.wording.plural`
    gives it) as Markdown, each value escaped; ``{n}`` is ``n`` written the language's way unless
    ``values`` give it."""
    book = catalogue(language)
    return _fill(book.template(key, n), {"n": Markdown(book.written_count(n)), **values}, key, language)


def capitalise(value: object, language: str) -> Markdown:
    """`evaluation.wording.capitalise` of ``value`` escaped (upper-casing a letter of escaped text
    cannot make Markdown of it)."""
    return Markdown(wording.capitalise(escape(value), language))


# Numbers and dates, written by Babel: they hold no text of the data, so they are Markdown as they are.


def number(value: float, digits: int, language: str, group: bool = True) -> Markdown:
    return Markdown(wording.number(float(value), digits, language, group))


def signed(value: float, digits: int, language: str) -> Markdown:
    return Markdown(wording.signed(float(value), digits, language))


def percent(share: float | None, language: str) -> Markdown:
    return Markdown(wording.percent(share, language))


def count(n: int, language: str) -> Markdown:
    return Markdown(wording.count(n, language))


def p_text(value: float, language: str) -> Markdown:
    return Markdown(wording.p_text(float(value), language))


def date(day: dt.date, language: str) -> Markdown:
    return Markdown(wording.date(day, language))


def listing(items: Iterable[object], language: str) -> Markdown:
    """`evaluation.wording.listing` of ``items``, each escaped (a `Markdown` item goes in as it is)."""
    return Markdown(wording.listing([i if isinstance(i, Markdown) else escape(i) for i in items], language))


# --- tables ----------------------------------------------------------------------------------------


def _without_negative_zero(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` with its small negative decimals that two decimals show as zero made 0.0, so that
    a cell reads 0.00 rather than -0.00 (as `evaluation.wording.number` writes them)."""
    floats = [name for name, kind in data.dtypes.items() if pd.api.types.is_float_dtype(kind)]
    if not floats:
        return data
    values = data[floats].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        if not ((values < 0) & (np.round(values, 2) == 0)).any():  # nothing to change: the table as it is
            return data
    data = data.copy()
    for name in floats:
        values = data[name]
        data[name] = values.mask((values < 0) & (values.round(2) == 0), 0.0)
    return data


class ReportTable(Styler):
    """A report table: two decimals with the locale's decimal mark (a comma in Turkish), blanks
    for missing, and every cell, column header, index label, index name and caption escaped for
    HTML. A later `format`, `format_index`, `format_index_names` or `set_caption` escapes too,
    whatever ``escape`` it is given."""

    def __init__(self, data: pd.DataFrame, language: str = "en", index: bool = False) -> None:
        # (pandas copies a Styler as ``type(self)(data)`` and then its formats: hence the default)
        super().__init__(_without_negative_zero(data))
        self.format(precision=2, decimal=decimal_symbol(language), na_rep="")
        for axis in (0, 1):
            self.format_index(axis=axis)
            self.format_index_names(axis=axis)
        if not index:
            self.hide(axis="index")

    def format(self, *args, **kwargs) -> ReportTable:
        return super().format(*args, **{**kwargs, "escape": "html"})

    def format_index(self, *args, **kwargs) -> ReportTable:
        return super().format_index(*args, **{**kwargs, "escape": "html"})

    def format_index_names(self, *args, **kwargs) -> ReportTable:
        return super().format_index_names(*args, **{**kwargs, "escape": "html"})

    def set_caption(self, caption) -> ReportTable:
        import html

        if isinstance(caption, tuple):
            return super().set_caption(tuple(html.escape(str(part)) for part in caption))
        return super().set_caption(html.escape(str(caption)))


# --- what a section may show ---------------------------------------------------------------------


class Chart:
    """A chart with its alternative text, for readers who do not see it (screen readers, a PDF
    read aloud): shown as an embedded PNG whose ``alt`` attribute is the text, escaped. (A bare
    Figure is shown by the notebook's PNG formatter, which gives no ``alt``.)"""

    def __init__(self, figure: Figure, alt: object) -> None:
        self.figure = figure
        self.alt = str(alt)

    def png(self) -> bytes:
        import io

        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        return buffer.getvalue()

    def _repr_html_(self) -> str:
        import base64
        import html

        data = base64.b64encode(self.png()).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt, quote=True)}">'


def shown_part(part: object) -> object:
    """``part`` when a notebook may show it as it is, else TypeError: `Markdown` (escaped text),
    a `ReportTable` or a DataFrame (escaped by pandas), a matplotlib Figure (or a `Chart`: a
    Figure with its alternative text, escaped), or an embedded
    IPython Image (pixels). A plain ``str`` is refused: text goes through `text`, `plural` or
    `escape` first."""
    from IPython.display import Image

    if isinstance(part, Markdown | ReportTable | pd.DataFrame | Figure | Chart):
        return part
    if isinstance(part, Image) and part.embed and part.url is None:
        return part
    if isinstance(part, str):
        raise TypeError(
            "a notebook shows text only as Markdown made by evaluation.reporting.escaping (text, plural, "
            f"escape, Markdown('...').format), which escapes the data's values; got the plain text {part[:60]!r}"
        )
    if isinstance(part, Styler):
        raise TypeError(
            "a notebook shows a styled table only as an escaping ReportTable (evaluation.reporting.escaping)"
        )
    raise TypeError(f"a notebook cannot show a {type(part).__name__}: Markdown, tables, figures and images only")
