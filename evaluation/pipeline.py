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
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

from evaluation import errors
from evaluation.config.plan import Plan, load_plan
from evaluation.errors import AnalysisFailed, PagesFailed, UnreadableInputError, ValidationFailed
from evaluation.resources import NOTEBOOKS_DIR
from evaluation.steps import NOTEBOOK_NAMES, parallel, workspace
from evaluation.wording import text

VALIDATION = "01-validation.ipynb"
NOTEBOOK_ORDER = NOTEBOOK_NAMES  # the order they run in: validation first, the report last


class Progress:
    """One line per step of a run on `stream` (none: silent): its name, then its elapsed time.
    `on_step`, when given, is called with a step's name and ``"start"`` as it starts and ``"end"``
    as it ends (or stops), for the steps and the counted units alike (benchmarks/run.py times the
    stages with it)."""

    def __init__(self, stream: TextIO | None = None, on_step: Callable[[str, str], None] | None = None) -> None:
        self.stream = stream
        self.on_step = on_step
        self.started = time.perf_counter()

    def _event(self, name: str, event: str) -> None:
        if self.on_step is not None:
            self.on_step(name, event)

    def _print(self, text: str, end: str = "\n") -> None:
        if self.stream is not None:
            print(text, end=end, file=self.stream, flush=True)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        self._print(f"  {name:<32}", end="")
        self._event(name, "start")
        start = time.perf_counter()
        try:
            yield
        except BaseException:
            self._event(name, "end")
            self._print(f"stopped after {time.perf_counter() - start:.1f} s")
            raise
        self._event(name, "end")
        self._print(f"{time.perf_counter() - start:6.1f} s")

    def line(self, text: str) -> None:
        self._print(text)

    def counter(self, name: str, total: int) -> UnitCounter:
        """A step of `total` units (pages) that says how many are done as they finish."""
        return UnitCounter(self, name, total)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


