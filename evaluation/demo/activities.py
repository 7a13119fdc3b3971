"""The demo's activity log: the 15 joint activities of the seed plan, per partnership."""

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
    "partnership_id", "activity_no", "activity_type", "planned_month", "status", "completed_on",
    "participants_students", "participants_teachers",
]  # fmt: skip


@dataclass(frozen=True)
class PlannedActivity:
    """One line of the plan; participant ranges are per school of the partnership."""

    no: int
    activity_type: str
    planned_month: str
    students: tuple[int, int]
    teachers: tuple[int, int]
    text_tr: str


# "Yapılacak ortak çalışmalar" of the 2022-2023 school partnership activity plan.
ACTIVITY_PLAN = (
    PlannedActivity(1, "website_sharing", "2022-08", (0, 0), (1, 2),
                    "Ortak çalışmaların kurumsal internet sitelerinde paylaşılması"),
    PlannedActivity(2, "online_meeting", "2022-09", (0, 0), (2, 5),
                    "Okul yöneticileri ve rehber öğretmenlerle çevrim içi toplantılar"),
    PlannedActivity(3, "coordination", "2022-09", (0, 0), (1, 2),
                    "Okul koordinatörlerinin belirlenmesi"),
    PlannedActivity(4, "teacher_meeting", "2022-09", (0, 0), (4, 10),
                    "Zümre başkanlarının katılımıyla ortak zümre toplantıları"),
    PlannedActivity(5, "school_visit", "2022-09", (5, 20), (2, 5),
                    "Okullar arası öğretmen ve öğrenci ziyaretleri"),
    PlannedActivity(6, "remedial_course", "2022-10", (15, 45), (2, 5),
                    "Destekleme ve yetiştirme kursları"),
    PlannedActivity(7, "mock_exam", "2022-10", (0, 0), (2, 4),
                    "Yükseköğretime hazırlık: ortak deneme sınavları"),
    PlannedActivity(8, "joint_exam", "2022-11", (0, 0), (3, 8),
                    "9, 10 ve 11. sınıflara ortak düzey belirleme sınavı"),
    PlannedActivity(9, "ip_registration", "2022-12", (1, 5), (1, 3),
                    "Patent, faydalı model, marka ve tasarım tescili iş birliği"),
    PlannedActivity(10, "material_support", "2023-01", (0, 0), (1, 3),
                    "Kütüphane, laboratuvar vb. için materyal desteği"),
    PlannedActivity(11, "career_guidance", "2023-02", (20, 60), (1, 3),
                    "Kariyer planlama ve ortak rehberlik çalışmaları"),
    PlannedActivity(12, "social_responsibility", "2023-03", (10, 30), (2, 5),
                    "Topluma hizmet ve sosyal sorumluluk projeleri"),
    PlannedActivity(13, "joint_exam", "2023-04", (0, 0), (3, 8),
                    "9, 10 ve 11. sınıflara ortak düzey belirleme sınavı"),
    PlannedActivity(14, "school_visit", "2023-05", (5, 20), (2, 5),
                    "Okullar arası öğretmen ve öğrenci ziyaretleri"),
    PlannedActivity(15, "monitoring_report", "2023-07", (0, 0), (1, 3),
                    "İzleme ve değerlendirme raporlarının hazırlanması"),
)  # fmt: skip

# Status probabilities that differ from DemoParameters.activity_status ("as far as possible").
STATUS_OVERRIDES: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        "joint_exam": {"done": 1.0},
        "coordination": {"done": 1.0},
        "school_visit": {"done": 0.6, "partial": 0.2, "cancelled": 0.2},
        "monitoring_report": {"done": 0.7, "partial": 0.1, "planned": 0.2},
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


def _participants(rng: np.random.Generator, activity: PlannedActivity, partnership: _Partnership) -> tuple[int, int]:
    """Students and teachers taking part, when the activity is done in full."""
    k = partnership.n_schools
    teachers = int(rng.integers(activity.teachers[0], activity.teachers[1] + 1, size=k).sum())
    if activity.no == 8:
        return partnership.sat_pre, teachers
    if activity.no == 13:
        return partnership.sat_post, teachers
    if activity.activity_type == "mock_exam":
        return round(partnership.final_grade * rng.uniform(0.6, 0.95)), teachers
    students = int(rng.integers(activity.students[0], activity.students[1] + 1, size=k).sum())
    return students, teachers


def _log_row(
    rng: np.random.Generator, activity: PlannedActivity, partnership: _Partnership, params: DemoParameters
) -> dict:
    status = _status(rng, activity, params)
    students, teachers = _participants(rng, activity, partnership)
    row = {
        "partnership_id": partnership.partnership_id, "activity_no": activity.no,
        "activity_type": activity.activity_type, "planned_month": activity.planned_month,
        "status": status, "completed_on": "", "participants_students": pd.NA,
        "participants_teachers": pd.NA,
    }  # fmt: skip
    if status in ("done", "partial"):
        share = 1.0 if status == "done" else rng.uniform(0.3, 0.7)
        exam_dates = {8: params.pre_exam[1], 13: params.post_exam[1]}
        row["completed_on"] = exam_dates.get(activity.no) or _random_weekday(rng, activity.planned_month)
        row["participants_students"] = round(students * share)
        row["participants_teachers"] = max(1, round(teachers * share))
    return row


def build_activities(
    rng: np.random.Generator, schools: pd.DataFrame, roster: Roster, exams: ExamResults, params: DemoParameters
) -> pd.DataFrame:
    """The activity log: one row per planned activity (``ACTIVITY_PLAN``) per partnership.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of statuses, dates and participant counts.
    schools, roster, exams
        The other tables: the joint exams' student participants are the partnership's students
        who sat that exam, mock exams involve part of its highest grade.
    params : DemoParameters
        ``activity_status`` and the exam dates.

    Returns
    -------
    DataFrame
        The columns of ``ACTIVITY_COLUMNS``; cancelled and still planned activities have no
        completion date and no participant counts.
    """
    rows = [
        _log_row(rng, activity, partnership, params)
        for partnership in _partnerships(schools, roster, exams)
        for activity in ACTIVITY_PLAN
    ]
    frame = pd.DataFrame(rows, columns=ACTIVITY_COLUMNS)
    for column in ("participants_students", "participants_teachers"):
        frame[column] = frame[column].astype("Int64")
    return frame
