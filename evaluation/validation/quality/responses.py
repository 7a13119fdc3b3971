"""Checks of single survey responses: straight-lining, speeding and double submission."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluation.config.instruments import Instrument
from evaluation.validation.quality.messages import Finding
from evaluation.validation.quality.settings import QualitySettings


def straight_lining(
    table: str, frame: pd.DataFrame, instrument: Instrument, settings: QualitySettings
) -> list[Finding]:
    """``straight_lining``: the same answer to every item of a scale, where that says something.

    A response is flagged when it gives one answer to every item of a scale of at least
    ``settings.straight_lining_min_items`` items (all answered) and either

    - the scale has reverse-keyed items and the answer is not the middle of the response scale
      (agreeing with "I feel lonely at school" and with "I am happy to come to my school": the
      answers contradict each other; ``straight_lining.reversed``), or
    - the scale has at least ``settings.straight_lining_long_scale`` items (one answer to that
      many questions is unlikely from someone who read them; ``straight_lining.same``).

    So the same middle answer ("neither agree nor disagree") to a short scale, and the same answer
    to a short scale whose items all point one way, are not flagged: an honest respondent can
    give them. A response is flagged once, for its first such scale (a contradictory one first),
    so the warnings count responses. Vectorised per scale: linear in the rows.
    """
    midpoint = (instrument.scale_min + instrument.scale_max) / 2
    flagged: list[pd.DataFrame] = []
    for scale, items in instrument.scales.items():
        items = [item for item in items if item in frame.columns]
        if len(items) < settings.straight_lining_min_items:
            continue
        answers = frame[items].astype("Float64")
        low, high = answers.min(axis=1, skipna=False), answers.max(axis=1, skipna=False)
        same = (low == high).fillna(False).to_numpy(dtype=bool)
        n_reverse = sum(instrument.item(item).reverse for item in items)
        contradictory = same & (n_reverse > 0) & (low != midpoint).fillna(False).to_numpy(dtype=bool)
        keep = contradictory | (same & (len(items) >= settings.straight_lining_long_scale))
        if not keep.any():
            continue
        flagged.append(
            pd.DataFrame(
                {
                    "row": frame.index[keep],
                    "answer": low[keep].to_numpy(dtype="float64"),
                    "contradictory": contradictory[keep],
                    "scale": scale,
                    "items": ", ".join(items),
                    "n_items": len(items),
                    "n_reverse": n_reverse,
                }
            )
        )
    if not flagged:
        return []
    found = pd.concat(flagged, ignore_index=True).sort_values("contradictory", ascending=False, kind="stable")
    found = found.drop_duplicates("row").sort_values("row", kind="stable")
    schools = frame.loc[found["row"], "school_id"].to_numpy(dtype=object)
    labels = instrument.labels
    return [
        Finding(
            table,
            school,
            int(record.row),
            record.items,
            f"{record.answer:g}",
            "straight_lining",
            "straight_lining.reversed" if record.contradictory else "straight_lining.same",
            {
                "answer": _answer_label(record.answer, instrument.scale_min, labels),
                "n_items": record.n_items,
                "scale": instrument.scale_titles.get(record.scale) or record.scale,
                "n_reverse": record.n_reverse,
            },
        )
        for school, record in zip(schools, found.itertuples(index=False), strict=True)
    ]


def _answer_label(answer: float, scale_min: int, labels: Mapping[str, tuple[str, ...]]) -> Mapping[str, str] | str:
    """An answer as the respondent saw it, per language (``"Kararsızım" (3)``), or the number
    when the instrument has no labels for it."""
    number = f"{answer:g}"
    position = int(answer) - scale_min
    if answer != int(answer) or not labels:
        return number
    worded = {
        language: f"\u201c{texts[position]}\u201d ({number})"
        for language, texts in labels.items()
        if 0 <= position < len(texts)
    }
    return worded or number


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
