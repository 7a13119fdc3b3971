"""The demo's activity log: each partnership's calendar (by default the 15 joint activities of the
seed plan, 001) with what took place, when, who took part, and why an activity was cancelled or
postponed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from evaluation.demo.exams import ExamResults
from evaluation.demo.params import DemoParameters
from evaluation.demo.students import Roster

ACTIVITY_COLUMNS = [
    "partnership_id", "activity_no", "activity_type", "title", "planned_month", "status", "completed_on",
    "participants_students", "participants_teachers", "reason",
]  # fmt: skip


@dataclass(frozen=True)
class ActivityType:
    """A kind of activity of the plan; participant ranges are per school of the partnership."""

    students: tuple[int, int]
    teachers: tuple[int, int]
    text_tr: str


# The kinds of "Yapılacak ortak çalışmalar" of the 2022-2023 school partnership activity plan (001).
ACTIVITY_TYPES: Mapping[str, ActivityType] = MappingProxyType(
    {
        "website_sharing": ActivityType(
            (0, 0), (1, 2), "Ortak çalışmaların kurumsal internet sitelerinde paylaşılması"
        ),
        "online_meeting": ActivityType(
            (0, 0), (2, 5), "Okul yöneticileri ve rehber öğretmenlerle çevrim içi toplantılar"
        ),
        "coordination": ActivityType((0, 0), (1, 2), "Okul koordinatörlerinin belirlenmesi"),
        "teacher_meeting": ActivityType((0, 0), (4, 10), "Zümre başkanlarının katılımıyla ortak zümre toplantıları"),
        "school_visit": ActivityType((5, 20), (2, 5), "Okullar arası öğretmen ve öğrenci ziyaretleri"),
        "remedial_course": ActivityType((15, 45), (2, 5), "Destekleme ve yetiştirme kursları"),
        "mock_exam": ActivityType((0, 0), (2, 4), "Yükseköğretime hazırlık: ortak deneme sınavları"),
        "joint_exam": ActivityType((0, 0), (3, 8), "9, 10 ve 11. sınıflara ortak düzey belirleme sınavı"),
        "ip_registration": ActivityType((1, 5), (1, 3), "Patent, faydalı model, marka ve tasarım tescili iş birliği"),
        "material_support": ActivityType((0, 0), (1, 3), "Kütüphane, laboratuvar vb. için materyal desteği"),
        "career_guidance": ActivityType((20, 60), (1, 3), "Kariyer planlama ve ortak rehberlik çalışmaları"),
        "social_responsibility": ActivityType((10, 30), (2, 5), "Topluma hizmet ve sosyal sorumluluk projeleri"),
        "monitoring_report": ActivityType((0, 0), (1, 3), "İzleme ve değerlendirme raporlarının hazırlanması"),
    }
)  # fmt: skip


@dataclass(frozen=True)
class PlannedActivity:
    """One line of a partnership's calendar."""

    no: int
    activity_type: str
    planned_month: str

    @property
    def kind(self) -> ActivityType:
        return ACTIVITY_TYPES[self.activity_type]


def calendar(params: DemoParameters) -> tuple[PlannedActivity, ...]:
    """The activities of ``params.activity_calendar``, numbered from 1 in order."""
    unknown = sorted({kind for kind, _ in params.activity_calendar} - set(ACTIVITY_TYPES))
    if unknown:
        raise ValueError(f"DemoParameters: activity_calendar names unknown activity types {', '.join(unknown)}")
    return tuple(PlannedActivity(no, kind, month) for no, (kind, month) in enumerate(params.activity_calendar, start=1))


# Status probabilities that differ from DemoParameters.activity_status ("as far as possible").
STATUS_OVERRIDES: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        "joint_exam": {"done": 1.0},
        "coordination": {"done": 1.0},
        "school_visit": {"done": 0.55, "partial": 0.15, "postponed": 0.15, "cancelled": 0.15},
        "monitoring_report": {"done": 0.7, "partial": 0.1, "planned": 0.2},
    }
)
#: Probability that a done activity took place one or two months after its planned month.
LATE_SHARE = 0.15
#: Probability that the coordinator wrote why an activity was cancelled or postponed.
REASON_SHARE = 0.75
# Reasons as coordinators write them (Turkish), by status.
REASONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "cancelled": (
            "Ulaşım ödeneği karşılanamadı.",
            "Okulların sınav takvimleri çakıştığı için yapılamadı.",
            "Ortak okulda yeterli katılımcı bulunamadı.",
            "Hava koşulları nedeniyle iptal edildi.",
        ),
        "postponed": (
            "Sınav haftasıyla çakıştığı için sonraki aya ertelendi.",
            "Kar tatili nedeniyle ertelendi.",
            "Ulaşım planlaması tamamlanamadı; yeni tarih belirlenecek.",
            "Ortak okulun etkinlik takvimi yoğun olduğu için ertelendi.",
        ),
    }
)


@dataclass(frozen=True)
class _Partnership:
    """Counts the activity log needs about one partnership."""

    partnership_id: str
    n_schools: int
    sat_pre: int
    sat_post: int
    final_grade: int  # students in the highest grade (mock exams)


