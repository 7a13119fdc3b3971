"""results/indicators.csv on a small constructed programme, against sums and means worked out by
hand (listed beside each assertion), and the rule that a later folder's count replaces an earlier
one's."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.analysis.indicators import INDICATOR_COLUMNS, indicator_rows, indicator_summary

SCHOOLS = pd.DataFrame(
    {
        "school_id": ["A", "B", "C", "D"],
        "group": ["partner", "partner", "control", "control"],
        "school_type": ["primary_school", "middle_school", "primary_school", "middle_school"],
    }
)
#: Europass documents: A 2, 5; B 4, (no row in 2024); C 1, 1; D 3, 6. A label: A 0 then 1, C 1 then 1.
INDICATORS = pd.DataFrame(
    [
        ("A", 2023, "europass_mobility", 2),
        ("A", 2024, "europass_mobility", 5),
        ("B", 2023, "europass_mobility", 4),
        ("C", 2023, "europass_mobility", 1),
        ("C", 2024, "europass_mobility", 1),
        ("D", 2023, "europass_mobility", 3),
        ("D", 2024, "europass_mobility", 6),
        ("A", 2023, "etwinning_school_label", 0),
        ("A", 2024, "etwinning_school_label", 1),
        ("C", 2023, "etwinning_school_label", 1),
        ("C", 2024, "etwinning_school_label", 1),
    ],
    columns=["school_id", "year", "indicator", "value"],
)


def _row(table: pd.DataFrame, indicator: str, year: int, group: str, school_type: str = "all") -> pd.Series:
    found = table[
        (table["indicator"] == indicator)
        & (table["year"] == year)
        & (table["group"] == group)
        & (table["school_type"] == school_type)
    ]
    assert len(found) == 1, found
    return found.iloc[0]


def test_totals_schools_reporting_per_school_and_change_by_hand() -> None:
    table = indicator_summary(indicator_rows([(INDICATORS, SCHOOLS)]))
    assert list(table.columns) == INDICATOR_COLUMNS
    # partner, 2023: A 2 + B 4 = 6 over 2 schools = 3.0
    row = _row(table, "europass_mobility", 2023, "partner")
    assert (row["total"], row["schools_reporting"], row["per_school"], row["change_per_school"]) == (6, 2, 3.0, 0.0)
    # partner, 2024: only A reports (5); B sent no row and is not counted as 0: 5 / 1 = 5.0, change 5 - 3 = 2
    row = _row(table, "europass_mobility", 2024, "partner")
    assert (row["total"], row["schools_reporting"], row["per_school"]) == (5, 1, 5.0)
    assert row["change_per_school"] == pytest.approx(2.0) and row["first_year"] == 2023
    # control, 2024: C 1 + D 6 = 7 over 2 = 3.5; 2023: 1 + 3 = 4 over 2 = 2; change 1.5
    row = _row(table, "europass_mobility", 2024, "control")
    assert (row["total"], row["schools_reporting"], row["per_school"], row["change_per_school"]) == (7, 2, 3.5, 1.5)
    # per school type: middle schools among partners in 2023 are B alone (4)
    row = _row(table, "europass_mobility", 2023, "partner", "middle_school")
    assert (row["total"], row["schools_reporting"], row["per_school"]) == (4, 1, 4.0)
    # and B has no 2024 row, so partner middle schools have no 2024 row at all
    assert table[
        (table["group"] == "partner") & (table["school_type"] == "middle_school") & (table["year"] == 2024)
    ].empty
    # a label: the share of reporting schools that hold it; partner 2023 0/1, 2024 1/1
    assert _row(table, "etwinning_school_label", 2024, "partner")["per_school"] == 1.0
    assert _row(table, "etwinning_school_label", 2024, "partner")["change_per_school"] == 1.0
    # every row of the constructed table: 2 indicators; europass 2 groups x (all + 2 types) x 2 years less the
    # missing partner middle-school 2024 row = 11; the label: 2 groups x (all + primary) x 2 years = 8
    assert len(table) == 19


def test_a_programme_without_control_schools_has_one_group_all() -> None:
    schools = SCHOOLS.assign(group="partner")
    table = indicator_summary(indicator_rows([(INDICATORS, schools)]))
    assert set(table["group"]) == {"all"}
    # every school, 2023: 2 + 4 + 1 + 3 = 10 over 4 = 2.5; 2024: 5 + 1 + 6 = 12 over 3 = 4.0
    row = _row(table, "europass_mobility", 2024, "all")
    assert (row["total"], row["schools_reporting"], row["per_school"], row["change_per_school"]) == (12, 3, 4.0, 1.5)


def test_several_folders_each_with_its_own_schools_and_a_later_count_replacing_an_earlier_one() -> None:
    first = INDICATORS[INDICATORS["year"] == 2023]
    # the later folder re-sends A's 2023 count corrected (2 -> 3) and has school E, a newcomer, in 2024
    schools_later = pd.concat(
        [SCHOOLS, pd.DataFrame({"school_id": ["E"], "group": ["partner"], "school_type": ["kindergarten"]})]
    )
    later = pd.concat(
        [
            INDICATORS[INDICATORS["year"] == 2024],
            pd.DataFrame(
                [("A", 2023, "europass_mobility", 3), ("E", 2024, "europass_mobility", 1)], columns=INDICATORS.columns
            ),
        ]
    )
    rows = indicator_rows([(first, SCHOOLS), (later, schools_later)])
    assert rows[(rows["school_id"] == "A") & (rows["year"] == 2023) & (rows["indicator"] == "europass_mobility")][
        "value"
    ].tolist() == [3]
    table = indicator_summary(rows)
    # partner 2023: A 3 (corrected) + B 4 = 7 over 2; partner 2024: A 5 + E 1 = 6 over 2 = 3.0
    assert _row(table, "europass_mobility", 2023, "partner")["per_school"] == 3.5
    row = _row(table, "europass_mobility", 2024, "partner")
    assert (row["total"], row["schools_reporting"], row["per_school"], row["change_per_school"]) == (6, 2, 3.0, -0.5)
    assert _row(table, "europass_mobility", 2024, "partner", "kindergarten")["first_year"] == 2024


def test_no_indicators_give_the_columns_and_no_rows() -> None:
    table = indicator_summary(indicator_rows([]))
    assert list(table.columns) == INDICATOR_COLUMNS and table.empty
