"""The consortium demo programme (seed 002): one folder per school year, schools of every kind and
no control schools, the teachers' and students' mobility surveys, the year's indicators; each
folder passes its contracts, and a school's indicator stocks agree between the folders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.demo.consortium import write_consortium
from evaluation.demo.scenarios import write_scenario
from evaluation.validation.validate import validate_data_dir

PERIODS = ("2022-2023", "2023-2024", "2024-2025")


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("consortium")
    return {period: write_scenario("consortium", root / period, period=period) for period in PERIODS}


def test_each_year_has_schools_surveys_and_indicators_and_no_exams(years: dict[str, Path]) -> None:
    for folder in years.values():
        files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.csv"))
        assert files == [
            "indicators.csv",
            "item_responses.csv",
            "schools.csv",
            "surveys/student_mobility.csv",
            "surveys/teacher_mobility.csv",
        ]


def test_schools_of_every_kind_and_no_control_school(years: dict[str, Path]) -> None:
    schools = pd.read_csv(years["2024-2025"] / "schools.csv")
    assert set(schools["school_type"]) == {
        "kindergarten", "primary_school", "middle_school", "anatolian_high_school", "science_high_school",
        "science_and_art_centre",
    }  # fmt: skip
    assert (schools["group"] == "partner").all() and schools["partnership_id"].nunique() == 1
    members = [set(pd.read_csv(folder / "schools.csv")["school_id"]) for folder in years.values()]
    assert members[0] != members[2]  # schools join and leave the consortium


def test_students_survey_comes_from_middle_schools_up_only(years: dict[str, Path]) -> None:
    folder = years["2023-2024"]
    schools = pd.read_csv(folder / "schools.csv").set_index("school_id")["school_type"]
    students = pd.read_csv(folder / "surveys/student_mobility.csv")
    assert not set(students["school_id"].map(schools)) & {"kindergarten", "primary_school"}
    teachers = pd.read_csv(folder / "surveys/teacher_mobility.csv")
    assert set(teachers["school_id"]) == set(schools.index)
    assert (
        set(teachers["wave"]) == {"pre", "post"}
        and teachers["submitted_at"].str.startswith(("2023-10", "2024-05")).all()
    )


def test_indicators_are_the_years_own_and_a_schools_stock_agrees_between_folders(years: dict[str, Path]) -> None:
    tables = {period: pd.read_csv(folder / "indicators.csv") for period, folder in years.items()}
    assert [sorted(set(t["year"])) for t in tables.values()] == [[2023], [2024], [2025]]
    joined = pd.concat(tables.values())
    counts = joined[~joined["indicator"].str.endswith(("_label", "_lab"))]
    stocks = counts.pivot_table(index=["school_id", "indicator"], columns="year", values="value")
    both = stocks[[2024, 2025]].dropna()
    assert len(both) and (both[2025] >= both[2024]).all()  # documents held only accumulate


@pytest.mark.slow
def test_every_folder_passes_its_contracts(years: dict[str, Path]) -> None:
    for folder in years.values():
        report = validate_data_dir(folder)
        assert report.exit_code == 0, report.summary()


def test_the_same_seed_and_period_give_the_same_files(years: dict[str, Path], tmp_path: Path) -> None:
    again = write_consortium(tmp_path / "again", seed=20222023, period="2023-2024")
    for name in ("schools.csv", "indicators.csv", "surveys/teacher_mobility.csv"):
        assert (again / name).read_bytes() == (years["2023-2024"] / name).read_bytes()


def test_a_period_outside_the_demo_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="2022-2023 to 2024-2025, not 2019-2020"):
        write_consortium(tmp_path, seed=1, period="2019-2020")
