"""The parts of the Wilcoxon signed-rank test that follow R's ``wilcox.test`` to the last digit:
the exact null distribution of V, and the (pseudo)median R reports with ``conf.int = TRUE`` when
it uses the normal approximation. `evaluation.stats.prepost.wilcoxon_signed_rank` puts them
together.

References
----------
Wilcoxon, F. (1945). Individual comparisons by ranking methods. Biometrics Bulletin, 1(6), 80-83.
Hodges, J. L., & Lehmann, E. L. (1963). Estimates of location based on rank tests. Annals of
Mathematical Statistics, 34(2), 598-611.
Brent, R. P. (1973). Algorithms for Minimization without Derivatives, chapter 4; the zero finder
of Forsythe, Malcolm & Moler (1977), Computer Methods for Mathematical Computations, that R's
``uniroot`` calls.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

import numpy as np

EXACT_BELOW = 50  # R: exact p-values when n < 50 (and no ties or zeros), wilcox.test's default
ROOT_TOLERANCE = 1e-4  # R: wilcox.test's tol.root, passed to uniroot as tol
_ROOT_MAX_ITERATIONS = 1000  # uniroot's maxiter
_EPSILON = sys.float_info.epsilon


def signed_rank_counts(n: int) -> np.ndarray:
    """counts[v] = the number of subsets of the ranks 1..n whose sum is v, v = 0..n(n+1)/2: the
    null distribution of V is counts / 2^n. Exact integers (below 2^63 for n < 63)."""
    if not 0 <= n < 63:
        raise ValueError(f"the exact signed-rank distribution is built for 0 <= n < 63, got n = {n}")
    counts = np.zeros(n * (n + 1) // 2 + 1, dtype=np.int64)
    counts[0] = 1
    for rank in range(1, n + 1):  # add rank `rank` to every subset of the smaller ranks
        counts[rank:] = counts[rank:] + counts[:-rank]
    return counts


def signed_rank_exact_p(v: float, n: int) -> float:
    """Two-sided exact p-value of the signed-rank statistic V of n non-zero, untied changes, as
    R's ``wilcox.test``: p = min(1, 2 P(V' >= v)) when v > n(n+1)/4, else min(1, 2 P(V' <= v)),
    V' the null distribution. The tail is an exact fraction, rounded once to a float."""
    counts = signed_rank_counts(n)
    v = round(v)
    tail = int(counts[v:].sum()) if v > n * (n + 1) / 4 else int(counts[: v + 1].sum())
    return min(1.0, 2 * tail / 2**n)


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of a sorted array and how often each occurs."""
    if len(values) == 0:
        return values, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    return values[starts], np.diff(np.r_[starts, len(values)])


def _counts_at(sorted_values: np.ndarray, counts: np.ndarray, where: np.ndarray) -> np.ndarray:
    """How often each of `where` occurs, from the runs (`sorted_values`, `counts`) of an array."""
    if len(sorted_values) == 0:
        return np.zeros(len(where), dtype=np.int64)
    index = np.minimum(np.searchsorted(sorted_values, where), len(sorted_values) - 1)
    return np.where(sorted_values[index] == where, counts[index], 0)


def shift_statistic(sorted_changes: np.ndarray, shift: float) -> float:
    """The standardised signed-rank statistic of the changes minus `shift`, without continuity
    correction: z(d) = (V(d) - m(m+1)/4) / sigma(d), V(d) the sum of the average ranks of
    |x - d| over the positive x - d, zero differences x - d left out (m of them remain) and
    sigma(d)^2 = m(m+1)(2m+1)/24 - sum(t^3 - t)/48 over the groups of t tied |x - d|.

    It is the function whose zero R's ``wilcox.test(conf.int = TRUE)`` reports as the
    (pseudo)median in the normal approximation, computed with the same floating-point operations
    (x - d, then exact rank sums), so that the zero finder takes the same steps. `sorted_changes`
    must be sorted; memory and time are O(n) and O(n log n) (no n^2 Walsh averages). NaN when
    every change equals `shift`."""
    shifted = sorted_changes - shift  # sorted too: rounding is monotone
    below = int(np.searchsorted(shifted, 0.0, side="left"))
    above = int(np.searchsorted(shifted, 0.0, side="right"))
    negative = -shifted[:below][::-1]  # magnitudes of the negative differences, ascending
    positive = shifted[above:]
    m = len(negative) + len(positive)
    if m == 0:
        return math.nan
    # average rank of a positive value u: #(|x - d| < u) + (#(|x - d| == u) + 1) / 2; twice it is an
    # integer, the same for the c positive values of a run of equal ones starting at s: with l and u
    # the negatives' magnitudes below and up to u, 2 (s + l) + c + (u - l) + 1; summed over the runs
    # of distinct values (exam scores have few), not over every value
    pos_values, pos_counts = _runs(positive)
    neg_values, neg_counts = _runs(negative)
    starts = np.cumsum(pos_counts) - pos_counts
    less_n, upto_n = (np.searchsorted(negative, pos_values, side=s) for s in ("left", "right"))
    twice_v = int(np.sum(pos_counts * (2 * starts + less_n + upto_n + pos_counts + 1), dtype=np.int64))
    # tie groups of |x - d|: the distinct positive values with the negatives equal to them, then
    # the negatives equal to no positive value
    sizes = np.concatenate(
        [
            pos_counts + _counts_at(neg_values, neg_counts, pos_values),
            neg_counts[_counts_at(pos_values, pos_counts, neg_values) == 0],
        ]
    ).astype(float)
    sizes = sizes[sizes > 1]  # untied values add nothing
    ties = math.fsum(sizes**3 - sizes)  # R adds doubles in extended precision: exact for these integers
    mf = float(m)
    sigma = math.sqrt(mf * (mf + 1) * (2 * mf + 1) / 24 - ties / 48)
    return (twice_v / 2 - mf * (mf + 1) / 4) / sigma


def brent_zero(
    f: Callable[[float], float],
    low: float,
    high: float,
    f_low: float,
    f_high: float,
    tol: float = ROOT_TOLERANCE,
    max_iterations: int = _ROOT_MAX_ITERATIONS,
) -> float:
    """A zero of `f` between `low` and `high` (f_low, f_high of opposite signs) by Brent's method
    as R's ``uniroot`` runs it: bisection with linear or inverse quadratic interpolation, a step
    never shorter than 2 eps |b| + tol/2, stopping when half the bracket is within that or f is 0.

    Every floating-point operation is taken in the order R's zero finder takes it, so the root is
    the one R returns, not merely a root within `tol` (for a step function such as
    `shift_statistic` they differ by up to `tol`)."""
    a, b, fa, fb = low, high, f_low, f_high
    c, fc = a, fa
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    for _ in range(max_iterations + 1):
        previous_step = b - a
        if abs(fc) < abs(fb):  # keep b the best approximation, c on the other side of the zero
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tolerance = 2 * _EPSILON * abs(b) + tol / 2
        step = (c - b) / 2  # bisection
        if abs(step) <= tolerance or fb == 0.0:
            return b
        if abs(previous_step) >= tolerance and abs(fa) > abs(fb):  # try interpolating
            cb = c - b
            if a == c:  # two points: secant
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:  # three points: inverse quadratic
                q = fa / fc
                t1 = fb / fc
                t2 = fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tolerance * q) / 2) and p < abs(previous_step * q / 2):
                step = p / q
        if abs(step) < tolerance:
            step = tolerance if step > 0 else -tolerance
        a, fa = b, fb
        b += step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    return b  # not converged in max_iterations (R warns and returns the last approximation)


def normal_pseudomedian(nonzero_changes: np.ndarray) -> float:
    """R's ``wilcox.test(conf.int = TRUE)$estimate`` in the normal approximation (ties, zeros or
    n >= 50), given the non-zero changes: the zero of `shift_statistic` between the smallest and
    the largest change, found by `brent_zero` from those two ends (R's ``uniroot`` with
    ``tol = 1e-4``); the midrange when every change is the same; NaN without changes."""
    changes = np.sort(np.asarray(nonzero_changes, dtype=float))
    if len(changes) == 0:
        return math.nan
    low, high = float(changes[0]), float(changes[-1])
    if low == high:
        return (low + high) / 2
    return brent_zero(
        lambda shift: shift_statistic(changes, shift),
        low,
        high,
        shift_statistic(changes, low),
        shift_statistic(changes, high),
    )
