"""What is wrong with a YAML document, one line per problem, from pydantic's validation errors.

The schemas (`evaluation.config.plan`, `evaluation.config.instruments`) are pydantic models; their
errors are turned here into sentences for the people who write the documents: the file, the key
path as written in the document (``outcomes[2].scale``, ``min_cell_size``), what is expected in
plain words and what was found, as YAML writes it (``true``, ``'grade'``, ``[grade, sex]``)::

    plan.yaml: min_cell_size must be a whole number of at least 1, found true
    plan.yaml: subgroups must be a list such as [grade, sex] (or [] for none), found 'grade'
    plan.yaml: outcomes[1].colour (outcome science) is not a key of an exam outcome (its keys are ...)

What is expected comes from a table of key-path patterns per schema (`Expected`); pydantic's own
wording never reaches the user.
"""

from __future__ import annotations

import math
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

#: Problems listed at most; the rest are counted.
MAX_PROBLEMS = 20
_MAX_SHOWN = 80
_PART = re.compile(r"\[\]|\[key\]|[^.\[\]]+")


def shown(value: Any) -> str:
    """A value as YAML would write it, shortened: ``true``, ``'no'``, ``5``, ``[grade, sex]``."""
    text = _shown(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _shown(value: Any, depth: int = 0) -> str:
    if depth > 3:
        return "..."
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, Mapping):
        items = list(value.items())
        inner = ", ".join(f"{key}: {_inner(item, depth)}" for key, item in items[:10])
        return "{" + inner + (", ..." if len(items) > 10 else "") + "}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_inner(item, depth) for item in value[:10])
        return "[" + inner + (", ..." if len(value) > 10 else "") + "]"
    return str(value)


def _inner(value: Any, depth: int) -> str:
    """A value inside a list or mapping: text without quotes where YAML needs none."""
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z_][\w-]*", value):
        return value
    return "null" if value is None else _shown(value, depth + 1)


def key_path(loc: tuple[Any, ...]) -> str:
    """``('outcomes', 2, 'scale')`` -> ``outcomes[2].scale``."""
    text = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _pattern_parts(loc: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple("[]" if isinstance(part, int) and not isinstance(part, bool) else str(part) for part in loc)


@dataclass(frozen=True)
class Expected:
    """What a schema expects at each key path, in plain words.

    ``words`` maps key-path patterns to the words after "must be": ``[]`` stands for any
    position in a list and ``*`` for any key of a mapping (``items[].text.*``); ``[key]`` after
    a pattern is what a mapping's keys must be. The first matching pattern wins; ``""`` is the
    document itself. ``name`` names the document in messages ("analysis plan").
    """

    name: str
    words: Mapping[str, str]

    def at(self, loc: tuple[Any, ...]) -> str | None:
        parts = _pattern_parts(loc)
        for pattern, words in self.words.items():
            wanted = tuple(_PART.findall(pattern))
            if len(wanted) == len(parts) and all(w in ("*", p) for w, p in zip(wanted, parts)):
                return words
        return None


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` inside ``model`` (None: not a model)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            current = _unwrapped(current, list)
        else:
            inner = _unwrapped(current, BaseModel)
            if inner is None or part not in inner.model_fields:
                return None
            current = inner.model_fields[part].annotation
    return _unwrapped(current, BaseModel)


def _unwrapped(annotation: Any, kind: type) -> Any:
    """The model class in ``annotation`` (kind BaseModel), or its list's element type (kind list),
    looking through ``Optional`` and ``Annotated``."""
    if kind is BaseModel and isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if kind is list and origin in (list, tuple):
        return typing.get_args(annotation)[0]
    if origin is typing.Annotated or origin is typing.Union or origin is types.UnionType:
        for arg in typing.get_args(annotation):
            found = _unwrapped(arg, kind)
            if found is not None:
                return found
    return None


def _what(model: type[BaseModel]) -> str:
    return getattr(model, "what", model.__name__)


def problem_lines(
    error: ValidationError,
    model: type[BaseModel],
    expected: Expected,
    label: str,
    prefix: tuple[Any, ...] = (),
    name_of: Callable[[tuple[Any, ...]], str | None] | None = None,
) -> list[str]:
    """One line per problem of ``error`` (raised by ``model``), each starting with ``label``.

    ``prefix`` is prepended to every key path (an outcome validated on its own is
    ``outcomes[2]``); ``name_of(loc)`` may name the entry a key path is in, as ``(outcome
    mathematics)``.
    """
    lines = []
    for problem in error.errors(include_url=False):
        loc, kind = tuple(problem["loc"]), problem["type"]
        of_key = bool(loc) and loc[-1] == "[key]"  # the key of a mapping is wrong (title: {de: ...})
        full = prefix + (loc[:-1] if of_key else loc)
        unknown = kind in ("extra_forbidden", "invalid_key")  # the last part is a key, even a number (1: x)
        if unknown:  # an invalid (not text) key's input is the key itself; its loc part may be 1 for true
            key = problem["input"] if kind == "invalid_key" else full[-1]
            where = ".".join(part for part in (key_path(full[:-1]), _key_text(key)) if part)
        else:
            where = key_path(full) or f"the {expected.name}"
        entry = name_of(full) if name_of else None
        if entry:
            where += f" ({entry})"
        if unknown:
            parent = _model_at(model, loc[:-1])
            keys = f" (its keys are {', '.join(parent.model_fields)})" if parent else ""
            lines.append(f"{label}: {where} is not a key of {_what(parent) if parent else 'this mapping'}{keys}")
            continue
        words = expected.at(prefix + loc) or expected.at(full) or problem["msg"].lower()
        if kind == "missing":
            lines.append(f"{label}: {where} is missing (expected {words})")
        elif of_key:
            lines.append(f"{label}: {where}: the key must be {words}, found {shown(problem['input'])}")
        else:
            lines.append(f"{label}: {where} must be {words}, found {shown(problem['input'])}")
    return lines


def _key_text(key: Any) -> str:
    """A mapping's key as YAML writes it: ``colour``, ``1``, ``true``, ``null``."""
    if isinstance(key, bool) or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    return str(key)


def joined(lines: list[str]) -> str:
    """The message of an error with several problems: the first `MAX_PROBLEMS` lines, then a count."""
    if len(lines) <= MAX_PROBLEMS:
        return "\n".join(lines)
    return "\n".join([*lines[:MAX_PROBLEMS], f"... and {len(lines) - MAX_PROBLEMS} more problems"])
