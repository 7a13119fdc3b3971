"""Power of a two-level cluster design (students in schools, schools assigned to partner or
control): the minimum detectable effect size (MDES) and the number of schools needed for a
target MDES.

The formulas are PowerUp!'s model CRA2_2r (Dong & Maynard, 2013), as in R's PowerUpR
``mdes.cra2`` / ``mrss.cra2``:

    df   = J - g* - 2
    M    = t(1 - alpha/2, df) + t(power, df)          (t(1 - alpha, df) one-tailed)
    SE   = sqrt(rho (1 - R2_2) / (P (1 - P) J) + (1 - rho)(1 - R2_1) / (P (1 - P) J n))
    MDES = M * SE

with J schools, n students per school, rho the intraclass correlation, R2_1 and R2_2 the shares
of the student-level and school-level variance explained by the covariates (the pre-test), g* the
number of school-level covariates and P the share of partner schools.

References
----------
Dong, N., & Maynard, R. (2013). PowerUp!: A tool for calculating minimum detectable effect sizes
and minimum required sample sizes for experimental and quasi-experimental design studies. Journal
of Research on Educational Effectiveness, 6(1), 24-67.
Bloom, H. S., Richburg-Hayes, L., & Black, A. R. (2007). Using covariates to improve precision for
studies that randomize schools to evaluate educational interventions. Educational Evaluation and
Policy Analysis, 29(1), 30-59 (R-squared as the proportional reduction of each variance component).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from scipy import stats

from evaluation.errors import DesignError

DESIGN_COLUMNS = [
    "schools",
    "students_per_school",
    "icc",
    "r2_school",
    "r2_student",
    "share_partner",
    "alpha",
    "power",
    "mdes",
]
MAX_SCHOOLS = 1_000_000


@dataclass(frozen=True)
class Mdes:
    """The minimum detectable effect size of one design, with what it was computed from.

    `ci_low` and `ci_high` are PowerUpR's interval around the MDES, (M -/+ t(1 - alpha/2, df)) * SE:
    the estimates a study of this design would report, at 1 - alpha, when the true effect is the
    MDES.
    """

    schools: int
    students_per_school: float
    icc: float
    r2_school: float
    r2_student: float
    share_partner: float
    alpha: float
    power: float
    school_covariates: int
    two_tailed: bool
    df: int
    multiplier: float
    standard_error: float
    mdes: float
    ci_low: float
    ci_high: float

    def summary(self) -> str:
        """The design and its MDES in one readable line."""
        tails = "two-tailed" if self.two_tailed else "one-tailed"
        return (
            f"MDES {self.mdes:.3f} SD (df {self.df}, multiplier {self.multiplier:.3f}, standard error "
            f"{self.standard_error:.3f}) with {self.schools} schools ({self.share_partner:.0%} partner), "
            f"{self.students_per_school:g} students per school, ICC {self.icc:g}, R2 school {self.r2_school:g}, "
            f"R2 student {self.r2_student:g}, {self.school_covariates} school covariate(s), "
            f"alpha {self.alpha:g} {tails}, power {self.power:g}"
        )

    def to_row(self) -> dict:
        """The row of `results/design.csv`."""
        return {column: asdict(self)[column] for column in DESIGN_COLUMNS}


def _check_share(name: str, value: float, low_open: bool, high_open: bool) -> None:
    low_ok = value > 0 if low_open else value >= 0
    high_ok = value < 1 if high_open else value <= 1
    if not (math.isfinite(value) and low_ok and high_ok):
        allowed = f"{'(' if low_open else '['}0, 1{')' if high_open else ']'}"
        raise DesignError(f"{name} must lie in {allowed}; found {value}")


def _check(students_per_school, icc, r2_school, r2_student, share_partner, alpha, power, school_covariates):
    if not (math.isfinite(students_per_school) and students_per_school >= 1):
        raise DesignError(f"students per school must be at least 1; found {students_per_school}")
    _check_share("icc", icc, low_open=False, high_open=False)
    _check_share("r2_school", r2_school, low_open=False, high_open=True)
    _check_share("r2_student", r2_student, low_open=False, high_open=True)
    _check_share("share_partner", share_partner, low_open=True, high_open=True)
    _check_share("alpha", alpha, low_open=True, high_open=True)
    _check_share("power", power, low_open=True, high_open=True)
    if school_covariates < 0 or int(school_covariates) != school_covariates:
        raise DesignError(f"school_covariates must be a whole number >= 0; found {school_covariates}")


def mdes(
    schools: int,
    students_per_school: float,
    icc: float,
    r2_school: float,
    r2_student: float,
    share_partner: float,
    alpha: float = 0.05,
    power: float = 0.8,
    school_covariates: int = 1,
    two_tailed: bool = True,
) -> Mdes:
    """Minimum detectable effect size of a two-level cluster design (PowerUp! CRA2_2r).

    Parameters
    ----------
    schools : int
        J, schools in the study (partner and control); at least school_covariates + 3, so that
        df = J - g* - 2 >= 1.
    students_per_school : float
        n, students analysed per school (PowerUp!: the harmonic mean, or the simple average).
    icc : float
        rho, share of the outcome's variance between schools, in [0, 1].
    r2_school, r2_student : float
        R2_2 and R2_1, shares of the school-level and student-level variance explained by the
        covariates (the pre-test), in [0, 1).
    share_partner : float
        P, share of the schools that are partner schools, in (0, 1).
    alpha, power : float
        Type I error rate and power.
    school_covariates : int
        g*, school-level covariates in the analysis model (default 1: the school's pre-test mean).
    two_tailed : bool
        Two-tailed test (default) or one-tailed.

    Returns
    -------
    Mdes
        The MDES in standard deviations of the outcome, its df, multiplier and standard error.

    Notes
    -----
    Agrees with PowerUpR to its printed precision: ``mdes.cra2r2(power=.80, rho2=.17, n=15,
    J=20)`` prints MDES 0.629, 95% CI [0.183, 1.075], df 18 (tests/stats/test_power_and_design.py).
    """
    _check(students_per_school, icc, r2_school, r2_student, share_partner, alpha, power, school_covariates)
    df = int(schools) - int(school_covariates) - 2
    if int(schools) != schools or df < 1:
        raise DesignError(
            f"schools must be a whole number of at least {int(school_covariates) + 3} "
            f"(df = schools - {int(school_covariates)} school covariate(s) - 2 >= 1); found {schools}"
        )
    critical = stats.t.ppf(1 - alpha / 2 if two_tailed else 1 - alpha, df)
    multiplier = float(critical + stats.t.ppf(power, df))
    spread = share_partner * (1 - share_partner) * schools
    se = math.sqrt(icc * (1 - r2_school) / spread + (1 - icc) * (1 - r2_student) / (spread * students_per_school))
    value = multiplier * se
    return Mdes(
        int(schools),
        float(students_per_school),
        float(icc),
        float(r2_school),
        float(r2_student),
        float(share_partner),
        float(alpha),
        float(power),
        int(school_covariates),
        bool(two_tailed),
        df,
        multiplier,
        se,
        value,
        value - float(critical) * se,
        value + float(critical) * se,
    )


def schools_needed(
    target_mdes: float,
    students_per_school: float,
    icc: float,
    r2_school: float,
    r2_student: float,
    share_partner: float,
    alpha: float = 0.05,
    power: float = 0.8,
    school_covariates: int = 1,
    two_tailed: bool = True,
) -> int:
    """The smallest number of schools J whose MDES (`mdes`) is at most `target_mdes`.

    The df depend on J, so there is no closed form; the MDES falls as J grows, so J is found by
    doubling and then bisection. PowerUpR's ``mrss.cra2r2`` instead iterates J to a fixed point and
    rounds it to the nearest whole school, which can land one school short of the target. Its
    cross-check ``mrss.cra2r2(es=d1$mdes[1], rho2=.17, n=15)``, the exact MDES of 20 schools as
    the target, prints J = 20, as this gives; for the target 0.629 (the MDES of 20 schools is
    0.62901) this gives 21, the smallest number of schools whose MDES is at most 0.629.
    """
    if not (math.isfinite(target_mdes) and target_mdes > 0):
        raise DesignError(f"the target MDES must be a positive number of standard deviations; found {target_mdes}")
    options = dict(
        students_per_school=students_per_school,
        icc=icc,
        r2_school=r2_school,
        r2_student=r2_student,
        share_partner=share_partner,
        alpha=alpha,
        power=power,
        school_covariates=school_covariates,
        two_tailed=two_tailed,
    )
    reaches = lambda j: mdes(j, **options).mdes <= target_mdes  # noqa: E731
    low = int(school_covariates) + 3
    if reaches(low):
        return low
    high = 2 * low
    while not reaches(high):
        low, high = high, 2 * high
        if high > MAX_SCHOOLS:
            raise DesignError(f"an MDES of {target_mdes} needs more than {MAX_SCHOOLS} schools")
    while high - low > 1:  # reaches(high) and not reaches(low)
        middle = (low + high) // 2
        low, high = (low, middle) if reaches(middle) else (middle, high)
    return high
