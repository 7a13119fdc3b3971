# results/schools.csv and partnerships.csv as evaluation/analysis/schools.py computed them before
# they were worked out from per-school sums (one row scan per partnership: quadratic at national
# size), kept verbatim below as the reference the vectorised one is tested against.

"""Each school and each partnership on its own: the rows of `results/schools.csv` and
`results/partnerships.csv`, aggregates only.

Schools (`school_summary`): per school, outcome and role, the wave means over everyone with a
value in that wave and the mean change of those in both waves with its paired t interval within
the school (`evaluation.stats.paired_change`; a single linked unit, such as a school's one
self-assessment form when the plan's minimum is 1, has its change and no interval). A row has
three blocks, each blanked on its own when it counts fewer than the plan's ``min_cell_size``
units, counts included: the pre wave (n_pre, mean_pre, sd_pre), the post wave (n_post,
mean_post, sd_post) and the linked units (n_linked, change, change_ci_low, change_ci_high);
`suppressed` is true when any block is blank.

Partnerships (`partnership_gaps`): per partnership and outcome, the gap between its top and its
bottom school,

    gap = mean(higher) - mean(lower)                              per wave, over those with a value
    gap_change = mean change(higher) - mean change(lower)         over each school's linked units

with the Welch interval of that difference of two independent means (Welch-Satterthwaite df), as
R's ``t.test(d_higher, d_lower)`` on the two schools' changes. gap_change is not in general
gap_post - gap_pre: the waves' means include units seen in one wave only.

Which school is top and which bottom: the better resourced (``high`` > ``medium`` > ``low``) against
the less resourced when every school of the partnership has a resource level and the levels are
not all the same; schools of the same level are told apart by their pre-test mean (higher first).
When a level is missing, or all are equal, the pre-test mean alone orders them. A partnership of
more than two schools compares its top with its bottom school; the others are not in the gap.
Ordering by the pre-test needs each school it compares to have at least ``min_cell_size`` units
in the pre wave; otherwise the row names no school and has no numbers.

`narrowed` is three-valued and speaks of the gap's size: true when the whole interval of
gap_change lies on the side opposite to gap_pre (the school behind at the pre-test gained clearly
more than the one ahead: with gap_pre > 0 the interval is below zero, with gap_pre < 0 above),
false when it lies wholly on the side of gap_pre (the one ahead drew further ahead: the gap
widened), blank when the interval contains zero (no clear change), or there is no interval or no
gap_pre. The gap itself stays signed: when the better-resourced school starts below the other,
gap_pre is negative, and the less-resourced school drawing further ahead widens it.

Numbers under ``min_cell_size``: gap_pre needs both schools' pre-wave n, gap_post both post-wave
n, gap_change (its interval and `narrowed`) both schools' linked n to reach ``min_cell_size``.

Across partnerships, a row with partnership_id ``all`` per outcome (when the programme has at least
two partnerships): the means of gap_pre, gap_post and gap_change over the partnerships that have
a gap_change, and the t interval of the mean gap_change with the partnerships as the units
(df = partnerships - 1; blank with fewer than two); its `narrowed` follows the same rule.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

SCHOOL_COLUMNS = [
    "school_id",
    "outcome",
    "role",
    "n_pre",
    "mean_pre",
    "sd_pre",
    "n_post",
    "mean_post",
    "sd_post",
    "n_linked",
    "change",
    "change_ci_low",
    "change_ci_high",
    "suppressed",
]
PARTNERSHIP_COLUMNS = [
    "partnership_id",
    "outcome",
    "higher_school_id",
    "lower_school_id",
    "gap_pre",
    "gap_post",
    "gap_change",
    "gap_change_ci_low",
    "gap_change_ci_high",
    "narrowed",
]
#: Resource levels from the best resourced down (the schools contract's values).
RESOURCE_RANK = {"high": 3, "medium": 2, "low": 1}
ALL_PARTNERSHIPS = "all"
_COUNTS = ["n_pre", "n_post", "n_linked"]
_BLOCKS = {
    "n_pre": ["n_pre", "mean_pre", "sd_pre"],
    "n_post": ["n_post", "mean_post", "sd_post"],
    "n_linked": ["n_linked", "change", "change_ci_low", "change_ci_high"],
}


def _school_row(part: pd.DataFrame, alpha: float) -> dict:
    """Unsuppressed numbers of one school's units (pre, post: NaN where the wave has no value)."""
    pre, post = part["pre"].dropna(), part["post"].dropna()
    from evaluation.stats import paired_change  # here: a page reading the results loads no model

    change = paired_change(part, "pre", "post", alpha=alpha)
    linked = part.dropna(subset=["pre", "post"])
    # one linked unit (a school's own form): its change is the mean, with no interval
    estimate = float((linked["post"] - linked["pre"]).iloc[0]) if len(linked) == 1 else change.estimate
    return {
        "n_pre": len(pre),
        "mean_pre": pre.mean() if len(pre) else math.nan,
        "sd_pre": pre.std(ddof=1) if len(pre) > 1 else math.nan,
        "n_post": len(post),
        "mean_post": post.mean() if len(post) else math.nan,
        "sd_post": post.std(ddof=1) if len(post) > 1 else math.nan,
        "n_linked": change.n_treatment,
        "change": estimate,
        "change_ci_low": change.ci_low,
        "change_ci_high": change.ci_high,
    }


