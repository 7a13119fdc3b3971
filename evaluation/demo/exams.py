"""The demo's joint level-determination exams (ODBS): latent scores turned into answer sheets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.demo.params import DemoParameters
from evaluation.demo.randomness import correlated_normals
from evaluation.demo.schools import school_intercepts
from evaluation.demo.students import Roster

EXAM_COLUMNS = [
    "student_id", "school_id", "exam_id", "wave", "grade", "subject", "score", "exam_date",
    "n_items", "correct", "wrong", "blank",
]  # fmt: skip


@dataclass(frozen=True)
class ExamResults:
    """The exam_results table and, per student, whether they sat each wave's exam."""

    frame: pd.DataFrame
    sat_pre: np.ndarray
    sat_post: np.ndarray


def latent_scores(
    rng: np.random.Generator, roster: Roster, schools: pd.DataFrame, params: DemoParameters
) -> tuple[np.ndarray, np.ndarray]:
    """Latent pre and post scores, (students, subjects) arrays clipped to [0, 100].

    ``mu + school + ability + noise`` before, plus ``growth + partner_effect * partner`` after;
    the school intercept and the ability are the same in both waves.
    """
    subjects = list(params.n_items)
    k = len(subjects)
    mean = np.array([params.subject_mean[s] for s in subjects])
    growth = np.array([params.growth[s] for s in subjects])
    effect = np.array([params.partner_effect[s] for s in subjects])
    shift = schools["resource_level"].map(dict(params.resource_shift)).to_numpy(dtype=float)
    school = shift[:, None] + params.school_sd * school_intercepts(rng, schools, k, params.subject_correlation, params)
    ability = params.student_sd * correlated_normals(rng, roster.size, k, params.subject_correlation)
    partner = (schools["group"].to_numpy() == "partner")[roster.school_index]
    true_part = mean + school[roster.school_index] + ability
    pre = true_part + params.noise_sd * rng.standard_normal((roster.size, k))
    post = true_part + growth + np.outer(partner, effect) + params.noise_sd * rng.standard_normal((roster.size, k))
    return np.clip(pre, 0.0, 100.0), np.clip(post, 0.0, 100.0)


def answer_sheets(
    rng: np.random.Generator, latent: np.ndarray, n_items: np.ndarray, blank_propensity: float
) -> tuple[np.ndarray, ...]:
    """Correct, wrong and blank counts and the score whose expectation is ``latent``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the blanks and of the rounding.
    latent : ndarray
        Latent scores in [0, 100].
    n_items : ndarray
        Items of each exam (same shape as ``latent``).
    blank_propensity : float
        Probability that an item which can be left blank is.

    Returns
    -------
    correct, wrong, blank : ndarray of int
        ``correct + wrong + blank == n_items``.
    score : ndarray of float
        ``100 * (correct - wrong / 4) / n_items`` rounded to 2 decimals, clipped to [0, 100].

    Notes
    -----
    With ``net = latent * n / 100`` at most ``floor(n - net)`` items can be blank for ``net``
    to stay attainable; blanks are ``Binomial(floor(n - net), blank_propensity)``. The
    (continuous) number of correct answers giving exactly ``net`` is ``(4 net + n - blank) / 5``;
    it is rounded up with probability equal to its fractional part, so the expected net, and
    the expected score, equal the latent values.
    """
    net = latent * n_items / 100.0
    can_blank = np.floor(n_items - net + 1e-9).astype(np.int64).clip(0, n_items)
    blank = rng.binomial(can_blank, blank_propensity)
    exact_correct = (4.0 * net + n_items - blank) / 5.0
    correct = np.floor(exact_correct + rng.random(latent.shape)).astype(np.int64)
    correct = np.clip(correct, 0, n_items - blank)
    wrong = n_items - blank - correct
    score = np.clip(np.round(100.0 * (correct - wrong / 4.0) / n_items, 2), 0.0, 100.0)
    return correct, wrong, blank, score


def _attrition(rng: np.random.Generator, n: int, params: DemoParameters) -> tuple[np.ndarray, np.ndarray]:
    """Who sat the pre and the post exam: disjoint random shares miss one wave each."""
    draw = rng.random(n)
    missing_post = draw < params.missing_post
    missing_pre = (draw >= params.missing_post) & (draw < params.missing_post + params.missing_pre)
    return ~missing_pre, ~missing_post


def _wave_sheets(
    rng: np.random.Generator, sat: np.ndarray, latent: np.ndarray, params: DemoParameters
) -> dict[str, np.ndarray]:
    """Rows of one wave as arrays: one per student who sat the exam and subject."""
    k = len(params.n_items)
    students = np.repeat(np.flatnonzero(sat), k)
    subject_code = np.tile(np.arange(k), int(sat.sum()))
    n_items = np.array(list(params.n_items.values()), dtype=np.int64)[subject_code]
    correct, wrong, blank, score = answer_sheets(rng, latent[sat].ravel(), n_items, params.blank_propensity)
    return {
        "students": students,
        "subject_code": subject_code,
        "score": score,
        "n_items": n_items,
        "correct": correct,
        "wrong": wrong,
        "blank": blank,
    }


def _exam_frame(
    waves: list[dict[str, np.ndarray]], roster: Roster, schools: pd.DataFrame, params: DemoParameters
) -> pd.DataFrame:
    """One table of the waves' rows; ids and labels are categoricals to keep millions of rows
    light."""
    columns = {key: np.concatenate([wave[key] for wave in waves]) for key in waves[0]}
    students = columns["students"]
    wave_code = np.repeat(np.arange(len(waves), dtype=np.int8), [len(wave["students"]) for wave in waves])
    exams = (params.pre_exam, params.post_exam)
    return pd.DataFrame(
        {
            "student_id": pd.Categorical.from_codes(students, roster.frame["student_id"]),
            "school_id": pd.Categorical.from_codes(roster.school_index[students], schools["school_id"]),
            "exam_id": pd.Categorical.from_codes(wave_code, [exam[0] for exam in exams]),
            "wave": pd.Categorical.from_codes(wave_code, ["pre", "post"]),
            "grade": roster.frame["grade"].to_numpy()[students],
            "subject": pd.Categorical.from_codes(columns["subject_code"], list(params.n_items)),
            "score": columns["score"],
            "exam_date": pd.Categorical.from_codes(wave_code, [exam[1] for exam in exams]),
            "n_items": columns["n_items"],
            "correct": columns["correct"],
            "wrong": columns["wrong"],
            "blank": columns["blank"],
        }
    )


def build_exam_results(
    rng: np.random.Generator, roster: Roster, schools: pd.DataFrame, params: DemoParameters
) -> ExamResults:
    """The exam_results table: the November (pre) then the April (post) exam.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the scores, answer sheets and attrition.
    roster : Roster
        The students (``build_students``).
    schools : DataFrame
        The schools table, for the group and resource level of each student's school.
    params : DemoParameters
        Score model, item counts, exams and attrition (see ``DemoParameters``).

    Returns
    -------
    ExamResults
        The table (columns ``EXAM_COLUMNS``, key student_id, exam_id, subject) and who sat
        which exam.
    """
    pre, post = latent_scores(rng, roster, schools, params)
    sat_pre, sat_post = _attrition(rng, roster.size, params)
    waves = [_wave_sheets(rng, sat_pre, pre, params), _wave_sheets(rng, sat_post, post, params)]
    frame = _exam_frame(waves, roster, schools, params)
    return ExamResults(frame=frame[EXAM_COLUMNS], sat_pre=sat_pre, sat_post=sat_post)
