"""What a run pays once: a page's kernel imports what a page needs and no model's libraries, the
static map of which section writes which table agrees with the sections themselves, an accepted
table is read when first asked for, and a table file is parsed once per process while it stays
as it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from evaluation.steps import workspace

HEAVY = ("scipy", "statsmodels", "seaborn", "great_expectations", "openpyxl", "weasyprint")


def _loaded(code: str) -> list[str]:
    """The heavy libraries loaded by `code` in a fresh interpreter."""
    probe = f"import sys\n{code}\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.replace("'", '"'))


def test_a_page_loads_no_model_nor_validation_library() -> None:
    assert _loaded("from evaluation import steps") == []
    assert _loaded("from evaluation import steps\nsteps.setup\nsteps.school_page") == []
    # the analyses still load theirs, when a notebook names them
    assert "scipy" in _loaded("from evaluation import steps\nsteps.NOTEBOOKS")


def test_the_static_map_of_writers_is_the_sections_own() -> None:
    from evaluation import steps
    from evaluation.steps import context

    _ = steps.NOTEBOOKS  # every step imported: each section registered the tables it writes
    registered = {table: sorted(w.section for w in writers) for table, writers in context.WRITERS.items()}
    assert {table: sorted(names) for table, names in context.TABLE_SECTIONS.items()} == registered
    assert tuple(steps.NOTEBOOKS) == steps.NOTEBOOK_NAMES
    assert steps.PAGE_SECTIONS == steps.school_page.SECTIONS


def _old(path: Path) -> None:
    """Date a file a minute back, as a table written earlier in the run is."""
    past = time.time_ns() - 60 * 10**9
    os.utime(path, ns=(past, past))


def test_a_table_is_read_once_while_it_stays_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("n\n1\n2\n", encoding="utf-8")
    _old(path)
    calls = []

    def read_csv(target, **options):
        calls.append(target)
        return pd.read_csv(target, **options)

    first = workspace.read_cached(path, read_csv)
    first.loc[0, "n"] = 99  # the caller's own copy
    second = workspace.read_cached(path, read_csv)
    assert second["n"].tolist() == [1, 2] and len(calls) == 1
    path.write_text("n\n7\n8\n", encoding="utf-8")  # same size, rewritten: read again
    assert workspace.read_cached(path, read_csv)["n"].tolist() == [7, 8] and len(calls) == 2
    _old(path)
    assert workspace.read_cached(path, read_csv)["n"].tolist() == [7, 8] and len(calls) == 3
    assert workspace.read_cached(path, read_csv)["n"].tolist() == [7, 8] and len(calls) == 3


def test_accepted_tables_are_read_when_first_asked_for(tmp_path: Path) -> None:
    pd.DataFrame({"school_id": ["S1", "S2"]}).to_parquet(tmp_path / "schools.parquet", index=False)
    pd.DataFrame({"x": [1]}).to_parquet(tmp_path / "exam_results.parquet", index=False)
    tables = workspace.AcceptedTables(tmp_path, ["exam_results", "schools"])
    (tmp_path / "exam_results.parquet").unlink()  # never read unless asked for
    assert list(tables) == ["exam_results", "schools"] and "schools" in tables and "surveys" not in tables
    assert tables["schools"]["school_id"].tolist() == ["S1", "S2"]
    assert tables.get("surveys") is None
    assert tables["schools"] is tables["schools"]
