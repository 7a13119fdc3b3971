"""The pages per school and partnership rendered in a worker's own process (`_render_batch`): the
same page as notebook 06 executed by papermill, a section that fails failing its page alone, and a
notebook changed by hand left to papermill."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from evaluation import pipeline
from evaluation.pipeline import EXECUTED_PAGES, SCHOOL_PAGES, Progress, render_pages
from evaluation.reporting import escaping as md
from evaluation.reporting import page_css, page_notebook, render
from evaluation.reporting import school_pages as pages
from evaluation.reporting.sections import styled
from evaluation.resources import NOTEBOOKS_DIR, PIPELINES_DIR
from evaluation.steps import PAGE_NOTEBOOK, school_page
from evaluation.steps.display import Shown

NOTEBOOK_06 = NOTEBOOKS_DIR / PAGE_NOTEBOOK


def _notebook(tmp_path: Path, change) -> Path:
    notebook = nbformat.read(NOTEBOOK_06, as_version=4)
    change(notebook.cells)
    target = tmp_path / "06-changed.ipynb"
    nbformat.write(notebook, target)
    return target


def test_notebook_06_is_read_as_its_sections_in_order() -> None:
    assert page_notebook.PageNotebook(NOTEBOOK_06, school_page.SECTIONS).sections == list(school_page.SECTIONS)


def test_a_notebook_changed_by_hand_is_not_rendered_in_process(tmp_path: Path) -> None:
    changes = [
        lambda cells: cells.insert(2, nbformat.v4.new_code_cell("raise RuntimeError('no')")),
        lambda cells: cells.__setitem__(1, nbformat.v4.new_code_cell(cells[1].source + "\nprint(run)")),
        lambda cells: cells.__setitem__(3, nbformat.v4.new_code_cell("steps.school_page.missing(page)")),
        lambda cells: cells.insert(2, nbformat.v4.new_markdown_cell("# a note")),
    ]
    for change in changes:
        notebook = page_notebook.PageNotebook(_notebook(tmp_path, change), school_page.SECTIONS)
        assert notebook.sections is None
    # the sections in another order are still notebook 06's cells: rendered in that order
    swapped = _notebook(tmp_path, lambda cells: cells.__setitem__(slice(3, 5), cells[4:2:-1]))
    sections = page_notebook.PageNotebook(swapped, school_page.SECTIONS).sections
    assert [s.__name__ for s in sections] == ["title", "gap", "results", "activities", "data_checks"]


def test_a_section_shows_what_the_kernel_would_send() -> None:
    table = pd.DataFrame({"school": ["<b>A</b>"], "n": [3]})
    shown = Shown(md.text("pages.back", "en"), table)
    text, frame = page_notebook.displayed(shown)
    assert text.output_type == frame.output_type == "display_data"
    assert text.data["text/markdown"] == shown.parts[0]
    assert text.data["text/plain"] == "<IPython.core.display.Markdown object>"
    assert frame.data["text/html"] == table._repr_html_() and "&lt;b&gt;A&lt;/b&gt;" in frame.data["text/html"]
    assert page_notebook.displayed(Shown()) == []


def test_a_page_notebook_is_parameterised_as_papermill_does(tmp_path: Path) -> None:
    notebook = page_notebook.PageNotebook(NOTEBOOK_06, school_page.SECTIONS)
    parameters = dict(plan_path="p.yaml", out_dir="out", unit_kind="school", unit_id="S'1", language="tr")
    nb = notebook.parameterised(parameters, tmp_path / "x.ipynb")
    assert nb.cells[1].metadata["tags"] == ["injected-parameters"]
    names: dict = {}
    exec(nb.cells[1].source, {}, names)
    assert names == parameters
    assert nb.metadata.papermill["parameters"] == parameters
    assert [c.execution_count for c in nb.cells] == list(range(1, len(nb.cells) + 1))
    assert len(notebook.template.cells) == len(nb.cells) - 1  # the template is left as it was


def _small_page(name: str) -> nbformat.NotebookNode:
    """A notebook whose one cell shows a title and a table, as a page's section does."""
    table = pd.DataFrame({"school": [f"<i>{name}</i>", "B"], "mean": [1.234, -0.001]})
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("show()")]
    nb.cells[0].outputs = page_notebook.displayed(Shown(md.Markdown("# {}").format(name), styled(table, "tr")))
    return nb


def test_the_reused_exporter_and_style_sheet_give_a_new_exporters_page() -> None:
    render._exporter.cache_clear()
    page_css._pruned.cache_clear()
    page = _small_page("A & B")
    first = render.notebook_html(copy.deepcopy(page), "A", "tr")  # a new exporter, the sheet parsed
    render.notebook_html(_small_page("other"), "other", "tr")
    assert render.notebook_html(copy.deepcopy(page), "A", "tr") == first  # both reused
    assert page_css._pruned.cache_info().hits >= 1 and render._exporter.cache_info().currsize == 1
    assert "&lt;i&gt;A &amp;amp; B&lt;/i&gt;" in first or "&lt;i&gt;A &amp; B&lt;/i&gt;" in first
    assert '<html lang="tr"' in first and "0,00" in first and "-0,00" not in first


def test_a_pages_classes_are_read_as_an_html_parser_reads_them() -> None:
    page = render.notebook_html(_small_page('x class="jp-Fake" <b>'), "x", "en")
    body = page[page.lower().find("</head>") :]
    assert page_css.body_classes(body) == frozenset(page_css._Classes(body).classes)
    assert "jp-Fake" not in page_css.body_classes(body)
    odd = "<div class='a b'><p class=\"c&amp;d\">x</p></div>"  # not as nbconvert writes: parsed
    assert page_css.body_classes(odd) == {"a", "b", "c&d"}


