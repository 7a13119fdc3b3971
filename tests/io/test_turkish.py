"""Turkish-aware matching of headers and labels (evaluation.io.turkish)."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.io.turkish import canonical_header, canonicalise, lookup, lower_tr, match_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ISPARTA", "ısparta"),
        ("İZMİR", "izmir"),
        ("Iğdır", "ığdır"),
        ("ÖĞRENCİ", "öğrenci"),
    ],
)
def test_lower_tr_keeps_the_dotted_and_dotless_i_apart(text: str, expected: str) -> None:
    assert lower_tr(text) == expected
    assert "\u0307" not in lower_tr(text)  # no combining dot, which str.lower leaves after İ


@pytest.mark.parametrize("spelling", ["Ön test", "ÖN TEST", "ön-test", "on test", "On_Test", "  Ön  test "])
def test_spellings_of_one_label_share_a_match_key(spelling: str) -> None:
    assert match_key(spelling) == "on test"


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Okul Kodu", "school_id"),
        ("OKUL KODU", "school_id"),
        ("okul_kodu", "school_id"),
        ("Öğrenci No", "student_id"),
        ("ÖĞRENCİ NO", "student_id"),
        ("Ogrenci No", "student_id"),
        ("Sınıf", "grade"),
        ("SINIF", "grade"),
        ("Cinsiyet", "sex"),
        ("Puan", "score"),
        ("Doğru", "correct"),
        ("Yanlış", "wrong"),
        ("Boş", "blank"),
        ("Zaman damgası", "submitted_at"),
        ("School ID", "school_id"),
        ("\ufeffschool_id", "school_id"),
        ("Student_ID", "student_id"),
    ],
)
def test_turkish_and_english_headers_map_to_their_column(header: str, column: str) -> None:
    assert canonical_header(header) == column


@pytest.mark.parametrize(
    ("header", "column"),
    [("BEL_1", "bel_1"), ("tc_3", "tc_3"), ("İTEM_2", "item_2"), ("Öğretmen Görüşü", "ogretmen gorusu")],
)
def test_other_headers_are_lower_cased_and_folded(header: str, column: str) -> None:
    assert canonical_header(header) == column


def test_canonicalise_maps_known_spellings_and_leaves_the_rest_for_the_rules() -> None:
    table = lookup({"Ön test": "pre", "Son test": "post"}, canonical=["pre", "post"])
    values = pd.Series(["ÖN TEST", "son test", "PRE", "Post", "ara test", None], dtype="str")
    result = canonicalise(values, table)
    assert result.tolist()[:5] == ["pre", "post", "pre", "post", "ara test"]
    assert pd.isna(result.iloc[5]) and result.dtype == values.dtype


def test_turkish_capital_i_in_a_code_still_matches() -> None:
    table = lookup({"K": "F", "E": "M", "Kız": "F", "Erkek": "M"}, canonical=["F", "M"])
    values = pd.Series(["KIZ", "kiz", "ERKEK", "e", "f"], dtype="str")
    assert canonicalise(values, table).tolist() == ["F", "F", "M", "M", "F"]
