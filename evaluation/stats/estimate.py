"""The results tables of data-model.md: one frozen record per estimate, one tidy row per record."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import pandas as pd

from evaluation.stats.unfit import shown_when_suppressed

EFFECT_COLUMNS = [
    "analysis", "outcome", "domain", "subgroup", "group", "method",
    "n_treatment", "n_control", "n_clusters_treatment", "n_clusters_control",
    "estimate", "std_error", "df", "ci_low", "ci_high", "p_value", "p_adjusted",
    "effect_size", "effect_size_ci_low", "effect_size_ci_high", "suppressed", "note", "covariates",
]  # fmt: skip

_COUNTS = ["n_treatment", "n_control", "n_clusters_treatment", "n_clusters_control"]
_NUMBERS = [
    "estimate", "std_error", "df", "ci_low", "ci_high", "p_value", "p_adjusted",
    "effect_size", "effect_size_ci_low", "effect_size_ci_high",
]  # fmt: skip


@dataclass(frozen=True)
class Estimate:
    """One estimate of one method, on the outcome's own scale.

    For pre/post methods `estimate` is mean(post - pre) (``wilcoxon``: R's (pseudo)median of the
    non-zero changes; ``welch_t``: mean(post) - mean(pre)), `n_treatment` the number
    of pairs (``welch_t``: post values) and `n_control` None (``welch_t``: pre values). For
    partner-versus-control methods `estimate` is the adjusted difference partner minus control.
    `effect_size` is Hedges' g with its confidence interval. `note` says why the numbers are
    empty when the model cannot be fitted, or what the model left out (a dropped covariate): one
    or more ``kind`` or ``kind:detail`` codes joined by ``;`` (such as ``no_post_test:partner``),
    each a key ``notes.<kind>`` of the wording catalogues so the report can say it in the plan's
    language; "" when there is nothing to say.
    """

    method: str
    n_treatment: int
    n_control: int | None
    estimate: float
    std_error: float
    df: float
    ci_low: float
    ci_high: float
    p_value: float
    effect_size: float
    effect_size_ci_low: float
    effect_size_ci_high: float
    n_clusters_treatment: int | None = None
    n_clusters_control: int | None = None
    p_adjusted: float = math.nan
    statistic: float = math.nan  # the test statistic (t, or V for the signed-rank test); not a column
    note: str = ""  # codes: why the numbers are blank, or what the model left out (see above)

    def to_row(
        self,
        *,
        analysis: str,
        outcome: str,
        domain: str,
        subgroup: str = "all",
        group: str = "all",
        min_cell_size: int = 0,
        covariates: Sequence[str] = (),
    ) -> dict:
        """The row of `results/effects.csv`; numbers are blanked when a group is below
        `min_cell_size` (suppressed), and so are the notes that speak of the values (only those
        of `evaluation.stats.unfit.COUNT_KINDS` stay). `covariates` are the plan's covariates the
        row's model used besides the pre-test (column ``covariates``, joined with ``+``; "" for
        none)."""
        row = {
            "analysis": analysis,
            "outcome": outcome,
            "domain": domain,
            "subgroup": subgroup,
            "group": group,
            **asdict(self),
            "covariates": "+".join(covariates),
        }
        sizes = [n for n in (self.n_treatment, self.n_control) if n is not None]
        row["suppressed"] = any(n < min_cell_size for n in sizes)
        if row["suppressed"]:  # every number blank, counts too: a small count can identify children
            row.update(dict.fromkeys(_NUMBERS + _COUNTS, math.nan))
            # and the notes on the values (a constant pre-test): those on absent groups and tests stay
            row["note"] = shown_when_suppressed(self.note)
        return {column: row[column] for column in EFFECT_COLUMNS}


def read_effects(path) -> pd.DataFrame:
    """Read `results/effects.csv` back with the column types of `effects_frame`."""
    return effects_frame(
        pd.read_csv(path, dtype={"note": str, "covariates": str}, keep_default_na=True).to_dict("records")
    )


def effects_frame(rows: list[dict]) -> pd.DataFrame:
    """A results table with the columns of data-model.md in their order (also when empty)."""
    frame = pd.DataFrame(rows, columns=EFFECT_COLUMNS)
    for column in _COUNTS:
        frame[column] = frame[column].astype("Int64")
    frame["suppressed"] = frame["suppressed"].astype(bool)
    for column in ("note", "covariates"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), "").astype(str)
    return frame
