"""The synthetic programmes a demo plan runs on, one per seed document.

A plan's ``demo`` names one (``demo: true`` is ``national``); the run writes its data into the
output folder when it is missing (`evaluation.steps.workspace.ensure_data`). Each writer takes the
data folder and a seed and returns the folder; the same seed gives byte-identical files.

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
from evaluation.demo.params import DemoParameters
from evaluation.demo.writer import write_demo_data

DEFAULT_SEED = 20222023


def write_national(out_dir: Path, seed: int = DEFAULT_SEED) -> Path:
    """The bundled demo programme (``pipelines/demo.yaml``): six partnerships, 14 partner and 14
    control schools, exams, two surveys, activities and indicators."""
    return write_demo_data(out_dir, seed=seed)


def write_partnership(out_dir: Path, seed: int = DEFAULT_SEED) -> Path:
    """One partnership's monitoring year (001): Malatya Erman Ilıcak Fen Lisesi and Kayseri Bünyan
    Fen Lisesi, joint exams in November and April (with their answer sheets item by item in
    item_responses.csv), no control schools."""
    params = replace(
        DemoParameters(),
        partnership_sizes=(2,),
        partnership_types=("science_high_school",),
        controls_per_partner_school=0,
        exam_item_responses=True,
    )
    return write_demo_data(out_dir, seed=seed, params=params)


def _not_yet(name: str) -> Callable[[Path, int], Path]:
    def write(out_dir: Path, seed: int = DEFAULT_SEED) -> Path:
        raise NotImplementedError(f"the {name} demo programme is not written yet")

    return write


SCENARIOS: Mapping[str, Callable[..., Path]] = MappingProxyType(
    {
        "national": write_national,
        "partnership": write_partnership,
        "consortium": _not_yet("consortium"),
        "etwinning": _not_yet("etwinning"),
        "sister_schools": _not_yet("sister_schools"),
    }
)
assert tuple(SCENARIOS) == DEMO_SCENARIOS, "a demo scenario of the plan's options has no writer"


def write_scenario(name: str, out_dir: Path, seed: int = DEFAULT_SEED) -> Path:
    """Write the named demo programme's data into `out_dir`."""
    return SCENARIOS[name](Path(out_dir), seed)
