"""Every language's report.pdf and results.xlsx are written as independent units on the run's
engine (`evaluation.pipeline.write_documents`): one that cannot be written is named, with its
reason, in the run's AnalysisFailed, and the others are still written."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation import pipeline
from evaluation.config.plan import load_plan
from evaluation.errors import AnalysisFailed
from evaluation.steps import parallel

PLAN = """programme: Test programme
period: 2022-2023
data: data
translations: [tr]
outcomes:
  - {id: mathematics, source: exam, subject: mathematics, domain: academic}
"""


def test_a_document_that_cannot_be_written_is_named_and_the_others_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    plan = load_plan(tmp_path / "plan.yaml")
    written: list[tuple[str, str]] = []

    def pdf(html: Path, target: Path) -> Path:
        if not html.is_file():
            raise FileNotFoundError(f"no {html.name} in {html.parent.name}")
        written.append(("pdf", target.parent.name))
        return target

    def workbook(plan_, out_dir: Path, target: Path, language: str) -> Path:
        written.append(("xlsx", language))
        return target

    monkeypatch.setattr(pipeline, "_write_pdf", pdf)
    monkeypatch.setattr(pipeline, "_write_workbook", workbook)
    out = tmp_path / "out"
    (out / "shared").mkdir(parents=True)
    (out / "shared" / "report.html").write_text("<html></html>", encoding="utf-8")  # the Turkish one is missing
    with parallel.engine(workers=1) as here, pytest.raises(AnalysisFailed) as raised:
        pipeline.write_documents(plan, out, ("en", "tr"), here)
    reason = "tr report.pdf: FileNotFoundError: no report.html in tr"
    assert str(raised.value) == f"the report could not be written: {reason}"
    assert written == [("pdf", "shared"), ("xlsx", "en"), ("xlsx", "tr")]  # the PDFs first, the rest still written
