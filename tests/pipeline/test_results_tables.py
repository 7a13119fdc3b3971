"""The demo run's results/scales.csv, items.csv, attrition.csv, schools.csv and partnerships.csv:
the documented columns, and counts that match what the demo generator implies
(evaluation/demo/params.py) or the demo data's files."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from evaluation.analysis.attrition import ATTRITION_COLUMNS
from evaluation.analysis.reliability import ITEM_COLUMNS, SCALE_COLUMNS
from evaluation.analysis.schools import PARTNERSHIP_COLUMNS, RESOURCE_RANK, SCHOOL_COLUMNS
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
        name: pd.read_csv(demo_run / "shared" / "results" / f"{name}.csv")
        for name in ("scales", "items", "attrition", "schools", "partnerships")
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


def same(a: float, b: float) -> bool:
    """Both blank, or equal up to rounding."""
    return (pd.isna(a) and pd.isna(b)) or math.isclose(a, b, rel_tol=1e-9)


def test_schools_table_has_each_school_with_its_exam_means(results: dict, demo_data: Path) -> None:
    schools = results["schools"]
    assert list(schools.columns) == SCHOOL_COLUMNS
    ids = sorted(pd.read_csv(demo_data / "schools.csv")["school_id"])
    assert len(schools) == 7 * len(ids)  # outcomes x schools
    assert sorted(schools["school_id"].unique()) == ids
    roles = schools.groupby("outcome")["role"].unique().map(list).to_dict()
    outcomes = [*EXAMS, "belonging", "peer_collaboration", "teacher_collaboration"]
    assert roles == {o: ["teachers" if o == "teacher_collaboration" else "students"] for o in outcomes}
    # Each school's wave means of mathematics are those of the demo's exam file.
    exams = pd.read_csv(demo_data / "exam_results.csv")
    maths = (
        exams[exams["subject"] == "mathematics"].groupby(["school_id", "wave"])["score"].agg(["size", "mean", "std"])
    )
    mine = schools[schools["outcome"] == "mathematics"].set_index("school_id")
    assert not mine["suppressed"].any()
    for school, row in mine.iterrows():
        for wave in ("pre", "post"):
            n, mean, sd = maths.loc[(school, wave)]
            assert row[f"n_{wave}"] == n
            assert math.isclose(row[f"mean_{wave}"], mean, rel_tol=1e-9)
            assert math.isclose(row[f"sd_{wave}"], sd, rel_tol=1e-9)
        assert row["change_ci_low"] < row["change"] < row["change_ci_high"]
    # Teacher surveys: schools with fewer than 10 teachers in a wave have that wave blank, count too.
    teachers = pd.read_csv(demo_data / "surveys" / "teacher_collaboration.csv").groupby(["school_id", "wave"]).size()
    rows = schools[schools["outcome"] == "teacher_collaboration"].set_index("school_id")
    for school, row in rows.iterrows():
        for wave in ("pre", "post"):
            n = teachers.get((school, wave), 0)
            assert (row[f"n_{wave}"] == n) if n >= 10 else pd.isna(row[f"n_{wave}"]) and pd.isna(row[f"mean_{wave}"])
    assert rows["suppressed"].any() and not rows["suppressed"].all()


def test_partnerships_table_compares_the_better_resourced_school(results: dict, demo_data: Path) -> None:
    table = results["partnerships"]
    assert list(table.columns) == PARTNERSHIP_COLUMNS
    roster = pd.read_csv(demo_data / "schools.csv")
    partnerships = sorted(roster["partnership_id"].dropna().unique())
    assert len(table) == 7 * (len(partnerships) + 1)
    schools = results["schools"].set_index(["outcome", "school_id"])
    level = roster.set_index("school_id")["resource_level"].map(RESOURCE_RANK)
    for row in table[table["partnership_id"] != "all"].itertuples():
        members = roster.loc[roster["partnership_id"] == row.partnership_id, "school_id"]
        # Every demo school has a resource level and no partnership has two of the same level.
        assert row.higher_school_id == level[members].idxmax() and row.lower_school_id == level[members].idxmin()
        higher, lower = (
            schools.loc[(row.outcome, row.higher_school_id)],
            schools.loc[(row.outcome, row.lower_school_id)],
        )
        for wave in ("pre", "post"):
            assert same(getattr(row, f"gap_{wave}"), higher[f"mean_{wave}"] - lower[f"mean_{wave}"])
        assert same(row.gap_change, higher["change"] - lower["change"])
    exams = table[table["outcome"].isin(EXAMS)]
    assert exams["gap_change"].notna().all()
    across = table[table["partnership_id"] == "all"].set_index("outcome")
    for outcome, rows in table[table["partnership_id"] != "all"].groupby("outcome"):
        changes = rows["gap_change"].dropna()
        if len(changes) >= 2:
            assert math.isclose(across.loc[outcome, "gap_change"], changes.mean(), rel_tol=1e-9)
            assert across.loc[outcome, "gap_change_ci_low"] < changes.mean() < across.loc[outcome, "gap_change_ci_high"]