#: The id pandas draws at random for each table it styles (``T_0dd43``, ``T_0dd43_row0_col1``):
#: two renderings of one page by papermill differ there too.
STYLER_ID = re.compile(r"\bT_[0-9a-f]{5}(?=[_\"\s])")


def _drawn(text: str) -> str:
    return STYLER_ID.sub("T_table", text)


def _without_random_ids(html: str, executed: Path) -> str:
    """The page with the ids drawn at random taken out: papermill's for its injected parameters
    cell, pandas' for each table."""
    cells = nbformat.read(executed, as_version=4).cells
    (injected,) = [c for c in cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert html.count(f"cell-id={injected.id}") == 1
    return _drawn(html.replace(f"cell-id={injected.id}", "cell-id=INJECTED"))


def _both_ways(plan: Path, out: Path, units: list[pages.Unit], language: str) -> list[tuple[str, str]]:
    """Each unit's page by papermill (`_render_unit`) and in this process (`_render_batch`)."""
    from evaluation import steps

    run = steps.setup(plan, out)
    files = pages.page_files(school_page.units(run))
    found = []
    for unit in units:
        name = files[(unit.kind, unit.id)]
        paths = {way: (Path(way) / name, Path(way) / Path(name).with_suffix(".ipynb").name) for way in ("a", "b")}
        page, executed = paths["a"]
        _, _, reason = pipeline._render_unit(str(NOTEBOOK_06), str(plan), str(out), unit.kind, unit.id, language,
                                             str(page), str(executed), unit.name)  # fmt: skip
        assert reason is None
        page_b, executed_b = paths["b"]
        done = pipeline._render_batch(str(NOTEBOOK_06), str(plan), str(out), language, "test",
                                      [(unit.kind, unit.id, str(page_b), str(executed_b), unit.name)])  # fmt: skip
        assert done == [(unit.kind, unit.id, None)]
        found.append(
            (
                _without_random_ids((out / page).read_text(encoding="utf-8"), out / executed),
                _without_random_ids((out / page_b).read_text(encoding="utf-8"), out / executed_b),
            )
        )
        by_papermill = nbformat.read(out / executed, as_version=4)
        in_process = nbformat.read(out / executed_b, as_version=4)
        assert [c.source for c in by_papermill.cells] == [c.source for c in in_process.cells]
        for cell_a, cell_b in zip(by_papermill.cells, in_process.cells, strict=True):
            shown_a = [o.data for o in cell_a.outputs if o.output_type == "display_data"]
            shown_b = [o.data for o in cell_b.outputs]
            assert [{k: _drawn(v) for k, v in d.items() if k != "text/plain"} for d in shown_a] == [
                {k: _drawn(v) for k, v in d.items() if k != "text/plain"} for d in shown_b
            ]
    pipeline._BATCH.clear()
    pipeline.stop_kept_kernel()
    return found


@pytest.mark.slow
def test_the_demos_pages_in_process_are_the_papermill_pages(demo_plan: Path, demo_run: Path) -> None:
    """A partner school, a comparison school and a partnership of the demo run: the same HTML, byte
    for byte but for the random id papermill gives its injected cell, and the same outputs."""
    from evaluation import steps

    plan = demo_plan

    found = school_page.units(steps.setup(plan, demo_run))
    partner = next(u for u in found if u.kind == pages.SCHOOL and u.partnership)
    control = next(u for u in found if u.kind == pages.SCHOOL and u.group == "control")
    partnership = next(u for u in found if u.kind == pages.PARTNERSHIP)
    for by_papermill, in_process in _both_ways(plan, demo_run, [partner, control, partnership], "en"):
        assert by_papermill == in_process
        assert re.search(r"<table", in_process)


@pytest.mark.slow
def test_the_partnership_plans_turkish_pages_in_process_are_the_papermill_pages(partnership_run_in) -> None:
    _, out = partnership_run_in("tr")
    plan = PIPELINES_DIR / "partnership.yaml"
    from evaluation import steps

    found = school_page.units(steps.setup(plan, out))
    for by_papermill, in_process in _both_ways(plan, out, found, "tr"):
        assert by_papermill == in_process
        assert 'lang="tr"' in in_process


@pytest.mark.slow
def test_a_section_that_fails_in_process_fails_its_page_alone(
    partnership_run_in, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVALUATION_WORKERS", "1")  # in this process, where the section is replaced
    _, finished = partnership_run_in("tr")
    out = shutil.copytree(finished, tmp_path / "out")
    shutil.rmtree(out / SCHOOL_PAGES)
    schools = pd.read_csv(out / "restricted" / "data" / "2022-2023" / "schools.csv", dtype=str)
    failing = schools["school_id"].iloc[0]
    gap = school_page.gap

    def failing_gap(page):
        if page.unit.id == failing:
            raise RuntimeError("a section that fails on purpose")
        return gap(page)

    monkeypatch.setattr(school_page, "gap", failing_gap)
    outcome = render_pages(PIPELINES_DIR / "partnership.yaml", out, Progress(None))
    assert outcome[("school", failing)] == "RuntimeError: a section that fails on purpose (cell 6)"
    assert sum(reason is None for reason in outcome.values()) == len(outcome) - 1
    made = sorted(p.name for p in (out / SCHOOL_PAGES).iterdir())
    assert f"school-{failing}.html" not in made and len(made) == len(outcome)  # the others and the index
    executed = nbformat.read(out / EXECUTED_PAGES / "tr" / f"school-{failing}.ipynb", as_version=4)
    errors = [o for c in executed.cells for o in c.outputs if o.output_type == "error"]
    assert [e.evalue for e in errors] == ["a section that fails on purpose"]
