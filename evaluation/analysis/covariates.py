"""The covariates of the partner-versus-control models: which ones the plan's ``covariates`` names
(or ``auto`` picks from the balance table), whether the data has them, and their columns in a
model.

The pre-test is always in the model; covariates are added to it in every partner-versus-control
model (ancova_cr1, ancova_cr2, mixed_reml, did, ancova_mi, in the whole sample and in each
subgroup). Categorical covariates (sex, grade, school_type, resource_level) enter as indicator
columns of their levels, the first level in sorted order the reference, as R's ``lm`` codes a
character column (treatment contrasts); numeric ones (school_size; special_needs and
migrant_refugee as 0/1) enter as they are.

``covariates: auto`` adds each baseline characteristic of the balance table
(`results/balance.csv`, `evaluation.evidence.balance`) whose absolute normalised difference
exceeds `AUTO_THRESHOLD` = 0.25 (a categorical characteristic when any of its levels does). The
threshold is the What Works Clearinghouse's: a baseline difference above 0.25 SD cannot be
adjusted away (What Works Clearinghouse Procedures and Standards Handbook, version 5.0, 2022,
baseline equivalence: differences of 0.05-0.25 SD require statistical adjustment), and Imbens and
Rubin's rule of thumb that a normalised difference above a quarter makes linear adjustment
sensitive to its specification (Imbens, G. W., & Rubin, D. B. (2015), Causal Inference for
Statistics, Social, and Biomedical Sciences, chapter 14). The pre-test rows of the balance table
(``pre_<subject>``) are never added: the outcome's own pre-test is always in the model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluation.config.options import COVARIATES
from evaluation.config.plan import Plan
from evaluation.errors import PlanError

#: Normalised difference above which ``covariates: auto`` adds a characteristic.
AUTO_THRESHOLD = 0.25
STUDENT_LEVEL = ("sex", "grade", "special_needs", "migrant_refugee")
SCHOOL_LEVEL = ("school_type", "resource_level", "school_size")
#: Covariates that enter as indicator columns of their levels; the others enter as numbers.
CATEGORICAL = ("sex", "grade", "school_type", "resource_level")
#: Characteristics of the balance table named otherwise than the covariate they measure.
_BALANCE_NAMES = {"female": "sex"}


def covariate_of(characteristic: str) -> str | None:
    """The covariate a row of the balance table measures (``school_type=science_high_school`` ->
    ``school_type``, ``female`` -> ``sex``); None for the pre-tests."""
    name = characteristic.partition("=")[0]
    name = _BALANCE_NAMES.get(name, name)
    return name if name in COVARIATES else None


def auto_covariates(balance: pd.DataFrame, threshold: float = AUTO_THRESHOLD) -> tuple[str, ...]:
    """The covariates whose absolute normalised difference in `balance` (results/balance.csv)
    exceeds `threshold`, in the order of `COVARIATES`. Suppressed or blank differences add
    nothing."""
    picked = {
        covariate_of(str(name))
        for name, difference in zip(balance["characteristic"], balance["normalised_difference"])
        if pd.notna(difference) and abs(float(difference)) > threshold
    }
    return tuple(name for name in COVARIATES if name in picked)


def _has(table: pd.DataFrame | None, column: str) -> bool:
    return table is not None and column in table.columns and bool(table[column].notna().any())


def data_has(accepted: dict[str, pd.DataFrame], name: str) -> bool:
    """Whether the accepted tables hold covariate `name` (a column with at least one value: an
    optional column that is absent, or added empty, does not count)."""
    if name == "school_size":  # counted from the roster, else from the exam results
        return True
    if name in SCHOOL_LEVEL:
        return _has(accepted.get("schools"), name)
    if name == "grade":
        return _has(accepted.get("students"), name) or _has(accepted.get("exam_results"), name)
    return _has(accepted.get("students"), name)


def check_covariates(accepted: dict[str, pd.DataFrame], plan: Plan) -> None:
    """Stop with a PlanError when the plan names a covariate the data does not have (an optional
    column of the students or schools table that is absent or empty). ``auto`` picks from the
    characteristics the data has, so it is never refused."""
    if plan.covariates == "auto":
        return
    for position, name in enumerate(plan.covariates):
        if not data_has(accepted, name):
            table = "schools" if name in SCHOOL_LEVEL else "students"
            raise PlanError(
                f"covariates[{position}] names {name}, but the data has no values of it (the {table} table has "
                f"no {name} column, or it is empty); leave {name} out of covariates, or send the column"
            )


def school_sizes(accepted: dict[str, pd.DataFrame]) -> pd.Series:
    """Students per school: on the roster, else with exam results (as the balance table's
    ``school_size``, `evaluation.evidence.balance.baseline_characteristics`)."""
    students = accepted.get("students")
    if students is None or students.empty:
        students = accepted.get("exam_results")
    if students is None or students.empty:
        return pd.Series(dtype=float)
    return students.groupby("school_id")["student_id"].nunique().astype(float)


def _sorted_levels(values: pd.Series) -> list:
    levels = list(values.dropna().unique())
    try:
        levels.sort()
    except TypeError:  # mixed kinds of value: sort as text
        levels.sort(key=str)
    return levels


def _number(values: pd.Series) -> pd.Series:
    """A numeric or yes/no column as floats (missing stays missing)."""
    if values.dtype == object or pd.api.types.is_bool_dtype(values):
        return values.map({True: 1.0, False: 0.0}).astype(float)
    return pd.to_numeric(values, errors="coerce").astype(float)


def model_columns(
    frame: pd.DataFrame, covariates: Sequence[str], required: Sequence[str] = ()
) -> tuple[pd.DataFrame, list[str], tuple[str, ...]]:
    """The rows of `frame` a model with `covariates` analyses, with the covariates' model columns.

    A covariate without any value in `frame` (a student characteristic of a teachers' survey) is
    left out; the rows missing `required` columns or a remaining covariate are dropped (complete
    cases, as R's ``lm``). Each categorical covariate becomes indicator columns
    ``name=level`` for its levels among those rows but the first in sorted order (the
    reference); a categorical covariate with one level there (sex within the subgroup sex=F)
    gives no column and is not used.

    Returns
    -------
    (rows, columns, used)
        The complete rows with the model columns added, the names of the model columns, and the
        covariates that gave at least one column (the row's ``covariates`` in effects.csv).
    """
    present = [name for name in covariates if name in frame.columns and frame[name].notna().any()]
    rows = frame.dropna(subset=[*required, *present]).copy()
    columns: list[str] = []
    used: list[str] = []
    for name in present:
        if name in CATEGORICAL:
            levels = _sorted_levels(rows[name])
            for level in levels[1:]:
                column = f"{name}={level}"
                rows[column] = np.asarray(rows[name] == level, dtype=float)
                columns.append(column)
            if len(levels) > 1:
                used.append(name)
        else:
            column = f"{name}:value"
            rows[column] = _number(rows[name]).to_numpy()
            columns.append(column)
            used.append(name)
    return rows, columns, tuple(used)
