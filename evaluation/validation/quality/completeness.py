"""Completeness: which schools, waves and grades are missing, judged against the schools table
and the students roster (the expected participants)."""

from __future__ import annotations

import pandas as pd

from evaluation.validation.quality.messages import Finding
from evaluation.validation.quality.settings import QualitySettings

WAVES = ("pre", "post")


def _waves_in(frame: pd.DataFrame) -> list[str]:
    """The waves the table holds at all, in pre/post order: a wave nobody has is not asked of
    each school."""
    present = set(frame["wave"].dropna().unique())
    return [wave for wave in WAVES if wave in present]


def school_waves(frame: pd.DataFrame) -> dict[str, set[str]]:
    """The waves each school has rows in."""
    pairs = frame[["school_id", "wave"]].drop_duplicates()
    return {school: set(group["wave"]) for school, group in pairs.groupby("school_id", sort=False)}


def missing_schools_and_waves(
    table: str, frame: pd.DataFrame, schools: pd.Series, instrument: str | None = None
) -> list[Finding]:
    """``missing_school``: a school of the schools table without any row; ``missing_wave``: a
    school with rows in one wave but not in another wave the table holds.

    ``instrument`` is None for exam results, the instrument id for a survey (it changes the words).
    """
    kind = "exam" if instrument is None else "survey"
    waves = _waves_in(frame)
    present = school_waves(frame)
    found = []
    for school in schools:
        has = present.get(school, set())
        params = {"school_id": school, "instrument": instrument}
        if not has:
            found.append(
                Finding(table, school, None, "school_id", school, "missing_school", f"missing_school.{kind}", params)
            )
            continue
        for wave in waves:
            if wave not in has:
                other = next(w for w in waves if w in has)
                found.append(
                    Finding(
                        table,
                        school,
                        None,
                        "wave",
                        wave,
                        "missing_wave",
                        f"missing_wave.{kind}",
                        {**params, "present": other, "missing": wave},
                    )
                )
    return found


def roster_coverage(exams: pd.DataFrame, students: pd.DataFrame, settings: QualitySettings) -> list[Finding]:
    """``missing_grade`` and ``roster_not_tested``, for each school and wave the school has exam
    results in (a wave without any is ``missing_wave``'s).

    A roster student is tested in a wave when they have at least one exam result in it; grades
    are the roster's.
    """
    tested = exams[["student_id", "wave"]].drop_duplicates()
    present = school_waves(exams)
    roster = students[["student_id", "school_id", "grade"]].dropna(subset=["school_id"])
    found: list[Finding] = []
    for wave in _waves_in(exams):
        # joins rather than isin: isin on Arrow strings walks the values in Python
        took_part = pd.DataFrame(
            {"school_id": [school for school, waves in present.items() if wave in waves]},
            dtype=roster["school_id"].dtype,
        )
        ids = tested.loc[tested["wave"] == wave, ["student_id"]].assign(tested=True)
        counts = (
            roster.merge(took_part, on="school_id")
            .merge(ids, on="student_id", how="left")
            .assign(tested=lambda r: r["tested"].notna())
            .groupby(["school_id", "grade"], sort=True)["tested"]
            .agg(["size", "sum"])
        )
        for (school, grade), n_roster in counts.loc[counts["sum"] == 0, "size"].items():
            found.append(
                Finding(
                    "exam_results",
                    school,
                    None,
                    "wave, grade",
                    f"{wave} / {grade}",
                    "missing_grade",
                    "missing_grade",
                    {"school_id": school, "wave": wave, "grade": grade, "n_roster": int(n_roster)},
                )
            )
        by_school = counts.groupby(level="school_id").sum()
        by_school["missing"] = by_school["size"] - by_school["sum"]
        over = by_school[by_school["missing"] > settings.roster_not_tested_share * by_school["size"]]
        for school, record in over.iterrows():
            found.append(
                Finding(
                    "exam_results",
                    school,
                    None,
                    "wave",
                    wave,
                    "roster_not_tested",
                    "roster_not_tested",
                    {
                        "school_id": school,
                        "wave": wave,
                        "n_missing": int(record["missing"]),
                        "n_roster": int(record["size"]),
                    },
                )
            )
    return found


def low_response(table: str, frame: pd.DataFrame, instrument: str, settings: QualitySettings) -> list[Finding]:
    """``low_response``: a school whose respondents in one wave are fewer than
    ``settings.low_response_ratio`` times those in the other (both waves answered)."""
    counts = frame.groupby(["school_id", "wave"])["respondent_id"].nunique().unstack("wave")
    waves = [wave for wave in WAVES if wave in counts.columns]
    if len(waves) < 2:
        return []
    found = []
    for school, record in counts[waves].dropna().astype(int).iterrows():
        low_wave, high_wave = sorted(waves, key=lambda wave: record[wave])
        n_low, n_high = int(record[low_wave]), int(record[high_wave])
        if n_low < settings.low_response_ratio * n_high:
            found.append(
                Finding(
                    table,
                    school,
                    None,
                    "wave",
                    low_wave,
                    "low_response",
                    "low_response",
                    {
                        "school_id": school,
                        "instrument": instrument,
                        "n_low": n_low,
                        "low_wave": low_wave,
                        "n_high": n_high,
                        "high_wave": high_wave,
                    },
                )
            )
    return found
