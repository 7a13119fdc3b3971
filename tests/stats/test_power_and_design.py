"""Design planning (evaluation/analysis/design.py and evaluation/stats/power.py): the MDES of a
two-level cluster design and the schools needed, against PowerUpR's published cross-check, the
noncentral t and exact relationships of the formula; the ICC and R-squared estimated from data
against lme4; the `evaluation design` command.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaluation.analysis.design import DesignParameters, design_table, estimate_design_parameters, outcome_design_tables
from evaluation.cli import main
from evaluation.errors import EXIT_UNREADABLE, DesignError
from evaluation.stats.power import DESIGN_COLUMNS, mdes, schools_needed

MATHS = Path(__file__).parent.parent / "r" / "data" / "mathachieve30.csv"

# PowerUpR's "Cross-checks" vignette (Bulus, Dong, Kelcey & Spybrook; cran/PowerUpR,
# vignettes/cross_checks.Rmd, rendered in inst/doc/cross_checks.html, 2018-02-16), section
# "Two-Level Cluster-level Random Assignment Design, Treatment at Level 2":
#   d1 <- mdes.cra2r2(power=.80, rho2=.17, n=15, J=20)
#   ##  MDES is 0.629 95% CI [0.183,1.075] with 80% power
#   ##  Degrees of freedom:18
#   ##  Standardized standard error:0.212
#   mrss.cra2r2(es=d1$mdes[1], rho2=.17, n=15)
#   ## J = 20
# (defaults: p = .50, g2 = 0, r21 = r22 = 0, alpha = .05, two-tailed)
CROSS_CHECK = dict(
    students_per_school=15, icc=0.17, r2_school=0.0, r2_student=0.0, share_partner=0.5, school_covariates=0
)


def test_mdes_matches_powerupr_cross_check() -> None:
    result = mdes(20, **CROSS_CHECK)
    assert result.df == 18
    assert round(result.mdes, 3) == 0.629
    assert (round(result.ci_low, 3), round(result.ci_high, 3)) == (0.183, 1.075)
    assert round(result.standard_error, 3) == 0.212


def test_schools_needed_matches_powerupr_mrss() -> None:
    exact = mdes(20, **CROSS_CHECK).mdes
    assert schools_needed(exact, **CROSS_CHECK) == 20
    # The printed 0.629 is a hair below the MDES of 20 schools (0.62901): the smallest number of
    # schools reaching it is 21 (PowerUpR rounds its fixed point to the nearest school instead).
    assert mdes(20, **CROSS_CHECK).mdes > 0.629 >= mdes(21, **CROSS_CHECK).mdes
    assert schools_needed(0.629, **CROSS_CHECK) == 21


def test_schools_needed_is_the_smallest_design_reaching_the_target() -> None:
    options = dict(students_per_school=25, icc=0.2, r2_school=0.6, r2_student=0.4, share_partner=0.4)
    for target in (0.15, 0.2, 0.25, 0.4):
        j = schools_needed(target, **options)
        assert mdes(j, **options).mdes <= target < mdes(j - 1, **options).mdes
    # a target every admissible design reaches: the smallest design with df >= 1
    assert schools_needed(5.0, **options) == 4


def power_at(result) -> float:
    """Power of the two-tailed t test when the true effect is the MDES: noncentral t with
    noncentrality MDES / SE on the design's df (an independent computation of what the MDES
    promises; PowerUp!'s multiplier is its central-t approximation)."""
    critical = stats.t.ppf(1 - result.alpha / 2, result.df)
    ncp = result.mdes / result.standard_error
    return float(stats.nct.sf(critical, result.df, ncp) + stats.nct.cdf(-critical, result.df, ncp))


@pytest.mark.parametrize("schools", [60, 200])
@pytest.mark.parametrize("power", [0.8, 0.9])
def test_noncentral_t_power_at_the_mdes_is_the_target(schools: int, power: float) -> None:
    result = mdes(
        schools, students_per_school=22, icc=0.18, r2_school=0.7, r2_student=0.5, share_partner=0.5, power=power
    )
    assert power_at(result) == pytest.approx(power, abs=0.01)


