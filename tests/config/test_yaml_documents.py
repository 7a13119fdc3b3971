"""The strict YAML loader of plans and instrument definitions: YAML 1.2 values, and one-line
refusals of anchors, aliases, tags, keys written twice, deep nesting, big or undecodable files."""

import math
import time
from pathlib import Path

import pytest

from evaluation.config.yaml_documents import MAX_BYTES, MAX_DEPTH, parse_yaml_document, read_yaml_document
from evaluation.errors import EXIT_BAD_PLAN, PlanError


def parse(text: str | bytes):
    return parse_yaml_document(text, "plan.yaml", "analysis plan", PlanError)


def refusal(text: str | bytes) -> str:
    with pytest.raises(PlanError) as raised:
        parse(text)
    assert raised.value.exit_code == EXIT_BAD_PLAN
    assert "\n" not in str(raised.value)
    return str(raised.value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),  # YAML 1.1 booleans stay text
        ("~", None),
        ("null", None),
        ("", None),
        ("10", 10),
        ("+5", 5),
        ("-3", -3),
        ("012", 12),  # decimal, not octal
        ("0x1F", "0x1F"),
        ("1_000", "1_000"),
        ("1:30", "1:30"),  # no hex, underscores or base 60
        ("0.05", 0.05),
        ("1e-3", 0.001),
        ("5.", 5.0),
        (".5", 0.5),
        (".inf", math.inf),
        ("-.inf", -math.inf),
        ("2022-09-01", "2022-09-01"),
        ("2022-2023", "2022-2023"),  # dates stay text
        ("'true'", "true"),
        ('"5"', "5"),
    ],
)
def test_plain_values_are_resolved_as_yaml_1_2_core(text, value):
    assert parse(f"key: {text}\n") == {"key": value}


def test_nan_is_a_float_and_an_empty_document_is_none():
    assert math.isnan(parse("key: .nan\n")["key"])
    assert parse("") is None and parse("# only a comment\n") is None


def test_a_byte_order_mark_is_read():
    assert parse("\ufeffkey: 1\n".encode("utf-8")) == {"key": 1}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: &x 1\nb: *x\n",
            "plan.yaml: line 1: anchors (&name) and aliases (*name) are not allowed in the analysis "
            "plan; write each value out in full",
        ),
        (
            "a: 1\nb: *x\n",
            "plan.yaml: line 2: anchors (&name) and aliases (*name) are not allowed in the analysis "
            "plan; write each value out in full",
        ),
        (
            "base: &base {a: 1}\nother:\n  <<: *base\n",
            "plan.yaml: line 1: anchors (&name) and aliases (*name) are not "
            "allowed in the analysis plan; write each value out in full",
        ),
        (
            "a: !!python/object/apply:os.system [ls]\n",
            "plan.yaml: line 1: tags such as !!python/object/apply:os.system "
            "are not allowed in the analysis plan; write the plain value",
        ),
        (
            "a: !!binary aGVsbG8=\n",
            "plan.yaml: line 1: tags such as !!binary are not allowed in the analysis plan; write the plain value",
        ),
        (
            "a: !!str 5\n",
            "plan.yaml: line 1: tags such as !!str are not allowed in the analysis plan; write the plain value",
        ),
        (
            "a:\n  - !custom {x: 1}\n",
            "plan.yaml: line 2: tags such as !custom are not allowed in the analysis plan; write the plain value",
        ),
        (
            "alpha: 0.05\nprogramme: x\nalpha: 0.01\n",
            "plan.yaml: line 3: the key alpha is written twice in one mapping (first on line 1); keep one",
        ),
        (
            "key: [unclosed\n",
            "plan.yaml: not valid YAML (line 2, column 1: while parsing a flow sequence, expected ',' "
            "or ']', but got '<stream end>')",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "plan.yaml: not valid YAML (line 2, column 1: expected a single document in the stream, "
            "but found another document)",
        ),
        (
            "a:\n\tb: 1\n",
            "plan.yaml: not valid YAML (line 2, column 1: while scanning for the next token, found "
            "character '\\t' that cannot start any token)",
        ),
        (
            "? [a, b]\n: 1\n",
            "plan.yaml: not valid YAML (line 1, column 3: while constructing a mapping, found unhashable key)",
        ),
        (
            "a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",
            "plan.yaml: line 1: nested more than 10 levels deep",
        ),
        (
            "a: ö\n".encode("cp1254"),
            "plan.yaml: not valid YAML (character 4 is #xf6, invalid start byte; the file must "
            "be UTF-8 text without control characters)",
        ),
    ],
)
def test_refusals_are_one_line(text, message):
    assert refusal(text) == message


def billion_laughs(key: str = "programme") -> str:
    """Ten levels of nine aliases each: 9**10 (3.5 billion) strings when expanded."""
    levels = ["&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"&l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return f"{key}: [" + ", ".join(levels) + "]\n"


def test_an_alias_bomb_is_refused_at_once():
    started = time.perf_counter()
    message = refusal(billion_laughs())
    assert time.perf_counter() - started < 1
    assert message == (
        "plan.yaml: line 1: anchors (&name) and aliases (*name) are not allowed in the analysis plan; "
        "write each value out in full"
    )


def test_big_files_are_refused_before_they_are_parsed(tmp_path: Path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * MAX_BYTES + "\n", encoding="utf-8")
    with pytest.raises(PlanError) as raised:
        read_yaml_document(path, "analysis plan", PlanError)
    assert str(raised.value) == f"{path}: the file is 200,004 bytes; the analysis plan may be at most 200,000 bytes"


def test_read_returns_the_document_and_its_bytes(tmp_path: Path):
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"a: 1\n")
    assert read_yaml_document(path, "analysis plan", PlanError) == ({"a": 1}, b"a: 1\n")
    with pytest.raises(PlanError) as raised:
        read_yaml_document(tmp_path / "nowhere.yaml", "analysis plan", PlanError)
    assert (
        str(raised.value) == f"{tmp_path / 'nowhere.yaml'}: cannot read the analysis plan (No such file or directory)"
    )
    with pytest.raises(PlanError, match=r"cannot read the analysis plan .Is a directory."):
        read_yaml_document(tmp_path, "analysis plan", PlanError)
