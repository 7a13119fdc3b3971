"""The sister-schools demo programme (seed 004): a school in Türkiye and its sister school abroad,
whose students answer an intercultural-awareness survey before and after the partnership year.

The school abroad is an English secondary school (country ``GB``, its county as the province, id
``GB-LCE-001`` after the ISO 3166-2 code of Leicester, as Turkish schools' ids carry their plate
code). It has no resource level: the low/medium/high levels are the ministry's for schools in
Türkiye. The students of both schools are in grade 10 (Year 11 in England, the same age); the
Turkish school answers the survey in Turkish, the school abroad in English
(`data_contracts/instruments/intercultural_awareness.yaml`). There are no control schools.

The data (school year 2025-2026): ``schools.csv`` (2 schools, one partnership), ``students.csv``
and ``surveys/intercultural_awareness.csv``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from evaluation.demo.params import DemoParameters
from evaluation.demo.randomness import random_stream
from evaluation.demo.schools import SCHOOL_COLUMNS
from evaluation.demo.students import build_students
from evaluation.demo.surveys import build_survey, load_instrument, student_respondents
from evaluation.demo.writer import write_csv
from evaluation.resources import INSTRUMENTS_DIR

INSTRUMENT = "intercultural_awareness"
PARTNERSHIP = "KO-2025-01"
SCHOOLS = (
    {"school_id": "TR-27-001", "school_name": "Gaziantep Şehitkamil Cahit Arf Anadolu Lisesi",
     "province": "Gaziantep", "country": "TR", "school_type": "anatolian_high_school", "resource_level": "medium"},
    {"school_id": "GB-LCE-001", "school_name": "Kingsbridge Park Academy, Leicester",
     "province": "Leicestershire", "country": "GB", "school_type": "secondary_school", "resource_level": ""},
)  # fmt: skip

#: Two classes of grade 10 per school; the change over the year per scale (``survey_partner_effect``:
#: every student is in a partner school, so it is the whole change beside ``survey_growth``).
PARAMS = replace(
    DemoParameters(),
    grades=(10,),
    students_per_grade=(50, 60),
    survey_pre_mean=3.3,
    survey_growth=0.0,
    survey_partner_effect={
        INSTRUMENT: {"cultural_openness": 0.20, "intercultural_communication": 0.35, "perspective_taking": 0.15}
    },
    instruments=(INSTRUMENT,),
    student_response_rate=0.9,
    survey_windows={"pre": ("2025-10-13", "2025-10-24"), "post": ("2026-05-11", "2026-05-22")},
)


def sister_schools() -> pd.DataFrame:
    """The schools table: the two sister schools of one partnership."""
    frame = pd.DataFrame([{**school, "group": "partner", "partnership_id": PARTNERSHIP} for school in SCHOOLS])
    return frame[SCHOOL_COLUMNS]


def write_sister_schools_data(out_dir: Path, seed: int) -> Path:
    """Write the sister-schools programme's data into `out_dir` (byte-identical for a seed)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    schools = sister_schools()
    roster = build_students(random_stream(seed, "sister_schools:students"), schools, PARAMS)
    instrument = load_instrument(INSTRUMENTS_DIR, INSTRUMENT)
    survey = build_survey(
        random_stream(seed, f"survey:{INSTRUMENT}"),
        instrument,
        student_respondents(roster, schools),
        schools,
        PARAMS.student_response_rate,
        PARAMS,
    )
    write_csv(schools, out_dir / "schools.csv")
    write_csv(roster.frame, out_dir / "students.csv")
    write_csv(survey, out_dir / "surveys" / f"{INSTRUMENT}.csv")
    return out_dir
