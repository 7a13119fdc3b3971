"""The activity log's rules (issue 13): postponed in Turkish, the rows the contract quarantines
(a cancelled activity with a date, a date more than a year from its planned month) and the
warnings a coordinator is asked about (a held activity without a date, participants of one not
held), each named by file, row, column and rule, in English and Turkish."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.validation.quality import check_quality
from evaluation.validation.validate import validate_data_dir

from fixtures import valid_tables, write_data_dir


def _activity(no: int, status: str, month: str, completed_on: str = "", students: str = "", teachers: str = "") -> dict:
    return {
        "partnership_id": "P1",
        "activity_no": str(no),
        "activity_type": "school visit",
        "planned_month": month,
        "status": status,
        "completed_on": completed_on,
        "participants_students": students,
        "participants_teachers": teachers,
        "reason": "",
    }


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):
    tables = valid_tables()
    # rows 2-4 are the fixture's valid activities; each added row breaks one rule
    tables["activities"] = [{**row, "reason": ""} for row in tables["activities"]] + [
        _activity(4, "iptal edildi", "2023-03", completed_on="14.03.2023"),  # row 5: cancelled with a date
        _activity(5, "done", "2023-05", completed_on="2032-05-10"),  # row 6: a year typed wrongly
        _activity(6, "yapıldı", "2023-05"),  # row 7: done without a date (warning)
        _activity(7, "İPTAL", "2023-06", students="12", teachers="0"),  # row 8: participants, cancelled (warning)
        _activity(8, "Ertelendi", "2023-06"),  # row 9: postponed, in Turkish: accepted, no warning
        _activity(9, "ertelenen", "2022-06", completed_on="2023-05-30"),  # row 10: 11 months: accepted
    ]
    return validate_data_dir(write_data_dir(Path(tmp_path_factory.mktemp("activities")) / "data", tables))


def _failure(report, row: int) -> pd.Series:
    failures = report.failures
    found = failures[(failures["table"] == "activities") & (failures["row"] == row)]
    assert len(found) == 1, found[["rule", "column", "value"]].values
    return found.iloc[0]


def test_a_cancelled_activity_with_a_date_is_quarantined(report) -> None:
    failure = _failure(report, 5)
    assert (failure["file"], failure["rule"], failure["column"]) == (
        "activities.csv",
        "cancelled_has_no_date",
        "status, completed_on",
    )
    assert failure["message"] == "a cancelled activity has no completed_on date"
    assert failure["value"] == "iptal edildi / 14.03.2023"  # as the coordinator wrote it


def test_a_date_more_than_a_year_from_the_planned_month_is_quarantined(report) -> None:
    failure = _failure(report, 6)
    assert (failure["file"], failure["rule"], failure["column"]) == (
        "activities.csv",
        "completed_near_planned_month",
        "planned_month, completed_on",
    )
    assert failure["message"] == "completed_on must lie within 12 months of planned_month"
    assert failure["value"] == "2023-05 / 2032-05-10"


def test_postponed_is_read_in_turkish_and_eleven_months_late_is_accepted(report) -> None:
    accepted = report.accepted["activities"]
    assert set(accepted.index) == {2, 3, 4, 7, 8, 9, 10}
    assert accepted.loc[[7, 8, 9, 10], "status"].tolist() == ["done", "cancelled", "postponed", "postponed"]


@pytest.mark.parametrize("language", ["en", "tr"])
def test_held_without_a_date_and_participants_of_a_cancelled_one_are_warnings(report, language: str) -> None:
    warnings = check_quality(report, language=language)
    ours = warnings[warnings["table"] == "activities"].set_index("row")
    assert sorted(ours.index) == [7, 8]
    assert (ours.loc[7, "file"], ours.loc[7, "column"], ours.loc[7, "check"]) == (
        "activities.csv",
        "completed_on",
        "activity_without_date",
    )
    assert (ours.loc[8, "column"], ours.loc[8, "value"], ours.loc[8, "check"]) == (
        "participants_students",
        "12",
        "participants_not_held",
    )
    messages = {
        "en": (
            "Activity 6 of partnership P1 is marked as held but has no completed_on date; it is counted as held in its "
            "planned month. Write the date it took place.",
            "Activity 7 of partnership P1 is marked cancelled but has participants; they are not counted. If it took "
            "place in part, write partial in status.",
        ),
        "tr": (
            "P1 ortaklığının 6 numaralı faaliyeti yapıldı olarak işaretlenmiş, ancak gerçekleşme tarihi (completed_on) "
            "yok; planlandığı ayda yapılmış sayıldı. Faaliyetin yapıldığı tarihi yazın.",
            "P1 ortaklığının 7 numaralı faaliyeti iptal olarak işaretlenmiş, ancak katılımcı sayıları girilmiş; bu "
            "sayılar hesaba katılmadı. Faaliyet kısmen yapıldıysa status sütununa kısmen yazın.",
        ),
    }[language]
    assert (ours.loc[7, "message"], ours.loc[8, "message"]) == messages
