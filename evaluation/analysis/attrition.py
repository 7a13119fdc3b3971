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


def _row(level: str, baseline: str, base: set, pre: set, post: set, linked: set) -> dict:
    """Counts of one group and level from sets of ids (units or schools)."""
    rate = 1 - len(linked & base) / len(base) if base else math.nan
    return {
        "level": level,
        "baseline": baseline,
        "n_baseline": len(base),
        "n_pre": len(pre),
        "n_post": len(post),
        "n_linked": len(linked),
        "n_missing_post": len(base - post),
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
    """
    rows = []
    for group in GROUPS:
        part = frame[frame["group"] == group]
        pre, post = part[part["pre"].notna()], part[part["post"].notna()]
        group_schools = set(schools.loc[schools["group"] == group, "school_id"])
        if roster is not None:
            base, baseline = set(roster.loc[roster["school_id"].isin(group_schools), "unit_id"]), "roster"
        else:
            base, baseline = set(pre["unit_id"]), "pre_wave"
        linked = part[part["pre"].notna() & part["post"].notna()]
        units = _row(level, baseline, base, set(pre["unit_id"]), set(post["unit_id"]), set(linked["unit_id"]))
        units["suppressed"] = units["n_baseline"] < min_cell_size
        if units["suppressed"]:
            units.update(dict.fromkeys([*_COUNTS, "attrition"], math.nan))
        places = _row(
            "schools", "schools", group_schools, set(pre["school_id"]), set(post["school_id"]), set(linked["school_id"])
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
        and frame["unit_id"].isin(roster["student_id"]).all()
    ):
        randomised = roster.rename(columns={"student_id": "unit_id"})[["unit_id", "school_id"]]
    else:
        randomised = None
    table = attrition_counts(frame, accepted["schools"], randomised, level=level, min_cell_size=min_cell_size)
    table.insert(0, "domain", outcome.domain)
    table.insert(0, "outcome", outcome.id)
    return table[ATTRITION_COLUMNS]
