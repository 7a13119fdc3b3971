"""The demo's student roster: pseudonymous ids, grade, sex and two equity flags."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.demo.params import DemoParameters

STUDENT_COLUMNS = ["student_id", "school_id", "grade", "sex", "special_needs", "migrant_refugee"]


@dataclass(frozen=True)
class Roster:
    """The roster table and, per student, the row of its school in the schools table."""

    frame: pd.DataFrame
    school_index: np.ndarray

    @property
    def size(self) -> int:
        """Number of students."""
        return len(self.frame)


def pseudonymous_ids(rng: np.random.Generator, prefix: str, count: int, width: int) -> np.ndarray:
    """``count`` distinct ids ``<prefix><number>`` in random order (numbers 1..count, zero-padded
    to at least ``width`` digits), so that ids reveal neither school nor order."""
    width = max(width, len(str(count)))
    numbers = rng.permutation(count) + 1
    return np.char.add(prefix, np.char.zfill(numbers.astype(str), width)).astype(object)


def build_students(rng: np.random.Generator, schools: pd.DataFrame, params: DemoParameters) -> Roster:
    """Draw the roster: a number of students per school and grade, then their attributes.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the class sizes, ids and attributes.
    schools : DataFrame
        The schools table (``build_schools``).
    params : DemoParameters
        ``grades``, ``students_per_grade``, ``share_female``, ``share_special_needs``,
        ``share_migrant_refugee``.

    Returns
    -------
    Roster
        Students ordered by school and grade, ids ``S000123``.
    """
    low, high = params.students_per_grade
    grades = np.asarray(params.grades)
    counts = rng.integers(low, high + 1, size=(len(schools), len(grades)))
    school_index = np.repeat(np.arange(len(schools)), counts.sum(axis=1))
    grade = np.repeat(np.tile(grades, len(schools)), counts.ravel())
    n = len(grade)
    frame = pd.DataFrame(
        {
            "student_id": pseudonymous_ids(rng, "S", n, 6),
            "school_id": schools["school_id"].to_numpy()[school_index],
            "grade": grade,
            "sex": np.where(rng.random(n) < params.share_female, "F", "M"),
            "special_needs": rng.random(n) < params.share_special_needs,
            "migrant_refugee": rng.random(n) < params.share_migrant_refugee,
        }
    )
    return Roster(frame=frame, school_index=school_index)
