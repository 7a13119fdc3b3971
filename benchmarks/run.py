"""Benchmark of the whole evaluation: `evaluation run` on the demo generator's programme at about
``--students N`` students (1,000,000 is the national size), timed stage by stage, then the
comparison methods in the same process on the same data.

    python benchmarks/run.py [--students 1000000] [--runs 1] [--out FILE] [--skip-run] [--no-school-pages]

The programme is the one a ``demo: true`` plan gets (evaluation/demo: schools, students, two exams,
two surveys, activities, indicators; the same seed and settings) at ``DemoParameters(scale=S)``,
S = N / 3,780 rounded (one copy of the design is 28 schools of 3 grades of 40 to 50 students:
scale 1 is the demo itself, scale 265 about 1.0M students in 7,420 schools). It is written once
under ``build/benchmark/run-<N>/data/2022-2023`` and reused, with ``plan.yaml`` beside it: the
bundled demo plan (pipelines/demo.yaml) with ``demo: false`` and that data folder, so the run
reads the files as a real programme's. The plan keeps the demo plan's Turkish translation and its
pages per school and partnership (``--no-school-pages`` turns the pages off, in a plan of its own,
``plan-no-pages.yaml``).

Each run is a fresh Python process (so its peak memory is its own): `evaluation.pipeline.run_plan`
with a `Progress` whose ``on_step`` callback marks each step, then the comparisons on the
mathematics ANCOVA (post-test on partner school and pre-test, students clustered in schools):

- the project's random-intercept REML (`evaluation.stats.mixed.random_intercept_reml`) beside
  statsmodels' MixedLM (``smf.mixedlm(...).fit(reml=True)``), at full size;
- the project's CR2 (`evaluation.stats.cluster_robust.coefficient_test`) at full size, and on a
  subsample of schools beside the dense clubSandwich-style reference (benchmarks/dense_cr2.py).

Output: one JSON object per line and stage, ``{"stage", "seconds", "cpu_seconds", "peak_mb"}``
(comparison stages add their estimates' differences), then a summary object (``total_seconds``,
``peak_mb``, ``lmm_seconds``, ``statsmodels_mixedlm_seconds``, ``cr2_seconds``, ``rows``, ...).
With ``--runs K`` every number is the median over K runs (peak_mb too; the summary's
``peak_mb_max`` is the largest).

Measures: ``seconds`` is wall time; ``cpu_seconds`` is user + system time of this process, of
its children that have ended and been waited for (resource.getrusage RUSAGE_SELF +
RUSAGE_CHILDREN) and of every descendant still running at the stage's start and end (psutil:
the kept kernels and the Dask workers, which live across stages); ``peak_mb`` is the largest
resident memory of the process tree (this process and every descendant, summed) sampled every
0.2 s by psutil, which the run already has (ipykernel needs it). ru_maxrss is a high-water mark
over the whole process (and for children, the largest single child), so the summary gives it
once, as ``maxrss_self_mb`` and ``maxrss_children_mb``, not per stage.

It is a benchmark, not a test: the timings depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
DATA_ROOT = ROOT / "build" / "benchmark"
DEMO_PLAN = ROOT / "pipelines" / "demo.yaml"
STUDENTS_PER_COPY = 3780  # 28 schools x 3 grades x 45 students (40 to 50) per copy of the design
NATIONAL = 1_000_000
SUBSAMPLE_SCHOOLS = 300  # the dense reference CR2's subsample
OUTCOME = "mathematics"
STAGE_KEYS = ("stage", "seconds", "cpu_seconds", "peak_mb")
SUMMARY_KEYS = ("total_seconds", "peak_mb", "lmm_seconds", "statsmodels_mixedlm_seconds", "cr2_seconds", "rows")


# --- the programme ------------------------------------------------------------------------------


def scale_for(students: int) -> int:
    """The generator's scale that gives about `students` students."""
    return max(1, round(students / STUDENTS_PER_COPY))


def run_dir(students: int) -> Path:
    return DATA_ROOT / f"run-{students}"


