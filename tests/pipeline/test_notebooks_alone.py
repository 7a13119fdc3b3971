"""Every notebook runs on its own in an empty output folder: whatever results it needs from an
earlier notebook are computed first (`evaluation.steps.context.Run.table`), never a traceback for
a missing step."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation import steps
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
        assert (out / "shared" / "results" / f"{name}.csv").is_file(), name
    assert (out / "restricted" / "validation" / "status.json").is_file()
    assert not (out / "shared" / "results" / "design.csv").exists()  # nothing it does not need


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
    assert read_effects(out / "shared" / "results" / "effects.csv").equals(again)
    # and the same plan again reads what it wrote: no estimate is recomputed (the parts stay as
    # they were; results/effects.csv is joined from them afresh)
    parts = sorted((out / "restricted" / "work" / "effects").glob("*.csv"))
    before = [part.stat().st_mtime_ns for part in parts]
    steps.setup(fewer, out).table("effects")
    assert [part.stat().st_mtime_ns for part in parts] == before
