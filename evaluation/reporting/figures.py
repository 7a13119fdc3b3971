"""Seaborn charts of the report. Every chart shows aggregates only (means, intervals, counts),
never a point per student.

Every chart has a title and axis labels from the wording catalogues, numbers on its axes with the
language's decimal mark (`localise_numbers`), the colour-blind-safe Okabe-Ito colours (`OKABE_ITO`),
honest axes (a score's full range: `OutcomeScale`) and the thresholds the report's text uses drawn
on it; each has an alternative text in words built from the same data (``*_alt``), which
`evaluation.reporting.escaping.Chart` puts into the page's ``alt`` attribute."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MultipleLocator, ScalarFormatter

from evaluation import wording
from evaluation.reporting.headings import column
from evaluation.reporting.sentences import label
from evaluation.wording import decimal_symbol, has, text

#: The colour-blind-safe palette of Okabe and Ito (2008), used by every chart of the report.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: Each group's colour; the control group is also drawn with dashed lines and square marks, so the
#: groups differ in print without colour too.
PALETTE = {"partner": OKABE_ITO["blue"], "control": OKABE_ITO["vermillion"], "all": OKABE_ITO["black"]}
_LINE_STYLES = {"control": ("--", "s")}
#: Reference lines (zero, thresholds) and connectors: a neutral grey, not a colour of the data.
REFERENCE_GREY = "#999999"
#: The effect size the What Works Clearinghouse calls substantively important, which the report's
#: text uses; drawn on the forest plot.
IMPORTANT_EFFECT = 0.25


def _theme() -> None:
    import seaborn as sns  # here, not at the top: a page that draws nothing does not load it

    # Labels come from the data (partnership ids, outcome names): a "$" in them is a dollar sign,
    # not maths (``$\foo$`` would stop the chart, and with it the report).
    sns.set_theme(
        style="whitegrid", context="notebook", palette=list(OKABE_ITO.values()), rc={"text.parse_math": False}
    )


class DecimalFormatter(ScalarFormatter):
    """Matplotlib's tick numbers with the language's decimal mark (``3,5`` in Turkish)."""

    def __init__(self, language: str) -> None:
        super().__init__(useOffset=False, useMathText=False)
        self.mark = decimal_symbol(language)

    def __call__(self, x, pos=None) -> str:
        return super().__call__(x, pos).replace(".", self.mark)

    def format_data_short(self, value) -> str:
        return super().format_data_short(value).replace(".", self.mark)


def localise_numbers(ax: Axes, language: str, x: bool = False, y: bool = False) -> None:
    """The numeric axes ``x`` and/or ``y`` of ``ax`` written with the language's decimal mark."""
    for wanted, axis in ((x, ax.xaxis), (y, ax.yaxis)):
        if wanted:
            axis.set_major_formatter(DecimalFormatter(language))


def alt_number(value: float, language: str, digits: int = 2) -> str:
    """A number of an alternative text (plain text: the Chart escapes it)."""
    return wording.number(float(value), digits, language)


@dataclass(frozen=True)
class OutcomeScale:
    """The full range of an outcome's score, which its chart's axis spans: an exam's 0 to 100, a
    knowledge test's percentage right (0 to 100), a survey scale's mean answer (the instrument's
    lowest to highest scale point). ``kind`` is the outcome's source (exam, test or survey)."""

    low: float
    high: float
    kind: str


def outcome_scales(plan, instruments: Mapping) -> dict[str, OutcomeScale]:
    """Per outcome id of ``plan``, its `OutcomeScale` (an exam's range is its contract's, 0 to 100;
    a survey's the scale points of its instrument in ``instruments``, as `evaluation.steps.context.Run`
    loads them); an outcome whose instrument is not loaded is left out (its axis follows the data)."""
    scales = {}
    for outcome in plan.outcomes:
        if outcome.source in ("exam", "test"):
            scales[outcome.id] = OutcomeScale(0.0, 100.0, outcome.source)
        elif outcome.instrument in instruments:
            instrument = instruments[outcome.instrument]
            scales[outcome.id] = OutcomeScale(float(instrument.scale_min), float(instrument.scale_max), "survey")
    return scales


