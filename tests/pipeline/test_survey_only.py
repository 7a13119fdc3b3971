"""A programme of surveys alone (an Erasmus+ consortium's pre- and post-mobility surveys, no exams)
runs end to end: its data has no exam_results table and its plan only survey outcomes, and the
report shows what the programme has and nothing of what it has not."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from evaluation.cli import main
from evaluation.errors import EXIT_OK, EXIT_UNREADABLE
from evaluation.resources import DEMO_PLAN
from evaluation.wording import text as text_of

from conftest import plan_for

pytestmark = pytest.mark.slow  # runs the whole pipeline on the demo programme

SURVEY_OUTCOMES = ["belonging", "peer_collaboration", "teacher_collaboration"]


def _survey_plan(folder: Path, data: Path) -> Path:
    outcomes = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))["outcomes"]
    surveys = [outcome for outcome in outcomes if outcome["source"] == "survey"]
    assert [outcome["id"] for outcome in surveys] == SURVEY_OUTCOMES
    return plan_for(data, folder, outcomes=surveys, programme="Erasmus+ consortium (surveys only)")


@pytest.fixture(scope="module")
def survey_run(demo_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    data = tmp_path_factory.mktemp("surveys") / "2022-2023"
    shutil.copytree(demo_data, data)
    (data / "exam_results.csv").unlink()
    plan = _survey_plan(tmp_path_factory.mktemp("plan"), data)
    out = tmp_path_factory.mktemp("run") / "out"
    return main(["run", str(plan), "--out", str(out)]), out


def _report_text(out: Path) -> str:
    page = (out / "shared" / "report.html").read_text(encoding="utf-8")
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_run_succeeds_with_the_survey_findings(survey_run):
    code, out = survey_run
    assert code == EXIT_OK
    effects = pd.read_csv(out / "shared" / "results" / "effects.csv")
    assert set(effects["outcome"]) == set(SURVEY_OUTCOMES)
    headline = effects[
        (effects["analysis"] == "partner_vs_control")
        & (effects["method"] == "ancova_cr2")
        & (effects["subgroup"] == "all")
    ]
    assert sorted(headline["outcome"]) == sorted(SURVEY_OUTCOMES) and headline["estimate"].notna().all()
    evidence = pd.read_csv(out / "shared" / "results" / "evidence.csv")
    assert sorted(evidence["outcome"]) == sorted(SURVEY_OUTCOMES)
    balance = pd.read_csv(out / "shared" / "results" / "balance.csv")
    assert not balance["characteristic"].str.startswith("pre_").any()  # no exam, no pre-test rows
    assert pd.read_csv(out / "shared" / "results" / "design.csv").empty  # no exam outcome to plan for


def test_the_report_has_no_exam_section_and_nothing_missing(survey_run):
    code, out = survey_run
    assert code == EXIT_OK
    text = _report_text(out)
    assert text_of("report.sections.design.heading", "en") not in text  # next year's design is of exams
    assert text_of("columns.students_with_exams", "en") not in text  # the data overview has no exam row
    for shown in ("balance", "reliability", "evidence", "data"):
        assert text_of(f"report.sections.{shown}.heading", "en") in text
    for absent in ("exam_results", "Traceback", "Error", "is missing", "mathematics"):
        assert absent not in text, absent


def test_the_same_data_with_an_exam_outcome_is_refused_naming_the_table(demo_data, tmp_path, capsys):
    data = tmp_path / "2022-2023"
    shutil.copytree(demo_data, data)
    (data / "exam_results.csv").unlink()
    plan = plan_for(data, tmp_path)  # the demo plan: four exam outcomes and three survey ones
    assert main(["run", str(plan), "--out", str(tmp_path / "out")]) == EXIT_UNREADABLE
    error = capsys.readouterr().err
    assert "the exam_results table is missing" in error
    assert "the plan's outcomes mathematics, science, turkish, english need it" in error
    assert "Traceback" not in error and not (tmp_path / "out").exists()
