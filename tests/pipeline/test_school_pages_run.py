"""The pages per school and partnership of a whole run: the bundled partnership plan (two schools,
one partnership, in Turkish) gets a page per school and one for the partnership, with an index;
a unit whose notebook fails is reported while the others are written."""

from __future__ import annotations

import io
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from evaluation.pipeline import EXECUTED_PAGES, SCHOOL_PAGES, Progress, render_pages
from evaluation.resources import NOTEBOOKS_DIR, PIPELINES_DIR
from evaluation.steps import PAGE_NOTEBOOK

pytestmark = pytest.mark.slow  # the partnership plan run end to end


class Text(HTMLParser):
    """The words of a page (no style or script) and its links."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")
        if tag == "a" and not dict(attrs).get("href", "#").startswith("#"):
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.parts).replace("¶", " ").split())


def _read(path: Path) -> Text:
    return Text(path.read_text(encoding="utf-8"))


def _tr(value: float) -> str:
    """Two decimals with a decimal comma, as a Turkish table writes them (by hand, not Babel)."""
    return f"{value:.2f}".replace(".", ",")


def test_the_partnership_plan_has_a_page_per_school_and_for_the_partnership(partnership_run_in) -> None:
    code, out = partnership_run_in("tr")
    assert code == 0
    folder = out / SCHOOL_PAGES
    schools = pd.read_csv(out / "restricted" / "data" / "2022-2023" / "schools.csv", dtype=str)
    assert len(schools) == 2 and schools["partnership_id"].nunique() == 1
    (partnership,) = schools["partnership_id"].unique()
    ids = list(schools["school_id"])
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["index.html", f"partnership-{partnership}.html", *(f"school-{sid}.html" for sid in ids)]
    )
    # the index: the two schools by name (Turkish order: Kayseri before Malatya), then the partnership
    index = _read(folder / "index.html")
    by_name = schools.sort_values("school_name")  # both names start with plain ASCII capitals
    assert index.links == [
        *(link for sid in by_name["school_id"] for link in (f"school-{sid}.html", f"partnership-{partnership}.html")),
        f"partnership-{partnership}.html",
    ]
    words = index.words
    assert "okullar ve ortaklıklar" in words and "sayfa oluşturulamadı" not in words
    # each school's page: its name, its partner linked, its own numbers as results/schools.csv has them
    results = pd.read_csv(out / "shared" / "results" / "schools.csv")
    for _, school in schools.iterrows():
        page = _read(folder / f"school-{school['school_id']}.html")
        other = schools[schools["school_id"] != school["school_id"]].iloc[0]
        assert f"{school['school_name']} Tüm okullar ve ortaklıklar {school['school_name']} (" in page.words
        assert f"{partnership} ortaklığında {other['school_name']} ile birlikte" in page.words
        assert page.links == ["index.html", f"partnership-{partnership}.html", f"school-{other['school_id']}.html"]
        row = results[(results["school_id"] == school["school_id"]) & (results["outcome"] == "mathematics")].iloc[0]
        cells = f"{school['school_name']} {int(row['n_pre'])} {_tr(row['mean_pre'])} {int(row['n_post'])}"
        assert cells in page.words
        assert "tüm ortak okullar" in page.words and "Ortaklığın faaliyetleri" in page.words
        assert "Okulun verileri" in page.words
    # the partnership's page: both schools and the gap of results/partnerships.csv
    page = _read(folder / f"partnership-{partnership}.html")
    gaps = pd.read_csv(out / "shared" / "results" / "partnerships.csv")
    maths = gaps[(gaps["partnership_id"] == partnership) & (gaps["outcome"] == "mathematics")].iloc[0]
    assert f"öncesinde {_tr(maths['gap_pre'])} puan, sonrasında {_tr(maths['gap_post'])} puan" in page.words
    assert sorted(page.links) == sorted(["index.html", *(f"school-{sid}.html" for sid in ids)])
    # the executed notebooks stay in restricted/, one per unit
    executed = sorted(p.name for p in (out / EXECUTED_PAGES / "tr").glob("*.ipynb"))
    assert executed == sorted(f"{p.stem}.ipynb" for p in folder.iterdir() if p.name != "index.html")
    # the report links to the index of the pages, beside it in the shared folder
    report = _read(out / "shared" / "report.html")
    assert "schools/index.html" in report.links
    assert "Her okulun ve her ortaklığın ayrıca kendi sayfası vardır" in report.words


def _failing_notebook(target: Path, unit_id: str) -> Path:
    """Notebook 06 with a cell that raises for the unit `unit_id` only."""
    notebook = nbformat.read(NOTEBOOKS_DIR / PAGE_NOTEBOOK, as_version=4)
    cell = nbformat.v4.new_code_cell(
        f"if unit_id == {unit_id!r}:\n    raise RuntimeError('a page that fails on purpose')"
    )
    notebook.cells.insert(2, cell)
    nbformat.write(notebook, target)
    return target


@pytest.mark.parametrize("workers", ["1", "2"])  # in this process; on a local Dask cluster of 2 workers
def test_a_unit_that_fails_is_reported_and_the_others_are_written(
    partnership_run_in, tmp_path: Path, workers: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVALUATION_WORKERS", workers)
    _, finished = partnership_run_in("tr")
    out = shutil.copytree(finished, tmp_path / "out")  # the run's folder as it is, times kept
    schools = pd.read_csv(out / "restricted" / "data" / "2022-2023" / "schools.csv", dtype=str)
    failing, working = schools["school_id"]
    shutil.rmtree(out / SCHOOL_PAGES)
    stream = io.StringIO()
    notebook = _failing_notebook(tmp_path / "06-failing.ipynb", failing)
    outcome = render_pages(PIPELINES_DIR / "partnership.yaml", out, Progress(stream), notebook=notebook)
    partnership = schools["partnership_id"].iloc[0]
    assert set(outcome) == {("school", failing), ("school", working), ("partnership", partnership)}
    assert outcome[("school", working)] is None and outcome[("partnership", partnership)] is None
    assert outcome[("school", failing)].startswith("RuntimeError: a page that fails on purpose (cell ")
    printed = stream.getvalue()
    assert "school pages 3/3" in printed
    assert f"  school {failing}: page not made: RuntimeError: a page that fails on purpose" in printed
    folder = out / SCHOOL_PAGES
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["index.html", f"school-{working}.html", f"partnership-{partnership}.html"]
    )
    index = _read(folder / "index.html")
    name = schools.set_index("school_id").loc[failing, "school_name"]
    assert f"school-{failing}.html" not in index.links
    assert (
        f"{name} " in index.words and "sayfa oluşturulamadı: RuntimeError: a page that fails on purpose" in index.words
    )
    assert "Bir okulun ya da ortaklığın sayfası oluşturulamadı" in index.words
