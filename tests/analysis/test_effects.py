"""From accepted tables to pre/post frames and results rows."""

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis.descriptives import group_means
from evaluation.analysis.effects import moderation_effects, partner_vs_control_effects, prepost_effects
from evaluation.analysis.frames import linkage_rate, prepost_frame
from evaluation.config.plan import Outcome, Plan, load_plan
from evaluation.errors import PlanError
from evaluation.stats import moderator_test
from evaluation.stats.estimate import EFFECT_COLUMNS

MATHS = Outcome(id="mathematics", source="exam", domain="academic", subject="mathematics")


def accepted_tables(n_schools=8, per_school=30, seed=3):
    rng = np.random.default_rng(seed)
    schools = pd.DataFrame(
        {
            "school_id": [f"S{i}" for i in range(n_schools)],
            "group": ["partner" if i % 2 else "control" for i in range(n_schools)],
            "school_type": "science_high_school",
        }
    )
    students = pd.DataFrame(
        {
            "student_id": [f"P{i:04d}" for i in range(n_schools * per_school)],
            "school_id": np.repeat(schools["school_id"], per_school).to_numpy(),
            "grade": rng.choice([9, 10, 11], n_schools * per_school),
            "sex": rng.choice(["F", "M"], n_schools * per_school),
        }
    )
    rows = []
    for wave, shift in (("pre", 0.0), ("post", 5.0)):
        rows.append(
            students.assign(
                exam_id=f"E-{wave}",
                wave=wave,
                subject="mathematics",
                score=50 + shift + rng.normal(0, 10, len(students)),
            )
        )
    exams = pd.concat(rows, ignore_index=True)
    exams = exams.drop(index=exams[(exams["wave"] == "post")].index[:12])  # 12 students miss April
    return {"schools": schools, "students": students, "exam_results": exams}


def plan(**changes):
    base = dict(
        path=None,
        programme="p",
        period="2022-2023",
        language="en",
        data_dir=None,
        outcomes=(MATHS,),
        subgroups=("grade",),
    )
    return Plan(**{**base, **changes})


def test_prepost_frame_has_one_row_per_student_with_group_and_roster_columns():
    accepted = accepted_tables()
    frame = prepost_frame(accepted, MATHS, instruments={})
    assert len(frame) == 240 and frame["unit_id"].is_unique
    assert frame["post"].isna().sum() == 12 and frame["pre"].notna().all()
    assert set(frame["group"]) == {"partner", "control"}
    assert (frame["treatment"] == (frame["group"] == "partner")).all()
    assert {"grade", "sex", "school_type"} <= set(frame.columns)
    assert linkage_rate(frame) == 1.0


@pytest.mark.slow
def test_prepost_and_partner_rows_cover_groups_and_subgroups():
    frame = prepost_frame(accepted_tables(), MATHS, instruments={})
    prepost = prepost_effects(frame, MATHS, plan())
    assert list(prepost.columns) == EFFECT_COLUMNS
    assert len(prepost) == 4 * 3 * 4  # all + three grades, each for partner, control and all, four methods
    overall = prepost[(prepost["subgroup"] == "all") & (prepost["group"] == "all")].iloc[0]
    assert list(prepost["method"][:4]) == ["paired_t", "wilcoxon", "welch_t", "paired_cr2"]
    assert overall["n_treatment"] == 228
    assert overall["estimate"] == pytest.approx((frame["post"] - frame["pre"]).mean())
    # the clustered row: the same pairs and change, the schools of the group, an interval of its own
    clustered = prepost[prepost["method"] == "paired_cr2"].set_index(["subgroup", "group"])
    paired = prepost[prepost["method"] == "paired_t"].set_index(["subgroup", "group"])
    assert (clustered["n_treatment"] == paired["n_treatment"]).all()
    assert (clustered["estimate"] == paired["estimate"]).all()
    assert list(clustered.loc["all", "n_clusters_treatment"]) == [4, 4, 8]  # partner, control, all
    assert (clustered["std_error"] != paired["std_error"]).all() and (clustered["note"] == "").all()
    versus = partner_vs_control_effects(frame, MATHS, plan())
    # the control group misses 12 of its 120 post-tests (10% > 5%): the whole sample also gets ancova_mi
    assert list(versus["subgroup"]) == ["all"] * 6 + [s for s in ["grade=9", "grade=10", "grade=11"] for _ in range(5)]
    methods = ["baseline_equivalence", "ancova_cr1", "ancova_cr2", "mixed_reml", "did"]
    assert list(versus["method"]) == methods + ["ancova_mi"] + methods * 3
    imputed = versus[versus["method"] == "ancova_mi"].iloc[0]
    assert (imputed["analysis"], imputed["n_treatment"], imputed["n_control"]) == ("partner_vs_control", 120, 120)
    assert imputed["ci_low"] < imputed["estimate"] < imputed["ci_high"]
    at_threshold = partner_vs_control_effects(frame, MATHS, plan(missing_data_threshold=0.1))
    assert "ancova_mi" not in set(at_threshold["method"])
    versus = versus[versus["method"] != "ancova_mi"].reset_index(drop=True)
    assert list(versus["analysis"][:2]) == ["baseline_equivalence", "partner_vs_control"]
    assert versus.loc[0, "n_clusters_treatment"] == 4 and versus.loc[0, "n_clusters_control"] == 4
    # did counts every post value (240 - 12 missing), the ANCOVA students with both tests (228)
    overall = versus[versus["subgroup"] == "all"].set_index("method")
    assert overall.loc["did", "n_treatment"] + overall.loc["did", "n_control"] == 228
    assert overall.loc["ancova_cr1", "n_treatment"] + overall.loc["ancova_cr1", "n_control"] == 228