def test_large_df_multiplier_is_blooms_2_8() -> None:
    # Bloom (2005, 2006): for large df the multiplier of a two-tailed 0.05 test at 80% power is
    # z(0.975) + z(0.8) = 2.80; one-tailed, z(0.95) + z(0.8) = 2.49.
    options = dict(students_per_school=20, icc=0.2, r2_school=0.5, r2_student=0.5, share_partner=0.5)
    assert round(mdes(100_000, **options).multiplier, 2) == 2.80
    assert round(mdes(100_000, **options, two_tailed=False).multiplier, 2) == 2.49


def test_exact_relationships_of_the_formula() -> None:
    options = dict(students_per_school=30, icc=0.15, r2_school=0.5, r2_student=0.3, share_partner=0.5)
    small, large = mdes(40, **options), mdes(80, **options)
    # doubling the schools halves the variance; the multiplier shrinks with the df
    assert large.standard_error == pytest.approx(small.standard_error / math.sqrt(2), rel=1e-12)
    assert large.mdes / small.mdes == pytest.approx(large.multiplier / small.multiplier / math.sqrt(2), rel=1e-12)
    # all variance between schools: only R2_2 matters, and students per school do not
    between = dict(options, icc=1.0)
    assert mdes(40, **dict(between, r2_school=0.75)).mdes == pytest.approx(
        mdes(40, **between).mdes / math.sqrt(2), rel=1e-12
    )
    assert mdes(40, **dict(between, students_per_school=5)).mdes == pytest.approx(mdes(40, **between).mdes, rel=1e-12)
    # no variance between schools: the MDES of J * n students, R2_1 the only covariate effect
    within = dict(options, icc=0.0, r2_school=0.0)
    assert mdes(40, **within).standard_error == pytest.approx(math.sqrt(0.7 / (0.25 * 40 * 30)), rel=1e-12)
    # the share of partner schools enters as P (1 - P): 30% partner is 70% partner
    assert mdes(40, **dict(options, share_partner=0.3)).mdes == pytest.approx(
        mdes(40, **dict(options, share_partner=0.7)).mdes, rel=1e-12
    )
    # each school covariate costs one df, nothing else
    assert mdes(40, **options, school_covariates=3).df == mdes(40, **options).df - 2 == 35
    assert mdes(40, **options, school_covariates=3).standard_error == mdes(40, **options).standard_error


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(icc=1.2), "icc must lie in [0, 1]; found 1.2"),
        (dict(r2_school=1.0), "r2_school must lie in [0, 1); found 1.0"),
        (dict(r2_student=-0.1), "r2_student must lie in [0, 1); found -0.1"),
        (dict(share_partner=0.0), "share_partner must lie in (0, 1); found 0.0"),
        (dict(power=1.0), "power must lie in (0, 1); found 1.0"),
        (dict(students_per_school=0.5), "students per school must be at least 1; found 0.5"),
        (dict(schools=2), "schools must be a whole number of at least 4"),
        (dict(icc=math.nan), "icc must lie in [0, 1]; found nan"),
    ],
)
def test_out_of_range_inputs_are_named(change: dict, message: str) -> None:
    arguments = dict(CROSS_CHECK, schools=20, school_covariates=1)
    arguments.update(change)
    with pytest.raises(DesignError) as raised:
        mdes(**arguments)
    assert message in str(raised.value)


