"""Benchmark: the CR2 t-test at national size and the multiple-imputation ANCOVA, the current
implementation against the previous one (tests/stats/cr2_reference.py) in the same process on the
same data.

1. `coefficient_test(x, y, schools, 1, vcov="CR2")` on a generated design of ``--students`` rows
   in ``--schools`` schools of 20 to 250 students (an intercept, a school-level partner
   indicator, a pre-test, a school-level covariate: p = 4), school ids as text as the pipeline
   passes them. 1,000,000 students in 7,420 schools is the national size.
2. `ancova_mi` (20 imputations) on a generated programme of ``--mi-students`` students in
   ``--mi-schools`` schools with a quarter of the post-tests missing (the demo's size by
   default), and the part of it that fits the 20 completed datasets (one shared CR2 set-up now,
   one `ancova_clustered` per dataset before).

Each timing is the median of ``--runs`` runs, wall and CPU seconds (the process's user + system
time: the machine may be busy). The previous and the current numbers are compared (largest
relative difference). One JSON object per line, then a table.

    python benchmarks/cr2_national.py [--runs 3] [--students 1000000] [--schools 7420]

It is a benchmark, not a test: the timings depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "stats"))

import cr2_reference  # noqa: E402  the previous implementation, verbatim

from evaluation.stats import ancova, imputation  # noqa: E402
from evaluation.stats.cluster_robust import coefficient_test  # noqa: E402


def national_design(students: int, schools: int, seed: int = 265) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x (N x 4), y and the school id of each row, rows in a shuffled order."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(20, 250, schools)
    sizes = np.maximum(np.round(sizes * students / sizes.sum()).astype(int), 1)
    school = np.repeat(np.arange(schools), sizes)
    n = len(school)
    partner = (rng.random(schools) < 0.5)[school].astype(float)
    pre = rng.normal(50, 10, n) + rng.normal(0, 4, schools)[school]
    x = np.column_stack([np.ones(n), partner, pre, rng.normal(size=schools)[school]])
    y = x @ [10.0, 2.0, 0.7, 0.3] + rng.normal(0, 3, schools)[school] + rng.normal(0, 6, n)
    order = rng.permutation(n)
    ids = np.array([f"S{j:05d}" for j in range(schools)], dtype=object)
    return x[order], y[order], ids[school][order]


def programme(students: int, schools: int, seed: int = 14) -> pd.DataFrame:
    """Students with a pre-test, a sex indicator and a post-test missing for about a quarter."""
    rng = np.random.default_rng(seed)
    school = rng.integers(0, schools, students)
    treatment = (np.arange(schools) % 2)[school]
    pre = rng.normal(50, 10, students)
    post = 0.6 * pre + 2 * treatment + rng.normal(0, 3, schools)[school] + rng.normal(0, 6, students)
    post[rng.random(students) < 0.25] = np.nan
    return pd.DataFrame(
        {"school_id": [f"S{j:03d}" for j in school], "treatment": treatment, "pre": pre, "post": post,
         "female": rng.integers(0, 2, students).astype(float)}
    )  # fmt: skip


def timed(function, runs: int):
    """(result of the last run, median wall seconds, median CPU seconds) over `runs` runs."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return result, statistics.median(walls), statistics.median(cpus)


def largest_difference(new, old) -> float:
    """The largest relative difference between the numbers of two results (NaN equal to NaN)."""
    worst = 0.0
    for name in ("estimate", "std_error", "df", "ci_low", "ci_high", "p_value"):
        a, b = getattr(new, name), getattr(old, name)
        if not (np.isnan(a) and np.isnan(b)):
            worst = max(worst, abs(a - b) / max(abs(b), 1e-300))
    return worst


