"""The report's words on the tests scored item by item: which items are named as weak or negative,
in English and Turkish, and the table of tests."""

from __future__ import annotations

import math

import pandas as pd

from evaluation.reporting.item_analysis import overview_of_tests, weak_item_sentences

TESTS = pd.DataFrame(
    {
        "test_id": ["ethical_consumption", "ethical_consumption", "mathematics"],
        "wave": ["pre", "post", "pre"],
        "n": [40, 38, math.nan],
        "n_items": [4, 4, 20],
        "method": ["kr20", "kr20", "kr20"],
        "reliability": [0.71, 0.74, math.nan],
        "mean_total": [2.5, 2.9, math.nan],
        "sd_total": [1.1, 1.0, math.nan],
        "max_total": [4.0, 4.0, 20.0],
        "mean_difficulty": [0.62, 0.72, math.nan],
        "suppressed": [False, False, True],
        "note": ["", "", "small_group"],
    }
)
ITEMS = pd.DataFrame(
    {
        "test_id": ["ethical_consumption"] * 8 + ["mathematics"],
        "wave": ["pre"] * 4 + ["post"] * 4 + ["pre"],
        "item": ["q1", "q2", "q3", "q4"] * 2 + ["q1"],
        "corrected_point_biserial": [0.35, 0.12, -0.05, 0.41, 0.30, 0.25, 0.22, 0.40, math.nan],
        "suppressed": [False] * 8 + [True],
    }
)


def test_weak_and_negative_items_are_named_and_suppressed_cells_are_not():
    text = str(weak_item_sentences(TESTS, ITEMS, "en"))
    lines = text.splitlines()
    assert len(lines) == 2  # the suppressed mathematics cell says nothing
    assert lines[0] == (
        "- Ethical consumption, before (pre): one of its 4 items, q2, correlates weakly with the rest of the test "
        "(below 0.20). Item q3 correlates negatively with the rest of the test: check its answer key and its wording."
    )
    assert lines[1] == (
        "- Ethical consumption, after (post): every item's correlation with the rest of the test is 0.20 or more."
    )


def test_turkish_sentences_and_table():
    text = str(weak_item_sentences(TESTS, ITEMS, "tr"))
    assert "Etik tüketim, ön test: 4 maddeden biri, q2, testin geri kalanıyla zayıf" in text
    assert "0,20" in text and "q3 maddesi testin geri kalanıyla ters yönde ilişkili" in text
    table = overview_of_tests(TESTS, "tr")
    assert list(table.columns)[:6] == ["test", "uygulama", "n", "madde", "katsayı", "güvenirlik"]
    assert table["en yüksek toplam puan"].tolist() == [4, 4, 20]
    assert table["açıklama"].iloc[2].startswith("öğrenci sayısı planın en küçük grup büyüklüğünün altında")


def test_a_test_whose_items_all_correlate_weakly_is_said_so_in_one_sentence():
    items = ITEMS.assign(corrected_point_biserial=[0.1, 0.05, 0.0, 0.19, 0.3, 0.3, 0.3, 0.3, math.nan])
    lines = str(weak_item_sentences(TESTS, items, "en")).splitlines()
    assert lines[0] == (
        "- Ethical consumption, before (pre): every one of its 4 items correlates weakly with the rest of the test "
        "(below 0.20), so the test as a whole tells the students apart little."
    )
    assert "q1" not in lines[0]


def test_test_and_item_names_from_the_data_are_escaped():
    tests = TESTS.assign(test_id=["<b>x</b>", "<b>x</b>", "mathematics"])
    items = ITEMS.assign(
        test_id=["<b>x</b>"] * 8 + ["mathematics"], item=["*q1*", "[q2](javascript:1)", "q3", "q4"] * 2 + ["q1"]
    )
    text = str(weak_item_sentences(tests, items, "en"))
    assert "<b>" not in text and "&lt;b&gt;x&lt;/b&gt;" in text
    assert "\\[q2\\](javascript:1)" in text  # the brackets escaped: no link
