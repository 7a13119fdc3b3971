"""The plan's outcomes decide which tables are required: the schools always, the exam results
only for an exam outcome, a survey only for the outcomes of its instrument; a required table that
is missing is refused with exit 2, naming the table and the outcomes that need it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.analysis.evidence import school_balance
from evaluation.config.plan import Outcome, load_plan, required_tables
from evaluation.errors import EXIT_BAD_PLAN, EXIT_OK, EXIT_UNREADABLE, PlanError, UnreadableInputError
from evaluation.evidence.balance import balance_table, baseline_characteristics
from evaluation.reporting.evidence import joint_sentence
from evaluation.steps.workspace import check_required_tables
from evaluation.validation.validate import validate_data_dir

from fixtures import valid_tables, write_data_dir

MATHEMATICS = Outcome(id="mathematics", source="exam", domain="academic", subject="mathematics")
SCIENCE = Outcome(id="science", source="exam", domain="academic", subject="science")
BELONGING = Outcome(
    id="belonging", source="survey", domain="wellbeing", instrument="student_climate", scale="belonging"
)
PEERS = Outcome(
    id="peers", source="survey", domain="wellbeing", instrument="student_climate", scale="peer_collaboration"
)
TEACHERS = Outcome(
    id="teachers", source="survey", domain="practice", instrument="teacher_collaboration", scale="collaboration"
)


def test_schools_are_always_required_and_each_outcome_its_own_table():
    assert required_tables((BELONGING, PEERS, TEACHERS)) == {
        "schools": (),
        "surveys/student_climate": ("belonging", "peers"),
        "surveys/teacher_collaboration": ("teachers",),
    }
    assert required_tables((MATHEMATICS, SCIENCE, TEACHERS)) == {
        "schools": (),
        "exam_results": ("mathematics", "science"),
        "surveys/teacher_collaboration": ("teachers",),
    }


def _data(tmp_path: Path, *leave_out: str) -> Path:
    tables = {name: rows for name, rows in valid_tables().items() if name not in leave_out}
    return write_data_dir(tmp_path / "data", tables)


def test_survey_outcomes_need_no_exam_results(tmp_path):
    data = _data(tmp_path, "exam_results")
    report = validate_data_dir(data, required=required_tables((BELONGING, TEACHERS)))
    assert report.exit_code == EXIT_OK
    assert "exam_results" not in report.tables and "surveys/student_climate" in report.accepted


def test_validate_without_a_plan_requires_the_schools_alone(tmp_path):
    assert validate_data_dir(_data(tmp_path, "exam_results", "students")).exit_code == EXIT_OK
    with pytest.raises(UnreadableInputError, match="the schools table is missing") as raised:
        validate_data_dir(_data(tmp_path / "again", "schools"))
    assert raised.value.exit_code == EXIT_UNREADABLE


def test_an_exam_outcome_without_exam_results_is_refused_naming_the_table_and_outcomes(tmp_path):
    data = _data(tmp_path, "exam_results")
    with pytest.raises(UnreadableInputError) as raised:
        validate_data_dir(data, required=required_tables((MATHEMATICS, SCIENCE, BELONGING)))
    assert raised.value.exit_code == EXIT_UNREADABLE
    assert str(raised.value) == (
        f"{data}: the exam_results table is missing (expected one of exam_results.csv, exam_results.xlsx, "
        "exam_results.parquet, exam_results.sav); the plan's outcomes mathematics, science need it: send the "
        "table, or take them out of the plan's outcomes"
    )


def test_a_survey_outcome_without_its_survey_is_refused(tmp_path):
    data = _data(tmp_path, "surveys/teacher_collaboration")
    with pytest.raises(UnreadableInputError, match=r"the surveys/teacher_collaboration table is missing .*"):
        validate_data_dir(data, required=required_tables((BELONGING, TEACHERS)))
    # the survey of an instrument no outcome names is optional
    assert validate_data_dir(data, required=required_tables((BELONGING,))).exit_code == EXIT_OK


def _plan(tmp_path: Path, outcomes: str, comparison: str = "fixed") -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(
        f"programme: Consortium\nperiod: 2023-2024\ndata: data\ncomparison: {comparison}\noutcomes:\n{outcomes}",
        encoding="utf-8",
    )
    return path


def test_the_run_refuses_a_missing_table_before_anything_is_validated(tmp_path):
    _data(tmp_path, "exam_results")
    exam = "  - {id: mathematics, source: exam, subject: mathematics, domain: academic}\n"
    survey = "  - {id: belonging, source: survey, instrument: student_climate, scale: belonging, domain: wellbeing}\n"
    check_required_tables(load_plan(_plan(tmp_path, survey)))  # nothing to refuse
    with pytest.raises(UnreadableInputError, match="the plan's outcome mathematics needs it"):
        check_required_tables(load_plan(_plan(tmp_path, exam + survey)))


def test_matched_comparison_without_an_exam_outcome_is_a_plan_error(tmp_path):
    survey = "  - {id: belonging, source: survey, instrument: student_climate, scale: belonging, domain: wellbeing}\n"
    path = _plan(tmp_path, survey, comparison="matched")
    with pytest.raises(PlanError) as raised:
        load_plan(path)
    assert raised.value.exit_code == EXIT_BAD_PLAN
    assert str(raised.value).startswith(f"{path}: comparison is matched, but no outcome is an exam")
    exam = "  - {id: mathematics, source: exam, subject: mathematics, domain: academic}\n"
    assert load_plan(_plan(tmp_path, survey + exam, comparison="matched")).comparison == "matched"


def test_balance_without_roster_or_exam_results_compares_the_schools():
    schools = pd.DataFrame(
        {
            "school_id": ["P1", "P2", "C1", "C2"],
            "group": ["partner", "partner", "control", "control"],
            "resource_level": ["high", "low", "low", "low"],
        }
    )
    frame, levels = baseline_characteristics(schools, None, None)
    assert levels == {"resource_level=high": "school", "resource_level=low": "school"}  # no school size
    table = balance_table(frame, levels).set_index("characteristic")
    # high resources: partner 1 of 2 schools, control 0 of 2
    row = table.loc["resource_level=high"]
    assert (row["n_partner"], row["n_control"]) == (2, 2)
    assert (row["mean_partner"], row["mean_control"]) == (0.5, 0.0)


def test_balance_of_schools_alone_says_so_and_notes_no_absent_roster_column():
    schools = pd.DataFrame(
        {
            "school_id": [f"S{i}" for i in range(8)],
            "group": ["partner", "control"] * 4,
            "resource_level": ["high", "low", "low", "high", "high", "high", "low", "low"],
        }
    )
    table, test = school_balance({"schools": schools}, min_cell_size=10)
    assert list(table["level"]) == ["school", "school"] and not table["suppressed"].any()
    assert test.loc[0, "note"] == "" and (test.loc[0, "n"], test.loc[0, "n_clusters"]) == (8, 8)
    english, turkish = joint_sentence(test, 0.05, "en"), joint_sentence(test, 0.05, "tr")
    assert "8 schools with every characteristic, each counted once" in english and "8 students" not in english
    assert "8 okul, her biri bir kez sayıldı" in turkish and "8 öğrenci" not in turkish
