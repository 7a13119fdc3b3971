"""Every notebook runs on its own in an empty output folder: whatever results it needs from an
earlier notebook are computed first (`evaluation.steps.context.Run.table`), never a traceback for
a missing step."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest

from evaluation import steps
from evaluation.pipeline import execute_notebook
from evaluation.stats.estimate import read_effects

from conftest import plan_for

pytestmark = pytest.mark.slow  # the whole module runs the demo programme or validates whole directories

MATHS = {"id": "mathematics", "source": "exam", "subject": "mathematics", "domain": "academic"}
ENGLISH = {"id": "english", "source": "exam", "subject": "english", "domain": "academic"}


def test_the_evidence_sections_run_alone_in_an_empty_output_folder(demo_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shown = steps.run_sections(steps.setup(demo_plan, out), "04-evidence.ipynb")
    assert len(shown) == len(steps.NOTEBOOKS["04-evidence.ipynb"])
    # what it needed from notebooks 01 to 03 was computed first
    for name in ("effects", "attrition", "evidence", "balance", "balance_test"):
        assert (out / "results" / f"{name}.csv").is_file(), name
    assert (out / "validation" / "status.json").is_file()
    assert not (out / "results" / "design.csv").exists()  # nothing it does not need


def test_a_results_table_is_rewritten_when_the_plan_changes(demo_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    both = plan_for(demo_data, tmp_path / "a", outcomes=[MATHS, ENGLISH], subgroups=[])
    first = steps.setup(both, out).table("effects")
    assert set(first["outcome"]) == {"mathematics", "english"}
    # the same data with one outcome fewer: the recorded sections no longer match the plan
    fewer = plan_for(demo_data, tmp_path / "b", outcomes=[MATHS], subgroups=[])
    again = steps.setup(fewer, out).table("effects")
    assert set(again["outcome"]) == {"mathematics"}
    assert read_effects(out / "results" / "effects.csv").equals(again)
    # and the same plan again reads what it wrote: nothing is recomputed
    (out / "work" / "sections" / "prepost.mean_change.json").touch()
    before = (out / "results" / "effects.csv").stat().st_mtime_ns
    steps.setup(fewer, out).table("effects")
    assert (out / "results" / "effects.csv").stat().st_mtime_ns == before


def test_the_report_notebook_runs_alone_through_papermill(demo_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    executed = execute_notebook("05-annual-report.ipynb", demo_plan, out)
    notebook = nbformat.read(executed, as_version=4)
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    shown = "".join(
        o.get("data", {}).get("text/markdown", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "What we found" in shown and "How strong is the evidence" in shown
    evidence = pd.read_csv(out / "results" / "evidence.csv")
    assert len(evidence) == 7 and evidence["summary"].str.len().gt(0).all()
