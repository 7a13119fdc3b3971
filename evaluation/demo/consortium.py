"""The consortium demo programme (seed 002): an Erasmus+ school education consortium of one
provincial directorate (İzmir), accredited for 2021-2027, with schools of every kind and no
control schools.

One school year per data folder (``write_consortium(out_dir, period="2023-2024")``): the
consortium's member schools that year, the teachers' and students' surveys before and after their
mobility (``teacher_mobility``, ``student_mobility``), and the schools' indicators of that year
(Europass mobility documents, certificates, eTwinning projects and labels, labs), and the
ethical-consumption test the students take before and after, item by item (item_responses). No
exam results, no roster, no activity calendar.

The schools are drawn once for the whole accreditation (the same seed gives the same pool in
every year); each year's members are the pool's schools that have joined by then and not left,
so the number of schools reporting changes from year to year. Indicator values are stocks
(documents held, labels, labs), cumulative across the years of a school, drawn for every year at
once so that a school's values agree between the folders. Teachers and students differ every year
(new mobility participants), and so do their answers.

True changes from before to after a mobility, the same in every year (everyone is in the
programme, so ``survey_partner_effect`` is the change the programme aims at, beside the drift
``survey_growth`` of 0.05): teachers' competences from the mobility +0.40, wellbeing and
inclusion +0.20; students' skills and intercultural awareness +0.30 (scale points, 1-5).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.demo.items import build_knowledge_test
from evaluation.demo.params import DemoParameters, KnowledgeTest
from evaluation.demo.randomness import random_stream
from evaluation.demo.schools import SCHOOL_COLUMNS
from evaluation.demo.students import pseudonymous_ids
from evaluation.demo.surveys import Respondents, build_survey, load_instrument, teacher_respondents
from evaluation.demo.writer import write_csv
from evaluation.resources import INSTRUMENTS_DIR

CONSORTIUM_ID = "KA120-SCH-IZMIR"
FIRST_YEAR = 2022  # the school year 2022-2023 is the first of the demo's three
DEFAULT_PERIOD = "2024-2025"
INSTRUMENTS = ("teacher_mobility", "student_mobility")

#: School types of the pool, with how many schools of each and their name's ending.
SCHOOL_KINDS = (
    ("kindergarten", 4, "Anaokulu"),
    ("primary_school", 6, "İlkokulu"),
    ("middle_school", 7, "Ortaokulu"),
    ("anatolian_high_school", 5, "Anadolu Lisesi"),
    ("science_high_school", 1, "Fen Lisesi"),
    ("science_and_art_centre", 3, "Bilim ve Sanat Merkezi"),
)
#: Types whose students answer the students' survey (the youngest children do not).
STUDENT_SURVEY_TYPES = ("middle_school", "anatolian_high_school", "science_high_school", "science_and_art_centre")
DISTRICTS = (
    "Bornova", "Karşıyaka", "Buca", "Çiğli", "Gaziemir", "Narlıdere", "Ödemiş", "Torbalı", "Bergama", "Menemen",
    "Bayraklı", "Balçova", "Urla", "Seferihisar", "Menderes", "Tire",
)  # fmt: skip
NAMES = ("Atatürk", "Cumhuriyet", "Zafer", "İnönü", "Gazi", "Kurtuluş", "Yunus Emre", "Mimar Sinan", "Piri Reis")

#: Indicators: expected stock in the first year at a medium-resource school and yearly growth,
#: per school type multiplier (kindergartens hold fewer certificates, science and art centres
#: more labs). Labels and labs are 0/1.
INDICATOR_BASE = {
    "europass_mobility": (2.0, 1.5),
    "language_certificate": (2.5, 1.0),
    "digital_competence_certificate": (3.0, 1.5),
    "etwinning_project": (1.5, 1.0),
    "etwinning_school_label": (0.25, 0.15),
    "cybersecurity_label": (0.1, 0.1),
    "fcl_lab": (0.1, 0.08),
    "makerspace_lab": (0.2, 0.1),
    "steam_lab": (0.15, 0.1),
}
LABELS = ("etwinning_school_label", "cybersecurity_label", "fcl_lab", "makerspace_lab", "steam_lab")
TYPE_MULTIPLIER = {
    "kindergarten": 0.5,
    "primary_school": 0.8,
    "middle_school": 1.0,
    "anatolian_high_school": 1.2,
    "science_high_school": 1.4,
    "science_and_art_centre": 1.6,
}
RESOURCE_MULTIPLIER = {"low": 0.7, "medium": 1.0, "high": 1.3}
N_YEARS = 3
MISSING_REPORT = 0.06  # share of a year's indicator rows a school leaves out


def consortium_parameters(start: int) -> DemoParameters:
    """The survey settings of the school year starting in `start`: before the mobility in
    October, after it in May; the true changes of the module's docstring."""
    return replace(
        DemoParameters(),
        instruments=INSTRUMENTS,
        survey_partner_effect={
            "teacher_mobility": {"mobility_competence": 0.40, "mobility_wellbeing": 0.20},
            "student_mobility": {"mobility_skills": 0.30},
        },
        survey_windows={
            "pre": (f"{start}-10-14", f"{start}-10-25"),
            "post": (f"{start + 1}-05-12", f"{start + 1}-05-23"),
        },
        teachers_per_school=(6, 12),
    )


