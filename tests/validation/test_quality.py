"""check_quality: each data-quality problem planted in a tiny data directory is found at the right
school and row, clean data gives no warning, and the demo programme's warnings are plausible."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.cli import main
from evaluation.config.instruments import load_instrument
from evaluation.validation.quality import CHECKS, COUNTED, WARNING_COLUMNS, QualitySettings, check_quality, warning_text
from evaluation.validation.quality.outliers import modified_z
from evaluation.validation.validate import validate_data_dir
from evaluation.wording import LANGUAGES, catalogue

from fixtures import valid_tables, write_data_dir

# New students of school S01, grade 9: one pre mathematics score each (no post exam, no counts),
# and a pre survey answer. ST20 scores 100 among scores of 25-56 (the school's median is 47).
NEW_SCORES = {
    "ST10": 40,
    "ST11": 42,
    "ST12": 44,
    "ST13": 45,
    "ST14": 46,
    "ST15": 48,
    "ST16": 50,
    "ST17": 52,
    "ST18": 54,
    "ST19": 55,
    "ST20": 100,
    "ST21": 56,
}
CLIMATE_ITEMS = ["bel_1", "bel_2", "bel_3", "bel_4", "bel_5", "col_1", "col_2", "col_3", "col_4"]


def _answers(i: int) -> dict[str, str]:
    """Answers that differ within every scale (no straight-lining) and between respondents
    (``i`` from 3 to 14)."""
    belonging = [str(1 + (i + k) % 5) for k in range(5)]
    collaboration = [str(1 + (i // 5 + k) % 5) for k in range(4)]
    return dict(zip(CLIMATE_ITEMS, belonging + collaboration, strict=True))


def clean_tables() -> dict[str, list[dict[str, str]]]:
    """The valid tables, with a teacher at S04 (so each school answers both surveys) and a start
    time ten minutes before each student survey submission."""
    tables = valid_tables()
    for wave, stamp in (("pre", "2022-11-07 10:13"), ("post", "2023-05-22 11:23")):
        answers = {item: str(1 + k % 5) for k, item in enumerate(["tc_1", "tc_2", "tc_3", "tc_4", "tc_5"])}
        tables["surveys/teacher_collaboration"].append(
            {
                "respondent_id": "T04",
                "school_id": "S04",
                "role": "teacher",
                "wave": wave,
                "submitted_at": stamp,
                **answers,
            }
        )
    for row in tables["surveys/student_climate"]:
        submitted = pd.Timestamp(row["submitted_at"])
        row["started_at"] = str(submitted - pd.Timedelta(minutes=10))
    return tables


def planted_tables() -> dict[str, list[dict[str, str]]]:
    """The clean tables with one of each problem planted (see the expected warnings below)."""
    tables = clean_tables()
    tables["schools"].append(
        {
            "school_id": "S05",
            "school_name": "Yeni Okul",
            "province": "Sivas",
            "country": "TR",
            "school_type": "Anadolu Lisesi",
            "group": "control",
            "partnership_id": "",
            "resource_level": "low",
        }
    )
    climate = tables["surveys/student_climate"]
    for i, (student, score) in enumerate(NEW_SCORES.items()):
        tables["students"].append(
            {
                "student_id": student,
                "school_id": "S01",
                "grade": "9",
                "sex": "F",
                "special_needs": "false",
                "migrant_refugee": "false",
            }
        )
        tables["exam_results"].append(
            {
                "student_id": student,
                "school_id": "S01",
                "exam_id": "E22-PRE",
                "wave": "pre",
                "grade": "9",
                "subject": "mathematics",
                "score": str(score),
                "exam_date": "2022-10-14",
                "n_items": "",
                "correct": "",
                "wrong": "",
                "blank": "",
            }
        )
        climate.append(
            {
                "respondent_id": student,
                "school_id": "S01",
                "role": "student",
                "wave": "pre",
                "started_at": f"2022-11-08 09:{i:02d}",
                "submitted_at": f"2022-11-08 09:{i + 10:02d}",
                **_answers(i + 3),
            }
        )
    exams = tables["exam_results"]
    exams[:] = [
        row
        for row in exams
        if not (row["student_id"] == "ST03" and row["wave"] == "post")  # S02 post: no grade 10
        and not (row["school_id"] == "S03" and row["wave"] == "post")
    ]  # S03: no post exam
    teachers = tables["surveys/teacher_collaboration"]
    teachers[:] = [row for row in teachers if not (row["respondent_id"] == "T03" and row["wave"] == "post")]
    by_key = {(row["respondent_id"], row["wave"]): row for row in climate}
    by_key["ST05", "pre"].update(dict.fromkeys(CLIMATE_ITEMS[:5], "4"))  # belonging all 4: contradictory
    by_key["ST06", "post"].update(dict.fromkeys(CLIMATE_ITEMS[5:], "3"))  # collaboration all 3: the midpoint
    teachers[0].update(dict.fromkeys(["tc_1", "tc_2", "tc_3", "tc_4", "tc_5"], "2"))  # T01 pre
    by_key["ST07", "pre"]["started_at"] = "2022-11-07 10:15:56"  # submitted 10:16: 4 s for 9 items
    by_key["ST08", "post"]["started_at"] = "2023-05-22 11:25:30"  # submitted 11:27: 90 s, a third of 10 min is 200 s
    # ST12 repeats ST11's answers 3 minutes later; ST21 repeats ST10's two hours later (not flagged)
    by_key["ST12", "pre"].update(_answers(1 + 3) | {"submitted_at": "2022-11-08 09:14"})
    by_key["ST21", "pre"].update(_answers(0 + 3) | {"submitted_at": "2022-11-08 11:10"})
    # the mathematics pre-test item by item: ST01's 5 right answers agree with its exam row (correct 5),
    # ST02's 7 do not (correct 6): rows 22-41, flagged on the first
    tables["item_responses"] = [
        {"test_id": "mathematics", "student_id": sid, "school_id": "S01", "wave": "pre", "item": f"q{k:02d}",
         "score": "1" if k <= right else "0", "max_score": ""}
        for sid, right in (("ST01", 5), ("ST02", 7))
        for k in range(1, 21)
    ]  # fmt: skip
    return tables


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    data = write_data_dir(tmp_path_factory.mktemp("planted") / "data", planted_tables())
    indicators = data / "indicators.csv"  # an export with a title above the column names
    indicators.write_text("Okul Göstergeleri 2023\n" + indicators.read_text(encoding="utf-8"), encoding="utf-8")
    report = validate_data_dir(data)
    assert report.failures.empty, report.summary()
    return report, check_quality(report)


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    report = validate_data_dir(write_data_dir(tmp_path_factory.mktemp("clean") / "data", clean_tables()))
    assert report.failures.empty, report.summary()
    return report


def _found(warnings: pd.DataFrame, check: str) -> list[tuple]:
    rows = warnings[warnings["check"] == check]
    return [
        (t, s, None if pd.isna(r) else int(r), c, v)
        for t, s, r, c, v in rows[["table", "school_id", "row", "column", "value"]].itertuples(index=False)
    ]


@pytest.mark.slow
def test_warnings_frame_has_the_documented_columns(planted):
    _, warnings = planted
    assert tuple(warnings.columns) == WARNING_COLUMNS
    assert str(warnings["row"].dtype) == "Int64"
    # every check but the activity log's, which tests/validation/test_activity_rules.py plants
    assert set(warnings["check"]) == set(CHECKS) - {"activity_without_date", "participants_not_held"}
    assert warnings.loc[warnings["table"] == "exam_results", "file"].eq("exam_results.csv").all()


@pytest.mark.slow
def test_a_title_above_the_column_names_is_a_point_to_check(planted):
    _, warnings = planted
    assert _found(warnings, "header_row") == [("indicators", "", None, "", "Okul Göstergeleri 2023")]
    assert warnings.loc[warnings["check"] == "header_row", "message"].tolist() == [
        'The column names were found on row 2, below the title "Okul Göstergeleri 2023"; the rows above them were '
        "not read as data: check that they hold none."
    ]


@pytest.mark.slow
def test_warnings_do_not_quarantine(planted):
    report, _ = planted
    assert report.ok
    assert len(report.accepted["exam_results"]) == report.tables["exam_results"].n_rows


@pytest.mark.slow
def test_missing_schools_and_waves(planted):
    _, warnings = planted
    assert _found(warnings, "missing_school") == [
        ("exam_results", "S05", None, "school_id", "S05"),
        ("surveys/student_climate", "S05", None, "school_id", "S05"),
        ("surveys/teacher_collaboration", "S05", None, "school_id", "S05"),
    ]
    assert _found(warnings, "missing_wave") == [
        ("exam_results", "S03", None, "wave", "post"),
        ("surveys/teacher_collaboration", "S03", None, "wave", "post"),
    ]
    messages = warnings.loc[warnings["check"] == "missing_wave", "message"].tolist()
    assert messages[0] == "School S03 has pre-test exam results but no post-test exam results."
    assert messages[1] == (
        "School S03 has pre-test responses to the survey teacher_collaboration but no post-test responses."
    )


@pytest.mark.slow
def test_roster_coverage(planted):
    _, warnings = planted
    assert _found(warnings, "missing_grade") == [("exam_results", "S02", None, "wave, grade", "post / 10")]
    assert _found(warnings, "roster_not_tested") == [
        ("exam_results", "S01", None, "wave", "post"),
        ("exam_results", "S02", None, "wave", "post"),
    ]
    messages = warnings.loc[warnings["check"].isin(["missing_grade", "roster_not_tested"]), "message"].tolist()
    assert messages == [
        "12 of 14 students on the roster of school S01 have no post-test exam result.",
        "School S02 has no post-test exam results for grade 10 (students of that grade on the roster: 1).",
        "1 of 2 students on the roster of school S02 have no post-test exam result.",
    ]


@pytest.mark.slow
def test_low_response(planted):
    _, warnings = planted
    assert _found(warnings, "low_response") == [("surveys/student_climate", "S01", None, "wave", "post")]
    message = warnings.loc[warnings["check"] == "low_response", "message"].item()
    assert message.startswith("School S01 has 2 post-test responses to the survey student_climate but 14 pre-test")


@pytest.mark.slow
def test_outlier(planted):
    report, warnings = planted
    exams = report.accepted["exam_results"]
    row = int(exams.index[exams["student_id"] == "ST20"][0])
    assert _found(warnings, "outlier") == [("exam_results", "S01", row, "score", "100")]
    message = warnings.loc[warnings["check"] == "outlier", "message"].item()
    # the 14 pre scores (25, 30 and the new ones): median 47, MAD 6, z = 0.6745 * (100 - 47) / 6 = 5.96;
    # the school reads the median in words, and no z
    assert message == (
        "A score of 100 in mathematics (exam E22-PRE) is far from your school's other scores in that subject: "
        "half of them are above 47 and half below. Check that it was entered correctly."
    )


def _climate_row(report, respondent: str, wave: str) -> int:
    frame = report.accepted["surveys/student_climate"]
    return int(frame.index[(frame["respondent_id"] == respondent) & (frame["wave"] == wave)][0])


@pytest.mark.slow
def test_straight_lining(planted):
    report, warnings = planted
    teacher_row = 2  # T01 pre
    assert sorted(_found(warnings, "straight_lining")) == sorted(
        [
            (
                "surveys/student_climate",
                "S03",
                _climate_row(report, "ST05", "pre"),
                "bel_1, bel_2, bel_3, bel_4, bel_5",
                "4",
            ),
            ("surveys/teacher_collaboration", "S01", teacher_row, "tc_1, tc_2, tc_3, tc_4, tc_5", "2"),
        ]
    )
    messages = warnings.loc[warnings["check"] == "straight_lining"].set_index("value")["message"]
    assert messages["4"] == (
        "The same answer, \u201cAgree\u201d (4), to all 5 questions of \u201cSense of belonging at school\u201d, "
        "although some of them are asked the other way round, so the answers contradict each other; check that "
        "the survey was answered with care."
    )
    # ST06's all-neutral answers to the four peer-collaboration questions are flagged only when
    # four items count as a long scale
    long = check_quality(report, settings=QualitySettings(straight_lining_long_scale=4))
    assert ("S03", _climate_row(report, "ST06", "post"), "3") in {
        (school, row, value) for _, school, row, _, value in _found(long, "straight_lining")
    }
    assert len(_found(long, "straight_lining")) == 3


@pytest.mark.slow
def test_speeding(planted):
    report, warnings = planted
    assert _found(warnings, "speeding") == [
        ("surveys/student_climate", "S04", _climate_row(report, "ST07", "pre"), "started_at, submitted_at", "4"),
        ("surveys/student_climate", "S04", _climate_row(report, "ST08", "post"), "started_at, submitted_at", "90"),
    ]
    assert warnings.loc[warnings["check"] == "speeding", "message"].tolist() == [
        "9 items answered in 4 seconds (less than 200 seconds); the items may not have been read.",
        "9 items answered in 90 seconds (less than 200 seconds); the items may not have been read.",
    ]
    only_per_item = check_quality(report, settings=QualitySettings(speeding_median_fraction=0))
    assert [v for *_, v in _found(only_per_item, "speeding")] == ["4"]


@pytest.mark.slow
def test_duplicate_submission(planted):
    report, warnings = planted
    later, earlier = _climate_row(report, "ST12", "pre"), _climate_row(report, "ST11", "pre")
    assert _found(warnings, "duplicate_submission") == [
        ("surveys/student_climate", "S01", later, "respondent_id", "ST12")
    ]
    assert warnings.loc[warnings["check"] == "duplicate_submission", "message"].item() == (
        f"Exactly the same answers to all 9 items as respondent ST11 (row {earlier}) of the same school, "
        "submitted 3 minutes apart; the same response may have been entered twice."
    )


@pytest.mark.slow
def test_same_respondent_twice_is_quarantined_not_warned(tmp_path):
    tables = clean_tables()
    tables["surveys/student_climate"].append(dict(tables["surveys/student_climate"][0]))
    report = validate_data_dir(write_data_dir(tmp_path / "data", tables))
    assert set(report.failures["rule"]) == {"survey_key_unique"}
    assert check_quality(report).empty


@pytest.mark.slow
def test_clean_data_gives_no_warning(clean):
    warnings = check_quality(clean)
    assert tuple(warnings.columns) == WARNING_COLUMNS
    assert warnings.empty, warnings.to_string()


@pytest.mark.slow
def test_turkish_messages(planted):
    report, english = planted
    turkish = check_quality(report, language="tr")
    assert turkish.drop(columns="message").equals(english.drop(columns="message"))
    messages = dict(zip(turkish["check"], turkish["message"], strict=False))
    assert messages["missing_wave"] == (
        "S03 okulundan teacher_collaboration anketine ön test yanıtları gelmiş, ancak son test yanıtları yok."
    )
    assert messages["outlier"] == (
        "E22-PRE sınavında mathematics puanı 100; bu, okulunuzun bu dersteki öteki puanlarından çok farklı "
        "(puanların yarısı 47 puanın üstünde, yarısı altında). Doğru girilip girilmediğini kontrol edin."
    )
    with pytest.raises(ValueError, match="language 'de'"):
        check_quality(report, language="de")


def test_warning_text_fills_every_template():
    params = {
        "school_id": "S01",
        "instrument": "x",
        "present": "pre",
        "missing": "post",
        "wave": "post",
        "grade": 9,
        "n_roster": 3,
        "n_missing": 2,
        "n_low": 1,
        "n_high": 4,
        "low_wave": "post",
        "high_wave": "pre",
        "value": 1.5,
        "median": 2.0,
        "subject": "s",
        "exam_id": "e",
        "z": 4.0,
        "answer": "1",
        "n_items": 4,
        "scale": "a",
        "n_reverse": 1,
        "seconds": 3.0,
        "limit": 8.0,
        "other_id": "R1",
        "other_row": 5,
        "minutes": 2.5,
        "n_right": 7,
        "correct": 6,
        "header_row": 3,
        "title": "T",
        "partnership_id": "P1",
        "activity_no": 4,
        "status": "cancelled",
    }
    for language in LANGUAGES:
        keys = [
            key.removeprefix("quality.messages.")
            for key in catalogue(language).entries
            if key.startswith("quality.messages.")
        ]
        assert {key.partition(".")[0] for key in keys} == set(CHECKS)
        for key in keys:
            text = warning_text(key, params, language)
            assert "{" not in text and text.endswith(".")


@pytest.mark.parametrize(
    ("key", "count", "english"),
    [
        ("low_response", "n_low", "School S01 has 1 post-test response to the survey x but 4 pre-test responses;"),
        ("speeding", "seconds", "4 items answered in 1 second (less than 8 seconds);"),
        ("duplicate_submission", "minutes", "respondent R1 (row 5) of the same school, submitted 1 minute apart;"),
    ],
)
@pytest.mark.slow
def test_a_count_of_one_takes_the_singular(key, count, english):
    params = {
        "school_id": "S01",
        "instrument": "x",
        "n_low": 1,
        "n_high": 4,
        "low_wave": "post",
        "high_wave": "pre",
        "n_items": 4,
        "seconds": 1.0,
        "limit": 8.0,
        "other_id": "R1",
        "other_row": 5,
        "minutes": 1.0,
    }
    assert COUNTED[key] == count
    assert english in warning_text(key, params, "en")
    assert "2,5 dakika arayla" in warning_text("duplicate_submission", params | {"minutes": 2.5}, "tr")


def test_modified_z_matches_the_formula():
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 100.0, 5.0, 5.0, 7.0])
    groups = pd.Series([0, 0, 0, 0, 0, 1, 1, 1])
    stats = modified_z(values, groups)
    # group 0: median 3, |deviations| 2 1 0 1 97 -> MAD 1; group 1: median 5, MAD 0 (no z)
    assert stats["median"].tolist() == [3, 3, 3, 3, 3, 5, 5, 5]
    assert stats["z"].iloc[4] == pytest.approx(0.6745 * 97)
    assert stats["z"].iloc[5:].isna().all()


def test_settings_are_checked():
    with pytest.raises(ValueError, match="roster_not_tested_share"):
        QualitySettings(roster_not_tested_share=1.5)


# --- the demo programme --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_data):
    report = validate_data_dir(demo_data)
    return report, check_quality(report)


@pytest.mark.slow
def test_demo_warnings(demo):
    """The demo plants no school, wave or grade gaps (2% and 4% of students miss a wave, at
    random); its normal scores give a few outliers; its answer model (independent items around a
    trait near 3) gives many all-neutral scale blocks."""
    report, warnings = demo
    counts = warnings["check"].value_counts()
    assert (
        not warnings["check"]
        .isin(["missing_school", "missing_wave", "missing_grade", "roster_not_tested", "low_response", "speeding"])
        .any()
    )
    n_scores = len(report.accepted["exam_results"])
    assert 5 <= counts["outlier"] <= 0.002 * n_scores  # a normal has |z| > 3.5 with probability 0.0005
    exams = report.accepted["exam_results"]
    for record in warnings[warnings["check"] == "outlier"].itertuples():
        row = exams.loc[record.row]
        group = exams[
            (exams["school_id"] == row["school_id"])
            & (exams["exam_id"] == row["exam_id"])
            & (exams["subject"] == row["subject"])
        ]["score"]
        mad = (group - group.median()).abs().median()
        assert abs(0.6745 * (row["score"] - group.median()) / mad) > 3.5
    # straight-lining: counted again, scale by scale, with nunique: a response once, when one
    # answer to a scale contradicts its reverse-keyed items (not the middle answer 3) or the
    # scale has 8+ items (none in the demo)
    expected, all_neutral = 0, 0
    for table, instrument_id in (
        ("surveys/student_climate", "student_climate"),
        ("surveys/teacher_collaboration", "teacher_collaboration"),
    ):
        frame = report.accepted[table]
        instrument = load_instrument(instrument_id)
        flagged = pd.Series(False, index=frame.index)
        for items in instrument.scales.values():
            answers = frame[list(items)]
            same = (answers.nunique(axis=1) == 1) & answers.notna().all(axis=1)
            reversed_items = any(instrument.item(item).reverse for item in items)
            flagged |= same & ((reversed_items & (answers.iloc[:, 0] != 3)) | (len(items) >= 8))
            all_neutral += int((same & (answers.iloc[:, 0] == 3)).sum())
        expected += int(flagged.sum())
    assert counts["straight_lining"] == expected
    assert 0 < expected < all_neutral / 10  # the all-neutral responses were most of the old warnings
    # chance double submissions: identical answers within ten minutes at one school, at most a few
    climate = report.accepted["surveys/student_climate"]
    for record in warnings[warnings["check"] == "duplicate_submission"].itertuples():
        other = int(record.message.split("(row ")[1].split(")")[0])
        assert climate.loc[record.row, CLIMATE_ITEMS].equals(climate.loc[other, CLIMATE_ITEMS])
        gap = abs(climate.loc[record.row, "submitted_at"] - climate.loc[other, "submitted_at"])
        assert gap <= pd.Timedelta(minutes=10)
    assert counts.get("duplicate_submission", 0) <= 3


@pytest.mark.slow
def test_validate_writes_warnings(planted, tmp_path, capsys):
    report, expected = planted
    code = main(["validate", str(report.data_dir), "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    warnings = pd.read_csv(tmp_path / "out" / "restricted" / "warnings.csv", keep_default_na=False, dtype=str)
    assert code == 0
    assert list(warnings.columns) == list(WARNING_COLUMNS)
    assert warnings["message"].tolist() == expected["message"].tolist()
    assert (
        "17 data-quality warnings for review (the rows stay accepted): 1 header_row, 3 missing_school, 2 missing_wave, "
        "1 missing_grade, 2 roster_not_tested, 1 low_response, 1 outlier, 2 straight_lining, 2 speeding, "
        "1 duplicate_submission, 1 items_disagree"
    ) in out


@pytest.mark.slow
def test_linkage_summary_counts_ids_in_both_waves(tmp_path):
    from evaluation.validation.quality import LINKAGE_COLUMNS, linkage_summary

    tables = valid_tables()
    # ST01 loses its pre-test rows: 7 of the 8 students of the post wave were tested before
    tables["exam_results"] = [
        row for row in tables["exam_results"] if not (row["student_id"] == "ST01" and row["wave"] == "pre")
    ]
    report = validate_data_dir(write_data_dir(tmp_path / "data", tables))
    linkage = linkage_summary(report).set_index("table")
    assert list(linkage.reset_index().columns) == list(LINKAGE_COLUMNS)
    exams = linkage.loc["exam_results"]
    assert (exams["id_column"], exams["n_pre"], exams["n_post"], exams["n_linked"]) == ("student_id", 7, 8, 7)
    assert exams["linkage_rate"] == pytest.approx(7 / 8)
    assert set(linkage.index) == {"exam_results", *(key for key in report.tables if key.startswith("surveys/"))}
    code = main(["validate", str(report.data_dir), "--out", str(tmp_path / "out")])
    assert code == 0
    assert pd.read_csv(tmp_path / "out" / "shared" / "linkage.csv").loc[0, "n_linked"] == 7


@pytest.mark.slow
def test_item_responses_that_disagree_with_the_exam_counts(planted):
    _, warnings = planted
    assert _found(warnings, "items_disagree") == [("item_responses", "S01", 22, "score", "7")]
    message = warnings.loc[warnings["check"] == "items_disagree", "message"].iloc[0]
    assert "add up to 7" in message and "gives 6 correct answers" in message
