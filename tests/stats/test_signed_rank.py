"""The pieces of evaluation.stats.signed_rank against definitions computed another way here
(enumeration, scipy, ranks of the shifted sample); R itself is in test_rank_tests_r.py."""

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from evaluation.stats.signed_rank import (
    brent_zero,
    normal_pseudomedian,
    shift_statistic,
    signed_rank_counts,
    signed_rank_exact_p,
)


@pytest.mark.parametrize("n", [1, 2, 5, 10])
def test_counts_are_the_subset_sums_of_the_ranks(n):
    sums = [sum(subset) for k in range(n + 1) for subset in itertools.combinations(range(1, n + 1), k)]
    assert signed_rank_counts(n).tolist() == np.bincount(sums).tolist()


def test_counts_of_49_ranks_are_exact_and_symmetric():
    counts = signed_rank_counts(49)
    assert sum(int(c) for c in counts) == 2**49
    assert (counts == counts[::-1]).all()


@pytest.mark.parametrize("n", [3, 8, 20, 35])
def test_exact_p_agrees_with_scipy_on_untied_changes(n):
    rng = np.random.default_rng(n)
    for _ in range(5):
        change = rng.permutation(np.arange(1, n + 1)) * rng.choice([-1.0, 1.0], n)  # |change| is its rank
        v = float(change[change > 0].sum())
        reference = stats.wilcoxon(change, method="exact").pvalue
        assert signed_rank_exact_p(v, n) == pytest.approx(reference, rel=1e-12)


def test_exact_p_of_the_extremes():
    assert signed_rank_exact_p(0, 5) == 2 / 32 and signed_rank_exact_p(15, 5) == 2 / 32
    assert signed_rank_exact_p(7, 5) == 1.0  # the middle: min(1, 2 P) caps at 1


def _statistic_by_ranks(changes, shift):
    shifted = changes - shift
    shifted = shifted[shifted != 0]
    ranks = stats.rankdata(np.abs(shifted))
    _, ties = np.unique(ranks, return_counts=True)
    m = len(shifted)
    sigma = math.sqrt(m * (m + 1) * (2 * m + 1) / 24 - np.sum(ties**3 - ties) / 48)
    return (ranks[shifted > 0].sum() - m * (m + 1) / 4) / sigma


@pytest.mark.parametrize("seed", range(4))
def test_shift_statistic_is_the_ranked_statistic_of_the_shifted_changes(seed):
    rng = np.random.default_rng(seed)
    for changes in (rng.normal(size=60), rng.integers(-5, 9, 80) / 2.0):
        changes = np.sort(changes)
        # shifts between values, on values (a zero difference is dropped) and midway between two
        # values (a gain and a loss of the same size tie)
        for shift in (*rng.uniform(changes[0], changes[-1], 5), changes[7], changes[30], 0.75, 1.25):
            assert shift_statistic(changes, shift) == pytest.approx(_statistic_by_ranks(changes, shift), rel=1e-12)


def test_shift_statistic_without_differences_is_nan():
    assert math.isnan(shift_statistic(np.array([2.0, 2.0]), 2.0))


def test_brent_zero_finds_a_smooth_root_within_tolerance():
    root = brent_zero(lambda x: x**3 - 2, 0.0, 2.0, -2.0, 6.0, tol=1e-10)
    assert root == pytest.approx(2 ** (1 / 3), abs=1e-9)
    assert brent_zero(math.cos, 0.0, 3.0, 1.0, math.cos(3.0)) == pytest.approx(math.pi / 2, abs=1e-4)
    assert brent_zero(lambda x: x, 0.0, 1.0, 0.0, 1.0) == 0.0  # a zero at an end is returned as is


def test_normal_pseudomedian_is_near_the_walsh_median_without_ties():
    rng = np.random.default_rng(9)
    changes = rng.normal(0.5, 1, 200)
    walsh = (changes[:, None] + changes[None, :]) / 2
    # a zero of a step function that jumps at the Walsh averages: within uniroot's tolerance
    assert normal_pseudomedian(changes) == pytest.approx(np.median(walsh[np.triu_indices(200)]), abs=1e-4)
    assert normal_pseudomedian(np.array([3.0, 3.0])) == 3.0  # one value: R's midrange
    assert math.isnan(normal_pseudomedian(np.array([])))


def _shift_statistic_elementwise(sorted_changes: np.ndarray, shift: float) -> float:
    """shift_statistic as it was written before its rank sums went by runs of equal values: every
    positive difference's average rank found by its own search (the reference for the test below)."""
    from evaluation.stats.signed_rank import _counts_at, _runs

    shifted = sorted_changes - shift
    below = int(np.searchsorted(shifted, 0.0, side="left"))
    above = int(np.searchsorted(shifted, 0.0, side="right"))
    negative = -shifted[:below][::-1]
    positive = shifted[above:]
    m = len(negative) + len(positive)
    if m == 0:
        return math.nan
    less_p, upto_p = (np.searchsorted(positive, positive, side=s) for s in ("left", "right"))
    less_n, upto_n = (np.searchsorted(negative, positive, side=s) for s in ("left", "right"))
    twice_v = int(np.sum(2 * (less_p + less_n) + (upto_p - less_p) + (upto_n - less_n) + 1, dtype=np.int64))
    pos_values, pos_counts = _runs(positive)
    neg_values, neg_counts = _runs(negative)
    sizes = np.concatenate(
        [
            pos_counts + _counts_at(neg_values, neg_counts, pos_values),
            neg_counts[_counts_at(pos_values, pos_counts, neg_values) == 0],
        ]
    ).astype(float)
    sizes = sizes[sizes > 1]
    ties = math.fsum(sizes**3 - sizes)
    mf = float(m)
    sigma = math.sqrt(mf * (mf + 1) * (2 * mf + 1) / 24 - ties / 48)
    return (twice_v / 2 - mf * (mf + 1) / 4) / sigma


@pytest.mark.parametrize("seed", range(4))
def test_the_statistic_by_runs_of_equal_values_is_the_elementwise_one_to_the_last_bit(seed: int) -> None:
    from evaluation.stats.signed_rank import shift_statistic

    rng = np.random.default_rng(seed)
    tied = np.round(rng.normal(2, 10, 4000) * 4) / 4  # exam scores in quarter points: many ties
    distinct = rng.normal(1, 3, 3000)
    for changes in (np.sort(tied), np.sort(distinct), np.sort(np.r_[tied[:50], -tied[:50]])):
        for shift in (*rng.choice(changes, 25), 0.0, 0.125, changes[0], changes[-1], changes[-1] + 1):
            assert shift_statistic(changes, shift) == _shift_statistic_elementwise(changes, shift) or (
                math.isnan(shift_statistic(changes, shift)) and math.isnan(_shift_statistic_elementwise(changes, shift))
            )
