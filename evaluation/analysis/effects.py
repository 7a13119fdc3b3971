"""From the pre/post frame of an outcome (`evaluation.analysis.frames.prepost_frame`) to the
rows of `results/effects.csv`: the change from pre to post, partner versus control (with the
plan's covariates) and the multiplicity adjustment of the plan's families."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from evaluation.analysis.covariates import model_columns
from evaluation.analysis.frames import waves_long
from evaluation.analysis.missing import needs_imputation
from evaluation.config.plan import Outcome, Plan
from evaluation.stats import (
    ancova_clustered,
    baseline_equivalence,
    benjamini_hochberg,
    did_clustered,
    mixed_reml,
    paired_change,
    welch_waves,
    wilcoxon_signed_rank,
)
from evaluation.stats.estimate import effects_frame
from evaluation.stats.imputation import ancova_mi

GROUPS = ("partner", "control")


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
            estimates = (
                paired_change(part, "pre", "post", cluster="school_id", alpha=plan.alpha),
                wilcoxon_signed_rank(part, "pre", "post", cluster="school_id"),
                welch_waves(part, "pre", "post", cluster="school_id", alpha=plan.alpha),
            )
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


def partner_vs_control_effects(
    frame: pd.DataFrame, outcome: Outcome, plan: Plan, covariates: Sequence[str] = ()
) -> pd.DataFrame:
    """Partner versus control per subgroup, one row per method: the `baseline_equivalence` row
    (pre-test Hedges' g of the analysed students), then `partner_vs_control` rows ancova_cr1,
    ancova_cr2 and mixed_reml (students with both tests) and did (every pre and post value).
    When a group misses more than the plan's `missing_data_threshold` of the post-test (among
    its units with a pre-test), the whole sample (subgroup all) also has an ``ancova_mi`` row:
    the CR2 ANCOVA pooled over multiple imputations (`evaluation.stats.imputation`).

    `covariates` (the plan's, `evaluation.analysis.covariates`; ``auto`` resolved by the caller)
    enter every partner-versus-control model besides the pre-test, as the model columns of
    `evaluation.analysis.covariates.model_columns`: each model analyses the rows with every
    covariate it uses, and the baseline g is that of the ANCOVA's rows. Column ``covariates``
    says which ones each row's model used."""
    rows = []
    for subgroup, subset in _subsets(frame, plan):
        analysed, columns, used = model_columns(subset, covariates, required=("pre", "post"))
        common = dict(
            outcome=outcome.id, domain=outcome.domain, subgroup=subgroup, group="all", min_cell_size=plan.min_cell_size
        )
        baseline = baseline_equivalence(analysed, "pre", "treatment", "school_id", alpha=plan.alpha)
        rows.append(baseline.to_row(analysis="baseline_equivalence", **common))
        arguments = dict(post="post", pre="pre", treatment="treatment", cluster="school_id", alpha=plan.alpha)
        estimates = (
            ancova_clustered(analysed, vcov="CR1", covariates=columns, **arguments),
            ancova_clustered(analysed, vcov="CR2", covariates=columns, **arguments),
            mixed_reml(analysed, covariates=columns, **arguments).estimate,
        )
        rows += [e.to_row(analysis="partner_vs_control", covariates=used, **common) for e in estimates]
        long, long_columns, long_used = model_columns(
            waves_long(subset, keep=[c for c in covariates if c in subset.columns]), covariates, required=("value",)
        )
        did = did_clustered(long, "value", "wave", "treatment", "school_id", alpha=plan.alpha, covariates=long_columns)
        rows.append(did.to_row(analysis="partner_vs_control", covariates=long_used, **common))
        if subgroup == "all" and needs_imputation(subset, plan.missing_data_threshold):
            sample, mi_columns, mi_used = model_columns(subset, covariates, required=("pre",))
            imputed = ancova_mi(sample, covariates=mi_columns, **arguments)
            rows.append(imputed.to_row(analysis="partner_vs_control", covariates=mi_used, **common))
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
