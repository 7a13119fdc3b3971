"""Numbers, percentages, p-values and dates written as each language's locale writes them
(Babel), rounded as Python rounds."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from evaluation.wording import (
    capitalise,
    count,
    csv_separator,
    date,
    decimal_symbol,
    number,
    p_cell,
    p_text,
    percent,
    plain,
    short_number,
    signed,
)


@pytest.mark.parametrize(
    ("value", "digits", "en", "tr"),
    [
        (0.25, 2, "0.25", "0,25"),
        (-1.874, 2, "-1.87", "-1,87"),
        (4.0, 2, "4.00", "4,00"),
        (0.165, 2, "0.17", "0,17"),  # Python's rounding of the binary value (Babel alone would write 0.16)
        (11.92, 0, "12", "12"),
        (1234.5, 2, "1,234.50", "1.234,50"),
    ],
)
def test_number(value, digits, en, tr):
    assert number(value, digits, "en") == en == f"{value:,.{digits}f}"
    assert number(value, digits, "tr") == tr


@pytest.mark.parametrize("value", [-0.001, -0.004, -0.0, -1e-12])
def test_a_negative_number_that_rounds_to_zero_is_written_zero_not_minus_zero(value):
    assert f"{value:.2f}" == "-0.00"  # what Python's rounding alone writes
    assert number(value, 2, "en") == "0.00" and number(value, 2, "tr") == "0,00"
    assert number(value, 0, "en") == "0"


@pytest.mark.parametrize(
    ("value", "en", "tr"),
    [
        (1.254, "+1.25", "+1,25"),
        (-0.4, "-0.40", "-0,40"),
        (-0.0018, "0.00", "0,00"),  # a gap change of -0.0018: no sign on a zero
        (0.004, "0.00", "0,00"),
        (0.0, "0.00", "0,00"),
        (0.005001, "+0.01", "+0,01"),
        (-1234.5, "-1,234.50", "-1.234,50"),
    ],
)
def test_signed_writes_the_sign_of_a_change_but_none_on_zero(value, en, tr):
    assert signed(value, 2, "en") == en
    assert signed(value, 2, "tr") == tr


def test_number_without_grouping_and_not_finite():
    assert number(1234.5, 1, "tr", group=False) == "1234,5"
    assert number(math.nan, 2, "en") == "nan"


def test_short_and_plain_numbers():
    assert short_number(2.5, 2, "tr") == "2,5" and short_number(47.0, 2, "en") == "47"
    assert short_number(48.756, 2, "tr") == "48,76" and short_number(1234.0, 2, "en") == "1234"
    assert [plain(v, "en") for v in (12, 12.0, 0.5, 2000)] == ["12", "12", "0.5", "2000"]
    assert plain(72.5, "tr") == "72,5"


def test_count_groups_thousands():
    assert (count(1783, "en"), count(1783, "tr"), count(28, "tr")) == ("1,783", "1.783", "28")


@pytest.mark.parametrize(
    ("share", "en", "tr"),
    [
        (0.87, "87%", "%87"),
        (0.05, "5%", "%5"),
        (1.0, "100%", "%100"),
        (0.125, "12%", "%12"),
        (0.135, "14%", "%14"),
        (None, "", ""),
        (math.nan, "", ""),
    ],
)
def test_percent(share, en, tr):
    assert percent(share, "en") == en
    assert percent(share, "tr") == tr


def test_p_values():
    assert (p_text(0.0004, "en"), p_text(0.0421, "en")) == ("p < 0.001", "p = 0.042")
    assert (p_text(0.0004, "tr"), p_text(0.0421, "tr")) == ("p < 0,001", "p = 0,042")
    assert (p_cell(0.0004, "tr"), p_cell(0.42, "en"), p_cell(math.nan, "en")) == ("<0,001", "0.420", "")


def test_dates():
    day = dt.date(2026, 1, 4)
    assert date(day, "en") == "2026-01-04"
    assert date(day, "tr") == "04.01.2026"


def test_decimal_mark_and_csv_separator():
    assert (decimal_symbol("en"), csv_separator("en")) == (".", ",")
    assert (decimal_symbol("tr"), csv_separator("tr")) == (",", ";")


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [("ingilizce", "tr", "İngilizce"), ("ingilizce", "en", "Ingilizce"), ("", "tr", "")],
)
def test_capitalise_is_turkish_aware(text, language, expected):
    assert capitalise(text, language) == expected