def test_moderation_rows_one_per_plan_subgroup_present():
    frame = prepost_frame(accepted_tables(), MATHS, instruments={})
    frame["special_needs"] = np.nan  # a plan subgroup without a value in the data: no row
    rows = moderation_effects(frame, MATHS, plan(subgroups=("grade", "sex", "special_needs", "school_type")))
    assert list(rows.columns) == EFFECT_COLUMNS
    # school_type has one level in these schools: its row says so instead of a number
    assert list(rows["subgroup"]) == ["grade", "sex", "school_type"]
    assert set(rows["analysis"]) == {"moderation"} and set(rows["method"]) == {"ancova_cr2"}
    assert set(rows["group"]) == {"all"} and rows["p_adjusted"].isna().all()
    grade, sex, school_type = (rows.iloc[i] for i in range(3))
    assert grade["note"] == "wald_f:2" and grade["estimate"] > 0 and np.isnan(grade["std_error"])
    assert sex["note"] == "" and sex["ci_low"] < sex["estimate"] < sex["ci_high"]
    assert school_type["note"] == "one_level" and np.isnan(school_type["estimate"])
    analysed = frame.dropna(subset=["pre", "post"])
    assert (sex["n_treatment"], sex["n_control"]) == (
        (analysed["treatment"] == 1).sum(),
        (analysed["treatment"] == 0).sum(),
    )
    assert (sex["n_clusters_treatment"], sex["n_clusters_control"]) == (4, 4)
    assert not rows["suppressed"].any()
    # a level-by-group cell under min_cell_size (31 control students in grade 9, every sex cell 52
    # or more) suppresses the row, though both groups' totals are above it
    small = moderation_effects(frame, MATHS, plan(subgroups=("grade", "sex"), min_cell_size=35))
    assert list(small["suppressed"]) == [True, False]
    assert small.loc[0, ["estimate", "p_value", "n_treatment"]].isna().all()


def test_moderation_rows_take_the_plans_covariates_but_their_own_variable():
    frame = prepost_frame(accepted_tables(), MATHS, instruments={})
    without = moderation_effects(frame, MATHS, plan(subgroups=("grade", "sex")))
    rows = moderation_effects(frame, MATHS, plan(subgroups=("grade", "sex")), covariates=("sex", "grade"))
    # grade's test adjusts for sex, sex's for grade: each variable's levels are in its own model anyway
    assert list(rows["covariates"]) == ["sex", "grade"] and list(without["covariates"]) == ["", ""]
    assert list(rows["note"]) == ["wald_f:2", ""]
    assert (rows["estimate"] != without["estimate"]).all()  # another model
    assert (rows["n_treatment"] == without["n_treatment"]).all()  # the same students
    # the covariate's model columns reach the moderator test (checked against R with a covariate in
    # tests/stats/test_clustered_r.py)
    x_rows = frame.dropna(subset=["pre", "post"])
    direct = moderator_test(
        x_rows.assign(**{"sex=M": (x_rows["sex"] == "M").astype(float)}),
        "post", "pre", "treatment", "school_id", "grade", covariates=["sex=M"], icc=0.2,
    )  # fmt: skip
    assert rows.loc[0, "estimate"] == pytest.approx(direct.estimate, rel=1e-12)
    assert rows.loc[0, "p_value"] == pytest.approx(direct.p_value, rel=1e-12)


