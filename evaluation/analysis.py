"""From accepted tables to one row per student or respondent with pre and post values, and from
there to the rows of `results/effects.csv`.

The notebooks call these; each function is small enough for a test to reach.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from evaluation.errors import PlanError
from evaluation.evidence.missing_data import ancova_mi, needs_imputation
from evaluation.plan import Outcome, Plan
from evaluation.results import effects_frame
from evaluation.scales import scale_score
from evaluation.stats import (ancova_clustered, baseline_equivalence, benjamini_hochberg, did_clustered,
                              mixed_reml, paired_change, welch_waves, wilcoxon_signed_rank)

GROUPS = ("partner", "control")
PREPOST_METHODS = ("paired_t", "wilcoxon", "welch_t")
PARTNER_METHODS = ("ancova_cr1", "ancova_cr2", "mixed_reml", "did")
CR2_BELOW_SCHOOLS = 40  # fewer schools than this: CR2 is the default headline (issue 4, EEF guidance)


def _exam_long(accepted: dict[str, pd.DataFrame], outcome: Outcome) -> pd.DataFrame:
    exams = accepted["exam_results"]
    rows = exams[exams["subject"] == outcome.subject]
    if rows.empty:
        known = ", ".join(sorted(exams["subject"].dropna().unique()))
        raise PlanError(f"outcome {outcome.id}: no accepted exam results for subject "
                        f"{outcome.subject!r}; subjects in the data: {known}")
    per_wave = rows.groupby("wave")["exam_id"].nunique()
    ambiguous = per_wave[per_wave > 1]
    if not ambiguous.empty:
        wave = ambiguous.index[0]
        exams_in_wave = ", ".join(sorted(rows.loc[rows["wave"] == wave, "exam_id"].unique()))
        raise PlanError(f"outcome {outcome.id}: wave {wave} holds several exams ({exams_in_wave}); "
                        "keep one exam per wave in exam_results for this subject")
    return rows.rename(columns={"student_id": "unit_id", "score": "value"})[
        ["unit_id", "school_id", "wave", "value", "grade"]]


def _survey_long(accepted: dict[str, pd.DataFrame], outcome: Outcome, instruments: dict) -> pd.DataFrame:
    table = f"surveys/{outcome.instrument}"
    if table not in accepted:
        raise PlanError(f"outcome {outcome.id}: the data has no survey {outcome.instrument!r} "
                        f"(looked for {table}.csv/.xlsx/.parquet)")
    instrument = instruments[outcome.instrument]
    items, reverse, low, high = instrument_scale(instrument, outcome.scale, outcome.id)
    responses = accepted[table]
    duplicated = responses.duplicated(["respondent_id", "wave"], keep=False)
    if duplicated.any():
        example = responses.loc[duplicated, "respondent_id"].iloc[0]
        raise PlanError(f"outcome {outcome.id}: respondent {example} answered {outcome.instrument} "
                        "more than once in a wave; the contract should quarantine such rows")
    frame = responses[["respondent_id", "school_id", "wave"]].rename(columns={"respondent_id": "unit_id"})
    frame["value"] = scale_score(responses, items, reverse, low, high)
    return frame


def instrument_scale(instrument, scale: str, outcome_id: str) -> tuple[list[str], list[str], float, float]:
    """Items, reverse-keyed items and response range of one scale of an instrument."""
    if scale not in instrument.scales:
        raise PlanError(f"outcome {outcome_id}: instrument {instrument.id} has no scale {scale!r}; "
                        f"its scales: {', '.join(instrument.scales)}")
    items = list(instrument.scales[scale])
    reverse = [item.id for item in instrument.items if item.id in items and item.reverse]
    return items, reverse, float(instrument.scale_min), float(instrument.scale_max)


def prepost_frame(accepted: dict[str, pd.DataFrame], outcome: Outcome, instruments: dict) -> pd.DataFrame:
    """One row per student or respondent: unit_id, school_id, group, treatment (1 partner,
    0 control), pre, post, plus the subgroup columns the data has (grade, sex, special_needs,
    migrant_refugee from the roster; school_type, resource_level from schools)."""
    if outcome.source == "exam":
        long = _exam_long(accepted, outcome)
    else:
        long = _survey_long(accepted, outcome, instruments)
    wide = long.pivot(index=["unit_id", "school_id"], columns="wave", values="value")
    wide = wide.reindex(columns=["pre", "post"]).reset_index()
    wide.columns.name = None
    if "grade" in long.columns:
        grades = long.sort_values("wave", key=lambda w: w != "pre").drop_duplicates("unit_id")
        wide = wide.merge(grades[["unit_id", "grade"]], on="unit_id", how="left")
    roster = accepted.get("students")
    if roster is not None and not roster.empty:
        extra = [c for c in ("grade", "sex", "special_needs", "migrant_refugee")
                 if c in roster.columns and c not in wide.columns]
        wide = wide.merge(roster[["student_id", *extra]].rename(columns={"student_id": "unit_id"}),
                          on="unit_id", how="left")
    schools = accepted["schools"]
    extra = [c for c in ("group", "school_type", "resource_level") if c in schools.columns]
    wide = wide.merge(schools[["school_id", *extra]], on="school_id", how="left")
    wide["treatment"] = (wide["group"] == "partner").astype(int)
    return wide


def _subsets(frame: pd.DataFrame, plan: Plan):
    yield "all", frame
    for name in plan.subgroups:
        if name not in frame.columns:
            continue
        levels = list(frame[name].dropna().unique())
        try:
            levels.sort()
        except TypeError:  # mixed kinds of value: sort as text
            levels.sort(key=str)
        for level in levels:
            yield f"{name}={level}", frame[frame[name] == level]


def prepost_effects(frame: pd.DataFrame, outcome: Outcome, plan: Plan) -> pd.DataFrame:
    """Change from pre to post of each group (partner, control, all) and subgroup: `prepost`
    rows, one per method: paired_t and wilcoxon on the linked units, welch_t on all pre and all
    post values as independent samples (the method for waves that do not link)."""
    rows = []
    for subgroup, subset in _subsets(frame, plan):
        for group in (*GROUPS, "all"):
            part = subset if group == "all" else subset[subset["group"] == group]
            estimates = (paired_change(part, "pre", "post", cluster="school_id", alpha=plan.alpha),
                         wilcoxon_signed_rank(part, "pre", "post", cluster="school_id"),
                         welch_waves(part, "pre", "post", cluster="school_id", alpha=plan.alpha))
            rows += [estimate.to_row(analysis="prepost", outcome=outcome.id, domain=outcome.domain,
                                     subgroup=subgroup, group=group, min_cell_size=plan.min_cell_size)
                     for estimate in estimates]
    return effects_frame(rows)


def waves_long(frame: pd.DataFrame) -> pd.DataFrame:
    """The pre/post frame as one row per unit and wave with a value (unit_id, school_id,
    treatment, wave, value): every observed value, linked or not."""
    long = frame.melt(id_vars=["unit_id", "school_id", "treatment"], value_vars=["pre", "post"],
                      var_name="wave", value_name="value")
    return long.dropna(subset=["value"])


def partner_vs_control_effects(frame: pd.DataFrame, outcome: Outcome, plan: Plan) -> pd.DataFrame:
    """Partner versus control per subgroup, one row per method: the `baseline_equivalence` row
    (pre-test Hedges' g of the analysed students), then `partner_vs_control` rows ancova_cr1,
    ancova_cr2 and mixed_reml (students with both tests) and did (every pre and post value).
    When a group misses more than the plan's `missing_data_threshold` of the post-test (among
    its units with a pre-test), the whole sample (subgroup all) also has an ``ancova_mi`` row:
    the CR2 ANCOVA pooled over multiple imputations (`evaluation.evidence.missing_data`)."""
    rows = []
    for subgroup, subset in _subsets(frame, plan):
        analysed = subset.dropna(subset=["pre", "post"])
        common = dict(outcome=outcome.id, domain=outcome.domain, subgroup=subgroup, group="all",
                      min_cell_size=plan.min_cell_size)
        baseline = baseline_equivalence(analysed, "pre", "treatment", "school_id", alpha=plan.alpha)
        rows.append(baseline.to_row(analysis="baseline_equivalence", **common))
        arguments = dict(post="post", pre="pre", treatment="treatment", cluster="school_id", alpha=plan.alpha)
        estimates = (ancova_clustered(analysed, vcov="CR1", **arguments),
                     ancova_clustered(analysed, vcov="CR2", **arguments),
                     mixed_reml(analysed, **arguments).estimate,
                     did_clustered(waves_long(subset), "value", "wave", "treatment", "school_id", alpha=plan.alpha))
        rows += [estimate.to_row(analysis="partner_vs_control", **common) for estimate in estimates]
        if subgroup == "all" and needs_imputation(subset, plan.missing_data_threshold):
            rows.append(ancova_mi(subset, **arguments).to_row(analysis="partner_vs_control", **common))
    return effects_frame(rows)


def adjust_p_values(effects: pd.DataFrame) -> pd.DataFrame:
    """p_adjusted: Benjamini-Hochberg over the outcomes of each domain, separately for each
    analysis, method, subgroup and group (rows without a p-value are left out of the count)."""
    adjusted = effects.copy()
    family = ["analysis", "method", "subgroup", "group", "domain"]
    adjusted["p_adjusted"] = adjusted.groupby(family, dropna=False)["p_value"].transform(
        lambda p: benjamini_hochberg(p.to_numpy(dtype=float)))
    return adjusted


def primary_method(plan: Plan, effects: pd.DataFrame) -> str:
    """The method the report headlines: the plan's `primary_method`, else ancova_cr2 when the
    study has fewer than 40 schools (or its count is suppressed) and ancova_cr1 from 40 up."""
    if plan.primary_method:
        return plan.primary_method
    rows = effects[(effects["analysis"] == "partner_vs_control") & (effects["subgroup"] == "all")]
    schools = (rows["n_clusters_treatment"].astype(float) + rows["n_clusters_control"].astype(float)).max()
    return "ancova_cr1" if schools >= CR2_BELOW_SCHOOLS else "ancova_cr2"


def group_means(frame: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    """Mean, SD and 95% interval of pre and post per group, for tables and charts: aggregates
    only (groups under `min_cell_size` left out), never row-level values."""
    long = frame.melt(id_vars=["group"], value_vars=["pre", "post"], var_name="wave").dropna()
    summary = long.groupby(["group", "wave"], sort=False)["value"].agg(["count", "mean", "std"]).reset_index()
    summary = summary.rename(columns={"count": "n", "std": "sd"})
    half = 1.96 * summary["sd"] / np.sqrt(summary["n"])
    summary["ci_low"], summary["ci_high"] = summary["mean"] - half, summary["mean"] + half
    return summary[summary["n"] >= min_cell_size].reset_index(drop=True)


def linkage_rate(frame: pd.DataFrame) -> float:
    """Share of post-wave units that also have a pre-wave value (pre/post linkage)."""
    post = frame["post"].notna()
    return float((post & frame["pre"].notna()).sum() / post.sum()) if post.any() else math.nan
