"""results/years.csv: each year's headline per outcome, picked from that year's effects rows (the
primary method's partner-versus-control estimate with control schools, the clustered pre/post
change of every school without them), and an earlier year computed by the same functions as the
plan's year gives the same numbers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis.effects import prepost_effects
from evaluation.analysis.years import YEAR_COLUMNS, headline_of_year, missing_outcome
from evaluation.config.plan import Outcome, Plan
from evaluation.stats.estimate import EFFECT_COLUMNS


def _effects(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame([dict.fromkeys(EFFECT_COLUMNS) | row for row in rows], columns=EFFECT_COLUMNS)
    frame["suppressed"] = frame["suppressed"].fillna(False)
    return frame


COMMON = dict(domain="d", suppressed=False, note="")
EFFECTS = _effects(
    [
        dict(COMMON, analysis="partner_vs_control", outcome="m", subgroup="all", group="all", method="ancova_cr1",
             n_treatment=50, n_control=40, n_clusters_treatment=5, n_clusters_control=4, estimate=9.0),
        dict(COMMON, analysis="partner_vs_control", outcome="m", subgroup="all", group="all", method="ancova_cr2",
             n_treatment=50, n_control=40, n_clusters_treatment=5, n_clusters_control=4, estimate=2.0, ci_low=1.0,
             ci_high=3.0),
        dict(COMMON, analysis="partner_vs_control", outcome="m", subgroup="sex=F", group="all", method="ancova_cr2",
             n_treatment=20, n_control=20, n_clusters_treatment=5, n_clusters_control=4, estimate=7.0),
        dict(COMMON, analysis="prepost", outcome="m", subgroup="all", group="all", method="paired_cr2",
             n_treatment=90, n_clusters_treatment=9, estimate=0.5, ci_low=0.2, ci_high=0.8,
             note="no_units:control"),
        dict(COMMON, analysis="prepost", outcome="m", subgroup="all", group="partner", method="paired_cr2",
             n_treatment=50, n_clusters_treatment=5, estimate=0.9),
    ]
)  # fmt: skip


def test_with_control_schools_the_primary_methods_estimate_of_the_whole_sample() -> None:
    table = headline_of_year(EFFECTS, "2023-2024", monitoring=False, primary="ancova_cr2")
    assert list(table.columns) == YEAR_COLUMNS
    row = table.iloc[0]
    assert len(table) == 1 and row["period"] == "2023-2024" and row["method"] == "ancova_cr2"
    assert (row["n"], row["n_schools"], row["estimate"], row["ci_low"], row["ci_high"]) == (90, 9, 2.0, 1.0, 3.0)


def test_without_control_schools_the_clustered_change_of_every_school() -> None:
    table = headline_of_year(EFFECTS, "2023-2024", monitoring=True, primary="ancova_cr2")
    row = table.iloc[0]
    assert len(table) == 1 and row["analysis"] == "prepost" and row["method"] == "paired_cr2"
    assert (row["n"], row["n_schools"], row["estimate"]) == (90, 9, 0.5)
    assert row["note"] == ""  # no control schools is the design, not news about the row


def test_a_year_without_the_outcomes_table_has_an_empty_row_with_a_note() -> None:
    row = missing_outcome(Outcome("m", "exam", "academic", subject="m"), "2021-2022", "no_table").iloc[0]
    assert row["note"] == "no_table" and pd.isna(row["estimate"]) and row["period"] == "2021-2022"


def test_the_change_of_a_constructed_year_against_a_hand_computation(tmp_path: Path) -> None:
    """Three schools of four students each, every change known: the mean change is their mean, and
    with equal schools the CR2 interval is the t interval of the three school means (2, 1, 3: sd 1,
    standard error 1 / sqrt(3), df 2; R: t.test(c(2, 1, 3)) gives -0.4841 to 4.4841)."""
    rng = np.random.default_rng(3)
    changes = np.array([1.0, 2.0, 3.0, 2.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 4.0, 3.0])
    pre = rng.normal(50, 5, size=12)
    frame = pd.DataFrame(
        {
            "unit_id": [f"s{i}" for i in range(12)],
            "school_id": np.repeat(["A", "B", "C"], 4),
            "group": "partner",
            "treatment": 1,
            "pre": pre,
            "post": pre + changes,
        }
    )
    plan = dataclasses.replace(
        Plan(path=tmp_path / "p.yaml", programme="p", period="2023-2024", language="en", data_dir=tmp_path,
             outcomes=()),
        min_cell_size=1,
    )  # fmt: skip
    outcome = Outcome("m", "exam", "academic", subject="m")
    row = headline_of_year(prepost_effects(frame, outcome, plan), "2023-2024", True, "ancova_cr2").iloc[0]
    assert row["estimate"] == np.float64(changes.mean()) == 2.0  # (8 + 4 + 12) / 12
    assert (row["n"], row["n_schools"]) == (12, 3)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((-0.484138, 4.484138), abs=1e-5)
