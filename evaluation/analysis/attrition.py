"""Missing outcome data and attrition per group: the rows of `results/attrition.csv`.

Counts only; whether an attrition rate is acceptable (the What Works Clearinghouse boundaries)
is judged elsewhere. For each group (partner, control) and level (the individuals, then their
schools) a row counts who was in the starting sample, in the pre wave, in the post wave, in both
(the analysed sample of the partner-versus-control models) and who misses the outcome at post:

attrition = 1 - n_linked / n_baseline

The starting sample (`baseline`) is the randomised one when the data has it: the roster's
students of the group's schools (``roster``), used when every analysed id is a roster student;
otherwise the units with a pre-wave value (``pre_wave``). Schools start as the group's schools of
the schools table (``schools``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from evaluation.config.plan import Outcome

ATTRITION_COLUMNS = [
    "outcome",
    "domain",
    "group",
    "level",
    "baseline",
    "n_baseline",
    "n_pre",
    "n_post",
    "n_linked",
    "n_missing_post",
    "attrition",
    "suppressed",
]
GROUPS = ("partner", "control")
_COUNTS = ["n_baseline", "n_pre", "n_post", "n_linked", "n_missing_post"]


def _shared_codes(*columns: pd.Series) -> tuple[list[np.ndarray], int]:
    """Integer codes of the values of ``columns`` (equal values, equal codes; a missing value is
    a value of its own, as in a set) and how many distinct values there are: one hash pass in
    Arrow or numpy, so that sets of ids are compared as boolean masks, never value by value."""
    series = [pd.Series(column).reset_index(drop=True) for column in columns]
    if len({str(part.dtype) for part in series}) > 1:
        series = [part.astype(object) for part in series]
    codes, uniques = pd.factorize(pd.concat(series, ignore_index=True), use_na_sentinel=False)
    bounds = np.cumsum([0, *(len(part) for part in series)])
    return [codes[bounds[i] : bounds[i + 1]] for i in range(len(series))], len(uniques)


def _members(codes: np.ndarray, chosen: np.ndarray | None, size: int) -> np.ndarray:
    """The set of the values whose codes are ``codes[chosen]``, as a mask over all ``size`` codes."""
    mask = np.zeros(size, dtype=bool)
    mask[codes if chosen is None else codes[chosen]] = True
    return mask


def _row(level: str, baseline: str, base: np.ndarray, pre: np.ndarray, post: np.ndarray, linked: np.ndarray) -> dict:
    """Counts of one group and level from sets of ids (units or schools) given as masks over
    the ids' codes."""
    n_base = int(base.sum())
    rate = 1 - int((linked & base).sum()) / n_base if n_base else math.nan
    return {
        "level": level,
        "baseline": baseline,
        "n_baseline": n_base,
        "n_pre": int(pre.sum()),
        "n_post": int(post.sum()),
        "n_linked": int(linked.sum()),
        "n_missing_post": int((base & ~post).sum()),
        "attrition": rate,
    }


