"""Notebook 02, before and after: for each outcome of the plan, the change from the pre wave
(November) to the post wave (April/May) of the students or respondents in partner schools,
control schools and all; who took part in both waves; the reliability of the survey scales.

Each function is one section of the notebook: it writes its results table and returns what the
notebook shows.
"""

from __future__ import annotations

import pandas as pd

from evaluation.analysis.attrition import outcome_attrition
from evaluation.analysis.descriptives import group_means
from evaluation.analysis.effects import prepost_effects
from evaluation.analysis.frames import linkage_rate
from evaluation.analysis.reliability import survey_reliability
from evaluation.reporting.figures import prepost_plot
from evaluation.reporting.sections import attrition_table, prepost_table, prepost_technical_table, scales_table
from evaluation.steps.context import Run, section
from evaluation.steps.display import Shown, figure_of

GROUP_MEAN_COLUMNS = ["outcome", "group", "wave", "n", "mean", "sd", "ci_low", "ci_high"]


def linkage(run: Run) -> Shown:
    """Share of post-wave students or respondents who also have a pre-wave value, per outcome."""
    rates = [round(linkage_rate(frame), 3) for frame in run.frames.values()]
    return Shown(pd.DataFrame({"outcome": list(run.frames), "linkage_rate": rates}))


@section("effects")
def mean_change(run: Run) -> Shown:
    """The `prepost` rows of results/effects.csv: paired t, Wilcoxon and Welch per outcome, group
    and subgroup (exploratory: no p-value adjusted, `evaluation.analysis.effects.adjust_p_values`)."""
    plan = run.plan
    effects = pd.concat([prepost_effects(run.frames[o.id], o, plan) for o in plan.outcomes], ignore_index=True)
    run.save_effects(effects, "prepost")
    return Shown(prepost_table(effects, run.language), prepost_technical_table(effects, run.language))


@section("group_means")
def means(run: Run) -> Shown:
    """Group means before and after with 95% intervals (results/group_means.csv; groups under the
    plan's minimum cell size are left out), drawn one panel per outcome."""
    plan = run.plan
    table = pd.concat(
        [group_means(run.frames[o.id], plan.min_cell_size).assign(outcome=o.id) for o in plan.outcomes],
        ignore_index=True,
    )[GROUP_MEAN_COLUMNS]
    run.save(table, "group_means")
    return Shown(figure_of(prepost_plot(table, run.language)))


@section("attrition")
def attrition(run: Run) -> Shown:
    """Who took part in both waves, per outcome, group and level (results/attrition.csv)."""
    plan = run.plan
    table = pd.concat(
        [
            outcome_attrition(run.frames[o.id], o, run.analysed, run.instruments, plan.min_cell_size)
            for o in plan.outcomes
        ],
        ignore_index=True,
    )
    run.save(table, "attrition")
    return Shown(attrition_table(table, run.language))


@section("scales", "items")
def reliability(run: Run) -> Shown:
    """Cronbach's alpha of every survey scale per wave and role (results/scales.csv) and each
    item's correlation with the rest of its scale (results/items.csv)."""
    scales, items = survey_reliability(run.analysed, run.plan.data_dir, run.plan.min_cell_size)
    run.save(scales, "scales")
    run.save(items, "items")
    return Shown(scales_table(scales, run.language, run.instruments))