def forest_plot(effects: pd.DataFrame, language: str = "en") -> plt.Figure:
    """Hedges' g with its interval, one line per outcome (partner versus control, all students),
    with lines at 0 (no difference) and at +/- `IMPORTANT_EFFECT` (the WWC's substantively
    important size, which the report's text uses), labelled in the legend."""
    _theme()
    rows = effects[~effects["suppressed"]].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * len(rows) + 2.2))
    names = [label(o, language) for o in rows["outcome"]]
    ax.errorbar(
        rows["effect_size"],
        range(len(rows)),
        fmt="o",
        color=PALETTE["partner"],
        xerr=[rows["effect_size"] - rows["effect_size_ci_low"], rows["effect_size_ci_high"] - rows["effect_size"]],
        capsize=4,
        zorder=3,
    )
    ax.axvline(0, color="#555555", linewidth=1, label=text("figures.forest.zero", language))
    threshold = text("figures.forest.threshold", language, size=alt_number(IMPORTANT_EFFECT, language))
    for sign in (-1, 1):
        ax.axvline(
            sign * IMPORTANT_EFFECT,
            color=REFERENCE_GREY,
            linestyle="--",
            linewidth=1,
            label=threshold if sign > 0 else None,
        )
    values = pd.concat([rows["effect_size_ci_low"], rows["effect_size_ci_high"]]).dropna()
    margin = 0.05
    low = min(-IMPORTANT_EFFECT, float(values.min()) if len(values) else 0.0) - margin
    high = max(IMPORTANT_EFFECT, float(values.max()) if len(values) else 0.0) + margin
    ax.set_xlim(low, high)
    ax.set_yticks(range(len(rows)), names)
    ax.set_ylim(len(rows) - 0.5, -0.5)  # the first outcome at the top
    localise_numbers(ax, language, x=True)
    ax.set_xlabel(text("figures.forest.axis", language))
    ax.set_ylabel(text("figures.forest.y_axis", language))
    ax.set_title(text("figures.forest.title", language))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18 if len(rows) > 2 else -0.3), ncol=2, frameon=False)
    fig.tight_layout()
    return fig


def forest_alt(effects: pd.DataFrame, language: str = "en") -> str:
    """The forest plot in words: each outcome's effect size with its interval, and the lines."""
    rows = effects[~effects["suppressed"]]
    items = [
        text(
            "figures.forest.alt_row",
            language,
            outcome=label(row.outcome, language),
            g=alt_number(row.effect_size, language),
            low=alt_number(row.effect_size_ci_low, language),
            high=alt_number(row.effect_size_ci_high, language),
        )
        for row in rows.itertuples(index=False)
    ]
    return text("figures.forest.alt", language, rows="; ".join(items), size=alt_number(IMPORTANT_EFFECT, language))


def group_style(group: object) -> dict:
    """How a group's line is drawn (colour, line style, marker): the same in every chart."""
    line, marker = _LINE_STYLES.get(str(group), ("-", "o"))
    return {"color": PALETTE.get(str(group), OKABE_ITO["black"]), "linestyle": line, "marker": marker}


def _by_group(part: pd.DataFrame):
    """``part``'s rows per group, partner schools first, then control schools (the legend's and the
    alternative text's order, whichever the table has first)."""
    order = {group: position for position, group in enumerate(PALETTE)}
    groups = sorted(dict.fromkeys(part["group"]), key=lambda group: order.get(str(group), len(order)))
    return [(group, part[part["group"] == group]) for group in groups]


def _waves(lines: pd.DataFrame) -> pd.DataFrame:
    return lines.set_index("wave").reindex(["pre", "post"]).dropna(subset=["mean"])


def prepost_plot(
    means: pd.DataFrame, language: str = "en", scales: Mapping[str, OutcomeScale] | None = None
) -> plt.Figure:
    """Mean before and after with 95% intervals, one panel per outcome, one line per group.
    `means` has columns outcome, group, wave, mean, ci_low, ci_high. With `scales` (per outcome
    id, `outcome_scales`), each panel's y axis spans its outcome's full range (widened only when
    an interval runs past it), so that a small change looks small; without, it follows the data."""
    _theme()
    scales = scales or {}
    outcomes = list(dict.fromkeys(means["outcome"]))
    columns = min(4, len(outcomes))
    rows = -(-len(outcomes) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.3 * columns, 3.2 * rows + 0.5), squeeze=False)
    for ax, outcome in zip(axes.flat, outcomes):
        part = means[means["outcome"] == outcome]
        for group, lines in _by_group(part):
            lines = _waves(lines)
            ax.errorbar(
                range(len(lines)),
                lines["mean"],
                capsize=3,
                yerr=[lines["mean"] - lines["ci_low"], lines["ci_high"] - lines["mean"]],
                label=label(group, language),
                **group_style(group),
            )
        ax.set_xticks([0, 1], [label("pre", language), label("post", language)])
        ax.set_xlim(-0.3, 1.3)
        scale = scales.get(outcome)
        if scale is not None:
            drawn = pd.concat([part["ci_low"], part["ci_high"], part["mean"]]).dropna()
            low = min(scale.low, float(drawn.min())) if len(drawn) else scale.low
            high = max(scale.high, float(drawn.max())) if len(drawn) else scale.high
            ax.set_ylim(low, high)
            if scale.kind == "survey" and scale.high - scale.low <= 10:  # a tick at each scale point
                ax.yaxis.set_major_locator(MultipleLocator(1))
            ax.set_ylabel(
                text(
                    f"figures.prepost.y_axis.{scale.kind}",
                    language,
                    low=alt_number(scale.low, language, 0),
                    high=alt_number(scale.high, language, 0),
                )
            )
        else:
            ax.set_ylabel(text("figures.prepost.y_axis.mean", language))
        localise_numbers(ax, language, y=True)
        ax.set_xlabel(text("figures.prepost.x_axis", language))
        ax.set_title(label(outcome, language))
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.set_visible(False)
    axes.flat[0].legend(loc="best", fontsize="small")
    fig.suptitle(text("figures.prepost.title", language))
    fig.tight_layout()
    return fig