def test_design_parameters_match_lme4() -> None:
    # R 4.2.2, lme4 1.1.31, tests/r/data/mathachieve30.csv, bobyqa at rhoend = 1e-12:
    #   e <- VarCorr(lmer(MathAch ~ catholic + (1 | School), REML = TRUE))        9.16170721003876, 36.99090881429836
    #   p <- VarCorr(lmer(MathAch ~ catholic + SES + (1 | School), REML = TRUE))  4.68621098971547, 35.72774858951792
    #   icc 0.198508947037967, r2_2 0.488500245393059, r2_1 0.0341478559264858
    #   without catholic: icc 0.221379663069475, r2_2 0.447225109827612, r2_1 0.034303072190031
    #   students per school: length(n) / sum(1 / n), n <- table(School): 40.5354960311934
    maths = pd.read_csv(MATHS)
    got = estimate_design_parameters(maths, post="MathAch", pre="SES", cluster="School", treatment="catholic")
    assert [got.tau2_empty, got.sigma2_empty, got.tau2_pre, got.sigma2_pre] == pytest.approx(
        [9.16170721003876, 36.99090881429836, 4.68621098971547, 35.72774858951792], rel=1e-6
    )
    assert [got.icc, got.r2_school, got.r2_student] == pytest.approx(
        [0.198508947037967, 0.488500245393059, 0.0341478559264858], rel=1e-6
    )
    assert got.students_per_school == pytest.approx(40.5354960311934, rel=1e-12)
    assert (got.schools, got.students, got.share_partner) == (30, 1341, 0.5)
    plain = estimate_design_parameters(maths, post="MathAch", pre="SES", cluster="School", treatment=None)
    assert [plain.icc, plain.r2_school, plain.r2_student] == pytest.approx(
        [0.221379663069475, 0.447225109827612, 0.034303072190031], rel=1e-6
    )


def simulated(seed: int, pre_school_sd: float) -> pd.DataFrame:
    """300 schools of 40 students: post = pre + u + e, pre = c + d with var(c) = pre_school_sd^2,
    var(d) = 0.8, var(u) = 0.1, var(e) = 0.4."""
    rng = np.random.default_rng(seed)
    school = np.repeat(np.arange(300), 40)
    pre = rng.normal(0, pre_school_sd, 300)[school] + rng.normal(0, math.sqrt(0.8), school.size)
    post = pre + rng.normal(0, math.sqrt(0.1), 300)[school] + rng.normal(0, math.sqrt(0.4), school.size)
    return pd.DataFrame({"school_id": school, "pre": pre, "post": post, "treatment": (school < 150).astype(int)})


@pytest.mark.slow
def test_design_parameters_recover_the_simulated_truth() -> None:
    # tau2 = 0.2 + 0.1 = 0.3 before the pre-test, 0.1 after; sigma2 = 0.8 + 0.4 = 1.2, then 0.4:
    # ICC 0.3 / 1.5 = 0.2, R2_2 = R2_1 = 2/3
    got = estimate_design_parameters(simulated(5, math.sqrt(0.2)))
    assert got.icc == pytest.approx(0.2, abs=0.03)
    assert got.r2_school == pytest.approx(2 / 3, abs=0.06)
    assert got.r2_student == pytest.approx(2 / 3, abs=0.01)
    assert (got.schools, got.students, got.share_partner) == (300, 12000, 0.5)
    assert got.students_per_school == pytest.approx(40.0, rel=1e-12)


def test_design_parameters_need_schools() -> None:
    frame = simulated(1, 0.5)
    with pytest.raises(DesignError, match="at least 3 schools"):
        estimate_design_parameters(frame[frame["school_id"] < 2])
    with pytest.raises(DesignError, match="need the column"):
        estimate_design_parameters(frame.drop(columns="pre"))


def test_design_parameters_of_a_group_without_post_test_or_a_constant_pre_test_are_refused() -> None:
    # issue 12: the first ended in a LinAlgError that stopped the run; both are design notes now
    frame = simulated(1, 0.5).query("school_id < 10 or school_id >= 290").copy()  # 10 partner, 10 control
    no_partner = frame.assign(post=frame["post"].where(frame["treatment"] == 0))
    with pytest.raises(DesignError, match="no student of the partner schools has both tests"):
        estimate_design_parameters(no_partner)
    with pytest.raises(DesignError, match="the pre-test has one value"):
        estimate_design_parameters(frame.assign(pre=50.0))
    _, notes = outcome_design_tables({"science": no_partner, "turkish": frame.assign(pre=50.0)})
    assert [note.split(":")[0] for note in notes] == ["science", "turkish"]


