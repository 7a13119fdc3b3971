"""The plan's covariates: which ones `auto` picks from the balance table, whether the data has them,
their model columns, and the partner-versus-control rows with them against R (tests/r/covariates.R
-> covariates.json, clubSandwich and lme4) and statsmodels."""

from __future__ import annotations

import json
import math
import threading
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from evaluation.analysis.covariates import (
    AUTO_THRESHOLD,
    auto_covariates,
    check_covariates,
    model_columns,
)
from evaluation.analysis.effects import partner_vs_control_effects
from evaluation.analysis.frames import prepost_frame, prepost_frames
from evaluation.config.plan import Outcome, Plan
from evaluation.errors import PlanError
from evaluation.evidence.balance import balance_table, baseline_characteristics
from evaluation.stats import ancova_clustered

R_DIR = Path(__file__).resolve().parents[1] / "r"
REF = json.loads((R_DIR / "covariates.json").read_text())
RTOL = 1e-6
MATHS = Outcome(id="mathematics", source="exam", domain="academic", subject="mathematics")
COVARIATES = ("sex", "grade", "school_type", "school_size", "special_needs")


def plan(**changes) -> Plan:
    base = dict(
        path=None, programme="p", period="2022-2023", language="en", data_dir=None, outcomes=(MATHS,), subgroups=()
    )
    return Plan(**{**base, **changes})


@pytest.fixture(scope="module")
def r_data() -> pd.DataFrame:
    data = pd.read_csv(R_DIR / "data" / "covariates.csv", dtype={"sex": object})
    return data.assign(group=np.where(data["treatment"] == 1, "partner", "control"))


# --- auto: the characteristics of the balance table above 0.25 ----------------------------------


def test_auto_picks_exactly_the_characteristics_above_the_threshold():
    balance = pd.DataFrame(
        {
            "characteristic": [
                "school_type=anatolian_high_school",
                "school_type=science_high_school",
                "resource_level=high",
                "resource_level=low",
                "school_size",
                "female",
                "grade",
                "special_needs",
                "migrant_refugee",
                "pre_mathematics",
            ],
            "normalised_difference": [0.10, -0.31, 0.25, -0.25, 0.2501, -0.51, math.nan, 0.24, 0.0, 0.90],
        }
    )
    # above 0.25 in absolute value: a level of school_type, school_size, girls; exactly 0.25 is not above;
    # a blank (suppressed) difference adds nothing; the pre-test is in every model anyway
    assert AUTO_THRESHOLD == 0.25
    assert auto_covariates(balance) == ("sex", "school_type", "school_size")
    assert auto_covariates(balance, threshold=0.05) == (
        "sex", "special_needs", "school_type", "resource_level", "school_size"
    )  # fmt: skip
    assert auto_covariates(balance.iloc[:0]) == ()


def constructed_programme(seed: int = 7) -> dict[str, pd.DataFrame]:
    """20 schools: partner schools have more girls (70% against 30%) and are all of type a (the
    control schools half a, half b); resource level, grade and special needs do not differ."""
    rng = np.random.default_rng(seed)
    schools = pd.DataFrame(
        {
            "school_id": [f"S{i:02d}" for i in range(20)],
            "group": ["partner"] * 10 + ["control"] * 10,
            "school_type": ["a"] * 10 + ["a", "b"] * 5,
            "resource_level": ["low", "high"] * 10,
        }
    )
    students = []
    for school in schools.itertuples():
        girls = 0.7 if school.group == "partner" else 0.3
        for i in range(40):
            students.append(
                {
                    "student_id": f"{school.school_id}-{i:02d}",
                    "school_id": school.school_id,
                    "grade": 9 + i % 3,
                    "sex": "F" if i < girls * 40 else "M",
                    "special_needs": i % 20 == 0,
                    "migrant_refugee": False,
                }
            )
    students = pd.DataFrame(students)
    exams = pd.concat(
        [
            students.assign(
                exam_id=f"E-{wave}",
                wave=wave,
                subject="mathematics",
                score=50 + rng.normal(0, 10, len(students)) + (3 if wave == "post" else 0),
            )[["student_id", "school_id", "exam_id", "wave", "grade", "subject", "score"]]
            for wave in ("pre", "post")
        ],
        ignore_index=True,
    )
    return {"schools": schools, "students": students, "exam_results": exams}


