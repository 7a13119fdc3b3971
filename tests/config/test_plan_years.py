"""The plan key ``earlier_years``: a plan covering several school years, each with its own data
folder. Well-formed years are read oldest first with their folders resolved; each problem is one
line naming the file and the key path, and `evaluation run` exits 3 before any data is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.cli import main
from evaluation.config.plan import SchoolYear, load_plan
from evaluation.errors import EXIT_BAD_PLAN, PlanError
from evaluation.steps.workspace import for_run

BASE = """programme: Consortium
period: 2024-2025
data: data/2024-2025
outcomes:
  - {id: skills, source: survey, instrument: student_mobility, scale: mobility_skills, domain: wellbeing}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = _write(tmp_path, text)
    with pytest.raises(PlanError) as raised:
        load_plan(path)
    assert raised.value.exit_code == EXIT_BAD_PLAN
    lines = str(raised.value).splitlines()
    assert all(line.startswith(f"{path}: ") for line in lines)
    return [line.removeprefix(f"{path}: ") for line in lines]


def test_earlier_years_are_read_oldest_first_with_their_folders(tmp_path: Path) -> None:
    plan = load_plan(
        _write(
            tmp_path,
            BASE + "earlier_years:\n  - {period: 2022-2023, data: data/2022-2023}\n  - {period: 2023, data: old}\n",
        )
    )
    assert plan.earlier_years == (
        SchoolYear("2022-2023", "data/2022-2023", tmp_path / "data/2022-2023"),
        SchoolYear("2023", "old", tmp_path / "old"),  # a whole number is read as its digits, as period is
    )


def test_a_plan_without_the_key_has_no_earlier_years(tmp_path: Path) -> None:
    assert load_plan(_write(tmp_path, BASE)).earlier_years == ()
    assert load_plan(_write(tmp_path, BASE + "earlier_years: []\n")).earlier_years == ()


def test_a_demo_plan_finds_every_years_data_in_its_output_folder(tmp_path: Path) -> None:
    text = BASE + "demo: consortium\nearlier_years:\n  - {period: 2023-2024, data: data/2023-2024}\n"
    plan = for_run(load_plan(_write(tmp_path, text)), tmp_path / "out")
    assert plan.earlier_years[0].data_dir == (tmp_path / "out" / "restricted" / "data/2023-2024").resolve()


@pytest.mark.parametrize(
    ("years", "problem"),
    [
        (
            "earlier_years: 2022-2023",
            "earlier_years must be a list of the earlier school years, oldest first, such as "
            "[{period: 2021-2022, data: ../data/2021-2022}] (or [] for none), found '2022-2023'",
        ),
        (
            "earlier_years: [2022-2023]",
            "earlier_years[0] must be a mapping such as {period: 2021-2022, data: ../data/2021-2022}, found "
            "'2022-2023'",
        ),
        (
            "earlier_years: [{period: 2022-2023}]",
            "earlier_years[0].data is missing (expected text: that year's data directory, relative to the plan's "
            "folder, such as ../data/2021-2022)",
        ),
        (
            "earlier_years: [{period: 2022-2023, data: d, exams: false}]",
            "earlier_years[0].exams is not a key of an earlier year (its keys are period, data)",
        ),
        (
            "earlier_years: [{period: [2022], data: d}]",
            "earlier_years[0].period must be text naming the school year, such as 2021-2022, found [2022]",
        ),
        (
            "earlier_years: [{period: 2024-2025, data: d}]",
            "earlier_years[0].period is '2024-2025', the period of period too; each school year is named once",
        ),
        (
            "earlier_years: [{period: 2022-2023, data: a}, {period: 2022-2023, data: b}]",
            "earlier_years[1].period is '2022-2023', the period of earlier_years[0].period too; each school year "
            "is named once",
        ),
        (
            "earlier_years: [{period: 2023-2024, data: a}, {period: 2022-2023, data: b}]",
            "earlier_years[0].period is '2023-2024', which comes after earlier_years[1].period ('2022-2023'); "
            "list the earlier years oldest first, each before the plan's period",
        ),
        (
            "earlier_years: [{period: 2025-2026, data: a}]",
            "earlier_years[0].period is '2025-2026', which comes after period ('2024-2025'); list the earlier "
            "years oldest first, each before the plan's period",
        ),
        (
            "earlier_years: [{period: 2023-2024, data: data/2024-2025/}]",
            "earlier_years[0].data is 'data/2024-2025/', the data folder of data too; each school year has its "
            "own data folder",
        ),
        (
            "earlier_years: [{period: 2022-2023, data: a}, {period: 2023-2024, data: ./a}]",
            "earlier_years[1].data is './a', the data folder of earlier_years[0].data too; each school year has "
            "its own data folder",
        ),
        (
            "demo: consortium\nearlier_years: [{period: 2023-2024, data: ../elsewhere}]",
            "earlier_years[0].data must be a folder inside the output folder such as data/2022-2023 in a demo plan "
            "(demo: true writes the synthetic demo data there), found '../elsewhere'; a plan for real data says "
            "demo: false (the default)",
        ),
    ],
)
def test_each_problem_is_one_line_naming_the_key(tmp_path: Path, years: str, problem: str) -> None:
    assert _problems(tmp_path, BASE + years + "\n") == [problem]


def test_evaluation_run_exits_3_before_reading_data(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path, BASE + "earlier_years: [{period: 2024-2025, data: d}]\n")
    code = main(["run", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_PLAN == 3
    assert "earlier_years[0].period is '2024-2025'" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
