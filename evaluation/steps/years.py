"""Sections over the school years: the schools' indicators summed per year (results/indicators.csv,
notebook 02) and each school year's findings side by side (results/years.csv, notebook 04, after
the plan's year's effects are written).

A plan covers one school year unless it names ``earlier_years``, each with its own data folder
(`evaluation.config.plan.SchoolYear`). Their tables are validated against the same contracts
(`evaluation.steps.workspace.load_year`); the indicators of every folder are read, and each
earlier year's findings come from the same analysis functions as the plan's year's.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from evaluation.analysis.comparison import analysis_tables
from evaluation.analysis.effects import partner_vs_control_effects, prepost_effects
from evaluation.analysis.frames import prepost_frame
from evaluation.analysis.indicators import indicator_rows, indicator_summary
from evaluation.analysis.years import YEAR_COLUMNS, headline_of_year, missing_outcome
from evaluation.config.instruments import find_instrument, load_instrument
from evaluation.config.plan import SchoolYear, required_tables
from evaluation.errors import PlanError
from evaluation.steps import workspace
from evaluation.steps.context import Run, section
from evaluation.steps.display import Shown


def year_tables(run: Run, year: SchoolYear) -> dict[str, pd.DataFrame]:
    """The accepted tables of an earlier school year (validated once per run)."""
    return run._cached(f"year:{year.period}", lambda: workspace.load_year(run.plan, year, run.out_dir))


def every_year(run: Run) -> list[tuple[str, dict[str, pd.DataFrame]]]:
    """(period, accepted tables) of every school year of the plan, oldest first, the plan's own
    year last."""
    return [
        *((year.period, year_tables(run, year)) for year in run.plan.earlier_years),
        (run.plan.period, run.accepted),
    ]


@section("indicators")
def indicators(run: Run) -> Shown:
    """The indicators of every school year's data folder, summed per indicator, year, group and
    school type (results/indicators.csv; `evaluation.analysis.indicators` defines each column)."""
    folders = [(tables["indicators"], tables["schools"]) for _, tables in every_year(run) if "indicators" in tables]
    table = indicator_summary(indicator_rows(folders))
    run.save(table, "indicators")
    return Shown(table)


@section("years")
def findings_by_year(run: Run) -> Shown:
    """Each school year's headline per outcome (results/years.csv): the partner-versus-control
    estimate of the plan's primary method with control schools, else the clustered change before
    and after of every school (`evaluation.analysis.years`). The plan's year's rows are those of
    results/effects.csv; an earlier year's come from the same functions on its accepted data."""
    plan = run.plan
    monitoring = run.monitoring  # the run's design (evaluation.analysis.study_design)
    rows = [_earlier_year(run, year, monitoring) for year in plan.earlier_years]
    rows.append(headline_of_year(run.table("effects"), plan.period, monitoring, plan.primary_method))
    table = pd.concat(rows, ignore_index=True)[YEAR_COLUMNS]
    run.save(table, "years")
    return Shown(table)


def _earlier_year(run: Run, year: SchoolYear, monitoring: bool) -> pd.DataFrame:
    """The headline rows of one earlier year: the plan's analysis on that year's data, the
    subgroups left out (only the whole sample is shown year on year)."""
    from evaluation.analysis.covariates import check_covariates

    plan = replace(run.plan, data_dir=year.data_dir, subgroups=(), period=year.period)
    tables, _ = analysis_tables(plan, year_tables(run, year))
    covariates = () if monitoring else run.covariates
    parts = []
    for outcome in plan.outcomes:
        needed = next(table for table in required_tables((outcome,)) if table != "schools")
        if needed not in tables or (
            outcome.source == "survey" and find_instrument(outcome.instrument, year.data_dir) is None
        ):
            parts.append(missing_outcome(outcome, year.period, "no_table"))
            continue
        instruments = (
            {outcome.instrument: load_instrument(outcome.instrument, data_dir=year.data_dir)}
            if outcome.source == "survey"
            else {}
        )
        try:
            if covariates:
                check_covariates(tables, replace(plan, covariates=covariates))
            frame = prepost_frame(tables, outcome, instruments)
        except PlanError as error:
            raise PlanError(f"{run.plan.path}: earlier year {year.period}: {error}") from None
        if monitoring:
            effects = prepost_effects(frame, outcome, plan)
        else:
            effects = partner_vs_control_effects(frame, outcome, plan, covariates)
        parts.append(headline_of_year(effects, year.period, monitoring, plan.primary_method))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=YEAR_COLUMNS)
