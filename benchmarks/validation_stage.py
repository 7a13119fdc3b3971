"""Benchmark: the validation stage (notebook 01) and the attrition counts of notebook 02 at scale.

The demo programme of ``pipelines/demo.yaml`` (exams with missing results, both surveys,
activities, indicators) is generated at ``DemoParameters(scale=N)`` into
``build/benchmark/validation-stage-N/restricted/data/2022-2023`` (once; scale 27 is about
100,000 students in 756 schools, scale 265 about one million in 7,420), and the demo plan is run
on it section by section, each timed in wall and CPU seconds:

- the parts of notebook 01's ``validate`` section (`evaluation.steps.workspace.prepare`): reading
  and checking the tables (``validate_data_dir``), the data-quality checks (``check_quality``),
  the linkage summary, the fix-list lines (``fix_list_items``), the fix-list files
  (``write_fix_lists``), the validation page and caching the accepted tables;
- then notebook 01's sections as the notebook runs them (``steps.run_sections``);
- then ``attrition_counts`` of every outcome of the plan (``outcome_attrition``).

It prints one JSON object per line, ``{"stage": ..., "seconds": ..., "cpu_seconds": ...}`` (and
what each stage made: files written, schools with a fix list, rows), and last a summary object.
``--profile`` prints the top of a cProfile of each stage to stderr.

    python benchmarks/validation_stage.py [--scale 27] [--profile 25]

`measure(scale)` returns the same records for the benchmark of the whole run (benchmarks/run.py).
It is a benchmark, not a test: the timings depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parents[1]
DATA_ROOT = ROOT / "build" / "benchmark"
PLAN = ROOT / "pipelines" / "demo.yaml"


def stage_dir(scale: int) -> Path:
    """The output folder of the benchmark at ``scale``, its demo data written inside it on first use
    (where the demo plan looks for it)."""
    from evaluation.demo.params import DemoParameters
    from evaluation.demo.scenarios import DEFAULT_SEED
    from evaluation.demo.writer import write_demo_data
    from evaluation.steps import workspace

    out = DATA_ROOT / f"validation-stage-{scale}"
    plan = workspace.for_run(_plan(), out)
    if not (plan.data_dir / "schools.csv").is_file():
        print(f"Writing the demo data at scale {scale} to {plan.data_dir} ...", file=sys.stderr, flush=True)
        write_demo_data(plan.data_dir, seed=DEFAULT_SEED, params=replace(DemoParameters(), scale=scale))
    return out


def _plan():
    from evaluation.config.plan import load_plan

    return load_plan(PLAN)


class _Clock:
    def __init__(self, profile: int) -> None:
        self.records: list[dict] = []
        self.profile = profile

    @contextmanager
    def stage(self, name: str, **extra):
        profiler = cProfile.Profile() if self.profile else None
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        record = {"stage": name}
        try:
            yield record
        finally:
            if profiler:
                profiler.disable()
            record["seconds"] = round(time.perf_counter() - wall, 3)
            record["cpu_seconds"] = round(time.process_time() - cpu, 3)
            record.update(extra)
            self.records.append(record)
            print(json.dumps(record), flush=True)
            if profiler:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(self.profile)
                print(f"--- {name}\n{out.getvalue()}", file=sys.stderr, flush=True)


def measure(scale: int = 27, profile: int = 0, parts: bool = True) -> list[dict]:
    """Time the validation stage and the attrition counts of the demo plan at ``scale`` (records
    as printed by the script); ``parts=False`` leaves out the parts of ``validate`` (which
    validate the data a second time) and times the notebook's sections alone."""
    from evaluation import steps
    from evaluation.analysis.attrition import outcome_attrition
    from evaluation.steps import workspace

    out = stage_dir(scale)
    plan = workspace.for_run(_plan(), out)
    clock = _Clock(profile)
    if parts:
        _parts(clock, plan, out)
    # notebook 01 as it runs (its `validate` section does all of `_parts` again, and caches)
    run = steps.setup(PLAN, out)
    for function in steps.NOTEBOOKS["01-validation.ipynb"]:
        with clock.stage(f"01.{function.__name__}"):
            function(run)
    with clock.stage("prepost_frames"):
        frames = run.frames
    with clock.stage("attrition_counts") as record:
        for outcome in plan.outcomes:
            outcome_attrition(frames[outcome.id], outcome, run.analysed, run.instruments, plan.min_cell_size)
        record["outcomes"] = len(plan.outcomes)
        record["units"] = sum(len(frame) for frame in frames.values())
    return clock.records


def _parts(clock: _Clock, plan, out: Path) -> None:
    """The parts of `evaluation.steps.workspace.prepare` (notebook 01's ``validate``), one by one."""
    from evaluation.steps import workspace
    from evaluation.validation.fix_lists import fix_list_items, school_directory, school_index, write_fix_lists
    from evaluation.validation.page import write_readmes, write_validation_page
    from evaluation.validation.quality import check_quality, linkage_summary
    from evaluation.validation.safe_csv import write_csv
    from evaluation.validation.validate import validate_data_dir

    language = plan.language
    with clock.stage("validate_data_dir") as record:
        report = validate_data_dir(plan.data_dir, pseudonymize=plan.pseudonymize, required=plan.required_tables)
        record["rows"] = sum(result.n_rows for result in report.tables.values())
    with clock.stage("check_quality") as record:
        warnings = check_quality(report, language=language)
        record["warnings"] = len(warnings)
        record["checks"] = warnings.groupby("check")["school_id"].nunique().to_dict()
    restricted, shared = out / workspace.VALIDATION, out / workspace.SHARED_VALIDATION
    write_readmes(out)
    with clock.stage("linkage_summary"):
        linkage = linkage_summary(report)
    with clock.stage("quarantine_and_warnings_csv"):
        restricted.mkdir(parents=True, exist_ok=True)
        write_csv(report.failures, restricted / "quarantine.csv")
        write_csv(warnings, restricted / "warnings.csv")
    with clock.stage("fix_list_items") as record:
        directory = school_directory(report)
        items = fix_list_items(report, language, warnings, directory)
        record["schools"], record["schools_with_list"] = len(directory.names), len(items)
    with clock.stage("write_fix_lists") as record:
        record["files"] = len(write_fix_lists(report, restricted, language, warnings, items=items, directory=directory))
    with clock.stage("validation_page"):
        index = school_index(items, directory, language)
        fix_lists = Path(os.path.relpath(restricted / "fix-lists", shared)).as_posix()
        write_validation_page(
            report, shared / "validation.html", language, warnings, linkage=linkage, index=index, fix_lists=fix_lists
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=27, help="the generator's scale (27: ~100,000 students)")
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions of each stage")
    parser.add_argument(
        "--no-parts", action="store_true", help="time notebook 01's sections only (validates once, not twice)"
    )
    args = parser.parse_args(argv)
    start, cpu = time.perf_counter(), time.process_time()
    records = measure(args.scale, args.profile, parts=not args.no_parts)
    summary = {
        "scale": args.scale,
        "notebook_01_seconds": round(sum(r["seconds"] for r in records if r["stage"].startswith("01.")), 3),
        "notebook_01_cpu_seconds": round(sum(r["cpu_seconds"] for r in records if r["stage"].startswith("01.")), 3),
        "attrition_seconds": next(r["seconds"] for r in records if r["stage"] == "attrition_counts"),
        "total_seconds": round(time.perf_counter() - start, 3),
        "total_cpu_seconds": round(time.process_time() - cpu, 3),
    }
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
