"""A plan's survey outcomes are checked against their instruments before any data is read, and a
run that stops there writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.config.plan import load_plan
from evaluation.errors import PlanError
from evaluation.pipeline import run_plan, staging_folder
from evaluation.steps import workspace

PLAN = """programme: Toy programme
period: 2022-2023
data: data
outcomes:
  - {{id: belonging, source: survey, instrument: {instrument}, scale: {scale}, domain: wellbeing}}
"""


def plan(tmp_path: Path, instrument: str = "student_climate", scale: str = "belonging") -> Path:
    (tmp_path / "data").mkdir(exist_ok=True)
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN.format(instrument=instrument, scale=scale), encoding="utf-8")
    return path


def test_a_survey_outcome_of_a_known_scale_passes(tmp_path: Path) -> None:
    workspace.check_outcomes(load_plan(plan(tmp_path)))


@pytest.mark.parametrize(
    ("instrument", "scale", "message"),
    [
        ("student_climate", "belongin", "instrument student_climate has no scale 'belongin'; its scales: belonging"),
        ("parent_survey", "belonging", "no instrument definition parent_survey.yaml"),
    ],
)
def test_a_survey_outcome_its_instrument_cannot_give_names_the_plan(tmp_path, instrument, scale, message) -> None:
    path = plan(tmp_path, instrument, scale)
    with pytest.raises(PlanError, match=message) as raised:
        workspace.check_outcomes(load_plan(path))
    assert str(raised.value).startswith(f"{path.resolve()}: outcome belonging: ")
    assert raised.value.exit_code == 3


def test_a_run_refused_for_its_plan_writes_nothing(tmp_path: Path) -> None:
    path = plan(tmp_path, scale="belongin")
    with pytest.raises(PlanError):
        run_plan(path, tmp_path / "out")
    assert not (tmp_path / "out").exists() and not staging_folder(tmp_path / "out").exists()
