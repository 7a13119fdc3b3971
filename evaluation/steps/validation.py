"""Notebook 01, validation: every table of the plan's data against its data contract, the rows
to fix, the pre/post linkage, the data-quality warnings and the schools' fix lists.

Each function is one section of the notebook; the accepted rows go on to the analyses.
"""

from __future__ import annotations

import pandas as pd

from evaluation.reporting.escaping import code_block
from evaluation.steps import workspace
from evaluation.steps.context import Run, section
from evaluation.steps.display import Shown


def _validation_csv(run: Run, name: str, **options) -> pd.DataFrame:
    return workspace.validation_file(run.out_dir, name, **options)


@section()
def validate(run: Run) -> Shown:
    """Validate the plan's data (always afresh), write the validation outputs and cache the
    accepted tables; shows the rows read, accepted and quarantined per table."""
    workspace.prepare(run.plan, run.out_dir)
    run.wrote(run.out_dir / workspace.VALIDATION / "status.json")
    run._cache.clear()
    return Shown(_validation_csv(run, "validation-summary.csv", keep_default_na=False))


def _status(run: Run) -> dict:
    """The last validation's status, validating first when this output folder has none."""
    if not workspace.section_is_current(run.out_dir, "validation.validate", run.fingerprint):
        validate(run)
    return workspace.validation_status(run.out_dir)


def what_to_fix(run: Run, rows: int = 20) -> Shown:
    """The validation's summary and the first failing rows, as the schools will see them."""
    status = _status(run)
    failures = _validation_csv(run, "quarantine.csv", keep_default_na=False, dtype=str)
    return Shown(code_block(status["summary"]), failures.head(rows))


def rules_broken(run: Run) -> Shown:
    """How many rows broke each rule, per table (a row can break several rules)."""
    _status(run)
    failures = _validation_csv(run, "quarantine.csv", keep_default_na=False, dtype=str)
    failures = failures[failures["row"] != ""]
    return Shown(failures.groupby(["table", "rule"], sort=False)["row"].nunique().rename("rows").reset_index())


def linkage(run: Run) -> Shown:
    """Pre/post linkage per table with waves (validation/linkage.csv)."""
    _status(run)
    return Shown(_validation_csv(run, "linkage.csv"))


def warnings(run: Run, rows: int = 10) -> Shown:
    """The data-quality warnings per table and check, and the first of them."""
    _status(run)
    found = _validation_csv(run, "warnings.csv", keep_default_na=False, dtype=str)
    counts = found.groupby(["table", "check"], sort=False).size().rename("warnings").reset_index()
    return Shown(counts, found.head(rows))


def fix_lists(run: Run) -> Shown:
    """The index of the schools' fix lists (validation/fix-lists/index.csv)."""
    _status(run)
    index = run.out_dir / workspace.VALIDATION / "fix-lists" / "index.csv"
    return Shown(pd.read_csv(index, sep=None, engine="python", encoding="utf-8-sig"))