def test_design_table_rows_for_next_year() -> None:
    parameters = DesignParameters(
        icc=0.2,
        r2_school=0.5,
        r2_student=0.4,
        students_per_school=24.6,
        schools=28,
        students=700,
        share_partner=0.5,
        tau2_empty=0.2,
        sigma2_empty=0.8,
        tau2_pre=0.1,
        sigma2_pre=0.48,
    )
    table = design_table(parameters)
    assert list(table.columns) == DESIGN_COLUMNS
    assert table["schools"].tolist() == [20, 30, 40, 60, 80]
    assert set(table["students_per_school"]) == {25}
    assert table["mdes"].is_monotonic_decreasing
    for row in table.itertuples():
        assert row.mdes == mdes(row.schools, 25, 0.2, 0.5, 0.4, 0.5).mdes
    assert design_table(parameters, share_partner=0.3)["share_partner"].unique().tolist() == [0.3]


@pytest.mark.slow
def test_outcome_design_tables_leave_out_outcomes_without_enough_schools() -> None:
    frame = simulated(2, 0.5)
    table, notes = outcome_design_tables(
        {"mathematics": frame, "science": frame[frame["school_id"] < 2]}, alpha=0.1, schools=(30, 60)
    )
    assert list(table.columns) == ["outcome", *DESIGN_COLUMNS]
    assert table[["outcome", "schools"]].values.tolist() == [["mathematics", 30], ["mathematics", 60]]
    assert table["alpha"].eq(0.1).all() and table["students_per_school"].eq(40).all()
    assert notes == [
        "science: the design parameters need at least 3 schools and more students than schools with "
        "both tests; found 2 school(s) and 80 student(s)"
    ]


DESIGN_ARGS = [
    "design",
    "--students-per-school",
    "15",
    "--icc",
    "0.17",
    "--r2-school",
    "0",
    "--r2-student",
    "0",
    "--share-partner",
    "0.5",
    "--school-covariates",
    "0",
]


def test_design_command_prints_the_mdes(capsys) -> None:
    assert main([*DESIGN_ARGS, "--schools", "20"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("MDES 0.629 SD (df 18, multiplier 2.963, standard error 0.212) with 20 schools (50% partner)")
    assert out.count("\n") == 1


def test_design_command_prints_the_schools_needed(capsys) -> None:
    assert main([*DESIGN_ARGS, "--mdes", "0.629"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("21 schools needed for an MDES of 0.629 SD; with them: MDES 0.6")


def test_design_command_bad_values_exit_2_with_one_line(capsys) -> None:
    assert main([*DESIGN_ARGS, "--schools", "20", "--icc", "1.5"]) == EXIT_UNREADABLE
    err = capsys.readouterr().err
    assert err == "evaluation design: icc must lie in [0, 1]; found 1.5\n"
    assert main([*DESIGN_ARGS, "--schools", "2"]) == EXIT_UNREADABLE
    assert "schools must be a whole number of at least 3" in capsys.readouterr().err


@pytest.mark.parametrize(
    "extra", [[], ["--schools", "20", "--mdes", "0.3"], ["--schools", "twenty"], ["--schools", "20", "--alpha", "x"]]
)
def test_design_command_usage_errors_exit_2(capsys, extra: list) -> None:
    with pytest.raises(SystemExit) as raised:
        main([*DESIGN_ARGS, *extra])
    assert raised.value.code == EXIT_UNREADABLE
    err = capsys.readouterr().err
    assert "Traceback" not in err and "evaluation design: error:" in err
