"""Seaborn charts of the report. Every chart shows aggregates only (means, intervals, counts),
never a point per student."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from evaluation.reporting.headings import column
from evaluation.reporting.sentences import label
from evaluation.wording import has, text

PALETTE = {"partner": "#1b7837", "control": "#762a83", "all": "#4d4d4d"}


def _theme() -> None:
    # Labels come from the data (partnership ids, outcome names): a "$" in them is a dollar sign,
    # not maths (``$\foo$`` would stop the chart, and with it the report).
    sns.set_theme(style="whitegrid", context="notebook", rc={"text.parse_math": False})


def forest_plot(effects: pd.DataFrame, language: str = "en") -> plt.Figure:
    """Hedges' g with its interval, one line per outcome (partner versus control, all students)."""
    _theme()
    rows = effects[~effects["suppressed"]].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * len(rows) + 1.4))
    names = [label(o, language) for o in rows["outcome"]]
    ax.errorbar(
        rows["effect_size"],
        range(len(rows)),
        fmt="o",
        color=PALETTE["partner"],
        xerr=[rows["effect_size"] - rows["effect_size_ci_low"], rows["effect_size_ci_high"] - rows["effect_size"]],
        capsize=4,
    )
    ax.axvline(0, color="#999999", linewidth=1)
    ax.set_yticks(range(len(rows)), names)
    ax.invert_yaxis()
    ax.set_xlabel(text("figures.forest.axis", language))
    ax.set_title(text("figures.forest.title", language))
    fig.tight_layout()
    return fig


def prepost_plot(means: pd.DataFrame, language: str = "en") -> plt.Figure:
    """Mean before and after with 95% intervals, one panel per outcome, one line per group.
    `means` has columns outcome, group, wave, mean, ci_low, ci_high."""
    _theme()
    outcomes = list(dict.fromkeys(means["outcome"]))
    columns = min(4, len(outcomes))
    rows = -(-len(outcomes) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.3 * columns, 3.0 * rows), squeeze=False)
    for ax, outcome in zip(axes.flat, outcomes):
        part = means[means["outcome"] == outcome]
        for group, lines in part.groupby("group", sort=False):
            lines = lines.set_index("wave").reindex(["pre", "post"]).dropna(subset=["mean"])
            ax.errorbar(
                range(len(lines)),
                lines["mean"],
                capsize=3,
                marker="o",
                yerr=[lines["mean"] - lines["ci_low"], lines["ci_high"] - lines["mean"]],
                color=PALETTE.get(group, "#4d4d4d"),
                label=label(group, language),
            )
        ax.set_xticks([0, 1], [label("pre", language), label("post", language)])
        ax.set_xlim(-0.3, 1.3)
        ax.set_title(label(outcome, language))
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.set_visible(False)
    axes.flat[0].legend(loc="best", fontsize="small")
    fig.tight_layout()
    return fig


#: How each status is drawn in the activity timeline: marker, colour, whether it is filled.
_STATUS_MARKS = {
    "done": ("o", "#1b7837", True),
    "partial": ("D", "#7fbc41", True),
    "postponed": (">", "#e08214", True),
    "cancelled": ("X", "#c51b7d", True),
    "planned": ("o", "#737373", False),
}
#: Up to this many partnerships the timeline has one row per activity; beyond, one per partnership.
TIMELINE_ROWS_PER_ACTIVITY = 3


def _mid_month(months: pd.Series) -> pd.Series:
    """The 15th of each YYYY-MM month (NaT where not a month)."""
    return pd.to_datetime(months.astype("string") + "-15", format="%Y-%m-%d", errors="coerce")


#: Longest tick label of a chart's category axis: a longer one (an activity type or partnership id
#: as a school wrote it) is cut with an ellipsis, so the plot keeps its width.
TICK_LABEL_CHARACTERS = 40


