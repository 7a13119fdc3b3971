"""Survey instrument definitions are checked as strictly as the plan: wrong types, unknown keys and
entries that disagree are refused with one line per problem, as a ContractError (exit code 2)."""

from pathlib import Path

import pytest

from evaluation.cli import main
from evaluation.config.instruments import (
    EXPECTED,
    InstrumentDocument,
    ItemDocument,
    ResponseScaleDocument,
    ScaleDocument,
    find_instrument,
    load_instrument,
)
from evaluation.config.options import ROLES
from evaluation.errors import EXIT_UNREADABLE, ContractError
from evaluation.resources import INSTRUMENTS_DIR

from fixtures import valid_data_dir

GOOD = """id: wellbeing
title: {en: Wellbeing survey, tr: İyi oluş anketi}
role: student
response_scale:
  min: 1
  max: 4
  labels:
    en: [No, Rather no, Rather yes, Yes]
items:
  - {id: wb_1, scale: wellbeing, reverse: false, text: {en: I feel well at school.}}
  - {id: wb_2, scale: wellbeing, reverse: true, text: I often feel tired.}
scales:
  - {id: wellbeing, title: {en: Wellbeing}, items: [wb_1, wb_2]}
"""
INSTRUMENT_KEYS = "id, title, role, response_scale, items, scales"
ITEM_KEYS = "id, scale, reverse, text"


def refused(tmp_path: Path, text: str) -> tuple[Path, str]:
    path = tmp_path / "wellbeing.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContractError) as raised:
        load_instrument(path)
    assert raised.value.exit_code == EXIT_UNREADABLE == 2
    return path, str(raised.value)


def test_a_good_definition_loads(tmp_path):
    path = tmp_path / "wellbeing.yaml"
    path.write_text(GOOD, encoding="utf-8")
    instrument = load_instrument(path)
    assert (instrument.id, instrument.role, instrument.scale_min, instrument.scale_max) == (
        "wellbeing",
        "student",
        1,
        4,
    )
    assert instrument.title == {"en": "Wellbeing survey", "tr": "İyi oluş anketi"}
    assert instrument.labels == {"en": ("No", "Rather no", "Rather yes", "Yes")}  # No is text, not false
    assert instrument.item("wb_2").text == {"en": "I often feel tired."}  # plain text is the English text
    assert instrument.reverse_items == ("wb_2",)
    assert instrument.scales == {"wellbeing": ("wb_1", "wb_2")}
    assert instrument.scale_titles == {"wellbeing": {"en": "Wellbeing"}}
    assert instrument.source == path


