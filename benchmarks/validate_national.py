"""Benchmark: validate a national-scale exam table against its data contracts.

The demo generator at scale 265 (no missing exams) makes about one million students in 7,420
schools, each with four subjects in two waves: 8,013,816 exam results, with the schools and
students tables they refer to. Validating that directory is what a ministry would run on a
national exam (reading, typing, every great-expectations rule, references to the roster).

The script validates it ``--runs`` times, each run in a fresh process so that its peak memory
(the largest resident set size) is its own, and does the same for a comparison directory ten
times smaller (scale 27), then prints the median time, rows per second and peak memory of each,
and their ratio. The data directories are generated once under ``build/benchmark/``.

    python benchmarks/validate_national.py [--runs 3] [--scale 265] [--compare-scale 27]

It is a benchmark, not a test: the timings depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parents[1]
DATA_ROOT = ROOT / "build" / "benchmark"
TABLES = ("schools", "students", "exam_results")


def national_data(scale: int) -> Path:
    """The benchmark data directory at ``scale`` (written on first use): schools, students and
    exam results of the demo programme, with no missing exams."""
    from evaluation.demo.exams import build_exam_results
    from evaluation.demo.params import DemoParameters
    from evaluation.demo.randomness import random_stream
    from evaluation.demo.schools import build_schools
    from evaluation.demo.students import build_students
    from evaluation.demo.writer import write_csv

    out = DATA_ROOT / f"national-scale-{scale}"
    if all((out / f"{table}.csv").is_file() for table in TABLES):
        return out
    print(f"Writing the benchmark data (scale {scale}) to {out} ...", flush=True)
    params = DemoParameters(scale=scale, missing_pre=0.0, missing_post=0.0)
    schools = build_schools(random_stream(1, "schools"), params)
    roster = build_students(random_stream(1, "students"), schools, params)
    exams = build_exam_results(random_stream(1, "exams"), roster, schools, params)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(schools, out / "schools.csv")
    write_csv(roster.frame, out / "students.csv")
    write_csv(exams.frame, out / "exam_results.csv")
    return out


def _validate_once(data_dir: str, results) -> None:
    """Child process: validate ``data_dir`` and send back (seconds, rows, exam rows, accepted,
    quarantined, peak resident memory in bytes)."""
    from evaluation.validation.validate import validate_data_dir

    start = time.perf_counter()
    report = validate_data_dir(Path(data_dir))
    seconds = time.perf_counter() - start
    tables = report.tables.values()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    results.put(
        (
            seconds,
            sum(t.n_rows for t in tables),
            report.tables["exam_results"].n_rows,
            sum(t.n_accepted for t in tables),
            sum(t.n_quarantined for t in tables),
            peak,
        )
    )


def measure(data_dir: Path, runs: int) -> dict:
    """Validate ``data_dir`` ``runs`` times, each in a new process; medians and the largest peak."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: imports and memory included
    samples = []
    for run in range(1, runs + 1):
        results = context.Queue()
        child = context.Process(target=_validate_once, args=(str(data_dir), results))
        child.start()
        sample = results.get()
        child.join()
        if child.exitcode != 0:
            sys.exit(f"validation of {data_dir} failed in run {run} (exit code {child.exitcode})")
        samples.append(sample)
        seconds, rows, exam_rows, accepted, quarantined, peak = sample
        print(
            f"  run {run}: {seconds:6.1f} s, {rows / seconds:10,.0f} rows/s, peak {peak / 2**30:5.2f} GiB "
            f"({accepted:,} accepted, {quarantined:,} quarantined)",
            flush=True,
        )
    seconds = statistics.median(sample[0] for sample in samples)
    rows, exam_rows = samples[0][1], samples[0][2]
    return {
        "seconds": seconds,
        "rows": rows,
        "exam_rows": exam_rows,
        "rows_per_second": rows / seconds,
        "peak": max(sample[5] for sample in samples),
        "quarantined": samples[0][4],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="validations per directory (default: %(default)s)")
    parser.add_argument(
        "--scale", type=int, default=265, help="demo scale of the national table (default: %(default)s)"
    )
    parser.add_argument(
        "--compare-scale",
        type=int,
        default=27,
        help="demo scale of the comparison table, about ten times smaller (default: %(default)s)",
    )
    args = parser.parse_args(argv)

    figures = {}
    for label, scale in (("comparison", args.compare_scale), ("national", args.scale)):
        data_dir = national_data(scale)
        print(f"{label}: {data_dir.relative_to(ROOT)}", flush=True)
        figures[label] = measure(data_dir, args.runs)

    print(f"\nMedian of {args.runs} runs on {os.cpu_count()} cores (schools, students and exam_results validated):")
    print(f"{'':12}{'exam rows':>12}{'all rows':>12}{'seconds':>10}{'rows/s':>12}{'peak GiB':>10}")
    for label, result in figures.items():
        print(
            f"{label:12}{result['exam_rows']:>12,}{result['rows']:>12,}{result['seconds']:>10.1f}"
            f"{result['rows_per_second']:>12,.0f}{result['peak'] / 2**30:>10.2f}"
        )
    national, comparison = figures["national"], figures["comparison"]
    print(
        f"ratio national / comparison: rows {national['rows'] / comparison['rows']:.1f}x, "
        f"time {national['seconds'] / comparison['seconds']:.1f}x, "
        f"peak memory {national['peak'] / comparison['peak']:.1f}x"
    )
    within = national["seconds"] < 120 and national["peak"] < 8 * 2**30
    print(f"goal (under 2 minutes and 8 GB for the national table): {'met' if within else 'NOT met'}")
    if national["quarantined"] or comparison["quarantined"]:
        print("note: the generated data should validate cleanly, but rows were quarantined")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
