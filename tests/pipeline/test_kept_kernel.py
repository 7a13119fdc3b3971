"""The kernel a process keeps for its notebooks (the pages of a worker, the notebooks of a run):
each notebook runs in the same kernel process, yet sees a namespace and cell numbers as in a new
kernel; a notebook that fails is reported and the next runs; a changed environment gets a new
kernel (a kernel takes its environment when it starts)."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from evaluation import pipeline


def _notebook(path: Path, *cells: str) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("# Parameters\nunit = 'a'")] + [
        nbformat.v4.new_code_cell(c) for c in cells
    ]
    notebook.cells[0].metadata["tags"] = ["parameters"]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


def _run(source: Path, target: Path, unit: str):
    return papermill.execute_notebook(
        str(source),
        str(target),
        parameters={"unit": unit},
        kernel_name="python3",
        progress_bar=False,
        engine_name=pipeline._kept_kernel_engine(),
        km=pipeline.kept_kernel(),
    )


def _outputs(notebook) -> list[str]:
    return ["".join(o.get("text", "") for o in cell.outputs).strip() for cell in notebook.cells if cell.outputs]


def test_notebooks_share_one_kernel_each_as_if_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _notebook(
        tmp_path / "n.ipynb",
        "import os\nprint('left over' if 'seen' in globals() else 'fresh', os.getpid(), unit)\nseen = unit",
        "if unit == 'b':\n    raise RuntimeError('fails on purpose')\nprint(os.environ.get('KEPT_KERNEL_PROBE', '-'))",
    )
    try:
        first = _run(source, tmp_path / "a.ipynb", "a")
        with pytest.raises(PapermillExecutionError, match="fails on purpose"):
            _run(source, tmp_path / "b.ipynb", "b")
        third = _run(source, tmp_path / "c.ipynb", "c")
        (fresh, pid, unit), probe = first_lines = [line.split() for line in _outputs(first)]
        assert (fresh, unit, probe) == ("fresh", "a", ["-"]), first_lines
        again = [line.split() for line in _outputs(third)]
        assert again == [["fresh", pid, "c"], ["-"]]  # the same kernel process, nothing left of b
        # the cells are counted from 1 in each notebook, parameters cell included, as in a new kernel
        assert [c.execution_count for c in third.cells if c.cell_type == "code"] == [1, 2, 3, 4]
        assert [c.execution_count for c in first.cells if c.cell_type == "code"] == [1, 2, 3, 4]
        monkeypatch.setenv("KEPT_KERNEL_PROBE", "seen")  # a new environment: a new kernel that has it
        fourth = [line.split() for line in _outputs(_run(source, tmp_path / "d.ipynb", "d"))]
        assert fourth[1] == ["seen"] and fourth[0][1] != pid and fourth[0][0] == "fresh"
    finally:
        pipeline.stop_kept_kernel()
    assert "km" not in pipeline._KEPT and os.environ.get("KEPT_KERNEL_PROBE") == "seen"
