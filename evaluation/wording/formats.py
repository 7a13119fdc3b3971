"""Numbers, shares, p-values and dates written the way the language's locale writes them (Babel:
CLDR's decimal and group symbols, percent patterns and plural rules).

Rounding is Python's (``f"{value:.2f}"``, half to even on the binary value) before Babel writes
the rounded number, so that the text shows the digits the results tables round to; Babel would
otherwise round the decimal text of a float, which differs at ties (0.165 -> 0.16, not 0.17).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent, get_decimal_symbol

from evaluation.wording.catalogue import catalogue

#: Languages whose dotted and dotless i make i upper-case as İ (CLDR: Turkish, Azerbaijani).
_DOTTED_I = ("tr", "az")


def _blank(value) -> bool:
    """None, NaN or pandas' NA."""
    try:
        return value is None or math.isnan(value)
    except TypeError:  # pandas.NA
        return True


def _locale(language: str):
    return catalogue(language).locale


def number(value: float, digits: int, language: str, group: bool = True) -> str:
    """``value`` with ``digits`` decimals: ``0.25`` in English, ``0,25`` in Turkish; thousands
    grouped as the locale groups them (``1,234.50``, ``1.234,50``) unless ``group`` is False."""
    if not math.isfinite(value):
        return f"{value:.{digits}f}"
    rounded = Decimal(f"{value:.{digits}f}")
    if rounded.is_zero():  # a small negative value rounds to 0.00, not -0.00
        rounded = abs(rounded)
    pattern = ("#,##0" if group else "0") + ("." + "0" * digits if digits else "")
    return format_decimal(rounded, format=pattern, locale=_locale(language))


def signed(value: float, digits: int, language: str) -> str:
    """`number` with its sign always written: ``+1.25``, ``-0.40``; a value that rounds to zero
    has no sign (``0.00``, not ``+0.00`` or ``-0.00``). A change or a difference in a sentence."""
    written = number(value, digits, language)
    if math.isfinite(value) and value > 0 and not Decimal(f"{value:.{digits}f}").is_zero():
        return "+" + written
    return written


def short_number(value: float, digits: int, language: str) -> str:
    """``value`` rounded to at most ``digits`` decimals without trailing zeros, not grouped:
    ``2.5``, ``47``, ``0,25`` (a score or a time as one would write it in a cell)."""
    if not math.isfinite(value):
        return str(value)
    written = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return format_decimal(Decimal(written), locale=_locale(language), decimal_quantization=False, group_separator=False)


def plain(value: float | int, language: str) -> str:
    """A number as written in a contract, with all its decimals and no grouping: ``12``, ``0.5``
    (``0,5`` in Turkish); a whole float without its ``.0``."""
    written = str(int(value)) if float(value).is_integer() else str(value)
    return format_decimal(Decimal(written), locale=_locale(language), decimal_quantization=False, group_separator=False)


def count(n: int, language: str) -> str:
    """A whole number, grouped as the locale groups thousands (``1,234``, ``1.234``)."""
    return format_decimal(int(n), locale=_locale(language))


def percent(share: float | None, language: str) -> str:
    """A share as a whole percentage, as the locale writes it: ``87%`` in English, ``%87`` in
    Turkish ("" when missing)."""
    if _blank(share):
        return ""
    whole = Decimal(f"{100 * float(share):.0f}")
    return format_percent(whole / 100, locale=_locale(language))


def p_text(value: float, language: str) -> str:
    """``p < 0.001`` or ``p = 0.042`` (``p = 0,042`` in Turkish)."""
    if value < 0.001:
        return catalogue(language).text("formats.p_below", p=number(0.001, 3, language))
    return catalogue(language).text("formats.p_equals", p=number(value, 3, language))


def p_cell(value: float, language: str) -> str:
    """A p-value for a table cell: ``<0.001`` or ``0.042`` (``0,042`` in Turkish), "" when blank."""
    if _blank(value):
        return ""
    if value < 0.001:
        return catalogue(language).text("formats.p_below_cell", p=number(0.001, 3, language))
    return number(value, 3, language)


def date(day: dt.date, language: str) -> str:
    """A date in the catalogue's ``formats.date`` (a Babel width or a CLDR pattern): ``2026-11-24``
    in English, ``24.11.2026`` in Turkish."""
    style = catalogue(language).text("formats.date")
    return format_date(day, format=style, locale=_locale(language))


def month(day: dt.date, language: str) -> str:
    """A month in the catalogue's ``formats.month`` (a CLDR pattern): ``Sep 2022`` in English,
    ``Eylül 2022`` in Turkish."""
    return format_date(day, format=catalogue(language).text("formats.month"), locale=_locale(language))


def listing(items: list[str], language: str) -> str:
    """Items joined as the locale lists them: ``a, b, and c`` in English, ``a, b ve c`` in
    Turkish (CLDR's list pattern)."""
    return format_list(list(items), locale=_locale(language)) if items else ""


def decimal_symbol(language: str) -> str:
    """The locale's decimal mark: ``.`` in English, ``,`` in Turkish."""
    return get_decimal_symbol(_locale(language))


def csv_separator(language: str) -> str:
    """The separator spreadsheet programs of the locale expect in a CSV file: ``;`` where the
    decimal mark is a comma (Turkish-locale Excel), ``,`` elsewhere."""
    return ";" if decimal_symbol(language) == "," else ","


def capitalise(text: str, language: str) -> str:
    """First letter upper-cased, the Turkish way in Turkish (i -> İ)."""
    if not text:
        return text
    first = "İ" if text[0] == "i" and _locale(language).language in _DOTTED_I else text[0].upper()
    return first + text[1:]
