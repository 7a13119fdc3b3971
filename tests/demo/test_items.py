"""The demo's item responses: exam answer sheets item by item agree with exam_results, the knowledge
test follows its settings, the partnership scenario writes them and the national demo does not."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from evaluation.demo.items import ITEM_RESPONSE_COLUMNS, build_knowledge_test, exam_item_responses, item_ids
from evaluation.demo.params import DemoParameters, KnowledgeTest
from evaluation.demo.randomness import random_stream
from evaluation.demo.scenarios import write_partnership
from evaluation.demo.writer import write_demo_data


def small_exams() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    n = 60
    correct = rng.integers(0, 21, n)
    return pd.DataFrame(
        {
            "student_id": [f"S{i:03d}" for i in range(n)],
            "school_id": np.where(np.arange(n) < 30, "A", "B"),
            "wave": np.where(np.arange(n) % 2 == 0, "pre", "post"),
            "subject": "mathematics",
            "n_items": 20,
            "correct": correct,
        }
    )


def test_exam_items_add_up_to_the_correct_counts():
    exams = small_exams()
    items = exam_item_responses(np.random.default_rng(7), exams)
    assert list(items.columns) == ITEM_RESPONSE_COLUMNS
    assert len(items) == 20 * len(exams)
    assert set(items["score"]) <= {0, 1}
    assert sorted(items["item"].unique()) == item_ids(20) == [f"q{i:02d}" for i in range(1, 21)]
    sums = items.groupby(["student_id", "wave"])["score"].sum()
    expected = exams.set_index(["student_id", "wave"])["correct"]
    pd.testing.assert_series_equal(sums.sort_index(), expected.sort_index(), check_names=False, check_dtype=False)
    assert (items["test_id"] == "mathematics").all()


def test_easier_items_are_right_more_often_and_discriminate():
    exams = pd.concat([small_exams()] * 20, ignore_index=True)
    exams["student_id"] = [f"S{i:05d}" for i in range(len(exams))]
    items = exam_item_responses(np.random.default_rng(3), exams)
    wide = items[items["wave"] == "pre"].pivot(index="student_id", columns="item", values="score")
    total = wide.sum(axis=1)
    rest_r = [np.corrcoef(wide[c], total - wide[c])[0, 1] for c in wide.columns]
    assert min(rest_r) > 0  # counts spread from 0 to 20: every item goes with the rest
    assert wide.mean().max() - wide.mean().min() > 0.2  # items differ in difficulty


def test_knowledge_test_follows_its_settings():
    students = pd.DataFrame({"student_id": [f"S{i:04d}" for i in range(2000)], "school_id": ["A", "B"] * 1000})
    schools = pd.DataFrame({"school_id": ["A", "B"], "group": ["partner", "control"]})
    test = KnowledgeTest(n_items=12, growth=0.0, partner_effect=1.5, response_rate=0.8)
    rows = build_knowledge_test(random_stream(5, "kt"), students, schools, test)
    assert list(rows.columns) == ITEM_RESPONSE_COLUMNS
    assert set(rows["test_id"]) == {"ethical_consumption"} and rows["item"].nunique() == 12
    per_wave = rows.groupby("wave")["student_id"].nunique()
    assert per_wave["pre"] / 2000 == pytest.approx(0.8, abs=0.03)
    assert (rows.groupby(["student_id", "wave"]).size() == 12).all()
    share = rows.groupby(["wave", "school_id"])["score"].mean()
    gain_partner = share["post", "A"] - share["pre", "A"]
    gain_control = share["post", "B"] - share["pre", "B"]
    assert gain_partner > 0.1 and abs(gain_control) < 0.05


PAIR = dict(partnership_sizes=(2,), partnership_types=("science_high_school",), controls_per_partner_school=0)


@pytest.mark.slow  # writes two demo programmes (about 0.5 s)
def test_item_responses_are_off_by_default_and_leave_the_other_tables_unchanged(tmp_path):
    with np.errstate(divide="ignore"):  # the schools generator divides by zero controls per partner school
        plain = write_demo_data(tmp_path / "plain", params=replace(DemoParameters(), **PAIR))
        pair = write_partnership(tmp_path / "pair")
    assert not (plain / "item_responses.csv").exists()
    assert sorted(p.name for p in pair.rglob("*.csv")) == sorted(
        [*(p.name for p in plain.rglob("*.csv")), "item_responses.csv"]
    )
    for path in plain.rglob("*.csv"):
        assert (pair / path.relative_to(plain)).read_bytes() == path.read_bytes(), path.name
    responses = pd.read_csv(pair / "item_responses.csv", dtype={"student_id": str, "school_id": str})
    exams = pd.read_csv(pair / "exam_results.csv", dtype={"student_id": str, "school_id": str})
    sums = responses.groupby(["test_id", "student_id", "wave"])["score"].sum()
    correct = exams.set_index(["subject", "student_id", "wave"])["correct"]
    assert sums.sort_index().tolist() == correct.sort_index().tolist()
    assert set(responses["test_id"]) == set(exams["subject"])
