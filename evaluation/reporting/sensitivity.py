"""Report pieces for the robustness checks of partner versus control: the multiple-imputation
estimate next to the complete-case one when outcomes are missing, and how the comparison schools
were chosen when the plan matched them from a pool. Aggregates only."""

from __future__ import annotations

import pandas as pd

from evaluation.reporting.escaping import Chart
from evaluation.reporting.figures import covariate_name, love_alt, love_plot
from evaluation.reporting.headings import column
from evaluation.reporting.sentences import label, number, percent
from evaluation.wording import text

PAIR_FILE = "matching"
BALANCE_FILE = "matching_balance"
LOVE_PLOT = "love_plot.png"


def missing_data_table(effects: pd.DataFrame, missing: pd.DataFrame, primary: str, language: str) -> pd.DataFrame:
    """One row per outcome with an imputation estimate (`ancova_mi`): the share of the post-test
    missing in each group, and the complete-case and imputed estimates with their 95% intervals.
    Empty when no outcome needed imputation."""
    rows = effects[(effects["method"] == "ancova_mi") & (effects["subgroup"] == "all")]
    records = []
    for row in rows.itertuples(index=False):
        complete = effects[
            (effects["method"] == primary) & (effects["subgroup"] == "all") & (effects["outcome"] == row.outcome)
        ]
        shares = missing[missing["outcome"] == row.outcome].set_index("group")["share_missing"]
        records.append(
            {
                "outcome": label(row.outcome, language),
                "missing_partner": percent(shares.get("partner"), language),
                "missing_control": percent(shares.get("control"), language),
                "complete_case": _estimate(complete.iloc[0], language) if len(complete) else "",
                "imputed": _estimate(row, language),
            }
        )
    frame = pd.DataFrame(records, columns=["outcome", "missing_partner", "missing_control", "complete_case", "imputed"])
    return frame.rename(columns={name: column(name, language) for name in frame.columns})


def matching_table(balance: pd.DataFrame, language: str) -> pd.DataFrame:
    """Standardised differences of partner and comparison schools before and after matching
    (`balance`: results/matching_balance.csv); empty when the plan did not match comparison schools."""
    if balance.empty:
        return pd.DataFrame()
    frame = pd.DataFrame(
        {
            "covariate": [covariate_name(name, language) for name in balance["covariate"]],
            "std_diff_before": balance["std_diff_before"].round(2),
            "std_diff_after": balance["std_diff_after"].round(2),
        }
    )
    headers = {
        "covariate": column("characteristic", language),
        "std_diff_before": text("matching.before", language),
        "std_diff_after": text("matching.after", language),
    }
    return frame.rename(columns=headers)


def _estimate(row, language: str) -> str:
    if pd.isna(row.estimate):
        return ""
    return text(
        "report.missing_data.estimate",
        language,
        estimate=number(row.estimate, 2, language),
        low=number(row.ci_low, 2, language),
        high=number(row.ci_high, 2, language),
    )


def love_chart(balance: pd.DataFrame, language: str) -> Chart:
    """The love plot of results/matching_balance.csv (as results/love_plot.png draws it) with its
    alternative text, for the report."""
    names = {covariate: covariate_name(covariate, language) for covariate in balance["covariate"]}
    return Chart(love_plot(balance, labels=names, language=language), love_alt(balance, language))
