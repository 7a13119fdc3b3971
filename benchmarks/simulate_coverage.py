"""Simulation study: coverage of the 95% intervals and type-I error of the partner-versus-control
methods on synthetic cluster-randomised programmes with a known effect.

Each programme has G schools (20, 40 or 80), half of them partner schools chosen at random,
15 to 40 students per school (uniform), and a pre-test and a post-test of unit total variance
with intraclass correlation ICC (0.2) at both waves; the pre-test explains R2 (0.5) of the
post-test's variance at the school level and at the student level alike. The partner effect is
delta (0.2 SD) for the coverage cells and 0 for the type-I error cells; each cell has its own
replications (1000) and its own random numbers.

Every programme is analysed by the engine's functions called exactly as
`evaluation.analysis.effects.partner_vs_control_effects` calls them: ``ancova_cr1``, ``ancova_cr2``,
``mixed_reml`` (students with both tests) and ``did`` (``waves_long`` of the same students,
every pre and post value). The reference row ``ols_naive`` is ordinary least squares of the
post-test on partner and pre-test with model-based (independent errors) standard errors from
statsmodels, ignoring the schools: it shows what clustering does to an interval.

Two further studies (issue 12) run on their own cells and random numbers:

- ``moderation``: the type-I error of the two-level moderator test (`moderator_test`, the
  ``moderation`` rows of effects.csv) when the partner effect is the same for girls and boys.
  The programmes are those above (effect delta) plus a student-level sex, girl or boy with
  probability 1/2 independently of everything, boys scoring SEX_EFFECT SD higher at post in
  both groups: no interaction, so a p under alpha is a false alarm.
- ``prepost``: the coverage of the 95% interval of one group's mean change by ``paired_t``
  (students independent) and ``paired_cr2`` (clustered on the school, the reported row) when the
  change varies between schools (`ChangeDesign`): 10, 20 or 40 schools in the group (a group of a
  20-, 40- or 80-school programme), the change's intraclass correlation 0, 0.05 or 0.2.

    python benchmarks/simulate_coverage.py [--replications 1000] [--schools 20 40 80]
        [--seed 20261124] [--workers 2] [--studies coverage moderation prepost]

Writes ``build/simulation/coverage.md`` and ``coverage.csv`` (and ``moderation.csv``,
``prepost.csv``) and prints the tables. It is a simulation study, not a test:
``tests/stats/test_simulation.py`` checks only its data generators and analyses.

Notes
-----
All five estimators are equivariant under adding delta * partner to the post-test (least squares
and REML alike, with partner a regressor), so the coverage at delta and one minus the type-I
error at 0 estimate the same probability (for a t interval, 0 lies inside it exactly when
p >= alpha); the two columns come from independent replications, and the column "both cells"
pools them: the share of the intervals of both cells that cover their own true effect.
"""

from __future__ import annotations

import argparse
import datetime
import math
import multiprocessing
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "build" / "simulation"
METHODS = ("ols_naive", "ancova_cr1", "ancova_cr2", "mixed_reml", "did")
CR2_BAND = (0.935, 0.965)  # issue 4: CR2 coverage from 20 schools up
STUDIES = ("coverage", "moderation", "prepost")
SEX_EFFECT = 0.1  # boys' post-test advantage in the moderation study, the same in both groups
CHANGE_ICCS = (0.0, 0.05, 0.2)
PREPOST_METHODS = ("paired_t", "paired_cr2")
MODERATION_METHODS = ("moderator_sex", "girls", "boys")


@dataclass(frozen=True)
class Design:
    """One cell of the simulation: the programme's size and its true effect (SD units)."""

    schools: int
    delta: float
    icc: float = 0.2
    r2: float = 0.5
    min_students: int = 15
    max_students: int = 40