def prepost_alt(means: pd.DataFrame, language: str = "en", scales: Mapping[str, OutcomeScale] | None = None) -> str:
    """The before-and-after chart in words: per outcome (and its range) each group's mean
    before and after."""
    scales = scales or {}
    panels = []
    for outcome in dict.fromkeys(means["outcome"]):
        part = means[means["outcome"] == outcome]
        groups = []
        for group, lines in _by_group(part):
            lines = _waves(lines)["mean"]
            values = {wave: alt_number(lines[wave], language) for wave in lines.index}
            name = label(group, language)
            if len(values) == 2:
                groups.append(text("figures.prepost.alt_group", language, group=name, **values))
            for wave, value in values.items() if len(values) == 1 else ():
                groups.append(
                    text("figures.prepost.alt_one_wave", language, group=name, wave=label(wave, language), mean=value)
                )
        scale = scales.get(outcome)
        key = "figures.prepost.alt_panel" if scale is not None else "figures.prepost.alt_panel_no_range"
        ranges = (
            {"low": alt_number(scale.low, language, 0), "high": alt_number(scale.high, language, 0)} if scale else {}
        )
        panels.append(text(key, language, outcome=label(outcome, language), groups=", ".join(groups), **ranges))
    return text("figures.prepost.alt", language, panels="; ".join(panels))


#: How each status is drawn in the activity timeline: marker, colour, whether it is filled.
_STATUS_MARKS = {
    "done": ("o", OKABE_ITO["bluish_green"], True),
    "partial": ("D", OKABE_ITO["sky_blue"], True),
    "postponed": (">", OKABE_ITO["orange"], True),
    "cancelled": ("X", OKABE_ITO["vermillion"], True),
    "planned": ("o", OKABE_ITO["black"], False),
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
    ax.scatter(planned, y, s=36, facecolors="none", edgecolors=OKABE_ITO["black"], linewidths=1, zorder=2)
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
        Line2D([], [], linestyle="", marker="o", markerfacecolor="none", markeredgecolor=OKABE_ITO["black"],
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
    outer dotted line). The legend, the axis and the title (``title``, else the catalogue's) are
    in ``language``; ``labels`` may rename them (``before``, ``after``, ``axis``) and name the
    covariates (by their column name, e.g. with `covariate_name`). Returns a matplotlib Figure
    (no global pyplot state)."""
    labels = {
        "before": text("matching.before", language),
        "after": text("matching.after", language),
        "axis": text("matching.axis", language),
        **(labels or {}),
    }
    figure = Figure(figsize=(6.0, 0.5 * len(balance) + 2.2))
    axes = figure.subplots()
    y = np.arange(len(balance))[::-1]
    axes.scatter(
        balance["std_diff_before"], y, facecolors="none", edgecolors=OKABE_ITO["black"], label=labels["before"]
    )
    axes.scatter(balance["std_diff_after"], y, color=PALETTE["partner"], label=labels["after"])
    for x, style in ((0.0, "-"), (threshold, "--"), (-threshold, "--"), (0.25, ":"), (-0.25, ":")):
        axes.axvline(x, color=REFERENCE_GREY, linestyle=style, linewidth=0.8)
    axes.set_yticks(y, [labels.get(name, name) for name in balance["covariate"]])
    localise_numbers(axes, language, x=True)
    axes.set_xlabel(labels["axis"])
    axes.set_ylabel(text("matching.y_axis", language))
    axes.set_title(title or text("matching.title", language))
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25 if len(balance) < 4 else -0.12), ncol=2, frameon=False)
    figure.tight_layout()
    return figure


def love_alt(balance: pd.DataFrame, language: str = "en", threshold: float = 0.1) -> str:
    """The love plot in words: each characteristic's standardised difference before and after
    matching, and the lines drawn."""
    rows = [
        text(
            "matching.alt_row",
            language,
            characteristic=covariate_name(row.covariate, language),
            before=alt_number(row.std_diff_before, language),
            after=alt_number(row.std_diff_after, language),
        )
        for row in balance.itertuples(index=False)
    ]
    return text(
        "matching.alt",
        language,
        rows="; ".join(rows),
        threshold=alt_number(threshold, language),
        wwc=alt_number(0.25, language),
    )
