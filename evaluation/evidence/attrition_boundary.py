"""Overall and differential attrition, judged against the What Works Clearinghouse boundary.

Attrition is the share of the units assigned at the start (schools in the plan, students with a
baseline test) that are missing from the analysis. The WWC judges it by two numbers: overall
attrition (both groups together) and differential attrition (the absolute difference between the
groups' rates), read against a published boundary (Standards Handbook v4.1, Table II.1; stored in
``data_contracts/standards/wwc_attrition_boundary.csv``, see the README there).

References
----------
What Works Clearinghouse (2020). Standards Handbook, Version 4.1, section II.B and Table II.1.
What Works Clearinghouse (2022). Procedures and Standards Handbook, Version 5.0.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd

from evaluation.errors import EvidenceInputError
from evaluation.resources import STANDARDS_DIR

Boundary = Literal["cautious", "optimistic"]
BOUNDARIES: tuple[Boundary, ...] = ("cautious", "optimistic")
BOUNDARY_TABLE = STANDARDS_DIR / "wwc_attrition_boundary.csv"
LOW, HIGH = "low", "high"
_TOLERANCE = 1e-9  # a differential exactly on the boundary is low, whatever the float rounding


@lru_cache(maxsize=4)
def _boundary(path: Path) -> pd.DataFrame:
    table = pd.read_csv(path)
    table = table.rename(
        columns={"max_differential_cautious_pct": "cautious", "max_differential_optimistic_pct": "optimistic"}
    )
    return table.set_index("overall_attrition_pct")


def load_boundary(path: Path = BOUNDARY_TABLE) -> pd.DataFrame:
    """The WWC boundary table (a copy): indexed by overall_attrition_pct (0-65), the highest
    differential attrition in percentage points that is still low, per boundary (columns
    ``cautious``, ``optimistic``; NaN where no differential is low)."""
    return _boundary(path).copy()


def _check_boundary(boundary: str) -> None:
    if boundary not in BOUNDARIES:
        raise EvidenceInputError(f"attrition boundary must be 'cautious' or 'optimistic', got {boundary!r}")


def max_differential(overall: float, boundary: Boundary = "cautious") -> float:
    """Highest differential attrition (a proportion) that is low at this overall attrition.

    The table has whole percents: overall attrition is rounded half up to the nearest percent
    (0.125 -> 13%). NaN when no differential is low (cautious from 58%, both above 65%).
    """
    _check_boundary(boundary)
    if not 0.0 <= overall <= 1.0:
        raise EvidenceInputError(f"overall attrition must be a proportion in [0, 1], got {overall}")
    percent = math.floor(overall * 100.0 + 0.5 + _TOLERANCE)
    table = _boundary(BOUNDARY_TABLE)
    if percent not in table.index:
        return math.nan
    return float(table.at[percent, boundary]) / 100.0


def attrition_verdict(overall: float, differential: float, boundary: Boundary = "cautious") -> str:
    """``low`` when the differential attrition is at or under the boundary for the overall
    attrition, else ``high``. Both rates are proportions; differential is taken in absolute value."""
    limit = max_differential(overall, boundary)
    if math.isnan(limit):
        return HIGH
    return LOW if abs(differential) * 100.0 <= limit * 100.0 + _TOLERANCE else HIGH


@dataclass(frozen=True)
class Attrition:
    """Attrition of one level (``student`` or ``school``) with its verdict under one boundary.

    Rates are proportions; `differential` is |treatment - control|; `max_differential` is the
    boundary's limit at this overall rate (NaN when none is low)."""

    level: str
    boundary: str
    n_assigned_treatment: int
    n_analysed_treatment: int
    n_assigned_control: int
    n_analysed_control: int
    treatment: float
    control: float
    overall: float
    differential: float
    max_differential: float
    verdict: str

    def to_row(self) -> dict:
        return asdict(self)


def _count(value, name: str) -> int:
    try:
        whole = not isinstance(value, bool) and float(value).is_integer() and value >= 0
    except (TypeError, ValueError):
        whole = False
    if not whole:
        raise EvidenceInputError(f"attrition: {name} must be a whole number >= 0, got {value!r}")
    return int(value)


def attrition(
    n_assigned_treatment: int,
    n_analysed_treatment: int,
    n_assigned_control: int,
    n_analysed_control: int,
    level: str = "student",
    boundary: Boundary = "cautious",
) -> Attrition:
    """Overall and differential attrition from counts, and the WWC verdict.

    Parameters
    ----------
    n_assigned_treatment, n_assigned_control : int
        Units at the start: schools assigned (or chosen) to each group, or students in the
        baseline sample (with a pre-test) of each group.
    n_analysed_treatment, n_analysed_control : int
        Of those, the units in the analysis (students with an outcome, schools with at least one
        analysed student).

    Notes
    -----
    attrition_g = 1 - analysed_g / assigned_g; overall = 1 - (analysed_t + analysed_c) /
    (assigned_t + assigned_c); differential = |attrition_t - attrition_c| (WWC Standards
    Handbook v4.1, section II.B).
    """
    _check_boundary(boundary)
    counts = [
        _count(v, n)
        for v, n in (
            (n_assigned_treatment, "n_assigned_treatment"),
            (n_analysed_treatment, "n_analysed_treatment"),
            (n_assigned_control, "n_assigned_control"),
            (n_analysed_control, "n_analysed_control"),
        )
    ]
    assigned_t, analysed_t, assigned_c, analysed_c = counts
    for group, assigned, analysed in (("treatment", assigned_t, analysed_t), ("control", assigned_c, analysed_c)):
        if assigned == 0:
            raise EvidenceInputError(f"attrition ({level}): no {group} units assigned; attrition is undefined")
        if analysed > assigned:
            raise EvidenceInputError(
                f"attrition ({level}): {analysed} {group} units analysed but only "
                f"{assigned} assigned; analysed units must be part of the assigned ones"
            )
    rate_t, rate_c = 1 - analysed_t / assigned_t, 1 - analysed_c / assigned_c
    overall = 1 - (analysed_t + analysed_c) / (assigned_t + assigned_c)
    differential = abs(rate_t - rate_c)
    return Attrition(
        level,
        boundary,
        assigned_t,
        analysed_t,
        assigned_c,
        analysed_c,
        rate_t,
        rate_c,
        overall,
        differential,
        max_differential(overall, boundary),
        attrition_verdict(overall, differential, boundary),
    )


def combined_verdict(results: list[Attrition]) -> str:
    """``high`` when attrition is high at any level (the WWC requires low attrition of the
    clusters and of the students within them), else ``low``."""
    return HIGH if any(r.verdict == HIGH for r in results) else LOW
