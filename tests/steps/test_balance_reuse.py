"""Notebook 04's balance section shows the balance tables as written when they are current for the
run's plan and data (notebook 03 wrote them first for ``covariates: auto``), and computes them
again when they are not."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.steps import context
from evaluation.steps import evidence as evidence_step

PLAN = """programme: Toy programme
period: 2022-2023
data: data
outcomes:
  - {id: mathematics, source: exam, subject: mathematics, domain: academic}
"""


def test_current_balance_tables_are_shown_as_written_and_stale_ones_computed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "schools.csv").write_text("school_id\nS1\n", encoding="utf-8")
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    computed: list[int] = []

    def school_balance(tables, min_cell_size):
        computed.append(1)
        table = pd.DataFrame({"characteristic": ["school_size"], "g": [0.1 * len(computed)]})
        return table, pd.DataFrame({"f": [1.5], "p_value": [0.2], "note": [""]})

    monkeypatch.setattr(evidence_step, "school_balance", school_balance)
    monkeypatch.setattr(context.Run, "analysed", property(lambda self: {}))
    run = context.setup(tmp_path / "plan.yaml", tmp_path / "out")
    first = evidence_step.balance(run)
    again = evidence_step.balance(context.setup(tmp_path / "plan.yaml", tmp_path / "out"))  # notebook 04
    assert len(computed) == 1
    assert [frame.to_dict() for frame in again.parts[:1]] == [frame.to_dict() for frame in first.parts[:1]]
    assert run.table("balance")["g"].tolist() == [0.1]  # still current: its record names its files
    (tmp_path / "data" / "schools.csv").write_text("school_id\nS1\nS2\n", encoding="utf-8")  # new data
    evidence_step.balance(context.setup(tmp_path / "plan.yaml", tmp_path / "out"))
    assert len(computed) == 2
