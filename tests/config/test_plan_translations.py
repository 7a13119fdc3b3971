"""The plan's ``translations``: further languages of the report from the same run. Each is a language
the workbench speaks, not the plan's own, and named once; every problem is one line naming the key."""

from pathlib import Path

import pytest

from evaluation.config.plan import load_plan
from evaluation.errors import EXIT_BAD_PLAN, PlanError

GOOD = """programme: Test programme
period: 2022-2023
data: data
outcomes:
  - {id: mathematics, source: exam, subject: mathematics, domain: academic}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _refused(tmp_path: Path, text: str) -> tuple[Path, str]:
    path = _write(tmp_path, text)
    with pytest.raises(PlanError) as raised:
        load_plan(path)
    assert raised.value.exit_code == EXIT_BAD_PLAN
    return path, str(raised.value)


def test_no_translations_unless_the_plan_names_them(tmp_path):
    assert load_plan(_write(tmp_path, GOOD)).translations == ()
    assert load_plan(_write(tmp_path, GOOD + "translations: []\n")).translations == ()


def test_translations_are_read_in_the_plans_order(tmp_path):
    assert load_plan(_write(tmp_path, GOOD + "translations: [tr]\n")).translations == ("tr",)
    plan = load_plan(_write(tmp_path, GOOD + "language: tr\ntranslations: [en]\n"))
    assert (plan.language, plan.translations) == ("tr", ("en",))


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("translations: [de]", "translations[0] must be one of en, tr, found 'de'"),
        ("translations: tr", "translations must be a list of further languages of the report, such as [tr] (or [] "
         "for none), among en, tr, found 'tr'"),
        ("translations: [en]", "translations[0] is en, the plan's own language; list only the other languages the "
         "report is also written in"),
        ("language: tr\ntranslations: [en, tr]", "translations[1] is tr, the plan's own language; list only the "
         "other languages the report is also written in"),
        ("translations: [tr, tr]", "translations[1] lists tr a second time; name each language once"),
    ],
)  # fmt: skip
def test_a_wrong_translation_is_one_line_naming_the_key(tmp_path, lines, message):
    path, text = _refused(tmp_path, GOOD + lines + "\n")
    assert text == f"{path}: {message}"


def test_every_translation_problem_is_listed(tmp_path):
    path, text = _refused(tmp_path, GOOD + "language: tr\ntranslations: [tr, en, en]\n")
    assert text.splitlines() == [
        f"{path}: translations[0] is tr, the plan's own language; list only the other languages the report is "
        "also written in",
        f"{path}: translations[2] lists en a second time; name each language once",
    ]


def test_school_pages_are_on_unless_the_plan_says_false(tmp_path):
    assert load_plan(_write(tmp_path, GOOD)).school_pages is True
    assert load_plan(_write(tmp_path, GOOD + "school_pages: false\n")).school_pages is False


def test_school_pages_must_be_a_boolean(tmp_path):
    _, text = _refused(tmp_path, GOOD + 'school_pages: "no"\n')
    assert "school_pages" in text and "true" in text
