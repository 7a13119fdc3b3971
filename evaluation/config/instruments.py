"""Survey instrument definitions (YAML): items, response scale, and the scales built from them.

A definition is looked up by id in the data directory's ``instruments/`` folder first, then among
the bundled ones (`evaluation.resources.INSTRUMENTS_DIR`). The data contract of a survey export
is built from its instrument by `evaluation.validation.surveys.survey_contract`.

An id names data, never a path: it is lower-case letters, digits and ``_`` (`INSTRUMENT_ID`),
and anything else is refused before a file is looked for (``../../etc/passwd`` is not an id). A
definition in the data directory that is a link to a file outside it is refused too.

Definitions are written by people, as plans are: `load_instrument` reads them with the strict YAML
loader (`evaluation.config.yaml_documents`) and checks them against `InstrumentDocument`
(pydantic, strict, unknown keys refused), then across entries (min below max, one label per
point, item ids unique, every scale's items defined, every item's scale defined and listing it).
A malformed definition raises `ContractError` (exit code 2, as a malformed data contract): the
definition belongs to the data directory, not to the plan (``evaluation validate`` reads it
without any plan), and the survey's data contract is generated from it, so a broken one leaves
the survey export unreadable rather than the analysis plan malformed. Every problem is one line
naming the file and the key path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError

from evaluation.config.options import LANGUAGES, ROLES, Language, Role
from evaluation.config.problems import Expected, joined, key_path, problem_lines
from evaluation.config.yaml_documents import read_yaml_document
from evaluation.errors import ContractError
from evaluation.resources import INSTRUMENTS_DIR

#: What an instrument id (and so the name of a survey file and of a definition file) must be.
INSTRUMENT_ID = r"[a-z0-9_]+"


@dataclass(frozen=True)
class Item:
    """One survey item: its column id, the scale it belongs to, and whether it is reverse-keyed."""

    id: str
    scale: str | None
    reverse: bool
    text: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Instrument:
    """A survey instrument definition."""

    id: str
    title: Mapping[str, str]
    role: str | None
    scale_min: int
    scale_max: int
    labels: Mapping[str, tuple[str, ...]]
    items: tuple[Item, ...]
    scales: Mapping[str, tuple[str, ...]]
    scale_titles: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    source: Path | None = None

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def reverse_items(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items if item.reverse)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def check_instrument_id(instrument_id: object) -> str:
    """``instrument_id`` when it is an instrument id (`INSTRUMENT_ID`); ContractError otherwise."""
    if not isinstance(instrument_id, str) or not re.fullmatch(INSTRUMENT_ID, instrument_id):
        raise ContractError(
            f"{instrument_id!r} is not an instrument id: an id is lower-case letters, digits and _ "
            "(such as student_climate), never a path"
        )
    return instrument_id


def find_instrument(instrument_id: str, data_dir: Path | None = None) -> Path | None:
    """The definition file of ``instrument_id``: the data directory's first, then the bundled one.

    Raises
    ------
    ContractError
        ``instrument_id`` is not an id (`INSTRUMENT_ID`), or the data directory's definition is a
        link to a file outside the data directory.
    """
    check_instrument_id(instrument_id)
    folders = ([Path(data_dir) / "instruments"] if data_dir is not None else []) + [INSTRUMENTS_DIR]
    for folder in folders:
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{instrument_id}{suffix}"
            if candidate.is_file():
                if data_dir is not None and folder != INSTRUMENTS_DIR:
                    _inside_data_dir(candidate, Path(data_dir))
                return candidate
    return None


def _inside_data_dir(path: Path, data_dir: Path) -> None:
    if not path.resolve().is_relative_to(data_dir.resolve()):
        raise ContractError(
            f"{path}: a link to a file outside the data folder; the workbench reads only what is inside the data "
            "folder, so copy the definition into its instruments/ folder instead of linking to it"
        )


def load_instrument(path_or_id: str | Path, data_dir: Path | None = None) -> Instrument:
    """Load an instrument definition from a file (a `Path`), or by id (a `str`, see `find_instrument`).

    Raises
    ------
    ContractError
        The id is not an id, no definition exists for it, or the definition is malformed (the
        message names the file and the entry).
    """
    if isinstance(path_or_id, Path):
        path = path_or_id
        expected_id = None
    else:
        found = find_instrument(check_instrument_id(path_or_id), data_dir)
        if found is None:
            where = f"{Path(data_dir) / 'instruments'} or {INSTRUMENTS_DIR}" if data_dir else str(INSTRUMENTS_DIR)
            raise ContractError(f"no instrument definition {path_or_id}.yaml in {where}")
        path, expected_id = found, str(path_or_id)
    document, _ = read_yaml_document(path, "instrument definition", ContractError)
    instrument = instrument_from_document(document, source=path)
    if expected_id is not None and instrument.id != expected_id:
        raise ContractError(f"{path}: id must be {expected_id}, the file's name, found {instrument.id!r}")
    return instrument


def instrument_title(instrument_id: str, language: str, data_dir: Path | None = None) -> str | None:
    """The title in `language` of the instrument `instrument_id` (the data folder's definition
    first, else the workbench's), None when there is no readable definition or no such title."""
    try:
        return load_instrument(instrument_id, data_dir).title.get(language)
    except ContractError:
        return None


# --- the schema ---------------------------------------------------------------------------------


def _english(value: Any) -> Any:
    """A plain text where texts per language are expected is the English one (``title: Survey``)."""
    return {"en": value} if isinstance(value, str) else value


Name = Annotated[str, StringConstraints(pattern=r"\S")]  # text that is not blank
SnakeCase = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Texts = Annotated[dict[Language, Name], BeforeValidator(_english)]


class _Schema(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    what: ClassVar[str] = "this mapping"


class ResponseScaleDocument(_Schema):
    what: ClassVar[str] = "response_scale"
    min: int
    max: int
    labels: dict[Language, list[Name]] = {}


class ItemDocument(_Schema):
    what: ClassVar[str] = "an item"
    id: SnakeCase
    scale: Name | None = None
    reverse: bool = False
    text: Texts = {}


class ScaleDocument(_Schema):
    what: ClassVar[str] = "a scale"
    id: Name
    title: Texts = {}
    items: Annotated[list[Name], Field(min_length=1)]


class InstrumentDocument(_Schema):
    """An instrument definition file's keys and their types."""

    what: ClassVar[str] = "an instrument definition"
    id: SnakeCase
    title: Texts = {}
    role: Role | None = None
    response_scale: ResponseScaleDocument
    items: Annotated[list[ItemDocument], Field(min_length=1)]
    scales: list[ScaleDocument] = []


_SNAKE = "a snake_case id (lower-case letters, digits and _, starting with a letter)"
_TEXTS = "text, or a mapping of language to text such as {en: ..., tr: ...}"
_LANGUAGE = f"one of the languages {', '.join(LANGUAGES)}"
_ITEM = "{id: bel_1, scale: belonging, reverse: false, text: {en: ..., tr: ...}}"

#: What each key must be, in the words of the messages ("items[2].reverse must be ...").
EXPECTED = Expected(
    "instrument definition",
    {
        "": "a YAML mapping with id, title, role, response_scale, items and scales",
        "id": f"{_SNAKE}, such as student_climate",
        "title": _TEXTS,
        "title.*[key]": _LANGUAGE,
        "title.*": "text",
        "role": f"one of {', '.join(ROLES)}",
        "response_scale": "a mapping such as {min: 1, max: 5, labels: {en: [...], tr: [...]}}",
        "response_scale.min": "a whole number",
        "response_scale.max": "a whole number",
        "response_scale.labels": "a mapping of language to a list of labels, such as {en: [Disagree, Agree]}",
        "response_scale.labels.*[key]": _LANGUAGE,
        "response_scale.labels.*": "a list of labels, one per point of the scale",
        "response_scale.labels.*[]": "text",
        "items": f"a list of at least one item, such as [{_ITEM}]",
        "items[]": f"a mapping such as {_ITEM}",
        "items[].id": f"{_SNAKE}, such as bel_1",
        "items[].scale": "text naming a scale defined under scales (or left out)",
        "items[].reverse": "true or false",
        "items[].text": _TEXTS,
        "items[].text.*[key]": _LANGUAGE,
        "items[].text.*": "text",
        "scales": "a list such as [{id: belonging, items: [bel_1, bel_2]}] (or [] for none)",
        "scales[]": "a mapping such as {id: belonging, title: {en: ..., tr: ...}, items: [bel_1, bel_2]}",
        "scales[].id": "text naming the scale, such as belonging",
        "scales[].title": _TEXTS,
        "scales[].title.*[key]": _LANGUAGE,
        "scales[].title.*": "text",
        "scales[].items": "a list of at least one item id, such as [bel_1, bel_2]",
        "scales[].items[]": "text: the id of an item",
    },
)


def instrument_from_document(document: Any, source: Path | None = None) -> Instrument:
    """Check a parsed definition and build the `Instrument`; raise ContractError with one line
    per problem, naming the file (``source``) and the key path."""
    label = str(source) if source else "instrument definition"

    def name_of(loc: tuple[Any, ...]) -> str | None:
        if len(loc) > 1 and loc[0] in ("items", "scales") and isinstance(loc[1], int) and isinstance(document, dict):
            entries = document.get(loc[0])
            entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
            entry_id = entry.get("id") if isinstance(entry, dict) else None
            return f"{loc[0][:-1]} {entry_id}" if isinstance(entry_id, str) and entry_id.strip() else None
        return None

    try:
        checked = InstrumentDocument.model_validate(document)
    except ValidationError as error:
        raise ContractError(
            joined(problem_lines(error, InstrumentDocument, EXPECTED, label, name_of=name_of))
        ) from None
    problems = [f"{label}: {line}" for line in _cross_problems(checked, name_of)]
    if problems:
        raise ContractError(joined(problems))
    scale = checked.response_scale
    return Instrument(
        id=checked.id,
        title=dict(checked.title),
        role=checked.role,
        scale_min=scale.min,
        scale_max=scale.max,
        labels={lang: tuple(texts) for lang, texts in scale.labels.items()},
        items=tuple(Item(item.id, item.scale, item.reverse, dict(item.text)) for item in checked.items),
        scales={entry.id: tuple(entry.items) for entry in checked.scales},
        scale_titles={entry.id: dict(entry.title) for entry in checked.scales},
        source=source,
    )


def _cross_problems(checked: InstrumentDocument, name_of: Any) -> list[str]:
    """What the schema cannot see: the entries' agreement with each other."""

    def where(*loc: Any) -> str:
        entry = name_of(loc)
        return key_path(loc) + (f" ({entry})" if entry else "")

    problems = []
    low, high = checked.response_scale.min, checked.response_scale.max
    if low >= high:
        problems.append(f"response_scale.max must be above response_scale.min, found min {low} and max {high}")
    points = high - low + 1
    for lang, texts in checked.response_scale.labels.items():
        if low < high and len(texts) != points:
            problems.append(
                f"response_scale.labels.{lang} must have one label per point of the scale ({points} from "
                f"{low} to {high}), found {len(texts)}"
            )
    item_ids = [item.id for item in checked.items]
    scale_ids = [entry.id for entry in checked.scales]
    for position, item_id in enumerate(item_ids):
        first = item_ids.index(item_id)
        if first < position:
            problems.append(
                f"{where('items', position, 'id')} is {item_id!r}, the id of items[{first}] too; "
                "each item needs its own id"
            )
    for position, scale_id in enumerate(scale_ids):
        if scale_ids.index(scale_id) < position:
            problems.append(
                f"{where('scales', position, 'id')} is {scale_id!r}, the id of "
                f"scales[{scale_ids.index(scale_id)}] too; each scale needs its own id"
            )
    members = {entry.id: entry.items for entry in checked.scales}
    for position, entry in enumerate(checked.scales):
        for index, member in enumerate(entry.items):
            if member not in item_ids:
                problems.append(
                    f"{where('scales', position, 'items', index)} names unknown item {member!r}; "
                    f"the items are {', '.join(dict.fromkeys(item_ids))}"
                )
    for position, item in enumerate(checked.items):
        if item.scale is not None and item.scale not in members:
            defined = ", ".join(scale_ids) or "none"
            problems.append(
                f"{where('items', position, 'scale')} is {item.scale!r}, which is not defined under scales "
                f"(defined: {defined})"
            )
        elif item.scale is not None and item.id not in members[item.scale]:
            problems.append(
                f"{where('items', position, 'scale')} is {item.scale!r}, but that scale's items do not list {item.id}"
            )
    return problems
