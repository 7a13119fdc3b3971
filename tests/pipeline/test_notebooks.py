"""The notebooks as committed: no outputs (children's data never enters git), a papermill
parameters cell, and the order the pipeline runs them in."""

from __future__ import annotations

import re

import nbformat
import pytest

from evaluation.pipeline import NOTEBOOK_ORDER
from evaluation.resources import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def test_the_pipeline_runs_every_notebook_there_is_in_the_order_of_their_numbers() -> None:
    assert [path.name for path in NOTEBOOKS] == list(NOTEBOOK_ORDER)
    assert NOTEBOOK_ORDER[0] == "01-validation.ipynb" and NOTEBOOK_ORDER[-1] == "05-annual-report.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_with_the_plan_and_output_folder(path) -> None:
    notebook = nbformat.read(path, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names: dict = {}
    exec(tagged[0].source, {}, names)  # plain assignments only, so the notebook runs on its own
    # the report also takes the language of one of the plan's translations ("" for the plan's own)
    report = path.name == "05-annual-report.ipynb"
    assert set(names) == {"plan_path", "out_dir"} | ({"language"} if report else set())
    assert names["plan_path"] == "../pipelines/demo.yaml"
    assert names.get("language", "") == ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_communicate_and_do_not_compute(path) -> None:
    """After the parameters, one set-up cell, then one call of a step's section per code cell,
    the sections `evaluation.steps.NOTEBOOKS` lists for this notebook, in its order."""
    from evaluation.steps import NOTEBOOKS as SECTIONS

    notebook = nbformat.read(path, as_version=4)
    code = [
        c.source for c in notebook.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    ]
    setup_lines = [line for line in code[0].splitlines() if line and not line.startswith("#")]
    arguments = (
        "plan_path, out_dir, language=language" if path.name == "05-annual-report.ipynb" else "plan_path, out_dir"
    )
    assert setup_lines == ["from evaluation import steps", f"run = steps.setup({arguments})"]
    calls = []
    for source in code[1:]:
        lines = [line for line in source.splitlines() if line and not line.startswith("#")]
        assert len(lines) == 1 and re.fullmatch(r"steps\.\w+\.\w+\(run\)", lines[0]), source
        calls.append(lines[0].removeprefix("steps.").removesuffix("(run)"))
    listed = [f"{function.__module__.rsplit('.', 1)[-1]}.{function.__name__}" for function in SECTIONS[path.name]]
    assert calls == listed