def _partnerships(schools: pd.DataFrame, roster: Roster, exams: ExamResults) -> list[_Partnership]:
    n_schools = len(schools)
    sat_pre = np.bincount(roster.school_index, weights=exams.sat_pre, minlength=n_schools)
    sat_post = np.bincount(roster.school_index, weights=exams.sat_post, minlength=n_schools)
    grade = roster.frame["grade"].to_numpy()
    final = np.bincount(roster.school_index, weights=grade == grade.max(), minlength=n_schools)
    partners = schools.assign(sat_pre=sat_pre, sat_post=sat_post, final=final)
    partners = partners[partners["group"] == "partner"]
    sums = partners.groupby("partnership_id", sort=False)[["sat_pre", "sat_post", "final"]].sum()
    sizes = partners.groupby("partnership_id", sort=False).size()
    return [
        _Partnership(str(pid), int(sizes[pid]), int(row.sat_pre), int(row.sat_post), int(row.final))
        for pid, row in sums.iterrows()
    ]


def _random_weekday(rng: np.random.Generator, month: str) -> str:
    start = np.datetime64(month, "M")
    days = np.arange(start.astype("datetime64[D]"), (start + 1).astype("datetime64[D]"))
    days = days[np.is_busday(days)]
    return str(days[rng.integers(len(days))])


def _status(rng: np.random.Generator, activity: PlannedActivity, params: DemoParameters) -> str:
    probabilities = STATUS_OVERRIDES.get(activity.activity_type, params.activity_status)
    labels = list(probabilities)
    return labels[rng.choice(len(labels), p=list(probabilities.values()))]


def _exam_sitting(activity: PlannedActivity, params: DemoParameters) -> str | None:
    """``pre`` or ``post`` for a joint exam in the month of the demo's pre or post exam."""
    if activity.activity_type != "joint_exam":
        return None
    months = {params.pre_exam[1][:7]: "pre", params.post_exam[1][:7]: "post"}
    return months.get(activity.planned_month)


def _participants(
    rng: np.random.Generator, activity: PlannedActivity, partnership: _Partnership, params: DemoParameters
) -> tuple[int, int]:
    """Students and teachers taking part, when the activity is done in full."""
    k = partnership.n_schools
    kind = activity.kind
    teachers = int(rng.integers(kind.teachers[0], kind.teachers[1] + 1, size=k).sum())
    sitting = _exam_sitting(activity, params)
    if sitting is not None:
        return (partnership.sat_pre if sitting == "pre" else partnership.sat_post), teachers
    if activity.activity_type == "mock_exam":
        return round(partnership.final_grade * rng.uniform(0.6, 0.95)), teachers
    students = int(rng.integers(kind.students[0], kind.students[1] + 1, size=k).sum())
    return students, teachers


def _held_on(rng: np.random.Generator, activity: PlannedActivity, params: DemoParameters, status: str) -> str:
    """The date an activity held in full or in part took place: the exam's date for a joint exam,
    else a weekday of its planned month or, for some done activities, of a month or two later."""
    sitting = _exam_sitting(activity, params)
    if sitting is not None:
        return params.pre_exam[1] if sitting == "pre" else params.post_exam[1]
    month = np.datetime64(activity.planned_month, "M")
    if status == "done" and rng.random() < LATE_SHARE:
        month = month + int(rng.integers(1, 3))
    return _random_weekday(rng, str(month))


def _log_row(
    rng: np.random.Generator, activity: PlannedActivity, partnership: _Partnership, params: DemoParameters
) -> dict:
    status = _status(rng, activity, params)
    students, teachers = _participants(rng, activity, partnership, params)
    row = {
        "partnership_id": partnership.partnership_id, "activity_no": activity.no,
        "activity_type": activity.activity_type, "title": activity.kind.text_tr,
        "planned_month": activity.planned_month, "status": status, "completed_on": "",
        "participants_students": pd.NA, "participants_teachers": pd.NA, "reason": "",
    }  # fmt: skip
    if status in ("done", "partial"):
        share = 1.0 if status == "done" else rng.uniform(0.3, 0.7)
        row["completed_on"] = _held_on(rng, activity, params, status)
        row["participants_students"] = round(students * share)
        row["participants_teachers"] = max(1, round(teachers * share))
    elif status in REASONS and rng.random() < REASON_SHARE:
        reasons = REASONS[status]
        row["reason"] = reasons[rng.integers(len(reasons))]
    return row


def build_activities(
    rng: np.random.Generator, schools: pd.DataFrame, roster: Roster, exams: ExamResults, params: DemoParameters
) -> pd.DataFrame:
    """The activity log: one row per activity of ``params.activity_calendar`` per partnership.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of statuses, dates and participant counts.
    schools, roster, exams
        The other tables: the joint exams' student participants are the partnership's students
        who sat that exam, mock exams involve part of its highest grade.
    params : DemoParameters
        ``activity_calendar``, ``activity_status`` and the exam dates.

    Returns
    -------
    DataFrame
        The columns of ``ACTIVITY_COLUMNS``; cancelled, postponed and still planned activities
        have no completion date and no participant counts, and most cancelled or postponed ones
        a reason.
    """
    rows = [
        _log_row(rng, activity, partnership, params)
        for partnership in _partnerships(schools, roster, exams)
        for activity in calendar(params)
    ]
    frame = pd.DataFrame(rows, columns=ACTIVITY_COLUMNS)
    for column in ("participants_students", "participants_teachers"):
        frame[column] = frame[column].astype("Int64")
    return frame
