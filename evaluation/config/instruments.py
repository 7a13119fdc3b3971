"""Survey instrument definitions (YAML): items, response scale, and the scales built from them.

A definition is looked up by id in the data directory's ``instruments/`` folder first, then among
the bundled ones (`evaluation.resources.INSTRUMENTS_DIR`). The data contract of a survey export
is built from its instrument by `evaluation.validation.surveys.survey_contract`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from evaluation.errors import ContractError
from evaluation.resources import INSTRUMENTS_DIR

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


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


def find_instrument(instrument_id: str, data_dir: Path | None = None) -> Path | None:
    """The definition file of ``instrument_id``: the data directory's first, then the bundled one."""
    folders = ([Path(data_dir) / "instruments"] if data_dir is not None else []) + [INSTRUMENTS_DIR]
    for folder in folders:
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{instrument_id}{suffix}"
            if candidate.is_file():
                return candidate
    return None


def load_instrument(path_or_id: str | Path, data_dir: Path | None = None) -> Instrument:
    """Load an instrument definition from a YAML path, or by id (see `find_instrument`).

    Raises
    ------
    ContractError
        No definition exists for the id, or the definition is malformed (the message names the
        file and the entry).
    """
    candidate = Path(path_or_id)
    if candidate.suffix in (".yaml", ".yml") or candidate.is_file():
        path = candidate
        expected_id = None
    else:
        found = find_instrument(str(path_or_id), data_dir)
        if found is None:
            where = f"{Path(data_dir) / 'instruments'} or {INSTRUMENTS_DIR}" if data_dir else str(INSTRUMENTS_DIR)
            raise ContractError(f"no instrument definition {path_or_id}.yaml in {where}")
        path, expected_id = found, str(path_or_id)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContractError(f"{path}: no such instrument definition") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        reason = " ".join(str(error).split())
        raise ContractError(f"{path}: cannot read the instrument definition ({reason})") from None
    instrument = instrument_from_document(document, source=path)
    if expected_id is not None and instrument.id != expected_id:
        raise ContractError(f"{path}: the file is named {expected_id} but defines instrument {instrument.id!r}")
    return instrument


def _texts(value: Any) -> dict[str, str]:
    if isinstance(value, Mapping):
        return {str(lang): str(text) for lang, text in value.items()}
    return {} if value is None else {"en": str(value)}


def instrument_from_document(document: Any, source: Path | None = None) -> Instrument:
    """Build an `Instrument` from a parsed definition; raise ContractError naming what is wrong."""
    label = str(source) if source else "instrument definition"

    def fail(message: str) -> ContractError:
        return ContractError(f"{label}: {message}")

    if not isinstance(document, Mapping):
        raise fail("not an instrument definition (expected a mapping)")
    instrument_id = document.get("id")
    if not isinstance(instrument_id, str) or not _ID.match(instrument_id):
        raise fail(f"id must be snake_case (found {instrument_id!r})")
    scale = document.get("response_scale")
    if not isinstance(scale, Mapping):
        raise fail("response_scale with min and max is missing")
    low, high = scale.get("min"), scale.get("max")
    if not all(isinstance(bound, int) and not isinstance(bound, bool) for bound in (low, high)) or low >= high:
        raise fail(f"response_scale min and max must be integers with min < max (found {low!r}, {high!r})")
    labels = {str(lang): tuple(str(text) for text in texts) for lang, texts in (scale.get("labels") or {}).items()}
    for lang, texts in labels.items():
        if len(texts) != high - low + 1:
            raise fail(f"response_scale labels ({lang}) has {len(texts)} labels for {high - low + 1} points")

    raw_items = document.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise fail("items is missing or empty")
    items: list[Item] = []
    for raw in raw_items:
        item_id = raw.get("id") if isinstance(raw, Mapping) else None
        if not isinstance(item_id, str) or not _ID.match(item_id):
            raise fail(f"every item needs a snake_case id (found {raw!r})")
        if item_id in {item.id for item in items}:
            raise fail(f"item {item_id} is defined twice")
        reverse = raw.get("reverse", False)
        if not isinstance(reverse, bool):
            raise fail(f"item {item_id}: reverse must be true or false")
        items.append(Item(item_id, raw.get("scale"), reverse, _texts(raw.get("text"))))

    scales: dict[str, tuple[str, ...]] = {}
    titles: dict[str, dict[str, str]] = {}
    item_ids = {item.id for item in items}
    for raw in document.get("scales") or []:
        scale_id = raw.get("id") if isinstance(raw, Mapping) else None
        members = raw.get("items") if isinstance(raw, Mapping) else None
        if not isinstance(scale_id, str) or not isinstance(members, list) or not members:
            raise fail(f"every scale needs an id and a list of items (found {raw!r})")
        unknown = [member for member in members if member not in item_ids]
        if unknown:
            raise fail(f"scale {scale_id} lists unknown item {unknown[0]!r}")
        scales[scale_id] = tuple(members)
        titles[scale_id] = _texts(raw.get("title"))
    for item in items:
        if item.scale is not None and item.scale not in scales:
            raise fail(f"item {item.id} belongs to scale {item.scale!r}, which is not defined under scales")
        if item.scale is not None and item.id not in scales[item.scale]:
            raise fail(f"item {item.id} names scale {item.scale} but the scale does not list it")
    return Instrument(
        id=instrument_id,
        title=_texts(document.get("title")),
        role=document.get("role"),
        scale_min=low,
        scale_max=high,
        labels=labels,
        items=tuple(items),
        scales=scales,
        scale_titles=titles,
        source=source,
    )
