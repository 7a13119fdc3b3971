"""The plan's analysis choices on the demo programme: covariates in the models (and a covariate the
data lacks stopping the run before any model), and a report whose body shows one method."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import statsmodels.formula.api as smf

from evaluation.errors import EXIT_BAD_PLAN
from evaluation.stats.estimate import read_effects
from evaluation.wording import method_name

from conftest import plan_for

pytestmark = pytest.mark.slow  # the whole module runs the demo programme or validates whole directories

EVALUATION = Path(sys.executable).parent / "evaluation"
OTHER_METHODS = ("ancova_cr1", "mixed_reml", "did", "ancova_mi", "paired_t", "wilcoxon", "welch_t")


def test_the_plans_covariates_enter_every_partner_versus_control_model(demo_data: Path, tmp_path: Path) -> None:
    from evaluation import steps

    run = steps.setup(plan_for(demo_data, tmp_path, covariates=["sex", "school_type"]), tmp_path / "out")
    steps.partner_vs_control.estimates(run)
    effects = read_effects(tmp_path / "out" / "shared" / "results" / "effects.csv")
    versus = effects[(effects["analysis"] == "partner_vs_control") & (effects["subgroup"] == "all")]
    used = versus.groupby("outcome")["covariates"].agg(set).to_dict()
    # the teachers' survey has no students' characteristics: its models use the school type alone
    assert used.pop("teacher_collaboration") == {"school_type"}
    assert set(map(frozenset, used.values())) == {frozenset({"sex+school_type"})}
    within = effects[(effects["analysis"] == "partner_vs_control") & effects["subgroup"].str.startswith("sex=")]
    assert within["covariates"].eq("school_type").all()  # sex is constant within sex=F and sex=M
    # a moderator test adjusts for the plan's covariates but its own subgroup variable
    moderation = effects[effects["analysis"] == "moderation"].set_index(["outcome", "subgroup"])["covariates"]
    assert moderation.loc[("mathematics", "sex")] == "school_type"
    assert moderation.loc[("mathematics", "grade")] == "sex+school_type"
    others = ~effects["analysis"].isin(["partner_vs_control", "moderation"])
    assert effects.loc[others, "covariates"].eq("").all()
    # the mathematics CR1 row is statsmodels' OLS with the same covariates and school-clustered errors
    frame = run.frames["mathematics"].dropna(subset=["pre", "post", "sex", "school_type"])
    ols = smf.ols("post ~ treatment + pre + C(sex) + C(school_type)", data=frame).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(frame["school_id"])[0]}, use_t=True
    )
    row = versus[(versus["outcome"] == "mathematics") & (versus["method"] == "ancova_cr1")].iloc[0]
    assert row["estimate"] == pytest.approx(ols.params["treatment"], rel=1e-10)
    assert row["std_error"] == pytest.approx(ols.bse["treatment"], rel=1e-10)
    assert row["n_treatment"] + row["n_control"] == len(frame)


def test_a_covariate_the_data_lacks_stops_the_run_before_any_model(demo_data: Path, tmp_path: Path) -> None:
    data = shutil.copytree(demo_data, tmp_path / "data")
    students = pd.read_csv(data / "students.csv", dtype=str)
    students.drop(columns="sex").to_csv(data / "students.csv", index=False)  # sex is optional in the roster
    plan = plan_for(data, tmp_path, covariates=["grade", "sex"])
    result = subprocess.run(
        [str(EVALUATION), "run", str(plan), "--out", str(tmp_path / "out")], capture_output=True, text=True
    )
    assert result.returncode == EXIT_BAD_PLAN, result.stderr
    assert (
        f"{plan}: covariates[1] names sex, but the data has no values of it (the students table has no sex column, "
        "or it is empty); leave sex out of covariates, or send the column"
    ) in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.incomplete" / "shared" / "results" / "effects.csv").exists()  # no model ran


def test_the_report_body_shows_one_method_and_the_others_only_at_its_end(demo_run: Path) -> None:
    report = (demo_run / "shared" / "report.html").read_text(encoding="utf-8")
    technical = report.index(">Technical appendix<")  # the appendix opens with how the numbers were made
    assert technical < report.index(">How the numbers were made<")
    body, end = report[:technical], report[technical:]
    for code in OTHER_METHODS:  # "did" is an English word too ("partner schools did better"): as a code, a cell
        assert not re.search(r">\s*did\s*<" if code == "did" else rf"\b{code}\b", body), code
    sensitivity = end[end.index(">Sensitivity: every method side by side<") :]
    table = sensitivity[: sensitivity.index("</table>")]
    for code in ("ancova_cr1", "ancova_cr2", "mixed_reml", "did", "ancova_mi"):  # each method by its name in words
        assert f">{html.escape(method_name(code, 'en'))}<" in table, code
    assert "every observed score, not only the students with both tests" in table
    assert "is not an effect of the programme" in body
    assert "the exams of the two waves were different tests, not equated to one scale" in body
    assert "These estimates are descriptive" in body
    # the demo plan says covariates: auto, and its schools differ on nothing by more than 0.25
    assert "none did, so the models adjust for the pre-test alone" in end
    assert "within the outcomes of each domain (the plan&#39;s default)" in end or (
        "within the outcomes of each domain (the plan's default)" in end
    )
