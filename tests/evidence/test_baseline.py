"""The WWC verdict on a baseline difference."""

import math

import pytest

from evaluation.evidence.baseline import baseline_verdict


@pytest.mark.parametrize(
    "g, verdict",
    [
        (0.0, "satisfied"),
        (-0.05, "satisfied"),
        (0.0501, "adjustment_required"),
        (-0.25, "adjustment_required"),
        (0.2501, "not_satisfied"),
        (-0.9, "not_satisfied"),
        (math.nan, None),
    ],
)
def test_baseline_verdict_follows_wwc_thresholds(g, verdict):
    assert baseline_verdict(g) == verdict
