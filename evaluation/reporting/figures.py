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


def activities_plot(activities: pd.DataFrame, language: str = "en") -> plt.Figure:
    """Planned activities per partnership by status (done, partial, cancelled, planned)."""
    _theme()
    order = ["done", "partial", "planned", "cancelled"]
    counts = (
        activities.groupby(["partnership_id", "status"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=order, fill_value=0)
    )
    counts.columns = [column(status, language) for status in order]
    colours = ["#1b7837", "#a6dba0", "#d9d9d9", "#c51b7d"]
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(counts) + 1.5))
    counts.plot.barh(stacked=True, ax=ax, color=colours, width=0.7)
    ax.invert_yaxis()
    ax.set_xlabel(column("planned_activities", language))
    ax.set_ylabel("")
    ax.legend(
        title="",
        loc="upper center",
        bbox_to_anchor=(0.5, -0.22 - 0.3 / len(counts)),
        ncol=4,
        fontsize="small",
        frameon=False,
    )
    fig.tight_layout()
    return fig


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