def count_rows(path: Path) -> int:
    """Data rows of a CSV file (lines after the header); the generator writes no line breaks in
    its values."""
    lines = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 24):
            lines += chunk.count(b"\n")
    return max(lines - 1, 0)


def programme(students: int, root: Path | None = None) -> dict:
    """The benchmark programme at about `students` students, written on first use under
    ``run-<N>/`` (of `root`, default build/benchmark): its data folder, plan and input rows per
    file. A folder is complete once its ``manifest.json`` is written (the last file)."""
    folder = (root or DATA_ROOT) / f"run-{students}"
    manifest = folder / "manifest.json"
    if manifest.is_file():
        return json.loads(manifest.read_text(encoding="utf-8"))
    from evaluation.demo.params import DemoParameters
    from evaluation.demo.scenarios import DEFAULT_SEED
    from evaluation.demo.writer import write_demo_data

    scale = scale_for(students)
    data = folder / "data" / "2022-2023"
    print(f"Writing the benchmark programme (scale {scale}) to {data} ...", file=sys.stderr, flush=True)
    write_demo_data(data, seed=DEFAULT_SEED, params=DemoParameters(scale=scale))
    rows = {str(path.relative_to(data)): count_rows(path) for path in sorted(data.rglob("*.csv"))}
    plans = {pages: str(write_plan(folder, pages)) for pages in (True, False)}
    facts = {
        "students": students,
        "scale": scale,
        "data": str(data),
        "plan": plans[True],
        "plan_no_pages": plans[False],
        "rows": rows,
        "students_written": rows["students.csv"],
        "schools_written": rows["schools.csv"],
    }
    manifest.write_text(json.dumps(facts, indent=1), encoding="utf-8")
    return facts


