"""Each school year's findings side by side (`results/years.csv`), from the rows of
`results/effects.csv` of each year.

A programme with control schools shows, per year and outcome, the plan's primary method's
partner-versus-control estimate of the whole sample (``analysis`` ``partner_vs_control``); a
programme without them (a monitoring design: one partnership, a consortium) the clustered mean
change before and after of every school's students or respondents in both waves (``prepost``,
``paired_cr2``, group ``all``). The design is that of the plan's year (the schools table of its
data folder), the same for every year, so the rows compare like with like.

Columns (`YEAR_COLUMNS`): period, outcome, analysis, method, n (units analysed: students or
respondents with both waves), n_schools, estimate, ci_low, ci_high, p_value, effect_size,
suppressed, note. An outcome an earlier year's data cannot give (no exam results, no survey of
its instrument) has a row with empty numbers and the note ``no_table``.
"""

from __future__ import annotations

import pandas as pd

from evaluation.config.plan import Outcome

YEAR_COLUMNS = [
    "period", "outcome", "analysis", "method", "n", "n_schools", "estimate", "ci_low", "ci_high", "p_value",
    "effect_size", "suppressed", "note",
]  # fmt: skip
PREPOST_METHOD = "paired_cr2"


def headline_of_year(effects: pd.DataFrame, period: str, monitoring: bool, primary: str) -> pd.DataFrame:
    """The headline rows of one year's effects (the rows of results/effects.csv), one per outcome
    in the order met: with `monitoring`, the ``paired_cr2`` change of group ``all``, else the
    `primary` method's partner-versus-control estimate; subgroup ``all`` in both."""
    if monitoring:
        keep = (effects["analysis"] == "prepost") & (effects["method"] == PREPOST_METHOD) & (effects["group"] == "all")
    else:
        keep = (effects["analysis"] == "partner_vs_control") & (effects["method"] == primary)
    rows = effects[keep & (effects["subgroup"] == "all")].drop_duplicates("outcome")
    n = rows["n_treatment"] if monitoring else rows["n_treatment"] + rows["n_control"]
    schools = rows["n_clusters_treatment"] if monitoring else rows["n_clusters_treatment"] + rows["n_clusters_control"]
    table = pd.DataFrame(
        {
            "period": period,
            "outcome": rows["outcome"],
            "analysis": rows["analysis"],
            "method": rows["method"],
            "n": n,
            "n_schools": schools,
            **{name: rows[name] for name in ("estimate", "ci_low", "ci_high", "p_value", "effect_size")},
            "suppressed": rows["suppressed"].astype(bool),
            "note": [_without_control(note) if monitoring else note for note in rows["note"].fillna("")],
        }
    )
    return table[YEAR_COLUMNS].reset_index(drop=True)


def _without_control(note: str) -> str:
    """A monitoring design's note without ``no_units:control``: the programme has no control
    schools by design, which is no news about this row."""
    return ";".join(code for code in note.split(";") if code and code != "no_units:control")


def missing_outcome(outcome: Outcome, period: str, note: str) -> pd.DataFrame:
    """The row of an outcome a year's data cannot give: empty numbers and `note`."""
    row = dict.fromkeys(YEAR_COLUMNS)
    row.update(period=period, outcome=outcome.id, suppressed=False, note=note)
    return pd.DataFrame([row], columns=YEAR_COLUMNS)