@pytest.mark.slow
def test_small_subgroups_are_suppressed():
    frame = prepost_frame(accepted_tables(), MATHS, instruments={})
    versus = partner_vs_control_effects(frame, MATHS, plan(min_cell_size=60))
    overall = versus["subgroup"] == "all"
    assert not versus.loc[overall, "suppressed"].any()  # 114 and 114 students overall
    assert versus.loc[~overall, "suppressed"].all()  # about 40 per group in each grade
    assert versus.loc[~overall, "estimate"].isna().all()


def test_rows_of_an_outcome_without_partner_post_test_are_empty_with_the_note():
    accepted = accepted_tables(per_school=12)
    exams = accepted["exam_results"]
    partner = exams["school_id"].isin(accepted["schools"].query("group == 'partner'")["school_id"])
    accepted["exam_results"] = exams[~(partner & (exams["wave"] == "post"))]
    frame = prepost_frame(accepted, MATHS, instruments={})
    versus = partner_vs_control_effects(frame, MATHS, plan(subgroups=(), min_cell_size=5))
    # every method, the imputation (partner misses 100% > 5%) and the baseline: no number, the note
    assert list(versus["method"]) == [
        "baseline_equivalence",
        "ancova_cr1",
        "ancova_cr2",
        "mixed_reml",
        "did",
        "ancova_mi",
    ]
    assert versus["note"].eq("no_post_test:partner").all()
    assert versus[["estimate", "p_value", "effect_size"]].isna().all().all()
    prepost = prepost_effects(frame, MATHS, plan(subgroups=(), min_cell_size=5)).set_index(["group", "method"])
    assert prepost.loc[("partner", "paired_t"), "note"] == "no_post_test:partner"
    assert pd.isna(prepost.loc[("partner", "paired_t"), "estimate"])
    # control's change stands; all schools' is control's alone, and says so
    assert prepost.loc[("control", "paired_t"), "note"] == "" and prepost.loc[("all", "paired_t"), "note"] == (
        "no_post_test:partner"
    )
    assert prepost.loc[("all", "paired_t"), "estimate"] == prepost.loc[("control", "paired_t"), "estimate"]


def test_unknown_subject_names_the_subjects_present():
    with pytest.raises(PlanError, match=r"no accepted exam results for subject 'physics'.*mathematics"):
        prepost_frame(accepted_tables(), Outcome("physics", "exam", "academic", subject="physics"), {})


def test_two_exams_in_one_wave_are_refused():
    accepted = accepted_tables()
    extra = accepted["exam_results"].query("wave == 'pre'").assign(exam_id="MOCK-1")
    accepted["exam_results"] = pd.concat([accepted["exam_results"], extra])
    with pytest.raises(PlanError, match="wave pre holds several exams"):
        prepost_frame(accepted, MATHS, {})


def test_group_means_are_aggregates_above_the_cell_size():
    frame = prepost_frame(accepted_tables(), MATHS, instruments={})
    means = group_means(frame, min_cell_size=10)
    assert len(means) == 4 and (means["n"] >= 10).all()
    assert set(means.columns) == {"group", "wave", "n", "mean", "sd", "ci_low", "ci_high"}
    assert group_means(frame, min_cell_size=1000).empty


def test_the_primary_method_is_the_plans_at_any_number_of_schools(tmp_path):
    # no switch on the number of schools: CR2 unless the plan names another method
    assert plan().primary_method == "ancova_cr2"
    path = tmp_path / "plan.yaml"
    path.write_text(
        "programme: p\nperiod: 2022-2023\ndata: data\n"
        "outcomes:\n  - {id: mathematics, source: exam, subject: mathematics, domain: academic}\n"
    )
    assert load_plan(path).primary_method == "ancova_cr2"
    path.write_text(path.read_text() + "primary_method: null\n")
    assert load_plan(path).primary_method == "ancova_cr2"


def test_plan_refuses_an_unknown_primary_method(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(
        "programme: p\nperiod: 2022-2023\ndata: data\nprimary_method: ancova_cr3\n"
        "outcomes:\n  - {id: mathematics, source: exam, subject: mathematics, domain: academic}\n"
    )
    with pytest.raises(
        PlanError,
        match=r"primary_method must be one of ancova_cr1, ancova_cr2, mixed_reml, did \(or "
        r"left out: ancova_cr2\), found 'ancova_cr3'",
    ):
        load_plan(path)
    path.write_text(path.read_text().replace("ancova_cr3", "did"))
    assert load_plan(path).primary_method == "did"
