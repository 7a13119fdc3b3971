"""Pre/post linkage of validated data: how many of the people measured after the programme were
measured before it too, per table with waves (exam results by ``student_id``, each survey by
``respondent_id``). A low rate means the before/after comparison rests on fewer people than took
part, and the report falls back to comparing the waves as independent samples."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.validation.report import ValidationReport

LINKAGE_COLUMNS = ("table", "id_column", "n_pre", "n_post", "n_linked", "linkage_rate")
_ID_COLUMNS = {"exam_results": "student_id"}
_SURVEY_ID = "respondent_id"


def linkage_summary(report: ValidationReport) -> pd.DataFrame:
    """One row per table with waves: distinct ids among the accepted rows of the pre wave, of the
    post wave, in both (``n_linked``), and ``linkage_rate`` = n_linked / n_post (empty when there
    is no post wave). Broken or empty tables are left out."""
    rows = []
    for key, frame in report.accepted.items():
        id_column = _ID_COLUMNS.get(key, _SURVEY_ID if key.startswith("surveys/") else None)
        result = report.tables.get(key)
        if id_column is None or result is None or result.broken or not len(frame):
            continue
        pre, post = _ids_in_wave(frame, id_column, "pre"), _ids_in_wave(frame, id_column, "post")
        linked = int((pre & post).sum())
        n_post = int(post.sum())
        rate = linked / n_post if n_post else float("nan")
        rows.append((key, id_column, int(pre.sum()), n_post, linked, rate))
    return pd.DataFrame(rows, columns=list(LINKAGE_COLUMNS))


def _ids_in_wave(frame: pd.DataFrame, id_column: str, wave: str) -> np.ndarray:
    """The distinct ids with a row in ``wave``, as a mask over the codes of the table's ids (one
    hash pass: sets of Arrow strings would be built value by value in Python)."""
    codes, uniques = pd.factorize(frame[id_column])  # a missing id is -1: not an id
    chosen = codes[frame["wave"].eq(wave).fillna(False).to_numpy(dtype=bool)]
    mask = np.zeros(len(uniques), dtype=bool)
    mask[chosen[chosen >= 0]] = True
    return mask


def linkage_lines(linkage: pd.DataFrame) -> list[str]:
    """One line per table for the command's summary."""
    return [
        f"{row.table}: {row.n_linked} of {row.n_post} {row.id_column}s of the post wave are in the pre wave "
        f"too (linkage {row.linkage_rate:.0%})"
        if row.n_post
        else f"{row.table}: no post wave"
        for row in linkage.itertuples(index=False)
    ]