def school_summary(
    frame: pd.DataFrame, school_ids, outcome: str, role: str, min_cell_size: int, alpha: float = 0.05
) -> pd.DataFrame:
    """One row per school of `school_ids` for one outcome (columns `SCHOOL_COLUMNS`).

    Parameters
    ----------
    frame : DataFrame
        One row per unit (`evaluation.analysis.frames.prepost_frame`): school_id, pre, post.
    school_ids : iterable of str
        The schools to report, in order (a school without a unit gets a suppressed row).
    outcome, role : str
        The outcome id and who was measured (``students``, ``teachers``), written as they are.
    min_cell_size : int
        Each block (pre wave, post wave, linked units) with fewer units is blank, its count too.
    alpha : float
        1 - confidence level of the change's paired t interval.
    """
    rows = []
    parts = dict(tuple(frame.groupby("school_id", sort=False)))  # one pass, not one scan of the rows per school
    for school in school_ids:
        row = _school_row(parts.get(school, frame.iloc[:0]), alpha)
        suppressed = False
        for count, columns in _BLOCKS.items():
            if row[count] < min_cell_size:
                row.update(dict.fromkeys(columns, math.nan))
                suppressed = True
        rows.append({"school_id": school, "outcome": outcome, "role": role, **row, "suppressed": suppressed})
    table = pd.DataFrame(rows, columns=SCHOOL_COLUMNS)
    for column in _COUNTS:
        table[column] = table[column].astype("Int64")
    table["suppressed"] = table["suppressed"].astype(bool)
    return table


def _narrowed(low: float, high: float, gap_pre: float) -> bool | None:
    """Whether the gap of `gap_pre` narrowed, by the interval (low, high) of its change."""
    if math.isnan(low) or math.isnan(high) or math.isnan(gap_pre) or gap_pre == 0:
        return None
    toward, away = (high, low) if gap_pre > 0 else (-low, -high)  # the change toward zero is negative
    if toward < 0:
        return True
    if away > 0:
        return False
    return None


def _pick(candidates: list[str], pre_mean: dict, pre_n: dict, min_cell_size: int, top: bool) -> str | None:
    """The top (or bottom) school of candidates of equal resource rank, by pre-test mean; None when
    the order needs a school with fewer than `min_cell_size` pre-wave units."""
    if len(candidates) == 1:
        return candidates[0]
    if any(pre_n[s] < min_cell_size or math.isnan(pre_mean[s]) for s in candidates):
        return None
    ordered = sorted(candidates, key=lambda s: pre_mean[s], reverse=top)
    return ordered[0]


#: What orders a partnership's schools (`ordering_basis`): their resource levels, or the pre-test.
BY_RESOURCES, BY_PRE_TEST = "resource_level", "pre_test"


def _ranks(schools: pd.DataFrame) -> list[int | None]:
    levels = schools["resource_level"] if "resource_level" in schools.columns else [None] * len(schools)
    return [RESOURCE_RANK.get(level) if isinstance(level, str) else None for level in levels]


def ordering_basis(schools: pd.DataFrame) -> str:
    """What puts one partnership's schools (rows of the schools table) first and last:
    ``resource_level`` when every school has a resource level and they are not all the same,
    else ``pre_test`` (the mean at the pre-test)."""
    ranks = _ranks(schools)
    if any(rank is None for rank in ranks) or len(set(ranks)) <= 1:
        return BY_PRE_TEST
    return BY_RESOURCES


def order_schools(
    schools: pd.DataFrame, pre_mean: dict, pre_n: dict, min_cell_size: int
) -> tuple[str | None, str | None]:
    """(higher, lower) school of one partnership: by resource level when every school has one and
    they are not all equal, ties and the rest by pre-test mean (see the module's docstring)."""
    ids = list(schools["school_id"])
    ranks = _ranks(schools) if ordering_basis(schools) == BY_RESOURCES else [0] * len(ids)
    top = [s for s, r in zip(ids, ranks) if r == max(ranks)]
    bottom = [s for s, r in zip(ids, ranks) if r == min(ranks)]
    higher = _pick(top, pre_mean, pre_n, min_cell_size, top=True)
    lower = _pick(bottom, pre_mean, pre_n, min_cell_size, top=False)
    if higher is None or lower is None or higher == lower:
        return None, None
    return higher, lower


