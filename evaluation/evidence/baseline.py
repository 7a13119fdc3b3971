"""Baseline equivalence of partner and control groups on the pre-test, as the What Works
Clearinghouse judges it (Procedures and Standards Handbook v5.0, section on baseline
equivalence). The pre-test difference itself is `evaluation.stats.equivalence.baseline_equivalence`."""

from __future__ import annotations

import math

SATISFIED, ADJUSTMENT_REQUIRED, NOT_SATISFIED = "satisfied", "adjustment_required", "not_satisfied"


def baseline_verdict(g: float) -> str | None:
    """WWC verdict on a baseline difference: |g| <= 0.05 satisfied, 0.05 < |g| <= 0.25
    satisfied only with statistical adjustment for the pre-test (adjustment_required), above 0.25
    not satisfied. None when g is not a number."""
    if g is None or math.isnan(g):
        return None
    if abs(g) <= 0.05:
        return SATISFIED
    return ADJUSTMENT_REQUIRED if abs(g) <= 0.25 else NOT_SATISFIED
