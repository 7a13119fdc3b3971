"""The bundled consortium plan (seed 002) from the command line: an Erasmus+ consortium of
kindergartens to high schools and science and art centres, no control schools, no exam table,
three school years. The run succeeds; results/indicators.csv sums every year's folder, as worked
out here from the data files by another route; results/years.csv holds each year's change before
and after; the Turkish report shows the indicators and the findings year on year."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

from evaluation.cli import main
from evaluation.config.plan import load_plan
from evaluation.errors import EXIT_OK
from evaluation.resources import PIPELINES_DIR
from evaluation.wording import label
from evaluation.wording import text as text_of

pytestmark = pytest.mark.slow  # runs the whole pipeline on three school years

PERIODS = ["2022-2023", "2023-2024", "2024-2025"]
OUTCOMES = ["mobility_competence", "mobility_wellbeing", "mobility_skills", "ethical_consumption"]


@pytest.fixture(scope="module")
def consortium_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    out = tmp_path_factory.mktemp("consortium") / "out"
    return main(["run", "consortium", "--out", str(out)]), out


def _report_text(out: Path) -> str:
    page = (out / "shared" / "report.html").read_text(encoding="utf-8")
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_bundled_plan_names_three_school_years() -> None:
    plan = load_plan(PIPELINES_DIR / "consortium.yaml")
    assert [year.period for year in plan.earlier_years] + [plan.period] == PERIODS
    assert plan.demo_scenario == "consortium" and "exam_results" not in plan.required_tables


def test_the_run_succeeds_without_an_exam_table(consortium_run) -> None:
    code, out = consortium_run
    assert code == EXIT_OK
    for period in PERIODS:
        folder = out / "restricted" / "data" / period
        assert (folder / "schools.csv").is_file() and not list(folder.glob("exam_results.*"))


def test_indicators_sum_every_years_folder(consortium_run) -> None:
    _, out = consortium_run
    table = pd.read_csv(out / "shared" / "results" / "indicators.csv", keep_default_na=False)
    assert set(table["group"]) == {"all"}  # no control schools
    expected = {}
    for period in PERIODS:
        folder = out / "restricted" / "data" / period
        schools = pd.read_csv(folder / "schools.csv").set_index("school_id")["school_type"].to_dict()
        for row in pd.read_csv(folder / "indicators.csv").itertuples():
            for school_type in ("all", schools[row.school_id]):
                total, n = expected.get((row.indicator, row.year, school_type), (0, 0))
                expected[(row.indicator, row.year, school_type)] = (total + row.value, n + 1)
    assert len(table) == len(expected)
    for row in table.itertuples():
        total, n = expected[(row.indicator, row.year, row.school_type)]
        assert (row.total, row.schools_reporting) == (total, n)
        assert row.per_school == pytest.approx(total / n)
        first = min(year for (name, year, kind) in expected if (name, kind) == (row.indicator, row.school_type))
        first_total, first_n = expected[(row.indicator, first, row.school_type)]
        assert row.first_year == first and row.change_per_school == pytest.approx(total / n - first_total / first_n)
    assert sorted(set(table["year"])) == [2023, 2024, 2025]
    assert {"kindergarten", "science_and_art_centre", "middle_school"} <= set(table["school_type"])


def test_each_years_change_before_and_after(consortium_run) -> None:
    _, out = consortium_run
    years = pd.read_csv(out / "shared" / "results" / "years.csv", keep_default_na=False)
    assert list(zip(years["period"], years["outcome"])) == [(p, o) for p in PERIODS for o in OUTCOMES]
    assert (years["analysis"] == "prepost").all() and (years["method"] == "paired_cr2").all()
    this_year = years[years["period"] == "2024-2025"].set_index("outcome")
    effects = pd.read_csv(out / "shared" / "results" / "effects.csv")
    headline = effects[
        (effects["analysis"] == "prepost")
        & (effects["method"] == "paired_cr2")
        & (effects["subgroup"] == "all")
        & (effects["group"] == "all")
    ].set_index("outcome")
    for outcome in OUTCOMES:
        assert this_year.at[outcome, "estimate"] == headline.at[outcome, "estimate"]
    # the planted changes (evaluation/demo/consortium.py: +0.40, +0.20, +0.30 plus the drift of 0.05) lie in
    # most years' intervals; each year's interval is a real interval around a positive change
    assert (years["ci_low"].astype(float) < years["estimate"].astype(float)).all()
    assert (years["estimate"].astype(float) > 0).all()


def test_the_report_shows_the_indicators_and_findings_year_on_year(consortium_run) -> None:
    _, out = consortium_run
    text = _report_text(out)
    assert text_of("report.sections.indicators.heading", "tr") in text
    assert text_of("report.sections.years.heading", "tr") in text
    assert label("europass_mobility", "tr") in text and "europass_mobility" not in text
    for period in PERIODS:
        assert period in text
    assert "Grafiğin açıklaması" in text and "2023 ile 2025 arasında" in text
    assert "Traceback" not in text and "exam_results" not in text


def test_the_report_leaves_out_the_calendar_it_was_not_sent_and_names_who_answered(consortium_run) -> None:
    _, out = consortium_run
    text = " ".join(_report_text(out).split())
    assert not list((out / "restricted" / "data" / PERIODS[-1]).glob("activities.*"))
    # no activity table: no activities section at all (not a section saying none was sent)
    assert text_of("report.sections.activities.heading", "tr") not in text
    assert " ".join(text_of("report.sections.activities.none", "tr").split()) not in text
    # the teachers' survey speaks of teachers, the students' of students (each change's sentence)
    for outcome, who in (("mobility_competence", "öğretmen"), ("mobility_skills", "öğrenci")):
        assert re.search(rf"{re.escape(label(outcome, 'tr'))} puanı ilk uygulamadan [^;]*; her iki uygulamaya "
                         rf"katılan \d+ {who}\)", text), outcome  # fmt: skip
    assert "yanıt veren sayısı" not in text and "-0,00" not in text
