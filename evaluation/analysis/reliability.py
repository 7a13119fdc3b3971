"""Reliability of every survey scale, per wave and role: the rows of `results/scales.csv` and,
per item, of `results/items.csv` (aggregates only).

Each cell (instrument, scale, wave, role) takes the respondents who answered every item of the
scale (complete cases, as `evaluation.analysis.scores.scale_score` does), with reverse-keyed items turned
round (`evaluation.analysis.scores.keyed_items`); alpha and its Feldt interval come from
`evaluation.stats.reliability.cronbach_alpha`, the item-total correlations (psych's ``r.drop``)
and alpha-if-dropped from `evaluation.stats.reliability.item_statistics`. A cell with fewer
respondents than the plan's `min_cell_size` is suppressed: its numbers, n too, are blank.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.analysis.scores import keyed_items
from evaluation.stats.reliability import cronbach_alpha, item_statistics

SCALE_COLUMNS = [
    "instrument",
    "scale",
    "wave",
    "role",
    "n_items",
    "n",
    "mean",
    "sd",
    "alpha",
    "alpha_ci_low",
    "alpha_ci_high",
    "suppressed",
]
ITEM_COLUMNS = ["instrument", "scale", "item", "wave", "role", "r_drop", "alpha_if_dropped", "mean", "suppressed"]
WAVES = ("pre", "post")
MIN_RESPONDENTS = 3  # alpha needs at least three complete responses


def _cells(responses: pd.DataFrame, instrument) -> Iterator[tuple[str, str, str, pd.DataFrame]]:
    """(scale, wave, role, keyed complete items) of every scale, in the instrument's order, by
    wave (pre, post) and role (as they first appear)."""
    waves = [w for w in WAVES if w in set(responses["wave"])]
    roles = list(dict.fromkeys(responses["role"].dropna()))
    for scale, items in instrument.scales.items():
        reverse = [item for item in instrument.reverse_items if item in items]
        keyed = keyed_items(responses, items, reverse, instrument.scale_min, instrument.scale_max)
        for wave in waves:
            for role in roles:
                mask = (responses["wave"] == wave) & (responses["role"] == role)
                complete = keyed[mask.to_numpy()].dropna()
                if len(complete):
                    yield scale, wave, role, complete


def scale_rows(responses: pd.DataFrame, instrument, min_cell_size: int = 0, level: float = 0.95) -> pd.DataFrame:
    """One row per scale, wave and role of one instrument's responses (columns `SCALE_COLUMNS`).

    Parameters
    ----------
    responses : DataFrame
        Accepted rows of ``surveys/<instrument>``: wave, role and one column per item.
    instrument : evaluation.config.instruments.Instrument
        Scales, reverse-keyed items and the response range.
    min_cell_size : int
        Cells with fewer complete responses are suppressed (numbers blank, ``suppressed`` true).
    level : float
        Confidence level of alpha's Feldt interval.

    Returns
    -------
    DataFrame
        n (complete responses), mean and sd of the scale score (mean of the keyed items), alpha
        with alpha_ci_low/alpha_ci_high; cells without a complete response are left out.
    """
    rows = []
    for scale, wave, role, complete in _cells(responses, instrument):
        score = complete.mean(axis=1)
        fit = cronbach_alpha(complete, level=level)
        row = {
            "instrument": instrument.id,
            "scale": scale,
            "wave": wave,
            "role": role,
            "n_items": complete.shape[1],
            "n": len(complete),
            "mean": float(score.mean()),
            "sd": float(score.std(ddof=1)) if len(score) > 1 else math.nan,
            "alpha": fit.alpha,
            "alpha_ci_low": fit.ci_low,
            "alpha_ci_high": fit.ci_high,
            "suppressed": len(complete) < min_cell_size,
        }
        if row["suppressed"]:
            row.update(dict.fromkeys(["n", "mean", "sd", "alpha", "alpha_ci_low", "alpha_ci_high"], math.nan))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=SCALE_COLUMNS)
    frame["n"] = frame["n"].astype("Int64")
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


def item_rows(responses: pd.DataFrame, instrument, min_cell_size: int = 0) -> pd.DataFrame:
    """One row per item, wave and role (columns `ITEM_COLUMNS`): r_drop, the correlation of the
    keyed item with the sum of the scale's other items (psych's ``r.drop``), alpha_if_dropped and
    the keyed item's mean, on the same complete responses as `scale_rows`; blank when the cell is
    suppressed or has fewer than three responses."""
    rows = []
    for scale, wave, role, complete in _cells(responses, instrument):
        suppressed = len(complete) < min_cell_size
        if suppressed or len(complete) < MIN_RESPONDENTS:
            stats = pd.DataFrame(
                {"item": complete.columns, "r_drop": math.nan, "alpha_if_dropped": math.nan, "mean": math.nan}
            )
        else:
            with np.errstate(invalid="ignore", divide="ignore"):  # a constant item has no correlation
                stats = item_statistics(complete)
        for item in stats.itertuples(index=False):
            rows.append(
                {
                    "instrument": instrument.id,
                    "scale": scale,
                    "item": item.item,
                    "wave": wave,
                    "role": role,
                    "r_drop": item.r_drop,
                    "alpha_if_dropped": item.alpha_if_dropped,
                    "mean": item.mean,
                    "suppressed": suppressed,
                }
            )
    frame = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


def survey_reliability(
    accepted: dict[str, pd.DataFrame], data_dir: Path | None, min_cell_size: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`scale_rows` and `item_rows` of every survey in the accepted tables, each read with its
    instrument definition (the data directory's own first, then the bundled ones)."""
    from evaluation.config.instruments import load_instrument

    scales, items = [], []
    for table in sorted(t for t in accepted if t.startswith("surveys/")):
        instrument = load_instrument(table.removeprefix("surveys/"), data_dir=data_dir)
        scales.append(scale_rows(accepted[table], instrument, min_cell_size))
        items.append(item_rows(accepted[table], instrument, min_cell_size))
    scale_frame = pd.concat(scales, ignore_index=True) if scales else pd.DataFrame(columns=SCALE_COLUMNS)
    item_frame = pd.concat(items, ignore_index=True) if items else pd.DataFrame(columns=ITEM_COLUMNS)
    return scale_frame, item_frame
