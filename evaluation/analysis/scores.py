"""Survey scale scores from Likert items, with reverse-keyed items turned round first."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def scale_score(
    responses: pd.DataFrame, items: Sequence[str], reverse: Sequence[str], minimum: float, maximum: float
) -> pd.Series:
    """Mean of a scale's items per response, after scoring reverse-keyed items as
    (minimum + maximum) - answer.

    A response missing any item of the scale gets no score (NaN): partial scales are not
    comparable between respondents who skipped different items.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [5, 1], "b": [1, 5]})
    >>> scale_score(frame, ["a", "b"], reverse=["b"], minimum=1, maximum=5).tolist()
    [5.0, 1.0]
    """
    return keyed_items(responses, items, reverse, minimum, maximum).mean(axis=1, skipna=False)


def knowledge_test_scores(responses: pd.DataFrame) -> pd.DataFrame:
    """Per student, wave and school of item responses (test_id, student_id, school_id, wave,
    score, max_score): n_items answered, points, max_points and percent_correct, 100 points /
    max_points (the percentage of the items right for items scored 0/1). A row left out is an
    item not asked: the percentage is of the items the student has rows for.

    Examples
    --------
    >>> rows = pd.DataFrame({"test_id": "t", "student_id": "s1", "school_id": "a", "wave": "pre",
    ...                      "item": ["q1", "q2", "q3", "q4"], "score": [1, 0, 1, 1], "max_score": 1.0})
    >>> knowledge_test_scores(rows)["percent_correct"].tolist()
    [75.0]
    """
    frame = responses.assign(
        score=responses["score"].astype(float), max_score=responses["max_score"].astype(float).fillna(1.0)
    )
    grouped = frame.groupby(["test_id", "student_id", "school_id", "wave"], observed=True, sort=True)
    out = grouped.agg(n_items=("score", "size"), points=("score", "sum"), max_points=("max_score", "sum"))
    out["percent_correct"] = 100.0 * out["points"] / out["max_points"]
    return out.reset_index()


def keyed_items(
    responses: pd.DataFrame, items: Sequence[str], reverse: Sequence[str], minimum: float, maximum: float
) -> pd.DataFrame:
    """The scale's item columns as floats, reverse-keyed items scored (minimum + maximum) - answer
    (psych's ``reverse.code`` with the response range as mini and maxi)."""
    missing = [item for item in items if item not in responses.columns]
    if missing:
        raise KeyError(f"scale items not in the survey: {', '.join(missing)}")
    values = responses[list(items)].astype(float)
    for item in reverse:
        values[item] = (minimum + maximum) - values[item]
    return values