def test_auto_on_a_constructed_balance_table_adds_the_imbalanced_characteristics_only():
    accepted = constructed_programme()
    frame, levels = baseline_characteristics(accepted["schools"], accepted["students"], accepted["exam_results"])
    balance = balance_table(frame, levels)
    above = balance.loc[balance["normalised_difference"].abs() > 0.25, "characteristic"]
    assert set(above) == {"school_type=a", "school_type=b", "female"}  # the planted imbalances, nothing else
    assert auto_covariates(balance) == ("sex", "school_type")


# --- what the data has --------------------------------------------------------------------------


def test_a_covariate_the_data_lacks_is_a_plan_error_before_any_model():
    accepted = constructed_programme()
    check_covariates(accepted, plan(covariates=COVARIATES))  # the data has all of them
    no_sex = {**accepted, "students": accepted["students"].drop(columns="sex")}
    with pytest.raises(PlanError) as raised:
        check_covariates(no_sex, plan(covariates=("grade", "sex")))
    assert str(raised.value) == (
        "covariates[1] names sex, but the data has no values of it (the students table has no sex column, "
        "or it is empty); leave sex out of covariates, or send the column"
    )
    empty = {**accepted, "schools": accepted["schools"].assign(resource_level=None)}  # an optional column added empty
    with pytest.raises(PlanError, match=r"^covariates\[0\] names resource_level, .*the schools table"):
        check_covariates(empty, plan(covariates=("resource_level",)))
    without_roster = {k: v for k, v in accepted.items() if k != "students"}
    with pytest.raises(PlanError, match=r"covariates\[0\] names special_needs"):
        check_covariates(without_roster, plan(covariates=("special_needs",)))
    # grade comes from the exam results and school size is counted there when there is no roster
    check_covariates(without_roster, plan(covariates=("grade", "school_size")))
    check_covariates(no_sex, plan(covariates="auto"))  # auto picks among what the data has


def test_the_outcome_frame_carries_every_covariate():
    accepted = constructed_programme()
    frame = prepost_frame(accepted, MATHS, instruments={})
    assert set(COVARIATES) | {"resource_level", "migrant_refugee"} <= set(frame.columns)
    assert frame["school_size"].eq(40.0).all()  # the school's students on the roster
    without_roster = prepost_frame({k: v for k, v in accepted.items() if k != "students"}, MATHS, instruments={})
    assert without_roster["school_size"].eq(40.0).all()  # else those with exam results


def test_outcome_frames_built_on_threads_are_the_frames_built_one_after_another():
    accepted = constructed_programme()
    exams = accepted["exam_results"]
    science = exams.assign(subject="science", score=exams["score"] - 5)
    accepted = {**accepted, "exam_results": pd.concat([exams, science], ignore_index=True)}
    outcomes = (MATHS, Outcome(id="science", source="exam", domain="academic", subject="science"))
    one_by_one = prepost_frames(accepted, outcomes, instruments={}, threads=1)
    on_threads = prepost_frames(accepted, outcomes, instruments={}, threads=2)
    assert list(on_threads) == ["mathematics", "science"]
    for outcome in outcomes:
        pd.testing.assert_frame_equal(on_threads[outcome.id], one_by_one[outcome.id])
        pd.testing.assert_frame_equal(on_threads[outcome.id], prepost_frame(accepted, outcome, instruments={}))
    assert not on_threads["mathematics"].equals(on_threads["science"])
    # a lazy mapping (the accepted tables read when first asked for) is asked before the threads
    # start, by this thread alone, and only for the tables these outcomes read
    lazy = _CountingTables({**accepted, "surveys/student_climate": accepted["students"]})
    from_lazy = prepost_frames(lazy, outcomes, instruments={}, threads=2)
    assert set(lazy.asked) == {("schools", "MainThread"), ("students", "MainThread"), ("exam_results", "MainThread")}
    for outcome in outcomes:
        pd.testing.assert_frame_equal(from_lazy[outcome.id], one_by_one[outcome.id])
    # the first outcome in order that cannot be made is the one named, as one after another
    missing = (
        Outcome(id="history", source="exam", domain="academic", subject="history"),
        Outcome(id="art", source="exam", domain="academic", subject="art"),
    )
    with pytest.raises(PlanError, match=r"^outcome history: no accepted exam results for subject 'history'"):
        prepost_frames(accepted, (MATHS, *missing), instruments={}, threads=2)


