"""The Wilcoxon signed-rank row against R's wilcox.test(post, pre, paired = TRUE, conf.int = TRUE).

Every constant comes from tests/r/rank_tests.json, written by tests/r/rank_tests.R (R and
jsonlite versions under "versions"; tests/r/README.md). The small samples are
tests/r/data/rank_tests.csv; the large ones are rebuilt here from the script's integer formulas.
R is not needed here.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from evaluation.stats import hodges_lehmann, wilcoxon_signed_rank

HERE = Path(__file__).parent.parent / "r"
REF = json.loads((HERE / "rank_tests.json").read_text())
SMALL = pd.read_csv(HERE / "data" / "rank_tests.csv")
RTOL = 1e-12  # the JSON holds 15 significant digits


def sample(name: str) -> pd.DataFrame:
    if name == "sleep":
        sleep = pd.read_csv(HERE / "data" / "sleep.csv")
        return pd.DataFrame({"pre": sleep["drug1"], "post": sleep["drug2"]})
    return SMALL[SMALL["case"] == name]


def large(n: int, kind: str) -> pd.DataFrame:
    """The large samples of rank_tests.R, from the same integer formulas (exact in floating point)."""
    i = np.arange(1, n + 1, dtype=np.int64)
    if kind == "continuous":
        change = ((i * 104729 + i * i * 7) % 1000003 - 500001) / 1000
    else:
        change = ((i * 7919) % 2003 - 1000) / 10
    return pd.DataFrame({"pre": np.zeros(n), "post": change})


def assert_matches(result, ref):
    assert result.n_treatment == ref["n_pairs"]
    assert result.statistic == ref["statistic"]  # V: a sum of (half-)integer ranks
    assert_allclose([result.p_value, result.estimate], [ref["p_value"], ref["estimate"]], rtol=RTOL, atol=0)


@pytest.mark.parametrize("name", sorted(REF["cases"]))
def test_matches_wilcox_test(name):
    # R: wilcox.test(post, pre, paired = TRUE, conf.int = TRUE) (rank_tests.R)
    ref = REF["cases"][name]
    assert_matches(wilcoxon_signed_rank(sample(name), "pre", "post"), ref)


def test_the_cases_cover_both_branches_and_rs_warnings():
    cases = REF["cases"]
    exact = {name for name, ref in cases.items() if ref["method"] == "Wilcoxon signed rank exact test"}
    assert exact == {"three_up", "one_pair", "exact_n10", "exact_n49", "exact_negative_n15"}
    assert cases["exact_n49"]["n_nonzero"] == 49 and cases["normal_n50"]["n_nonzero"] == 50
    # below 50 pairs, R says why it left the exact p-value
    assert "cannot compute exact p-value with ties" in cases["ties_n20"]["warnings"]
    assert "cannot compute exact p-value with zeroes" in cases["zeros_untied_n12"]["warnings"]
    assert cases["opposite_tie_n8"]["method"].endswith("with continuity correction")


def test_three_changes_exact_p_is_a_quarter():
    result = wilcoxon_signed_rank(sample("three_up"), "pre", "post")
    assert result.p_value == 0.25  # 2 of the 8 sign patterns are as extreme: exact, no rounding
    assert REF["three_up_normal_p"] == pytest.approx(0.1814492, abs=1e-7)  # what the row used to say


def test_zero_changes_are_left_out_of_the_estimate():
    # sleep has one zero change; with it the median of the Walsh averages would be 1.3
    ref = REF["cases"]["sleep"]
    result = wilcoxon_signed_rank(sample("sleep"), "pre", "post")
    change = (sample("sleep")["post"] - sample("sleep")["pre"]).to_numpy()
    assert hodges_lehmann(change) == pytest.approx(1.3)
    assert result.estimate == pytest.approx(ref["estimate"], rel=RTOL) and abs(result.estimate - 1.3) > 0.09


def test_exact_case_estimate_is_the_walsh_median_and_the_normal_case_is_not():
    for name in ("exact_n10", "exact_n49", "three_up"):
        ref = REF["cases"][name]
        assert ref["estimate"] == pytest.approx(ref["walsh_median_nonzero"], rel=RTOL)
    plateau = REF["cases"]["plateau"]
    assert plateau["walsh_median_nonzero"] == 3
    assert abs(plateau["estimate"] - 3) > 0.5  # uniroot stops on a stretch where the statistic is 0
    assert_matches(wilcoxon_signed_rank(sample("plateau"), "pre", "post"), plateau)


def test_estimate_does_not_depend_on_the_continuity_correction():
    # R sets correct <- FALSE before root-finding the estimate; only the p-value changes
    corrected = wilcoxon_signed_rank(sample("exam_n200"), "pre", "post")
    uncorrected = wilcoxon_signed_rank(sample("exam_n200"), "pre", "post", correct=False)
    assert uncorrected.estimate == corrected.estimate and uncorrected.p_value != corrected.p_value


@pytest.mark.parametrize("kind", ["continuous", "tied"])
def test_large_sample_matches_wilcox_test(kind):
    # 10^5 pairs; R: wilcox.test(d, conf.int = TRUE), which re-ranks them at each uniroot step
    ref = REF["large"][f"{kind}_100000"]
    assert_matches(wilcoxon_signed_rank(large(100_000, kind), "pre", "post"), ref)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["continuous", "tied"])
def test_a_million_pairs_match_wilcox_test(kind):
    # about 2 s each here (R: 2-3 minutes); memory O(n): no n^2/2 Walsh averages are formed
    ref = REF["large"][f"{kind}_1000000"]
    assert_matches(wilcoxon_signed_rank(large(1_000_000, kind), "pre", "post"), ref)


def test_reference_records_versions():
    assert REF["versions"]["R"].startswith("R version ")
    assert "jsonlite" in REF["versions"]["packages"]