def _shortened(label: str, limit: int = TICK_LABEL_CHARACTERS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def activity_timeline(log: pd.DataFrame, language: str = "en") -> plt.Figure:
    """Each activity's planned month (a hollow circle, mid-month) against the day it was held (a
    mark by status, joined to the planned month by a line); an activity not held is marked by its
    status at its planned month. `log` has the columns of results/activities.csv. With up to
    `TIMELINE_ROWS_PER_ACTIVITY` partnerships one row per activity (its number and type), beyond
    one row per partnership with its activities side by side."""
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    from evaluation.wording.formats import month as month_text

    _theme()
    log = log.sort_values(["partnership_id", "activity_no"], kind="stable").reset_index(drop=True)
    partnerships = list(dict.fromkeys(log["partnership_id"].astype(str)))
    per_activity = len(partnerships) <= TIMELINE_ROWS_PER_ACTIVITY
    if per_activity:
        y = pd.Series(range(len(log)), dtype=float)
        prefix = len(partnerships) > 1
        names = [
            (f"{row.partnership_id} · " if prefix else "")
            + f"{row.activity_no}. {activity_type_label(row.activity_type, language)}"
            for row in log.itertuples()
        ]
        ticks = list(range(len(log)))
    else:
        row_of = {pid: number for number, pid in enumerate(partnerships)}
        rank = log.groupby("partnership_id").cumcount()
        size = log.groupby("partnership_id")["activity_no"].transform("size")
        y = log["partnership_id"].astype(str).map(row_of) + (rank + 0.5) / size * 0.8 - 0.4
        names, ticks = partnerships, list(range(len(partnerships)))
    planned = _mid_month(log["planned_month"])
    held = pd.to_datetime(log["completed_on"], errors="coerce")
    height = 0.28 * len(log) + 2.4 if per_activity else 0.6 * len(partnerships) + 2.4
    fig, ax = plt.subplots(figsize=(11.0 if per_activity else 10.0, height), layout="constrained")
    for position, (start, end) in enumerate(zip(planned, held)):
        if pd.notna(start) and pd.notna(end):
            ax.plot([start, end], [y[position]] * 2, color="#bdbdbd", linewidth=1, zorder=1)
    ax.scatter(planned, y, s=36, facecolors="none", edgecolors="#4d4d4d", linewidths=1, zorder=2)
    for status, (marker, colour, filled) in _STATUS_MARKS.items():
        rows = log["status"].astype(str) == status
        where = held.where(held.notna(), planned)[rows] if status in ("done", "partial") else planned[rows]
        if filled:
            ax.scatter(where, y[rows], s=46, marker=marker, color=colour, zorder=3)
    ax.set_yticks(ticks, [_shortened(name) for name in names])
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(
        plt.FuncFormatter(lambda value, _: month_text(mdates.num2date(value).date(), language))
    )
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_xlabel(text("figures.activity_timeline.x", language))
    ax.set_ylabel(text("figures.activity_timeline.y", language) if per_activity else column("partnership_id", language))
    ax.set_title(text("figures.activity_timeline.title", language))
    handles = [
        Line2D([], [], linestyle="", marker="o", markerfacecolor="none", markeredgecolor="#4d4d4d",
               label=text("figures.activity_timeline.planned", language))
    ] + [
        Line2D([], [], linestyle="", marker=marker, color=colour, label=activity_status_label(status, language))
        for status, (marker, colour, filled) in _STATUS_MARKS.items()
        if filled
    ]  # fmt: skip
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    # (the figure's constrained layout makes room for the long labels and the legend on the right)
    return fig


def activity_type_label(code: object, language: str) -> str:
    """An activity type as the report names it (``activity_types.<code>``), else as written."""
    key = f"activity_types.{code}"
    return text(key, language) if isinstance(code, str) and has(key, language) else str(code).replace("_", " ")


def activity_status_label(status: object, language: str) -> str:
    """An activity status as the report names it (``activity_status.<status>``)."""
    key = f"activity_status.{status}"
    return text(key, language) if isinstance(status, str) and has(key, language) else str(status)


#: The matching balance's covariates (results/matching_balance.csv) as the balance table names them.
_COVARIATES = {"size": "school_size", "baseline_mean": "baseline_mean"}


def covariate_name(covariate: str, language: str) -> str:
    """A matching covariate's name in the report and the love plot (``characteristics.<name>``)."""
    key = f"characteristics.{_COVARIATES.get(covariate, covariate)}"
    return text(key, language) if has(key, language) else covariate.replace("_", " ")


def love_plot(
    balance: pd.DataFrame,
    threshold: float = 0.1,
    labels: dict[str, str] | None = None,
    title: str = "",
    language: str = "en",
) -> Figure:
    """Standardised differences before (open circles) and after matching (filled), one row per
    covariate, with dashed lines at +/- `threshold` (0.1 by convention; the WWC's 0.25 is the
    outer dotted line). The legend and the axis are in ``language``; ``labels`` may rename them
    (``before``, ``after``, ``axis``) and name the covariates (by their column name, e.g. with
    `covariate_name`). Returns a matplotlib Figure (no global pyplot state)."""
    labels = {
        "before": text("matching.before", language),
        "after": text("matching.after", language),
        "axis": text("matching.axis", language),
        **(labels or {}),
    }
    figure = Figure(figsize=(6.0, 0.5 * len(balance) + 1.8))
    axes = figure.subplots()
    y = np.arange(len(balance))[::-1]
    axes.scatter(balance["std_diff_before"], y, facecolors="none", edgecolors="#555555", label=labels["before"])
    axes.scatter(balance["std_diff_after"], y, color="#1f77b4", label=labels["after"])
    for x, style in ((0.0, "-"), (threshold, "--"), (-threshold, "--"), (0.25, ":"), (-0.25, ":")):
        axes.axvline(x, color="#999999", linestyle=style, linewidth=0.8)
    axes.set_yticks(y, [labels.get(name, name) for name in balance["covariate"]])
    axes.set_xlabel(labels["axis"])
    if title:
        axes.set_title(title)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25 if len(balance) < 4 else -0.12), ncol=2, frameon=False)
    figure.tight_layout()
    return figure
