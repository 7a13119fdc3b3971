"""Turkish national ID numbers found in tables without showing them (evaluation.io.national_ids)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.io.national_ids import (
    MASK,
    is_national_id,
    mask_national_ids,
    national_id_counts,
    national_id_values,
    valid_national_ids,
)


def with_checksum(nine: str) -> str:
    """The T.C. Kimlik No whose first nine digits are ``nine``, written out from the rule:
    d10 = ((d1+d3+d5+d7+d9)*7 - (d2+d4+d6+d8)) mod 10, d11 = (d1+...+d10) mod 10."""
    d = [int(c) for c in nine]
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    return f"{nine}{d10}{(sum(d) + d10) % 10}"


#: Valid numbers, the first the one public test number of the T.C. Kimlik scheme.
VALID = ["10000000146", with_checksum("312345678"), with_checksum("987654321"), with_checksum("200000000")]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_pass(number: str) -> None:
    assert is_national_id(number)
    assert valid_national_ids([number]).tolist() == [True]


@pytest.mark.parametrize(
    "text",
    [
        "10000000147",  # d11 wrong
        "10000000156",  # d10 wrong
        "01000000146",  # first digit 0 (a phone number 05xx... is never one)
        "1000000014",  # 10 digits
        "100000001460",  # 12 digits
        " 10000000146",  # not only digits
        "10000000146.0",
        "1000000014a",
        "١٠٠٠٠٠٠٠١٤٦",  # Arabic-Indic digits are digits to Python's \d, not to the check
        "S0000000146",
        "p_1a2b3c4d5e6f7a8b",
    ],
)
def test_other_texts_do_not(text: str) -> None:
    assert not is_national_id(text)


def test_the_vectorised_check_agrees_with_the_rule_on_random_numbers() -> None:
    rng = np.random.default_rng(20261201)
    numbers = [str(n).zfill(11) for n in rng.integers(0, 10**11, size=20_000)]
    numbers += [with_checksum(str(n)) for n in rng.integers(10**8, 10**9, size=2_000)]
    expected = [n[0] != "0" and with_checksum(n[:9]) == n for n in numbers]
    assert valid_national_ids(numbers).tolist() == expected
    assert [is_national_id(n) for n in numbers] == expected
    assert 2_000 <= sum(expected) <= 2_400  # about 1 in 100 random 11-digit numbers passes


def test_counts_per_column_never_the_values() -> None:
    frame = pd.DataFrame(
        {
            "student_id": [VALID[0], VALID[1], VALID[0], None, "ST04"],
            "school_id": ["S01"] * 5,
            "tc_kimlik_no": [VALID[2], "10000000147", None, None, VALID[3]],
            "score": ["72.5", "12345678901", "", None, "90"],  # 12345678901 fails the checksum
        },
        dtype="str",
    )
    assert not is_national_id("12345678901")
    assert national_id_counts(frame) == {"student_id": 3, "tc_kimlik_no": 2}
    assert national_id_values(frame["student_id"]).to_dict() == {VALID[0]: 2, VALID[1]: 1}
    assert national_id_values(frame["school_id"]).empty


def test_a_header_that_is_a_national_id_counts_under_its_position() -> None:
    """A file without its header row: the first student's number became a column name."""
    frame = pd.DataFrame({"S01": ["S01"], VALID[1]: [VALID[2]]}, dtype="str")
    assert national_id_counts(frame) == {"column 2": 2}


def test_object_columns_and_empty_frames() -> None:
    assert national_id_counts(pd.DataFrame({"a": pd.Series([VALID[0], 5, None], dtype=object)})) == {"a": 1}
    assert national_id_counts(pd.DataFrame({"a": pd.Series([], dtype="str")})) == {}
    assert national_id_counts(pd.DataFrame({"a": pd.Series([None, None], dtype="str")})) == {}


def test_mask_takes_national_ids_out_of_a_text() -> None:
    text = f"row 5 has 13 cells (extra value '{VALID[1]}'); 10000000147, 123456789012 and {VALID[0]}9 stay"
    assert mask_national_ids(text) == (
        f"row 5 has 13 cells (extra value '{MASK}'); 10000000147, 123456789012 and {VALID[0]}9 stay"
    )
