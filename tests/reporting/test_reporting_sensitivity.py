"""The report's robustness pieces: imputation next to complete cases, and the matching balance."""

from __future__ import annotations

import pandas as pd

from evaluation.reporting.sensitivity import matching_table, missing_data_table


def _effects() -> pd.DataFrame:
    rows = [
        ("belonging", "ancova_cr2", "all", 0.21, 0.16, 0.26),
        ("belonging", "ancova_mi", "all", 0.20, 0.15, 0.27),
        ("belonging", "ancova_cr1", "all", 0.21, 0.17, 0.25),
        ("mathematics", "ancova_cr2", "all", 4.4, 3.0, 5.8),
    ]
    return pd.DataFrame(rows, columns=["outcome", "method", "subgroup", "estimate", "ci_low", "ci_high"])


def _missing() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "outcome": ["belonging", "belonging", "mathematics", "mathematics"],
            "group": ["partner", "control", "partner", "control"],
            "share_missing": [0.168, 0.14, 0.04, 0.039],
        }
    )


def test_imputation_row_beside_the_headline_complete_case_estimate() -> None:
    table = missing_data_table(_effects(), _missing(), "ancova_cr2", "en")
    assert table.values.tolist() == [["sense of belonging", "17%", "14%", "0.21 (0.16, 0.26)", "0.20 (0.15, 0.27)"]]
    assert list(table.columns) == [
        "outcome",
        "missing, partner",
        "missing, control",
        "complete cases (95% CI)",
        "multiple imputation (95% CI)",
    ]


def test_imputation_table_in_turkish_and_when_nothing_was_imputed() -> None:
    table = missing_data_table(_effects(), _missing(), "ancova_cr2", "tr")
    assert table.iloc[0].tolist()[1:] == ["%17", "%14", "0,21 (0,16; 0,26)", "0,20 (0,15; 0,27)"]
    without = _effects()[_effects()["method"] != "ancova_mi"]
    assert missing_data_table(without, _missing(), "ancova_cr2", "en").empty


def test_matching_table_shows_the_balance_before_and_after() -> None:
    assert matching_table(pd.DataFrame(), "en").empty  # the plan did not match comparison schools
    balance = pd.DataFrame(
        {
            "covariate": ["size", "baseline_mean"],
            "mean_partner": [500, 51.0],
            "mean_pool": [420, 48.0],
            "mean_matched": [480, 50.5],
            "std_diff_before": [0.412, 0.305],
            "std_diff_after": [0.081, -0.044],
        }
    )
    table = matching_table(balance, "tr")
    assert table.values.tolist() == [["okul büyüklüğü (öğrenci)", 0.41, 0.08], ["ön test ortalaması", 0.3, -0.04]]
    assert list(table.columns) == ["özellik", "eşleştirme öncesi", "eşleştirme sonrası"]
