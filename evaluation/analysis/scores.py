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
