"""Design planning for next year's round: the design parameters of this year's data (ICC and
pre-test R-squared at both levels, from random-intercept REML fits) and the table of the minimum
detectable effect size by number of schools (`evaluation.stats.power`, PowerUp!'s CRA2_2r) that
`results/design.csv` holds.

References
----------
Bloom, H. S., Richburg-Hayes, L., & Black, A. R. (2007). Using covariates to improve precision for
studies that randomize schools to evaluate educational interventions. Educational Evaluation and
Policy Analysis, 29(1), 30-59 (R-squared as the proportional reduction of each variance component).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.errors import DesignError
from evaluation.stats import random_intercept_reml
from evaluation.stats.power import DESIGN_COLUMNS, mdes
from evaluation.stats.unfit import aliased_columns

NEXT_YEAR_SCHOOLS = (20, 30, 40, 60, 80)


@dataclass(frozen=True)
class DesignParameters:
    """ICC and R-squared at both levels estimated from one year's data (random-intercept REML).

    `tau2_*` and `sigma2_*` are the school-level and student-level variance components without
    (`_empty`) and with (`_pre`) the pre-test; `students_per_school` is the harmonic mean of the
    analysed students per school, `share_partner` this year's share of partner schools.
    """

    icc: float
    r2_school: float
    r2_student: float
    students_per_school: float
    schools: int
    students: int
    share_partner: float
    tau2_empty: float
    sigma2_empty: float
    tau2_pre: float
    sigma2_pre: float


def _share_explained(before: float, after: float) -> float:
    """Proportional reduction of a variance component, kept within [0, 1) as PowerUp! requires
    (a component that grows when the pre-test is added explains nothing: 0)."""
    if not before > 0:
        return 0.0
    return min(max(1.0 - after / before, 0.0), 0.99)


def estimate_design_parameters(
    frame: pd.DataFrame,
    post: str = "post",
    pre: str = "pre",
    cluster: str = "school_id",
    treatment: str | None = "treatment",
) -> DesignParameters:
    """ICC and pre-test R-squared at the school and student level, from this year's students with
    both tests.

    Fits ``post ~ [treatment] + (1 | school)`` and ``post ~ [treatment] + pre + (1 | school)`` by
    REML (`evaluation.stats.random_intercept_reml`, verified against ``lme4::lmer``). The ICC is
    tau2 / (tau2 + sigma2) of the first model; R2_2 = 1 - tau2_pre / tau2_empty and
    R2_1 = 1 - sigma2_pre / sigma2_empty, the proportional reductions of each variance component
    when the pre-test is added (Bloom, Richburg-Hayes & Black, 2007; PowerUp!'s R-squared). With
    `treatment`, both models hold the partner indicator, so this year's partner effect does not
    count as variance between schools.
    """
    columns = [post, pre, cluster] + ([treatment] if treatment else [])
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DesignError(f"the design parameters need the column(s) {', '.join(missing)}")
    analysed = frame.dropna(subset=columns)
    sizes = analysed.groupby(cluster).size()
    if len(sizes) < 3 or len(analysed) <= len(sizes):
        raise DesignError(
            f"the design parameters need at least 3 schools and more students than schools with "
            f"both tests; found {len(sizes)} school(s) and {len(analysed)} student(s)"
        )
    base = [treatment] if treatment else []
    if treatment:
        for value, group in ((1, "partner"), (0, "control")):
            if not (analysed[treatment] == value).any():
                raise DesignError(f"no student of the {group} schools has both tests")
    x = np.column_stack([np.ones(len(analysed)), *(analysed[c].to_numpy(dtype=float) for c in [*base, pre])])
    if aliased_columns(x):
        raise DesignError(
            "the pre-test has one value for every student (or within each group), so how much it explains "
            "cannot be estimated"
        )
    _, _, tau2_empty, sigma2_empty, _, _ = random_intercept_reml(analysed, post, base, cluster)
    _, _, tau2_pre, sigma2_pre, _, _ = random_intercept_reml(analysed, post, [*base, pre], cluster)
    total = tau2_empty + sigma2_empty
    if treatment:
        partner = analysed.groupby(cluster)[treatment].first()
        share = float((partner == 1).mean())
    else:
        share = math.nan
    return DesignParameters(
        icc=tau2_empty / total if total > 0 else 0.0,
        r2_school=_share_explained(tau2_empty, tau2_pre),
        r2_student=_share_explained(sigma2_empty, sigma2_pre),
        students_per_school=float(len(sizes) / (1.0 / sizes).sum()),
        schools=len(sizes),
        students=len(analysed),
        share_partner=share,
        tau2_empty=tau2_empty,
        sigma2_empty=sigma2_empty,
        tau2_pre=tau2_pre,
        sigma2_pre=sigma2_pre,
    )


def design_table(
    parameters: DesignParameters,
    schools: Sequence[int] = NEXT_YEAR_SCHOOLS,
    alpha: float = 0.05,
    power: float = 0.8,
    share_partner: float | None = None,
    school_covariates: int = 1,
) -> pd.DataFrame:
    """Rows of `results/design.csv`: the MDES of next year's design for each number of schools, at
    this year's students per school (rounded to whole students), ICC and R-squared. The share of
    partner schools is `share_partner`, else this year's (0.5 when unknown)."""
    share = share_partner if share_partner is not None else parameters.share_partner
    if share is None or not math.isfinite(share) or not 0 < share < 1:
        share = 0.5
    n = max(1, round(parameters.students_per_school))
    rows = [
        mdes(
            j,
            n,
            parameters.icc,
            parameters.r2_school,
            parameters.r2_student,
            share,
            alpha=alpha,
            power=power,
            school_covariates=school_covariates,
        ).to_row()
        for j in schools
    ]
    table = pd.DataFrame(rows, columns=DESIGN_COLUMNS)
    table["students_per_school"] = table["students_per_school"].astype(int)
    return table


def outcome_design_tables(
    frames: Mapping[str, pd.DataFrame],
    alpha: float = 0.05,
    power: float = 0.8,
    schools: Sequence[int] = NEXT_YEAR_SCHOOLS,
) -> tuple[pd.DataFrame, list[str]]:
    """`results/design.csv` for several outcomes: `design_table` of each outcome's pre/post frame
    (`evaluation.analysis.frames.prepost_frame`), with the outcome id as first column.

    Returns
    -------
    (table, notes)
        notes say, for each outcome left out, why (too few schools or students with both tests).
    """
    tables, notes = [], []
    for outcome, frame in frames.items():
        try:
            parameters = estimate_design_parameters(frame)
        except DesignError as error:
            notes.append(f"{outcome}: {error}")
            continue
        tables.append(design_table(parameters, schools, alpha=alpha, power=power).assign(outcome=outcome))
    columns = ["outcome", *DESIGN_COLUMNS]
    table = pd.concat(tables, ignore_index=True)[columns] if tables else pd.DataFrame(columns=columns)
    return table, notes