def attrition_counts(
    frame: pd.DataFrame,
    schools: pd.DataFrame,
    roster: pd.DataFrame | None = None,
    level: str = "students",
    min_cell_size: int = 0,
) -> pd.DataFrame:
    """Starting, pre, post, linked and missing-at-post counts per group and level.

    Parameters
    ----------
    frame : DataFrame
        One row per unit (`evaluation.analysis.effects.prepost_frame`): unit_id, school_id, group, pre,
        post (NaN where the wave has no value).
    schools : DataFrame
        The schools table (school_id, group): the randomised schools of each group.
    roster : DataFrame, optional
        The randomised individuals (unit_id, school_id), e.g. the students table; when None the
        individuals start as those with a pre-wave value.
    level : str
        Name of the individuals' level (``students``, ``teachers``).
    min_cell_size : int
        An individuals' row whose starting sample is smaller is suppressed (counts and rate
        blank); schools are not children and their row is kept.

    Returns
    -------
    DataFrame
        group, level, baseline (``roster``, ``pre_wave`` or ``schools``), n_baseline, n_pre,
        n_post, n_linked, n_missing_post (starting units without a post value), attrition and
        suppressed; partner then control, individuals then schools.

    Notes
    -----
    Each count is of distinct ids (a unit in two rows counts once). The ids are coded once
    (`_shared_codes`) and each set is a boolean mask over the codes: linear in the rows.
    """
    empty = pd.Series([], dtype=object)
    roster_units = roster["unit_id"] if roster is not None else empty
    roster_schools = roster["school_id"] if roster is not None else empty
    (unit_codes, roster_unit_codes), n_units = _shared_codes(frame["unit_id"], roster_units)
    (school_codes, table_codes, roster_school_codes), n_schools = _shared_codes(
        frame["school_id"], schools["school_id"], roster_schools
    )
    has_pre, has_post = frame["pre"].notna().to_numpy(), frame["post"].notna().to_numpy()
    rows = []
    for group in GROUPS:
        part = frame["group"].eq(group).fillna(False).to_numpy(dtype=bool)
        pre, post, linked = part & has_pre, part & has_post, part & has_pre & has_post
        group_schools = _members(table_codes, schools["group"].eq(group).fillna(False).to_numpy(dtype=bool), n_schools)
        if roster is not None:
            base = _members(roster_unit_codes, group_schools[roster_school_codes], n_units)
            baseline = "roster"
        else:
            base, baseline = _members(unit_codes, pre, n_units), "pre_wave"
        units = _row(
            level,
            baseline,
            base,
            _members(unit_codes, pre, n_units),
            _members(unit_codes, post, n_units),
            _members(unit_codes, linked, n_units),
        )
        units["suppressed"] = units["n_baseline"] < min_cell_size
        if units["suppressed"]:
            units.update(dict.fromkeys([*_COUNTS, "attrition"], math.nan))
        places = _row(
            "schools",
            "schools",
            group_schools,
            _members(school_codes, pre, n_schools),
            _members(school_codes, post, n_schools),
            _members(school_codes, linked, n_schools),
        )
        places["suppressed"] = False
        rows += [{"group": group, **units}, {"group": group, **places}]
    table = pd.DataFrame(rows)
    for column in _COUNTS:
        table[column] = table[column].astype("Int64")
    return table


def outcome_level(outcome: Outcome, instruments: dict) -> str:
    """Who an outcome measures, as the `level` of attrition.csv and the `role` of schools.csv:
    ``students`` for an exam, else the survey instrument's role in the plural (``teachers`` for
    a teacher survey, ``staff`` for a school team's self-assessment), ``respondents`` when the
    instrument names none."""
    if outcome.source in ("exam", "test"):
        return "students"
    role = getattr(instruments[outcome.instrument], "role", None) or "respondent"
    return "staff" if role == "staff" else f"{role}s"


def outcome_attrition(
    frame: pd.DataFrame, outcome: Outcome, accepted: dict[str, pd.DataFrame], instruments: dict, min_cell_size: int
) -> pd.DataFrame:
    """`attrition_counts` of one outcome of the plan (columns `ATTRITION_COLUMNS`).

    Exams count students; a survey counts its instrument's role (``teachers`` for a teacher
    survey). The roster is the starting sample of students when every analysed id is in it.
    """
    level = outcome_level(outcome, instruments)
    roster = accepted.get("students")
    if (
        level == "students"
        and roster is not None
        and not roster.empty
        and _all_in(frame["unit_id"], roster["student_id"])
    ):
        randomised = roster.rename(columns={"student_id": "unit_id"})[["unit_id", "school_id"]]
    else:
        randomised = None
    table = attrition_counts(frame, accepted["schools"], randomised, level=level, min_cell_size=min_cell_size)
    table.insert(0, "domain", outcome.domain)
    table.insert(0, "outcome", outcome.id)
    return table[ATTRITION_COLUMNS]


def _all_in(values: pd.Series, known: pd.Series) -> bool:
    """Whether every one of ``values`` is among ``known`` (`Series.isin` walks Arrow strings in
    Python; coded once, it is a mask lookup)."""
    (codes, known_codes), size = _shared_codes(values, known)
    return bool(_members(known_codes, None, size)[codes].all())
