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


def school_statistics(frame: pd.DataFrame) -> pd.DataFrame:
    """Per school of `frame` (one row per unit: school_id, pre, post), one pass over the rows:
    each wave's n, mean and standard deviation over the units with a value in it, and of the
    linked units' changes (post - pre) their n, mean, variance and largest absolute value (the
    scale a zero standard error is judged against, as `evaluation.stats.paired_change` does)."""
    change = frame["post"].to_numpy(dtype=float) - frame["pre"].to_numpy(dtype=float)
    values = pd.DataFrame(
        {"pre": frame["pre"].astype(float), "post": frame["post"].astype(float), "d": change, "size": np.abs(change)},
        index=frame.index,
    )
    grouped = values.groupby(frame["school_id"].to_numpy(), sort=False)
    counts, means = grouped[["pre", "post", "d"]].count(), grouped[["pre", "post", "d"]].mean()
    spread = grouped[["pre", "post", "d"]].std(ddof=1)
    return pd.DataFrame(
        {
            "n_pre": counts["pre"],
            "mean_pre": means["pre"],
            "sd_pre": spread["pre"],
            "n_post": counts["post"],
            "mean_post": means["post"],
            "sd_post": spread["post"],
            "n_linked": counts["d"],
            "change": means["d"],
            "var_change": spread["d"] ** 2,
            "scale_change": grouped["size"].max(),
        }
    )


