"""A sister school abroad (seed 004) passes the schools contract: it names its country, and its
province may be its region or empty; a school in Türkiye (country TR, or empty, read as TR) still
needs its province, and a country written otherwise than as a two-letter code is refused. The
refusal names the file, row, column and rule, in English and in Turkish."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.cli import main
from evaluation.errors import EXIT_OK
from evaluation.validation.validate import validate_data_dir
from evaluation.wording import text

from fixtures import valid_tables, write_data_dir

ABROAD = {
    "school_id": "GB-LCE-001",
    "school_name": "Kingsbridge Park Academy, Leicester",
    "province": "",
    "country": "GB",
    "school_type": "secondary school",
    "group": "partner",
    "partnership_id": "P1",
    "resource_level": "",
}
RULE = "province_required_in_turkey"

pytestmark = pytest.mark.slow  # validates whole data directories


def _data(tmp_path: Path, schools_changes: dict[int, dict[str, str]], abroad: bool = True) -> Path:
    tables = valid_tables()
    for row, changes in schools_changes.items():
        tables["schools"][row].update(changes)
    if abroad:
        tables["schools"].append(dict(ABROAD))
    return write_data_dir(tmp_path / "data", tables)


def test_a_school_abroad_without_a_province_is_accepted(tmp_path):
    report = validate_data_dir(_data(tmp_path, {}))
    assert report.exit_code == EXIT_OK
    schools = report.accepted["schools"].set_index("school_id")
    assert schools.loc["GB-LCE-001", "country"] == "GB"
    assert pd.isna(schools.loc["GB-LCE-001", "province"])
    assert schools.loc["S02", "country"] == "TR"  # the fixture's empty country is read as Türkiye


def test_a_school_in_turkey_without_a_province_is_refused_naming_file_row_column_and_rule(tmp_path):
    # S03 (row 4) says TR, S02 (row 3) leaves the country empty: both are schools in Türkiye
    report = validate_data_dir(_data(tmp_path, {1: {"province": ""}, 2: {"province": ""}}))
    assert report.exit_code == 1
    failures = report.failures[report.failures["rule"] == RULE]
    assert sorted(failures["row"]) == [3, 4]
    assert set(failures["file"]) == {"schools.csv"} and set(failures["column"]) == {"province"}
    assert sorted(failures["school_id"]) == ["S02", "S03"]
    assert set(report.accepted["schools"]["school_id"]) == {"S01", "S04", "GB-LCE-001"}


def test_a_country_that_is_not_a_two_letter_code_is_refused(tmp_path):
    report = validate_data_dir(_data(tmp_path, {3: {"country": "Türkiye"}}, abroad=False))
    failure = report.failures[report.failures["rule"] == "country_pattern"]
    assert list(failure["row"]) == [5] and list(failure["value"]) == ["Türkiye"]


def test_the_refusal_is_worded_in_english_and_turkish(tmp_path, capsys):
    data = _data(tmp_path, {2: {"province": ""}})
    assert main(["validate", str(data), "--out", str(tmp_path / "en")]) == 1
    assert f"schools.csv row 4, column province: found '', rule {RULE}" in capsys.readouterr().out
    rules = {language: text(f"validation.custom.{RULE}.rule", language) for language in ("en", "tr")}
    fixes = {language: text(f"validation.custom.{RULE}.fix", language) for language in ("en", "tr")}
    assert rules["en"] != rules["tr"] and "province" in fixes["tr"] and "il" in fixes["tr"]
    assert main(["validate", str(data), "--out", str(tmp_path / "tr"), "--language", "tr"]) == 1
    for language in ("en", "tr"):
        fix_list = (tmp_path / language / "restricted" / "fix-lists" / "S03.csv").read_text(encoding="utf-8-sig")
        assert fixes[language] in fix_list and RULE in fix_list
        other = fixes["tr" if language == "en" else "en"]
        assert other not in fix_list


def test_a_schools_file_without_the_province_column_is_still_refused_as_a_whole(tmp_path):
    tables = valid_tables()
    for row in tables["schools"]:
        row.pop("province")
    report = validate_data_dir(write_data_dir(tmp_path / "data", tables))
    failures = report.failures[report.failures["table"] == "schools"]
    assert list(failures["rule"]) == ["required_column"] and list(failures["column"]) == ["province"]
