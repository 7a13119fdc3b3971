"""The item_responses contract: an optional table, each rule with a bad row, and Turkish wave
labels read as pre/post; a plan with a test outcome requires the table."""

from __future__ import annotations

import pytest

from evaluation.config.plan import Outcome, required_tables
from evaluation.errors import UnreadableInputError
from evaluation.validation.fix_instructions import RuleTexts
from evaluation.validation.validate import validate_data_dir
from evaluation.wording import text
from tests.fixtures import STUDENTS, valid_tables, write_data_dir

pytestmark = pytest.mark.slow  # each test validates a whole data directory (about 2 s)


def item_rows() -> list[dict[str, str]]:
    """Three items of an ethical-consumption test, pre and post, for every roster student."""
    rows = []
    for student in STUDENTS:
        for wave in ("Ön test", "post"):
            for number, score in enumerate(("1", "0", "1"), start=1):
                rows.append(
                    {
                        "test_id": "ethical_consumption",
                        "student_id": student["student_id"],
                        "school_id": student["school_id"],
                        "wave": wave,
                        "item": f"q{number}",
                        "score": score,
                        "max_score": "",
                    }
                )
    return rows


def run(tmp_path, rows, **kwargs):
    tables = {**valid_tables(), "item_responses": rows}
    return validate_data_dir(write_data_dir(tmp_path / "data", tables), **kwargs)


def failures(report, rule):
    table = report.failures
    return table[(table["table"] == "item_responses") & (table["rule"] == rule)]


def test_valid_item_responses_are_accepted_with_canonical_waves_and_default_max(tmp_path):
    rows = item_rows()
    report = run(tmp_path, rows)
    assert report.tables["item_responses"].n_accepted == len(rows) == 8 * 2 * 3
    accepted = report.accepted["item_responses"]
    assert set(accepted["wave"]) == {"pre", "post"}
    assert set(accepted["max_score"]) == {1.0}


@pytest.mark.parametrize(
    ("change", "rule", "value"),
    [
        ({"score": "2"}, "score_within_max", "2 / "),  # right/wrong item scored 2
        ({"score": "5", "max_score": "4"}, "score_within_max", "5 / 4"),
        ({"score": "-1"}, "score_range", "-1"),
        ({"wave": "midterm"}, "wave_allowed_values", "midterm"),
        ({"school_id": "S99"}, "school_id_exists", "S99"),
        ({"school_id": "S02"}, "student_school_matches_roster", "ST01 / S02"),
        ({"item": "q2"}, "item_responses_key_unique", "ethical_consumption / ST01 / Ön test / q2"),  # as written
        ({"max_score": "0"}, "max_score_range", "0"),
    ],
)
def test_each_rule_quarantines_its_bad_row(tmp_path, change, rule, value):
    rows = item_rows()
    rows[0].update(change)  # spreadsheet row 2: ST01 at S01, pre, q1
    report = run(tmp_path, rows)
    failed = failures(report, rule)
    assert 2 in set(failed["row"]), report.failures[["row", "rule", "value"]]
    assert value in set(failed["value"])
    for language in ("en", "tr"):
        instruction = RuleTexts(report, language).instruction(failed.iloc[0])
        assert instruction and "{" not in instruction
    if rule == "score_within_max":  # the catalogue's words, not the contract's description
        assert RuleTexts(report, "tr").instruction(failed.iloc[0]) == text(
            "validation.custom.score_within_max.fix", "tr"
        )


def test_an_item_has_one_max_score(tmp_path):
    rows = item_rows()
    for row in rows:
        if row["item"] == "q3":
            row["max_score"] = "2"
    rows[2]["max_score"] = "3"  # row 4: q3 of ST01's pre-test, where every other q3 has 2
    report = run(tmp_path, rows)
    assert list(failures(report, "one_max_per_item")["row"]) == [4]
    assert "max_score" in RuleTexts(report, "tr").statement("item_responses", "one_max_per_item")


def test_the_table_is_optional_and_required_by_a_test_outcome(tmp_path):
    data = write_data_dir(tmp_path / "data", valid_tables())
    assert "item_responses" not in validate_data_dir(data).tables
    outcome = Outcome(id="ethics", source="test", domain="citizenship", test="ethical_consumption")
    needed = required_tables((outcome,))
    assert needed == {"schools": (), "item_responses": ("ethics",)}
    with pytest.raises(UnreadableInputError, match=r"item_responses table is missing.*ethics needs it"):
        validate_data_dir(data, required=needed)


def test_turkish_headers_are_read(tmp_path):
    rows = [
        {"Test Kodu": r["test_id"], "Öğrenci No": r["student_id"], "Okul Kodu": r["school_id"], "Uygulama": r["wave"],
         "Soru No": r["item"], "Puan": r["score"], "Tam Puan": r["max_score"]}
        for r in item_rows()
    ]  # fmt: skip
    report = run(tmp_path, rows)
    assert report.tables["item_responses"].n_accepted == len(rows)
    assert set(report.accepted["item_responses"]["item"]) == {"q1", "q2", "q3"}
