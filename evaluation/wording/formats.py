"""Numbers, shares and p-values written as the plan's language writes them."""

from __future__ import annotations

import pandas as pd


def number(value: float, digits: int, language: str) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if language == "tr" else text


def percent(share: float | None, language: str) -> str:
    """A share as a whole percentage: ``87%`` in English, ``%87`` in Turkish ("" when missing)."""
    if share is None or pd.isna(share):
        return ""
    whole = f"{100 * float(share):.0f}"
    return f"%{whole}" if language == "tr" else f"{whole}%"


def p_text(value: float, language: str) -> str:
    """'p < 0.001' or 'p = 0.042' (decimal comma in Turkish)."""
    if value < 0.001:
        return "p < 0" + (",001" if language == "tr" else ".001")
    return "p = " + number(value, 3, language)


def p_cell(value: float, language: str) -> str:
    """A p-value for a table cell: '<0.001' or '0.042' (decimal comma in Turkish), '' when blank."""
    if pd.isna(value):
        return ""
    text = "<0.001" if value < 0.001 else f"{value:.3f}"
    return text.replace(".", ",") if language == "tr" else text


def capitalise(text: str, language: str) -> str:
    """First letter upper-cased, the Turkish way in Turkish (i -> İ)."""
    if not text:
        return text
    first = "İ" if language == "tr" and text[0] == "i" else text[0].upper()
    return first + text[1:]
