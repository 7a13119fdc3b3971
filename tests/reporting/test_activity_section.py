"""The report's activity section in words, in English and Turkish, against a hand count of a
small calendar of two partnerships (each shown with its whole calendar)."""

from __future__ import annotations

import pandas as pd

from evaluation.analysis.activities import activity_log, activity_months, activity_summary
from evaluation.reporting import activities as section
from evaluation.reporting import escaping as md

CALENDAR = pd.DataFrame(
    {
        "partnership_id": ["P1", "P1", "P1", "P2", "P2"],
        "activity_no": [1, 2, 3, 1, 2],
        "activity_type": ["joint_exam", "school_visit", "career_guidance", "joint_exam", "school_visit"],
        "planned_month": ["2022-11", "2022-12", "2023-02", "2022-11", "2023-01"],
        "status": ["done", "postponed", "done", "done", "cancelled"],
        "completed_on": pd.to_datetime(["2022-11-16", None, "2023-03-01", "2022-11-16", None]),
        "participants_students": pd.array([120, pd.NA, 30, 80, pd.NA], dtype="Int64"),
        "participants_teachers": pd.array([6, pd.NA, 2, 4, pd.NA], dtype="Int64"),
        "reason": ["", "Kar tatili", "", "", ""],
    }
)


def _parts(language: str) -> list:
    log = activity_log(CALENDAR)
    return section.section_parts(log, activity_summary(log), activity_months(log), language)


def test_the_totals_in_english() -> None:
    parts = _parts("en")
    assert parts[0] == (
        "Of 5 planned activities, 3 were done (60%), 0 done in part, 1 postponed, 1 cancelled and 0 not yet reported "
        "(still marked planned). 1 activity was held later than planned. 230 students and 12 teachers took part in "
        "the activities held in full or in part (someone who took part in several activities is counted in each). By "
        "the end of Mar 2023, 3 of the 5 activities planned up to then had been done (60%)."
    )
    bullets = next(part for part in parts if isinstance(part, md.Markdown) and "Reason given" in part)
    assert (
        "- Activity 2 of partnership P1, teacher and student visits between the schools (planned for Dec 2022): "
        "postponed. Reason given: Kar tatili"
    ) in bullets
    assert (
        "- Activity 2 of partnership P2, teacher and student visits between the schools (planned for Jan 2023): "
        "cancelled; no reason was given."
    ) in bullets
    # two partnerships: the summary, then each one's calendar under its name
    tables = [part for part in parts if isinstance(part, md.ReportTable)]
    assert len(tables) == 3
    assert tables[0].data.iloc[:, 0].tolist() == ["P1", "P2", "all partnerships"]
    assert "### Partnership P2" in [part for part in parts if isinstance(part, md.Markdown)]


def test_the_totals_in_turkish() -> None:
    parts = _parts("tr")
    assert parts[0].startswith(
        "Planlanan 5 faaliyetin 3 tanesi yapıldı (%60), 0 tanesi kısmen yapıldı, 1 tanesi ertelendi, 1 tanesi iptal "
        "edildi; 0 tanesi için henüz bilgi verilmedi (hâlâ planlandı olarak görünüyor). 1 faaliyet planlanandan sonra "
        "yapıldı. Tamamen ya da kısmen yapılan faaliyetlere 230 öğrenci ve 12 öğretmen katıldı"
    )
    assert parts[0].endswith("Mart 2023 sonuna kadar planlanan 5 faaliyetin 3 tanesi o tarihe kadar yapılmıştı (%60).")
    calendar = [part for part in parts if isinstance(part, md.ReportTable)][1].data
    assert calendar.columns.tolist()[:4] == ["no", "faaliyet", "planlanan ay", "yapıldığı tarih"]
    assert calendar["planlanan ay"].tolist() == ["Kasım 2022", "Aralık 2022", "Şubat 2023"]
    assert calendar["yapıldığı tarih"].tolist() == ["16.11.2022", "", "01.03.2023"]
    assert calendar["gecikme (ay)"].tolist() == [0, pd.NA, 1]


def test_a_long_activity_type_is_cut_on_the_timeline_axis():
    from evaluation.reporting.figures import TICK_LABEL_CHARACTERS, _shortened

    long = "x" * 500
    assert _shortened(long) == "x" * (TICK_LABEL_CHARACTERS - 1) + "…"
    assert _shortened("joint lesson") == "joint lesson"
