"""The whole evaluation of a demo programme whose data cannot feed every model (issue 12): every
partner student's science post-test removed, every Turkish pre-test the same score, and a roster
without the optional special-needs and migrant columns. Before, the first stopped the run with a
LinAlgError after an imputation row from a model that had never seen a partner post-test, and
the second with "LinAlgError: Singular matrix". Now the run ends with exit 0 and the notes stand
where the numbers could not: in effects.csv, balance.csv, balance_test.csv and the report.

One run of three exam outcomes and one subgroup (about a minute), shared by the module's tests."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from evaluation.cli import main
from evaluation.demo import write_demo_data
from evaluation.resources import DEMO_PLAN
from evaluation.stats.estimate import read_effects

from conftest import plan_for

pytestmark = pytest.mark.slow  # the module runs the demo programme

NUMBERS = ["estimate", "std_error", "ci_low", "ci_high", "p_value", "effect_size"]


@pytest.fixture(scope="module")
def unfit_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = write_demo_data(tmp_path_factory.mktemp("unfit") / "2022-2023")
    exams = pd.read_csv(data / "exam_results.csv", dtype=str, keep_default_na=False)
    schools = pd.read_csv(data / "schools.csv", dtype=str, keep_default_na=False)
    partner = exams["school_id"].isin(schools.loc[schools["group"] == "partner", "school_id"])
    exams = exams[~((exams["subject"] == "science") & (exams["wave"] == "post") & partner)]
    exams.loc[(exams["subject"] == "turkish") & (exams["wave"] == "pre"), "score"] = "55"
    exams.to_csv(data / "exam_results.csv", index=False)
    students = pd.read_csv(data / "students.csv", dtype=str, keep_default_na=False)
    students.drop(columns=["special_needs", "migrant_refugee"]).to_csv(data / "students.csv", index=False)
    demo = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    exams_only = [o for o in demo["outcomes"] if o["id"] in ("mathematics", "science", "turkish")]
    plan = plan_for(data, tmp_path_factory.mktemp("plan"), outcomes=exams_only, subgroups=["grade"])
    out = tmp_path_factory.mktemp("run") / "out"
    assert main(["run", str(plan), "--out", str(out)]) == 0
    return out


def _results(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "shared" / "results" / f"{name}.csv", keep_default_na=False, na_values=[""])


def test_outcome_without_partner_post_test_has_notes_in_place_of_numbers(unfit_run: Path) -> None:
    effects = read_effects(unfit_run / "shared" / "results" / "effects.csv")
    science = effects[(effects["outcome"] == "science") & (effects["analysis"] != "prepost")]
    # every method in every subgroup, the baseline and the imputation (100% missing > 5%): no number
    assert set(science["method"]) == {
        "baseline_equivalence", "ancova_cr1", "ancova_cr2", "mixed_reml", "did", "ancova_mi",
    }  # fmt: skip
    assert science["note"].eq("no_post_test:partner").all() and science[NUMBERS].isna().all().all()
    partner_change = effects[
        (effects["outcome"] == "science") & (effects["analysis"] == "prepost") & (effects["group"] == "partner")
    ]
    assert partner_change["note"].eq("no_post_test:partner").all() and partner_change["estimate"].isna().all()
    # the other outcomes are estimated as before
    maths = effects[(effects["outcome"] == "mathematics") & (effects["analysis"] == "partner_vs_control")]
    assert maths["note"].eq("").all() and maths["p_value"].between(0, 1).all()
    evidence = _results(unfit_run, "evidence").set_index("outcome")
    assert evidence.loc["science", "rating"] == "does_not_meet" and pd.isna(evidence.loc["science", "effect_size"])
    assert (
        "no effect could be estimated (no student or respondent of the partner schools"
        in (evidence.loc["science", "summary"])
    )


def test_constant_pre_test_is_left_out_of_the_models_and_the_effect_estimated(unfit_run: Path) -> None:
    effects = read_effects(unfit_run / "shared" / "results" / "effects.csv")
    turkish = effects[(effects["outcome"] == "turkish") & (effects["subgroup"] == "all")].set_index("method")
    for method in ("ancova_cr1", "ancova_cr2", "mixed_reml"):
        assert turkish.loc[method, "note"] == "dropped_constant:pre"
        assert turkish.loc[method, "ci_low"] < turkish.loc[method, "estimate"] < turkish.loc[method, "ci_high"]
    assert turkish.loc["did", "note"] == "" and 0 < turkish.loc["did", "p_value"] < 1  # needs no pre-test column
    baseline = turkish.loc["baseline_equivalence"]
    assert baseline["note"] == "constant:pre" and baseline["estimate"] == 0 and pd.isna(baseline["effect_size"])
    design = _results(unfit_run, "design")
    assert set(design["outcome"]) == {"mathematics"}  # science and Turkish are left out, and said to be


def test_balance_says_what_it_left_out(unfit_run: Path) -> None:
    balance = _results(unfit_run, "balance").set_index("characteristic")
    assert list(balance.columns[-2:]) == ["suppressed", "note"]
    assert "special_needs" not in balance.index and "migrant_refugee" not in balance.index
    assert balance.loc["pre_turkish", "note"] == "constant" and pd.isna(balance.loc["pre_turkish", "p_value"])
    assert balance.drop(index="pre_turkish")["note"].isna().all()
    joint = _results(unfit_run, "balance_test").iloc[0]
    # computed, where the two all-missing roster columns used to leave no student with every characteristic
    assert 0 < joint["p_value"] < 1 and joint["n"] > 3000 and joint["n_clusters"] == 28
    assert joint["note"] == "absent:special_needs;absent:migrant_refugee;constant:pre_turkish"


def test_report_says_what_was_left_out(unfit_run: Path) -> None:
    report = (unfit_run / "shared" / "report.html").read_text(encoding="utf-8")
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", report)).replace("&#x27;", "'").replace("&#39;", "'")
    assert (
        "In science, students of partner and control schools could not be compared (no student or respondent of "
        "the partner schools has a post-test value)."
    ) in words
    assert "In partner schools, the change in science could not be estimated" in words
    assert "Note: left out of the model, as it has the same value for everyone: the pre-test." in words
    assert "Science is left out of the table: no student or respondent of the partner schools" in words
    assert "Turkish is left out of the table: the same value for everyone: the pre-test." in words
    assert "Notes on the joint test: not in the data, so left out: special needs (share)" in words
    assert "Effect: not estimated (no student or respondent of the partner schools has a post-test value)." in words
    assert "too few students were compared" not in words  # the reason is not a small group
