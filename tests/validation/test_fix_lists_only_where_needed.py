"""Fix lists only for the schools with something to fix: a clean school gets no file and no line
of the index, a school with one problem gets exactly that line, and the validation page says how
many schools have nothing to fix."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pandas as pd
import pytest

from evaluation.validation.page import write_validation_outputs
from evaluation.validation.validate import validate_data_dir

from fixtures import valid_tables, write_data_dir

TODAY = dt.date(2026, 11, 24)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def outputs(tmp_path, tables):
    report = validate_data_dir(write_data_dir(tmp_path / "data", tables))
    write_validation_outputs(report, tmp_path / "out", "en")
    return tmp_path / "out" / "fix-lists", tmp_path / "out" / "validation.html"


@pytest.mark.slow
def test_a_school_with_nothing_to_fix_gets_no_list(tmp_path):
    folder, page = outputs(tmp_path, valid_tables())
    assert sorted(path.name for path in folder.iterdir()) == ["index.csv"]
    index = pd.read_csv(folder / "index.csv", encoding="utf-8-sig", dtype=str)
    assert index.empty
    assert "No school has anything to fix." in page_text(page)


@pytest.mark.slow
def test_a_school_with_one_problem_gets_exactly_its_list(tmp_path):
    tables = valid_tables()
    exams = tables["exam_results"]
    position = next(i for i, row in enumerate(exams) if row["school_id"] == "S03" and row["subject"] == "science")
    exams[position]["score"] = "250"  # out of range: S03's one problem
    row = position + 2  # the spreadsheet's row: a header, then rows from 2
    student, wave = exams[position]["student_id"], exams[position]["wave"]
    folder, page = outputs(tmp_path, tables)

    assert sorted(path.name for path in folder.iterdir()) == ["S03.csv", "S03.html", "index.csv"]
    lines = pd.read_csv(folder / "S03.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(lines) == 1
    line = lines.iloc[0]
    assert (line["file"], line["row"], line["column"], line["found"]) == ("exam_results.csv", str(row), "score", "250")
    assert (line["student"], line["subject"], line["wave"]) == (student, "science", wave)
    index = pd.read_csv(folder / "index.csv", encoding="utf-8-sig", dtype=str)
    assert index[["school_id", "quarantined_rows", "warnings", "file"]].values.tolist() == [
        ["S03", "1", "0", "S03.csv"]
    ]
    text = page_text(page)
    assert (
        "Only the schools with something to fix or check are listed: 3 of the 4 schools of the schools file "
        "have nothing to fix and get no list." in text
    )