def simulate_programme(rng: np.random.Generator, design: Design) -> pd.DataFrame:
    """One cluster-randomised programme: a student frame as `prepost_frame` makes it.

    Notes
    -----
    With rho = sqrt(R2), school effects a_j, u_j ~ N(0, ICC) and student terms b_ij, e_ij ~
    N(0, 1 - ICC), all independent:

        pre_ij  = a_j + b_ij
        post_ij = delta T_j + rho a_j + sqrt(1 - rho^2) u_j + rho b_ij + sqrt(1 - rho^2) e_ij

    so both tests have variance 1 and ICC `icc` within a group, and the pre-test explains R2 of
    the post-test's variance between and within schools. T_j = 1 for exactly half the schools
    (G // 2), drawn at random.

    Returns
    -------
    DataFrame
        unit_id, school_id (1..G: integers, which the engine factorises faster than text ids),
        group ("partner"/"control"), treatment (1/0), pre, post.
    """
    g = design.schools
    sizes = rng.integers(design.min_students, design.max_students + 1, size=g)
    partner = np.zeros(g, dtype=int)
    partner[rng.permutation(g)[: g // 2]] = 1
    school = np.repeat(np.arange(g), sizes)
    n = int(sizes.sum())
    tau, sigma = math.sqrt(design.icc), math.sqrt(1.0 - design.icc)
    rho = math.sqrt(design.r2)
    rest = math.sqrt(1.0 - design.r2)
    pre_school, post_school = rng.normal(0.0, tau, g), rng.normal(0.0, tau, g)
    pre_student, post_student = rng.normal(0.0, sigma, n), rng.normal(0.0, sigma, n)
    pre = pre_school[school] + pre_student
    post = (
        design.delta * partner[school]
        + rho * pre_school[school]
        + rest * post_school[school]
        + rho * pre_student
        + rest * post_student
    )
    treatment = partner[school]
    return pd.DataFrame({
        "unit_id": np.arange(n), "school_id": school + 1,
        "group": np.where(treatment == 1, "partner", "control"), "treatment": treatment,
        "pre": pre, "post": post,
    })  # fmt: skip


def add_sex(rng: np.random.Generator, frame: pd.DataFrame, effect: float = SEX_EFFECT) -> pd.DataFrame:
    """The programme with a student-level ``sex`` ("F"/"M", probability 1/2 each, independent of
    school and group) and boys' post-test `effect` SD higher in both groups: a moderator with a
    main effect and no interaction with partner."""
    sex = np.where(rng.random(len(frame)) < 0.5, "F", "M")
    return frame.assign(sex=sex, post=frame["post"] + effect * (sex == "M"))


@dataclass(frozen=True)
class ChangeDesign:
    """One cell of the pre/post study: one group's schools and how much its change varies
    between them (the change's intraclass correlation)."""

    schools: int
    change_icc: float
    mean_change: float = 0.2
    change_sd: float = 0.7  # SD of a student's change post - pre (pre-test SD 1)
    icc: float = 0.2  # of the pre-test
    min_students: int = 15
    max_students: int = 40


def simulate_changes(rng: np.random.Generator, design: ChangeDesign) -> pd.DataFrame:
    """One group's students in both waves.

    Notes
    -----
    pre_ij = a_j + b_ij with a_j ~ N(0, ICC), b_ij ~ N(0, 1 - ICC); the change
    post_ij - pre_ij = mean_change + c_j + e_ij with the school's change c_j ~ N(0, s^2 k) and
    e_ij ~ N(0, s^2 (1 - k)), s the change SD and k the change's ICC. The true mean change (the
    estimand of paired_t and paired_cr2) is mean_change; with k > 0 students of one school share
    part of their change, so they do not change independently.

    Returns
    -------
    DataFrame
        unit_id, school_id (1..G), pre, post.
    """
    g = design.schools
    sizes = rng.integers(design.min_students, design.max_students + 1, size=g)
    school = np.repeat(np.arange(g), sizes)
    n = int(sizes.sum())
    pre = rng.normal(0.0, math.sqrt(design.icc), g)[school] + rng.normal(0.0, math.sqrt(1 - design.icc), n)
    between = design.change_sd * math.sqrt(design.change_icc)
    within = design.change_sd * math.sqrt(1 - design.change_icc)
    change = design.mean_change + rng.normal(0.0, between, g)[school] + rng.normal(0.0, within, n)
    return pd.DataFrame({"unit_id": np.arange(n), "school_id": school + 1, "pre": pre, "post": pre + change})


def analyse_moderation(frame: pd.DataFrame, alpha: float = 0.05) -> dict[str, tuple[float, ...]]:
    """(estimate, ci_low, ci_high, p_value, df) of the two-level moderator test of ``sex``
    (``moderator_sex``), called as `evaluation.analysis.effects.moderation_effects` calls it, and
    of the CR2 ANCOVA within each sex (``girls``, ``boys``), the subgroup rows of
    `partner_vs_control_effects` that a reader would otherwise set side by side."""
    from evaluation.stats import ancova_clustered, moderator_test

    analysed = frame.dropna(subset=["pre", "post"])
    e = moderator_test(analysed, "post", "pre", "treatment", "school_id", "sex", alpha=alpha)
    results = {"moderator_sex": (e.estimate, e.ci_low, e.ci_high, e.p_value, e.df)}
    for name, level in (("girls", "F"), ("boys", "M")):
        part = analysed[analysed["sex"] == level]
        s = ancova_clustered(part, "post", "pre", "treatment", "school_id", alpha=alpha, vcov="CR2")
        results[name] = (s.estimate, s.ci_low, s.ci_high, s.p_value, s.df)
    return results


def analyse_changes(frame: pd.DataFrame, alpha: float = 0.05) -> dict[str, tuple[float, ...]]:
    """(estimate, ci_low, ci_high, p_value, df) of ``paired_t`` and ``paired_cr2``, called as
    `evaluation.analysis.effects.prepost_effects` calls them."""
    from evaluation.stats import paired_change, paired_change_clustered

    estimates = (
        paired_change(frame, "pre", "post", cluster="school_id", alpha=alpha),
        paired_change_clustered(frame, "pre", "post", cluster="school_id", alpha=alpha),
    )
    return {e.method: (e.estimate, e.ci_low, e.ci_high, e.p_value, e.df) for e in estimates}


def _naive_ols(frame: pd.DataFrame, alpha: float) -> tuple[float, float, float, float, float]:
    """The reference row: statsmodels OLS of post on partner and pre-test with model-based
    (independent errors) standard errors, t on N - 3 degrees of freedom."""
    from statsmodels.regression.linear_model import OLS

    x = np.column_stack(
        [np.ones(len(frame)), frame["treatment"].to_numpy(dtype=float), frame["pre"].to_numpy(dtype=float)]
    )
    fit = OLS(frame["post"].to_numpy(dtype=float), x).fit()
    low, high = fit.conf_int(alpha)[1]
    return float(fit.params[1]), float(low), float(high), float(fit.pvalues[1]), float(fit.df_resid)


def analyse_programme(frame: pd.DataFrame, alpha: float = 0.05) -> dict[str, tuple[float, ...]]:
    """(estimate, ci_low, ci_high, p_value, df) of each method in METHODS on one programme,
    the engine's methods called as `partner_vs_control_effects` calls them."""
    from evaluation.analysis.effects import waves_long
    from evaluation.stats import ancova_clustered, did_clustered, mixed_reml

    analysed = frame.dropna(subset=["pre", "post"])
    arguments = dict(post="post", pre="pre", treatment="treatment", cluster="school_id", alpha=alpha)
    estimates = (
        ancova_clustered(analysed, vcov="CR1", **arguments),
        ancova_clustered(analysed, vcov="CR2", **arguments),
        mixed_reml(analysed, **arguments).estimate,
        did_clustered(waves_long(frame), "value", "wave", "treatment", "school_id", alpha=alpha),
    )
    results = {"ols_naive": _naive_ols(analysed, alpha)}
    for e in estimates:
        results[e.method] = (e.estimate, e.ci_low, e.ci_high, e.p_value, e.df)
    return results


def _replication(study: str, cell: int, design, seed: int, replication: int, alpha: float) -> list[tuple]:
    """One replication of one cell of `study`: a row (method, estimate, ci_low, ci_high, p, df)
    per method. The coverage study's seed sequence is (seed, cell, replication), as before the
    other studies were added; the others' is (seed, study number, cell, replication)."""
    if study == "coverage":
        rng = np.random.default_rng(np.random.SeedSequence([seed, cell, replication]))
        results = analyse_programme(simulate_programme(rng, design), alpha)
        return [(method, *results[method]) for method in METHODS]
    rng = np.random.default_rng(np.random.SeedSequence([seed, STUDIES.index(study), cell, replication]))
    if study == "moderation":
        frame = add_sex(rng, simulate_programme(rng, design))
        results = analyse_moderation(frame, alpha)
        return [(method, *results[method]) for method in MODERATION_METHODS]
    results = analyse_changes(simulate_changes(rng, design), alpha)
    return [(method, *results[method]) for method in PREPOST_METHODS]


def _run_chunk(task: tuple[str, int, object, int, int, int, float]) -> list[tuple]:
    """Worker: replications start..stop-1 of one cell of one study; each has its own seed
    sequence, so results do not depend on how the work is split."""
    study, cell, design, seed, start, stop, alpha = task
    rows = []
    for replication in range(start, stop):
        rows += [(cell, replication, *row) for row in _replication(study, cell, design, seed, replication, alpha)]
    return rows


def run(
    designs: list, replications: int, seed: int, workers: int, alpha: float, chunk: int = 25, study: str = "coverage"
) -> pd.DataFrame:
    """Every replication of every cell of `study`: one row per (cell, replication, method)."""
    tasks = [
        (study, cell, design, seed, start, min(start + chunk, replications), alpha)
        for cell, design in enumerate(designs)
        for start in range(0, replications, chunk)
    ]
    rows, done, began = [], 0, time.perf_counter()
    context = multiprocessing.get_context("spawn")  # fresh interpreters: they read the thread limits main() set
    with context.Pool(workers) as pool:
        for part in pool.imap_unordered(_run_chunk, tasks):
            rows += part
            done += 1
            if done % max(1, len(tasks) // 20) == 0 or done == len(tasks):
                print(f"  {done}/{len(tasks)} chunks, {time.perf_counter() - began:.0f} s", flush=True)
    frame = pd.DataFrame(
        rows, columns=["cell", "replication", "method", "estimate", "ci_low", "ci_high", "p_value", "df"]
    )
    cells = pd.DataFrame([{"cell": i, **asdict(d)} for i, d in enumerate(designs)])
    return frame.merge(cells, on="cell")


def _share(hits: pd.Series) -> tuple[float, float, int]:
    """Share of True in `hits` (NaN rows dropped), its Monte Carlo SE and the count used."""
    hits = hits.dropna().astype(float)
    p = float(hits.mean())
    return p, math.sqrt(p * (1 - p) / len(hits)), len(hits)


def summarise(draws: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Per school count and method: coverage of the intervals at the true effect (delta != 0
    cells), the same over both cells (each interval against its own cell's delta), type-I error
    at `alpha` (delta = 0 cells), each with its Monte Carlo SE, mean bias and mean interval width
    (coverage cells), mean df, and failed fits (NaN estimates)."""
    draws = draws.copy()
    covered = (draws["ci_low"] <= draws["delta"]) & (draws["delta"] <= draws["ci_high"])
    draws["covered"] = covered.where(draws["ci_low"].notna())
    draws["rejected"] = (draws["p_value"] < alpha).where(draws["p_value"].notna())
    rows = []
    for (schools, method), part in draws.groupby(["schools", "method"], sort=False):
        effect, null = part[part["delta"] != 0], part[part["delta"] == 0]
        coverage, coverage_se, n_cov = _share(effect["covered"])
        type1, type1_se, n_null = _share(null["rejected"])
        both, both_se, _ = _share(part["covered"])
        rows.append({
            "schools": schools, "method": method, "replications": n_cov,
            "coverage": coverage, "coverage_mc_se": coverage_se,
            "coverage_both_cells": both, "coverage_both_cells_mc_se": both_se,
            "type1_replications": n_null, "type1_error": type1, "type1_mc_se": type1_se,
            "mean_bias": float((effect["estimate"] - effect["delta"]).mean()),
            "mean_ci_width": float((effect["ci_high"] - effect["ci_low"]).mean()),
            "mean_df": float(effect["df"].mean()),
            "failed": int(part["estimate"].isna().sum()),
        })  # fmt: skip
    table = pd.DataFrame(rows)
    table["method"] = pd.Categorical(table["method"], METHODS, ordered=True)
    return table.sort_values(["schools", "method"]).reset_index(drop=True)


def markdown_table(table: pd.DataFrame) -> str:
    """The summary as a markdown table (percentages with their Monte Carlo SE)."""
    lines = [
        "| schools | method | reps | coverage of 95% CI (MC SE) | coverage, both cells (MC SE) "
        "| type-I error at .05 (MC SE) | mean bias | mean CI width | mean df |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.schools} | {r.method} | {r.replications} "
            f"| {100 * r.coverage:.1f}% ({100 * r.coverage_mc_se:.1f}) "
            f"| {100 * r.coverage_both_cells:.1f}% ({100 * r.coverage_both_cells_mc_se:.1f}) "
            f"| {100 * r.type1_error:.1f}% ({100 * r.type1_mc_se:.1f}) "
            f"| {r.mean_bias:+.4f} | {r.mean_ci_width:.3f} | {r.mean_df:.1f} |"
        )
    return "\n".join(lines)


def cr2_verdicts(table: pd.DataFrame) -> list[str]:
    """One line per school count: where CR2's coverage lands relative to the issue's band."""
    low, high = CR2_BAND
    lines = []
    for r in table[table["method"] == "ancova_cr2"].itertuples():
        where = ["within" if low <= c <= high else "OUTSIDE" for c in (r.coverage, r.coverage_both_cells)]
        lines.append(
            f"ancova_cr2 at {r.schools} schools: coverage {100 * r.coverage:.1f}% ({where[0]} "
            f"{100 * low:.1f}-{100 * high:.1f}%), both cells {100 * r.coverage_both_cells:.1f}% "
            f"({where[1]})"
        )
    return lines


def summarise_moderation(draws: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Per school count: the moderator test's type-I error at `alpha` (no true interaction) with
    its Monte Carlo SE, the interval's coverage of 0, the mean df and failed fits; and how often
    the girls' and boys' own CR2 intervals disagree, one excluding zero and the other not (the
    "works for boys, not girls" reading of two subgroup rows side by side)."""
    draws = draws.copy()
    draws["rejected"] = (draws["p_value"] < alpha).where(draws["p_value"].notna())
    draws["covered"] = ((draws["ci_low"] <= 0) & (draws["ci_high"] >= 0)).where(draws["ci_low"].notna())
    rows = []
    for schools, part in draws.groupby("schools", sort=True):
        test = part[part["method"] == "moderator_sex"]
        type1, type1_se, n = _share(test["rejected"])
        coverage, coverage_se, _ = _share(test["covered"])
        excludes = part[part["method"] != "moderator_sex"].pivot(
            index="replication", columns="method", values="covered"
        )
        split = (excludes["girls"] != excludes["boys"]).where(excludes.notna().all(axis=1))
        discordant, discordant_se, _ = _share(split)
        rows.append({
            "schools": schools, "method": "moderator_sex", "replications": n,
            "type1_error": type1, "type1_mc_se": type1_se, "coverage_of_zero": coverage,
            "coverage_mc_se": coverage_se, "mean_estimate": float(test["estimate"].mean()),
            "mean_df": float(test["df"].mean()), "failed": int(test["p_value"].isna().sum()),
            "subgroups_disagree": discordant, "subgroups_disagree_mc_se": discordant_se,
        })  # fmt: skip
    return pd.DataFrame(rows)


def summarise_changes(draws: pd.DataFrame) -> pd.DataFrame:
    """Per school count, change ICC and method: the coverage of the true mean change with its
    Monte Carlo SE, mean interval width, mean df and failed fits."""
    draws = draws.copy()
    covered = (draws["ci_low"] <= draws["mean_change"]) & (draws["mean_change"] <= draws["ci_high"])
    draws["covered"] = covered.where(draws["ci_low"].notna())
    rows = []
    for (schools, icc, method), part in draws.groupby(["schools", "change_icc", "method"], sort=False):
        coverage, coverage_se, n = _share(part["covered"])
        rows.append({
            "schools": schools, "change_icc": icc, "method": method, "replications": n,
            "coverage": coverage, "coverage_mc_se": coverage_se,
            "mean_ci_width": float((part["ci_high"] - part["ci_low"]).mean()),
            "mean_df": float(part["df"].mean()), "failed": int(part["estimate"].isna().sum()),
        })  # fmt: skip
    table = pd.DataFrame(rows)
    table["method"] = pd.Categorical(table["method"], PREPOST_METHODS, ordered=True)
    return table.sort_values(["schools", "change_icc", "method"]).reset_index(drop=True)


def moderation_markdown(table: pd.DataFrame) -> str:
    lines = [
        "| schools | test | reps | type-I error at .05 (MC SE) | coverage of 0 (MC SE) | mean estimate | mean df "
        "| girls' and boys' intervals disagree (MC SE) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.schools} | {r.method} | {r.replications} | {100 * r.type1_error:.1f}% ({100 * r.type1_mc_se:.1f}) "
            f"| {100 * r.coverage_of_zero:.1f}% ({100 * r.coverage_mc_se:.1f}) | {r.mean_estimate:+.4f} "
            f"| {r.mean_df:.1f} | {100 * r.subgroups_disagree:.1f}% ({100 * r.subgroups_disagree_mc_se:.1f}) |"
        )
    return "\n".join(lines)


def changes_markdown(table: pd.DataFrame) -> str:
    lines = [
        "| schools in the group | change ICC | method | reps | coverage of 95% CI (MC SE) | mean CI width | mean df |",
        "|---:|---:|---|---:|---:|---:|---:|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.schools} | {r.change_icc:g} | {r.method} | {r.replications} "
            f"| {100 * r.coverage:.1f}% ({100 * r.coverage_mc_se:.1f}) | {r.mean_ci_width:.3f} | {r.mean_df:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=1000, help="per cell (default 1000)")
    parser.add_argument("--schools", type=int, nargs="+", default=[20, 40, 80])
    parser.add_argument("--delta", type=float, default=0.2, help="true effect in SD units (default 0.2)")
    parser.add_argument("--icc", type=float, default=0.2)
    parser.add_argument("--r2", type=float, default=0.5, help="pre-test R2 at both levels")
    parser.add_argument("--students", type=int, nargs=2, default=[15, 40], metavar=("MIN", "MAX"))
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--studies", nargs="+", choices=STUDIES, default=list(STUDIES))
    args = parser.parse_args(argv)
    if args.delta == 0 or args.replications < 1 or min(args.schools) < 4:
        parser.error("--delta must not be 0, --replications at least 1, --schools at least 4")
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"  # one BLAS thread per worker: the workers are the parallelism
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    shape = dict(icc=args.icc, r2=args.r2, min_students=args.students[0], max_students=args.students[1])
    command = "python benchmarks/simulate_coverage.py " + " ".join(argv if argv is not None else sys.argv[1:])
    sections, tables, began = [], {}, time.perf_counter()
    if "coverage" in args.studies:
        designs = [Design(g, delta, **shape) for g in args.schools for delta in (args.delta, 0.0)]
        print(
            f"coverage: {len(designs)} cells x {args.replications} replications, {args.workers} workers, "
            f"seed {args.seed}",
            flush=True,
        )
        draws = run(designs, args.replications, args.seed, args.workers, args.alpha)
        table = tables["coverage"] = summarise(draws, args.alpha)
        sections += [
            f"Partner versus control. Design: {', '.join(map(str, args.schools))} schools (half partner, "
            f"randomised by school), {args.students[0]}-{args.students[1]} students per school, ICC {args.icc}, "
            f"pre-test R2 {args.r2} within and between schools, delta {args.delta} SD for coverage and 0 for "
            f"type-I error, {args.replications} replications per cell.",
            markdown_table(table),
            "\n".join(cr2_verdicts(table)),
        ]
    if "moderation" in args.studies:
        designs = [Design(g, args.delta, **shape) for g in args.schools]
        print(f"moderation: {len(designs)} cells x {args.replications} replications", flush=True)
        draws = run(designs, args.replications, args.seed, args.workers, args.alpha, study="moderation")
        table = tables["moderation"] = summarise_moderation(draws, args.alpha)
        sections += [
            f"Moderator test under the null (two levels, CR2 t-test of partner x sex): the programmes above with "
            f"delta {args.delta} SD, plus a student-level sex (1/2 each) and boys {SEX_EFFECT} SD higher at post "
            f"in both groups; no interaction. {args.replications} replications per cell.",
            moderation_markdown(table),
        ]
    if "prepost" in args.studies:
        designs = [
            ChangeDesign(g // 2, icc, min_students=args.students[0], max_students=args.students[1])
            for g in args.schools
            for icc in CHANGE_ICCS
        ]
        print(f"prepost: {len(designs)} cells x {args.replications} replications", flush=True)
        draws = run(designs, args.replications, args.seed, args.workers, args.alpha, study="prepost")
        table = tables["prepost"] = summarise_changes(draws)
        example = designs[0]
        sections += [
            f"Pre/post change of one group: {', '.join(str(g // 2) for g in args.schools)} schools (a group of the "
            f"programmes above), {args.students[0]}-{args.students[1]} students per school, pre-test ICC "
            f"{example.icc}, mean change {example.mean_change} with SD {example.change_sd}, the change's ICC "
            f"{', '.join(f'{k:g}' for k in CHANGE_ICCS)}; {args.replications} replications per cell.",
            changes_markdown(table),
        ]
    seconds = time.perf_counter() - began
    header = (
        f"Command: `{command.strip()}`; seed {args.seed}; {datetime.date.today().isoformat()}; "
        f"run time {seconds / 60:.1f} min with {args.workers} workers."
    )
    text = "\n\n".join([header, *sections]) + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "coverage.md").write_text(text, encoding="utf-8")
    for name, table in tables.items():
        table.to_csv(args.out / f"{name}.csv", index=False)
    print(text)
    print(f"Wrote {args.out / 'coverage.md'} and {', '.join(f'{name}.csv' for name in tables)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
