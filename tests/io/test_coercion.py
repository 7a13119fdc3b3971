"""Typing text columns: `parse` parses each distinct text once and gives what the parser gives."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.io.coercion import PARSERS, parse

TEXTS = ["1", "2,5", None, "x", "12.0", "12.05.2023", "2023-05-01 08:30", "evet", "hayır", "31.02.2023", "true", "-3"]


@pytest.mark.parametrize("logical_type", sorted(PARSERS))
def test_parse_by_distinct_values_equals_parsing_every_row(logical_type):
    text = pd.Series(TEXTS * 5, dtype="str", index=range(100, 100 + 5 * len(TEXTS)))
    parsed = parse(text, logical_type)
    pd.testing.assert_series_equal(parsed, PARSERS[logical_type](text))
    assert parsed.index.equals(text.index)


def test_parse_keeps_empty_cells_missing_and_reads_turkish_forms():
    text = pd.Series(["72,5", None, "72.5", "12.05.2023", None] * 3, dtype="str")
    numbers = parse(text, "number")
    assert numbers.iloc[:5].tolist()[0] == 72.5 and numbers.iloc[:5].isna().tolist() == [False, True, False, True, True]
    dates = parse(text, "date")
    assert dates.iloc[3] == pd.Timestamp("2023-05-12") and dates.isna().sum() == 12
