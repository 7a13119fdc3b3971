"""The wording catalogues (evaluation/wording/<language>.yaml): every language has every key with
the same placeholders, every key the code asks for exists, and a language is added by adding its
file."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
import yaml

from evaluation.errors import MissingWordingError, WordingError
from evaluation.wording import FOLDER, LANGUAGES, catalogue, catalogues, label, languages, placeholders, plural, text

PACKAGE = Path(__file__).resolve().parents[2] / "evaluation"
GROUPS = {key.split(".")[0] for key in catalogue("en").entries}


def test_the_languages_are_the_catalogue_files():
    assert LANGUAGES == ("en", "tr") == languages()
    assert set(catalogues()) == set(LANGUAGES)


def test_every_language_has_every_key_with_the_same_placeholders():
    english = catalogue("en").entries
    for language in LANGUAGES:
        entries = catalogue(language).entries
        assert entries.keys() == english.keys(), language
        for key, entry in entries.items():
            assert type(entry) is type(english[key]) or (isinstance(entry, str) == isinstance(english[key], str)), key
            assert placeholders(entry) == placeholders(english[key]), (language, key)


def test_plural_entries_have_the_forms_of_their_locale():
    for language in LANGUAGES:
        found = catalogue(language)
        needed = {"other", *found.locale.plural_form.tags}
        plurals = {key: entry for key, entry in found.entries.items() if not isinstance(entry, str)}
        assert plurals, language
        for key, forms in plurals.items():
            assert needed <= set(forms), (language, key)
            assert all(isinstance(form, str) and form for form in forms.values()), (language, key)


def test_no_text_is_empty_and_no_sentence_is_written_twice():
    english = catalogue("en").entries
    seen: dict[tuple[str, ...], str] = {}
    for key, entry in english.items():
        if not isinstance(entry, str):
            continue
        texts = tuple(catalogue(language).entries[key] for language in LANGUAGES)
        assert all(text.strip() for text in texts), key
        if len(entry) >= 25:  # short words may coincide (a "low" resource level, a "low" attrition)
            assert texts not in seen, f"{key} repeats {seen.get(texts)}"
            seen[texts] = key


#: The functions that take a catalogue key as their first argument (``t``: validation/page.py's
#: ``partial(text, language=...)``).
_LOOKUPS = {"text", "plural", "has", "t"}


def _is_key(value: object) -> bool:
    return isinstance(value, str) and "." in value and value.split(".")[0] in GROUPS


def _keys_in_code() -> tuple[set[str], set[str]]:
    """Catalogue keys the package's code asks for: whole keys (``text("report.finding.higher", ...)``,
    the branches of ``"a" if x else "b"``, the values of a mapping of keys such as
    fix_lists._HEADERS) and key prefixes (the literal start of ``f"report.sections.{key}.heading"``)."""
    keys, prefixes = set(), set()

    def collect(node: ast.AST) -> None:
        if isinstance(node, ast.Constant) and _is_key(node.value):
            keys.add(node.value)
        elif isinstance(node, ast.IfExp):
            collect(node.body)
            collect(node.orelse)

    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name in _LOOKUPS:
                    collect(node.args[0])
            elif isinstance(node, ast.IfExp) and all(
                isinstance(branch, (ast.Constant, ast.IfExp)) for branch in (node.body, node.orelse)
            ):
                collect(node)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                if _is_key(node.values[0].value):
                    prefixes.add(node.values[0].value)
            elif (
                isinstance(node, ast.Dict)
                and node.values
                and all(isinstance(value, ast.Constant) and _is_key(value.value) for value in node.values)
            ):
                for value in node.values:
                    collect(value)
    return keys, prefixes


def test_every_key_the_code_asks_for_exists():
    keys, prefixes = _keys_in_code()
    entries = catalogue("en").entries
    assert len(keys) > 100 and prefixes
    assert sorted(key for key in keys if key not in entries) == []
    assert sorted(prefix for prefix in prefixes if not any(key.startswith(prefix) for key in entries)) == []


def test_every_key_of_the_catalogue_is_used():
    keys, prefixes = _keys_in_code()
    unused = [
        key
        for key in catalogue("en").entries
        if key not in keys and not any(key.startswith(prefix) for prefix in prefixes)
    ]
    assert unused == []


def test_a_missing_key_names_the_key_and_the_language():
    with pytest.raises(MissingWordingError, match=r"'report\.nothing' in the 'tr' catalogue") as raised:
        text("report.nothing", "tr")
    assert isinstance(raised.value, KeyError) and raised.value.key == "report.nothing"
    with pytest.raises(WordingError, match="language 'de' is not one of en, tr"):
        text("report.title", "de", programme="x", period="y")
    with pytest.raises(WordingError, match=r"report\.title needs a value for \{period\}"):
        text("report.title", "en", programme="x")
    with pytest.raises(WordingError, match="plural forms"):
        text("report.notes.warnings", "en")


def test_plural_forms_follow_the_count():
    assert plural("validation.fix_list.counts.rows", 1, "en") == "1 rejected row"
    assert plural("validation.fix_list.counts.rows", 0, "en") == "0 rejected rows"
    assert plural("validation.fix_list.counts.rows", 1234, "en") == "1,234 rejected rows"
    assert plural("validation.fix_list.counts.rows", 1234, "tr") == "1.234 reddedilen satır"
    assert plural("validation.rows", 2, "en", rows="22, 34") == "rows 22, 34"


def test_labels_fall_back_to_the_code():
    assert label("peer_collaboration", "tr") == "akran iş birliği"
    assert label("student", "en") == label("students", "en") == "students"
    assert label("some_new_code", "tr") == "some new code"


def _copy_catalogues(folder: Path) -> Path:
    for path in FOLDER.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    return folder


def test_a_third_language_is_one_more_catalogue_file(tmp_path):
    folder = _copy_catalogues(tmp_path)
    german = yaml.safe_load((folder / "en.yaml").read_text(encoding="utf-8"))
    german["report"]["sections"]["findings"]["heading"] = "Was wir gefunden haben"
    (folder / "de.yaml").write_text(yaml.safe_dump(german, allow_unicode=True), encoding="utf-8")
    assert languages(folder) == ("de", "en", "tr")
    assert set(catalogues(folder)) == {"de", "en", "tr"}
    assert catalogue("de", folder).text("report.sections.findings.heading") == "Was wir gefunden haben"
    assert catalogue("de", folder).plural("validation.fix_list.counts.rows", 1234) == "1.234 rejected rows"


def _write_with(folder: Path, language: str, change) -> Path:
    tree = yaml.safe_load((folder / f"{language}.yaml").read_text(encoding="utf-8"))
    change(tree)
    (folder / f"{language}.yaml").write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda tree: tree["report"]["finding"].pop("higher"), r"report\.finding\.higher: missing in tr\.yaml"),
        (
            lambda tree: tree["report"].update(title="{programme} {year}"),
            r"report\.title: placeholders differ: en \{period, programme\}; tr \{programme, year\}",
        ),
        (lambda tree: tree["evidence"]["table"].update(yes=True), r"tr\.yaml: evidence\.table\.yes is True"),
        (
            lambda tree: tree["report"]["notes"]["warnings"].pop("one"),
            r"report\.notes\.warnings: plural forms .* missing: one",
        ),
        (lambda tree: tree["report"]["notes"]["warnings"].update(few="x"), r"unknown: few"),
        (lambda tree: tree["report"].update(plan="{0} {"), r"tr\.yaml: report\.plan"),
    ],
)
def test_a_catalogue_that_breaks_the_schema_is_refused(tmp_path, change, message):
    folder = _write_with(_copy_catalogues(tmp_path), "tr", change)
    with pytest.raises(WordingError, match=message):
        catalogues(folder)


def test_a_file_not_named_after_a_locale_is_refused(tmp_path):
    folder = _copy_catalogues(tmp_path)
    shutil.copy(folder / "en.yaml", folder / "english.yaml")
    with pytest.raises(WordingError, match="'english' is not a locale"):
        catalogues(folder)


def test_the_command_offers_the_catalogues_languages():
    from evaluation.cli import build_parser

    parser = build_parser()
    validate = parser._subparsers._group_actions[0].choices["validate"]
    choices = next(action.choices for action in validate._actions if action.dest == "language")
    assert tuple(choices) == LANGUAGES
