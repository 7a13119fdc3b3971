"""The synthetic programmes a demo plan runs on, one per seed document.

A plan's ``demo`` names one (``demo: true`` is ``national``); the run writes its data into the
output folder when it is missing (`evaluation.steps.workspace.ensure_data`). Each writer takes the
data folder, a seed and the school year (``period``: the plan's, or one of its ``earlier_years``)
and returns the folder; the same seed and period give byte-identical files. The national and
partnership programmes hold one school year (2022-2023) and write it whatever the period; the
consortium holds three (2022-2023 to 2024-2025).

==============  =======================================================================
national        the School Partnership Project with control schools (000): 28 schools
partnership     one partnership of two schools without control schools (001)
consortium      an Erasmus+ consortium of mixed school types (002)
etwinning       eTwinning Schools' self-assessment (003)
sister_schools  a pair of sister schools in two countries (004)
==============  =======================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from evaluation.config.options import DEMO_SCENARIOS
from evaluation.demo.consortium import write_consortium
from evaluation.demo.etwinning import write_etwinning_data
from evaluation.demo.params import SEED_ACTIVITY_CALENDAR, DemoParameters
from evaluation.demo.sister_schools import write_sister_schools_data
from evaluation.demo.writer import write_demo_data

DEFAULT_SEED = 20222023


def write_national(out_dir: Path, seed: int = DEFAULT_SEED, period: str | None = None) -> Path:
    """The bundled demo programme (``pipelines/demo.yaml``): six partnerships, 14 partner and 14
    control schools, exams, two surveys, activities and indicators."""
    return write_demo_data(out_dir, seed=seed)


def write_partnership(out_dir: Path, seed: int = DEFAULT_SEED, period: str | None = None) -> Path:
    """One partnership's monitoring year (001): Malatya Erman Ilıcak Fen Lisesi and Kayseri Bünyan
    Fen Lisesi, joint exams in November and April (with their answer sheets item by item in
    item_responses.csv), no control schools, and the partnership's calendar of 15 joint activities
    with their months (`SEED_ACTIVITY_CALENDAR`)."""
    params = replace(
        DemoParameters(),
        partnership_sizes=(2,),
        partnership_types=("science_high_school",),
        controls_per_partner_school=0,
        exam_item_responses=True,
        activity_calendar=SEED_ACTIVITY_CALENDAR,
    )
    return write_demo_data(out_dir, seed=seed, params=params)


def write_etwinning(out_dir: Path, seed: int = DEFAULT_SEED, period: str | None = None) -> Path:
    """eTwinning Schools' self-assessment (003): 30 primary and middle schools, their teams'
    eTwinning School criteria before and after the year, the label per year in the indicators."""
    return write_etwinning_data(out_dir, seed)


def write_sister_schools(out_dir: Path, seed: int = DEFAULT_SEED, period: str | None = None) -> Path:
    """A pair of sister schools in two countries (004): Türkiye and England, their grade-10
    students' intercultural awareness before and after the year."""
    return write_sister_schools_data(out_dir, seed)


SCENARIOS: Mapping[str, Callable[..., Path]] = MappingProxyType(
    {
        "national": write_national,
        "partnership": write_partnership,
        "consortium": write_consortium,
        "etwinning": write_etwinning,
        "sister_schools": write_sister_schools,
    }
)
assert tuple(SCENARIOS) == DEMO_SCENARIOS, "a demo scenario of the plan's options has no writer"


def write_scenario(name: str, out_dir: Path, seed: int = DEFAULT_SEED, period: str | None = None) -> Path:
    """Write the named demo programme's data (of the school year `period`, for a programme of
    several years) into `out_dir`."""
    return SCENARIOS[name](Path(out_dir), seed, period)