class _PreviousDesign:
    """The previous coefficient_test behind `CoefficientDesign`'s interface."""

    def __init__(self, x, clusters, column, vcov="CR2"):
        self.args = (x, clusters, column, vcov)

    def test(self, y, alpha=0.05):
        x, clusters, column, vcov = self.args
        return cr2_reference.coefficient_test(x, y, clusters, column, vcov, alpha)


def _one_fit_per_dataset(data, post, draws, pre, treatment, cluster, covariates, alpha, vcov):
    """What ancova_mi did before: `ancova_clustered` on each completed dataset."""
    return [
        ancova.ancova_clustered(data.assign(**{post: d}), post, pre, treatment, cluster, covariates, alpha, vcov=vcov)
        for d in draws
    ]


def previous(function):
    """`function` run with the previous CR2 and one ANCOVA per completed dataset."""
    design, draws = ancova.CoefficientDesign, imputation.ancova_clustered_draws
    ancova.CoefficientDesign, imputation.ancova_clustered_draws = _PreviousDesign, _one_fit_per_dataset
    try:
        return function()
    finally:
        ancova.CoefficientDesign, imputation.ancova_clustered_draws = design, draws


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=7420)
    parser.add_argument("--mi-students", type=int, default=3246)
    parser.add_argument("--mi-schools", type=int, default=28)
    args = parser.parse_args(argv)
    lines = []

    def report(**line):
        lines.append(line)
        print(json.dumps(line), flush=True)

    x, y, schools = national_design(args.students, args.schools)
    size = dict(rows=len(y), schools=args.schools, p=x.shape[1])
    new, wall, cpu = timed(lambda: coefficient_test(x, y, schools, 1), args.runs)
    report(stage="cr2_coefficient_test", implementation="current", seconds=wall, cpu_seconds=cpu, **size)
    old, wall, cpu = timed(lambda: cr2_reference.coefficient_test(x, y, schools, 1), args.runs)
    report(stage="cr2_coefficient_test", implementation="previous", seconds=wall, cpu_seconds=cpu, **size)
    report(stage="cr2_coefficient_test", largest_relative_difference=largest_difference(new, old))

    data = programme(args.mi_students, args.mi_schools)
    arguments = dict(post="post", pre="pre", treatment="treatment", cluster="school_id", covariates=["female"])
    size = dict(rows=len(data), schools=args.mi_schools, imputations=imputation.IMPUTATIONS)
    new, wall, cpu = timed(lambda: imputation.ancova_mi(data, **arguments), args.runs)
    report(stage="ancova_mi", implementation="current", seconds=wall, cpu_seconds=cpu, **size)
    old, wall, cpu = timed(lambda: previous(lambda: imputation.ancova_mi(data, **arguments)), args.runs)
    report(stage="ancova_mi", implementation="previous", seconds=wall, cpu_seconds=cpu, **size)
    report(stage="ancova_mi", largest_relative_difference=largest_difference(new, old))
    # the fits of the completed datasets alone (the imputation itself is statsmodels' MICE)
    draws = [data["post"].fillna(data["pre"] * (0.5 + 0.01 * i)).to_numpy() for i in range(imputation.IMPUTATIONS)]
    fit_args = (data, "post", draws, "pre", "treatment", "school_id", ["female"], 0.05, "CR2")
    _, wall, cpu = timed(lambda: ancova.ancova_clustered_draws(*fit_args), args.runs)
    report(stage="ancova_mi_fits", implementation="current", seconds=wall, cpu_seconds=cpu, **size)
    _, wall, cpu = timed(lambda: previous(lambda: _one_fit_per_dataset(*fit_args)), args.runs)
    report(stage="ancova_mi_fits", implementation="previous", seconds=wall, cpu_seconds=cpu, **size)

    print(f"\n{'stage':<22}{'implementation':<16}{'wall s':>10}{'CPU s':>10}")
    for line in lines:
        if "seconds" in line:
            print(
                f"{line['stage']:<22}{line['implementation']:<16}{line['seconds']:>10.3f}{line['cpu_seconds']:>10.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
