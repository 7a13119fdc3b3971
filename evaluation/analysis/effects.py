"""From the pre/post frame of an outcome (`evaluation.analysis.frames.prepost_frame`) to the
rows of `results/effects.csv`: the change from pre to post, partner versus control, the
multiplicity adjustment and the headline method."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd

from evaluation.analysis.frames import waves_long
from evaluation.analysis.missing import needs_imputation
from evaluation.config.plan import Outcome, Plan
from evaluation.evidence import default_icc
from evaluation.stats import (
    ancova_clustered,
    baseline_equivalence,
    benjamini_hochberg,
    did_clustered,
    mixed_reml,
    moderator_test,
    paired_change,
    paired_change_clustered,
    welch_waves,
    wilcoxon_signed_rank,
)
from evaluation.stats.estimate import effects_frame
from evaluation.stats.imputation import ancova_mi
from evaluation.stats.unfit import code, join_notes

GROUPS = ("partner", "control")
CR2_BELOW_SCHOOLS = 40  # fewer schools than this: CR2 is the default headline (issue 4, EEF guidance)


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


def _absent_waves(part: pd.DataFrame, group: str) -> str:
    """``no_post_test:<group>`` / ``no_pre_test:<group>`` / ``no_linked:<group>`` when the
    group's rows lack a wave or never have both (group ``all``: the notes of partner and control)."""
    if group == "all":
        return join_notes(_absent_waves(part[part["group"] == g], g) for g in GROUPS)
    if part.empty:
        return code("no_units", group)
    for wave in ("post", "pre"):
        if part[wave].isna().all():
            return code(f"no_{wave}_test", group)
    return code("no_linked", group) if part[["pre", "post"]].dropna().empty else ""


def prepost_effects(frame: pd.DataFrame, outcome: Outcome, plan: Plan) -> pd.DataFrame:
    """Change from pre to post of each group (partner, control, all) and subgroup: `prepost`
    rows, one per method: paired_t and wilcoxon on the linked units, welch_t on all pre and all
    post values as independent samples (the method for waves that do not link), and paired_cr2,
    the linked units' mean change with its standard error clustered on the school (the reported
    pre/post estimate: students of one school do not change independently)."""
    rows = []
    for subgroup, subset in _subsets(frame, plan):
        for group in (*GROUPS, "all"):
            part = subset if group == "all" else subset[subset["group"] == group]
            estimates = (
                paired_change(part, "pre", "post", cluster="school_id", alpha=plan.alpha),
                wilcoxon_signed_rank(part, "pre", "post", cluster="school_id"),
                welch_waves(part, "pre", "post", cluster="school_id", alpha=plan.alpha),
                paired_change_clustered(part, "pre", "post", cluster="school_id", alpha=plan.alpha),
            )
            absent = _absent_waves(part, group)
            estimates = [replace(e, note=join_notes(absent, e.note)) if absent else e for e in estimates]
            rows += [
                estimate.to_row(
                    analysis="prepost",
                    outcome=outcome.id,
                    domain=outcome.domain,
                    subgroup=subgroup,
                    group=group,
                    min_cell_size=plan.min_cell_size,
                )
                for estimate in estimates
            ]
    return effects_frame(rows)


def outcome_icc(outcome: Outcome) -> float:
    """The ICC of the WWC's cluster factor on the partner-versus-control g: the WWC's default for
    the outcome, 0.20 for an exam (achievement) and 0.10 for a survey scale (any other outcome)."""
    return default_icc("achievement" if outcome.source == "exam" else "behavioural")


