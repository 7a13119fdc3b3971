"""From the pre/post frame of an outcome (`evaluation.analysis.frames.prepost_frame`) to the
rows of `results/effects.csv`: the change from pre to post, partner versus control (with the
plan's covariates) and the multiplicity adjustment of the plan's families."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from evaluation.analysis.covariates import model_columns
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


def analysis_columns(frame: pd.DataFrame, plan: Plan, covariates: Sequence[str] = ()) -> pd.DataFrame:
    """The columns of an outcome's frame that `prepost_effects`, `partner_vs_control_effects` and
    `moderation_effects` read: school, group, partner indicator, both waves, the plan's subgroups
    and `covariates`. The rest (the student's id above all, a million texts at national size) is
    left behind: each model cuts the frame many times, and a unit sends it to a worker."""
    keep = {"school_id", "group", "treatment", "pre", "post", *plan.subgroups, *covariates}
    return frame[[column for column in frame.columns if column in keep]]


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
    frame = analysis_columns(frame, plan)
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
    the outcome, 0.20 for an exam or a knowledge test (achievement) and 0.10 for a survey scale."""
    return default_icc("achievement" if outcome.source in ("exam", "test") else "behavioural")


def partner_vs_control_effects(
    frame: pd.DataFrame, outcome: Outcome, plan: Plan, covariates: Sequence[str] = ()
) -> pd.DataFrame:
    """Partner versus control per subgroup, one row per method: the `baseline_equivalence` row
    (pre-test Hedges' g of the analysed students), then `partner_vs_control` rows ancova_cr1,
    ancova_cr2 and mixed_reml (students with both tests) and did (every pre and post value).
    When a group misses more than the plan's `missing_data_threshold` of the post-test (among
    its units with a pre-test), the whole sample (subgroup all) also has an ``ancova_mi`` row:
    the CR2 ANCOVA pooled over multiple imputations (`evaluation.stats.imputation`). Every
    partner-versus-control g carries the WWC's cluster factor with `outcome_icc` (partner
    schools are chosen as schools: cluster-level assignment); the baseline g does not.

    `covariates` (the plan's, `evaluation.analysis.covariates`; ``auto`` resolved by the caller)
    enter every partner-versus-control model besides the pre-test, as the model columns of
    `evaluation.analysis.covariates.model_columns` (their levels those of the students with both
    tests and every covariate): each model analyses the rows with every covariate it uses, and
    the baseline g is that of the ANCOVA's rows. Each model still sees the students missing a
    test, so that it can name a group without a post-test in its note. Column ``covariates``
    says which ones each row's model used."""
    icc = outcome_icc(outcome)
    rows = []
    frame = analysis_columns(frame, plan, covariates)
    for subgroup, subset in _subsets(frame, plan):
        analysed, columns, used = model_columns(subset, covariates, required=("pre", "post"))
        incomplete = subset["pre"].isna() | subset["post"].isna()
        subset_rows = subset[incomplete | subset.index.isin(analysed.index)].join(analysed[columns])
        common = dict(
            outcome=outcome.id, domain=outcome.domain, subgroup=subgroup, group="all", min_cell_size=plan.min_cell_size
        )
        baseline = baseline_equivalence(subset_rows, "pre", "treatment", "school_id", alpha=plan.alpha, post="post")
        rows.append(baseline.to_row(analysis="baseline_equivalence", **common))
        arguments = dict(post="post", pre="pre", treatment="treatment", cluster="school_id", alpha=plan.alpha, icc=icc)
        estimates = (
            ancova_clustered(subset_rows, vcov="CR1", covariates=columns, **arguments),
            ancova_clustered(subset_rows, vcov="CR2", covariates=columns, **arguments),
            mixed_reml(subset_rows, covariates=columns, **arguments).estimate,
        )
        rows += [e.to_row(analysis="partner_vs_control", covariates=used, **common) for e in estimates]
        long, long_columns, long_used = model_columns(
            waves_long(subset, keep=[c for c in covariates if c in subset.columns]), covariates, required=("value",)
        )
        did = did_clustered(
            long, "value", "wave", "treatment", "school_id", alpha=plan.alpha, covariates=long_columns, icc=icc
        )
        rows.append(did.to_row(analysis="partner_vs_control", covariates=long_used, **common))
        if subgroup == "all" and needs_imputation(subset, plan.missing_data_threshold):
            sample, mi_columns, mi_used = model_columns(subset, covariates, required=("pre",))
            imputed = ancova_mi(sample, covariates=mi_columns, **arguments)
            rows.append(imputed.to_row(analysis="partner_vs_control", covariates=mi_used, **common))
    return effects_frame(rows)


def moderation_effects(
    frame: pd.DataFrame, outcome: Outcome, plan: Plan, covariates: Sequence[str] = ()
) -> pd.DataFrame:
    """Does the partner effect differ between a subgroup's levels? One `moderation` row per plan
    subgroup variable with a value in the frame (subgroup = the variable, group ``all``, method
    ``ancova_cr2``): the partner x subgroup interaction of the CR2 ANCOVA on the students with
    both tests, with the plan's `covariates` as in the partner-versus-control rows (but the
    subgroup variable itself, whose levels are in the model anyway; column ``covariates``)
    (`evaluation.stats.moderator_test`: for two levels the interaction's t-test, its g with the
    ANCOVA rows' cluster factor, for more the HTZ Wald test, its F in `estimate` and the note
    ``wald_f:<q>``). The row is suppressed when a level has fewer than `min_cell_size` analysed
    partner or control students (any count under it can identify children, as in a subgroup's
    own rows). Moderator tests are exploratory: their p is not adjusted (`adjust_p_values`)."""
    icc = outcome_icc(outcome)
    rows = []
    frame = analysis_columns(frame, plan, covariates)
    for name in plan.subgroups:
        if name not in frame.columns or frame[name].isna().all():
            continue
        others = [c for c in covariates if c != name]
        analysed, columns, used = model_columns(frame, others, required=("pre", "post", name))
        # every student of the outcome, so that a group without both tests is named in the note
        incomplete = frame["pre"].isna() | frame["post"].isna()
        data = frame[incomplete | frame.index.isin(analysed.index)].join(analysed[columns])
        estimate = moderator_test(
            data, "post", "pre", "treatment", "school_id", name, covariates=columns, alpha=plan.alpha, icc=icc
        )
        cells = analysed.groupby([name, "treatment"]).size()
        small_cell = not len(cells) or cells.min() < plan.min_cell_size
        rows.append(
            estimate.to_row(
                analysis="moderation",
                outcome=outcome.id,
                domain=outcome.domain,
                subgroup=name,
                covariates=used,
                # to_row checks the arms' totals; a small level-by-arm cell suppresses the row too
                min_cell_size=math.inf if small_cell else plan.min_cell_size,
            )
        )
    return effects_frame(rows)


def adjust_p_values(effects: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """p_adjusted: Benjamini-Hochberg within each multiplicity family of the plan
    (`Plan.families`: the plan's ``multiplicity_families``, else the confirmatory outcomes of
    each domain), over the confirmatory findings only: the `partner_vs_control` rows of the
    plan's `primary_method` in the whole sample (subgroup ``all``). Every other row (other
    methods, subgroups, pre/post, moderation, exploratory outcomes) is exploratory and has no
    p_adjusted. A row without a p-value (suppressed) is left out of its family's count, as R's
    ``p.adjust``."""
    adjusted = effects.copy()
    adjusted["p_adjusted"] = math.nan
    confirmatory = (
        (adjusted["analysis"] == "partner_vs_control")
        & (adjusted["method"] == plan.primary_method)
        & (adjusted["subgroup"] == "all")
    )
    for ids in plan.families.values():
        family = confirmatory & adjusted["outcome"].isin(ids)
        if family.any():
            adjusted.loc[family, "p_adjusted"] = benjamini_hochberg(adjusted.loc[family, "p_value"].to_numpy(float))
    return adjusted
