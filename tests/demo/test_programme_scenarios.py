"""The synthetic programmes of seeds 003 (eTwinning Schools) and 004 (sister schools): the same
seed writes the same bytes, and the data has the shape its plan relies on."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.config.instruments import load_instrument
from evaluation.demo.scenarios import write_scenario

SCENARIOS = ("etwinning", "sister_schools")


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_same_seed_writes_the_same_bytes(name, tmp_path):
    first = _files(write_scenario(name, tmp_path / "a", seed=7))
    again = _files(write_scenario(name, tmp_path / "b", seed=7))
    other = _files(write_scenario(name, tmp_path / "c", seed=8))
    assert first == again
    assert set(other) == set(first) and other != first


def _scale_means(survey: pd.DataFrame, instrument_id: str) -> pd.DataFrame:
    """Per response, each scale's mean with reverse-keyed items turned round (6 - answer)."""
    instrument = load_instrument(instrument_id)
    keyed = survey.copy()
    for item in instrument.reverse_items:
        keyed[item] = 6 - keyed[item]
    means = {scale: keyed[list(items)].mean(axis=1) for scale, items in instrument.scales.items()}
    return pd.concat([survey[["respondent_id", "school_id", "wave"]], pd.DataFrame(means)], axis=1)


def test_etwinning_one_self_assessment_per_school_and_wave(tmp_path):
    data = write_scenario("etwinning", tmp_path / "data")
    assert sorted(path.name for path in data.iterdir()) == ["indicators.csv", "schools.csv", "surveys"]
    schools = pd.read_csv(data / "schools.csv", dtype=str, keep_default_na=False)
    survey = pd.read_csv(data / "surveys" / "etwinning_school_criteria.csv")
    assert len(schools) == 30 and (schools["group"] == "partner").all()
    assert schools.groupby("partnership_id").size().eq(3).all()
    assert schools.loc[0, "school_name"] == "Şehit İskender Ercan İlkokulu"
    assert set(survey["role"]) == {"staff"}
    assert not survey.duplicated(["school_id", "wave"]).any()  # one form per school and wave
    assert set(survey["school_id"]) <= set(schools["school_id"])
    assert survey["respondent_id"].eq("TEAM-" + survey["school_id"]).all()  # the same team in both waves
    counts = survey["wave"].value_counts()
    assert 25 <= counts["pre"] <= 30 and 25 <= counts["post"] <= 30
    assert survey.iloc[:, 5:].isin(range(1, 6)).all().all()


def test_etwinning_label_status_per_year_in_the_indicators(tmp_path):
    data = write_scenario("etwinning", tmp_path / "data")
    indicators = pd.read_csv(data / "indicators.csv")
    label = indicators[indicators["indicator"] == "etwinning_school_label"].pivot(
        index="school_id", columns="year", values="value"
    )
    assert list(label.columns) == [2025, 2026] and len(label) == 30
    assert label.isin([0, 1]).all().all()
    assert (label[2026] >= label[2025]).all()  # a label held in 2025 is still held in 2026
    assert 0 < label[2025].sum() < label[2026].sum() < 30  # some schools labelled, some awarded it in 2026
    assert label.loc["TR-44-001"].tolist() == [1, 1]  # the seed's school holds the label
    # labelled schools assess themselves higher before the year (the generator's shift of 0.5 points)
    survey = pd.read_csv(data / "surveys" / "etwinning_school_criteria.csv")
    pre = _scale_means(survey[survey["wave"] == "pre"].reset_index(drop=True), "etwinning_school_criteria")
    overall = pre.set_index("school_id").iloc[:, 2:].mean(axis=1)
    labelled = label[2025].reindex(overall.index)
    assert overall[labelled == 1].mean() - overall[labelled == 0].mean() > 0.2


def test_sister_schools_are_a_pair_in_two_countries(tmp_path):
    data = write_scenario("sister_schools", tmp_path / "data")
    schools = pd.read_csv(data / "schools.csv", dtype=str, keep_default_na=False)
    assert schools["country"].tolist() == ["TR", "GB"]
    assert schools["partnership_id"].nunique() == 1 and (schools["group"] == "partner").all()
    assert schools.loc[1, "resource_level"] == ""  # the ministry's levels are for schools in Türkiye
    students = pd.read_csv(data / "students.csv")
    survey = pd.read_csv(data / "surveys" / "intercultural_awareness.csv")
    assert set(students["grade"]) == {10}
    assert set(survey["role"]) == {"student"} and set(survey["respondent_id"]) <= set(students["student_id"])
    per_school = survey.groupby(["school_id", "wave"]).size()
    assert len(per_school) == 4 and per_school.min() >= 30  # both schools, both waves
    # every scale rises over the year in the generator (0.15 to 0.35 points): the linked students' mean
    means = _scale_means(survey, "intercultural_awareness")
    wide = means.drop(columns="school_id").pivot(index="respondent_id", columns="wave").dropna()
    for scale in ("cultural_openness", "intercultural_communication", "perspective_taking"):
        change = wide[(scale, "post")] - wide[(scale, "pre")]
        assert 0.05 < change.mean() < 0.6, scale
