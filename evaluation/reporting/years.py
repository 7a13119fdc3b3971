"""The report's sections over the school years: the schools' indicators drawn as small multiples
(one panel per indicator, the years on the x axis, a line per group) with a compact table, and
each school year's findings side by side.

Indicator ids come from the data: a known id is named by its label (``labels.<id>`` of the
catalogues), an unknown one is shown as written (``_`` as a space), and every value reaches the
page escaped (`evaluation.reporting.escaping`; the chart draws text with maths parsing off).
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import MaxNLocator

from evaluation.reporting import escaping as md
from evaluation.reporting.figures import _theme, alt_number, group_style, localise_numbers
from evaluation.reporting.headings import column
from evaluation.reporting.sentences import label, note_text
from evaluation.wording import text

ALL = "all"


def _overall(indicators: pd.DataFrame) -> pd.DataFrame:
    """The rows of every school type together."""
    return indicators[indicators["school_type"].astype(str) == ALL]


def indicators_plot(indicators: pd.DataFrame, language: str = "en") -> plt.Figure:
    """Small multiples of results/indicators.csv: one panel per indicator (its label as title),
    the years on the x axis as whole years, the count per reporting school on the y axis, one
    line per group (partner and control, or all schools)."""
    _theme()
    rows = _overall(indicators)
    names = list(dict.fromkeys(rows["indicator"].astype(str)))
    columns = min(3, max(1, len(names)))
    panels = max(1, math.ceil(len(names) / columns))
    fig, axes = plt.subplots(panels, columns, figsize=(3.4 * columns, 2.8 * panels + 0.4), squeeze=False)
    for ax, name in zip(axes.flat, names):
        part = rows[rows["indicator"].astype(str) == name]
        for group, lines in part.groupby("group", sort=False):
            lines = lines.sort_values("year")
            ax.plot(
                lines["year"].astype(int),
                lines["per_school"],
                label=label(str(group), language),
                **group_style(group),
            )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(label(name, language), fontsize="medium")
        ax.set_xlabel(text("figures.indicators.x_axis", language))
        ax.set_ylabel(text("figures.indicators.y_axis", language))
        ax.set_ylim(bottom=0)
        localise_numbers(ax, language, y=True)
    for ax in list(axes.flat)[len(names) :]:
        ax.set_visible(False)
    if names:
        axes.flat[0].legend(loc="best", fontsize="small")
    fig.suptitle(text("figures.indicators.title", language))
    fig.tight_layout()
    return fig


def indicators_alt_text(indicators: pd.DataFrame, language: str) -> md.Markdown:
    """The chart in words, for readers who cannot see it: what is drawn, over which years."""
    rows = _overall(indicators)
    years = sorted(int(year) for year in rows["year"].unique())
    groups = md.listing([label(str(g), language) for g in dict.fromkeys(rows["group"].astype(str))], language)
    names = md.listing([label(str(n), language) for n in dict.fromkeys(rows["indicator"].astype(str))], language)
    return md.text(
        "report.indicators.alt", language, first=str(years[0]), last=str(years[-1]), groups=groups, indicators=names
    )


def indicators_alt(indicators: pd.DataFrame, language: str) -> str:
    """The chart's alternative text (plain text: the Chart escapes it): what is drawn, over which
    years, and each group's count per reporting school in the first and the last year."""
    from evaluation.wording import listing

    rows = _overall(indicators)
    years = sorted(int(year) for year in rows["year"].unique())
    panels = []
    for name in dict.fromkeys(rows["indicator"].astype(str)):
        part = rows[rows["indicator"].astype(str) == name]
        groups = []
        for group, lines in part.groupby("group", sort=False):
            lines = lines.sort_values("year")
            first, last = lines.iloc[0], lines.iloc[-1]
            if len(lines) == 1:
                groups.append(
                    text(
                        "figures.indicators.alt_group_one_year",
                        language,
                        group=label(str(group), language),
                        value=alt_number(first["per_school"], language),
                        year=str(int(first["year"])),
                    )
                )
                continue
            groups.append(
                text(
                    "figures.indicators.alt_group",
                    language,
                    group=label(str(group), language),
                    first=alt_number(first["per_school"], language),
                    first_year=str(int(first["year"])),
                    last=alt_number(last["per_school"], language),
                    last_year=str(int(last["year"])),
                )
            )
        panels.append(
            text("figures.indicators.alt_panel", language, indicator=label(name, language), groups=", ".join(groups))
        )
    return text(
        "figures.indicators.alt",
        language,
        first=str(years[0]) if years else "",
        last=str(years[-1]) if years else "",
        groups=listing([label(str(g), language) for g in dict.fromkeys(rows["group"].astype(str))], language),
        panels="; ".join(panels),
    )


def indicators_table(indicators: pd.DataFrame, language: str) -> pd.DataFrame:
    """The compact table: per indicator and group, the count per reporting school in each year
    (a column per year), the schools reporting in the last year and the change per school since
    the first year; without a group column when there is one group (no control schools)."""
    rows = _overall(indicators).copy()
    if rows.empty:
        return pd.DataFrame()
    rows["year"] = rows["year"].astype(int)
    last = rows["year"].max()
    key = ["indicator", "group"]
    order = list(dict.fromkeys(zip(rows["indicator"].astype(str), rows["group"].astype(str))))
    wide = rows.pivot_table(index=key, columns="year", values="per_school", aggfunc="first")
    latest = rows.sort_values("year").groupby(key).last()
    wide = wide.reindex(pd.MultiIndex.from_tuples(order, names=key))
    latest = latest.reindex(wide.index)
    table = pd.DataFrame(
        {
            column("indicator", language): [label(i, language) for i, _ in wide.index],
            column("group", language): [label(g, language) for _, g in wide.index],
        }
    )
    for year in wide.columns:
        table[str(int(year))] = wide[year].to_numpy()
    table[column("schools_reporting_in", language, year=str(last))] = [
        None if pd.isna(n) or year != last else int(n) for n, year in zip(latest["schools_reporting"], latest["year"])
    ]
    table[column("change_per_school", language)] = latest["change_per_school"].to_numpy()
    if rows["group"].nunique() == 1:  # one group (all schools, no control schools): the column says nothing
        table = table.drop(columns=column("group", language))
    return table


def years_table(years: pd.DataFrame, language: str) -> pd.DataFrame:
    """Each school year's headline per outcome (results/years.csv): the outcome, the year, the
    units and schools analysed, the estimate with its interval and a note in words."""
    if years.empty:
        return pd.DataFrame()
    shown = pd.DataFrame(
        {
            column("outcome", language): [label(str(o), language) for o in years["outcome"]],
            column("period", language): years["period"].astype(str).to_numpy(),
            column("n", language): years["n"].to_numpy(),
            column("schools", language): years["n_schools"].to_numpy(),
            column("estimate_of_year", language): years["estimate"].to_numpy(),
            column("ci_low", language): years["ci_low"].to_numpy(),
            column("ci_high", language): years["ci_high"].to_numpy(),
        }
    )
    notes = [note_text(n, language) if isinstance(n, str) else "" for n in years["note"]]
    if any(notes):
        shown[column("note", language)] = notes
    order = list(dict.fromkeys(years["outcome"].astype(str)))
    shown["_order"] = [order.index(str(o)) for o in years["outcome"]]
    return shown.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
