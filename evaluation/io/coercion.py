"""Turn the text of a column into typed values, per ODCS logicalType.

A value parses when it has one of the forms below; an empty cell stays missing, and a non-empty
value that does not parse becomes missing too, which the contract's ``<column>_type`` rule then
reports (great-expectations checks that every non-empty text has a typed value).

| logicalType | accepted text |
|---|---|
| integer | ``12``, ``-3``, ``12.0`` (whole numbers only) |
| number | ``72.5``, ``72,5``, ``-1e3`` (finite) |
| boolean | true/false, 1/0, yes/no, y/n, evet/hayır, e/h (any case) |
| date | ``2023-05-12``, ``12.05.2023``, ``12/05/2023`` (a time part is dropped) |
| timestamp | the date forms with an optional time ``HH:MM[:SS]``, ISO 8601 with ``T`` and a zone |
| string | anything |
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

TYPED_LOGICAL_TYPES = ("integer", "number", "boolean", "date", "timestamp")
STRING_LOGICAL_TYPES = ("string",)
LOGICAL_TYPES = STRING_LOGICAL_TYPES + TYPED_LOGICAL_TYPES

TYPE_DESCRIPTIONS = {
    "integer": "must be a whole number",
    "number": "must be a number",
    "boolean": "must be true or false (also 1/0, yes/no, evet/hayır)",
    "date": "must be a date (YYYY-MM-DD or DD.MM.YYYY)",
    "timestamp": "must be a date and time (YYYY-MM-DD HH:MM or DD.MM.YYYY HH:MM)",
}

_TRUE = {"true", "t", "1", "1.0", "yes", "y", "evet", "e"}
_FALSE = {"false", "f", "0", "0.0", "no", "n", "hayır", "hayir", "h"}

_TIME = r"(?:[ T](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?"
_ZONE = r"(?P<zone>Z|[+-]\d{2}:?\d{2})?"
_DATE_FORMS = (
    (re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME + _ZONE + "$"), "iso"),
    (re.compile(r"^(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})" + _TIME + "$"), "dmy"),
)


def parse_integer(text: pd.Series) -> pd.Series:
    """Whole numbers as float64 (NaN where empty or not a whole number)."""
    values = parse_number(text)
    return values.where(np.isclose(values, np.round(values), rtol=0, atol=1e-9) | values.isna())


def parse_number(text: pd.Series) -> pd.Series:
    """Finite numbers as float64 (NaN where empty or not a number); a decimal comma is accepted."""
    cleaned = text.str.replace(r"^([+-]?\d+),(\d+)$", r"\1.\2", regex=True)
    values = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    return values.where(np.isfinite(values))


def parse_boolean(text: pd.Series) -> pd.Series:
    """Booleans (pandas ``boolean``, NA where empty or not a boolean)."""
    lowered = text.str.lower()
    result = pd.Series(pd.NA, index=text.index, dtype="boolean")
    result[lowered.isin(_TRUE).fillna(False).astype(bool)] = True
    result[lowered.isin(_FALSE).fillna(False).astype(bool)] = False
    return result


def parse_timestamp(text: pd.Series) -> pd.Series:
    """Dates and times as naive datetime64 (NaT where empty or not a date); zones go to UTC."""
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    present = text.dropna()
    for pattern, _form in _DATE_FORMS:
        parts = present.str.extract(pattern)
        matched = parts["y"].notna()
        if not matched.any():
            continue
        parts = parts[matched]
        iso = parts["y"] + "-" + parts["m"].str.zfill(2) + "-" + parts["d"].str.zfill(2)
        time = parts["time"].fillna("00:00")
        time = time.str.replace(r"^(\d):", r"0\1:", regex=True)
        zone = parts["zone"].fillna("") if "zone" in parts else ""
        stamp = pd.to_datetime(iso + "T" + time + zone, format="ISO8601", errors="coerce", utc=True)
        result[stamp.index] = stamp.dt.tz_localize(None).astype("datetime64[us]")
    return result


def parse_date(text: pd.Series) -> pd.Series:
    """Dates as datetime64 at midnight (NaT where empty or not a date)."""
    return parse_timestamp(text).dt.normalize()


PARSERS = {
    "integer": parse_integer,
    "number": parse_number,
    "boolean": parse_boolean,
    "date": parse_date,
    "timestamp": parse_timestamp,
}


def parse(text: pd.Series, logical_type: str) -> pd.Series:
    """Typed values of a text column (strings are returned as they are).

    Each distinct text is parsed once: school data repeats a few thousand distinct scores, dates
    and grades over millions of rows, so this is what makes national tables quick to check."""
    parser = PARSERS.get(logical_type)
    if parser is None:
        return text
    codes, distinct = pd.factorize(text, use_na_sentinel=True)
    if len(distinct) * 2 > len(text):
        return parser(text)
    parsed = parser(pd.Series(distinct, dtype=text.dtype))
    missing = (
        pd.Series([pd.NA], dtype=parsed.dtype) if parsed.dtype == "boolean" else pd.Series([None], dtype=parsed.dtype)
    )
    values = pd.concat([parsed, missing], ignore_index=True)  # code -1 (empty cell) -> last
    return pd.Series(values.to_numpy()[codes], index=text.index, dtype=parsed.dtype)


def canonical(values: pd.Series, logical_type: str) -> pd.Series:
    """The dtype a column has in the accepted frames: Int64, float64, bool (``boolean`` when some
    are missing), datetime64 or str."""
    if logical_type == "integer":
        return values.round().astype("Int64")
    if logical_type == "number":
        return values.astype("float64")
    if logical_type == "boolean":
        return values.astype("bool") if not values.isna().any() else values.astype("boolean")
    if logical_type in ("date", "timestamp"):
        return values
    return values.astype("str")