def _paired_interval(stats_: pd.DataFrame, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """The paired t interval of each school's mean change (`evaluation.stats.paired_change`): NaN
    with fewer than two linked units or a standard error of zero up to rounding."""
    from scipy import stats

    from evaluation.stats.unfit import RELATIVE_ZERO

    n = stats_["n_linked"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(stats_["var_change"].to_numpy(dtype=float) / n)
        usable = (n >= 2) & (se > RELATIVE_ZERO * np.nan_to_num(stats_["scale_change"].to_numpy(dtype=float)))
        half = np.where(usable, stats.t.ppf(1 - alpha / 2, np.where(usable, n - 1, 1)) * se, np.nan)
    mean = stats_["change"].to_numpy(dtype=float)
    return mean - half, mean + half


def school_summary(
    frame: pd.DataFrame, school_ids, outcome: str, role: str, min_cell_size: int, alpha: float = 0.05
) -> pd.DataFrame:
    """One row per school of `school_ids` for one outcome (columns `SCHOOL_COLUMNS`), from one
    pass over the rows (`school_statistics`).

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
    ids = list(school_ids)
    found = school_statistics(frame).reindex(ids)
    for count in _COUNTS:
        found[count] = found[count].fillna(0)
    low, high = _paired_interval(found, alpha)
    table = pd.DataFrame(
        {
            "school_id": ids,
            "outcome": outcome,
            "role": role,
            **{column: found[column].to_numpy() for column in SCHOOL_COLUMNS[3:11]},
            "change_ci_low": low,
            "change_ci_high": high,
        }
    )
    suppressed = np.zeros(len(table), dtype=bool)
    for count, columns in _BLOCKS.items():
        small = table[count].to_numpy() < min_cell_size
        table.loc[small, columns] = math.nan
        suppressed |= small
    table["suppressed"] = suppressed
    for column in _COUNTS:
        table[column] = table[column].astype("Int64")
    return table[SCHOOL_COLUMNS]


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
    return _order(list(schools["school_id"]), _ranks(schools), pre_mean, pre_n, min_cell_size)


def _order(
    ids: list[str], ranks: list[int | None], pre_mean: dict, pre_n: dict, min_cell_size: int
) -> tuple[str | None, str | None]:
    """`order_schools` on the partnership's school ids and their resource ranks (None: no level)."""
    if any(rank is None for rank in ranks) or len(set(ranks)) <= 1:  # `ordering_basis`: the pre-test
        ranks = [0] * len(ids)
    top = [s for s, r in zip(ids, ranks) if r == max(ranks)]
    bottom = [s for s, r in zip(ids, ranks) if r == min(ranks)]
    higher = _pick(top, pre_mean, pre_n, min_cell_size, top=True)
    lower = _pick(bottom, pre_mean, pre_n, min_cell_size, top=False)
    if higher is None or lower is None or higher == lower:
        return None, None
    return higher, lower


def _welch(
    mean_a: np.ndarray,
    var_a: np.ndarray,
    n_a: np.ndarray,
    mean_b: np.ndarray,
    var_b: np.ndarray,
    n_b: np.ndarray,
    alpha: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """mean_a - mean_b with its Welch interval (as R's t.test(a, b)), from each side's n, mean
    and variance (ddof 1), elementwise; NaN interval where a side has fewer than two values or
    both variances are zero."""
    from scipy import stats

    estimate = mean_a - mean_b
    with np.errstate(invalid="ignore", divide="ignore"):
        va, vb = var_a / n_a, var_b / n_b
        usable = (n_a >= 2) & (n_b >= 2) & (va + vb > 0)
        df = (va + vb) ** 2 / (va**2 / (n_a - 1) + vb**2 / (n_b - 1))
        half = np.where(usable, stats.t.ppf(1 - alpha / 2, np.where(usable, df, 1.0)) * np.sqrt(va + vb), np.nan)
    return estimate, estimate - half, estimate + half


def _gap_rows(per_school: pd.DataFrame, higher: list[str], lower: list[str], min_cell_size: int, alpha: float) -> dict:
    """The gap columns of the partnerships whose top and bottom schools are `higher` and `lower`
    (elementwise), from each school's sums (`school_statistics`): each wave's gap where both
    schools have at least `min_cell_size` units in it, and the change of the gap with its Welch
    interval where both have that many linked units."""
    h, lo = per_school.reindex(higher), per_school.reindex(lower)

    def values(side: pd.DataFrame, column: str) -> np.ndarray:
        return side[column].to_numpy(dtype=float)

    def enough(column: str) -> np.ndarray:
        n_h, n_l = np.nan_to_num(values(h, column)), np.nan_to_num(values(lo, column))
        return (n_h >= min_cell_size) & (n_l >= min_cell_size) & (n_h > 0) & (n_l > 0)

    row = {}
    for wave in ("pre", "post"):
        row[f"gap_{wave}"] = np.where(
            enough(f"n_{wave}"), values(h, f"mean_{wave}") - values(lo, f"mean_{wave}"), np.nan
        )
    gap, low, high = _welch(
        values(h, "change"), values(h, "var_change"), values(h, "n_linked"),
        values(lo, "change"), values(lo, "var_change"), values(lo, "n_linked"), alpha,
    )  # fmt: skip
    linked = enough("n_linked")
    row["gap_change"] = np.where(linked, gap, np.nan)
    row["gap_change_ci_low"] = np.where(linked, low, np.nan)
    row["gap_change_ci_high"] = np.where(linked, high, np.nan)
    row["narrowed"] = [
        _narrowed(a, b, c) for a, b, c in zip(row["gap_change_ci_low"], row["gap_change_ci_high"], row["gap_pre"])
    ]
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
    per_school = school_statistics(frame)
    pre_mean, pre_n = per_school["mean_pre"].to_dict(), per_school["n_pre"].to_dict()
    grouped: dict = {}
    for partnership, school, rank in zip(members["partnership_id"], members["school_id"], _ranks(members)):
        ids, ranks = grouped.setdefault(partnership, ([], []))
        ids.append(school)
        ranks.append(rank)
    rows, ordered = [], []
    for partnership in sorted(grouped, key=str):
        ids, ranks = grouped[partnership]
        means = {s: pre_mean.get(s, math.nan) for s in ids}
        counts = {s: pre_n.get(s, 0) for s in ids}
        higher, lower = _order(ids, ranks, means, counts, min_cell_size)
        rows.append({"partnership_id": partnership, "outcome": outcome, "higher_school_id": higher,
                     "lower_school_id": lower})  # fmt: skip
        if higher is not None:
            ordered.append((len(rows) - 1, higher, lower))
    gaps = dict.fromkeys(PARTNERSHIP_COLUMNS[4:], math.nan)
    columns = {name: [value] * len(rows) for name, value in gaps.items()}
    columns["narrowed"] = [None] * len(rows)
    if ordered:
        positions, higher, lower = (list(values) for values in zip(*ordered))
        computed = _gap_rows(per_school, higher, lower, min_cell_size, alpha)
        for name, values in computed.items():
            for position, value in zip(positions, values):
                columns[name][position] = value
    for name, values in columns.items():
        for row, value in zip(rows, values):
            row[name] = value
    table = pd.DataFrame(rows, columns=PARTNERSHIP_COLUMNS)
    if len(rows) >= 2:
        table = pd.concat([table, pd.DataFrame([_across(table, outcome, alpha)])], ignore_index=True)
    table["narrowed"] = table["narrowed"].astype("boolean")
    return table[PARTNERSHIP_COLUMNS]
