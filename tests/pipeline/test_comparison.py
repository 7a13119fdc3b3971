"""`comparison: matched`: the control schools of the demo programme as a pool (two per partner
school), each partner school matched to one of them, and the analyses of notebook 03 run on the
matched comparison schools only; `comparison: fixed` keeps every control school."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation import steps
from evaluation.analysis.comparison import analysis_tables, keep_schools, match_comparison_schools
from evaluation.analysis.frames import prepost_frame
from evaluation.config.plan import Outcome, load_plan
from evaluation.demo import DemoParameters, write_demo_data
from evaluation.errors import PlanError
from evaluation.evidence.matching import BALANCE_COLUMNS, PAIR_COLUMNS
from evaluation.steps.workspace import load_accepted

from conftest import plan_for

pytestmark = pytest.mark.slow  # the whole module runs the demo programme or validates whole directories

MATHS = Outcome("mathematics", "exam", "academic", subject="mathematics")


@pytest.fixture(scope="module")
def matched_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Notebook 03's sections on a demo programme with 14 partner schools and a pool of 28 control schools."""
    data = write_demo_data(
        tmp_path_factory.mktemp("pool") / "2022-2023", params=DemoParameters(controls_per_partner_school=2)
    )
    plan = plan_for(data, tmp_path_factory.mktemp("plan"), comparison="matched")
    out = tmp_path_factory.mktemp("out")
    steps.run_sections(steps.setup(plan, out), "03-partner-vs-control.ipynb")
    return plan, out


def test_matching_pairs_every_partner_school_with_its_own_pool_school(matched_run) -> None:
    plan, out = matched_run
    pairs = pd.read_csv(out / "shared" / "results" / "matching.csv")
    schools = load_accepted(load_plan(plan), out)["schools"]
    partners = set(schools.loc[schools["group"] == "partner", "school_id"])
    pool = set(schools.loc[schools["group"] == "control", "school_id"])
    assert (len(partners), len(pool)) == (14, 28)
    assert list(pairs.columns) == PAIR_COLUMNS
    assert set(pairs["partner_id"]) == partners and pairs["comparison_id"].is_unique
    assert set(pairs["comparison_id"]) <= pool and pairs["distance"].ge(0).all()
    types = schools.set_index("school_id")["school_type"]
    assert (types[pairs["comparison_id"]].to_numpy() == types[pairs["partner_id"]].to_numpy()).all()


def test_analysed_control_schools_are_exactly_the_matched_ones(matched_run) -> None:
    plan, out = matched_run
    matched = set(pd.read_csv(out / "shared" / "results" / "matching.csv")["comparison_id"])
    accepted, matching = analysis_tables(load_plan(plan), load_accepted(load_plan(plan), out))
    assert set(matching.comparison_ids) == matched
    frame = prepost_frame(accepted, MATHS, instruments={})
    assert set(frame.loc[frame["group"] == "control", "school_id"]) == matched
    assert set(accepted["schools"].loc[accepted["schools"]["group"] == "control", "school_id"]) == matched
    effects = pd.read_csv(out / "restricted" / "work" / "effects" / "partner_vs_control.csv")
    ancova = effects[(effects["method"] == "ancova_cr2") & (effects["subgroup"] == "all")]
    assert ancova["n_clusters_control"].eq(14).all() and ancova["n_clusters_treatment"].eq(14).all()


def test_balance_before_and_after_and_the_love_plot(matched_run) -> None:
    _, out = matched_run
    balance = pd.read_csv(out / "shared" / "results" / "matching_balance.csv")
    assert list(balance.columns) == BALANCE_COLUMNS
    assert balance["covariate"].tolist() == ["size", "baseline_mean"]
    assert balance[["std_diff_before", "std_diff_after"]].notna().all().all()
    # nearest neighbours bring the comparison schools' baseline closer to the partner schools'
    baseline = balance.set_index("covariate").loc["baseline_mean"]
    assert abs(baseline["std_diff_after"]) < abs(baseline["std_diff_before"])
    assert (out / "shared" / "results" / "love_plot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    # the PNG carries the chart in words: each characteristic's differences as the CSV has them
    described = Image.open(out / "shared" / "results" / "love_plot.png").text["Description"]
    for row in balance.itertuples():
        assert f"{row.std_diff_before:.2f} before and {row.std_diff_after:.2f} after" in described


def test_fixed_comparison_keeps_every_control_school(demo_data: Path, tmp_path: Path) -> None:
    plan = load_plan(plan_for(demo_data, tmp_path))
    assert plan.comparison == "fixed"
    accepted = {"schools": pd.DataFrame({"school_id": ["A", "B"], "group": ["partner", "control"]})}
    assert analysis_tables(plan, accepted) == (accepted, None)


def test_keep_schools_filters_tables_with_a_school_column_only() -> None:
    accepted = {
        "schools": pd.DataFrame({"school_id": ["A", "B", "C"]}),
        "activities": pd.DataFrame({"partnership_id": ["P1"], "activity_no": [1]}),
    }
    kept = keep_schools(accepted, {"A", "C"})
    assert kept["schools"]["school_id"].tolist() == ["A", "C"]
    assert kept["activities"] is accepted["activities"]


def test_matching_needs_exam_results_and_a_pool() -> None:
    schools = pd.DataFrame(
        {"school_id": ["A", "B"], "group": ["partner", "partner"], "school_type": "x", "province": "Ankara"}
    )
    with pytest.raises(PlanError, match="comparison: matched needs exam results"):
        match_comparison_schools({"schools": schools})
    exams = pd.DataFrame({"student_id": ["s1"], "school_id": ["A"], "wave": ["pre"], "subject": ["m"], "score": [50.0]})
    with pytest.raises(PlanError, match="found 2 partner and 0 pool schools"):
        match_comparison_schools({"schools": schools, "exam_results": exams})