def school_year(period: str) -> int:
    """The first calendar year of a period written ``2023-2024`` (or ``2023``): which of the
    demo's years it is. A period without a year is refused (ValueError)."""
    found = re.match(r"\s*(\d{4})", period)
    if not found:
        raise ValueError(f"the consortium demo needs a period such as 2023-2024, found {period!r}")
    return int(found.group(1))


def consortium_pool(seed: int) -> pd.DataFrame:
    """Every school of the consortium over the accreditation: the schools table's columns plus
    ``joined`` and ``left`` (index of the first year in, and of the first year out; 99 = stays)."""
    rng = random_stream(seed, "consortium:schools")
    rows = []
    used: set[str] = set()
    for school_type, count, ending in SCHOOL_KINDS:
        for _ in range(count):
            while True:
                name = f"{rng.choice(DISTRICTS)} {rng.choice(NAMES)} {ending}"
                if name not in used:
                    used.add(name)
                    break
            rows.append({"school_name": name, "school_type": school_type})
    pool = pd.DataFrame(rows)
    pool["school_id"] = [f"TR-35-{number + 1:03d}" for number in range(len(pool))]
    pool["province"] = "İzmir"
    pool["country"] = "TR"
    pool["group"] = "partner"
    pool["partnership_id"] = CONSORTIUM_ID
    pool["resource_level"] = rng.choice(["low", "medium", "high"], size=len(pool), p=[0.35, 0.4, 0.25])
    pool["joined"] = rng.choice([0, 0, 0, 1, 2], size=len(pool))
    pool["left"] = np.where(rng.random(len(pool)) < 0.1, pool["joined"] + 1, 99)
    return pool


def consortium_indicators(seed: int, pool: pd.DataFrame) -> pd.DataFrame:
    """The indicator stocks of every pool school in every year (school_id, year, indicator,
    value; ``year`` the calendar year a school year ends, 2023 to 2025)."""
    rng = random_stream(seed, "consortium:indicators")
    level = pool["school_type"].map(TYPE_MULTIPLIER).to_numpy() * pool["resource_level"].map(RESOURCE_MULTIPLIER)
    level = level.to_numpy(dtype=float)
    frames = []
    for name, (base, growth) in INDICATOR_BASE.items():
        if name in LABELS:
            held = rng.random(len(pool)) < np.minimum(base * level, 1.0)
            values = [held]
            for _ in range(N_YEARS - 1):
                held = held | (rng.random(len(pool)) < np.minimum(growth * level, 1.0))
                values.append(held)
            stocks = np.stack(values, axis=1).astype(np.int64)
        else:
            first = rng.poisson(base * level)
            steps = rng.poisson(np.outer(growth * level, np.ones(N_YEARS - 1)))
            stocks = np.column_stack([first, first[:, None] + np.cumsum(steps, axis=1)])
        for year in range(N_YEARS):
            frames.append(
                pd.DataFrame(
                    {
                        "school_id": pool["school_id"],
                        "year": FIRST_YEAR + 1 + year,
                        "indicator": name,
                        "value": stocks[:, year],
                    }
                )
            )
    table = pd.concat(frames, ignore_index=True)
    reported = rng.random(len(table)) >= MISSING_REPORT
    return table[reported].sort_values(["school_id", "year"], kind="stable").reset_index(drop=True)


