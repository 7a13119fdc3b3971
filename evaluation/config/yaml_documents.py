"""One safe way to read the YAML documents people write for the workbench: the analysis plan and
the survey instrument definitions (data contracts follow ODCS and keep their own reader,
`evaluation.validation.contracts`).

`read_yaml_document` reads a file of at most `MAX_BYTES` and parses it with a loader that is
stricter than PyYAML's ``safe_load``:

- anchors (``&name``) and aliases (``*name``) are refused, so a document cannot refer to itself or
  multiply one value into billions (the "billion laughs" alias bomb);
- explicit tags (``!!python/object``, ``!!binary``, ``!custom``) are refused;
- a key written twice in one mapping is refused (PyYAML keeps the last one silently);
- nesting deeper than `MAX_DEPTH` levels is refused;
- plain values are resolved as in YAML 1.2's core schema, not YAML 1.1's: only ``true`` and
  ``false`` (also ``True``, ``TRUE``, ``False``, ``FALSE``) are booleans, so ``yes``, ``no``,
  ``on`` and ``off`` stay text; ``~``, ``null`` and an empty value are null; whole numbers are
  decimal (``012`` is 12, not octal 10; no ``1_000``, no ``1:30``); ``1e-3``, ``.inf`` and
  ``.nan`` are numbers; dates stay text.

Every refusal is one line naming the file, and the line in it where it can be pinned down.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable
from pathlib import Path
from typing import Any, ClassVar

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from evaluation.errors import EvaluationError

#: Largest file read (bytes). The demo plan is about 1.3 kB and a survey instrument of a hundred
#: items in two languages about 30 kB.
MAX_BYTES = 200_000
#: Deepest nesting, values included (a plan needs 4 levels: plan, outcomes, outcome, value; an
#: instrument definition 5).
MAX_DEPTH = 10

_CORE = "tag:yaml.org,2002:"


class _Refused(Exception):
    """A construct the workbench's documents do not allow; the message says which and where."""


class _CoreResolver(BaseResolver):
    """YAML 1.2 core schema resolution of plain scalars (PyYAML's own follows YAML 1.1)."""

    yaml_implicit_resolvers: ClassVar[dict] = {}


for _tag, _pattern, _first in (
    ("null", r"(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("bool", r"(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("int", r"[-+]?[0-9]+$", list("-+0123456789")),  # before float: 5 is a whole number
    (
        "float",
        r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
):
    _CoreResolver.add_implicit_resolver(_CORE + _tag, re.compile(_pattern), _first)


class _StrictComposer(Composer):
    """Refuses anchors, aliases and explicit tags, and nesting deeper than `MAX_DEPTH`."""

    _what = "document"
    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(
                f"line {line}: anchors (&name) and aliases (*name) are not allowed in the {self._what}; "
                "write each value out in full"
            )
        if isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.tag is not None:
            tag = "!!" + event.tag[len(_CORE) :] if event.tag.startswith(_CORE) else event.tag
            raise _Refused(
                f"line {line}: tags such as {tag} are not allowed in the {self._what}; write the plain value"
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(f"line {line}: nested more than {MAX_DEPTH} levels deep")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _StrictConstructor(SafeConstructor):
    """SafeConstructor with decimal whole numbers, YAML 1.2 floats, and no key written twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue  # SafeConstructor says "found unhashable key"
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _Refused(
                    f"line {line}: the key {key} is written twice in one mapping (first on line {seen[key]}); keep one"
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_core_int(self, node: yaml.ScalarNode) -> int:
        return int(self.construct_scalar(node))

    def construct_core_float(self, node: yaml.ScalarNode) -> float:
        text = str(self.construct_scalar(node))
        special = text.lower().lstrip("+")
        if special in (".inf", "-.inf", ".nan"):
            return {".inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}[special]
        return float(text)


_StrictConstructor.add_constructor(_CORE + "int", _StrictConstructor.construct_core_int)
_StrictConstructor.add_constructor(_CORE + "float", _StrictConstructor.construct_core_float)


class _Loader(Reader, Scanner, Parser, _StrictComposer, _StrictConstructor, _CoreResolver):
    def __init__(self, stream: bytes | str, what: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _StrictComposer.__init__(self)
        _StrictConstructor.__init__(self)
        _CoreResolver.__init__(self)
        self._what = what


def _yaml_problem(error: yaml.YAMLError) -> str:
    """A YAML error in one line: what is wrong and where."""
    if isinstance(error, ReaderError):  # undecodable bytes or a control character
        code = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "\0")
        return (
            f"character {error.position + 1} is #x{code:02x}, {error.reason}; the file must be UTF-8 text "
            "without control characters"
        )
    problem = getattr(error, "problem", None)
    mark = getattr(error, "problem_mark", None)
    if problem and mark is not None:
        context = getattr(error, "context", None)
        text = f"{context}, {problem}" if context else problem
        return f"line {mark.line + 1}, column {mark.column + 1}: {text}"
    return " ".join(str(error).split())


def parse_yaml_document(text: bytes | str, label: str, what: str, error: type[EvaluationError]) -> Any:
    """Parse one YAML document with the strict loader (see the module's docstring).

    ``label`` starts every message (the file's path), ``what`` names the document in them ("analysis
    plan"), and ``error`` is the exception raised. An empty document is None.
    """
    loader = None
    try:
        loader = _Loader(text, what)  # reads the first characters: a bad encoding fails here
        return loader.get_single_data()
    except _Refused as refused:
        raise error(f"{label}: {refused}") from None
    except yaml.YAMLError as problem:
        raise error(f"{label}: not valid YAML ({_yaml_problem(problem)})") from None
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml_document(path: Path, what: str, error: type[EvaluationError]) -> tuple[Any, bytes]:
    """Read and parse the YAML file ``path`` (at most `MAX_BYTES`): the document and the file's
    bytes (the plan's hash is of the bytes). Raises ``error`` with one line naming the file."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise error(f"{path}: the file is {size:,} bytes; the {what} may be at most {MAX_BYTES:,} bytes")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as problem:
        raise error(f"{path}: cannot read the {what} ({problem.strerror})") from None
    if len(data) > MAX_BYTES:
        raise error(f"{path}: the file is over {MAX_BYTES:,} bytes; the {what} may be at most {MAX_BYTES:,} bytes")
    return parse_yaml_document(data, str(path), what, error), data
