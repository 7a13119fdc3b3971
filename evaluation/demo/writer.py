"""Write the demo programme's data directory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from evaluation.demo.activities import build_activities
from evaluation.demo.exams import build_exam_results
from evaluation.demo.indicators import build_indicators
from evaluation.demo.items import build_knowledge_test, exam_item_responses
from evaluation.demo.params import DemoParameters
from evaluation.demo.randomness import random_stream
from evaluation.demo.schools import build_schools
from evaluation.demo.students import build_students
from evaluation.demo.surveys import (
    Respondents,
    build_survey,
    load_instrument,
    student_respondents,
    teacher_respondents,
)
from evaluation.resources import INSTRUMENTS_DIR


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as UTF-8 CSV: comma-separated, header row, ``\n`` line ends, booleans
    ``true``/``false``, missing values as empty strings, quotes only where a value needs them.

    Arrow's writer does the work (fast enough for millions of rows); a table with a value that
    needs quoting goes through pandas instead.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    header = ",".join(frame.columns) + "\n"
    table = pa.Table.from_pandas(frame, preserve_index=False)
    try:
        with path.open("wb") as handle:
            handle.write(header.encode("utf-8"))
            pa_csv.write_csv(table, handle, pa_csv.WriteOptions(include_header=False, quoting_style="none"))
    except pa.ArrowInvalid:
        out = frame.copy()
        for column in out.columns:
            if pd.api.types.is_bool_dtype(out[column]):
                out[column] = np.where(out[column].to_numpy(), "true", "false")
        out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", na_rep="")


def write_demo_data(out_dir: Path, seed: int = 20222023, params: DemoParameters | None = None) -> Path:
    """Write a synthetic school partnership programme (school year 2022-2023) to ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        Data directory to write (created if missing; existing files of the same names are
        replaced).
    seed : int
        Random seed; the same seed and parameters give byte-identical files.
    params : DemoParameters, optional
        Generator settings, including the true effects (see ``DemoParameters``); defaults to
        ``DemoParameters()``: 28 schools (6 partnerships, 14 partner and 14 control schools),
        about 3,800 students, true partner effects mathematics 4.0, science 3.0, turkish 2.0,
        english 0.0 score points and belonging 0.20, peer_collaboration 0.30, teacher
        collaboration 0.35 scale points.

    Returns
    -------
    Path
        ``out_dir``, holding schools.csv, students.csv, exam_results.csv, activities.csv,
        indicators.csv and surveys/<instrument_id>.csv for each of ``params.instruments``, and
        item_responses.csv when ``params.exam_item_responses`` or ``params.knowledge_test`` asks.
    """
    params = params or DemoParameters()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    schools = build_schools(random_stream(seed, "schools"), params)
    roster = build_students(random_stream(seed, "students"), schools, params)
    exams = build_exam_results(random_stream(seed, "exams"), roster, schools, params)
    write_csv(schools, out_dir / "schools.csv")
    write_csv(roster.frame, out_dir / "students.csv")
    write_csv(exams.frame, out_dir / "exam_results.csv")
    _write_surveys(out_dir, seed, schools, student_respondents(roster, schools), params)
    activities = build_activities(random_stream(seed, "activities"), schools, roster, exams, params)
    write_csv(activities, out_dir / "activities.csv")
    indicators = build_indicators(random_stream(seed, "indicators"), schools, params)
    write_csv(indicators, out_dir / "indicators.csv")
    _write_item_responses(out_dir, seed, schools, roster.frame, exams.frame, params)
    return out_dir


def _write_item_responses(
    out_dir: Path, seed: int, schools: pd.DataFrame, students: pd.DataFrame, exams: pd.DataFrame, params: DemoParameters
) -> None:
    """item_responses.csv when the parameters ask for it: the exams item by item
    (``exam_item_responses``) and the knowledge test (``knowledge_test``), each from a random stream
    of its own, so that no other table changes."""
    parts = []
    if params.exam_item_responses:
        parts.append(exam_item_responses(random_stream(seed, "item_responses:exams"), exams))
    if params.knowledge_test is not None:
        stream = random_stream(seed, f"item_responses:{params.knowledge_test.test_id}")
        parts.append(build_knowledge_test(stream, students, schools, params.knowledge_test))
    if parts:
        write_csv(pd.concat(parts, ignore_index=True), out_dir / "item_responses.csv")


def _write_surveys(
    out_dir: Path, seed: int, schools: pd.DataFrame, students: Respondents, params: DemoParameters
) -> None:
    """One file per instrument under ``surveys/``; students or teachers answer by its role."""
    teachers = teacher_respondents(random_stream(seed, "teachers"), schools, params)
    for instrument_id in params.instruments:
        instrument = load_instrument(INSTRUMENTS_DIR, instrument_id)
        if instrument.role == "student":
            respondents, rate = students, params.student_response_rate
        elif instrument.role == "teacher":
            respondents, rate = teachers, params.teacher_response_rate
        else:
            raise ValueError(
                f"the demo generator has no respondents of role {instrument.role!r} (instrument {instrument_id})"
            )
        frame = build_survey(
            random_stream(seed, f"survey:{instrument_id}"), instrument, respondents, schools, rate, params
        )
        write_csv(frame, out_dir / "surveys" / f"{instrument_id}.csv")