def partner_vs_control_effects(frame: pd.DataFrame, outcome: Outcome, plan: Plan) -> pd.DataFrame:
    """Partner versus control per subgroup, one row per method: the `baseline_equivalence` row
    (pre-test Hedges' g of the analysed students), then `partner_vs_control` rows ancova_cr1,
    ancova_cr2 and mixed_reml (students with both tests) and did (every pre and post value).
    When a group misses more than the plan's `missing_data_threshold` of the post-test (among
    its units with a pre-test), the whole sample (subgroup all) also has an ``ancova_mi`` row:
    the CR2 ANCOVA pooled over multiple imputations (`evaluation.stats.imputation`). Every
    partner-versus-control g carries the WWC's cluster factor with `outcome_icc` (partner
    schools are chosen as schools: cluster-level assignment); the baseline g does not."""
    icc = outcome_icc(outcome)
    rows = []
    for subgroup, subset in _subsets(frame, plan):
        # each method analyses the students with both tests, and notes a group that has none
        common = dict(
            outcome=outcome.id, domain=outcome.domain, subgroup=subgroup, group="all", min_cell_size=plan.min_cell_size
        )
        baseline = baseline_equivalence(subset, "pre", "treatment", "school_id", alpha=plan.alpha, post="post")
        rows.append(baseline.to_row(analysis="baseline_equivalence", **common))
        arguments = dict(post="post", pre="pre", treatment="treatment", cluster="school_id", alpha=plan.alpha, icc=icc)
        estimates = (
            ancova_clustered(subset, vcov="CR1", **arguments),
            ancova_clustered(subset, vcov="CR2", **arguments),
            mixed_reml(subset, **arguments).estimate,
            did_clustered(waves_long(subset), "value", "wave", "treatment", "school_id", alpha=plan.alpha, icc=icc),
        )
        rows += [estimate.to_row(analysis="partner_vs_control", **common) for estimate in estimates]
        if subgroup == "all" and needs_imputation(subset, plan.missing_data_threshold):
            rows.append(ancova_mi(subset, **arguments).to_row(analysis="partner_vs_control", **common))
    return effects_frame(rows)


def moderation_effects(frame: pd.DataFrame, outcome: Outcome, plan: Plan) -> pd.DataFrame:
    """Does the partner effect differ between a subgroup's levels? One `moderation` row per plan
    subgroup variable with a value in the frame (subgroup = the variable, group ``all``, method
    ``ancova_cr2``): the partner x subgroup interaction of the CR2 ANCOVA on the students with
    both tests (`evaluation.stats.moderator_test`: for two levels the interaction's t-test, its g
    with the ANCOVA rows' cluster factor, for more the HTZ Wald test, its F in `estimate` and
    the note ``wald_f:<q>``). The row is
    suppressed when a level has fewer than `min_cell_size` analysed partner or control
    students (any count under it can identify children, as in a subgroup's own rows). Moderator
    tests are exploratory: their p is not adjusted."""
    icc = outcome_icc(outcome)
    rows = []
    analysed = frame.dropna(subset=["pre", "post"])
    for name in plan.subgroups:
        if name not in frame.columns or frame[name].isna().all():
            continue
        # every student of the outcome, so that a group without both tests is named in the note
        estimate = moderator_test(frame, "post", "pre", "treatment", "school_id", name, alpha=plan.alpha, icc=icc)
        cells = analysed.dropna(subset=[name]).groupby([name, "treatment"]).size()
        small_cell = not len(cells) or cells.min() < plan.min_cell_size
        rows.append(
            estimate.to_row(
                analysis="moderation",
                outcome=outcome.id,
                domain=outcome.domain,
                subgroup=name,
                # to_row checks the arms' totals; a small level-by-arm cell suppresses the row too
                min_cell_size=math.inf if small_cell else plan.min_cell_size,
            )
        )
    return effects_frame(rows)


def adjust_p_values(effects: pd.DataFrame) -> pd.DataFrame:
    """p_adjusted: Benjamini-Hochberg over the outcomes of each domain, separately for each
    analysis, method, subgroup and group (rows without a p-value are left out of the count)."""
    adjusted = effects.copy()
    family = ["analysis", "method", "subgroup", "group", "domain"]
    adjusted["p_adjusted"] = adjusted.groupby(family, dropna=False)["p_value"].transform(
        lambda p: benjamini_hochberg(p.to_numpy(dtype=float))
    )
    return adjusted


def primary_method(plan: Plan, effects: pd.DataFrame) -> str:
    """The method the report headlines: the plan's `primary_method`, else ancova_cr2 when the
    study has fewer than 40 schools (or its count is suppressed) and ancova_cr1 from 40 up."""
    if plan.primary_method:
        return plan.primary_method
    rows = effects[(effects["analysis"] == "partner_vs_control") & (effects["subgroup"] == "all")]
    schools = (rows["n_clusters_treatment"].astype(float) + rows["n_clusters_control"].astype(float)).max()
    return "ancova_cr1" if schools >= CR2_BELOW_SCHOOLS else "ancova_cr2"
