"""Report pieces for the robustness checks of partner versus control: the multiple-imputation
estimate next to the complete-case one when outcomes are missing, and how the comparison schools
were chosen when the plan matched them from a pool. Aggregates only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evaluation.evidence.matching import Matching
from evaluation.reporting.figures import love_plot
from evaluation.reporting.text import label, number, percent
from evaluation.reporting.wording import column

PAIR_FILE = "matching"
BALANCE_FILE = "matching_balance"
LOVE_PLOT = "love_plot.png"
MATCHING_LABELS = {  # the love plot's words, and the covariates' names in the report
    "en": {"before": "before matching", "after": "after matching",
           "axis": "standardised difference (partner - comparison)",
           "size": "school size (students)", "baseline_mean": "mean pre-test score"},
    "tr": {"before": "eşleştirme öncesi", "after": "eşleştirme sonrası",
           "axis": "standartlaştırılmış fark (ortak - karşılaştırma)",
           "size": "okul büyüklüğü (öğrenci)", "baseline_mean": "ön test ortalaması"},
}


_COVARIATES = MATCHING_LABELS  # covariate names, the same as in the love plot


def missing_data_table(effects: pd.DataFrame, missing: pd.DataFrame, primary: str, language: str) -> pd.DataFrame:
    """One row per outcome with an imputation estimate (`ancova_mi`): the share of the post-test
    missing in each group, and the complete-case and imputed estimates with their 95% intervals.
    Empty when no outcome needed imputation."""
    rows = effects[(effects["method"] == "ancova_mi") & (effects["subgroup"] == "all")]
    records = []
    for row in rows.itertuples(index=False):
        complete = effects[(effects["method"] == primary) & (effects["subgroup"] == "all")
                           & (effects["outcome"] == row.outcome)]
        shares = missing[missing["outcome"] == row.outcome].set_index("group")["share_missing"]
        records.append({
            "outcome": label(row.outcome, language),
            "missing_partner": percent(shares.get("partner"), language),
            "missing_control": percent(shares.get("control"), language),
            "complete_case": _estimate(complete.iloc[0], language) if len(complete) else "",
            "imputed": _estimate(row, language),
        })
    frame = pd.DataFrame(records, columns=["outcome", "missing_partner", "missing_control", "complete_case", "imputed"])
    return frame.rename(columns={name: column(name, language) for name in frame.columns})


def matching_table(out_dir: Path, language: str) -> pd.DataFrame:
    """Standardised differences of partner and comparison schools before and after matching
    (results/matching_balance.csv); empty when the plan did not match comparison schools."""
    path = Path(out_dir) / "results" / "matching_balance.csv"
    if not path.is_file():
        return pd.DataFrame()
    balance = pd.read_csv(path)
    frame = pd.DataFrame({
        "covariate": [_COVARIATES[language].get(name, name.replace("_", " ")) for name in balance["covariate"]],
        "std_diff_before": balance["std_diff_before"].round(2),
        "std_diff_after": balance["std_diff_after"].round(2),
    })
    return frame.rename(columns={name: column(name, language) for name in frame.columns})


def _estimate(row, language: str) -> str:
    if pd.isna(row.estimate):
        return ""
    return (f"{number(row.estimate, 2, language)} ({number(row.ci_low, 2, language)}; "
            f"{number(row.ci_high, 2, language)})" if language == "tr" else
            f"{number(row.estimate, 2, language)} ({number(row.ci_low, 2, language)}, "
            f"{number(row.ci_high, 2, language)})")


def write_matching(matching: Matching, out_dir: Path, language: str = "en") -> list[Path]:
    """`results/matching.csv` (partner_id, comparison_id, school_type, region_matched, distance),
    `results/matching_balance.csv` (standardised differences before and after matching) and
    `results/love_plot.png`; returns the three paths."""
    results = Path(out_dir) / "results"
    results.mkdir(parents=True, exist_ok=True)
    pairs, balance = results / f"{PAIR_FILE}.csv", results / f"{BALANCE_FILE}.csv"
    matching.pairs.to_csv(pairs, index=False)
    matching.balance.to_csv(balance, index=False)
    figure = love_plot(matching.balance, labels=MATCHING_LABELS.get(language, MATCHING_LABELS["en"]))
    figure.savefig(results / LOVE_PLOT, dpi=150)
    return [pairs, balance, results / LOVE_PLOT]
