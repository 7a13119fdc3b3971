"""`evaluation run PLAN.yaml`: the notebooks of `notebooks/` executed in order by papermill, then
the rendered report.

Output folder layout (`evaluation.steps.workspace` describes what the steps write)::

    OUT/notebooks/NN-*.ipynb       executed notebooks (kernel.log: the kernels' own messages)
    OUT/validation/                validation summary, quarantine table, validation.html, fix-lists/
    OUT/results/*.csv              the results tables (README: "What a run writes")
    OUT/report.html                the annual report (no code, figures embedded)
    OUT/report.pdf                 the same report printed to A4 pages
    OUT/work/                      row-level intermediate data; never shared
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from evaluation import errors
from evaluation.config.plan import load_plan
from evaluation.errors import AnalysisFailed
from evaluation.resources import NOTEBOOKS_DIR
from evaluation.steps import NOTEBOOKS, workspace

VALIDATION = "01-validation.ipynb"
REPORT = "05-annual-report.ipynb"
STEPS = tuple(NOTEBOOKS)  # the order they run in: validation first, the report last


class Progress:
    """One line per step of a run on `stream` (none: silent): its name, then its elapsed time."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.started = time.perf_counter()

    def _print(self, text: str, end: str = "\n") -> None:
        if self.stream is not None:
            print(text, end=end, file=self.stream, flush=True)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        self._print(f"  {name:<32}", end="")
        start = time.perf_counter()
        try:
            yield
        except BaseException:
            self._print(f"stopped after {time.perf_counter() - start:.1f} s")
            raise
        self._print(f"{time.perf_counter() - start:6.1f} s")

    def line(self, text: str) -> None:
        self._print(text)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


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
                str(NOTEBOOKS_DIR / name),
                str(target),
                parameters={"plan_path": str(plan_path), "out_dir": str(out_dir)},
                kernel_name="python3",
                progress_bar=False,
                cwd=str(NOTEBOOKS_DIR),
            )
    except PapermillExecutionError as error:
        # The workbench's own errors (a plan naming an unknown subject, an unreadable file) keep
        # their class and exit code; anything else is a failed analysis.
        known = getattr(errors, error.ename, None)
        if isinstance(known, type) and issubclass(known, errors.EvaluationError):
            raise known(f"{error.evalue} (in notebook {name})") from None
        raise AnalysisFailed(
            f"notebook {name} failed in cell {error.exec_count}: {error.ename}: {error.evalue} "
            f"(executed notebook: {target})"
        ) from None
    return target


def default_out_dir(plan_path: Path) -> Path:
    """``build/<plan name>`` under the current folder."""
    return Path.cwd() / "build" / plan_path.stem


def run_plan(plan_path: Path, out_dir: Path | None = None, progress: Progress | None = None) -> Path:
    """Run the whole evaluation of a plan; returns the output folder.

    Stops with ValidationFailed (exit 1) when a table is broken, or when rows were quarantined
    and the plan does not say `on_quarantine: continue`, naming the quarantine table;
    AnalysisFailed (exit 4) names the notebook and cell that failed. `progress` prints each
    step with its elapsed time.
    """
    progress = progress or Progress()
    plan = load_plan(plan_path)
    out_dir = (out_dir or default_out_dir(plan.path)).resolve()
    plan = workspace.for_run(plan, out_dir)  # a demo plan's data: inside out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    workspace.forget_sections(out_dir)  # a run recomputes every result
    for name in STEPS:
        with progress.step(name.removesuffix(".ipynb")):
            executed = execute_notebook(name, plan.path, out_dir)
        if name == VALIDATION:
            workspace.check_validation(workspace.validation_status(out_dir), plan, out_dir)
    from evaluation.reporting.render import html_to_pdf, notebook_to_html

    with progress.step("report.html"):
        html = notebook_to_html(executed, out_dir / "report.html", title=f"{plan.programme} {plan.period}")
    with progress.step("report.pdf"):
        html_to_pdf(html, out_dir / "report.pdf")
    return out_dir