@pytest.mark.parametrize("name", ["student_climate", "teacher_collaboration"])
def test_the_bundled_definitions_pass_the_schema(name):
    assert load_instrument(INSTRUMENTS_DIR / f"{name}.yaml").id == name


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "id: wellbeing\n",
            "id: 5\n",
            "id must be a snake_case id (lower-case letters, digits and _, starting with a "
            "letter), such as student_climate, found 5",
        ),
        (
            "id: wellbeing\n",
            "id: Wellbeing\n",
            "id must be a snake_case id (lower-case letters, digits and _, starting "
            "with a letter), such as student_climate, found 'Wellbeing'",
        ),
        (
            "title: {en: Wellbeing survey, tr: İyi oluş anketi}",
            "title: 5",
            "title must be text, or a mapping of language to text such as {en: ..., tr: ...}, found 5",
        ),
        (
            "title: {en: Wellbeing survey, tr: İyi oluş anketi}",
            "title: {en: Wellbeing survey, de: x}",
            "title.de: the key must be one of the languages en, tr, found 'de'",
        ),
        ("title: {en: Wellbeing survey,", "title: {en: 1,", "title.en must be text, found 1"),
        ("role: student", "role: pupil", f"role must be one of {', '.join(ROLES)}, found 'pupil'"),
        ("role: student", "role: [student]", f"role must be one of {', '.join(ROLES)}, found [student]"),
        ("  min: 1", "  min: true", "response_scale.min must be a whole number, found true"),
        ("  min: 1", "  min: '1'", "response_scale.min must be a whole number, found '1'"),
        ("  max: 4", "  max: 4.0", "response_scale.max must be a whole number, found 4.0"),
        (
            "  min: 1\n",
            "  min: 1\n  step: 1\n",
            "response_scale.step is not a key of response_scale (its keys are min, max, labels)",
        ),
        (
            "    en: [No, Rather no, Rather yes, Yes]",
            "    en: No",
            "response_scale.labels.en must be a list of labels, one per point of the scale, found 'No'",
        ),
        (
            "    en: [No, Rather no, Rather yes, Yes]",
            "    eng: [No, Rather no, Rather yes, Yes]",
            "response_scale.labels.eng: the key must be one of the languages en, tr, found 'eng'",
        ),
        ("reverse: true", "reverse: yes", "items[1].reverse (item wb_2) must be true or false, found 'yes'"),
        ("reverse: true", "reverse: 1", "items[1].reverse (item wb_2) must be true or false, found 1"),
        (
            "{id: wb_2,",
            "{id: 2,",
            "items[1].id must be a snake_case id (lower-case letters, digits and _, starting with "
            "a letter), such as bel_1, found 2",
        ),
        (
            "reverse: true,",
            "reverse: true, weight: 2,",
            f"items[1].weight (item wb_2) is not a key of an item (its keys are {ITEM_KEYS})",
        ),
        (
            "{id: wb_2,",
            "{1: x, id: wb_2,",
            f"items[1].1 (item wb_2) is not a key of an item (its keys are {ITEM_KEYS})",
        ),
        (
            "scale: wellbeing, reverse: true",
            "scale: 7, reverse: true",
            "items[1].scale (item wb_2) must be text naming a scale defined under scales (or left out), found 7",
        ),
        (
            "items: [wb_1, wb_2]",
            "items: wb_1",
            "scales[0].items (scale wellbeing) must be a list of at least one item id, such as [bel_1, bel_2], found "
            "'wb_1'",
        ),
        (
            "items: [wb_1, wb_2]",
            "items: []",
            "scales[0].items (scale wellbeing) must be a list of at least one item id, such as [bel_1, bel_2], found "
            "[]",
        ),
        (
            "title: {en: Wellbeing}, ",
            "label: x, ",
            "scales[0].label (scale wellbeing) is not a key of a scale (its keys are id, title, items)",
        ),
        ("scales:\n", "scale:\n", f"scale is not a key of an instrument definition (its keys are {INSTRUMENT_KEYS})"),
        (
            "role: student\n",
            "role: student\nversion: 2\n",
            f"version is not a key of an instrument definition (its keys are {INSTRUMENT_KEYS})",
        ),
    ],
)
def test_wrong_types_and_unknown_keys_are_refused(tmp_path, old, new, message):
    assert old in GOOD
    path, text = refused(tmp_path, GOOD.replace(old, new, 1))
    assert text == f"{path}: {message}"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  min: 1", "  min: 4", "response_scale.max must be above response_scale.min, found min 4 and max 4"),
        (
            "[No, Rather no, Rather yes, Yes]",
            "[No, Yes]",
            "response_scale.labels.en must have one label per point of the scale (4 from 1 to 4), found 2",
        ),
        (
            "{id: wb_2,",
            "{id: wb_1,",
            "items[1].id (item wb_1) is 'wb_1', the id of items[0] too; each item needs its own "
            "id\n{path}: scales[0].items[1] (scale wellbeing) names unknown item 'wb_2'; the items "
            "are wb_1",
        ),
        (
            "items: [wb_1, wb_2]",
            "items: [wb_1, wb_2, wb_3]",
            "scales[0].items[2] (scale wellbeing) names unknown item 'wb_3'; the items are wb_1, wb_2",
        ),
        (
            "scale: wellbeing, reverse: true",
            "scale: mood, reverse: true",
            "items[1].scale (item wb_2) is 'mood', which is not defined under scales (defined: wellbeing)",
        ),
        (
            "items: [wb_1, wb_2]",
            "items: [wb_1]",
            "items[1].scale (item wb_2) is 'wellbeing', but that scale's items do not list wb_2",
        ),
    ],
)
def test_entries_that_disagree_are_refused(tmp_path, old, new, message):
    path, text = refused(tmp_path, GOOD.replace(old, new, 1))
    assert text == f"{path}: " + message.replace("{path}", str(path))


def test_missing_keys_and_every_problem_on_its_own_line(tmp_path):
    path, text = refused(tmp_path, "id: wellbeing\nitems: []\nrole: 5\n")
    assert text.splitlines() == [
        f"{path}: role must be one of {', '.join(ROLES)}, found 5",
        f"{path}: response_scale is missing (expected a mapping such as {{min: 1, max: 5, labels: {{en: [...], "
        "tr: [...]}})",
        f"{path}: items must be a list of at least one item, such as [{{id: bel_1, scale: belonging, reverse: false, "
        "text: {en: ..., tr: ...}}], found []",
    ]


def test_yaml_the_loader_refuses_is_a_contract_error(tmp_path):
    path, text = refused(tmp_path, GOOD.replace("items:\n", "items: &items\n") + "extra: *items\n")
    assert text == (
        f"{path}: line 9: anchors (&name) and aliases (*name) are not allowed in the instrument "
        "definition; write each value out in full"
    )
    path, text = refused(tmp_path, GOOD + "role: teacher\n")
    assert text == f"{path}: line 14: the key role is written twice in one mapping (first on line 3); keep one"


