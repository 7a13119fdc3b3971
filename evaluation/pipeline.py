"""`evaluation run PLAN.yaml`: the notebooks of `notebooks/` executed in order by papermill, then
the rendered report.

Output folder layout: `evaluation.steps.workspace` (``OUT/shared/`` may be shared: the report,
the results tables, the validation page; ``OUT/restricted/`` may not: rows and ids of the
schools' files, the executed notebooks with their kernels' log, the cached data).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from evaluation import errors
from evaluation.config.plan import Plan, load_plan
from evaluation.errors import AnalysisFailed, UnreadableInputError, ValidationFailed
from evaluation.resources import NOTEBOOKS_DIR
from evaluation.steps import NOTEBOOKS, workspace

VALIDATION = "01-validation.ipynb"
NOTEBOOK_ORDER = tuple(NOTEBOOKS)  # the order they run in: validation first, the report last


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


def execute_notebook(name: str, plan_path: Path, out_dir: Path, language: str = "") -> Path:
    """Run one notebook of `notebooks/` with the plan and output folder as parameters; with a
    `language` (the report notebook in one of the plan's translations) that too, the executed
    notebook kept in ``restricted/notebooks/<language>/``."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    parameters = {"plan_path": str(plan_path), "out_dir": str(out_dir)}
    target = out_dir / workspace.EXECUTED_NOTEBOOKS / name
    if language:
        parameters["language"] = language
        target = out_dir / workspace.EXECUTED_NOTEBOOKS / language / name
    target.parent.mkdir(parents=True, exist_ok=True)
    logging.getLogger("papermill").setLevel(logging.WARNING)
    try:
        with _stderr_to(target.parent / "kernel.log"):
            papermill.execute_notebook(
                str(NOTEBOOKS_DIR / name),
                str(target),
                parameters=parameters,
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


INCOMPLETE = "INCOMPLETE.txt"
_INCOMPLETE_NOTE = (
    "This folder holds an evaluation run that did not finish: it was stopped, failed or is still running.\n"
    "The last complete output is in {final}. The next run into that folder removes this one.\n"
)


def staging_folder(final: Path) -> Path:
    """Where a run into `final` writes until it is complete: a folder beside it."""
    return final.with_name(final.name + ".incomplete")


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 with RENAME_EXCHANGE); False where the system
    cannot (then the caller renames twice)."""
    if sys.platform != "linux":
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return done == 0


def swap_in(staging: Path, final: Path) -> None:
    """Make the complete run in `staging` the output folder `final`, in one step where the system
    allows it: a reader sees the previous output or the new one, never a mix."""
    (staging / INCOMPLETE).unlink(missing_ok=True)
    if not final.exists():
        os.rename(staging, final)
        return
    if _exchange(staging, final):
        shutil.rmtree(staging)  # now the previous output
        return
    previous = final.with_name(final.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    os.rename(final, previous)
    os.rename(staging, final)
    shutil.rmtree(previous)


def _start_staging(final: Path, progress: Progress) -> Path:
    """An empty staging folder beside `final`, marked incomplete; a staging folder left by a run
    that was cut short is said and removed."""
    if final.exists() and not final.is_dir():
        raise UnreadableInputError(f"{final}: the output folder is a file; name a folder (--out)")
    staging = staging_folder(final)
    if staging.exists():
        progress.line(f"An earlier run into {final} did not finish; its partial output {staging} is replaced.")
        shutil.rmtree(staging)
    previous = final.with_name(final.name + ".previous")
    if previous.exists() and not final.exists():  # cut short between the two renames of a swap
        os.rename(previous, final)
    staging.mkdir(parents=True)
    (staging / INCOMPLETE).write_text(_INCOMPLETE_NOTE.format(final=final), encoding="utf-8")
    return staging


def run_plan(plan_path: Path, out_dir: Path | None = None, progress: Progress | None = None) -> Path:
    """Run the whole evaluation of a plan; returns the output folder.

    All or nothing: the run writes into a folder beside the output folder
    (`staging_folder`, marked by an INCOMPLETE.txt) and swaps it in only when it is complete
    (`swap_in`); a run that fails or is killed leaves the previous output as it was, and its
    partial output in the staging folder, which the next run removes.

    Stops with ValidationFailed (exit 1) when a table is broken, or when rows were quarantined
    and the plan does not say `on_quarantine: continue`, naming the quarantine table: the
    validation outputs (fix lists, validation page) are then the run's output. AnalysisFailed
    (exit 4) names the notebook and cell that failed. `progress` prints each step with its
    elapsed time.
    """
    progress = progress or Progress()
    plan = load_plan(plan_path)
    final = (out_dir or default_out_dir(plan.path)).resolve()
    if not plan.demo:  # a missing data folder or table, or a survey outcome its instrument cannot
        workspace.ensure_data(plan, final)  # give, stops the run before anything is written
        workspace.check_outcomes(plan)
        workspace.check_required_tables(plan)
    staging = _start_staging(final, progress)
    plan = workspace.for_run(plan, staging)  # a demo plan's data: inside the output folder
    workspace.ensure_data(plan, staging)
    workspace.check_outcomes(plan)
    workspace.check_required_tables(plan)
    for name in NOTEBOOK_ORDER:
        with progress.step(name.removesuffix(".ipynb")):
            executed = execute_notebook(name, plan.path, staging)
        if name == VALIDATION:
            try:
                workspace.check_validation(workspace.validation_status(staging), plan, final)
                for year in plan.earlier_years:  # each earlier year's folder against its contracts too
                    workspace.load_year(plan, year, staging, named_dir=final)
            except ValidationFailed:
                swap_in(staging, final)  # the fix lists and the validation page are this run's output
                raise
    render_language(plan, staging, plan.language, executed, progress)
    for language in plan.translations:  # the analysis ran once: only the report is written again
        render_language(plan, staging, language, None, progress)
    swap_in(staging, final)
    return final


REPORT_NOTEBOOK = NOTEBOOK_ORDER[-1]


def render_language(
    plan: Plan, out_dir: Path, language: str, executed: Path | None = None, progress: Progress | None = None
) -> Path:
    """Write the run's outputs for people in one `language` (the plan's own, or one of its
    ``translations``) into ``shared/`` or ``shared/<language>/`` (`workspace.shared_in`): the
    report from the executed report notebook (`executed`; None: the report notebook is executed
    again with `language` as its parameter, on the results this run wrote), its PDF and the
    results workbook. Returns that folder."""
    from evaluation.reporting.render import html_to_pdf, notebook_to_html
    from evaluation.steps.workbook import write_workbook

    progress = progress or Progress()
    folder = out_dir / workspace.shared_in(plan, language)
    folder.mkdir(parents=True, exist_ok=True)
    prefix = "" if language == plan.language else f"{language}/"
    if executed is None:
        with progress.step(f"{prefix}{REPORT_NOTEBOOK.removesuffix('.ipynb')}"):
            executed = execute_notebook(REPORT_NOTEBOOK, plan.path, out_dir, language=language)
    with progress.step(f"{prefix}report.html"):
        html = notebook_to_html(
            executed, folder / "report.html", title=f"{plan.programme} {plan.period}", language=language
        )
    with progress.step(f"{prefix}report.pdf"):
        html_to_pdf(html, folder / "report.pdf")
    with progress.step(f"{prefix}results.xlsx"):
        write_workbook(plan, out_dir, folder / "results.xlsx", language)
    # Seam for the pages per school and per partnership (issue 14, part 2): rendered here in `language`.
    return folder
