"""The comparison schools of the analyses, as the plan's `comparison` key says.

``fixed`` (the default): every control school of the schools table is a comparison school.
``matched``: the control schools are a pool; each partner school is matched to its nearest pool
school of the same school type (same province when there is one) on size and baseline mean
score (`evaluation.evidence.matching.match_schools`), and the analyses keep the partner schools
and their matched comparison schools only.
"""

from __future__ import annotations

import pandas as pd

from evaluation.config.plan import Plan
from evaluation.errors import PlanError
from evaluation.evidence.matching import Matching, match_schools, school_profiles


def match_comparison_schools(accepted: dict[str, pd.DataFrame]) -> Matching:
    """Match every partner school to a control school of the pool (without replacement).

    The profiles come from the accepted schools and exam results (`school_profiles`: size = the
    students with a pre-test, baseline_mean = their mean pre-test score over all subjects). Pool
    schools without a pre-test cannot be matched and are left out of the pool; a partner school
    without one stops the matching with a message naming it.
    """
    if "exam_results" not in accepted:
        raise PlanError(
            "comparison: matched needs exam results: the baseline mean score of every school comes from its pre-test"
        )
    profiles = school_profiles(accepted["schools"], accepted["exam_results"])
    partners = profiles[profiles["group"] == "partner"].reset_index(drop=True)
    pool = profiles[(profiles["group"] == "control") & (profiles["size"] > 0)].reset_index(drop=True)
    if partners.empty or pool.empty:
        raise PlanError(
            f"comparison: matched needs partner schools and a pool of control schools with a "
            f"pre-test; found {len(partners)} partner and {len(pool)} pool schools"
        )
    return match_schools(partners, pool)


def keep_schools(accepted: dict[str, pd.DataFrame], school_ids: set[str]) -> dict[str, pd.DataFrame]:
    """The accepted tables with only the rows of `school_ids` in every table that has a
    school_id column (schools, students, exam results, surveys, indicators); tables without
    one (activities, per partnership) are kept whole."""
    return {
        name: table[table["school_id"].isin(school_ids)].reset_index(drop=True)
        if "school_id" in table.columns
        else table
        for name, table in accepted.items()
    }


def analysis_tables(plan: Plan, accepted: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], Matching | None]:
    """The tables the analyses use, and the matching when the plan says ``comparison: matched``
    (None for ``fixed``, whose tables are `accepted` as they are)."""
    if plan.comparison == "fixed":
        return accepted, None
    matching = match_comparison_schools(accepted)
    schools = accepted["schools"]
    keep = set(schools.loc[schools["group"] == "partner", "school_id"]) | set(matching.comparison_ids)
    return keep_schools(accepted, keep), matching