def test_a_definition_named_for_another_id_is_refused(tmp_path):
    folder = tmp_path / "instruments"
    folder.mkdir()
    (folder / "mood.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(ContractError) as raised:
        load_instrument("mood", data_dir=tmp_path)
    assert str(raised.value) == f"{folder / 'mood.yaml'}: id must be mood, the file's name, found 'wellbeing'"


@pytest.mark.slow
def test_evaluation_validate_exits_2_on_a_malformed_definition(tmp_path, capsys):
    data = valid_data_dir(tmp_path)
    (data / "instruments").mkdir()
    definition = (INSTRUMENTS_DIR / "student_climate.yaml").read_text(encoding="utf-8")
    (data / "instruments" / "student_climate.yaml").write_text(
        definition.replace("reverse: true", "reverse: yes", 1), encoding="utf-8"
    )
    assert main(["validate", str(data)]) == EXIT_UNREADABLE == 2
    out, err = capsys.readouterr()
    assert err == (
        f"evaluation validate: {data / 'instruments' / 'student_climate.yaml'}: items[2].reverse "
        "(item bel_3) must be true or false, found 'yes'\n"
    )
    assert "Traceback" not in out + err


def test_every_key_of_the_schema_has_words_for_its_messages():
    paths: list[tuple] = [()] + [(name,) for name in InstrumentDocument.model_fields]
    paths += [("response_scale", name) for name in ResponseScaleDocument.model_fields]
    paths += [
        ("response_scale", "labels", "en"),
        ("response_scale", "labels", "en", 0),
        ("response_scale", "labels", "en", "[key]"),
    ]
    for entries, schema in (("items", ItemDocument), ("scales", ScaleDocument)):
        paths += [(entries, 0)] + [(entries, 0, name) for name in schema.model_fields]
    paths += [
        ("items", 0, "text", "en"),
        ("items", 0, "text", "en", "[key]"),
        ("scales", 0, "items", 0),
        ("title", "en"),
        ("title", "en", "[key]"),
        ("scales", 0, "title", "en"),
    ]
    assert [path for path in paths if EXPECTED.at(path) is None] == []


# --- an id names data, never a path ---------------------------------------------------------------


def not_an_id(value: str) -> str:
    return (
        f"{value!r} is not an instrument id: an id is lower-case letters, digits and _ (such as student_climate), "
        "never a path"
    )


@pytest.mark.parametrize(
    "instrument_id",
    ["../../../../../../etc/passwd", "/etc/passwd", "../instruments/student_climate", "Student_Climate", "a b", ""],
)
def test_an_id_that_is_a_path_is_refused_before_any_file_is_opened(tmp_path, instrument_id):
    for call in (lambda: load_instrument(instrument_id, data_dir=tmp_path), lambda: find_instrument(instrument_id)):
        with pytest.raises(ContractError) as raised:
            call()
        assert str(raised.value) == not_an_id(instrument_id)
        assert raised.value.exit_code == EXIT_UNREADABLE


def test_a_text_naming_an_existing_file_is_an_id_not_the_file(tmp_path):
    """Only a Path is read as a file; a text is an id, even when a file of that name exists."""
    path = tmp_path / "wellbeing.yaml"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(ContractError) as raised:
        load_instrument(str(path))
    assert str(raised.value) == not_an_id(str(path))
    assert load_instrument(path).id == "wellbeing"


def test_a_definition_linked_from_outside_the_data_folder_is_refused(tmp_path):
    outside = tmp_path / "elsewhere" / "wellbeing.yaml"
    outside.parent.mkdir()
    outside.write_text(GOOD, encoding="utf-8")
    data = tmp_path / "data"
    (data / "instruments").mkdir(parents=True)
    link = data / "instruments" / "wellbeing.yaml"
    link.symlink_to(outside)
    with pytest.raises(ContractError) as raised:
        load_instrument("wellbeing", data_dir=data)
    assert str(raised.value) == (
        f"{link}: a link to a file outside the data folder; the workbench reads only what is inside the data "
        "folder, so copy the definition into its instruments/ folder instead of linking to it"
    )
    (data / "mine").mkdir()
    (data / "mine" / "wellbeing.yaml").write_text(GOOD, encoding="utf-8")
    link.unlink()
    link.symlink_to(data / "mine" / "wellbeing.yaml")  # a link inside the data folder is fine
    assert load_instrument("wellbeing", data_dir=data).id == "wellbeing"
