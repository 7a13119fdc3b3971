"""A tiny valid data directory, built in a test's tmp_path (independent of the demo generator).

`valid_tables()` returns the tables as lists of dicts (one dict per row, text cells); tests change
a cell and write the directory with `write_data_dir`. Row ``i`` of a table (0-based) is
spreadsheet row ``i + 2`` of its file.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

Table = list[dict[str, str]]

SCHOOLS: Table = [
    {
        "school_id": "S01",
        "school_name": "Kayseri Bünyan Fen Lisesi",
        "province": "Kayseri",
        "country": "TR",
        "school_type": "Fen Lisesi",
        "group": "partner",
        "partnership_id": "P1",
        "resource_level": "medium",
    },
    {
        "school_id": "S02",
        "school_name": "İzmir Karşıyaka Anadolu Lisesi",
        "province": "İzmir",
        "country": "",
        "school_type": "Anadolu Lisesi",
        "group": "partner",
        "partnership_id": "P1",
        "resource_level": "high",
    },
    {
        "school_id": "S03",
        "school_name": "Çankaya Şehit Öğretmen Anadolu Lisesi",
        "province": "Ankara",
        "country": "TR",
        "school_type": "Anadolu Lisesi",
        "group": "control",
        "partnership_id": "",
        "resource_level": "low",
    },
    {
        "school_id": "S04",
        "school_name": "Ortahisar Mesleki ve Teknik Anadolu Lisesi",
        "province": "Trabzon",
        "country": "TR",
        "school_type": "Meslek Lisesi",
        "group": "control",
        "partnership_id": "",
        "resource_level": "",
    },
]

_STUDENTS = [
    ("ST01", "S01", "F"),
    ("ST02", "S01", "M"),
    ("ST03", "S02", "K"),
    ("ST04", "S02", "E"),
    ("ST05", "S03", "F"),
    ("ST06", "S03", "M"),
    ("ST07", "S04", "F"),
    ("ST08", "S04", ""),
]
STUDENTS: Table = [
    {
        "student_id": sid,
        "school_id": school,
        "grade": "9" if i % 2 else "10",
        "sex": sex,
        "special_needs": "false" if i != 3 else "true",
        "migrant_refugee": "0" if i != 5 else "1",
    }
    for i, (sid, school, sex) in enumerate(_STUDENTS)
]


def _exam_rows() -> Table:
    rows: Table = []
    for i, (sid, school, _sex) in enumerate(_STUDENTS):
        grade = "9" if i % 2 else "10"
        for wave, exam_id, date in (("pre", "E22-PRE", "2022-10-14"), ("post", "E23-POST", "14.05.2023")):
            for j, subject in enumerate(("mathematics", "science")):
                correct = 5 + i + j + (2 if wave == "post" else 0)
                wrong = 20 - correct - 2
                counts = {"n_items": "20", "correct": str(correct), "wrong": str(wrong), "blank": "2"}
                if subject == "science" and i == 0:
                    counts = {"n_items": "", "correct": "", "wrong": "", "blank": ""}
                rows.append(
                    {
                        "student_id": sid,
                        "school_id": school,
                        "exam_id": exam_id,
                        "wave": wave,
                        "grade": grade,
                        "subject": subject,
                        "score": f"{correct * 5 - 1.25 * j:g}",
                        "exam_date": date,
                        **counts,
                    }
                )
    return rows


EXAM_RESULTS: Table = _exam_rows()

ACTIVITIES: Table = [
    {
        "partnership_id": "P1",
        "activity_no": "1",
        "activity_type": "joint lesson",
        "planned_month": "2022-11",
        "status": "done",
        "completed_on": "2022-11-18",
        "participants_students": "42",
        "participants_teachers": "4",
    },
    {
        "partnership_id": "P1",
        "activity_no": "2",
        "activity_type": "teacher visit",
        "planned_month": "2023-02",
        "status": "partial",
        "completed_on": "2023-02-09",
        "participants_students": "",
        "participants_teachers": "3",
    },
    {
        "partnership_id": "P1",
        "activity_no": "3",
        "activity_type": "student exchange",
        "planned_month": "2023-04",
        "status": "cancelled",
        "completed_on": "",
        "participants_students": "",
        "participants_teachers": "",
    },
]

INDICATORS: Table = [
    {"school_id": school, "year": year, "indicator": indicator, "value": value}
    for school in ("S01", "S02", "S03")
    for year, indicator, value in (
        ("2022", "etwinning_project", "1"),
        ("2023", "etwinning_project", "3"),
        ("2023", "fcl_lab", "1"),
    )
]


def _survey(items: list[str], respondents: list[tuple[str, str]], role: str) -> Table:
    rows: Table = []
    for i, (rid, school) in enumerate(respondents):
        for wave, stamp in (("pre", "2022-11-07 10:1"), ("post", "2023-05-22 11:2")):
            answers = {item: str(1 + (i + k + (wave == "post")) % 5) for k, item in enumerate(items)}
            if i == 1 and wave == "pre":
                answers[items[-1]] = ""  # item non-response is allowed
            rows.append(
                {
                    "respondent_id": rid,
                    "school_id": school,
                    "role": role,
                    "wave": wave,
                    "submitted_at": f"{stamp}{i}",
                    **answers,
                }
            )
    return rows


STUDENT_CLIMATE_ITEMS = ["bel_1", "bel_2", "bel_3", "bel_4", "bel_5", "col_1", "col_2", "col_3", "col_4"]
TEACHER_ITEMS = ["tc_1", "tc_2", "tc_3", "tc_4", "tc_5"]
STUDENT_CLIMATE: Table = _survey(STUDENT_CLIMATE_ITEMS, [(sid, school) for sid, school, _ in _STUDENTS], "student")
TEACHER_COLLABORATION: Table = _survey(TEACHER_ITEMS, [("T01", "S01"), ("T02", "S02"), ("T03", "S03")], "teacher")


def valid_tables() -> dict[str, Table]:
    """Fresh copies of every table of the valid directory, keyed as in ValidationReport.tables."""
    tables = {
        "schools": SCHOOLS,
        "students": STUDENTS,
        "exam_results": EXAM_RESULTS,
        "activities": ACTIVITIES,
        "indicators": INDICATORS,
        "surveys/student_climate": STUDENT_CLIMATE,
        "surveys/teacher_collaboration": TEACHER_COLLABORATION,
    }
    return {key: [dict(row) for row in rows] for key, rows in tables.items()}


def write_csv(
    path: Path, rows: Table, columns: list[str] | None = None, sep: str = ",", encoding: str = "utf-8"
) -> Path:
    """Write rows as CSV (all columns of the first row unless ``columns`` is given)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = columns if columns is not None else list(rows[0])
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=sep, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(column, "") for column in columns])
    return path


