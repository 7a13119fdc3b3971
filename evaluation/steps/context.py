"""The shared set-up of every notebook: the plan, the output folder and what the sections of a
run share (accepted tables, instruments, each outcome's pre/post frame), loaded once and kept.

A section is a function of the run (`section`): it computes one piece of a notebook, writes its
results tables and returns what the notebook shows. `Run.table` reads a results table and, when
it is missing or was written from another plan or data, runs the section that writes it first,
so every notebook runs on its own, in any order.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

import pandas as pd

from evaluation.config.plan import Plan, load_plan
from evaluation.errors import AnalysisFailed, PlanError, UnreadableInputError
from evaluation.steps import workspace

#: Results table -> the sections that write it (registered by `section` as its step is imported).
WRITERS: dict[str, list[Callable]] = {}
#: Results table -> the sections that write it ("<step>.<function>"), known before any step is
#: imported: `Run.table` checks a table is current without importing its writer (a page's kernel
#: imports no model's libraries) and imports the writer only to run it. tests/steps/test_context.py
#: checks it against `WRITERS` once every step is imported.
TABLE_SECTIONS: dict[str, tuple[str, ...]] = {
    "activities": ("activities.calendar",),
    "activity_summary": ("activities.calendar",),
    "activity_months": ("activities.calendar",),
    "evidence": ("evidence.evidence",),
    "balance": ("evidence.balance",),
    "balance_test": ("evidence.balance",),
    "effects": ("partner_vs_control.estimates", "prepost.mean_change"),
    "matching": ("partner_vs_control.comparison_schools",),
    "matching_balance": ("partner_vs_control.comparison_schools",),
    "missing": ("partner_vs_control.missing_data",),
    "design": ("partner_vs_control.design",),
    "group_means": ("prepost.means",),
    "attrition": ("prepost.attrition",),
    "scales": ("prepost.reliability",),
    "items": ("prepost.reliability",),
    "test_reliability": ("prepost.tests_and_items",),
    "test_items": ("prepost.tests_and_items",),
    "schools": ("prepost.schools_and_partnerships",),
    "partnerships": ("prepost.schools_and_partnerships",),
    "indicators": ("years.indicators",),
    "years": ("years.findings_by_year",),
}


def _writer(table: str, name: str) -> Callable:
    """The section `name` that writes `table`, its step imported first when it is not yet."""
    for writer in WRITERS.get(table, ()):
        if writer.section == name:
            return writer
    step, function = name.split(".")
    return getattr(import_module(f"evaluation.steps.{step}"), function)


#: The outcomes' frames of the last run this process built them for, by the run's fingerprint
#: (plan, data, workbench) and output folder: the notebooks of a run share one kernel
#: (`evaluation.pipeline.kept_kernel`), and each builds its own `Run`.
_FRAMES: dict[tuple[str, str], dict[str, pd.DataFrame]] = {}


@dataclass
class Run:
    """One run of a plan into an output folder, as the notebooks and the pipeline share it."""

    plan: Plan
    out_dir: Path
    #: The plan as loaded, when `plan` is it with another report language (`setup`'s `language`):
    #: validation and its cache keep the plan's own language (the fix lists and validation page).
    validated_plan: Plan | None = None
    _cache: dict = field(default_factory=dict, repr=False)
    _written: list[Path] = field(default_factory=list, repr=False)

    @property
    def fingerprint(self) -> str:
        """What every result of this run depends on, now: plan, data and workbench
        (`workspace.run_fingerprint`; taken afresh, so data changed meanwhile is noticed)."""
        return workspace.run_fingerprint(self.plan, self.out_dir)

    @property
    def language(self) -> str:
        return self.plan.language

    def _cached(self, key: str, make: Callable):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def accepted(self) -> dict[str, pd.DataFrame]:
        """Every accepted table of the plan's data (validated first when the cache is stale);
        stops (ValidationFailed) as the pipeline does when the plan's `on_quarantine` says so."""

        def load() -> dict[str, pd.DataFrame]:
            tables = workspace.load_accepted(self.validated_plan or self.plan, self.out_dir)
            workspace.check_validation(workspace.validation_status(self.out_dir), self.plan, self.out_dir)
            return tables

        return self._cached("accepted", load)

    @property
    def comparison(self):
        """(analysed tables, matching): the tables the analyses use, with only the matched
        comparison schools when the plan says ``comparison: matched`` (matching None otherwise)."""
        from evaluation.analysis.comparison import analysis_tables

        return self._cached("comparison", lambda: analysis_tables(self.plan, self.accepted))

    @property
    def analysed(self) -> dict[str, pd.DataFrame]:
        return self.comparison[0]

    @property
    def instruments(self) -> dict:
        return self._cached("instruments", lambda: workspace.load_instruments(self.plan))

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        """Per outcome id, one row per student or respondent with pre and post
        (`evaluation.analysis.frames.prepost_frame`) of the analysed tables. An outcome the data
        cannot give (a subject or survey it lacks), or a covariate the plan names and the data
        lacks, stops with a PlanError naming the plan file, before any model runs."""
        from evaluation.analysis.covariates import check_covariates
        from evaluation.analysis.frames import prepost_frames
        from evaluation.steps.parallel import available_processors

        def make() -> dict[str, pd.DataFrame]:
            key = (self.fingerprint, str(Path(self.out_dir).resolve()))
            if key in _FRAMES:  # the run's notebooks share one kernel: built by an earlier notebook
                return _FRAMES[key]
            try:
                check_covariates(self.analysed, self.plan)
                frames = prepost_frames(self.analysed, self.plan.outcomes, self.instruments, available_processors())
            except PlanError as error:
                raise PlanError(f"{self.plan.path}: {error}") from None
            _FRAMES.clear()  # one run's frames at a time
            _FRAMES[key] = frames
            return frames

        return self._cached("frames", make)

    @property
    def design(self) -> str:
        """``comparison`` (partner against control schools) or ``monitoring`` (no control schools
        with data: each school's and partnership's change before and after), from the analysed
        schools and the outcomes' frames (`evaluation.analysis.study_design`)."""
        from evaluation.analysis.study_design import study_design

        return self._cached("design", lambda: study_design(self.analysed["schools"], self.frames))

    @property
    def monitoring(self) -> bool:
        """True for a run without a comparison group (`design` is ``monitoring``)."""
        from evaluation.analysis.study_design import MONITORING

        return self.design == MONITORING

    @property
    def primary(self) -> str:
        """The method of the report's body and summary: the plan's ``primary_method``."""
        return self.plan.primary_method

    @property
    def covariates(self) -> tuple[str, ...]:
        """The covariates of the partner-versus-control models: the plan's list, or with
        ``covariates: auto`` those the balance table (results/balance.csv, written first when
        missing) shows above the threshold (`evaluation.analysis.covariates.auto_covariates`)."""
        from evaluation.analysis.covariates import auto_covariates

        if self.plan.covariates == "auto":
            return self._cached("covariates", lambda: auto_covariates(self.table("balance")))
        return tuple(self.plan.covariates)

    def save(self, frame: pd.DataFrame, name: str) -> Path:
        """Write the results table `name` (aggregates only)."""
        return self.wrote(workspace.save_result(frame, self.out_dir, name))

    def save_effects(self, effects: pd.DataFrame, analysis: str) -> Path:
        """Write one analysis step's rows of results/effects.csv (`workspace.save_effects`)."""
        return self.wrote(workspace.save_effects(effects, self.out_dir, analysis, self.fingerprint))

    def wrote(self, path: Path) -> Path:
        """Note a file the running section wrote: the section is current only while it is there as
        written (`workspace.section_is_current`)."""
        self._written.append(Path(path))
        return Path(path)

    def table(self, name: str) -> pd.DataFrame:
        """The results table `name`, written first by its sections when missing or out of date."""
        sections = TABLE_SECTIONS.get(name) or [writer.section for writer in WRITERS.get(name, ())]
        if not sections:
            known = ", ".join(sorted({*TABLE_SECTIONS, *WRITERS}))
            raise AnalysisFailed(f"no section writes the results table {name!r}; known: {known}")
        fingerprint = self.fingerprint
        for section_name in sections:
            if not workspace.section_is_current(self.out_dir, section_name, fingerprint):
                print(f"results/{name}.csv is missing or out of date: running {section_name} first", file=sys.stderr)
                _writer(name, section_name)(self)
        if name == "effects":  # joined afresh from the parts of this plan and data
            workspace.combine_effects(self.out_dir, self.fingerprint)
        return workspace.read_result(self.out_dir, name)


