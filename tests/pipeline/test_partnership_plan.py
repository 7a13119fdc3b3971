"""The bundled plan of one partnership's monitoring year (seed 001: Malatya Erman Ilıcak Fen Lisesi
and Kayseri Bünyan Fen Lisesi, joint exams in November and April, no control schools), run from
the command line as a coordinator would (`evaluation run partnership`): its report is a monitoring
report, in Turkish as the plan says and in English, that shows both schools and their gap before
and after, says what a design without a comparison group cannot show, and has no
partner-versus-control section and no sentence that too few were compared."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from evaluation.errors import EXIT_OK
from evaluation.resources import PIPELINES_DIR
from evaluation.wording import label, number, text

pytestmark = pytest.mark.slow  # runs the whole pipeline on the partnership's demo data

PLAN = PIPELINES_DIR / "partnership.yaml"
WAVES = ("pre", "post")
SCHOOLS = ("Malatya Erman Ilıcak Fen Lisesi", "Kayseri Bünyan Fen Lisesi")


@pytest.fixture(scope="module", params=["tr", "en"])
def partnership_run(request, partnership_run_in) -> tuple[str, int, Path]:
    """The bundled plan as it is (tr), and the same plan with ``language: en``."""
    code, out = partnership_run_in(request.param)
    return request.param, code, out


def _report_text(out: Path) -> str:
    page = (out / "shared" / "report.html").read_text(encoding="utf-8")
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).replace("’", "'")


def _sentence(key: str, language: str, **values) -> str:
    return re.sub(r"\s+", " ", text(key, language, **values))


def test_the_plan_is_the_seed_programme():
    plan = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    assert plan["demo"] == "partnership" and plan["language"] == "tr"
    assert all(school in plan["programme"] for school in SCHOOLS)
    assert [o["source"] for o in plan["outcomes"]] == ["exam"] * 4  # the joint exams' subjects


def test_the_report_shows_both_schools_and_their_gap_before_and_after(partnership_run):
    language, code, out = partnership_run
    assert code == EXIT_OK
    report = _report_text(out)
    data = out / "restricted" / "data" / "2022-2023"
    schools = pd.read_csv(data / "schools.csv")
    assert sorted(schools["school_name"]) == sorted(SCHOOLS) and set(schools["group"]) == {"partner"}
    # the gap by hand: the better-resourced school's mean minus the other's, over everyone with a
    # score in the wave (both schools are above the minimum cell size)
    ranked = schools.assign(rank=schools["resource_level"].map({"high": 3, "medium": 2, "low": 1}))
    higher, lower = ranked.sort_values("rank", ascending=False)["school_id"]
    exams = pd.read_csv(data / "exam_results.csv")
    means = exams.groupby(["subject", "wave", "school_id"])["score"].mean()
    names = dict(zip(schools["school_id"], schools["school_name"]))
    for subject in ("mathematics", "science", "turkish", "english"):
        pre, post = (number(means[(subject, w, higher)] - means[(subject, w, lower)], 2, language) for w in WAVES)
        expected = {
            "en": f"the gap between {names[higher]} and {names[lower]} (the first school's mean minus the second's) "
            f"was {pre} points before and {post} after",
            "tr": f"{names[higher]} ile {names[lower]} arasındaki fark (birinci okulun ortalaması eksi ikincinin "
            f"ortalaması) öncesinde {pre} puan, sonrasında {post} puan idi",
        }[language]
        assert f"{label(subject, language).capitalize()}, " in report and expected in report, (subject, expected)
    for school in SCHOOLS:
        assert school in report


def test_the_report_is_a_monitoring_report_with_nothing_compared(partnership_run):
    language, code, out = partnership_run
    assert code == EXIT_OK
    report = _report_text(out)
    assert _sentence("report.sections.monitoring.intro", language).replace("’", "'") in report
    assert _sentence("report.monitoring.left_out", language) in report
    assert _sentence("report.sections.schools.heading", language) in report
    for absent in ("partner_vs_control", "subgroups", "attrition", "evidence", "balance"):
        assert _sentence(f"report.sections.{absent}.heading", language) not in report, absent
    for outcome in ("mathematics", "science", "turkish", "english"):
        name = label(outcome, language)
        for key in ("report.finding.suppressed.students", "report.finding.suppressed.teachers"):
            assert _sentence(key, language, outcome=name).lower() not in report.lower()
    assert "Traceback" not in report
    effects = pd.read_csv(out / "shared" / "results" / "effects.csv")
    assert set(effects["analysis"]) == {"prepost"}  # nothing compared, nothing written as if it were
    assert pd.read_csv(out / "shared" / "results" / "evidence.csv").empty


def test_the_report_shows_the_calendar_it_was_sent_and_says_what_ordered_the_schools(partnership_run):
    language, code, out = partnership_run
    assert code == EXIT_OK
    report = _report_text(out)
    # the calendar was sent: its section is there, not the sentence of a run without one
    assert _sentence("report.sections.activities.heading", language) in report
    assert _sentence("report.sections.activities.none", language) not in report
    # the two schools' resource levels differ, so the better-resourced school is first, and the
    # partnership table's headers say first and second school, true whatever ordered them
    assert _sentence("report.schools.order.resource_level", language) in report
    assert _sentence("report.schools.order.pre_test", language) not in report
    assert _sentence("columns.first_school", language) in report
    assert _sentence("columns.second_school", language) in report
    # the joint exams: students, never teachers or respondents; and never minus zero
    took_part = {"en": r"\d+ {} took part in both waves", "tr": r"katılan \d+ {}\)"}[language]
    student, *others = {"en": ("students", "teachers", "respondents"), "tr": ("öğrenci", "öğretmen", "kişi")}[language]
    assert re.search(took_part.format(student), report)
    assert not any(re.search(took_part.format(other), report) for other in others)
    assert not re.search(r"yanıt veren sayısı|respondents? answered", report)
    assert ("-0.00" if language == "en" else "-0,00") not in report
