"""Notebook 04, how strong is the evidence: for every partner-versus-control finding, what a
reviewer of the What Works Clearinghouse checks before looking at the effect (attrition,
baseline equivalence, significance, importance, a rating), and the balance of partner and
control schools.

Each function is one section of the notebook: it writes its results table and returns what the
notebook shows.
"""

from __future__ import annotations

import pandas as pd

from evaluation.analysis.evidence import evidence_table, school_balance
from evaluation.evidence import EVIDENCE_COLUMNS
from evaluation.reporting import escaping as md
from evaluation.reporting.evidence import attrition_levels_table, with_summaries
from evaluation.steps import workspace
from evaluation.steps.context import Run, section
from evaluation.steps.display import Shown


def method(run: Run) -> Shown:
    """The headline method and the attrition boundary the verdicts use."""
    return Shown(
        md.text(
            "notebooks.headline_and_boundary", run.language, method=run.primary, boundary=run.plan.attrition_boundary
        )
    )


@section("evidence")
def evidence(run: Run) -> Shown:
    """results/evidence.csv: one row per outcome (all students) of the headline method, with its
    summary sentence in the plan's language. A monitoring run (no control schools) has no finding
    to rate: the table has its columns and no rows."""
    if run.monitoring:
        run.save(pd.DataFrame(columns=EVIDENCE_COLUMNS), "evidence")
        return Shown(md.text("notebooks.monitoring", run.language))
    effects = run.table("effects")
    table = evidence_table(effects, run.table("attrition"), run.plan, run.primary)
    table = with_summaries(table, run.plan, run.instruments, effects, run.primary)
    run.save(table, "evidence")
    return Shown(table)


def attrition_levels(run: Run) -> Shown:
    """Overall and differential attrition of the students (or respondents) and of the schools,
    with the highest differential the boundary still calls low at that overall rate."""
    return Shown(attrition_levels_table(run.table("attrition"), run.plan))


@section("balance", "balance_test")
def balance(run: Run) -> Shown:
    """Partner against control schools on every baseline characteristic (results/balance.csv) and
    the joint F-test of orthogonality (results/balance_test.csv). Tables this section already
    wrote for the run's plan and data are shown as written: with ``covariates: auto`` notebook 03
    needs them first, and at national size they take a quarter of a minute."""
    if workspace.section_is_current(run.out_dir, "evidence.balance", run.fingerprint):
        for name in ("balance", "balance_test"):
            run.wrote(run.out_dir / workspace.RESULTS / f"{name}.csv")  # still this section's files
        return Shown(run.table("balance"), run.table("balance_test"))
    table, joint = school_balance(run.analysed, run.plan.min_cell_size)
    run.save(table, "balance")
    run.save(joint, "balance_test")
    return Shown(table, joint)
