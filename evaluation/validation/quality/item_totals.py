"""``items_disagree``: a student's item responses to an exam subject that do not add up to the
correct answers exam_results gives for that subject and wave (the answer sheet and its count of
right answers should be the same exam)."""

from __future__ import annotations

import pandas as pd

from evaluation.validation.quality.messages import Finding


def items_against_exams(items: pd.DataFrame, exams: pd.DataFrame) -> list[Finding]:
    """One finding per student, subject and wave whose items scored right or wrong (max_score 1)
    add up to another number than exam_results' ``correct`` (when given); on the first item row.

    Items scored in points, and tests that are no exam subject (a knowledge test), are not
    compared."""
    if not len(items) or not len(exams) or exams["correct"].isna().all():
        return []
    binary = items[(items["max_score"].astype(float) == 1) & items["test_id"].isin(set(exams["subject"].dropna()))]
    if binary.empty:
        return []
    keys = ["test_id", "student_id", "wave"]
    first = binary.reset_index(names="_row").groupby(keys, observed=True, sort=True)
    sums = first.agg(
        n_right=("score", "sum"), n_items=("score", "size"), row=("_row", "min"), school_id=("school_id", "first")
    )
    sums = sums.reset_index()
    counted = exams.dropna(subset=["correct"]).rename(columns={"subject": "test_id"})[[*keys, "correct"]]
    merged = sums.merge(counted.drop_duplicates(keys), on=keys, how="inner")
    wrong = merged[merged["n_right"].astype(float) != merged["correct"].astype(float)]
    return [
        Finding(
            "item_responses",
            str(record.school_id),
            int(record.row),
            "score",
            f"{record.n_right:g}",
            "items_disagree",
            "items_disagree",
            {
                "subject": record.test_id,
                "wave": record.wave,
                "n_right": int(record.n_right),
                "correct": int(record.correct),
            },
        )
        for record in wrong.itertuples(index=False)
    ]
