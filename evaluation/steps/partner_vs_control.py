"""Notebook 03, partner versus control: for each outcome, the adjusted difference of partner and
control schools by every method side by side, the comparison schools, missing outcome data, the
plan's subgroups and next year's design.

A run without control schools (`Run.design` is ``monitoring``: one partnership, a consortium)
has nothing to compare its partner schools with: its sections say so and write no
partner-versus-control or moderation rows (notebook 02 holds its changes per school and
partnership).

Each function is one section of the notebook: it writes its results table and returns what the
notebook shows.
"""

from __future__ import annotations

import pandas as pd

from evaluation.analysis.design import outcome_design_tables
from evaluation.analysis.effects import (
    adjust_p_values,
    analysis_columns,
    moderation_effects,
    partner_vs_control_effects,
)
from evaluation.analysis.missing import missing_shares
from evaluation.reporting import escaping as md
from evaluation.reporting.figures import covariate_name, forest_alt, forest_plot, love_alt, love_plot
from evaluation.reporting.sections import headline_rows, methods_table, subgroup_table
from evaluation.reporting.sensitivity import LOVE_PLOT
from evaluation.stats.estimate import effects_frame
from evaluation.steps import parallel, workspace
from evaluation.steps.context import Run, section
from evaluation.steps.display import Shown, figure_of


@section("effects")
def estimates(run: Run) -> Shown:
    """The `baseline_equivalence` and `partner_vs_control` rows of results/effects.csv: per outcome
    and subgroup, ANCOVA with CR1 and CR2 errors, the random-intercept model, the difference in
    differences and, above the plan's missing-data threshold, the imputed ANCOVA, each with the
    plan's covariates; p-values adjusted within the plan's multiplicity families; then the
    `moderation` rows, per outcome and plan subgroup the test of a difference in the partner
    effect between its levels (exploratory: p not adjusted). None in a monitoring run."""
    if run.monitoring:
        run.save_effects(effects_frame([]), "partner_vs_control")
        return Shown(md.text("notebooks.monitoring", run.language))
    plan, covariates = run.plan, run.covariates
    # each outcome's estimates and its moderator tests are independent units (evaluation.steps.parallel),
    # computed where the run computes and put back in the plan's order: the same rows as one after another
    frames = {o.id: analysis_columns(run.frames[o.id], plan, covariates) for o in plan.outcomes}  # what they read
    units = [
        parallel.Unit(f"{o.id}-{kind}", function, (frames[o.id], o, plan, tuple(covariates)))
        for kind, function in (("estimates", partner_vs_control_effects), ("moderation", moderation_effects))
        for o in plan.outcomes
    ]
    done = parallel.notebook_values(units, plan.scheduler, "partner-versus-control estimates")
    estimated, moderation = done[: len(plan.outcomes)], done[len(plan.outcomes) :]
    effects = adjust_p_values(pd.concat(estimated, ignore_index=True), plan)
    effects = pd.concat([effects, *(rows for rows in moderation if len(rows))], ignore_index=True)
    run.save_effects(effects, "partner_vs_control")
    return Shown(methods_table(effects, run.primary, run.language))  # every method: notebook 03 is for analysts


def headline(run: Run) -> Shown:
    """The headline method and its effect sizes with their intervals (none in a monitoring run)."""
    if run.monitoring:
        return Shown(md.text("notebooks.monitoring", run.language))
    primary = run.primary
    rows = headline_rows(run.table("effects"), primary)
    figure = figure_of(forest_plot(rows, run.language), forest_alt(rows, run.language))
    return Shown(md.text("notebooks.headline", run.language, method=primary), figure)


@section("matching", "matching_balance")
def comparison_schools(run: Run) -> Shown:
    """With ``comparison: matched``, the pairs of partner and comparison schools and their balance
    before and after matching (results/matching.csv, matching_balance.csv, love_plot.png)."""
    matching = run.comparison[1]
    if matching is None:
        return Shown(md.text("notebooks.fixed_comparison", run.language))
    run.save(matching.pairs, "matching")  # school ids and school means: no child's data
    run.save(matching.balance, "matching_balance")
    names = {covariate: covariate_name(covariate, run.language) for covariate in matching.balance["covariate"]}
    figure = love_plot(matching.balance, labels=names, language=run.language)
    alt = love_alt(matching.balance, run.language)
    # the PNG file carries its title and the chart in words (PNG text chunks Title and Description)
    metadata = {"Title": figure.axes[0].get_title(), "Description": alt}
    figure.savefig(run.wrote(run.out_dir / workspace.RESULTS / LOVE_PLOT), dpi=150, metadata=metadata)
    return Shown(
        matching.pairs,
        matching.balance,
        md.plural(
            "notebooks.matched",
            len(matching.pairs),
            run.language,
            matched=md.count(len(matching.comparison_ids), run.language),
        ),
        figure_of(figure, alt),
    )


@section("missing")
def missing_data(run: Run) -> Shown:
    """The share of the post-test missing per group (results/missing.csv) and the outcomes whose
    imputed ANCOVA was added."""
    plan = run.plan
    schools = run.analysed["schools"]
    missing = pd.concat(
        [missing_shares(run.frames[o.id], o.id, schools, plan.min_cell_size) for o in plan.outcomes],
        ignore_index=True,
    )
    run.save(missing, "missing")
    effects = run.table("effects")
    imputed = effects[effects["method"] == "ancova_mi"]["outcome"].tolist()
    note = md.text(
        "notebooks.imputation",
        run.language,
        threshold=md.percent(plan.missing_data_threshold, run.language),
        outcomes=", ".join(imputed) if imputed else md.text("notebooks.no_imputation", run.language),
    )
    return Shown(note, missing)


def subgroups(run: Run) -> Shown:
    """The headline method per subgroup of the plan (none in a monitoring run)."""
    if run.monitoring:
        return Shown(md.text("notebooks.monitoring", run.language))
    return Shown(subgroup_table(run.table("effects"), run.language, run.primary))


@section("design")
def design(run: Run) -> Shown:
    """Next year's design (results/design.csv): the MDES by number of schools of each academic
    exam outcome, from this year's ICC and pre-test R-squared."""
    plan = run.plan
    exams = [o for o in plan.outcomes if o.source == "exam" and o.domain == "academic"]
    table, notes = outcome_design_tables({o.id: run.frames[o.id] for o in exams}, alpha=plan.alpha)
    run.save(table, "design")
    return Shown(*[md.text("notebooks.left_out_of_design", run.language, note=note) for note in notes], table)
