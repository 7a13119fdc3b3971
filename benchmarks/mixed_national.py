"""Benchmark: the random-intercept REML model at national size, against statsmodels' MixedLM.

Fits ``post ~ treatment + pre + school_size + (1 | school)`` (p = 4 fixed effects) by REML to a
synthetic national exam year, 1,000,000 students in 7,420 schools and in 2,000 schools, with
three fits on the same data in the same process:

- ``lmm``: `evaluation.stats.random_intercept_reml` (per-school sufficient statistics, one pass
  over the rows, then every criterion evaluation a sum over schools);
- ``reference``: the implementation before issue 15 (tests/stats/mixed_reference.py, the REML
  criterion evaluated over all rows about 139 times per fit);
- ``statsmodels_mixedlm``: ``smf.mixedlm(formula, data, groups=...).fit(reml=True)``.

Each is run ``--runs`` times; the script prints the median wall and CPU seconds of each (the
machine is shared, so CPU seconds beside wall time), the speed-up over MixedLM, and the
estimates side by side (treatment effect, its SE, tau^2, sigma^2).

    python benchmarks/mixed_national.py [--students 1000000] [--schools 7420 2000] [--runs 3]

Measured on the shared 2-core machine (load average about 20, so wall times are inflated;
median of 3 runs, CPU seconds): at 7,420 schools the fit took 0.26 s, the reference 14.2 s and
MixedLM 20.6 s (78x); at 2,000 schools 0.24 s, 11.4 s and 33.6 s (138x). The fit and the
reference agree to 1e-7 relative (the reference's theta is that imprecise); MixedLM's tau^2 was 236.5 against 218.0 and
its SE 0.697 against 0.670 at 2,000 schools.

`compare(frame, ...)` is the function benchmarks/run.py imports to time the model on the
generator's programme. It is a benchmark, not a test: the timings depend on the machine and on
what else runs on it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.stats import random_intercept_reml

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "stats" / "mixed_reference.py"


def synthetic_year(students: int, schools: int, seed: int = 15) -> pd.DataFrame:
    """A national exam year: unequal school sizes (1 to about twice the mean), half the schools
    partners, a pre-test with a school effect, a school-level covariate and a post-test with a
    partner effect of 5 points, a school SD of 15 and a student SD of 40."""
    rng = np.random.default_rng(seed)
    weights = rng.gamma(2.0, size=schools)
    sizes = 1 + rng.multinomial(students - schools, weights / weights.sum())
    school = np.repeat(np.arange(schools), sizes)
    partner = (rng.random(schools) < 0.5).astype(float)
    pre = rng.normal(500, 90, students) + rng.normal(0, 30, schools)[school]
    post = 40 + 5 * partner[school] + 0.85 * pre + rng.normal(0, 15, schools)[school] + rng.normal(0, 40, students)
    return pd.DataFrame(
        {
            "school_id": school,
            "treatment": partner[school],
            "pre": pre,
            "school_size": sizes[school].astype(float),
            "post": post,
        }
    )


def _timed(fit: Callable[[], dict], runs: int) -> tuple[dict, float, float]:
    """The result of `fit` and the median wall and CPU seconds of `runs` calls."""
    walls, cpus, result = [], [], {}
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fit()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return result, statistics.median(walls), statistics.median(cpus)


def _reference_module():
    spec = importlib.util.spec_from_file_location("mixed_reference", REFERENCE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def _ours(fitter, frame, post, predictors, cluster) -> dict:
    fixed, vcov, tau2, sigma2, _, _ = fitter(frame, post, predictors, cluster)
    return {"estimate": fixed[predictors[0]], "std_error": float(np.sqrt(vcov[1, 1])), "tau2": tau2, "sigma2": sigma2}


def _statsmodels(frame, post, predictors, cluster) -> dict:
    import statsmodels.formula.api as smf

    complete = frame.dropna(subset=[post, *predictors, cluster])
    model = smf.mixedlm(f"{post} ~ {' + '.join(predictors)}", complete, groups=complete[cluster])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its convergence warnings are part of what is compared
        result = model.fit(reml=True)
    name = predictors[0]
    return {
        "estimate": float(result.fe_params[name]),
        "std_error": float(result.bse_fe[name]),
        "tau2": float(result.cov_re.iloc[0, 0]),
        "sigma2": float(result.scale),
    }


def compare(
    frame: pd.DataFrame,
    post: str = "post",
    predictors: Sequence[str] = ("treatment", "pre"),
    cluster: str = "school_id",
    runs: int = 1,
    reference: bool = False,
) -> dict:
    """Time the random-intercept REML fit and statsmodels' MixedLM on `frame`, in this process.

    `predictors` start with the partner indicator. Returns median seconds over `runs` fits:
    ``lmm_seconds`` / ``lmm_cpu_seconds`` (this package), ``statsmodels_mixedlm_seconds`` /
    ``statsmodels_mixedlm_cpu_seconds``, with `reference` also ``reference_seconds`` /
    ``reference_cpu_seconds`` (the implementation before issue 15), and ``estimates``: per
    method the treatment estimate, its SE, tau2 and sigma2; and ``rows``, ``schools``.
    """
    predictors = list(predictors)
    fits = {
        "lmm": lambda: _ours(random_intercept_reml, frame, post, predictors, cluster),
        "statsmodels_mixedlm": lambda: _statsmodels(frame, post, predictors, cluster),
    }
    if reference:
        old = _reference_module().random_intercept_reml
        fits["reference"] = lambda: _ours(old, frame, post, predictors, cluster)
    summary: dict = {"rows": len(frame), "schools": int(frame[cluster].nunique()), "estimates": {}}
    for name, fit in fits.items():
        estimates, wall, cpu = _timed(fit, runs)
        summary[f"{name}_seconds"] = wall
        summary[f"{name}_cpu_seconds"] = cpu
        summary["estimates"][name] = estimates
    return summary


def _print(summary: dict) -> None:
    print(f"\n{summary['rows']:,} students in {summary['schools']:,} schools (median of the runs)")
    methods = list(summary["estimates"])
    print(f"{'':22}" + "".join(f"{m:>22}" for m in methods))
    print(f"{'wall seconds':22}" + "".join(f"{summary[m + '_seconds']:>22.3f}" for m in methods))
    print(f"{'CPU seconds':22}" + "".join(f"{summary[m + '_cpu_seconds']:>22.3f}" for m in methods))
    for key in ("estimate", "std_error", "tau2", "sigma2"):
        print(f"{key:22}" + "".join(f"{summary['estimates'][m][key]:>22.12g}" for m in methods))
    ratio = summary["statsmodels_mixedlm_seconds"] / summary["lmm_seconds"]
    cpu_ratio = summary["statsmodels_mixedlm_cpu_seconds"] / summary["lmm_cpu_seconds"]
    print(f"MixedLM / lmm: {ratio:.1f}x wall, {cpu_ratio:.1f}x CPU")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, nargs="+", default=[7420, 2000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON object per size instead of a table")
    args = parser.parse_args(argv)
    for schools in args.schools:
        frame = synthetic_year(args.students, schools)
        summary = compare(frame, predictors=("treatment", "pre", "school_size"), runs=args.runs, reference=True)
        print(json.dumps(summary)) if args.json else _print(summary)


if __name__ == "__main__":
    main()
