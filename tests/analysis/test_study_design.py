"""Which design a run has: partner against control schools (``comparison``) or, without control
schools with data, a monitoring design (`evaluation.analysis.study_design`)."""

from __future__ import annotations

import math

import pandas as pd

from evaluation.analysis.study_design import COMPARISON, MONITORING, study_design


def schools(*groups: str) -> pd.DataFrame:
    return pd.DataFrame({"school_id": [f"S{i}" for i in range(len(groups))], "group": list(groups)})


def frame(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["group", "pre", "post"])


def test_one_partnership_without_control_schools_is_monitoring():
    frames = {"mathematics": frame([("partner", 50.0, 55.0), ("partner", 40.0, 48.0)])}
    assert study_design(schools("partner", "partner"), frames) == MONITORING
    assert study_design(schools("partner", "partner")) == MONITORING


def test_partner_and_control_schools_with_data_is_comparison():
    frames = {
        "mathematics": frame([("partner", 50.0, 55.0)]),
        "belonging": frame([("partner", 3.0, 3.2), ("control", math.nan, 3.1)]),  # a control value in one wave
    }
    assert study_design(schools("partner", "partner", "control"), frames) == COMPARISON
    assert study_design(schools("partner", "control")) == COMPARISON  # no frames: the schools table decides


def test_control_schools_without_any_value_give_nothing_to_compare_with():
    frames = {
        "mathematics": frame([("partner", 50.0, 55.0), ("control", math.nan, math.nan)]),
        "belonging": frame([("partner", 3.0, 3.2)]),
    }
    assert study_design(schools("partner", "partner", "control"), frames) == MONITORING


def test_a_schools_table_of_control_schools_alone_is_monitoring():
    assert study_design(schools("control", "control"), {}) == MONITORING
    assert study_design(pd.DataFrame({"school_id": ["S1"]})) == MONITORING  # no group column at all