class _CountingTables(Mapping):
    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self.tables, self.asked = tables, Counter()

    def __getitem__(self, name: str) -> pd.DataFrame:
        self.asked[(name, threading.current_thread().name)] += 1
        return self.tables[name]

    def __iter__(self):
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)


# --- model columns ------------------------------------------------------------------------------


def test_model_columns_code_categories_against_their_first_sorted_level():
    frame = pd.DataFrame(
        {
            "pre": [1.0, 2.0, 3.0, 4.0, 5.0, np.nan],
            "grade": pd.array([11, 9, 9, 10, 11, 10], dtype="Int64"),
            "sex": ["M", "F", None, "F", "M", "M"],
            "special_needs": [True, False, False, True, False, False],
            "school_size": [30, 30, 20, 20, 20, 30],
            "migrant_refugee": [None] * 6,  # no value at all (a teachers' survey): left out
        }
    )
    covariates = ("sex", "grade", "special_needs", "school_size", "migrant_refugee")
    rows, columns, used = model_columns(frame, covariates, required=("pre",))
    assert list(rows.index) == [0, 1, 3, 4]  # complete cases: sex missing in row 2, pre in row 5
    # grade 9 is the reference although 11 comes first in the data (sorted as numbers, not text)
    assert columns == ["sex=M", "grade=10", "grade=11", "special_needs:value", "school_size:value"]
    assert used == ("sex", "grade", "special_needs", "school_size")
    assert rows["sex=M"].tolist() == [1.0, 0.0, 0.0, 1.0]
    assert rows["grade=10"].tolist() == [0.0, 0.0, 1.0, 0.0] and rows["grade=11"].tolist() == [1.0, 0.0, 0.0, 1.0]
    assert rows["special_needs:value"].tolist() == [1.0, 0.0, 1.0, 0.0]
    # within one sex (a subgroup), sex has one level: no column, and the row does not list it
    rows, columns, used = model_columns(frame[frame["sex"] == "M"], ("sex", "school_size"))
    assert (columns, used) == (["school_size:value"], ("school_size",))
    assert model_columns(frame, ())[1:] == ([], ())


# --- the models with covariates -----------------------------------------------------------------


def test_ancova_with_covariates_equals_statsmodels_ols_with_cluster_robust_errors(r_data):
    rows, columns, _ = model_columns(r_data, COVARIATES, required=("pre", "post"))
    result = ancova_clustered(rows, "post", "pre", "treatment", "school_id", covariates=columns, vcov="CR1")
    x = sm.add_constant(rows[["treatment", "pre", *columns]].astype(float))
    ols = sm.OLS(rows["post"].astype(float), x).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(rows["school_id"])[0]}, use_t=True
    )
    # statsmodels' cluster errors: G/(G-1) (N-1)/(N-K) scaling, t on G - 1 df, as Stata and CR1
    assert ols.df_resid_inference == rows["school_id"].nunique() - 1 == result.df
    assert_allclose(result.estimate, ols.params["treatment"], rtol=1e-10)
    assert_allclose(result.std_error, ols.bse["treatment"], rtol=1e-10)
    assert_allclose(result.p_value, ols.pvalues["treatment"], rtol=1e-8)
    without = ancova_clustered(rows, "post", "pre", "treatment", "school_id", vcov="CR1")
    assert abs(without.estimate - result.estimate) > 0.1  # the covariates change the estimate