class UnitCounter:
    """The progress of a step made of units, such as ``school pages 12/35``: on a terminal one line
    rewritten as each unit finishes; in a log, a line at every tenth of the units; then the step's
    line with its time, as `Progress.step` writes it."""

    def __init__(self, progress: Progress, name: str, total: int) -> None:
        self.progress, self.name, self.total, self.done = progress, name, total, 0
        stream = progress.stream
        self.terminal = stream is not None and hasattr(stream, "isatty") and stream.isatty()
        self.every = max(1, -(-total // 10))
        progress._event(name, "start")
        self.started = time.perf_counter()

    def advance(self) -> None:
        self.done += 1
        counted = f"{self.done}/{self.total}"
        if self.terminal:
            self.progress._print(f"\r  {self.name:<32}{counted:>6}", end="")
        elif self.done % self.every == 0 and self.done < self.total:
            self.progress._print(f"  {self.name:<32}{counted:>6}")

    def finish(self) -> None:
        elapsed = time.perf_counter() - self.started
        self.progress._event(self.name, "end")
        start = "\r" if self.terminal else ""
        self.progress._print(f"{start}  {f'{self.name} {self.done}/{self.total}':<32}{elapsed:6.1f} s")


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
                engine_name=_kept_kernel_engine(),
                km=kept_kernel(),  # one kernel for the run's notebooks: the workbench imported once
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
    elapsed time. After the report, a page per school and partnership (`render_pages`): a page
    that fails is reported and the run completes; when every page fails, the run completes and
    then raises PagesFailed (exit 5).
    """
    progress = progress or Progress()
    plan = load_plan(plan_path)
    with parallel.engine(plan.scheduler) as running, parallel.exported(running):  # exit 6 when unreachable
        return _run(plan, out_dir, progress, running)


def _run(plan: Plan, out_dir: Path | None, progress: Progress, running: parallel.Engine) -> Path:
    final = (out_dir or default_out_dir(plan.path)).resolve()
    if not plan.demo:  # a missing data folder or table, or a survey outcome its instrument cannot
        workspace.ensure_data(plan, final)  # give, stops the run before anything is written
        workspace.check_outcomes(plan)
        workspace.check_required_tables(plan)
    staging = _start_staging(final, progress)
    try:
        return _run_into(plan, final, staging, progress, running)
    finally:
        stop_kept_kernel()  # the notebooks' kernel (`execute_notebook`) lives as long as the run


def _run_into(plan: Plan, final: Path, staging: Path, progress: Progress, running: parallel.Engine) -> Path:
    """`run_plan`'s work once the staging folder is there."""
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
    languages = (plan.language, *plan.translations)
    for language in languages:  # the analysis ran once: only the report is written again
        report_html(plan, staging, language, executed if language == plan.language else None, progress)
    documents = "report.pdf, results.xlsx" + (f" ({', '.join(languages)})" if len(languages) > 1 else "")
    with progress.step(documents):  # every language's PDF and workbook at once, on the run's workers
        write_documents(plan, staging, languages, running)
    pages = {}
    for language in languages:
        if plan.school_pages:
            stop_kept_kernel()  # its tables are not held while the pages' workers run
            folder = workspace.shared_in(plan, language) / SCHOOL_PAGES.name
            pages[folder] = render_pages(
                plan.path, staging, progress, language=language, folder=folder, running=running
            )
    swap_in(staging, final)
    for folder, outcome in pages.items():
        check_pages(outcome, final / folder)
    return final


def check_pages(pages: dict[tuple[str, str], str | None], folder: Path) -> None:
    """The run's policy on pages that failed: some failing is reported (by `render_pages`) and the
    run succeeds; all failing (and at least one unit) raises PagesFailed (exit 5), after the
    output was written."""
    failed = [reason for reason in pages.values() if reason is not None]
    if pages and len(failed) == len(pages):
        raise PagesFailed(
            f"no page of {folder} could be made (the report and the results were written); the first reason: "
            f"{failed[0]}"
        )


# --- the pages per school and per partnership ------------------------------------------------------

#: Where the pages go, under the output folder: shared (aggregates only), with their index.
SCHOOL_PAGES = workspace.SHARED / "schools"
#: Where their executed notebooks go (with the others: restricted).
EXECUTED_PAGES = workspace.EXECUTED_NOTEBOOKS / "pages"


# --- one kernel kept for the notebooks a process runs -------------------------------------------

#: What the kept kernel runs before each notebook: a new session (empty namespace, cells counted
#: from 1, as in a kernel just started) and warnings shown again; the modules stay imported, which
#: is the point: a process starts one kernel and imports the workbench once for all its notebooks.
_FRESH_SESSION = (
    "get_ipython().reset(new_session=True)\n"
    "import warnings as _warnings\n"
    "getattr(_warnings, '_filters_mutated', lambda: None)()\n"
    "del _warnings"
)
#: The papermill engine that runs a notebook in the kept kernel (`_kept_kernel_engine`).
KEPT_KERNEL_ENGINE = "evaluation-kept-kernel"
#: This process's kept kernel: its manager and the environment it was started with.
_KEPT: dict[str, object] = {}


def _kept_kernel_engine() -> str:
    """Register (once per process) a papermill engine that runs a notebook in the kernel it is
    given, after a fresh session (`_FRESH_SESSION`), and leaves the kernel running; it closes its
    own connection to the kernel. Returns the engine's name."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    if KEPT_KERNEL_ENGINE in papermill_engines._engines:
        return KEPT_KERNEL_ENGINE

    class KeptKernelClient(PapermillNotebookClient):
        def papermill_execute_cells(self):
            self.wait_for_reply(self.kc.execute(_FRESH_SESSION, silent=True, store_history=False))
            super().papermill_execute_cells()

        def execute(self, **kwargs):
            try:
                return super().execute(**kwargs)
            finally:
                if self.kc is not None:
                    self.kc.stop_channels()
                    self.kc = None

    class KeptKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):  # fmt: skip
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log=logger, log_output=log_output, stdout_file=stdout_file,
                                 stderr_file=stderr_file)  # fmt: skip
            return KeptKernelClient(nb_man, **final).execute()

    papermill_engines.register(KEPT_KERNEL_ENGINE, KeptKernelEngine)
    return KEPT_KERNEL_ENGINE


def kept_kernel():
    """This process's kernel manager for notebooks (`execute_notebook`, each page's
    `_render_unit`): its kernel is started by the first notebook's execution and kept for the
    next; started again when it died or when this process's environment changed since (a kernel
    inherits the environment when it starts); shut down by `stop_kept_kernel` or when the process
    ends."""
    from jupyter_client.manager import AsyncKernelManager  # nbclient's own kind
    from jupyter_core.utils import run_sync

    environment = sorted(os.environ.items())
    km = _KEPT.get("km")
    if km is not None and (_KEPT.get("environment") != environment or (km.has_kernel and not run_sync(km.is_alive)())):
        stop_kept_kernel()
        km = None
    if km is None:
        import atexit
        from multiprocessing import util

        if not _KEPT.get("registered"):
            util.Finalize(None, stop_kept_kernel, exitpriority=10)  # a pool's worker ends through here
            atexit.register(stop_kept_kernel)
            _KEPT["registered"] = True
        km = _KEPT["km"] = AsyncKernelManager(kernel_name="python3")
        _KEPT["environment"] = environment
    return km


def stop_kept_kernel() -> None:
    """Shut down this process's kept kernel, if one runs."""
    from jupyter_core.utils import run_sync

    km = _KEPT.pop("km", None)
    _KEPT.pop("environment", None)
    if km is not None and km.has_kernel:
        with suppress(Exception):  # already gone
            run_sync(km.shutdown_kernel)(now=True)
        with suppress(Exception):
            run_sync(km.cleanup_resources)()


