"""A plan with a knowledge test scored item by item (source: test) and exams with their item
responses runs end to end: the test's pre/post and partner-versus-control rows, the item analysis
(results/test_reliability.csv, test_items.csv) against a computation from the data file here, the
report's section on the tests, and a plan whose test has no item_responses table refused."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.cli import main
from evaluation.demo.params import DemoParameters, KnowledgeTest
from evaluation.demo.writer import write_demo_data
from evaluation.errors import EXIT_OK, EXIT_UNREADABLE
from evaluation.wording import text as text_of

from conftest import plan_for

pytestmark = pytest.mark.slow  # runs the whole pipeline

OUTCOMES = [
    {"id": "mathematics", "source": "exam", "subject": "mathematics", "domain": "academic"},
    {"id": "ethics", "source": "test", "test": "ethical_consumption", "domain": "citizenship"},
]
PARAMS = replace(
    DemoParameters(),
    partnership_sizes=(2, 3),
    partnership_types=("science_high_school", "anatolian_high_school"),
    students_per_grade=(15, 20),
    exam_item_responses=True,
    knowledge_test=KnowledgeTest(n_items=12),
)


@pytest.fixture(scope="module")
def item_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, Path]:
    data = write_demo_data(tmp_path_factory.mktemp("items") / "2022-2023", params=PARAMS)
    plan = plan_for(data, tmp_path_factory.mktemp("plan"), outcomes=OUTCOMES, subgroups=[], programme="Items")
    out = tmp_path_factory.mktemp("run") / "out"
    return main(["run", str(plan), "--out", str(out)]), out, data


def _responses(data: Path) -> pd.DataFrame:
    return pd.read_csv(data / "item_responses.csv", dtype={"student_id": str, "school_id": str, "item": str})


def test_the_item_analysis_agrees_with_the_data_file(item_run):
    code, out, data = item_run
    assert code == EXIT_OK
    tests = pd.read_csv(out / "shared" / "results" / "test_reliability.csv")
    items = pd.read_csv(out / "shared" / "results" / "test_items.csv", dtype={"item": str})
    assert sorted(set(tests["test_id"])) == ["english", "ethical_consumption", "mathematics", "science", "turkish"]
    responses = _responses(data)
    for (test_id, wave), rows in responses.groupby(["test_id", "wave"]):
        wide = rows.pivot(index="student_id", columns="item", values="score").dropna().to_numpy(float)
        k = wide.shape[1]
        p = wide.mean(axis=0)
        total = wide.sum(axis=1)
        kr20 = k / (k - 1) * (1 - (p * (1 - p)).sum() / total.var())
        row = tests[(tests["test_id"] == test_id) & (tests["wave"] == wave)].iloc[0]
        assert row["n"] == len(wide) and row["n_items"] == k and row["method"] == "kr20"
        assert row["reliability"] == pytest.approx(kr20, abs=1e-10)
        assert row["mean_total"] == pytest.approx(total.mean(), abs=1e-10)
        cell = items[(items["test_id"] == test_id) & (items["wave"] == wave)]
        assert cell["difficulty"].to_numpy() == pytest.approx(p, abs=1e-12)
    shared = "\n".join(path.read_text(encoding="utf-8") for path in (out / "shared" / "results").glob("test_*.csv"))
    assert not any(student in shared for student in responses["student_id"].unique()[:200])


def test_the_knowledge_test_is_an_outcome_before_and_after(item_run):
    code, out, data = item_run
    assert code == EXIT_OK
    responses = _responses(data)
    test = responses[responses["test_id"] == "ethical_consumption"]
    percent = test.groupby(["student_id", "school_id", "wave"])["score"].mean().mul(100).unstack("wave").dropna()
    schools = pd.read_csv(data / "schools.csv", dtype=str).set_index("school_id")["group"]
    partner = percent[percent.index.get_level_values("school_id").map(schools) == "partner"]
    effects = pd.read_csv(out / "shared" / "results" / "effects.csv")
    row = effects[
        (effects["outcome"] == "ethics")
        & (effects["analysis"] == "prepost")
        & (effects["method"] == "paired_cr2")
        & (effects["group"] == "partner")
    ].iloc[0]
    assert row["n_treatment"] == len(partner)
    assert row["estimate"] == pytest.approx((partner["post"] - partner["pre"]).mean(), abs=1e-9)
    headline = effects[
        (effects["outcome"] == "ethics") & (effects["method"] == "ancova_cr2") & (effects["subgroup"] == "all")
    ]
    assert len(headline) == 1 and np.isfinite(headline["estimate"].iloc[0])


def test_the_report_shows_the_tests_and_names_weak_items(item_run):
    code, out, _ = item_run
    assert code == EXIT_OK
    page = (out / "shared" / "report.html").read_text(encoding="utf-8")
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    bullets = [
        re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", li))).strip()
        for li in re.findall(r"<li>(.*?)</li>", page, flags=re.S)
    ]
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    assert text_of("report.sections.test_items.heading", "en") in text
    assert "ethical consumption" in text and "percentage points" in text
    items = pd.read_csv(out / "shared" / "results" / "test_items.csv", dtype={"item": str})
    for wave in ("pre", "post"):
        cell = items[(items["test_id"] == "mathematics") & (items["wave"] == wave)]
        weak = set(cell.loc[cell["corrected_point_biserial"] < 0.2, "item"])
        start = f"Mathematics, {text_of(f'labels.{wave}', 'en')}:"
        (bullet,) = [b for b in bullets if b.startswith(start)]
        named = set(re.findall(r"\bq\d\d\b", bullet))
        if weak == set(cell["item"]):  # every item weak: said in one sentence, no item named
            assert "tells the students apart little" in bullet and not named
        else:
            assert named == weak, (bullet, weak)
    for absent in ("Traceback", "Error", "test_id"):
        assert absent not in text, absent


def test_a_test_outcome_without_item_responses_is_refused(tmp_path):
    data = write_demo_data(tmp_path / "data", params=replace(PARAMS, exam_item_responses=False, knowledge_test=None))
    plan = plan_for(data, tmp_path, outcomes=OUTCOMES, subgroups=[])
    assert main(["run", str(plan), "--out", str(tmp_path / "out")]) == EXIT_UNREADABLE
