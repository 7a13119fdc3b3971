"""Benchmark: one systematic mistake on 200,000 rows, validated and written out.

A careless export repeats one mistake on every row: a survey tool that writes the wave as
``1. uygulama``, an e-Okul export whose grade reads ``9/A``. Every row is then quarantined, and the
validation outputs (``quarantine.csv``, the schools' fix lists, the validation page) must still
take time and memory in proportion to the rows, not to the rows squared.

The script writes three data directories under ``build/benchmark/`` (200 schools; the same rows
each time): ``clean`` (every row valid), ``wave`` (200,000 survey rows of ``student_climate`` whose
wave is ``1. uygulama``) and ``grade`` (200,000 exam results whose grade is ``9/A``). Each is run
``--runs`` times as ``evaluation validate DIR --out OUT`` does it (validation, data-quality checks,
every output written), each run in a fresh process so that its peak memory (largest resident set
size, `resource.getrusage`) is its own. It prints per scenario the median seconds, the largest
peak memory, the lines of ``quarantine.csv`` and the lines and bytes of all fix lists.

    python benchmarks/repeated_errors.py [--runs 3] [--rows 200000] [--scenario clean wave grade]

It is a benchmark, not a test: the timings depend on the machine and on what else runs on it
(`tests/validation/test_repeated_errors.py` checks the sizes, which do not).
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parents[1]
DATA_ROOT = ROOT / "build" / "benchmark"
SCENARIOS = ("clean", "wave", "grade")
N_SCHOOLS = 200
ITEMS = ("bel_1", "bel_2", "bel_3", "bel_4", "bel_5", "col_1", "col_2", "col_3", "col_4")


def _write(path: Path, header: list[str], rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _schools() -> list[list[str]]:
    """200 schools: 100 partner schools in 50 partnerships of two, 100 control schools."""
    rows = []
    for number in range(N_SCHOOLS):
        partner = number < N_SCHOOLS // 2
        rows.append(
            [
                f"S{number:04d}",
                f"School {number}",
                "Ankara",
                "TR",
                "Anadolu Lisesi",
                "partner" if partner else "control",
                f"P{number // 2:03d}" if partner else "",
                "medium",
            ]
        )
    return rows


def write_data(scenario: str, n_rows: int) -> Path:
    """The data directory of ``scenario`` with ``n_rows`` rows in the table it is about (written on
    first use): schools, exam results and the student climate survey."""
    out = DATA_ROOT / f"repeated-{scenario}-{n_rows}"
    if (out / "done").is_file():
        return out
    shutil.rmtree(out, ignore_errors=True)
    print(f"Writing the {scenario} data ({n_rows:,} rows) to {out} ...", flush=True)
    school_header = [
        "school_id",
        "school_name",
        "province",
        "country",
        "school_type",
        "group",
        "partnership_id",
        "resource_level",
    ]
    _write(out / "schools.csv", school_header, _schools())
    n_exams = n_rows if scenario == "grade" else N_SCHOOLS * 2
    grade = "9/A" if scenario == "grade" else "9"
    exam_header = ["student_id", "school_id", "exam_id", "wave", "grade", "subject", "score", "exam_date"]
    _write(
        out / "exam_results.csv",
        exam_header,
        (
            [
                f"ST{number // 2:07d}",
                f"S{(number // 2) % N_SCHOOLS:04d}",
                "E22-PRE" if number % 2 == 0 else "E23-POST",
                "pre" if number % 2 == 0 else "post",
                grade,
                "mathematics",
                str(40 + number % 50),
                "2022-10-14" if number % 2 == 0 else "2023-05-14",
            ]
            for number in range(n_exams)
        ),
    )
    n_survey = n_rows if scenario != "grade" else N_SCHOOLS * 2
    answers = random.Random(20261201)  # answers that vary, as real ones do (no duplicate submissions)
    wave = "1. uygulama" if scenario == "wave" else "pre"
    survey_header = ["respondent_id", "school_id", "role", "wave", "submitted_at", *ITEMS]
    _write(
        out / "surveys" / "student_climate.csv",
        survey_header,
        (
            [
                f"R{number:07d}",
                f"S{number % N_SCHOOLS:04d}",
                "student",
                wave,
                f"2022-11-07 10:{number % 60:02d}",
                *(str(answers.randint(1, 5)) for _ in ITEMS),
            ]
            for number in range(n_survey)
        ),
    )
    (out / "done").write_text("", encoding="utf-8")
    return out


def _count(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return data.count(b"\n"), len(data)


def _validate_once(data_dir: str, out_dir: str, results) -> None:
    """Child process: validate ``data_dir`` and write every output into ``out_dir`` (as
    `evaluation validate DATA_DIR --out OUT_DIR`), then send back (seconds, rows, quarantined,
    quarantine lines, fix-list lines, fix-list bytes, peak resident memory in bytes)."""
    from evaluation.validation.page import write_validation_outputs
    from evaluation.validation.quality import check_quality
    from evaluation.validation.validate import validate_data_dir

    start = time.perf_counter()
    report = validate_data_dir(Path(data_dir))
    warnings = check_quality(report)
    out = write_validation_outputs(report, Path(out_dir), "en", warnings)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    quarantine_lines, _ = _count(out / "quarantine.csv")
    sizes = [_count(path) for path in (out / "fix-lists").glob("*.csv")]
    tables = report.tables.values()
    results.put(
        (
            seconds,
            sum(t.n_rows for t in tables),
            sum(t.n_quarantined for t in tables),
            quarantine_lines,
            sum(lines for lines, _ in sizes),
            sum(size for _, size in sizes),
            peak,
        )
    )


def measure(data_dir: Path, runs: int) -> dict:
    """Validate ``data_dir`` ``runs`` times, each in a new process; medians and the largest peak."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: imports and memory included
    samples = []
    out_dir = DATA_ROOT / f"{data_dir.name}-out"
    for run in range(1, runs + 1):
        shutil.rmtree(out_dir, ignore_errors=True)
        results = context.Queue()
        child = context.Process(target=_validate_once, args=(str(data_dir), str(out_dir), results))
        child.start()
        sample = results.get()
        child.join()
        if child.exitcode != 0:
            sys.exit(f"validation of {data_dir} failed in run {run} (exit code {child.exitcode})")
        samples.append(sample)
        seconds, rows, quarantined, q_lines, f_lines, f_bytes, peak = sample
        print(
            f"  run {run}: {seconds:6.1f} s, peak {peak / 2**30:5.2f} GiB, {rows:,} rows, {quarantined:,} quarantined, "
            f"quarantine.csv {q_lines:,} lines, fix lists {f_lines:,} lines / {f_bytes:,} bytes",
            flush=True,
        )
    first = samples[0]
    return {
        "seconds": statistics.median(sample[0] for sample in samples),
        "rows": first[1],
        "quarantined": first[2],
        "quarantine_lines": first[3],
        "fix_lines": first[4],
        "fix_bytes": first[5],
        "peak": max(sample[6] for sample in samples),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (default: %(default)s)")
    parser.add_argument("--rows", type=int, default=200_000, help="rows with the mistake (default: %(default)s)")
    parser.add_argument("--scenario", nargs="+", choices=SCENARIOS, default=list(SCENARIOS))
    args = parser.parse_args(argv)

    figures = {}
    for scenario in args.scenario:
        data_dir = write_data(scenario, args.rows)
        print(f"{scenario}: {data_dir.relative_to(ROOT)}", flush=True)
        figures[scenario] = measure(data_dir, args.runs)

    print(f"\nMedian of {args.runs} runs on {os.cpu_count()} cores (validation and every output written):")
    print(
        f"{'':8}{'rows':>10}{'quarantined':>13}{'seconds':>9}{'peak GiB':>10}"
        f"{'quarantine lines':>18}{'fix-list lines':>16}{'fix-list bytes':>16}"
    )
    for label, result in figures.items():
        print(
            f"{label:8}{result['rows']:>10,}{result['quarantined']:>13,}{result['seconds']:>9.1f}"
            f"{result['peak'] / 2**30:>10.2f}{result['quarantine_lines']:>18,}{result['fix_lines']:>16,}"
            f"{result['fix_bytes']:>16,}"
        )
    within = all(result["peak"] < 2 * 2**30 for result in figures.values())
    print(f"goal (under 2 GB each): {'met' if within else 'NOT met'}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