def _render_unit(notebook: str, plan_path: str, out_dir: str, kind: str, unit_id: str, language: str, page: str,
                 executed: str, title: str) -> tuple[str, str, str | None]:  # fmt: skip
    """In a worker process: run `notebook` (notebook 06) for one unit into `executed` and render it
    to `page` (both relative to `out_dir`). Returns (kind, id, reason): reason None when the page was
    written, else why not, in one line."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from evaluation.reporting.render import notebook_to_html

    out = Path(out_dir)
    executed_path = out / executed
    executed_path.parent.mkdir(parents=True, exist_ok=True)
    logging.getLogger("papermill").setLevel(logging.WARNING)
    parameters = dict(plan_path=plan_path, out_dir=out_dir, unit_kind=kind, unit_id=unit_id, language=language)
    try:
        with _stderr_to(executed_path.parent / "kernel.log"):
            papermill.execute_notebook(
                notebook,
                str(executed_path),
                parameters=parameters,
                kernel_name="python3",
                progress_bar=False,
                cwd=str(NOTEBOOKS_DIR),
                engine_name=_kept_kernel_engine(),
                km=kept_kernel(),  # this worker's kernel: started once, kept for its next pages
            )
        notebook_to_html(executed_path, out / page, title=title, language=language)
    except PapermillExecutionError as error:
        return kind, unit_id, f"{error.ename}: {_one_line(error.evalue)} (cell {error.exec_count})"
    except Exception as error:  # a kernel that died, a page that could not be written: this unit only
        return kind, unit_id, f"{type(error).__name__}: {_one_line(str(error))}"
    return kind, unit_id, None


_one_line = parallel.one_line

#: The pages a worker renders in one unit of work (`_render_batch`), at most: enough to pay its
#: scheduling once for many pages, few enough that the batches spread over the workers.
PAGES_PER_BATCH = 50
#: The run and notebook 06 a worker's batches share (`_batch_setup`): one pages' rendering's.
_BATCH: dict = {}


def _batch_setup(notebook: str, plan_path: str, out_dir: str, token: str):
    """(run, notebook) for the batches of one `render_pages` call (`token`), made by this
    process's first batch of it and kept for the next: the run's `PageData` (every unit, its file,
    the results per school and partnership) is then gathered once per worker, not once per page."""
    from evaluation import steps
    from evaluation.reporting.page_notebook import PageNotebook

    key = (notebook, plan_path, out_dir, token)
    if _BATCH.get("key") != key:
        _BATCH.clear()
        page_notebook = PageNotebook(Path(notebook), steps.school_page.SECTIONS)
        run = None
        if page_notebook.sections is not None:  # as the notebook's set-up cell does, from notebooks/
            run = steps.setup(NOTEBOOKS_DIR / plan_path, NOTEBOOKS_DIR / out_dir)
        _BATCH.update(key=key, value=(run, page_notebook))
    return _BATCH["value"]


def _render_batch(notebook: str, plan_path: str, out_dir: str, language: str, token: str,
                  pages: list[tuple[str, str, str, str, str]]) -> list[tuple[str, str, str | None]]:  # fmt: skip
    """In a worker process: the pages of `pages` ((kind, id, page, executed, title) each, as
    `_render_unit` takes them), each as notebook 06 would make it, without a kernel
    (`_render_in_process`). A notebook that is not notebook 06's cells (one changed by hand or by a
    test) is run by papermill, page by page (`_render_unit`). Returns (kind, id, reason) per page."""
    run, page_notebook = _batch_setup(notebook, plan_path, out_dir, token)
    done = []
    for kind, unit_id, page, executed, title in pages:
        if run is None:
            done.append(_render_unit(notebook, plan_path, out_dir, kind, unit_id, language, page, executed, title))
        else:
            parameters = dict(plan_path=plan_path, out_dir=out_dir, unit_kind=kind, unit_id=unit_id, language=language)
            reason = _render_in_process(run, page_notebook, parameters, Path(out_dir), page, executed, title)
            done.append((kind, unit_id, reason))
    return done


def _render_in_process(run, page_notebook, parameters: dict, out: Path, page: str, executed: str,
                       title: str) -> str | None:  # fmt: skip
    """One page as notebook 06 makes it, in this process: its set-up cell's `unit_page` on the
    batch's run, then each section the notebook calls, each `Shown` turned into the outputs a
    kernel would have sent (`page_notebook.displayed`); the executed notebook written to `executed`,
    the page to `page` (both under `out`) by the exporter of `notebook_html`. Returns None, or why
    the page was not made in one line, as `_render_unit` does (the failing cell's number)."""
    from evaluation.reporting import page_notebook as notebooks
    from evaluation.reporting.render import notebook_html
    from evaluation.steps import school_page

    nb = page_notebook.parameterised(parameters, out / executed)
    cells = nb.cells[2:]  # the parameters and injected cells: no output
    calls = [None, *page_notebook.sections]  # the set-up cell, then one section per cell
    shown_page = None
    try:
        for cell, section in zip(cells, calls, strict=True):
            try:
                if section is None:
                    shown_page = school_page.unit_page(
                        run, parameters["unit_kind"], parameters["unit_id"], parameters["language"]
                    )
                else:  # by name: the module's function as the notebook would call it now
                    cell.outputs = notebooks.displayed(getattr(school_page, section.__name__)(shown_page))
            except Exception as error:
                cell.outputs = [notebooks.error_output(error)]
                notebooks.write_executed(nb, out / executed)
                return f"{type(error).__name__}: {_one_line(str(error))} (cell {cell.execution_count})"
        notebooks.write_executed(nb, out / executed)
        (out / page).write_text(notebook_html(nb, title, parameters["language"]), encoding="utf-8")
    except Exception as error:  # a page that could not be written: this unit only
        return f"{type(error).__name__}: {_one_line(str(error))}"
    return None


def render_pages(
    plan_path: Path,
    out_dir: Path,
    progress: Progress,
    language: str | None = None,
    folder: Path | None = None,
    notebook: Path | None = None,
    running: parallel.Engine | None = None,
) -> dict[tuple[str, str], str | None]:
    """A page per school and per partnership of the run in `out_dir`: notebook 06 executed by
    papermill once per unit on `running` (`evaluation.steps.parallel`; None: an engine of its own
    for these pages), each rendered to
    ``shared/schools/<kind>-<id>.html`` (`evaluation.reporting.school_pages.page_files`), its
    executed notebook under ``restricted/notebooks/pages/``, then the index page
    ``shared/schools/index.html``. `language` is the pages' (the plan's when None); `folder`
    another folder under `out_dir` for them (a second language's). A unit that fails is reported
    (on `progress` and in the index, with its reason) and the others go on. Returns (kind, id) ->
    None for each page written, or the reason it is missing. `notebook` replaces notebook 06
    (tests run one that fails for some units)."""
    from evaluation import steps
    from evaluation.reporting import school_pages

    run = steps.setup(plan_path, out_dir)
    language = language or run.language
    for table in ("schools", "partnerships", "group_means", "effects", "activities"):
        run.table(table)  # written now, once, if missing: the workers only read them
    units = steps.school_page.units(run)
    files = school_pages.page_files(units)
    folder = folder or SCHOOL_PAGES
    notebook = notebook or NOTEBOOKS_DIR / steps.PAGE_NOTEBOOK
    (out_dir / folder).mkdir(parents=True, exist_ok=True)
    outcome: dict[tuple[str, str], str | None] = {}
    if units:
        counter = progress.counter("school pages" if folder == SCHOOL_PAGES else f"{language}/school pages", len(units))
        token = uuid.uuid4().hex  # this call's batches share their worker's run (`_batch_setup`)
        size = max(1, min(PAGES_PER_BATCH, -(-len(units) // 16)))  # 16 batches or more, as the units allow
        batches = [units[start : start + size] for start in range(0, len(units), size)]
        work = []
        for batch in batches:
            pages = []
            for unit in batch:
                page = folder / files[(unit.kind, unit.id)]
                executed = EXECUTED_PAGES / language / page.with_suffix(".ipynb").name
                pages.append((unit.kind, unit.id, str(page), str(executed), unit.name))
            arguments = (str(notebook), str(plan_path), str(out_dir), language, token, pages)
            work.append(parallel.Unit(f"pages-{batch[0].kind}-{batch[0].id}", _render_batch, arguments))

        sizes = {unit.name: len(batch) for unit, batch in zip(work, batches, strict=True)}

        def advance(done: parallel.Done) -> None:
            for _ in range(sizes[done.name]):
                counter.advance()

        with _running(running) as engine:
            done = engine.run(work, on_done=advance)
        _BATCH.clear()  # this process's, when the pages ran here: its run's tables are not kept
        for batch, result in zip(batches, done, strict=True):
            for position, unit in enumerate(batch):
                outcome[(unit.kind, unit.id)] = result.value[position][2] if result.ok else result.reason
        counter.finish()
    failed = {key: reason for key, reason in outcome.items() if reason is not None}
    prefix = "" if folder == SCHOOL_PAGES else f"{language}/"
    title = text("pages.index.title", language, programme=run.plan.programme, period=run.plan.period)
    school_pages.write_index(out_dir / folder / school_pages.INDEX, units, files, failed, title, language)
    for (kind, unit_id), reason in failed.items():
        progress.line(f"  {prefix}{kind} {unit_id}: page not made: {reason}")
    return outcome


@contextmanager
def _running(running: parallel.Engine | None) -> Iterator[parallel.Engine]:
    """`running`, or an engine of the environment's for this batch alone."""
    if running is not None:
        yield running
        return
    with parallel.engine() as engine:
        yield engine


REPORT_NOTEBOOK = NOTEBOOK_ORDER[-1]


def report_html(
    plan: Plan, out_dir: Path, language: str, executed: Path | None = None, progress: Progress | None = None
) -> Path:
    """The run's report for people in one `language` (the plan's own, or one of its
    ``translations``): the report notebook (`executed`; None: executed again with `language` as
    its parameter, on the results this run wrote) rendered to ``report.html`` in ``shared/`` or
    ``shared/<language>/`` (`workspace.shared_in`). Returns that folder; its PDF and results
    workbook follow (`write_documents`), then the pages per school and partnership
    (`render_pages`)."""
    from evaluation.reporting.render import notebook_to_html

    progress = progress or Progress()
    folder = out_dir / workspace.shared_in(plan, language)
    folder.mkdir(parents=True, exist_ok=True)
    prefix = "" if language == plan.language else f"{language}/"
    if executed is None:
        with progress.step(f"{prefix}{REPORT_NOTEBOOK.removesuffix('.ipynb')}"):
            executed = execute_notebook(REPORT_NOTEBOOK, plan.path, out_dir, language=language)
    with progress.step(f"{prefix}report.html"):
        notebook_to_html(executed, folder / "report.html", title=f"{plan.programme} {plan.period}", language=language)
    return folder


def write_documents(plan: Plan, out_dir: Path, languages: tuple[str, ...], running: parallel.Engine) -> None:
    """For every language at once, each one's ``report.pdf`` (from its report.html) and
    ``results.xlsx``: independent units on `running` (the run's workers: the PDFs of two
    languages print side by side). AnalysisFailed naming each one that failed."""
    folders = {language: out_dir / workspace.shared_in(plan, language) for language in languages}
    units = [  # the PDFs first: they take longest
        *(parallel.Unit(f"{language} report.pdf", _write_pdf, (folder / "report.html", folder / "report.pdf"))
          for language, folder in folders.items()),
        *(parallel.Unit(f"{language} results.xlsx", _write_workbook, (plan, out_dir, folder / "results.xlsx", language))
          for language, folder in folders.items()),
    ]  # fmt: skip
    failed = [f"{done.name}: {done.reason}" for done in running.run(units) if not done.ok]
    if failed:
        raise AnalysisFailed("the report could not be written: " + "; ".join(failed))


def _write_pdf(html: Path, target: Path) -> Path:
    from evaluation.reporting.render import html_to_pdf

    return html_to_pdf(html, target)


def _write_workbook(plan: Plan, out_dir: Path, target: Path, language: str) -> Path:
    from evaluation.steps.workbook import write_workbook

    return write_workbook(plan, out_dir, target, language)
