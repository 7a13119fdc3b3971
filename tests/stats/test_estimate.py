"""Rows of results/effects.csv: the data model's columns, and suppression of small cells."""

import math

from evaluation.stats.estimate import EFFECT_COLUMNS, Estimate, effects_frame


def estimate(n_t, n_c):
    return Estimate(
        "ancova_cr1",
        n_t,
        n_c,
        2.0,
        1.0,
        20.0,
        0.0,
        4.0,
        0.05,
        0.2,
        0.0,
        0.4,
        n_clusters_treatment=5,
        n_clusters_control=5,
    )


def test_row_has_the_data_model_columns_in_order():
    row = estimate(50, 40).to_row(analysis="partner_vs_control", outcome="mathematics", domain="academic")
    assert list(row) == EFFECT_COLUMNS
    assert row["suppressed"] is False and row["estimate"] == 2.0 and row["subgroup"] == "all"


def test_small_cells_are_suppressed_with_numbers_blank():
    row = estimate(50, 9).to_row(
        analysis="partner_vs_control", outcome="mathematics", domain="academic", subgroup="grade=9", min_cell_size=10
    )
    assert row["suppressed"] is True
    blank = (
        "estimate",
        "std_error",
        "ci_low",
        "p_value",
        "effect_size",
        "n_treatment",
        "n_control",
        "n_clusters_treatment",
    )
    assert all(math.isnan(row[c]) for c in blank)


def test_prepost_rows_suppress_on_pairs():
    paired = Estimate("paired_t", 9, None, 1.0, 0.5, 8.0, 0.0, 2.0, 0.1, 0.3, 0.0, 0.6)
    assert paired.to_row(analysis="prepost", outcome="m", domain="a", min_cell_size=10)["suppressed"]
    assert not paired.to_row(analysis="prepost", outcome="m", domain="a", min_cell_size=9)["suppressed"]


def test_effects_frame_keeps_columns_when_empty():
    assert list(effects_frame([]).columns) == EFFECT_COLUMNS
