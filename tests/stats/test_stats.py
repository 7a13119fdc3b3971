"""Pre/post and partner-versus-control estimators against independent implementations
(scipy, statsmodels) and hand-worked formulas. The comparison with R is tests/stats/test_stats_r.py's
job (issue 4)."""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from evaluation.stats import ancova_clustered, hedges_correction, hedges_g_paired, paired_change


@pytest.fixture(scope="module")
def clustered():
    rng = np.random.default_rng(7)
    school = np.repeat(np.arange(24), 25)
    intercept = rng.normal(0, 4, 24)[school]
    treatment = (school % 2).astype(int)
    pre = 50 + intercept + rng.normal(0, 10, school.size)
    post = 8 + 0.8 * pre + 3 * treatment + intercept + rng.normal(0, 6, school.size)
    return pd.DataFrame({"school": school, "treatment": treatment, "pre": pre, "post": post})


def test_paired_change_matches_scipy_paired_t(clustered):
    result = paired_change(clustered, "pre", "post", cluster="school")
    reference = stats.ttest_rel(clustered["post"], clustered["pre"])
    interval = reference.confidence_interval(0.95)
    assert result.n_treatment == 600 and result.df == 599 and result.n_clusters_treatment == 24
    assert result.estimate == pytest.approx((clustered["post"] - clustered["pre"]).mean(), rel=1e-12)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    assert (result.ci_low, result.ci_high) == pytest.approx((interval.low, interval.high), rel=1e-9)


def test_paired_change_drops_unlinked_rows_only():
    frame = pd.DataFrame({"pre": [1.0, 2.0, np.nan, 4.0, 5.0], "post": [2.0, 2.5, 3.0, np.nan, 7.0]})
    result = paired_change(frame, "pre", "post")
    assert result.n_treatment == 3
    assert result.estimate == pytest.approx((1.0 + 0.5 + 2.0) / 3)


def test_hedges_correction_is_the_wwc_factor():
    # WWC handbook: omega = 1 - 3 / (4N - 9) with N = n1 + n2, i.e. df = N - 2.
    assert hedges_correction(100 - 2) == pytest.approx(1 - 3 / (4 * 100 - 9))
    assert math.isnan(hedges_correction(0))


def test_hedges_g_paired_by_hand():
    pre = np.array([10.0, 12, 9, 15, 11, 13, 8, 14])
    post = np.array([12.0, 13, 12, 16, 14, 13, 10, 17])
    g, low, high = hedges_g_paired(pre, post)
    n, r = 8, np.corrcoef(pre, post)[0, 1]
    d = (post - pre).mean() / math.sqrt((pre.var(ddof=1) + post.var(ddof=1)) / 2)
    j = 1 - 3 / (4 * (n - 1) - 1)
    se = j * math.sqrt((1 / n + d**2 / (2 * n)) * 2 * (1 - r))
    assert g == pytest.approx(j * d)
    assert (low, high) == pytest.approx((j * d - 1.959963984540054 * se, j * d + 1.959963984540054 * se))


def test_ancova_cr1_matches_statsmodels_cluster_robust_ols(clustered):
    result = ancova_clustered(clustered, post="post", pre="pre", treatment="treatment", cluster="school")
    design = sm.add_constant(clustered[["treatment", "pre"]])
    fit = sm.OLS(clustered["post"], design).fit(
        cov_type="cluster",
        cov_kwds={"groups": clustered["school"], "use_correction": True, "df_correction": True},
        use_t=True,
    )
    assert result.estimate == pytest.approx(fit.params["treatment"], rel=1e-10)
    assert result.std_error == pytest.approx(fit.bse["treatment"], rel=1e-10)
    assert result.p_value == pytest.approx(fit.pvalues["treatment"], rel=1e-9)
    assert result.df == 23
    low, high = fit.conf_int().loc["treatment"]
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high), rel=1e-9)
    assert (result.n_clusters_treatment, result.n_clusters_control) == (12, 12)


def test_ancova_effect_size_uses_pooled_post_sd_and_correction(clustered):
    result = ancova_clustered(clustered, post="post", pre="pre", treatment="treatment", cluster="school")
    treated = clustered[clustered["treatment"] == 1]["post"]
    control = clustered[clustered["treatment"] == 0]["post"]
    sd = math.sqrt(((len(treated) - 1) * treated.var() + (len(control) - 1) * control.var()) / (len(clustered) - 2))
    j = 1 - 3 / (4 * len(clustered) - 9)
    assert result.effect_size == pytest.approx(j * result.estimate / sd)
    assert result.effect_size_ci_low == pytest.approx(j * result.ci_low / sd)


def test_ancova_with_one_school_per_group_gives_no_estimate(clustered):
    two_schools = clustered[clustered["school"].isin([0, 1])]
    result = ancova_clustered(two_schools, post="post", pre="pre", treatment="treatment", cluster="school")
    assert math.isnan(result.estimate) and result.n_treatment == 25
