"""Executed report notebook to a self-contained HTML page: no code cells, figures embedded."""

from __future__ import annotations

from pathlib import Path

import nbformat


def notebook_to_html(notebook: Path, target: Path, title: str) -> Path:
    """Write `target` from an executed notebook, leaving out code, prompts and stderr streams."""
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    nb.metadata["title"] = title
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    target.write_text(body, encoding="utf-8")
    return target
