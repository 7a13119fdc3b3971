"""Checks of single survey responses: straight-lining, speeding and double submission."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.config.instruments import Instrument
from evaluation.validation.quality.messages import Finding
from evaluation.validation.quality.settings import QualitySettings


def straight_lining(
    table: str, frame: pd.DataFrame, instrument: Instrument, settings: QualitySettings
) -> list[Finding]:
    """``straight_lining``: the same answer to every item of a scale of at least
    ``settings.straight_lining_min_items`` items (all of them answered).

    When the scale has reverse-keyed items and the answer is not the middle of the response
    scale, the answers contradict each other and the message says so (``straight_lining.reversed``).
    """
    midpoint = (instrument.scale_min + instrument.scale_max) / 2
    found = []
    for scale, items in instrument.scales.items():
        items = [item for item in items if item in frame.columns]
        if len(items) < settings.straight_lining_min_items:
            continue
        answers = frame[items].astype("Float64")
        low, high = answers.min(axis=1, skipna=False), answers.max(axis=1, skipna=False)
        same = (low == high).fillna(False)
        if not settings.straight_lining_midpoint:
            same &= low != midpoint
        n_reverse = sum(instrument.item(item).reverse for item in items)
        for row, answer in low[same.to_numpy(dtype=bool)].items():
            contradictory = n_reverse > 0 and answer != midpoint
            key = "straight_lining.reversed" if contradictory else "straight_lining.same"
            found.append(
                Finding(
                    table,
                    frame.at[row, "school_id"],
                    int(row),
                    ", ".join(items),
                    f"{answer:g}",
                    "straight_lining",
                    key,
                    {"answer": f"{answer:g}", "n_items": len(items), "scale": scale, "n_reverse": n_reverse},
                )
            )
    return found


def speeding(table: str, frame: pd.DataFrame, instrument: Instrument, settings: QualitySettings) -> list[Finding]:
    """``speeding``: a response that took less than ``settings.speeding_seconds_per_item`` per
    answered item, or less than ``settings.speeding_median_fraction`` of the instrument's median
    duration.

    The duration is ``submitted_at - started_at``; without a ``started_at`` column (or where
    either time is empty, or the start comes after the submission) nothing is checked.
    """
    if "started_at" not in frame.columns or "submitted_at" not in frame.columns:
        return []
    seconds = (frame["submitted_at"] - frame["started_at"]).dt.total_seconds()
    seconds = seconds.where(seconds >= 0)
    if seconds.notna().sum() == 0:
        return []
    items = [item for item in instrument.item_ids if item in frame.columns]
    answered = frame[items].notna().sum(axis=1)
    limit = np.maximum(
        settings.speeding_seconds_per_item * answered, settings.speeding_median_fraction * seconds.median()
    )
    fast = (seconds < limit).fillna(False).to_numpy(dtype=bool)
    return [
        Finding(
            table,
            frame.at[row, "school_id"],
            int(row),
            "started_at, submitted_at",
            f"{seconds[row]:g}",
            "speeding",
            "speeding",
            {"n_items": int(answered[row]), "seconds": float(round(seconds[row])), "limit": float(round(limit[row]))},
        )
        for row in frame.index[fast]
    ]


def duplicate_submissions(
    table: str, frame: pd.DataFrame, instrument: Instrument, settings: QualitySettings
) -> list[Finding]:
    """``duplicate_submission``: two respondents of the same school and wave with exactly the same
    answers (at least ``settings.duplicate_min_items`` answered) submitted at most
    ``settings.duplicate_window_minutes`` apart. The later response is flagged, naming the
    earlier one.

    The same respondent answering twice in a wave breaks the survey contract's key
    (``survey_key_unique``) and is quarantined; this check finds what the key cannot.
    """
    items = [item for item in instrument.item_ids if item in frame.columns]
    if "submitted_at" not in frame.columns or not items:
        return []
    enough = frame[items].notna().sum(axis=1) >= settings.duplicate_min_items
    candidates = frame[frame["submitted_at"].notna() & enough]
    if len(candidates) < 2:
        return []
    answers = pd.util.hash_pandas_object(candidates[items], index=False)
    ordered = candidates.assign(_answers=answers).sort_values(["school_id", "wave", "_answers", "submitted_at"])
    keys = ordered[["school_id", "wave", "_answers"]]
    same_group = (keys == keys.shift()).all(axis=1)
    gap = ordered["submitted_at"].diff()
    close = same_group & (gap <= pd.Timedelta(minutes=settings.duplicate_window_minutes))
    positions = np.flatnonzero(close.to_numpy(dtype=bool))
    if not len(positions):
        return []
    # Whole columns at a time (a careless export can hold thousands of double submissions): the
    # answers of each flagged response and of the one before it, compared exactly (the hash may
    # collide), missing answers equal to missing ones.
    answers = ordered[items].to_numpy(dtype="float64", na_value=np.nan)
    later, earlier = answers[positions], answers[positions - 1]
    same = ((later == earlier) | (np.isnan(later) & np.isnan(earlier))).all(axis=1)
    positions = positions[same]
    rows = ordered.index.to_numpy()
    schools = ordered["school_id"].to_numpy(dtype=object)
    respondents = ordered["respondent_id"].to_numpy(dtype=object)
    answered = (~np.isnan(answers[positions])).sum(axis=1)
    minutes = gap.to_numpy()[positions] / np.timedelta64(1, "s") / 60
    return [
        Finding(
            table,
            schools[position],
            int(rows[position]),
            "respondent_id",
            str(respondents[position]),
            "duplicate_submission",
            "duplicate_submission",
            {
                "n_items": int(n_items),
                "other_id": respondents[position - 1],
                "other_row": int(rows[position - 1]),
                "minutes": float(round(minute, 1)),
            },
        )
        for position, n_items, minute in zip(positions, answered, minutes, strict=True)
    ]
