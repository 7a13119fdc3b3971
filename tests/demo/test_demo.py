"""The synthetic demo programme: files, contracts, internal consistency and the planted effects."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from evaluation.demo import TRUE_EFFECTS, DemoParameters, write_demo_data
from evaluation.demo.exams import answer_sheets
from evaluation.resources import INSTRUMENTS_DIR

SEED = 20222023
SURVEY_ID_COLUMNS = ["respondent_id", "school_id", "role", "wave", "submitted_at"]
COLUMNS = {
    "schools.csv": ["school_id", "school_name", "province", "country", "school_type", "group",
                    "partnership_id", "resource_level"],
    "students.csv": ["student_id", "school_id", "grade", "sex", "special_needs", "migrant_refugee"],
    "exam_results.csv": ["student_id", "school_id", "exam_id", "wave", "grade", "subject", "score",
                         "exam_date", "n_items", "correct", "wrong", "blank"],
    "activities.csv": ["partnership_id", "activity_no", "activity_type", "title", "planned_month", "status",
                       "completed_on", "participants_students", "participants_teachers", "reason"],
    "indicators.csv": ["school_id", "year", "indicator", "value"],
}  # fmt: skip
INSTRUMENTS = ("student_climate", "teacher_collaboration")
ALL_FILES = [*COLUMNS, *(f"surveys/{name}.csv" for name in INSTRUMENTS)]
Tables = dict[str, pd.DataFrame]


def _read(path: Path) -> pd.DataFrame:
    """A CSV exactly as written: every cell a string, empty cells empty strings."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _instrument(name: str) -> dict:
    return yaml.safe_load((INSTRUMENTS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo_data(tmp_path_factory.mktemp("demo") / "2022-2023", seed=SEED)


@pytest.fixture(scope="module")
def raw(demo_dir: Path) -> Tables:
    return {name: _read(demo_dir / name) for name in ALL_FILES}


@pytest.fixture(scope="module")
def exams(raw: Tables) -> pd.DataFrame:
    frame = raw["exam_results.csv"].copy()
    for column in ("grade", "n_items", "correct", "wrong", "blank"):
        frame[column] = frame[column].astype(np.int64)
    frame["score"] = frame["score"].astype(float)
    return frame


@pytest.fixture(scope="module")
def schools(raw: Tables) -> pd.DataFrame:
    return raw["schools.csv"]


def _change_by_group(frame: pd.DataFrame, schools: pd.DataFrame, value: str, unit: str) -> pd.Series:
    """Mean post - pre per group over units present in both waves."""
    wide = frame.pivot_table(index=[unit, "school_id"], columns="wave", values=value).dropna()
    wide = wide.reset_index().merge(schools[["school_id", "group"]], on="school_id")
    return (wide["post"] - wide["pre"]).groupby(wide["group"]).mean()


# --- files, determinism ---------------------------------------------------------------------


def test_every_file_has_exactly_the_canonical_columns(demo_dir: Path, raw: Tables) -> None:
    for name, columns in COLUMNS.items():
        assert list(raw[name].columns) == columns, name
    for name in INSTRUMENTS:
        items = [item["id"] for item in _instrument(name)["items"]]
        assert list(raw[f"surveys/{name}.csv"].columns) == SURVEY_ID_COLUMNS + items
    for name in ALL_FILES:
        text = (demo_dir / name).read_bytes()
        assert b"\r" not in text and text.endswith(b"\n")
        text.decode("utf-8")


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path, demo_dir: Path) -> None:
    again = write_demo_data(tmp_path / "again", seed=SEED)
    assert again == tmp_path / "again"
    other = write_demo_data(tmp_path / "other", seed=SEED + 1)
    for name in ALL_FILES:
        assert (again / name).read_bytes() == (demo_dir / name).read_bytes(), name
    for name in ("students.csv", "exam_results.csv", "surveys/student_climate.csv"):
        assert (other / name).read_bytes() != (demo_dir / name).read_bytes(), name


def test_keys_are_unique(raw: Tables) -> None:
    keys = {
        "schools.csv": ["school_id"],
        "students.csv": ["student_id"],
        "exam_results.csv": ["student_id", "exam_id", "subject"],
        "activities.csv": ["partnership_id", "activity_no"],
        "indicators.csv": ["school_id", "year", "indicator"],
        **{f"surveys/{name}.csv": ["respondent_id", "wave"] for name in INSTRUMENTS},
    }
    for name, key in keys.items():
        assert not raw[name].duplicated(subset=key).any(), name
    assert raw["schools.csv"]["school_name"].is_unique


# --- schools and roster ---------------------------------------------------------------------


def test_partnerships_join_schools_of_different_provinces_and_resources(schools: pd.DataFrame) -> None:
    partners = schools[schools["group"] == "partner"]
    assert partners["partnership_id"].str.fullmatch(r"OO-2022-\d{2}").all()
    by_partnership = partners.groupby("partnership_id")
    assert len(by_partnership) == 6 and len(partners) == 14
    assert (by_partnership.size() >= 2).all()
    assert (by_partnership["province"].nunique() == by_partnership.size()).all()
    assert (by_partnership["resource_level"].nunique() == by_partnership.size()).all()
    assert (by_partnership["school_type"].nunique() == 1).all()
    first = set(partners.loc[partners["partnership_id"] == "OO-2022-01", "school_name"])
    assert first == {"Malatya Erman Ilıcak Fen Lisesi", "Kayseri Bünyan Fen Lisesi"}


def test_control_schools_mirror_the_partner_mix(schools: pd.DataFrame) -> None:
    assert set(schools["group"]) == {"partner", "control"}
    controls = schools[schools["group"] == "control"]
    assert len(controls) == 14 and (controls["partnership_id"] == "").all()
    mix = ["province", "school_type", "resource_level"]
    partner_mix = Counter(map(tuple, schools.loc[schools["group"] == "partner", mix].to_numpy()))
    assert Counter(map(tuple, controls[mix].to_numpy())) == partner_mix


def test_school_fields_use_the_documented_codes(schools: pd.DataFrame) -> None:
    assert (schools["country"] == "TR").all()
    assert set(schools["school_type"]) <= {
        "science_high_school",
        "anatolian_high_school",
        "social_sciences_high_school",
    }
    assert set(schools["resource_level"]) <= {"low", "medium", "high"}
    assert schools["school_id"].str.fullmatch(r"TR-\d{2}-\d{3}").all()
    plates = schools.groupby("province")["school_id"].agg(lambda ids: {i[3:5] for i in ids})
    assert (plates.map(len) == 1).all()  # one plate code per province
    assert schools.loc[schools["province"] == "Malatya", "school_id"].str.startswith("TR-44-").all()
    suffix = {
        "science_high_school": " Fen Lisesi",
        "anatolian_high_school": " Anadolu Lisesi",
        "social_sciences_high_school": " Sosyal Bilimler Lisesi",
    }
    for row in schools.itertuples():
        assert row.school_name.startswith(row.province + " ")
        assert row.school_name.endswith(suffix[row.school_type])


def test_roster(raw: Tables, schools: pd.DataFrame) -> None:
    students = raw["students.csv"]
    assert students["student_id"].str.fullmatch(r"S\d{6}").all()
    assert set(students["school_id"]) == set(schools["school_id"])
    assert set(students["grade"]) == {"9", "10", "11"}
    assert set(students["sex"]) == {"F", "M"}
    sizes = students.groupby(["school_id", "grade"]).size()
    assert sizes.between(40, 50).all() and len(sizes) == 28 * 3
    for column, share in (("special_needs", 0.03), ("migrant_refugee", 0.04)):
        assert set(students[column]) == {"true", "false"}
        assert abs((students[column] == "true").mean() - share) < 0.015


# --- exams ----------------------------------------------------------------------------------


def test_answer_sheets_add_up_and_give_the_score(exams: pd.DataFrame) -> None:
    assert (exams[["correct", "wrong", "blank"]] >= 0).all().all()
    assert (exams["correct"] + exams["wrong"] + exams["blank"] == exams["n_items"]).all()
    expected = np.clip(np.round(100 * (exams["correct"] - exams["wrong"] / 4) / exams["n_items"], 2), 0, 100)
    assert np.allclose(exams["score"], expected, rtol=0, atol=1e-9)
    assert exams["score"].between(0, 100).all()
    assert exams.groupby("subject")["n_items"].nunique().eq(1).all()


def test_answer_sheet_scores_are_unbiased_for_the_latent_score() -> None:
    rng = np.random.default_rng(1)
    latent = np.repeat([12.3, 47.0, 57.3, 88.8], 50_000)
    for n in (15, 20):
        correct, wrong, blank, score = answer_sheets(rng, latent, np.full(latent.shape, n), 0.3)
        assert ((correct + wrong + blank) == n).all()
        means = pd.Series(score).groupby(latent).mean()
        assert np.allclose(means.to_numpy(), [12.3, 47.0, 57.3, 88.8], atol=0.15)


def test_exam_rows_match_the_roster_and_the_exam_calendar(exams: pd.DataFrame, raw: Tables) -> None:
    students = raw["students.csv"].assign(grade=lambda f: f["grade"].astype(np.int64))
    merged = exams.merge(students, on="student_id", how="left", suffixes=("", "_roster"), indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["school_id"] == merged["school_id_roster"]).all()
    assert (merged["grade"] == merged["grade_roster"]).all()
    assert exams["grade"].between(9, 11).all()
    calendar = exams[["exam_id", "wave", "exam_date"]].drop_duplicates()
    assert sorted(map(tuple, calendar.to_numpy())) == [
        ("ODBS-2022-11", "pre", "2022-11-16"),
        ("ODBS-2023-04", "post", "2023-04-19"),
    ]
    assert set(exams["subject"]) == {"mathematics", "science", "turkish", "english"}
    assert (exams.groupby(["student_id", "wave"]).size() == 4).all()


def test_attrition_rates_are_near_the_parameters(exams: pd.DataFrame, raw: Tables) -> None:
    roster = set(raw["students.csv"]["student_id"])
    pre = set(exams.loc[exams["wave"] == "pre", "student_id"])
    post = set(exams.loc[exams["wave"] == "post", "student_id"])
    assert pre | post == roster  # nobody misses both exams
    params = DemoParameters()
    assert abs(len(roster - post) / len(roster) - params.missing_post) < 0.01
    assert abs(len(roster - pre) / len(roster) - params.missing_pre) < 0.008


def test_score_distribution_is_realistic(exams: pd.DataFrame) -> None:
    pre = exams[exams["wave"] == "pre"].groupby("subject")["score"]
    assert pre.mean().between(48, 62).all()
    assert pre.std().between(12, 18).all()
    assert ((exams["score"] == 0) | (exams["score"] == 100)).mean() < 0.01
    wide = exams.pivot_table(index=["student_id", "subject"], columns="wave", values="score").dropna()
    correlation = wide.groupby(level="subject").apply(lambda f: f["pre"].corr(f["post"]))
    assert correlation.between(0.6, 0.78).all()


def test_mean_change_difference_is_near_the_true_effect(exams: pd.DataFrame, schools: pd.DataFrame) -> None:
    def difference(subject: str) -> float:
        change = _change_by_group(exams[exams["subject"] == subject], schools, "score", "student_id")
        return float(change["partner"] - change["control"])

    assert TRUE_EFFECTS["mathematics"] == 4.0 and TRUE_EFFECTS["english"] == 0.0
    assert 2.5 <= difference("mathematics") <= 5.5
    assert -1.5 <= difference("english") <= 1.5


# --- surveys --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", INSTRUMENTS)
def test_survey_answers_are_likert_and_timestamps_in_the_waves(raw: Tables, name: str) -> None:
    survey = raw[f"surveys/{name}.csv"]
    items = [item["id"] for item in _instrument(name)["items"]]
    assert survey[items].isin([str(v) for v in range(1, 6)]).all().all()
    assert set(survey["role"]) == {_instrument(name)["role"]}
    assert set(survey["wave"]) == {"pre", "post"}
    assert survey["submitted_at"].str.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00").all()
    stamps = pd.to_datetime(survey["submitted_at"])
    pre = survey["wave"] == "pre"
    assert stamps[pre].between("2022-11-21", "2022-12-03").all()
    assert stamps[~pre].between("2023-05-15", "2023-05-27").all()
    assert (stamps.dt.day_of_week < 5).all()


def test_survey_respondents_and_response_rates(raw: Tables, schools: pd.DataFrame) -> None:
    students = raw["students.csv"]
    climate = raw["surveys/student_climate.csv"]
    merged = climate.merge(students, left_on="respondent_id", right_on="student_id", how="left")
    assert (merged["school_id_x"] == merged["school_id_y"]).all()
    rates = climate.groupby("wave").size() / len(students)
    assert rates.between(0.82, 0.88).all()
    teachers = raw["surveys/teacher_collaboration.csv"]
    assert teachers["respondent_id"].str.fullmatch(r"T\d{5}").all()
    assert set(teachers["school_id"]) <= set(schools["school_id"])
    per_school = teachers.groupby(["school_id", "wave"]).size()
    assert per_school.between(4, 14).all()
    assert teachers.groupby("respondent_id")["school_id"].nunique().eq(1).all()


def test_survey_scale_change_differs_by_about_the_true_effect(raw: Tables, schools: pd.DataFrame) -> None:
    definition = _instrument("student_climate")
    survey = raw["surveys/student_climate.csv"].copy()
    for item in definition["items"]:
        answers = survey[item["id"]].astype(np.int64)
        survey[item["id"]] = 6 - answers if item["reverse"] else answers
    items = [item["id"] for item in definition["items"] if item["scale"] == "belonging"]
    survey["belonging"] = survey[items].mean(axis=1)
    assert survey.loc[survey["wave"] == "pre", "belonging"].mean() == pytest.approx(3.2, abs=0.15)
    change = _change_by_group(survey, schools, "belonging", "respondent_id")
    assert change["partner"] - change["control"] == pytest.approx(TRUE_EFFECTS["belonging"], abs=0.1)


# --- activities and indicators --------------------------------------------------------------


def test_activity_log_follows_the_plan(raw: Tables, exams: pd.DataFrame, schools: pd.DataFrame) -> None:
    log = raw["activities.csv"]
    assert set(log["partnership_id"]) == set(schools["partnership_id"]) - {""}
    numbers = log.groupby("partnership_id")["activity_no"].agg(lambda s: sorted(map(int, s)))
    assert len(numbers) == 6 and all(n == list(range(1, 16)) for n in numbers)
    assert set(log["status"]) <= {"planned", "done", "partial", "postponed", "cancelled"}
    assert (log["status"] == "done").mean() > 0.65
    assert {"postponed", "cancelled"} <= set(log["status"])
    assert log["planned_month"].str.fullmatch(r"20(22|23)-\d{2}").all()
    assert log["activity_type"].str.fullmatch(r"[a-z]+(_[a-z]+)*").all()
    happened = log["status"].isin(["done", "partial"])
    held_month = pd.PeriodIndex(log.loc[happened, "completed_on"].str[:7], freq="M")
    late = (held_month - pd.PeriodIndex(log.loc[happened, "planned_month"], freq="M")).map(lambda d: d.n)
    assert set(late) == {0, 1, 2}  # some done a month or two late, never early
    assert (log.loc[happened & (log["status"] == "partial"), "completed_on"].str[:7]
            == log.loc[happened & (log["status"] == "partial"), "planned_month"]).all()  # fmt: skip
    not_held = log.loc[~happened, ["completed_on", "participants_students", "participants_teachers"]]
    assert (not_held == "").all().all()
    assert (log.loc[happened, "reason"] == "").all()
    reasons = log.loc[log["status"].isin(["postponed", "cancelled"]), "reason"]
    assert 0.5 < (reasons != "").mean() < 1
    exam_rows = log[log["activity_type"] == "joint_exam"]
    assert set(exam_rows["status"]) == {"done"}
    assert set(exam_rows["completed_on"]) == {"2022-11-16", "2023-04-19"}
    sat = (
        exams.merge(schools[["school_id", "partnership_id"]], on="school_id")
        .groupby(["partnership_id", "exam_date"])["student_id"]
        .nunique()
    )
    for row in exam_rows.itertuples():
        assert int(row.participants_students) == sat[(row.partnership_id, row.completed_on)]


def test_indicators_are_complete_non_negative_integers(raw: Tables, schools: pd.DataFrame) -> None:
    indicators = raw["indicators.csv"]
    assert indicators["value"].str.fullmatch(r"\d+").all()
    assert set(indicators["year"]) == {"2022", "2023"}
    assert len(indicators) == len(schools) * 2 * 6
    values = indicators.assign(value=indicators["value"].astype(np.int64))
    labels = values[values["indicator"].isin(["etwinning_school_label", "makerspace_lab"])]
    assert labels["value"].isin([0, 1]).all()
    wide = values.pivot_table(index=["school_id", "indicator"], columns="year", values="value")
    assert (wide["2023"] >= wide["2022"]).all()


# --- parameters -----------------------------------------------------------------------------


def test_parameters_expose_the_true_effects() -> None:
    params = DemoParameters()
    assert params.partner_effect["mathematics"] == 4.0
    assert dict(params.partner_effect) == {"mathematics": 4.0, "science": 3.0, "turkish": 2.0, "english": 0.0}
    assert params.survey_partner_effect["teacher_collaboration"]["collaboration"] == 0.35
    assert dict(TRUE_EFFECTS) == {
        "mathematics": 4.0,
        "science": 3.0,
        "turkish": 2.0,
        "english": 0.0,
        "belonging": 0.20,
        "peer_collaboration": 0.30,
        "teacher_collaboration": 0.35,
    }
    for text in ("mathematics 4.0", "english 0.0", "belonging 0.20", "collaboration 0.35"):
        assert text in " ".join(DemoParameters.__doc__.split())
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.scale = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        params.partner_effect["mathematics"] = 1.0  # type: ignore[index]
    changed = dataclasses.replace(params, partner_effect={**params.partner_effect, "english": 1.0})
    assert changed.true_effects()["english"] == 1.0 and TRUE_EFFECTS["english"] == 0.0


@pytest.mark.parametrize("change", [
    {"partnership_sizes": (2, 4, 2, 2, 3, 2)},
    {"scale": 0},
    {"missing_pre": 0.6, "missing_post": 0.6},
    {"growth": {"mathematics": 1.0}},
])  # fmt: skip
def test_impossible_parameters_are_refused(change: dict) -> None:
    with pytest.raises(ValueError):
        DemoParameters(**change)


def test_scale_multiplies_the_design(tmp_path: Path) -> None:
    params = DemoParameters(scale=3, students_per_grade=(2, 3), teachers_per_school=(2, 2))
    out = write_demo_data(tmp_path / "scaled", seed=7, params=params)
    schools = _read(out / "schools.csv")
    students = _read(out / "students.csv")
    assert len(schools) == 84 and schools["school_id"].is_unique and schools["school_name"].is_unique
    assert schools.loc[schools["group"] == "partner", "partnership_id"].nunique() == 18
    assert students.groupby(["school_id", "grade"]).size().between(2, 3).all()
    exams = _read(out / "exam_results.csv")
    assert set(exams["school_id"]) <= set(schools["school_id"])
