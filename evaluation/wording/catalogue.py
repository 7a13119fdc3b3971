"""The catalogues: one YAML file per language beside this module (``en.yaml``, ``tr.yaml``), read
once and checked against the catalogue schema.

A catalogue is a tree of groups (``report``, ``evidence``, ``validation`` ...) whose leaves are
either a text or a set of plural forms. A key is the path to a leaf, dotted
(``report.sections.findings.heading``). Texts are whole sentences (or headers, or words) with
named placeholders in braces (``{outcome}``, ``{n}``), filled by `str.format`; each language
orders the placeholders and chooses its own case endings and word forms around them. Plural forms
are a mapping of CLDR plural categories to texts: ``one`` and ``other`` in English and Turkish,
and ``zero``, ``two``, ``few`` or ``many`` as well in a language whose locale has them; Babel
chooses the category of a count in the language's locale.

The schema, checked when the catalogues are loaded:

- every leaf is a text, or plural forms with exactly the categories the locale uses (``other``
  and, in English and Turkish, ``one``);
- every catalogue has the same keys, each a text in all of them or plural in all of them;
- a key has the same placeholders in every language (for plural forms: those of all its forms).

The languages are the catalogue files present: adding a language is adding its file.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType

import yaml
from babel.core import Locale, UnknownLocaleError
from babel.numbers import format_decimal

from evaluation.errors import MissingWordingError, WordingError

#: The folder of the workbench's catalogues.
FOLDER = Path(__file__).resolve().parent
#: CLDR plural categories, in CLDR's order.
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
_KEY_PART = re.compile(r"^[a-z][a-z0-9_]*$")


def languages(folder: Path = FOLDER) -> tuple[str, ...]:
    """The languages of the catalogue files in ``folder`` (``en.yaml`` -> ``en``), sorted."""
    return tuple(sorted(path.stem for path in Path(folder).glob("*.yaml")))


#: The languages the workbench speaks: one per catalogue file of `FOLDER`.
LANGUAGES = languages()


@dataclass(frozen=True)
class Catalogue:
    """The words of one language: dotted key -> text (str) or plural forms (category -> text)."""

    language: str
    path: Path
    locale: Locale
    entries: Mapping[str, str | Mapping[str, str]]

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def _entry(self, key: str) -> str | Mapping[str, str]:
        try:
            return self.entries[key]
        except KeyError:
            raise MissingWordingError(key, self.language, self.path) from None

    def text(self, key: str, **values: object) -> str:
        """The text of ``key`` with its placeholders filled from ``values``."""
        return self.fill(key, self.template(key), values)

    def plural(self, key: str, n: int | float | Decimal, /, **values: object) -> str:
        """The plural form of ``key`` for the count ``n`` (its CLDR category in this language),
        filled from ``values``; ``{n}`` is ``n`` written in the language's way unless ``values``
        give it."""
        return self.fill(key, self.template(key, n), {"n": self.written_count(n), **values})

    def template(self, key: str, n: int | float | Decimal | None = None) -> str:
        """The text of ``key`` before its placeholders are filled: the single text, or with a count
        ``n`` the plural form of ``n`` (for a filler that escapes values, as the report's does)."""
        entry = self._entry(key)
        if n is None and not isinstance(entry, str):
            raise WordingError(f"{self.path.name}: {key} has plural forms; ask for it with plural(key, n, ...)")
        if n is not None and isinstance(entry, str):
            raise WordingError(f"{self.path.name}: {key} is a single text; ask for it with text(key, ...)")
        return entry if isinstance(entry, str) else entry.get(self.locale.plural_form(n), entry["other"])

    def written_count(self, n: int | float | Decimal) -> str:
        """The count ``n`` as a plural form's ``{n}`` shows it."""
        return format_decimal(n, locale=self.locale, decimal_quantization=False)

    def fill(self, key: str, template: str, values: Mapping[str, object]) -> str:
        """``template`` (the text of ``key``) with its placeholders filled from ``values``."""
        try:
            return template.format_map(values)
        except KeyError as missing:
            raise WordingError(
                f"{self.path.name}: {key} needs a value for {{{missing.args[0]}}} "
                f"(given: {', '.join(sorted(values)) or 'none'})"
            ) from None


def placeholders(entry: str | Mapping[str, str]) -> frozenset[str]:
    """The named placeholders of a text, or of all the forms of a plural entry."""
    templates = [entry] if isinstance(entry, str) else list(entry.values())
    return frozenset(
        name for template in templates for _, name, _, _ in string.Formatter().parse(template) if name is not None
    )


@cache
def catalogues(folder: Path = FOLDER) -> Mapping[str, Catalogue]:
    """Every catalogue of ``folder``, keyed by language, read once and checked against the schema
    (see the module's docstring); raises `WordingError` naming the file and key of a problem."""
    folder = Path(folder)
    found = {language: _read(folder / f"{language}.yaml") for language in languages(folder)}
    if not found:
        raise WordingError(f"{folder}: no catalogue (a file <language>.yaml) in this folder")
    _check_same_keys(found)
    return MappingProxyType(found)


@cache
def catalogue(language: str, folder: Path = FOLDER) -> Catalogue:
    """The catalogue of ``language``; `WordingError` (a ValueError) when there is none."""
    found = catalogues(Path(folder))
    if language not in found:
        raise WordingError(
            f"language {language!r} is not one of {', '.join(found)} (a language is spoken "
            f"when its catalogue {Path(folder) / (str(language) + '.yaml')} exists)"
        )
    return found[language]


def _read(path: Path) -> Catalogue:
    try:
        locale = Locale.parse(path.stem)
    except (ValueError, UnknownLocaleError):
        raise WordingError(
            f"{path}: {path.stem!r} is not a locale Babel knows; name the file after one (tr.yaml)"
        ) from None
    try:
        tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise WordingError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(tree, dict):
        raise WordingError(f"{path}: a catalogue is a mapping of groups to texts")
    required = {"other", *locale.plural_form.tags}
    entries: dict[str, str | Mapping[str, str]] = {}

    def walk(node: dict, prefix: str) -> None:
        for name, value in node.items():
            key = f"{prefix}{name}"
            if not isinstance(name, str) or not _KEY_PART.match(name):
                raise WordingError(f"{path.name}: {key}: a key part is lower-case letters, digits and _")
            if isinstance(value, str):
                entries[key] = value
            elif isinstance(value, dict) and ("one" in value or "other" in value):
                entries[key] = _plural_forms(path, key, value, required)
            elif isinstance(value, dict) and value:
                walk(value, f"{key}.")
            else:
                raise WordingError(
                    f"{path.name}: {key} is {value!r}: a text (quote it if YAML reads it as "
                    f"something else), plural forms or a group of keys is expected"
                )

    walk(tree, "")
    for key, entry in entries.items():
        try:
            placeholders(entry)
        except ValueError as error:
            raise WordingError(f"{path.name}: {key}: {error} (write a literal brace as {{{{ or }}}})") from None
        bad = [name for name in placeholders(entry) if not name.isidentifier()]
        if bad:
            raise WordingError(f"{path.name}: {key}: placeholders are names ({{outcome}}), found {{{bad[0]}}}")
    return Catalogue(path.stem, path, locale, MappingProxyType(entries))


def _plural_forms(path: Path, key: str, forms: dict, required: set[str]) -> Mapping[str, str]:
    unknown = set(forms) - required
    missing = required - set(forms)
    if unknown or missing:
        raise WordingError(
            f"{path.name}: {key}: plural forms are keyed by the CLDR categories "
            f"{', '.join(sorted(required, key=PLURAL_CATEGORIES.index))} of {path.stem!r}"
            + (f"; unknown: {', '.join(sorted(map(str, unknown)))}" if unknown else "")
            + (f"; missing: {', '.join(sorted(missing))}" if missing else "")
        )
    if not all(isinstance(text, str) for text in forms.values()):
        raise WordingError(f"{path.name}: {key}: every plural form is a text")
    return MappingProxyType(dict(forms))


def _check_same_keys(found: dict[str, Catalogue]) -> None:
    """Every catalogue has the keys of the others, of the same kind, with the same placeholders."""
    every = sorted({key for catalogue in found.values() for key in catalogue.entries})
    problems = []
    for key in every:
        present = {language: c.entries[key] for language, c in found.items() if key in c.entries}
        missing = [language for language in found if language not in present]
        if missing:
            problems.append(f"{key}: missing in {', '.join(f'{language}.yaml' for language in missing)}")
            continue
        kinds = {language: "text" if isinstance(entry, str) else "plural" for language, entry in present.items()}
        if len(set(kinds.values())) > 1:
            problems.append(f"{key}: " + ", ".join(f"{kind} in {language}" for language, kind in kinds.items()))
            continue
        names = {language: placeholders(entry) for language, entry in present.items()}
        if len(set(names.values())) > 1:
            problems.append(
                f"{key}: placeholders differ: "
                + "; ".join(f"{language} {{{', '.join(sorted(n))}}}" for language, n in names.items())
            )
    if problems:
        shown = "\n  ".join(problems[:20]) + (f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else "")
        raise WordingError(f"the catalogues of {next(iter(found.values())).path.parent} do not match:\n  {shown}")
