"""Missing outcome data: the share missing per group, Rubin's rules against a hand computation,
and multiple imputation against complete cases on simulated data where the right answer is known.

R's mice is not installed here (``Rscript -e 'library(mice)'``: there is no package called
'mice'), so the pooling is checked against the formulas worked by hand, written as in
``mice:::barnard.rubin`` (mice 3.x).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis.effects import partner_vs_control_effects
from evaluation.analysis.missing import MISSING_COLUMNS, missing_shares, needs_imputation
from evaluation.config.plan import Outcome, Plan
from evaluation.errors import EvidenceInputError
from evaluation.stats.ancova import ancova_clustered
from evaluation.stats.imputation import ancova_mi, rubin_pool

NAN = math.nan
TRUE_EFFECT = 3.0


def test_rubin_pool_against_a_hand_computation():
    # q = 1.0, 1.2, 0.8, 1.1; se = 0.5, 0.4, 0.6, 0.5; complete-data df 30
    # Q = 4.1 / 4 = 1.025; W = (0.25 + 0.16 + 0.36 + 0.25) / 4 = 0.255
    # B = (0.025^2 + 0.175^2 + 0.225^2 + 0.075^2) / 3 = 0.0875 / 3
    # T = 0.255 + 1.25 * 0.0875 / 3 = 0.29145833...; lambda = 1.25 B / T = 0.12508935...
    # nu_old = 3 / lambda^2 = 191.7258...; nu_obs = 31/33 * 30 * (1 - lambda) = 24.6566...
    # nu = nu_old nu_obs / (nu_old + nu_obs) = 21.84698...
    pooled = rubin_pool([1.0, 1.2, 0.8, 1.1], [0.5, 0.4, 0.6, 0.5], df_complete=30)
    assert pooled.estimate == pytest.approx(1.025, rel=1e-12)
    assert pooled.within == pytest.approx(0.255, rel=1e-12)
    assert pooled.between == pytest.approx(0.0875 / 3, rel=1e-12)
    assert pooled.total == pytest.approx(0.255 + 1.25 * 0.0875 / 3, rel=1e-12)
    assert pooled.std_error == pytest.approx(math.sqrt(0.255 + 1.25 * 0.0875 / 3), rel=1e-12)
    assert pooled.missing_information == pytest.approx(0.12508935, rel=1e-7)
    lam = 1.25 * (0.0875 / 3) / (0.255 + 1.25 * 0.0875 / 3)
    old, obs = 3 / lam**2, 31 / 33 * 30 * (1 - lam)
    assert pooled.df == pytest.approx(old * obs / (old + obs), rel=1e-12)
    assert pooled.df == pytest.approx(21.846979, rel=1e-6)


def test_rubin_pool_large_sample_df_and_no_between_variance():
    # nu_com infinite: nu = nu_old = (m - 1) / lambda^2 (Rubin 1987)
    pooled = rubin_pool([1.0, 1.2, 0.8, 1.1], [0.5, 0.4, 0.6, 0.5], df_complete=math.inf)
    assert pooled.df == pytest.approx(3 / 0.12508935**2, rel=1e-6)
    # identical estimates: B = 0, lambda floored at 1e-4 as mice does, so df is nearly nu_obs
    same = rubin_pool([2.0, 2.0, 2.0], [0.3, 0.3, 0.3], df_complete=20)
    assert (same.between, same.total) == (0.0, pytest.approx(0.09))
    old, obs = 2 / 1e-8, 21 / 23 * 20 * (1 - 1e-4)
    assert same.df == pytest.approx(old * obs / (old + obs), rel=1e-12)
    with pytest.raises(EvidenceInputError, match="at least 2 estimates"):
        rubin_pool([1.0], [0.1], 10)


FRAME = pd.DataFrame(
    {
        "unit_id": [f"u{i}" for i in range(1, 9)],
        "school_id": ["S1", "S1", "S1", "S2", "S3", "S3", "S4", "S4"],
        "group": ["partner"] * 4 + ["control"] * 4,
        "pre": [1.0, 1.0, 2.0, NAN, 1.0, 2.0, 3.0, NAN],
        "post": [2.0, NAN, 3.0, 2.0, 1.0, 2.0, 2.0, 1.0],
    }
)
SCHOOLS = pd.DataFrame({"school_id": ["S1", "S2", "S3", "S4"], "group": ["partner", "partner", "control", "control"]})


def test_missing_shares_count_units_with_a_pre_test():
    # partner: u1, u2, u3 have a pre-test, u2 misses the post-test; u4 (no pre-test) is not counted
    table = missing_shares(FRAME, "maths", SCHOOLS)
    assert list(table.columns) == MISSING_COLUMNS
    assert table[["group", "n", "n_missing"]].values.tolist() == [["partner", 3, 1], ["control", 3, 0]]
    assert table["share_missing"].tolist() == pytest.approx([1 / 3, 0.0])
    assert not table["suppressed"].any()
    assert needs_imputation(FRAME, 0.05) and needs_imputation(FRAME, 0.33)
    assert not needs_imputation(FRAME, 1 / 3)  # above the threshold, not at it


def test_missing_shares_suppress_small_groups():
    table = missing_shares(FRAME, "maths", SCHOOLS, min_cell_size=4)
    assert table["suppressed"].all()
    assert table[["n", "n_missing", "share_missing"]].isna().all().all()


def simulate(seed: int, schools: int = 40, per_school: int = 50) -> pd.DataFrame:
    """Students of `schools` schools, every other one a partner school; a partner and a control
    school of a pair share their school effect u. The post-test depends on the pre-test, on u and
    on the partnership (TRUE_EFFECT). Missing at random: a student misses the post-test more often
    the lower their pre-test and, in partner schools only, the lower their school's mean pre-test
    (about 6% of control and 10-27% of partner students). Complete cases then keep the better
    partner schools: the complete-case ANCOVA, which adjusts for the student's pre-test but not the
    school's, overstates the effect; the imputation model has the school mean of the pre-test."""
    rng = np.random.default_rng(seed)
    school = np.repeat(np.arange(schools), per_school)
    treatment = school % 2
    u = np.repeat(rng.normal(0, 5, schools // 2), 2)[school]
    pre = 50 + u + rng.normal(0, 10, len(school))
    post = 10 + 0.6 * pre + TRUE_EFFECT * treatment + u + rng.normal(0, 5, len(school))
    school_pre = pd.Series(pre).groupby(school).transform("mean").to_numpy()
    logit = -3.0 - 0.05 * (pre - 50) - treatment * 0.5 * (school_pre - 50)
    missing = rng.random(len(school)) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "unit_id": np.arange(len(school)),
            "school_id": [f"S{s:02d}" for s in school],
            "group": np.where(treatment == 1, "partner", "control"),
            "treatment": treatment,
            "pre": pre,
            "post": np.where(missing, NAN, post),
        }
    )