def _student_respondents(rng: np.random.Generator, schools: pd.DataFrame) -> Respondents:
    """The students of a year's mobility groups and eTwinning projects: 12 to 24 per school whose
    students answer (`STUDENT_SURVEY_TYPES`), answering in school hours."""
    answering = np.flatnonzero(schools["school_type"].isin(STUDENT_SURVEY_TYPES).to_numpy())
    counts = rng.integers(12, 25, size=len(answering))
    school_index = np.repeat(answering, counts)
    ids = pseudonymous_ids(rng, "S", len(school_index), 5)
    return Respondents("student", ids, school_index, np.ones(len(ids), dtype=bool), 8 * 60 + 40, 15 * 60 + 30)


def write_consortium(out_dir: Path, seed: int, period: str | None = None) -> Path:
    """Write one school year of the consortium into `out_dir` (the plan's `period`, default
    2024-2025; the demo holds 2022-2023 to 2024-2025): schools.csv, indicators.csv,
    surveys/teacher_mobility.csv, surveys/student_mobility.csv, and item_responses.csv: the
    ethical-consumption test (15 items, `evaluation.demo.items.build_knowledge_test`) taken before
    and after by the students of the mobility groups."""
    start = school_year(period or DEFAULT_PERIOD)
    index = start - FIRST_YEAR
    if not 0 <= index < N_YEARS:
        raise ValueError(
            f"the consortium demo holds the school years {FIRST_YEAR}-{FIRST_YEAR + 1} to "
            f"{FIRST_YEAR + N_YEARS - 1}-{FIRST_YEAR + N_YEARS}, not {period}"
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pool = consortium_pool(seed)
    members = pool[(pool["joined"] <= index) & (pool["left"] > index)].reset_index(drop=True)
    schools = members[SCHOOL_COLUMNS]
    write_csv(schools, out_dir / "schools.csv")
    indicators = consortium_indicators(seed, pool)
    year = indicators[(indicators["year"] == start + 1) & indicators["school_id"].isin(schools["school_id"])]
    write_csv(year.reset_index(drop=True), out_dir / "indicators.csv")
    params = consortium_parameters(start)
    respondents = {
        "teacher": teacher_respondents(random_stream(seed, f"consortium:teachers:{start}"), schools, params),
        "student": _student_respondents(random_stream(seed, f"consortium:students:{start}"), schools),
    }
    for instrument_id in INSTRUMENTS:
        instrument = load_instrument(INSTRUMENTS_DIR, instrument_id)
        rate = params.teacher_response_rate if instrument.role == "teacher" else params.student_response_rate
        frame = build_survey(
            random_stream(seed, f"consortium:survey:{instrument_id}:{start}"),
            instrument,
            respondents[instrument.role],
            schools,
            rate,
            params,
        )
        write_csv(frame, out_dir / "surveys" / f"{instrument_id}.csv")
    students = respondents["student"]
    takers = pd.DataFrame(
        {"student_id": students.ids, "school_id": schools["school_id"].to_numpy()[students.school_index]}
    )
    test = build_knowledge_test(
        random_stream(seed, f"consortium:ethical_consumption:{start}"), takers, schools, KnowledgeTest()
    )
    write_csv(test, out_dir / "item_responses.csv")
    return out_dir
