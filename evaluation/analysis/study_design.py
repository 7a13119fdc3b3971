"""Which design a run has, decided from its data and plan: ``comparison`` (partner schools against
control schools: the adjusted differences, the evidence rating, attrition and balance) or
``monitoring`` (no control schools, as one partnership or a consortium has: each outcome's change
before and after, per school and per partnership, with what such a design cannot show).

The report's sections (`evaluation.steps.report`), notebook 03 and the findings follow the
design: a monitoring run has nothing to compare its partner schools with, so it shows no
partner-versus-control table and no sentence saying that too few were compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, get_args

import pandas as pd

StudyDesign = Literal["comparison", "monitoring"]
COMPARISON, MONITORING = get_args(StudyDesign)


def study_design(schools: pd.DataFrame, frames: Mapping[str, pd.DataFrame] | None = None) -> StudyDesign:
    """``comparison`` when the analysed `schools` table has partner and control schools and, given
    the outcome `frames` (one row per student or respondent with ``group``, ``pre``, ``post``), at
    least one outcome has a value of a control school in some wave; ``monitoring`` otherwise.

    A schools table without control schools (one partnership, a consortium) is a monitoring
    design; so is one that lists control schools none of whose students or respondents has a
    value of any of the plan's outcomes (control schools named but not measured give nothing
    to compare with).
    """
    groups = set(schools["group"].dropna()) if "group" in schools.columns else set()
    if not {"partner", "control"} <= groups:
        return MONITORING
    if frames is None:
        return COMPARISON
    for frame in frames.values():
        control = frame[frame["group"] == "control"]
        if len(control) and control[["pre", "post"]].notna().any(axis=None):
            return COMPARISON
    return MONITORING
