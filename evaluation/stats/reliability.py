"""Reliability of survey scales and exams: Cronbach's alpha with its interval, item-total
correlations, and for right/wrong items difficulty, discrimination and KR-20.

Validated against R's ``psych::alpha`` (psych 2.2.9) on psych's ``bfi`` agreeableness items and
``lsat6`` (tests/stats/test_stats_r.py). Items are taken complete-case (psych's default is pairwise
covariances; with complete data the two agree); reverse-keyed items are turned round first with
`evaluation.analysis.scores.keyed_items`.

References
----------
Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient
alpha. Applied Psychological Measurement, 11(1), 93-103.
Duhachek, A., & Iacobucci, D. (2004). Alpha's standard error (ASE). Journal of Applied
Psychology, 89(5), 792-808.
Kuder, G. F., & Richardson, M. W. (1937). The theory of the estimation of test reliability.
Psychometrika, 2(3), 151-160.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats


@dataclass(frozen=True)
class Reliability:
    """Cronbach's alpha of a set of items.

    ci_low/ci_high are Feldt's interval (psych's ``alpha.ci``, printed as "Feldt");
    duhachek_low/high are alpha -/+ 1.96 ase, the "Duhachek" row psych prints beside it.
    """

    alpha: float
    ci_low: float
    ci_high: float
    ase: float
    duhachek_low: float
    duhachek_high: float
    n: int
    n_items: int


def _complete(items: pd.DataFrame) -> np.ndarray:
    return items.dropna().to_numpy(dtype=float)


def _alpha_from_cov(cov: np.ndarray) -> float:
    k = cov.shape[0]
    return float(k / (k - 1) * (1 - np.trace(cov) / cov.sum()))


def cronbach_alpha(items: pd.DataFrame, level: float = 0.95) -> Reliability:
    """Cronbach's alpha of the item columns (already keyed), with Feldt's interval.

    Notes
    -----
    alpha = k/(k-1) (1 - tr(C) / sum(C)), C the item covariance matrix. Feldt's interval:
    1 - (1 - alpha) F_(1-a/2) and 1 - (1 - alpha) F_(a/2), F on n - 1 and (n - 1)(k - 1) degrees of
    freedom. Duhachek's asymptotic standard error as psych computes it:
    ase^2 = 2k^2 / ((k-1)^2 S^3) (S (tr(C^2) + tr(C)^2) - 2 tr(C) sum(C^2)) / n, S = sum(C).
    """
    values = _complete(items)
    n, k = values.shape
    nan = math.nan
    if k < 2 or n < 3:
        return Reliability(nan, nan, nan, nan, nan, nan, n, k)
    cov = np.cov(values, rowvar=False)
    total = cov.sum()
    if not total > 0:
        return Reliability(nan, nan, nan, nan, nan, nan, n, k)
    alpha = _alpha_from_cov(cov)
    tail = (1 - level) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * stats.f.ppf(1 - tail, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(tail, df1, df2)
    trace = np.trace(cov)
    cov2 = cov @ cov
    q = 2 * k**2 / ((k - 1) ** 2 * total**3) * (total * (np.trace(cov2) + trace**2) - 2 * trace * cov2.sum())
    ase = math.sqrt(max(q, 0.0) / n)  # q is 0 up to rounding when the items agree perfectly
    return Reliability(alpha, float(low), float(high), ase, alpha - 1.96 * ase, alpha + 1.96 * ase, n, k)


def item_statistics(items: pd.DataFrame) -> pd.DataFrame:
    """One row per item: item, n, mean, sd, r_drop (correlation of the item with the sum of the
    other items, psych's ``r.drop``) and alpha_if_dropped (psych's ``alpha.drop$raw_alpha``).

    Right/wrong items (every value 0 or 1) also get difficulty (proportion correct) and
    discrimination (the corrected item-total point-biserial, r_drop)."""
    values = _complete(items)
    n, k = values.shape
    total = values.sum(axis=1)
    cov = np.cov(values, rowvar=False)
    rows = []
    for i, name in enumerate(items.columns):
        rest = total - values[:, i]
        keep = [j for j in range(k) if j != i]
        rows.append(
            {
                "item": name,
                "n": n,
                "mean": float(values[:, i].mean()),
                "sd": float(values[:, i].std(ddof=1)),
                "r_drop": float(np.corrcoef(values[:, i], rest)[0, 1]),
                "alpha_if_dropped": _alpha_from_cov(cov[np.ix_(keep, keep)]) if k > 2 else math.nan,
            }
        )
    frame = pd.DataFrame(rows)
    if np.isin(values, (0.0, 1.0)).all():
        frame["difficulty"] = frame["mean"]
        frame["discrimination"] = frame["r_drop"]
    return frame


def kr20(items: pd.DataFrame) -> float:
    """Kuder-Richardson formula 20 of right/wrong (0/1) items:
    k/(k-1) (1 - sum p_i q_i / var(total)), variances with n in the denominator. Equal to
    Cronbach's alpha of the same items."""
    values = _complete(items)
    if not np.isin(values, (0.0, 1.0)).all():
        raise ValueError("kr20 needs items scored 0 (wrong) or 1 (right); found other values")
    _, k = values.shape
    p = values.mean(axis=0)
    var_total = values.sum(axis=1).var(ddof=0)
    if k < 2 or not var_total > 0:
        return math.nan
    return float(k / (k - 1) * (1 - np.sum(p * (1 - p)) / var_total))


def item_discrimination(items: pd.DataFrame, max_scores: pd.Series | None = None) -> pd.DataFrame:
    """Classical item analysis of a test's items (complete cases, one column per item): one row per
    item with max_score, difficulty (the mean score as a proportion of max_score: for items scored
    0/1, the proportion answering correctly), point_biserial (Pearson correlation of the item with
    the total score, all items) and corrected_point_biserial (with the total of the other items,
    psych's ``r.drop``).

    Notes
    -----
    For a 0/1 item Pearson's r with a total is the point-biserial correlation. The uncorrected one
    counts the item in the total it is compared with, and so overstates its discrimination the
    more the fewer the items are; the corrected one is the usual screen (below 0.2 weak, below 0
    the item works against the test). A constant item, or a constant rest score, has no
    correlation (NaN).
    """
    values = _complete(items)
    total = values.sum(axis=1)
    maxima = (
        np.ones(values.shape[1]) if max_scores is None else max_scores.reindex(items.columns).fillna(1.0).to_numpy()
    )
    rows = []
    for i, name in enumerate(items.columns):
        item = values[:, i]
        rest = total - item
        rows.append(
            {
                "item": name,
                "max_score": float(maxima[i]),
                "difficulty": float(item.mean() / maxima[i]) if len(item) else math.nan,
                "point_biserial": _correlation(item, total),
                "corrected_point_biserial": _correlation(item, rest),
            }
        )
    return pd.DataFrame(rows, columns=["item", "max_score", "difficulty", "point_biserial", "corrected_point_biserial"])


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 3 or not (np.ptp(a) > 0 and np.ptp(b) > 0):
        return math.nan
    return float(np.corrcoef(a, b)[0, 1])
