"""The demo's item responses: the exams' answer sheets item by item, and knowledge tests.

`exam_item_responses` turns each exam_results row (a student's correct, wrong and blank counts)
into one row per item, right (1) for exactly ``correct`` items, so that the item responses agree
with the exam table; `build_knowledge_test` draws a knowledge test taken before and after the year
(the ethical-consumption test of an Erasmus+ consortium, 002) from a two-parameter logistic model.
Both give the columns of the item_responses contract (`ITEM_RESPONSE_COLUMNS`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.demo.params import KnowledgeTest

ITEM_RESPONSE_COLUMNS = ["test_id", "student_id", "school_id", "wave", "item", "score", "max_score"]
#: Spread of the exam items' easiness (logits): items from about 30% to 90% right at a mean score.
EXAM_EASINESS_SD = 1.0


def item_ids(n_items: int) -> list[str]:
    """``q01``, ``q02``, ... (two digits at least)."""
    width = max(2, len(str(n_items)))
    return [f"q{number:0{width}d}" for number in range(1, n_items + 1)]


def _long(
    test_id: str, students: np.ndarray, schools: np.ndarray, wave: str, scores: np.ndarray, items: list[str]
) -> pd.DataFrame:
    """One row per student (rows of ``scores``) and item, in student then item order."""
    n, k = scores.shape
    return pd.DataFrame(
        {
            "test_id": test_id,
            "student_id": np.repeat(students, k),
            "school_id": np.repeat(schools, k),
            "wave": wave,
            "item": np.tile(np.array(items, dtype=object), n),
            "score": scores.ravel().astype(np.int64),
            "max_score": "",
        }
    )


def exam_item_responses(rng: np.random.Generator, exams: pd.DataFrame) -> pd.DataFrame:
    """The exam answer sheets of ``exams`` (exam_results rows) item by item.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the items' easiness and of which items each student got right.
    exams : DataFrame
        exam_results rows: student_id, school_id, wave, subject, n_items, correct.

    Returns
    -------
    DataFrame
        Columns `ITEM_RESPONSE_COLUMNS`; test_id is the subject, items ``q01``...; per exam row,
        exactly ``correct`` items score 1 and the others (wrong or blank) 0.

    Notes
    -----
    Each exam (subject and wave: November and April are different tests) gets item easiness
    ``e_j ~ N(0, EXAM_EASINESS_SD)``. A student's right items are the ``correct`` largest of
    ``e_j + Gumbel noise``: sampling without replacement with weights ``exp(e_j)``, so easy items
    are right more often and a student with more right answers has more of every item right
    (positive discrimination), while the counts stay those of exam_results.
    """
    parts = []
    for (subject, wave), rows in exams.groupby(["subject", "wave"], observed=True, sort=False):
        n_items = int(rows["n_items"].iloc[0])
        easiness = rng.normal(0.0, EXAM_EASINESS_SD, n_items)
        keys = easiness[None, :] + rng.gumbel(size=(len(rows), n_items))
        rank = np.argsort(np.argsort(-keys, axis=1), axis=1)  # 0 for the largest key of a row
        right = rank < rows["correct"].to_numpy(dtype=np.int64)[:, None]
        parts.append(
            _long(
                str(subject),
                rows["student_id"].astype(str).to_numpy(),
                rows["school_id"].astype(str).to_numpy(),
                str(wave),
                right,
                item_ids(n_items),
            )
        )
    if not parts:
        return pd.DataFrame(columns=ITEM_RESPONSE_COLUMNS)
    return pd.concat(parts, ignore_index=True)[ITEM_RESPONSE_COLUMNS]


def build_knowledge_test(
    rng: np.random.Generator, students: pd.DataFrame, schools: pd.DataFrame, test: KnowledgeTest | None = None
) -> pd.DataFrame:
    """A knowledge test taken before (pre) and after (post) the year, item by item.

    The function a demo scenario calls for a knowledge test such as the Erasmus+ consortium's
    ethical-consumption test (002): ``build_knowledge_test(random_stream(seed, "item_responses:
    ethical_consumption"), roster.frame, schools, KnowledgeTest())``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the items, abilities, who takes part and the answers.
    students : DataFrame
        The students who may take the test: student_id and school_id (the roster).
    schools : DataFrame
        school_id and group (``partner`` schools get ``test.partner_effect``).
    test : KnowledgeTest, optional
        The test's settings (default ``KnowledgeTest()``: ethical_consumption, 15 items).

    Returns
    -------
    DataFrame
        Columns `ITEM_RESPONSE_COLUMNS`, pre rows then post rows; each student takes each wave
        with probability ``test.response_rate``, independently, and answers every item.
    """
    test = test or KnowledgeTest()
    n, k = len(students), test.n_items
    difficulty = rng.normal(test.difficulty_mean, test.difficulty_sd, k)
    discrimination = rng.uniform(0.8, 2.0, k)
    school_ids = schools["school_id"].astype(str).to_numpy()
    school_effect = dict(zip(school_ids, rng.normal(0.0, test.school_sd, len(school_ids)), strict=True))
    partner = dict(zip(school_ids, (schools["group"] == "partner").to_numpy(), strict=True))
    student_schools = students["school_id"].astype(str).to_numpy()
    base = np.array([school_effect[s] for s in student_schools]) + rng.normal(0.0, test.ability_sd, n)
    gain = test.growth + test.partner_effect * np.array([partner[s] for s in student_schools], dtype=float)
    ids = students["student_id"].astype(str).to_numpy()
    parts = []
    for wave, ability in (("pre", base), ("post", base + gain)):
        takes = rng.random(n) < test.response_rate
        logits = discrimination[None, :] * (ability[takes, None] - difficulty[None, :])
        right = rng.random((int(takes.sum()), k)) < 1.0 / (1.0 + np.exp(-logits))
        parts.append(_long(test.test_id, ids[takes], student_schools[takes], wave, right, item_ids(k)))
    return pd.concat(parts, ignore_index=True)[ITEM_RESPONSE_COLUMNS]
