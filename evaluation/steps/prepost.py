"""Notebook 02, before and after: for each outcome of the plan, the change from the pre wave
(November) to the post wave (April/May) of the students or respondents in partner schools,
control schools and all; who took part in both waves; the reliability of the survey scales.

Each function is one section of the notebook: it writes its results table and returns what the
notebook shows.
"""

from __future__ import annotations

import pandas as pd

from evaluation.analysis.attrition import outcome_attrition, outcome_level
from evaluation.analysis.descriptives import group_means
from evaluation.analysis.effects import analysis_columns, prepost_effects
from evaluation.analysis.frames import linkage_rate
from evaluation.analysis.item_analysis import ITEM_COLUMNS as TEST_ITEM_COLUMNS
from evaluation.analysis.item_analysis import TEST_COLUMNS, item_analysis
from evaluation.analysis.reliability import survey_reliability
from evaluation.analysis.schools import PARTNERSHIP_COLUMNS, SCHOOL_COLUMNS, partnership_gaps, school_summary
from evaluation.reporting.figures import outcome_scales, prepost_alt, prepost_plot
from evaluation.reporting.sections import attrition_table, prepost_table, prepost_technical_table, scales_table
from evaluation.steps import parallel
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
    # each outcome is an independent unit (evaluation.steps.parallel), computed where the run
    # computes (as notebook 03's estimates) and put back in the plan's order
    units = [
        parallel.Unit(f"{o.id}-prepost", prepost_effects, (analysis_columns(run.frames[o.id], plan), o, plan))
        for o in plan.outcomes
    ]
    effects = pd.concat(parallel.notebook_values(units, plan.scheduler, "changes before and after"), ignore_index=True)
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
    scales = outcome_scales(plan, run.instruments)
    return Shown(figure_of(prepost_plot(table, run.language, scales), prepost_alt(table, run.language, scales)))


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


@section("test_reliability", "test_items")
def tests_and_items(run: Run) -> Shown:
    """The tests scored item by item (the optional item_responses table): KR-20 (alpha for items
    scored in points), mean and SD of the total per test and wave (results/test_reliability.csv),
    and each item's difficulty and point-biserial correlations (results/test_items.csv); both
    with their columns and no rows when the data has no item responses."""
    responses = run.analysed.get("item_responses")
    if responses is None or responses.empty:
        tests, items = pd.DataFrame(columns=TEST_COLUMNS), pd.DataFrame(columns=TEST_ITEM_COLUMNS)
    else:
        tests, items = item_analysis(responses, run.plan.min_cell_size)
    run.save(tests, "test_reliability")
    run.save(items, "test_items")
    return Shown(tests, items)


@section("schools", "partnerships")
def schools_and_partnerships(run: Run) -> Shown:
    """Each school's means before and after and the change of its linked students or respondents
    (results/schools.csv), and each partnership's gap between its top and bottom school before,
    after and its change, with the mean change over the partnerships (results/partnerships.csv;
    `evaluation.analysis.schools` says how the schools are ordered and what is blanked)."""
    plan = run.plan
    schools = run.analysed["schools"]
    ids = sorted(schools["school_id"].unique())
    per_school, per_partnership = [], []
    for outcome in plan.outcomes:
        frame = run.frames[outcome.id]
        role = outcome_level(outcome, run.instruments)
        per_school.append(school_summary(frame, ids, outcome.id, role, plan.min_cell_size, plan.alpha))
        per_partnership.append(partnership_gaps(frame, schools, outcome.id, plan.min_cell_size, plan.alpha))
    school_table = pd.concat(per_school, ignore_index=True)[SCHOOL_COLUMNS]
    partnership_table = pd.concat(per_partnership, ignore_index=True)[PARTNERSHIP_COLUMNS]
    run.save(school_table, "schools")
    run.save(partnership_table, "partnerships")
    return Shown(school_table, partnership_table)