def section(*writes: str) -> Callable:
    """Mark a function of a `Run` as a notebook section that writes the results tables `writes`
    (and may write other outputs): after it ran, the run's fingerprint is recorded for it
    (`workspace.record_section`), which is how `Run.table` knows its tables are current."""

    def register(function: Callable) -> Callable:
        name = f"{function.__module__.rsplit('.', 1)[-1]}.{function.__name__}"

        @functools.wraps(function)
        def run_section(run: Run, *args, **kwargs):
            # a section may need a table another section writes first (`Run.table`): that one
            # records its own files, and this one's list of files goes on after it
            outer, run._written = run._written, []
            try:
                shown = function(run, *args, **kwargs)
                workspace.record_section(run.out_dir, name, run.fingerprint, run._written)
            finally:
                run._written = outer
            return shown

        run_section.section = name
        run_section.writes = writes
        for table in writes:
            WRITERS.setdefault(table, []).append(run_section)
        return run_section

    return register


def setup(plan_path: str | Path, out_dir: str | Path, language: str = "") -> Run:
    """The shared set-up of a notebook: the checked plan and the output folder (relative paths as
    given, from the notebook's folder), figures shown inline. `language` (one the workbench speaks;
    "" for the plan's own) writes what the notebook shows in another language than the plan's, as
    the pipeline renders the report of each of the plan's ``translations``: the results and the
    validation outputs stay as the plan's run wrote them."""
    _inline_figures()
    out = Path(out_dir).resolve()
    if out.exists() and not out.is_dir():
        raise UnreadableInputError(f"{out}: the output folder is a file; name a folder")
    plan = workspace.for_run(load_plan(plan_path), out)
    out.mkdir(parents=True, exist_ok=True)
    workspace.ensure_data(plan, out)  # a demo plan's data is written now; a missing folder stops here
    if language and language != plan.language:
        from dataclasses import replace

        from evaluation.wording import check_language

        return Run(plan=replace(plan, language=check_language(language)), out_dir=out, validated_plan=plan)
    return Run(plan=plan, out_dir=out)


def _inline_figures() -> None:
    """Figures drawn inline in a notebook (the pipeline's environment sets a non-interactive
    backend, which a kernel inherits)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebook stack
        return
    shell = get_ipython()
    if shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell":
        shell.run_line_magic("matplotlib", "inline")
