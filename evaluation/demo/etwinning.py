"""The eTwinning Schools demo programme (seed 003): primary and middle schools that assess
themselves against the eTwinning School criteria at the start and at the end of a school year.

Each school's eTwinning team (the principal and the teacher leaders) fills in the self-assessment
(`data_contracts/instruments/etwinning_school_criteria.yaml`) once per wave for the whole school:
one row per school and wave, role ``staff``. The eTwinning School label is a school's status in a
given year, so it lives in the indicators table as ``etwinning_school_label`` (0/1) per school and
year, beside the count of its eTwinning projects, and not in the schools table, whose rows do not
change from year to year. There are no control schools: every school is a partner school, grouped
by the national eTwinning project it runs with two other schools (``partnership_id``).

The data (school year 2025-2026): ``schools.csv`` (30 schools, 10 projects of 3),
``indicators.csv`` (2025 and 2026) and ``surveys/etwinning_school_criteria.csv``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.demo.names import PROVINCES, SchoolNamer
from evaluation.demo.params import RESOURCE_LEVELS, DemoParameters
from evaluation.demo.randomness import random_stream
from evaluation.demo.schools import SCHOOL_COLUMNS, _school_ids
from evaluation.demo.surveys import build_survey, load_instrument, school_team_respondents
from evaluation.demo.writer import write_csv
from evaluation.resources import INSTRUMENTS_DIR

INSTRUMENT = "etwinning_school_criteria"
PROJECTS = 10
SCHOOLS_PER_PROJECT = 3
SCHOOL_SUFFIX = {"primary_school": "İlkokulu", "middle_school": "Ortaokulu"}
#: The seed document's school (its label certificate for 2025-2026); its province here is made up.
SEED_SCHOOL = ("Şehit İskender Ercan İlkokulu", "Malatya", "primary_school")
YEARS = (2025, 2026)
LABEL_SHARE = 0.4  # schools holding the label in 2025
LABEL_GAIN = 0.3  # chance that a school without it is awarded the label in 2026
LABEL_SHIFT = 0.5  # a labelled school's self-assessment, above an unlabelled one's (scale points)
PROJECTS_BASE = 1.5  # expected eTwinning projects in 2025, and their extra at a labelled school
PROJECTS_LABELLED = 2.0
PROJECTS_NEW = 1.5  # expected new projects in 2026 (counts are cumulative)

#: The self-assessment's trait model: every scale gains ``survey_growth`` over the year.
PARAMS = replace(
    DemoParameters(),
    survey_pre_mean=3.0,
    survey_growth=0.2,
    survey_partner_effect={},
    instruments=(INSTRUMENT,),
    survey_windows={"pre": ("2025-10-06", "2025-10-17"), "post": ("2026-05-18", "2026-05-29")},
)
RESPONSE_RATE = 0.95  # a school's team fills in the form in a wave


def build_etwinning_schools(rng: np.random.Generator) -> pd.DataFrame:
    """The schools table: ``PROJECTS`` projects of ``SCHOOLS_PER_PROJECT`` schools, each school of
    a project from another province, the seed's school first; ids ``TR-<plate>-<number>``."""
    pool = list(PROVINCES)
    namer = SchoolNamer(rng, reserved=(SEED_SCHOOL[0],), suffixes=SCHOOL_SUFFIX)
    rows = []
    seed_province = pool.index(SEED_SCHOOL[1])
    for project in range(PROJECTS):
        others = [index for index in range(len(pool)) if project > 0 or index != seed_province]
        provinces = [int(index) for index in rng.choice(others, size=SCHOOLS_PER_PROJECT, replace=False)]
        if project == 0:
            provinces[0] = seed_province
        for member, province_index in enumerate(provinces):
            province = pool[province_index]
            school_type = ("primary_school", "middle_school")[int(rng.integers(2))]
            if project == 0 and member == 0:
                name, province, school_type = SEED_SCHOOL
            else:
                name = namer.name(province, school_type)
            rows.append(
                {
                    "school_name": name,
                    "province": province,
                    "country": "TR",
                    "school_type": school_type,
                    "group": "partner",
                    "partnership_id": f"ETW-2025-{project + 1:02d}",
                    "resource_level": RESOURCE_LEVELS[int(rng.integers(len(RESOURCE_LEVELS)))],
                }
            )
    frame = pd.DataFrame(rows)
    frame["school_id"] = _school_ids(frame["province"].tolist())
    return frame[SCHOOL_COLUMNS]


def label_status(rng: np.random.Generator, n_schools: int) -> np.ndarray:
    """(schools, 2) 0/1: the eTwinning School label in 2025 and in 2026 (the seed's school holds
    it in both; a label once held is kept through the year)."""
    first = rng.random(n_schools) < LABEL_SHARE
    first[0] = True
    second = first | (rng.random(n_schools) < LABEL_GAIN)
    return np.stack([first, second], axis=1).astype(np.int64)


def build_label_indicators(rng: np.random.Generator, schools: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """The indicators table: per school and year, ``etwinning_school_label`` and the cumulative
    count of ``etwinning_project``."""
    projects_first = rng.poisson(PROJECTS_BASE + PROJECTS_LABELLED * labels[:, 0])
    projects = np.stack([projects_first, projects_first + rng.poisson(PROJECTS_NEW, len(schools))], axis=1)
    rows = [
        {"school_id": school_id, "year": year, "indicator": name, "value": int(values[i, j])}
        for i, school_id in enumerate(schools["school_id"])
        for j, year in enumerate(YEARS)
        for name, values in (("etwinning_school_label", labels), ("etwinning_project", projects))
    ]
    return pd.DataFrame(rows, columns=["school_id", "year", "indicator", "value"])


def write_etwinning_data(out_dir: Path, seed: int) -> Path:
    """Write the eTwinning Schools programme's data into `out_dir` (byte-identical for a seed)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    schools = build_etwinning_schools(random_stream(seed, "etwinning:schools"))
    labels = label_status(random_stream(seed, "etwinning:labels"), len(schools))
    indicators = build_label_indicators(random_stream(seed, "etwinning:indicators"), schools, labels)
    teams = school_team_respondents(schools, offset=LABEL_SHIFT * labels[:, 0].astype(float))
    instrument = load_instrument(INSTRUMENTS_DIR, INSTRUMENT)
    survey = build_survey(
        random_stream(seed, f"survey:{INSTRUMENT}"), instrument, teams, schools, RESPONSE_RATE, PARAMS
    )
    write_csv(schools, out_dir / "schools.csv")
    write_csv(indicators, out_dir / "indicators.csv")
    write_csv(survey, out_dir / "surveys" / f"{INSTRUMENT}.csv")
    return out_dir