def _welch(a: np.ndarray, b: np.ndarray, alpha: float) -> tuple[float, float, float]:
    """mean(a) - mean(b) with its Welch interval (as R's t.test(a, b)); NaN interval when a
    variance term cannot be formed or both are zero."""
    estimate = float(a.mean() - b.mean())
    if len(a) < 2 or len(b) < 2:
        return estimate, math.nan, math.nan
    va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
    if va + vb <= 0:
        return estimate, math.nan, math.nan
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    from scipy import stats

    half = float(stats.t.ppf(1 - alpha / 2, df) * math.sqrt(va + vb))
    return estimate, estimate - half, estimate + half


def _gap_row(frame: pd.DataFrame, higher: str, lower: str, min_cell_size: int, alpha: float) -> dict:
    h, lo = frame[frame["school_id"] == higher], frame[frame["school_id"] == lower]
    row = dict.fromkeys(PARTNERSHIP_COLUMNS[4:], math.nan)
    for wave in ("pre", "post"):
        a, b = h[wave].dropna(), lo[wave].dropna()
        if len(a) >= min_cell_size and len(b) >= min_cell_size and len(a) and len(b):
            row[f"gap_{wave}"] = float(a.mean() - b.mean())
    da = (h["post"] - h["pre"]).dropna().to_numpy(dtype=float)
    db = (lo["post"] - lo["pre"]).dropna().to_numpy(dtype=float)
    if len(da) >= min_cell_size and len(db) >= min_cell_size and len(da) and len(db):
        gap, low, high = _welch(da, db, alpha)
        row.update(gap_change=gap, gap_change_ci_low=low, gap_change_ci_high=high)
    row["narrowed"] = _narrowed(row["gap_change_ci_low"], row["gap_change_ci_high"], row["gap_pre"])
    return row


def _across(rows: pd.DataFrame, outcome: str, alpha: float) -> dict:
    """The `all` row: means over the partnerships with a gap_change, the t interval over them."""
    have = rows[rows["gap_change"].notna()]
    row = {"partnership_id": ALL_PARTNERSHIPS, "outcome": outcome, "higher_school_id": None, "lower_school_id": None}
    row.update(dict.fromkeys(PARTNERSHIP_COLUMNS[4:], math.nan))
    k = len(have)
    if k >= 2:
        changes = have["gap_change"].to_numpy(dtype=float)
        mean, sd = float(changes.mean()), float(changes.std(ddof=1))
        row.update(gap_pre=have["gap_pre"].mean(), gap_post=have["gap_post"].mean(), gap_change=mean)
        if sd > 0:
            from scipy import stats

            half = float(stats.t.ppf(1 - alpha / 2, k - 1) * sd / math.sqrt(k))
            row.update(gap_change_ci_low=mean - half, gap_change_ci_high=mean + half)
    row["narrowed"] = _narrowed(row["gap_change_ci_low"], row["gap_change_ci_high"], row["gap_pre"])
    return row


def partnership_gaps(
    frame: pd.DataFrame, schools: pd.DataFrame, outcome: str, min_cell_size: int, alpha: float = 0.05
) -> pd.DataFrame:
    """One row per partnership of `schools` (sorted by id) for one outcome, then the `all` row
    when there are at least two partnerships (columns `PARTNERSHIP_COLUMNS`; see the module's
    docstring for the order of the schools, the gap, its change and `narrowed`).

    Parameters
    ----------
    frame : DataFrame
        One row per unit (`evaluation.analysis.frames.prepost_frame`): school_id, pre, post.
    schools : DataFrame
        The schools table: school_id, partnership_id (empty for control schools), resource_level
        (optional).
    """
    if "partnership_id" not in schools.columns:
        return pd.DataFrame(columns=PARTNERSHIP_COLUMNS)
    members = schools[schools["partnership_id"].notna()]
    pre = frame.dropna(subset=["pre"]).groupby("school_id")["pre"]
    pre_mean, pre_n = pre.mean().to_dict(), pre.size().to_dict()
    rows = []
    for partnership, part in sorted(members.groupby("partnership_id"), key=lambda item: str(item[0])):
        ids = list(part["school_id"])
        means = {s: pre_mean.get(s, math.nan) for s in ids}
        counts = {s: pre_n.get(s, 0) for s in ids}
        higher, lower = order_schools(part, means, counts, min_cell_size)
        row = {"partnership_id": partnership, "outcome": outcome, "higher_school_id": higher, "lower_school_id": lower}
        if higher is None:
            row.update(dict.fromkeys(PARTNERSHIP_COLUMNS[4:], math.nan))
            row["narrowed"] = None
        else:
            row.update(_gap_row(frame, higher, lower, min_cell_size, alpha))
        rows.append(row)
    table = pd.DataFrame(rows, columns=PARTNERSHIP_COLUMNS)
    if len(rows) >= 2:
        table = pd.concat([table, pd.DataFrame([_across(table, outcome, alpha)])], ignore_index=True)
    table["narrowed"] = table["narrowed"].astype("boolean")
    return table[PARTNERSHIP_COLUMNS]
