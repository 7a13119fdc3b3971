"""A page per school and partnership without a kernel: notebook 06's sections called in this
process, each section's display captured as the kernel would send it (its MIME bundle), and the
executed notebook assembled in memory with nbformat, as papermill would have written it.

Notebook 06 stays the page's source: `section_calls` reads which sections its cells call, and a
notebook whose cells are anything but its parameters, its set-up cell and one
``steps.school_page.<section>(page)`` per cell is not rendered here (the pipeline then runs it with
papermill, as before). The page's HTML is the papermill page's (`tests/pipeline/test_page_batch.py`
compares them): the same cells, the same outputs, the same exporter.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import nbformat

#: A cell of notebook 06 that shows a section: ``steps.school_page.<section>(page)``.
SECTION_CALL = re.compile(r"steps\.school_page\.([a-z_]+)\(page\)")
#: What notebook 06's set-up cell does, line by line (comments aside).
SETUP_LINES = (
    "from evaluation import steps",
    "run = steps.setup(plan_path, out_dir)",
    "page = steps.school_page.unit_page(run, unit_kind, unit_id, language)",
)


def section_calls(notebook: nbformat.NotebookNode, sections: Sequence[Callable]) -> list[Callable] | None:
    """The sections (of `sections`) that `notebook`'s cells after its set-up cell call, in order;
    None when the notebook is not made of a parameters cell, notebook 06's set-up cell and one
    section call per cell (a notebook changed by hand: papermill runs it)."""
    by_name = {section.__name__: section for section in sections}
    cells = notebook.cells
    if any(cell.cell_type != "code" for cell in cells) or len(cells) < 2:
        return None
    if "parameters" not in cells[0].metadata.get("tags", []) or any(
        "parameters" in cell.metadata.get("tags", []) for cell in cells[1:]
    ):
        return None
    setup = [line for line in cells[1].source.splitlines() if line.strip() and not line.startswith("#")]
    if tuple(setup) != SETUP_LINES:
        return None
    called = []
    for cell in cells[2:]:
        match = SECTION_CALL.fullmatch(cell.source.strip())
        if match is None or match.group(1) not in by_name:
            return None
        called.append(by_name[match.group(1)])
    return called


@cache
def _formatter():
    from IPython.core.formatters import DisplayFormatter

    return DisplayFormatter()


def displayed(shown) -> list[nbformat.NotebookNode]:
    """The outputs a kernel gives for a cell whose value is `shown` (a `Shown`): one
    ``display_data`` per part, text as IPython's Markdown, each with the MIME bundle IPython's
    display formatter makes of it (what `Shown._ipython_display_` sends)."""
    from IPython.display import Markdown

    outputs = []
    for part in shown.parts:
        data, metadata = _formatter().format(Markdown(part) if isinstance(part, str) else part)
        # as `nbformat.v4.new_output` makes it, without validating each output against the schema
        outputs.append(nbformat.from_dict({"output_type": "display_data", "data": data, "metadata": metadata}))
    return outputs


def error_output(error: BaseException) -> nbformat.NotebookNode:
    """The ``error`` output of a cell that raised `error` (its type's name, message and a one-line
    traceback)."""
    name = type(error).__name__
    return nbformat.v4.new_output("error", ename=name, evalue=str(error), traceback=[f"{name}: {error}"])


class PageNotebook:
    """Notebook 06 read once (as papermill reads it), parameterised per page
    (`papermill.parameterize.parameterize_notebook`, the injected cell and all) in memory."""

    def __init__(self, path: Path, sections: Sequence[Callable]) -> None:
        from papermill.iorw import load_notebook_node

        self.path = Path(path)
        self.template = load_notebook_node(str(path))
        self.sections = section_calls(self.template, sections)

    def parameterised(self, parameters: dict, executed: Path) -> nbformat.NotebookNode:
        """A copy of the notebook with `parameters` injected and papermill's metadata, to be
        executed into `executed`."""
        from papermill.parameterize import parameterize_notebook

        nb = parameterize_notebook(copy.deepcopy(self.template), parameters, kernel_name="python3")
        nb.metadata.papermill["input_path"] = str(self.path)
        nb.metadata.papermill["output_path"] = str(executed)
        for count, cell in enumerate(nb.cells, 1):
            cell.execution_count = count
            cell.outputs = []
        return nb


def write_executed(nb: nbformat.NotebookNode, path: Path) -> Path:
    """Write the executed page notebook (nbformat 4, without validating it again: it was built
    from nbformat's own constructors)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.v4.writes(nb), encoding="utf-8")
    return path