def write_data_dir(root: Path, tables: dict[str, Table] | None = None) -> Path:
    """Write ``tables`` (default: the valid ones) as CSV files of a data directory under ``root``."""
    tables = valid_tables() if tables is None else tables
    root.mkdir(parents=True, exist_ok=True)
    for key, rows in tables.items():
        write_csv(root / f"{key}.csv", rows)
    return root


def valid_data_dir(tmp_path: Path) -> Path:
    """A valid data directory with every table, as CSV, in ``tmp_path / 'data'``."""
    return write_data_dir(tmp_path / "data")


def planted_tables() -> dict[str, Table]:
    """The valid tables with problems at known schools (row = spreadsheet row), for the fix lists."""
    tables = valid_tables()
    exams = tables["exam_results"]
    exams[2]["score"] = "120"  # row 4: ST01 at S01
    exams[8]["school_id"] = "S99"  # row 10: ST03 at an unknown school -> unassigned
    exams[12]["school_id"] = "S01"  # row 14: ST04 is on the roster at S02, not S01
    exams.append(dict(exams[20]))  # row 34 repeats row 22 (ST06 at S03)
    tables["students"][2]["grade"] = "13"  # row 4: ST03 at S02; its exam rows 10-13 are knock-ons
    activities = tables["activities"]
    activities[1]["status"] = "rescheduled"  # row 3: partnership P1 = S01 and S02
    activities[2]["partnership_id"] = "P9"  # row 4: no school has P9 -> unassigned
    return tables


#: Points to check (as the data-collection checks write them) at S03 and at an unknown school.
PLANTED_WARNINGS = pd.DataFrame(
    [
        {
            "table": "exam_results",
            "file": "exam_results.csv",
            "school_id": "S03",
            "row": 20,
            "column": "score",
            "value": "97.5",
            "check": "outlier",
            "message": "score far above the school's other scores",
        },
        {
            "table": "surveys/student_climate",
            "file": "surveys/student_climate.csv",
            "school_id": "S77",
            "row": 5,
            "column": "bel_1, bel_2",
            "value": "5 / 5",
            "check": "straight_lining",
            "message": "same answer to every item",
        },
    ]
)
