"""The report's first page and its order (issue 14): the summary table's every number is found in a
row of results/ (effects.csv, evidence.csv) recomputed here, the headings come in the report's
order, and no method code appears before the technical appendix; in English and Turkish, with
control schools (the demo) and without (the partnership plan, a monitoring run)."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from scipy.stats import norm

from evaluation.config.plan import load_plan
from evaluation.reporting.summary import months_of_learning
from evaluation.wording import text

METHOD_CODES = ("ancova_cr1", "ancova_cr2", "mixed_reml", "ancova_mi", "paired_cr2", "paired_t", "welch_t", "did")


class _Report(HTMLParser):
    """The report's headings (level, text) in order, each table with the heading above it, and
    the body's text before the first level-1 heading after the title (the appendix)."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.texts: list[tuple[int, str]] = []  # (headings seen so far, text)
        self._heading: int | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("h1", "h2", "h3"):
            self._heading = int(tag[1])
            self.headings.append((self._heading, ""))
        elif tag == "table":
            self.tables.append((self.headings[-1][1] if self.headings else "", []))
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag in ("h1", "h2", "h3"):
            self._heading = None
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1][1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._heading is not None:
            level, shown = self.headings[-1]
            self.headings[-1] = (level, (shown + data).replace("¶", "").strip())
        if self._cell is not None:
            self._cell.append(data)
        self.texts.append((len(self.headings), data))


def read_report(path: Path) -> _Report:
    parser = _Report()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def numbers(cell: str, language: str) -> list[float]:
    """The numbers written in a cell, in the language's format (1,783.5 in English, 1.783,5 in Turkish)."""
    cell = cell.replace("−", "-")
    if language == "tr":
        found = re.findall(r"[-+]?\d[\d.]*(?:,\d+)?", cell)
        return [float(n.replace(".", "").replace(",", ".")) for n in found]
    found = re.findall(r"[-+]?\d[\d,]*(?:\.\d+)?", cell)
    return [float(n.replace(",", "")) for n in found]


def summary_rows(report: _Report, language: str) -> list[list[str]]:
    """The body rows of the first table under the summary's heading."""
    heading = text("report.sections.summary.heading", language)
    rows = next(rows for above, rows in report.tables if above == heading)
    return rows[1:]  # the first row is the header


def _headline(results: Path, method: str) -> pd.DataFrame:
    effects = pd.read_csv(results / "effects.csv")
    rows = effects[
        (effects["analysis"] == "partner_vs_control") & (effects["method"] == method) & (effects["subgroup"] == "all")
    ]
    return rows.set_index("outcome")


def expected_comparison_row(row: pd.Series, evidence: pd.Series, yearly_growth: float | None) -> list[float]:
    """The numbers a summary row must show, in order, computed here from the results' rows: the
    difference and its interval, g and its interval (2 decimals), the improvement index (by hand:
    Phi(g) x 100 - 50, whole), months of learning (difference / yearly growth x 12, whole), schools
    partner and control, students partner and control."""
    improvement = norm.cdf(row["effect_size"]) * 100 - 50
    assert improvement == pytest.approx(evidence["improvement_index"], abs=1e-9)  # evidence.csv says the same
    shown = [round(row[c], 2) for c in ("estimate", "ci_low", "ci_high")]
    shown += [round(row[c], 2) for c in ("effect_size", "effect_size_ci_low", "effect_size_ci_high")]
    shown.append(round(improvement))
    if yearly_growth is not None:
        shown.append(round(row["estimate"] / yearly_growth * 12))
    shown += [row[c] for c in ("n_clusters_treatment", "n_clusters_control", "n_treatment", "n_control")]
    return shown


def check_comparison_summary(out: Path, plan_path: Path, language: str) -> None:
    plan = load_plan(plan_path)
    report = read_report(out / "shared" / "report.html")
    results = out / "shared" / "results"
    headline = _headline(results, plan.primary_method)
    evidence = pd.read_csv(results / "evidence.csv").set_index("outcome")
    rows = summary_rows(report, language)
    assert len(rows) == len(plan.outcomes)
    any_months = any(o.yearly_growth is not None for o in plan.outcomes)
    for outcome, row in zip(plan.outcomes, rows):
        assert outcome.id in headline.index
        found = numbers(" ".join(row[1:]), language)  # the outcome's name has no number
        growth = outcome.yearly_growth
        expected = expected_comparison_row(headline.loc[outcome.id], evidence.loc[outcome.id], growth)
        if any_months and growth is None:
            assert row[4] == ""  # a blank months cell for an outcome without a yearly growth
        assert found == pytest.approx(expected, abs=1e-9), (outcome.id, row)
        rating = evidence.at[outcome.id, "rating"]
        assert text(f"report.summary.rating.{rating}", language) in " ".join(row)


def check_order_and_body(out: Path, language: str) -> _Report:
    report = read_report(out / "shared" / "report.html")
    titles = [title for _, title in report.headings]
    summary = text("report.sections.summary.heading", language)
    appendix = text("report.appendix.heading", language)
    limits = text("report.sections.limitations_and_recommendations", language)
    provenance = text("report.provenance.heading", language)
    assert report.headings[0][0] == 1 and titles[1] == summary  # the title, then the summary
    # schools and partnerships, then limitations, then the appendix with the methods first and provenance last
    assert titles.index(text("report.sections.schools.heading", language)) < titles.index(limits)
    assert titles.index(limits) < titles.index(appendix) < titles.index(provenance)
    assert (1, appendix) in report.headings
    assert titles.index(appendix) < titles.index(text("report.sections.methods.heading", language))
    assert titles[-1] == provenance
    body = " ".join(data for seen, data in report.texts if seen <= titles.index(appendix))
    for code in METHOD_CODES:  # "did" is an English word too: as a code it would stand alone in a cell
        if "_" in code:
            assert not re.search(rf"\b{code}\b", body), code
    cells = {cell for above, rows in report.tables if titles.index(above) < titles.index(appendix) for row in rows
             for cell in row}  # fmt: skip
    assert not cells & set(METHOD_CODES)
    assert not re.search(r"\b(sex|cinsiyet) [FM]\b", body)
    return report


@pytest.mark.slow
def test_demo_summary_numbers_trace_to_results_and_order_in_english(demo_run, demo_plan):
    check_comparison_summary(demo_run, demo_plan, "en")
    report = check_order_and_body(demo_run, "en")
    # one verdict per domain, and the marks' legend
    body = " ".join(data for _, data in report.texts)
    for domain in ("Academic", "Wellbeing", "Teaching practice"):
        assert f"{domain}: " in body
    assert "●○ meets them with reservations" in body


@pytest.mark.slow
def test_demo_summary_numbers_trace_to_results_and_order_in_turkish(turkish_demo_run):
    plan, out = turkish_demo_run
    check_comparison_summary(out, plan, "tr")
    check_order_and_body(out, "tr")


@pytest.mark.slow
def test_monitoring_summary_shows_changes_without_a_rating(partnership_run_in):
    from evaluation.resources import PIPELINES_DIR

    code, out = partnership_run_in("tr")
    assert code == 0
    plan = load_plan(PIPELINES_DIR / "partnership.yaml")
    report = check_order_and_body(out, "tr")
    effects = pd.read_csv(out / "shared" / "results" / "effects.csv")
    changes = effects[
        (effects["analysis"] == "prepost")
        & (effects["method"] == "paired_cr2")
        & (effects["group"] == "partner")
        & (effects["subgroup"] == "all")
    ].set_index("outcome")
    rows = summary_rows(report, "tr")
    assert len(rows) == len(plan.outcomes)
    for outcome, row in zip(plan.outcomes, rows):
        change = changes.loc[outcome.id]
        expected = [round(change[c], 2) for c in ("estimate", "ci_low", "ci_high")]
        expected += [round(change[c], 2) for c in ("effect_size", "effect_size_ci_low", "effect_size_ci_high")]
        expected += [change["n_clusters_treatment"], change["n_treatment"]]
        assert numbers(" ".join(row[1:]), "tr") == pytest.approx(expected, abs=1e-9), (outcome.id, row)
        assert not any("●" in cell or "○" in cell for cell in row)  # no rating without a comparison
    body = " ".join(data for _, data in report.texts)
    assert text("report.summary.monitoring.sentence", "tr", domain="", clauses="").split(";")[-1].strip() in body


def test_months_of_learning_is_the_difference_over_a_year_in_months():
    assert months_of_learning(3.5, 7.0) == pytest.approx(6.0)  # half a year's growth: six months
    assert months_of_learning(-1.0, 4.0) == pytest.approx(-3.0)
    assert months_of_learning(3.5, None) is None
    assert months_of_learning(math.nan, 7.0) is None
