"""The run's results tables as ``results.xlsx`` in one language (`evaluation.reporting.workbook`),
with each school's name from the run's accepted schools table beside its id."""

from __future__ import annotations

from pathlib import Path

from evaluation.config.plan import Plan
from evaluation.reporting import workbook
from evaluation.reporting.schools import school_names
from evaluation.steps import workspace


def write_workbook(plan: Plan, out_dir: Path, target: Path, language: str) -> Path:
    """Write the workbook of the results tables of the run of `plan` in `out_dir` to `target`, in
    `language` (the plan's own or one of its translations)."""
    schools = workspace.load_accepted(plan, out_dir).get("schools")
    return workbook.write_workbook(
        Path(out_dir) / workspace.RESULTS,
        target,
        language,
        programme=plan.programme,
        period=plan.period,
        min_cell_size=plan.min_cell_size,
        school_names=school_names(schools) if schools is not None else None,
        written_in=plan.language,
    )
