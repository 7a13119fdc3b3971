"""The demo run's results/scales.csv, items.csv and attrition.csv: the documented columns, and
counts that match what the demo generator implies (evaluation/demo/params.py)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from evaluation.analysis.attrition import ATTRITION_COLUMNS
from evaluation.analysis.reliability import ITEM_COLUMNS, SCALE_COLUMNS
from evaluation.demo.params import DemoParameters

pytestmark = pytest.mark.slow  # the whole module runs the demo programme or validates whole directories

PARAMS = DemoParameters()
EXAMS = ["mathematics", "science", "turkish", "english"]


def near(share: float, p: float, n: int) -> bool:
    """`share` of `n` draws lies within four binomial standard errors of `p`."""
    return abs(share - p) <= 4 * math.sqrt(p * (1 - p) / n)


@pytest.fixture(scope="module")
def results(demo_run: Path) -> dict[str, pd.DataFrame]:
    return {
        name: pd.read_csv(demo_run / "shared" / "results" / f"{name}.csv") for name in ("scales", "items", "attrition")
    }


@pytest.fixture(scope="module")
def roster(demo_data: Path) -> pd.DataFrame:
    """Students per group of the demo data."""
    schools = pd.read_csv(demo_data / "schools.csv")
    return pd.read_csv(demo_data / "students.csv").merge(schools[["school_id", "group"]], on="school_id")


def test_scales_table_has_every_scale_per_wave(results: dict, demo_data: Path) -> None:
    scales = results["scales"]
    assert list(scales.columns) == SCALE_COLUMNS
    assert list(zip(scales["instrument"], scales["scale"], scales["wave"], scales["role"], scales["n_items"])) == [
        ("student_climate", "belonging", "pre", "student", 5),
        ("student_climate", "belonging", "post", "student", 5),
        ("student_climate", "peer_collaboration", "pre", "student", 4),
        ("student_climate", "peer_collaboration", "post", "student", 4),
        ("teacher_collaboration", "collaboration", "pre", "teacher", 5),
        ("teacher_collaboration", "collaboration", "post", "teacher", 5),
    ]
    assert not scales["suppressed"].any()
    # Every demo respondent answers every item: n is the wave's number of responses.
    for instrument in ("student_climate", "teacher_collaboration"):
        waves = pd.read_csv(demo_data / "surveys" / f"{instrument}.csv")["wave"].value_counts()
        mine = scales[scales["instrument"] == instrument]
        assert dict(zip(mine["wave"], mine["n"])) == {"pre": waves["pre"], "post": waves["post"]}
    # Items are the latent trait plus noise (SD 0.5) and rounding: alpha is high but not perfect.
    assert scales["alpha"].between(0.7, 0.95).all()
    assert (scales["alpha_ci_low"] < scales["alpha"]).all() and (scales["alpha"] < scales["alpha_ci_high"]).all()
    # Before the programme the scale means sit at the generator's trait mean (3.2), the SD near
    # that of the trait plus averaged item noise.
    pre = scales[scales["wave"] == "pre"]
    assert (pre["mean"] - PARAMS.survey_pre_mean).abs().max() < 0.1
    assert pre["sd"].between(0.5, 0.8).all()
    post = scales[scales["wave"] == "post"].set_index("scale")["mean"]
    assert (post.to_numpy() > pre.set_index("scale")["mean"].to_numpy()).all()  # growth and partner effects


def test_items_table_has_every_item_per_wave(results: dict) -> None:
    items = results["items"]
    assert list(items.columns) == ITEM_COLUMNS
    assert len(items) == (5 + 4 + 5) * 2
    assert list(items.loc[items["scale"] == "belonging", "item"].unique()) == [f"bel_{i}" for i in range(1, 6)]
    # Reverse-keyed items, once turned round, correlate positively with the rest of their scale.
    assert (items["r_drop"] > 0.4).all() and not items["suppressed"].any()
    assert items["mean"].between(2.8, 3.8).all()


def test_attrition_of_the_exams_matches_the_generator(results: dict, roster: pd.DataFrame) -> None:
    attrition = results["attrition"]
    assert list(attrition.columns) == ATTRITION_COLUMNS
    assert len(attrition) == 7 * 2 * 2  # outcomes x groups x levels
    exams = attrition[attrition["outcome"].isin(EXAMS) & (attrition["level"] == "students")]
    counts = ["n_baseline", "n_pre", "n_post", "n_linked", "n_missing_post"]
    for group, rows in exams.groupby("group"):
        assert (rows["baseline"] == "roster").all()
        assert (rows[counts].nunique() == 1).all()  # every student sits every subject of a wave
        row = rows.iloc[0]
        assert row["n_baseline"] == (roster["group"] == group).sum()
        # No student misses both waves; the missing shares are missing_pre and missing_post.
        assert row["n_pre"] + row["n_post"] - row["n_linked"] == row["n_baseline"]
        assert row["n_missing_post"] == row["n_baseline"] - row["n_post"]
        n = row["n_baseline"]
        assert near(row["n_missing_post"] / n, PARAMS.missing_post, n)
        assert near(1 - row["n_pre"] / n, PARAMS.missing_pre, n)
        assert math.isclose(row["attrition"], 1 - row["n_linked"] / n)
        assert near(row["attrition"], PARAMS.missing_pre + PARAMS.missing_post, n)


def test_attrition_of_the_surveys_matches_the_response_rates(results: dict, roster: pd.DataFrame) -> None:
    attrition = results["attrition"]
    students = attrition[(attrition["outcome"] == "belonging") & (attrition["level"] == "students")]
    rate = PARAMS.student_response_rate
    for row in students.itertuples():
        n = (roster["group"] == row.group).sum()
        assert (row.baseline, row.n_baseline) == ("roster", n)
        assert near(row.n_pre / n, rate, n) and near(row.n_post / n, rate, n)
        assert near(row.n_linked / n, rate**2, n)  # each wave answered independently
        assert row.n_missing_post == n - row.n_post
    teachers = attrition[(attrition["outcome"] == "teacher_collaboration") & (attrition["level"] == "teachers")]
    assert len(teachers) == 2 and (teachers["baseline"] == "pre_wave").all()
    for row in teachers.itertuples():
        assert row.n_baseline == row.n_pre
        assert near(row.n_linked / row.n_pre, PARAMS.teacher_response_rate, row.n_pre)
        assert row.n_missing_post == row.n_pre - row.n_linked
    schools = attrition[attrition["level"] == "schools"]
    assert (schools["n_baseline"] == 14).all() and (schools["attrition"] == 0).all()
    assert not attrition["suppressed"].any()


def test_report_shows_attrition_and_scale_reliability(demo_run: Path) -> None:
    report = (demo_run / "shared" / "report.html").read_text(encoding="utf-8")
    assert "Who took part in both waves" in report and "Reliability of the survey scales" in report
    assert "alpha CI low" in report and "missing at post" in report
