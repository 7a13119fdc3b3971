"""Outlying exam scores, flagged for review (never dropped)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.validation.quality.messages import Finding
from evaluation.validation.quality.settings import QualitySettings

GROUP = ("school_id", "exam_id", "subject")
_CONSISTENCY = 0.6745  # the 0.75 quantile of the standard normal: MAD / 0.6745 estimates the SD


def modified_z(values: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """Iglewicz and Hoaglin's modified z of each value within its group.

    Parameters
    ----------
    values
        Numbers (missing values are left out of the group statistics and get a missing z).
    groups
        Group codes aligned with ``values``.

    Returns
    -------
    DataFrame
        Columns ``n`` (non-missing values in the group), ``median``, ``mad`` (median absolute
        deviation from the median) and ``z = 0.6745 * (value - median) / mad`` (missing when the
        MAD is 0).

    Notes
    -----
    Iglewicz, B. and Hoaglin, D. C. (1993). *How to Detect and Handle Outliers*. ASQC Quality
    Press. They recommend labelling values with ``|z| > 3.5`` as potential outliers.
    """
    by_group = values.groupby(groups, sort=False)
    median = by_group.transform("median")
    deviation = (values - median).abs()
    mad = deviation.groupby(groups, sort=False).transform("median")
    z = _CONSISTENCY * (values - median) / mad.where(mad > 0)
    return pd.DataFrame({"n": by_group.transform("count"), "median": median, "mad": mad, "z": z})


def outliers(exams: pd.DataFrame, settings: QualitySettings) -> list[Finding]:
    """``outlier``: scores with ``|modified z| > settings.outlier_z`` within their school, exam
    and subject, in groups of at least ``settings.outlier_min_group`` scores."""
    if not len(exams):
        return []
    codes = exams.groupby(list(GROUP), sort=False, dropna=False).ngroup()
    scores = exams["score"].astype("float64")
    stats = modified_z(scores, codes)
    flagged = (stats["n"] >= settings.outlier_min_group) & (stats["z"].abs() > settings.outlier_z)
    flagged = flagged.fillna(False).to_numpy(dtype=bool)
    rows = exams.loc[flagged, [*GROUP, "score"]].assign(median=stats["median"][flagged], z=stats["z"][flagged])
    return [
        Finding(
            "exam_results",
            record.school_id,
            int(row),
            "score",
            f"{record.score:g}",
            "outlier",
            "outlier",
            {
                "value": float(record.score),
                "median": float(record.median),
                "subject": record.subject,
                "exam_id": record.exam_id,
                "z": float(np.round(record.z, 1)),
            },
        )
        for row, record in zip(rows.index, rows.itertuples(index=False), strict=True)
    ]
