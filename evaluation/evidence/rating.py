"""An evidence rating per finding, modelled on the What Works Clearinghouse ratings, and the row
of ``results/evidence.csv`` that carries it (columns in data-model.md).

Rules (WWC Procedures and Standards Handbook v5.0, group designs, reduced to what the workbench
can check from the data; the reviewer's judgements of compromised randomisation, confounding
factors and the outcome measure are taken as satisfied):

1. Randomised (``design="rct"``) with **low** attrition at every level (schools and students,
   `evaluation.evidence.attrition_boundary.combined_verdict`): ``meets_without_reservations``.
2. Randomised with high (or unknown) attrition, or not randomised (``design="qed"``, the usual
   partner-versus-control comparison): baseline equivalence of the analysed sample decides:
   - ``satisfied`` (|g| <= 0.05): ``meets_with_reservations``;
   - ``adjustment_required`` (0.05 < |g| <= 0.25): ``meets_with_reservations`` when the impact
     estimate adjusts for the pre-test (ANCOVA, mixed model with the pre-test; the default),
     else ``does_not_meet``;
   - ``not_satisfied`` (|g| > 0.25) or unknown: ``does_not_meet``.
"""

from __future__ import annotations

import math
from typing import Literal

from evaluation.errors import EvidenceInputError
from evaluation.evidence.attrition_boundary import HIGH, Attrition, combined_verdict
from evaluation.evidence.baseline import ADJUSTMENT_REQUIRED, SATISFIED, baseline_verdict
from evaluation.evidence.significance import improvement_index, is_significant, is_substantively_important

Design = Literal["rct", "qed"]
MEETS, WITH_RESERVATIONS, DOES_NOT_MEET = "meets_without_reservations", "meets_with_reservations", "does_not_meet"
EVIDENCE_COLUMNS = [
    "outcome", "domain", "subgroup", "attrition_overall", "attrition_differential", "attrition_verdict",
    "baseline_g", "baseline_verdict", "effect_size", "p_adjusted", "significant", "substantively_important",
    "improvement_index", "rating", "summary",
]  # fmt: skip


def wwc_rating(
    design: Design, attrition_verdict: str | None, baseline: str | None, adjusted_for_baseline: bool = True
) -> str:
    """The rating of one finding by the rules in this module's docstring."""
    if design not in ("rct", "qed"):
        raise EvidenceInputError(f"design must be 'rct' or 'qed', got {design!r}")
    if design == "rct" and attrition_verdict == "low":
        return MEETS
    if baseline == SATISFIED:
        return WITH_RESERVATIONS
    if baseline == ADJUSTMENT_REQUIRED and adjusted_for_baseline:
        return WITH_RESERVATIONS
    return DOES_NOT_MEET


def evidence_row(
    *,
    outcome: str,
    domain: str,
    subgroup: str,
    design: Design,
    attrition: list[Attrition] | None,
    baseline_g: float,
    effect_size: float,
    p_adjusted: float,
    alpha: float = 0.05,
    adjusted_for_baseline: bool = True,
) -> dict:
    """One row of ``results/evidence.csv`` (`EVIDENCE_COLUMNS`) from the pieces of a finding.

    Parameters
    ----------
    attrition : list of Attrition or None
        Student- and school-level attrition (`evaluation.analysis.evidence.attrition_levels`).
        The row shows the rates of the first level with high attrition, else of the first level
        (students); the verdict is high when any level is high. None: attrition unknown.
    baseline_g : float
        Pre-test Hedges' g of the analysed sample (the ``baseline_equivalence`` row of
        effects.csv); its WWC verdict comes from `evaluation.evidence.baseline.baseline_verdict`.
    effect_size, p_adjusted : float
        Hedges' g and the multiplicity-adjusted p-value of the headline method (NaN when
        suppressed). For an analysis that ignored clustering, pass the p-value of
        `evaluation.evidence.significance.cluster_correction`.
    """
    shown = None
    verdict = None
    if attrition:
        verdict = combined_verdict(attrition)
        shown = next((a for a in attrition if a.verdict == HIGH), attrition[0])
    baseline = baseline_verdict(baseline_g)
    significant = is_significant(p_adjusted, alpha)
    important = is_substantively_important(effect_size)
    index = improvement_index(effect_size)
    rating = wwc_rating(design, verdict, baseline, adjusted_for_baseline)
    # ``summary``, the finding in one sentence of the plan's language, is written by the report's
    # wording (`evaluation.reporting.evidence.summary_sentence`): no words are made here.
    return {
        "outcome": outcome,
        "domain": domain,
        "subgroup": subgroup,
        "attrition_overall": shown.overall if shown else math.nan,
        "attrition_differential": shown.differential if shown else math.nan,
        "attrition_verdict": verdict,
        "baseline_g": baseline_g,
        "baseline_verdict": baseline,
        "effect_size": effect_size,
        "p_adjusted": p_adjusted,
        "significant": significant,
        "substantively_important": important,
        "improvement_index": index,
        "rating": rating,
        "summary": "",
    }
