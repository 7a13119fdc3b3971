"""School indicators over the years (`results/indicators.csv`): counts such as Europass mobility
documents, language and digital certificates, eTwinning projects and labels, labs, summed per
indicator, year, group and school type.

Definitions (the README's table of results says the same):

- ``total``: the sum of the indicator's values over the schools reporting it that year.
- ``schools_reporting``: the schools with a row for the indicator that year (a value of 0 counts
  as reporting; a school without a row does not, and is not taken as 0).
- ``per_school``: ``total / schools_reporting``, the mean over the schools reporting: for a 0/1
  indicator (a label, a lab) the share of reporting schools that hold it. Taken over the schools
  reporting, not over every school of the group, so that a school that sent no count does not
  pull the mean down; when fewer schools report in a later year, compare ``schools_reporting``.
- ``first_year``: the first year the indicator was reported in that group and school type;
  ``change_per_school``: ``per_school`` minus its value in ``first_year`` (0 in that year).

``group`` is ``partner`` or ``control`` in a programme with control schools, and ``all`` (every
school) in a programme without them; ``school_type`` is each school type of the schools table,
and ``all`` for every type together. Nothing is suppressed: these are counts of what schools hold
(documents, projects, labels, labs), not of students, and a school's own count is public in its
reports; the plan's ``min_cell_size`` does not apply.

A plan with several school years (``earlier_years``) reads the indicators of every year's data
folder. Each row takes its group and school type from the schools table of its own folder; when
the same school, year and indicator is in more than one folder, the later folder's value counts
(a correction sent with a later year's data replaces the earlier count).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

INDICATOR_COLUMNS = [
    "indicator", "year", "group", "school_type", "total", "schools_reporting", "per_school", "first_year",
    "change_per_school",
]  # fmt: skip
ALL = "all"
ROUNDING = 10  # decimals of per_school and change_per_school, which floating point leaves ragged


def indicator_rows(folders: Sequence[tuple[pd.DataFrame, pd.DataFrame]]) -> pd.DataFrame:
    """The indicator rows of one or more data folders, oldest first, each with its school's group
    and school type from the same folder's schools table.

    Parameters
    ----------
    folders
        ``(indicators, schools)`` per data folder, in the order of the school years (oldest
        first): the accepted ``indicators`` table (school_id, year, indicator, value) and the
        accepted ``schools`` table (school_id, group, school_type).

    Returns
    -------
    DataFrame
        school_id, year, indicator, value, group, school_type: one row per school, year and
        indicator; a later folder's row replaces an earlier one's for the same key. A row whose
        school is not in its folder's schools table (the contract's foreign key quarantines it)
        is left out.
    """
    parts = []
    for position, (indicators, schools) in enumerate(folders):
        attributes = schools[["school_id", "group", "school_type"]].drop_duplicates("school_id")
        rows = indicators[["school_id", "year", "indicator", "value"]].merge(attributes, on="school_id", how="inner")
        parts.append(rows.assign(_folder=position))
    columns = ["school_id", "year", "indicator", "value", "group", "school_type"]
    if not parts:
        return pd.DataFrame(columns=columns)
    rows = pd.concat(parts, ignore_index=True).sort_values("_folder", kind="stable")
    rows = rows.drop_duplicates(["school_id", "year", "indicator"], keep="last")
    return rows[columns].reset_index(drop=True)


def indicator_summary(rows: pd.DataFrame) -> pd.DataFrame:
    """`results/indicators.csv` from `indicator_rows`: one row per indicator, year, group and
    school type (``all`` included), the columns of `INDICATOR_COLUMNS` (see the module's
    docstring for each). Groups are partner and control when any school is a control school,
    else ``all``. Rows are ordered by indicator (as first met), group, school type (``all``
    first, then sorted) and year."""
    if rows.empty:
        return pd.DataFrame(columns=INDICATOR_COLUMNS)
    rows = rows.copy()
    rows["year"] = rows["year"].astype(int)
    rows["value"] = rows["value"].astype(float)
    if not (rows["group"] == "control").any():
        rows["group"] = ALL
    rows["school_type"] = rows["school_type"].astype(str)
    indicators = list(dict.fromkeys(rows["indicator"]))
    groups = [g for g in ("partner", "control", ALL) if g in set(rows["group"])]
    groups += sorted(set(rows["group"]) - set(groups))
    types = [ALL, *sorted(set(rows["school_type"]) - {ALL})]
    parts = []
    for school_type in types:
        part = rows if school_type == ALL else rows[rows["school_type"] == school_type]
        if part.empty:
            continue
        summed = (
            part.groupby(["indicator", "group", "year"])
            .agg(total=("value", "sum"), schools_reporting=("school_id", "nunique"))
            .reset_index()
        )
        parts.append(summed.assign(school_type=school_type))
    table = pd.concat(parts, ignore_index=True)
    table["per_school"] = table["total"] / table["schools_reporting"]
    key = ["indicator", "group", "school_type"]
    table = table.sort_values([*key, "year"], kind="stable")
    first = table.groupby(key, sort=False)
    table["first_year"] = first["year"].transform("first")
    table["change_per_school"] = table["per_school"] - first["per_school"].transform("first")
    table["indicator"] = pd.Categorical(table["indicator"], indicators, ordered=True)
    table["group"] = pd.Categorical(table["group"], groups, ordered=True)
    table["school_type"] = pd.Categorical(table["school_type"], types, ordered=True)
    table = table.sort_values(["indicator", "group", "school_type", "year"]).reset_index(drop=True)
    for name in ("indicator", "group", "school_type"):
        table[name] = table[name].astype(str)
    table["total"] = _whole(table["total"])
    for name in ("per_school", "change_per_school"):  # 2.0000000000000004 is 2
        table[name] = table[name].round(ROUNDING)
    return table[INDICATOR_COLUMNS]


def _whole(values: pd.Series) -> pd.Series:
    """Counts as whole numbers when every value is one (the usual case), else as they are."""
    return values.astype("int64") if (values == values.round()).all() else values
