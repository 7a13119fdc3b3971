"""results/test_items.csv and test_reliability.csv rows: item difficulty, point-biserial and
corrected point-biserial, KR-20 (alpha for items in points), totals; checked by hand with numpy
and against psych::alpha (tests/r/item_analysis.R -> item_analysis.json: R 4.2.2, psych 2.2.9)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis.item_analysis import ITEM_COLUMNS, TEST_COLUMNS, item_analysis, weak_items
from evaluation.analysis.scores import knowledge_test_scores

R_DIR = Path(__file__).parents[1] / "r"
REFERENCE = json.loads((R_DIR / "item_analysis.json").read_text())


def long_rows(wide: pd.DataFrame, test_id: str, wave: str, max_score: float | None = None) -> pd.DataFrame:
    """The wide item scores (one row per student) as item_responses rows."""
    frame = wide.copy()
    frame.index = [f"{test_id}-{wave}-{i}" for i in range(len(frame))]
    frame.index.name = "student_id"
    rows = frame.reset_index().melt(id_vars="student_id", var_name="item", value_name="score")
    return rows.assign(test_id=test_id, wave=wave, school_id="S1", max_score=np.nan if max_score is None else max_score)


def by_hand(values: np.ndarray, maxima: np.ndarray) -> dict[str, np.ndarray | float]:
    """Difficulty, the two point-biserials and KR-20/alpha computed here with numpy."""
    k = values.shape[1]
    total = values.sum(axis=1)
    difficulty = values.mean(axis=0) / maxima
    r = np.array([np.corrcoef(values[:, j], total)[0, 1] for j in range(k)])
    r_rest = np.array([np.corrcoef(values[:, j], total - values[:, j])[0, 1] for j in range(k)])
    item_var = values.var(axis=0, ddof=1).sum()
    alpha = k / (k - 1) * (1 - item_var / total.var(ddof=1))
    return {"difficulty": difficulty, "r": r, "r_rest": r_rest, "alpha": alpha, "total": total}


def constructed() -> pd.DataFrame:
    """Twelve students, four right/wrong items; item d is answered right by the weaker students."""
    return pd.DataFrame(
        {
            "a": [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1],
            "b": [1, 1, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0],
            "c": [1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1],
            "d": [0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 1, 0],
        }
    )


def test_constructed_test_against_numpy_by_hand():
    wide = constructed()
    responses = long_rows(wide, "ethics", "pre")
    tests, items = item_analysis(responses, min_cell_size=10)
    assert list(tests.columns) == TEST_COLUMNS and list(items.columns) == ITEM_COLUMNS
    hand = by_hand(wide.to_numpy(float), np.ones(4))
    assert items["difficulty"].to_numpy() == pytest.approx(hand["difficulty"], abs=1e-12)
    assert items["difficulty"].tolist() == pytest.approx([10 / 12, 6 / 12, 6 / 12, 5 / 12])
    assert items["point_biserial"].to_numpy() == pytest.approx(hand["r"], abs=1e-12)
    assert items["corrected_point_biserial"].to_numpy() == pytest.approx(hand["r_rest"], abs=1e-12)
    row = tests.iloc[0]
    assert row["method"] == "kr20" and row["n"] == 12 and row["n_items"] == 4
    # KR-20 by its own formula: sum p q over the population variance of the total
    p = wide.to_numpy(float).mean(axis=0)
    total = hand["total"]
    kr20 = 4 / 3 * (1 - (p * (1 - p)).sum() / total.var(ddof=0))
    assert row["reliability"] == pytest.approx(kr20, abs=1e-12)
    assert row["reliability"] == pytest.approx(hand["alpha"], abs=1e-12)  # KR-20 is alpha of 0/1 items
    assert row["mean_total"] == pytest.approx(total.mean()) and row["sd_total"] == pytest.approx(total.std(ddof=1))
    assert row["mean_difficulty"] == pytest.approx(hand["difficulty"].mean())
    assert row["max_total"] == 4.0
    # item d works against the test: named as negative by weak_items, and so is nothing else above 0.2
    assert hand["r_rest"][3] < 0
    named = weak_items(items)
    assert set(named["item"]) == {item for item, r in zip("abcd", hand["r_rest"], strict=True) if r < 0.2}
    assert "d" in set(named["item"])


def test_lsat6_against_psych():
    wide = pd.read_csv(R_DIR / "data" / "lsat6.csv")
    tests, items = item_analysis(long_rows(wide, "lsat6", "post"), min_cell_size=10)
    ref = REFERENCE["lsat6"]
    assert tests.loc[0, "reliability"] == pytest.approx(ref["kr20"], rel=1e-9)
    assert items["difficulty"].tolist() == pytest.approx(ref["difficulty"], rel=1e-12)
    assert items["point_biserial"].tolist() == pytest.approx(ref["point_biserial"], rel=1e-9)
    assert items["corrected_point_biserial"].tolist() == pytest.approx(ref["corrected"], rel=1e-9)
    assert tests.loc[0, "mean_total"] == pytest.approx(ref["mean_total"], rel=1e-12)
    assert tests.loc[0, "sd_total"] == pytest.approx(ref["sd_total"], rel=1e-12)


def test_items_in_points_get_alpha_against_psych():
    wide = pd.read_csv(R_DIR / "data" / "bfi_agreeableness.csv")[["A2", "A3", "A4", "A5"]]
    tests, items = item_analysis(long_rows(wide, "points", "pre", max_score=6.0), min_cell_size=10)
    ref = REFERENCE["bfi_points"]
    assert tests.loc[0, "method"] == "alpha"
    assert tests.loc[0, "reliability"] == pytest.approx(ref["alpha"], rel=1e-9)
    assert items["difficulty"].tolist() == pytest.approx(ref["difficulty"], rel=1e-12)
    assert items["point_biserial"].tolist() == pytest.approx(ref["point_biserial"], rel=1e-9)
    assert items["corrected_point_biserial"].tolist() == pytest.approx(ref["corrected"], rel=1e-9)
    assert tests.loc[0, "sd_total"] == pytest.approx(ref["sd_total"], rel=1e-12)
    assert tests.loc[0, "max_total"] == 24.0


def test_small_group_is_blanked_with_a_note():
    wide = constructed().iloc[:9]
    tests, items = item_analysis(long_rows(wide, "ethics", "post"), min_cell_size=10)
    assert tests.loc[0, "suppressed"] and tests.loc[0, "note"] == "small_group"
    assert tests[["n", "reliability", "mean_total", "sd_total", "mean_difficulty"]].isna().all().all()
    assert items[["n", "difficulty", "point_biserial", "corrected_point_biserial"]].isna().all().all()
    assert set(items["note"]) == {"small_group"}
    assert weak_items(items).empty  # nothing is named from a suppressed cell
    assert tests.loc[0, "n_items"] == 4  # the number of items is not about students


def test_incomplete_students_are_left_out_and_counted_in_the_note():
    wide = constructed()
    responses = long_rows(wide, "ethics", "pre")
    dropped = responses[~((responses["student_id"] == "ethics-pre-0") & (responses["item"] == "b"))]
    tests, items = item_analysis(dropped, min_cell_size=5)
    assert tests.loc[0, "n"] == 11 and tests.loc[0, "note"] == "incomplete:1"
    hand = by_hand(wide.iloc[1:].to_numpy(float), np.ones(4))
    assert items["corrected_point_biserial"].to_numpy() == pytest.approx(hand["r_rest"], abs=1e-12)


def test_constant_item_has_no_correlation_and_waves_are_separate():
    wide = constructed().assign(a=1)
    responses = pd.concat([long_rows(wide, "ethics", "post"), long_rows(constructed(), "ethics", "pre")])
    tests, items = item_analysis(responses, min_cell_size=5)
    assert tests["wave"].tolist() == ["pre", "post"]
    post_a = items[(items["wave"] == "post") & (items["item"] == "a")].iloc[0]
    assert np.isnan(post_a["point_biserial"]) and post_a["note"] == "constant_item"
    assert post_a["difficulty"] == 1.0


def test_knowledge_test_scores_are_the_percentage_of_items_right():
    wide = constructed()
    rows = pd.concat([long_rows(wide, "ethics", "pre"), long_rows(wide.iloc[:3] * 0, "ethics", "post")])
    scores = knowledge_test_scores(rows).set_index(["student_id", "wave"])
    expected = 100 * wide.sum(axis=1).to_numpy() / 4
    pre = scores.xs("pre", level="wave").loc[[f"ethics-pre-{i}" for i in range(12)], "percent_correct"]
    assert pre.to_numpy() == pytest.approx(expected)
    assert (scores.xs("post", level="wave")["percent_correct"] == 0).all()
    points = long_rows(pd.DataFrame({"x": [2.0], "y": [3.0]}), "p", "pre", max_score=4.0)
    assert knowledge_test_scores(points)["percent_correct"].tolist() == [62.5]


def test_a_test_outcome_frame_holds_each_students_percentage_before_and_after():
    from evaluation.analysis.frames import prepost_frame
    from evaluation.config.plan import Outcome
    from evaluation.errors import PlanError

    wide = constructed()
    pre = long_rows(wide, "ethics", "pre")
    post = long_rows(wide.iloc[:6].replace({0: 1}), "ethics", "pre").assign(wave="post")  # six students, all right
    responses = pd.concat([pre, post], ignore_index=True)
    schools = pd.DataFrame({"school_id": ["S1"], "group": ["partner"]})
    outcome = Outcome(id="ethics_outcome", source="test", domain="citizenship", test="ethics")
    frame = prepost_frame({"item_responses": responses, "schools": schools}, outcome, {}).set_index("unit_id")
    frame = frame.loc[[f"ethics-pre-{i}" for i in range(12)]]  # the students in the order of `wide`
    assert frame["pre"].to_numpy() == pytest.approx(100 * wide.sum(axis=1).to_numpy() / 4)
    assert frame["post"].iloc[:6].tolist() == [100.0] * 6 and frame["post"].iloc[6:].isna().all()
    assert (frame["treatment"] == 1).all()
    with pytest.raises(PlanError, match="no accepted item responses for test 'other'; tests in the data: ethics"):
        prepost_frame({"item_responses": responses, "schools": schools}, replace_test(outcome, "other"), {})


def replace_test(outcome, test):
    from dataclasses import replace

    return replace(outcome, test=test)
