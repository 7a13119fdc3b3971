"""Data contracts and instrument definitions load, and make one GX expectation per rule."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml

from evaluation.config.instruments import find_instrument, load_instrument
from evaluation.errors import ContractError
from evaluation.resources import CONTRACTS_DIR, INSTRUMENTS_DIR
from evaluation.validation.contracts import contract_from_document, join_key, load_contract
from evaluation.validation.expectations import (
    add_reference_columns,
    build_suite,
    check_suite,
    expectation_config,
    import_great_expectations,
)
from evaluation.validation.surveys import survey_contract

TABLE_CONTRACTS = ["schools", "students", "exam_results", "activities", "indicators", "survey"]


def _rule_counts(suite) -> Counter:
    return Counter(expectation.meta["rule"] for expectation in suite.expectations)


@pytest.mark.parametrize("table", TABLE_CONTRACTS)
def test_bundled_contract_loads_as_odcs(table):
    document = yaml.safe_load((CONTRACTS_DIR / f"{table}.yaml").read_text(encoding="utf-8"))
    assert document["apiVersion"] == "v3.1.0"
    assert document["kind"] == "DataContract"
    assert document["status"] == "active"
    contract = load_contract(table)
    assert contract.table == table
    assert contract.source == CONTRACTS_DIR / f"{table}.yaml"
    assert len({rule.name for rule in contract.rules}) == len(contract.rules)


@pytest.mark.parametrize("table", TABLE_CONTRACTS)
def test_suite_holds_one_expectation_per_rule(table):
    contract = load_contract(table)
    suite = build_suite(contract)
    counts = _rule_counts(suite)
    assert counts == Counter({rule.name: 1 for rule in contract.static_rules})
    assert len(suite.expectations) == len(contract.static_rules)


def test_reference_rules_join_the_suite_when_their_values_are_given():
    contract = load_contract("exam_results")
    references = {"school_id_exists": {"S01", "S02"}, "student_school_matches_roster": {("ST01", "S01")}}
    suite = build_suite(contract, references)
    counts = _rule_counts(suite)
    assert counts["school_id_exists"] == 1
    assert counts["student_school_matches_roster"] == 1
    assert counts["student_id_exists"] == 0  # no roster given: not checked
    assert len(suite.expectations) == len(contract.static_rules) + 2
    by_rule = {expectation.meta["rule"]: expectation for expectation in suite.expectations}
    assert by_rule["school_id_exists"].column == "school_id_exists__not_found"


def test_reference_helper_columns_hold_the_keys_not_found():
    contract = load_contract("exam_results")
    frame = pd.DataFrame(
        {"school_id": ["S01", "S09", None], "student_id": ["ST01", "ST01", "ST02"]}, index=[2, 3, 4]
    )  # spreadsheet row numbers, as in the accepted frames
    keys = {
        "school_id_exists": pd.Index(["S01", "S02"]),
        "student_school_matches_roster": pd.Index([join_key(("ST01", "S01"))]),
    }
    helpers = add_reference_columns(frame, contract, keys)
    assert helpers["school_id_exists__not_found"].isna().tolist() == [True, False, True]
    assert helpers["school_id_exists__not_found"].iloc[1] == "S09"
    assert helpers["student_school_matches_roster__not_found"].isna().tolist() == [True, False, True]
    assert "student_id_exists__not_found" not in helpers  # no roster given: not checked


def test_exam_results_rule_names_and_messages():
    contract = load_contract("exam_results")
    names = {rule.name for rule in contract.rules}
    assert {
        "score_range",
        "score_type",
        "score_required",
        "wave_allowed_values",
        "exam_results_key_unique",
        "school_id_exists",
        "student_id_exists",
        "student_school_matches_roster",
        "answer_counts_add_up",
    } <= names
    assert contract.key == ("student_id", "exam_id", "subject")
    assert contract.rule("score_range").message == "must be between 0 and 100"
    assert contract.rule("wave_allowed_values").message == "must be one of pre, post"
    assert contract.rule("exam_results_key_unique").columns == ("student_id", "exam_id", "subject")
    assert set(contract.required_columns) == {"student_id", "school_id", "exam_id", "wave", "grade", "subject", "score"}


def test_schools_cross_field_rules():
    contract = load_contract("schools")
    names = {rule.name for rule in contract.rules}
    assert {
        "partner_needs_partnership",
        "control_has_no_partnership",
        "partnership_has_two_schools",
        "group_allowed_values",
        "school_id_unique",
        "country_pattern",
    } <= names
    assert contract.column("country").default == "TR"
    sex = load_contract("students").column("sex").canonical_values
    assert {sex[spelling] for spelling in ("K", "Kadın", "Kız")} == {"F"}
    assert {sex[spelling] for spelling in ("E", "Erkek")} == {"M"}


def _contract_document(extra_quality: list[dict]) -> dict:
    return {
        "apiVersion": "v3.1.0",
        "kind": "DataContract",
        "id": "test",
        "name": "scores",
        "version": "1.0.0",
        "status": "active",
        "schema": [
            {
                "name": "scores",
                "logicalType": "object",
                "properties": [
                    {
                        "name": "score",
                        "logicalType": "number",
                        "required": True,
                        "logicalTypeOptions": {"minimum": 0, "maximum": 100},
                    },
                    {"name": "bonus", "logicalType": "number"},
                ],
                "quality": extra_quality,
            }
        ],
    }


def _write_contract(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "scores.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("implementation", "reason"),
    [
        ({"expectation": "expect_column_values_to_be_wonderful", "kwargs": {"column": "score"}}, "not found"),
        ({"expectation": "expect_column_values_to_be_between", "kwargs": {"column": "score"}}, "min_value"),
        (
            {
                "expectation": "expect_column_values_to_be_between",
                "kwargs": {"column": "score", "min_value": 0, "colour": "red"},
            },
            "colour",
        ),
    ],
)
def test_malformed_custom_rule_raises_naming_file_and_rule(tmp_path, implementation, reason):
    rule = {
        "name": "bonus_is_wonderful",
        "type": "custom",
        "engine": "great-expectations",
        "description": "bonus must be wonderful",
        "implementation": implementation,
    }
    path = _write_contract(tmp_path, _contract_document([rule]))
    contract = load_contract(path)
    with pytest.raises(ContractError) as caught:
        build_suite(contract)
    message = str(caught.value)
    assert str(path) in message
    assert "bonus_is_wonderful" in message
    assert reason in message


def test_dropped_expectation_is_caught_by_the_suite_check(tmp_path, caplog):
    """GX logs and drops a malformed expectation given to a suite; check_suite must notice."""
    gx = import_great_expectations()
    rule = {
        "name": "bonus_is_wonderful",
        "type": "custom",
        "engine": "great-expectations",
        "implementation": {"expectation": "expect_column_values_to_be_wonderful", "kwargs": {"column": "bonus"}},
    }
    path = _write_contract(tmp_path, _contract_document([rule]))
    contract = load_contract(path)
    configs = [expectation_config(contract, r) for r in contract.static_rules]
    with caplog.at_level(logging.CRITICAL):
        suite = gx.ExpectationSuite(name="dropped", expectations=configs)
    assert len(suite.expectations) == len(configs) - 1  # GX silently dropped one
    with pytest.raises(ContractError) as caught:
        check_suite(contract, suite)
    assert str(path) in str(caught.value)
    assert "bonus_is_wonderful" in str(caught.value)


def test_check_suite_rejects_a_rule_given_twice():
    gx = import_great_expectations()
    contract = load_contract("indicators")
    configs = [expectation_config(contract, rule) for rule in contract.static_rules]
    suite = gx.ExpectationSuite(name="twice", expectations=[*configs, configs[0]])
    with pytest.raises(ContractError, match=contract.static_rules[0].name):
        check_suite(contract, suite)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda doc: doc["schema"][0]["quality"].append(
                {"type": "custom", "engine": "great-expectations", "implementation": {}}
            ),
            "needs a name",
        ),
        (lambda doc: doc["schema"][0]["properties"][0].update(logicalType="decimal"), "logicalType"),
        (
            lambda doc: doc["schema"][0]["properties"][1].update(
                quality=[
                    {
                        "name": "score_required",
                        "metric": "invalidValues",
                        "mustBe": 0,
                        "arguments": {"validValues": [1]},
                    }
                ]
            ),
            "score_required",
        ),
        (
            lambda doc: doc["schema"][0].update(
                relationships=[{"type": "foreignKey", "from": ["score", "bonus"], "to": ["other.a", "other.b"]}]
            ),
            "ruleName",
        ),
        (
            lambda doc: doc["schema"][0]["quality"].append(
                {
                    "name": "mystery",
                    "type": "custom",
                    "engine": "great-expectations",
                    "implementation": {
                        "expectation": "expect_column_values_to_not_be_null",
                        "kwargs": {"column": "nowhere"},
                    },
                }
            ),
            "nowhere",
        ),
        (
            lambda doc: doc["schema"][0]["properties"][1].update(
                quality=[{"name": "bonus_rows", "metric": "rowCount", "mustBeGreaterThan": 0}]
            ),
            "bonus_rows",
        ),
    ],
)
def test_malformed_contract_raises_contract_error(change, message):
    document = _contract_document([])
    change(document)
    with pytest.raises(ContractError, match=message):
        contract_from_document(document, source=Path("scores.yaml"))


def test_contract_error_is_a_value_error_with_exit_code_2(tmp_path):
    with pytest.raises(ValueError) as caught:
        load_contract(tmp_path / "missing.yaml")
    assert caught.value.exit_code == 2
    assert "missing.yaml" in str(caught.value)


# --- instruments --------------------------------------------------------------------------------


def test_bundled_instruments_load():
    climate = load_instrument("student_climate")
    assert climate.id == "student_climate"
    assert climate.role == "student"
    assert (climate.scale_min, climate.scale_max) == (1, 5)
    assert climate.labels["en"][0] == "Strongly disagree"
    assert len(climate.labels["tr"]) == 5
    assert climate.scales["belonging"] == ("bel_1", "bel_2", "bel_3", "bel_4", "bel_5")
    assert climate.reverse_items == ("bel_3", "bel_5", "col_3")
    assert climate.item("bel_1").text["tr"].startswith("Kendimi")
    assert climate.title["en"].startswith("School Climate")
    teachers = load_instrument(INSTRUMENTS_DIR / "teacher_collaboration.yaml")
    assert teachers.item_ids == ("tc_1", "tc_2", "tc_3", "tc_4", "tc_5")
    assert teachers.scales == {"collaboration": teachers.item_ids}


def test_data_dir_instrument_comes_before_the_bundled_one(tmp_path):
    folder = tmp_path / "instruments"
    folder.mkdir()
    document = yaml.safe_load((INSTRUMENTS_DIR / "student_climate.yaml").read_text(encoding="utf-8"))
    document["response_scale"] = {"min": 0, "max": 3}
    document["items"] = document["items"][:2]
    document["scales"] = [{"id": "belonging", "items": ["bel_1", "bel_2"]}]
    (folder / "student_climate.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    assert find_instrument("student_climate", tmp_path) == folder / "student_climate.yaml"
    local = load_instrument("student_climate", data_dir=tmp_path)
    assert (local.scale_min, local.scale_max) == (0, 3)
    assert local.item_ids == ("bel_1", "bel_2")
    assert load_instrument("student_climate").scale_max == 5


def test_unknown_or_malformed_instrument_raises(tmp_path):
    with pytest.raises(ContractError, match=r"no instrument definition parent_survey.yaml"):
        load_instrument("parent_survey", data_dir=tmp_path)
    bad = tmp_path / "broken.yaml"
    bad.write_text(
        "id: broken\nresponse_scale: {min: 1, max: 5}\nitems:\n  - {id: q1, scale: s}\n"
        "scales:\n  - {id: s, items: [q1, q2]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ContractError, match="unknown item 'q2'") as caught:
        load_instrument(bad)
    assert str(bad) in str(caught.value)


@pytest.mark.parametrize("instrument_id", ["student_climate", "teacher_collaboration"])
def test_survey_contract_adds_item_columns(instrument_id):
    instrument = load_instrument(instrument_id)
    contract = survey_contract(instrument)
    base = load_contract("survey")
    assert contract.columns == base.columns + instrument.item_ids
    for item_id in instrument.item_ids:
        prop = contract.column(item_id)
        assert prop.logical_type == "integer"
        assert (prop.minimum, prop.maximum) == (1, 5)
        assert not prop.required and prop.must_be_present
        assert contract.rule(f"{item_id}_range").message == "must be between 1 and 5"
    assert "survey_key_unique" in {rule.name for rule in contract.rules}
    suite = build_suite(contract)
    assert _rule_counts(suite) == Counter({rule.name: 1 for rule in contract.static_rules})
