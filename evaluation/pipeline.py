"""`evaluation run PLAN.yaml`: the notebooks of `notebooks/` executed in order by papermill, then
the results table and the rendered report.

Output folder layout::

    OUT/notebooks/NN-*.ipynb       executed notebooks
    OUT/validation/                validation summary, quarantine table, validation.html, fix-lists/
    OUT/results/effects.csv        one row per estimate (data-model.md)
    OUT/results/scales.csv         alpha per survey scale, wave and role (items.csv: per item)
    OUT/results/attrition.csv      starting, pre, post, linked and missing counts per outcome and group
    OUT/results/design.csv         next year's design: MDES by number of schools per exam outcome
    OUT/results/evidence.csv       per finding: attrition, baseline and WWC verdicts, significance, rating
    OUT/results/balance.csv        partner against control schools per baseline characteristic
                                   (balance_test.csv: the joint F-test of orthogonality)
    OUT/report.html                the annual report (no code, figures embedded)
    OUT/report.pdf                 the same report printed to A4 pages
    OUT/work/                      row-level intermediate data; never shared
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from evaluation import errors
from evaluation.errors import AnalysisFailed, ValidationFailed
from evaluation.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from evaluation.plan import load_plan
from evaluation.results import EFFECT_COLUMNS, read_effects
from evaluation.workspace import EFFECT_PARTS as PARTS

VALIDATION = "01-validation.ipynb"
ANALYSES = ("02-prepost.ipynb", "03-partner-vs-control.ipynb")
EVIDENCE = "05-evidence.ipynb"  # reads results/effects.csv, so it runs after the analyses are joined
REPORT = "04-annual-report.ipynb"
STEPS = (VALIDATION, *ANALYSES, EVIDENCE, REPORT)  # the order they run in; the report comes last


@contextmanager
def _stderr_to(log: Path) -> Iterator[None]:
    """Send this process's standard error, and so the kernel's (which inherits it), to `log`:
    the kernel's own start-up and shutdown chatter is for debugging, not for the console."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(log, "ab") as handle:
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def execute_notebook(name: str, plan_path: Path, out_dir: Path) -> Path:
    """Run one notebook of `notebooks/` with the plan and output folder as parameters."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    target = out_dir / "notebooks" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    logging.getLogger("papermill").setLevel(logging.WARNING)
    try:
        with _stderr_to(target.parent / "kernel.log"):
            papermill.execute_notebook(
                str(NOTEBOOKS_DIR / name), str(target),
                parameters={"plan_path": str(plan_path), "out_dir": str(out_dir)},
                kernel_name="python3", progress_bar=False, cwd=str(NOTEBOOKS_DIR),
            )
    except PapermillExecutionError as error:
        # The workbench's own errors (a plan naming an unknown subject, an unreadable file) keep
        # their class and exit code; anything else is a failed analysis.
        known = getattr(errors, error.ename, None)
        if isinstance(known, type) and issubclass(known, errors.EvaluationError):
            raise known(f"{error.evalue} (in notebook {name})") from None
        raise AnalysisFailed(
            f"notebook {name} failed in cell {error.exec_count}: {error.ename}: {error.evalue} "
            f"(executed notebook: {target})") from None
    return target


def combine_effects(out_dir: Path) -> Path:
    """Join the analysis notebooks' parts into `results/effects.csv`."""
    parts = sorted((out_dir / PARTS).glob("*.csv"))
    frames = [read_effects(path) for path in parts]
    effects = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=EFFECT_COLUMNS)
    target = out_dir / "results" / "effects.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    effects[EFFECT_COLUMNS].to_csv(target, index=False)
    return target


def default_out_dir(plan_path: Path) -> Path:
    return PROJECT_ROOT / "build" / plan_path.stem


def check_validation(status: dict, plan, out_dir: Path) -> None:
    """Stop the run (ValidationFailed, exit 1) when a table is broken, or when rows were
    quarantined and the plan says `on_quarantine: stop` (the default)."""
    quarantine = out_dir / "validation" / "quarantine.csv"
    if status["broken"]:
        tables = "; ".join(f"{table}: {reason}" for table, reason in status["broken"].items())
        raise ValidationFailed(
            f"a table of {plan.path.name}'s data cannot be checked ({tables}); nothing was analysed. "
            f"This stops every run, whatever on_quarantine says.\n{status['summary']}\n"
            f"The problems are listed in {quarantine}")
    if status["quarantined"] and plan.on_quarantine == "stop":
        raise ValidationFailed(
            f"the data of {plan.path.name} broke its contracts; nothing was analysed.\n{status['summary']}\n"
            f"Every failing row is listed in {quarantine}. To analyse the accepted rows and report the "
            "others instead, set on_quarantine: continue in the plan.")


def run_plan(plan_path: Path, out_dir: Path | None = None) -> Path:
    """Run the whole evaluation of a plan; returns the output folder.

    Stops with ValidationFailed (exit 1) when a table is broken, or when rows were quarantined
    and the plan does not say `on_quarantine: continue`, naming the quarantine table;
    AnalysisFailed (exit 4) names the notebook and cell that failed.
    """
    plan = load_plan(plan_path)
    out_dir = (out_dir or default_out_dir(plan.path)).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in (out_dir / PARTS).glob("*.csv"):
        stale.unlink()
    execute_notebook(VALIDATION, plan.path, out_dir)
    status = json.loads((out_dir / "validation" / "status.json").read_text(encoding="utf-8"))
    check_validation(status, plan, out_dir)
    for name in ANALYSES:
        execute_notebook(name, plan.path, out_dir)
    combine_effects(out_dir)
    execute_notebook(EVIDENCE, plan.path, out_dir)
    report = execute_notebook(REPORT, plan.path, out_dir)
    from evaluation.reporting.render import html_to_pdf, notebook_to_html

    html = notebook_to_html(report, out_dir / "report.html", title=f"{plan.programme} {plan.period}")
    html_to_pdf(html, out_dir / "report.pdf")
    return out_dir