def test_partner_versus_control_rows_with_covariates_match_r(r_data):
    effects = partner_vs_control_effects(r_data, MATHS, plan(missing_data_threshold=0.99), covariates=COVARIATES)
    rows = effects[effects["analysis"] == "partner_vs_control"].set_index("method")
    assert list(rows.index) == ["ancova_cr1", "ancova_cr2", "mixed_reml", "did"]
    assert rows["covariates"].eq("sex+grade+school_type+school_size+special_needs").all()
    for method in ("ancova_cr1", "ancova_cr2", "did"):
        ref = REF[method]
        expected = [ref["estimate"], ref["std_error"], ref["df"], ref["p_value"]]
        found = rows.loc[method, ["estimate", "std_error", "df", "p_value"]].astype(float)
        assert_allclose(found, expected, rtol=RTOL, err_msg=method)
    assert_allclose(
        rows.loc["mixed_reml", ["estimate", "std_error"]].astype(float),
        [REF["mixed_reml"]["estimate"], REF["mixed_reml"]["std_error"]],
        rtol=RTOL,
    )
    # the complete cases of post, pre and sex; the difference in differences counts post values with sex
    assert rows.loc["ancova_cr2", "n_treatment"] + rows.loc["ancova_cr2", "n_control"] == REF["n"]
    # the REML df: 24 schools - 1 - the school-level predictors (partner, two school types, size)
    assert rows.loc["mixed_reml", "df"] == 24 - 1 - 4
    baseline = effects[effects["analysis"] == "baseline_equivalence"].iloc[0]
    assert baseline["n_treatment"] + baseline["n_control"] == REF["n"] and baseline["covariates"] == ""


@pytest.mark.slow
def test_covariates_enter_the_imputation_and_the_subgroup_models(r_data):
    effects = partner_vs_control_effects(
        r_data, MATHS, plan(subgroups=("sex",), missing_data_threshold=0.01), covariates=COVARIATES
    )
    versus = effects[effects["analysis"] == "partner_vs_control"]
    imputed = versus[versus["method"] == "ancova_mi"].iloc[0]
    # the imputed sample: every student with a pre-test and the covariates (sex known), post-test or not
    assert imputed["n_treatment"] + imputed["n_control"] == r_data["sex"].notna().sum()
    assert imputed["covariates"] == "sex+grade+school_type+school_size+special_needs"
    assert imputed["ci_low"] < imputed["estimate"] < imputed["ci_high"]
    # within sex=F and sex=M, sex is constant: the models use the other covariates
    cells = versus[versus["subgroup"] != "all"]
    assert set(cells["subgroup"]) == {"sex=F", "sex=M"}
    assert cells["covariates"].eq("grade+school_type+school_size+special_needs").all()
    girls = r_data[r_data["sex"] == "F"]
    rows, columns, _ = model_columns(girls, COVARIATES, required=("pre", "post"))
    direct = ancova_clustered(rows, "post", "pre", "treatment", "school_id", covariates=columns, vcov="CR2")
    cell = cells[(cells["subgroup"] == "sex=F") & (cells["method"] == "ancova_cr2")].iloc[0]
    assert cell["estimate"] == pytest.approx(direct.estimate, rel=1e-12)


def test_a_teachers_outcome_uses_the_school_level_covariates_only():
    accepted = constructed_programme()
    frame = prepost_frame(accepted, MATHS, instruments={})
    teachers = frame.assign(sex=None, grade=pd.NA, special_needs=None)  # no roster row for a teacher
    effects = partner_vs_control_effects(teachers, MATHS, plan(), covariates=("sex", "school_type", "resource_level"))
    versus = effects[effects["analysis"] == "partner_vs_control"]
    assert versus["covariates"].eq("school_type+resource_level").all()
    assert versus["estimate"].notna().all()
