"""A plan with ``translations: [tr]`` (the demo plan) writes its report, PDF and workbook in English
into shared/ and in Turkish into shared/tr/, from one analysis: the Turkish report notebook reads the
results the English run wrote, the validation outputs stay in the plan's language, and each
workbook's numbers are those of results/."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from evaluation.config.plan import load_plan
from evaluation.wording import has, text


@pytest.fixture(scope="module")
def run(demo_run: Path) -> Path:
    return demo_run


def _visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S))


def test_the_plans_language_in_shared_and_each_translation_in_its_folder(run: Path, demo_plan: Path) -> None:
    plan = load_plan(demo_plan)
    assert (plan.language, plan.translations) == ("en", ("tr",))
    for folder, language in ((run / "shared", "en"), (run / "shared" / "tr", "tr")):
        report = _visible_text((folder / "report.html").read_text(encoding="utf-8"))
        title = text("report.title", language, programme=plan.programme, period=plan.period)
        assert title in report, language
        other = "tr" if language == "en" else "en"
        assert text("report.sections.findings.heading", language) in report
        assert text("report.sections.findings.heading", other) not in report
        pdf = (folder / "report.pdf").read_bytes()
        assert pdf.startswith(b"%PDF-") and len(pdf) > 100_000
        book = openpyxl.load_workbook(folder / "results.xlsx", read_only=True)
        assert book.sheetnames[0] == text("workbook.about.sheet", language)
        assert text("workbook.sheets.effects.name", language) in book.sheetnames
    assert not (run / "shared" / "en").exists()


def test_the_turkish_report_notebook_ran_with_its_language_on_the_same_results(run: Path) -> None:
    notebook = json.loads((run / "restricted" / "notebooks" / "tr" / "05-annual-report.ipynb").read_text("utf-8"))
    injected = next(c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert 'language = "tr"' in "".join(injected["source"])
    for name in ("01-validation", "02-prepost", "03-partner-vs-control", "04-evidence"):
        assert not (run / "restricted" / "notebooks" / "tr" / f"{name}.ipynb").exists()  # the analysis ran once
    manifest = json.loads((run / "restricted" / "work" / "accepted" / "manifest.json").read_text("utf-8"))
    assert manifest["language"] == "en"  # the validation outputs were not rewritten in Turkish
    effects = pd.read_csv(run / "shared" / "results" / "effects.csv")
    headline = effects.query("analysis == 'partner_vs_control' and method == 'ancova_cr2' and subgroup == 'all'")
    maths = headline.set_index("outcome").loc["mathematics", "estimate"]
    turkish = _visible_text((run / "shared" / "tr" / "report.html").read_text(encoding="utf-8"))
    assert f"{maths:.2f}".replace(".", ",") in turkish  # the same estimate, with a decimal comma


def test_each_workbook_holds_every_results_table_with_labelled_headers_and_its_numbers(run: Path) -> None:
    tables = sorted(path.stem for path in (run / "shared" / "results").glob("*.csv"))
    for language, folder in (("en", run / "shared"), ("tr", run / "shared" / "tr")):
        book = openpyxl.load_workbook(folder / "results.xlsx")
        assert len(book.sheetnames) == 1 + len(tables)
        for table in tables:
            frame = pd.read_csv(run / "shared" / "results" / f"{table}.csv")
            sheet = book[text(f"workbook.sheets.{table}.name", language)]
            headers = [cell.value for cell in sheet[1]]
            labelled = [
                c for c in frame.columns if has(f"workbook.columns.{c}", language) or has(f"columns.{c}", language)
            ]
            assert labelled == list(frame.columns), (table, set(frame.columns) - set(labelled))
            assert not [header for header in headers if "_" in header], (language, table, headers)
            assert sheet.max_row == len(frame) + 1 and sheet.freeze_panes == "A2"
        effects = pd.read_csv(run / "shared" / "results" / "effects.csv")
        sheet = book[text("workbook.sheets.effects.name", language)]
        column = list(effects.columns).index("estimate") + 1
        cells = [sheet.cell(row=row, column=column) for row in range(2, sheet.max_row + 1)]
        written = [cell.value for cell in cells]
        expected = [None if pd.isna(value) else value for value in effects["estimate"]]
        assert len(written) == len(expected)
        for got, wanted in zip(written, expected, strict=True):
            assert got is None if wanted is None else got == pytest.approx(wanted, rel=1e-12)
        assert {cell.number_format for cell in cells if cell.value is not None} == {"0.00"}