@pytest.mark.slow
def test_multiple_imputation_recovers_the_effect_that_complete_cases_overstate():
    complete_case, imputed, covered = [], [], 0
    for seed in range(12):
        data = simulate(seed)
        cc = ancova_clustered(data, "post", "pre", "treatment", "school_id", vcov="CR2")
        mi = ancova_mi(data, "post", "pre", "treatment", "school_id", m=5, seed=seed)
        assert mi.method == "ancova_mi" and mi.n_treatment + mi.n_control == len(data)
        complete_case.append(cc.estimate)
        imputed.append(mi.estimate)
        covered += mi.ci_low < TRUE_EFFECT < mi.ci_high
    bias_cc = np.mean(complete_case) - TRUE_EFFECT
    bias_mi = np.mean(imputed) - TRUE_EFFECT
    # seen at these seeds: complete cases +0.94, imputation +0.04, imputation nearer the truth in 11 of
    # 12 datasets and every interval covering 3
    assert bias_cc > 0.6
    assert abs(bias_mi) < 0.3 and abs(bias_mi) < bias_cc / 3
    assert sum(abs(m - TRUE_EFFECT) < abs(c - TRUE_EFFECT) for m, c in zip(imputed, complete_case)) >= 10
    assert covered >= 11


@pytest.mark.slow
def test_ancova_mi_row_is_reproducible_and_pooled_over_twenty_imputations():
    data = simulate(1)
    first = ancova_mi(data, "post", "pre", "treatment", "school_id")
    again = ancova_mi(data, "post", "pre", "treatment", "school_id")
    assert first == again
    cc = ancova_clustered(data, "post", "pre", "treatment", "school_id", vcov="CR2")
    # Barnard-Rubin df never exceed the complete-data df; the pooled variance is at least W
    assert 0 < first.df < cc.df + 1
    assert first.ci_low < first.estimate < first.ci_high
    assert (first.n_clusters_treatment, first.n_clusters_control) == (20, 20)
    assert first.effect_size == pytest.approx(first.estimate * first.effect_size_ci_low / first.ci_low, rel=1e-9)


@pytest.mark.slow
def test_partner_vs_control_rows_get_ancova_mi_only_above_the_plan_threshold():
    outcome = Outcome("maths", "exam", "academic", subject="mathematics")
    plan = Plan(path=None, programme="p", period="2022-2023", language="en", data_dir=None, outcomes=(outcome,))
    data = simulate(2)  # control 5.8%, partner 16.6% of the post-test missing
    rows = partner_vs_control_effects(data, outcome, plan)
    imputed = rows[rows["method"] == "ancova_mi"]
    assert imputed[["analysis", "outcome", "subgroup", "group"]].values.tolist() == [
        ["partner_vs_control", "maths", "all", "all"]
    ]
    assert imputed["estimate"].notna().all() and (imputed["n_treatment"] + imputed["n_control"]).eq(2000).all()
    complete = partner_vs_control_effects(data.dropna(subset=["post"]), outcome, plan)
    assert "ancova_mi" not in set(complete["method"])  # no missing: no MI row
    high = partner_vs_control_effects(data, outcome, replace(plan, missing_data_threshold=0.2))
    assert "ancova_mi" not in set(high["method"])