def write_plan(folder: Path, school_pages: bool = True) -> Path:
    """The bundled demo plan with ``demo: false`` and the data folder beside it (a real
    programme's plan, relative to the plan file), its translations kept; without the pages when
    `school_pages` is false."""
    import yaml

    plan = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    plan["programme"] = "School Partnership Programme (benchmark)"
    plan["demo"] = False
    plan["data"] = "data/2022-2023"
    if not school_pages:
        plan["school_pages"] = False
    path = folder / ("plan.yaml" if school_pages else "plan-no-pages.yaml")
    header = "# Written by benchmarks/run.py from pipelines/demo.yaml: the demo programme read as real data.\n"
    path.write_text(header + yaml.safe_dump(plan, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# --- measuring stages ---------------------------------------------------------------------------


def cpu_seconds() -> float:
    """User + system CPU of this process, of its children that have ended and been waited for,
    and of every descendant still running (with the children each has waited for): a process
    that lives across stages (a Dask worker rendering pages, a kept kernel) is counted in the
    stages that used it, not in the one that ends it."""
    import psutil

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    with contextlib.suppress(psutil.Error):
        for process in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):  # ended between listing and reading
                times = process.cpu_times()
                total += times.user + times.system + times.children_user + times.children_system
    return total


class MemorySampler:
    """The resident memory of this process and all its descendants (summed), sampled every
    `interval` seconds in a thread; `mark()` starts a new stage's peak."""

    def __init__(self, interval: float = 0.2) -> None:
        import psutil

        self._process = psutil.Process()
        self._psutil = psutil
        self.interval = interval
        self.stage_peak = self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def sample(self) -> int:
        total = 0
        try:
            processes = [self._process, *self._process.children(recursive=True)]
        except self._psutil.Error:
            processes = [self._process]
        for process in processes:
            with contextlib.suppress(self._psutil.Error):  # ended between listing and reading
                total += process.memory_info().rss
        self.stage_peak = max(self.stage_peak, total)
        self.peak = max(self.peak, total)
        return total

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def mark(self) -> int:
        """The peak since the last mark (this sample included), and start a new one."""
        self.sample()
        peak, self.stage_peak = self.stage_peak, 0
        self.sample()
        return peak

    def __enter__(self) -> MemorySampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class StageTimer:
    """Stages in the order they end: wall seconds, CPU seconds (`cpu_seconds`) and peak memory
    (the `MemorySampler`'s) of each. `step(name, event)` is `Progress`'s ``on_step``; the time of
    a run outside its steps is given as the stages ``run: before the first step`` and ``run:
    between and after steps`` (`finish_run`)."""

    def __init__(self, sampler: MemorySampler | None, emit=None) -> None:
        self.sampler = sampler
        self.emit = emit  # called with each stage as it ends
        self.stages: list[dict] = []
        self._open: tuple[str, float, float] | None = None
        self._run_start: tuple[float, float] | None = None
        self._last_end: tuple[float, float] | None = None
        self._gaps = [0.0, 0.0, 0]  # seconds, CPU seconds, peak bytes outside the steps

    def _now(self) -> tuple[float, float]:
        return time.perf_counter(), cpu_seconds()

    def _peak(self) -> int:
        return self.sampler.mark() if self.sampler else 0

    def _add(self, name: str, wall: float, cpu: float, peak: int, **extra) -> dict:
        stage = {
            "stage": name,
            "seconds": round(wall, 3),
            "cpu_seconds": round(cpu, 3),
            "peak_mb": round(peak / 2**20, 1),
        }
        stage.update(extra)
        self.stages.append(stage)
        if self.emit is not None:
            self.emit(stage)
        return stage

    def start_run(self) -> None:
        self._run_start = self._last_end = self._now()
        self._peak()

    def step(self, name: str, event: str) -> None:
        wall, cpu = self._now()
        if event == "start":
            peak = self._peak()
            last_wall, last_cpu = self._last_end
            if not self.stages:  # the run's set-up: plan, data checks, staging folder
                self._add("run: before the first step", wall - last_wall, cpu - last_cpu, peak)
            else:
                self._gaps[0] += wall - last_wall
                self._gaps[1] += cpu - last_cpu
                self._gaps[2] = max(self._gaps[2], peak)
            self._open = (name, wall, cpu)
        else:
            opened, start_wall, start_cpu = self._open
            self._add(opened, wall - start_wall, cpu - start_cpu, self._peak())
            self._open, self._last_end = None, (wall, cpu)

    def finish_run(self) -> None:
        """The time after the last step (swapping the output in) and between steps, as one stage."""
        wall, cpu = self._now()
        last_wall, last_cpu = self._last_end
        peak = max(self._gaps[2], self._peak())
        self._add(
            "run: between and after steps", self._gaps[0] + wall - last_wall, self._gaps[1] + cpu - last_cpu, peak
        )

    def measure(self, name: str, work, **extra):
        """Run `work()` as a stage of its own; returns (its result, the stage)."""
        self._peak()
        wall, cpu = self._now()
        result = work()
        end_wall, end_cpu = self._now()
        return result, self._add(name, end_wall - wall, end_cpu - cpu, self._peak(), **extra)


# --- the comparisons ------------------------------------------------------------------------------


def ancova_frame(data: Path, subject: str = OUTCOME):
    """One row per student with both exams of `subject`: pre, post, treatment (1 in a partner
    school), school_id, as the partner-versus-control ANCOVA fits it."""
    import pandas as pd
    import pyarrow.csv as pacsv

    columns = ["student_id", "school_id", "wave", "subject", "score"]
    exams = pacsv.read_csv(data / "exam_results.csv", convert_options=pacsv.ConvertOptions(include_columns=columns))
    exams = exams.to_pandas()
    exams = exams[exams["subject"] == subject]
    wide = exams.pivot_table(index=["student_id", "school_id"], columns="wave", values="score", aggfunc="first")
    wide = wide.dropna(subset=["pre", "post"]).reset_index()
    schools = pd.read_csv(data / "schools.csv", usecols=["school_id", "group"])
    wide = wide.merge(schools, on="school_id", how="left", validate="many_to_one")
    wide["treatment"] = (wide["group"] == "partner").astype(float)
    wide = wide.sort_values(["school_id", "student_id"], kind="stable").reset_index(drop=True)
    return wide[["student_id", "school_id", "treatment", "pre", "post"]]


def _design(frame):
    import numpy as np

    x = np.column_stack([np.ones(len(frame)), frame["treatment"].to_numpy(float), frame["pre"].to_numpy(float)])
    return x, frame["post"].to_numpy(float), frame["school_id"].to_numpy()


def _load_dense_cr2():
    """benchmarks/dense_cr2.py as a module (benchmarks/ is a folder of scripts, not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dense_cr2", Path(__file__).resolve().parent / "dense_cr2.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compare_methods(timer: StageTimer, data: Path, subsample_schools: int = SUBSAMPLE_SCHOOLS) -> dict:
    """The comparison stages on the mathematics ANCOVA of `data`; returns the summary's seconds."""
    import numpy as np
    import statsmodels.formula.api as smf

    from evaluation.stats.cluster_robust import coefficient_test
    from evaluation.stats.mixed import random_intercept_reml

    dense_cr2_test = _load_dense_cr2().dense_cr2_test
    frame, _ = timer.measure(f"comparison data: {OUTCOME} ANCOVA frame", lambda: ancova_frame(data))
    n_rows, n_schools = len(frame), int(frame["school_id"].nunique())

    fit, lmm = timer.measure(
        "lmm: project random_intercept_reml",
        lambda: random_intercept_reml(frame, "post", ["treatment", "pre"], "school_id"),
        rows=n_rows,
        schools=n_schools,
    )
    fixed, vcov, tau2, sigma2 = fit[0], fit[1], fit[2], fit[3]
    model = smf.mixedlm("post ~ treatment + pre", frame, groups=frame["school_id"])
    reference, sm = timer.measure(
        "lmm: statsmodels MixedLM", lambda: model.fit(reml=True), rows=n_rows, schools=n_schools
    )
    sm.update(
        estimate_difference=abs(float(reference.fe_params["treatment"]) - fixed["treatment"]),
        std_error_difference=abs(float(reference.bse_fe["treatment"]) - float(np.sqrt(vcov[1, 1]))),
        tau2_difference=abs(float(reference.cov_re.iloc[0, 0]) - tau2),
        sigma2_difference=abs(float(reference.scale) - sigma2),
    )

    x, y, clusters = _design(frame)
    full, cr2 = timer.measure(
        "cr2: project coefficient_test", lambda: coefficient_test(x, y, clusters, 1), rows=n_rows, schools=n_schools
    )
    schools = np.sort(frame["school_id"].unique())
    chosen = np.random.default_rng(2023).choice(schools, size=min(subsample_schools, len(schools)), replace=False)
    part = frame[frame["school_id"].isin(chosen)]
    xs, ys, cs = _design(part)
    sub_rows, sub_schools = len(part), len(chosen)
    project, _ = timer.measure(
        "cr2: project coefficient_test, subsample",
        lambda: coefficient_test(xs, ys, cs, 1),
        rows=sub_rows,
        schools=sub_schools,
    )
    dense, dense_stage = timer.measure(
        "cr2: dense reference, subsample",
        lambda: dense_cr2_test(xs, ys, cs, 1),
        rows=sub_rows,
        schools=sub_schools,
    )
    dense_stage.update(
        estimate_difference=abs(dense["estimate"] - project.estimate),
        std_error_difference=abs(dense["std_error"] - project.std_error),
        df_difference=abs(dense["df"] - project.df),
    )
    return {
        "lmm_seconds": lmm["seconds"],
        "statsmodels_mixedlm_seconds": sm["seconds"],
        "cr2_seconds": cr2["seconds"],
        "cr2_dense_subsample_seconds": dense_stage["seconds"],
        "cr2_estimate": full.estimate,
        "cr2_std_error": full.std_error,
    }


# --- one run, in its own process --------------------------------------------------------------------


def one_run(
    facts: dict, out_dir: Path, skip_run: bool = False, school_pages: bool = True, sampler=None, emit=None
) -> list[dict]:
    """The stages and summary of one benchmark run (in this process): the evaluation run of the
    programme `facts` (`programme`) into `out_dir`, then the comparisons."""
    import shutil

    from evaluation.pipeline import Progress, run_plan

    timer = StageTimer(sampler, emit)
    started = time.perf_counter()
    if not skip_run:
        plan = Path(facts["plan"] if school_pages else facts["plan_no_pages"])
        shutil.rmtree(out_dir, ignore_errors=True)
        timer.start_run()
        run_plan(plan, out_dir, Progress(sys.stderr, on_step=timer.step))
        timer.finish_run()
    seconds = compare_methods(timer, Path(facts["data"]))
    total = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary = {
        "total_seconds": round(total, 3),
        "total_cpu_seconds": round(sum(stage["cpu_seconds"] for stage in timer.stages), 3),
        "peak_mb": round((sampler.peak if sampler else 0) / 2**20, 1),
        "maxrss_self_mb": round(own, 1),
        "maxrss_children_mb": round(children, 1),
        **seconds,
        "rows": sum(facts["rows"].values()),
        "students": facts["students_written"],
        "schools": facts["schools_written"],
        "scale": facts["scale"],
        "school_pages": school_pages and not skip_run,
        "evaluation_run": not skip_run,
        "cores": os.cpu_count(),
    }
    return [*timer.stages, summary]


def median_lines(runs: list[list[dict]]) -> list[dict]:
    """Stage by stage (matched by name, in the first run's order) the median of each number over
    the runs; the summary's peak_mb_max is the largest peak."""
    lines = []
    for index, first in enumerate(runs[0]):
        merged = {}
        for key, value in first.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                merged[key] = statistics.median(run[index][key] for run in runs)
            else:
                merged[key] = value
        lines.append(merged)
    lines[-1]["runs"] = len(runs)
    lines[-1]["peak_mb_max"] = max(run[-1]["peak_mb"] for run in runs)
    return lines


def _child_run(command: list[str], stream: bool, out: Path | None) -> tuple[list[dict], int]:
    """One run in a fresh process; with `stream` (a single run) each line is written as the child
    writes it (to standard output and `out`), so that a run cut short still leaves its stages."""
    if stream and out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("", encoding="utf-8")
    lines = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT) as child:
        for text in child.stdout:
            if not text.startswith("{"):
                continue
            lines.append(json.loads(text))
            if stream:
                sys.stdout.write(text)
                sys.stdout.flush()
                if out:
                    with open(out, "a", encoding="utf-8") as handle:
                        handle.write(text)
    return lines, child.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--students", type=int, default=NATIONAL, help="about this many students (default: %(default)s)"
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="runs, each in a fresh process; medians (default: %(default)s)"
    )
    parser.add_argument("--out", type=Path, help="also write the JSON lines to this file")
    parser.add_argument("--skip-run", action="store_true", help="the comparisons only, no evaluation run")
    parser.add_argument("--no-school-pages", action="store_true", help="the run without the pages per school")
    parser.add_argument("--one-run", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.students < 1 or args.runs < 1:
        parser.error("--students and --runs must be at least 1")
    facts = programme(args.students)
    if args.one_run:
        with MemorySampler() as sampler:
            emit = lambda line: print(json.dumps(line), flush=True)  # noqa: E731 (a stage as it ends)
            lines = one_run(
                facts, run_dir(args.students) / "out", args.skip_run, not args.no_school_pages, sampler, emit
            )
        emit(lines[-1])
        return 0
    runs = []
    for number in range(1, args.runs + 1):
        command = [sys.executable, str(Path(__file__).resolve()), "--one-run", "--students", str(args.students)]
        command += ["--skip-run"] * args.skip_run + ["--no-school-pages"] * args.no_school_pages
        print(f"run {number} of {args.runs} (students {args.students:,}) ...", file=sys.stderr, flush=True)
        run, returncode = _child_run(command, stream=args.runs == 1, out=args.out)
        if returncode != 0:
            print(f"run {number} failed (exit code {returncode})", file=sys.stderr)
            return returncode
        runs.append(run)
    if args.runs == 1:  # its stages were written as they ended; the summary too
        return 0
    lines = median_lines(runs)
    text = "".join(json.dumps(line) + "\n" for line in lines)
    sys.stdout.write(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
