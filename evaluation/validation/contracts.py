"""Data contracts: Open Data Contract Standard (ODCS v3.1) YAML loaded into frozen records.

Each contract describes one table (``schema[0]``). Every check it asks for becomes a `Rule` with a
stable short name, used in every message and in the quarantine table, and becomes exactly one
great-expectations expectation (`evaluation.validation.expectations`):

==============================================  ========================  =========================================
contract entry                                  rule name                 expectation, on
==============================================  ========================  =========================================
property ``required: true``                     ``<column>_required``     values_to_not_be_null, text
property ``unique: true``                       ``<column>_unique``       values_to_be_unique, text
property ``logicalType`` other than string      ``<column>_type``         values_to_not_be_null, typed, where the
                                                                          text is not empty [1]_
property ``logicalTypeOptions`` min/maximum     ``<column>_range``        values_to_be_between, typed
property ``logicalTypeOptions.pattern``         ``<column>_pattern``      values_to_match_regex, text
two or more properties with ``primaryKey``      ``<table>_key_unique``    compound_columns_to_be_unique, text
property ``quality`` ``metric: invalidValues``  the rule's ``name``       values_to_be_in_set (``validValues``) or
(``mustBe: 0``)                                                           values_to_match_regex (``pattern``)
property ``relationships`` ``foreignKey``       ``<column>_exists`` [2]_  values_to_be_null, on the key where the
                                                                          referenced table lacks it [3]_
schema ``relationships`` ``from: [a, b]``       its ``ruleName`` [2]_     the same, on the joined key [3]_
``quality`` ``type: custom``,                   the rule's ``name``       as written, on typed values
``engine: great-expectations``
==============================================  ========================  =========================================

"text" is the original text of a cell (missing when empty), "typed" its value parsed per
``logicalType`` (`evaluation.io.coercion`).

.. [1] so a non-empty text that does not parse fails ``<column>_type`` (and no other rule).
.. [2] a relationship may carry ``customProperties: [{property: ruleName, value: ...}]`` (and
   ``description``, the message); a schema-level (composite) relationship must name its rule.
.. [3] the helper column ``<rule>__not_found`` is built at validation time from the keys of the
   accepted rows of the referenced table (`evaluation.validation.expectations.add_reference_columns`); not
   checked when that optional table is absent or broken. A value_set of a million student ids
   would make GX's configuration handling take minutes.

Structural problems are reported under ``required_column`` (a column of a ``required`` or
``columnRequired`` property is missing), ``unknown_table`` and ``unknown_instrument``.

Custom rules (table-level, cross-field) use this convention for ``implementation``::

    implementation:
      derive: {answers_total: correct + wrong + blank}      # optional helper columns:
                                                            #   a pandas expression, or
                                                            #   {countBy: [cols]} = rows sharing them,
                                                            #   or {largestCountBy: [cols],
                                                            #   within: [some of cols]} = rows of the
                                                            #   most common cols within `within`
                                                            #   or {monthsBetween: [a, b]} = months
                                                            #   from a's month to b's (dates, YYYY-MM)
      expectation: expect_column_pair_values_to_be_equal    # a GX Core expectation type
      kwargs: {column_A: answers_total, column_B: n_items}  # its arguments, as GX takes them
      columns: [correct, wrong, blank, n_items]             # the columns a failure is reported on

Its ``description`` is the message shown for a failing row. Property ``customProperties`` the
workbench reads: ``default`` (value given to an empty optional cell of an accepted row),
``canonicalValues`` (mapping of accepted spellings to the canonical value, e.g.
``{K: F, Kadın: F, E: M}`` or ``{Ön test: pre, Son test: post}``) and ``columnRequired`` (the
column must be present even though its cells may be empty).

Before any rule runs, the text of a property with ``canonicalValues`` or a ``validValues`` rule
is matched Turkish-aware against those spellings and the valid values (case with dotted and
dotless i, Turkish letters typed without their marks, spaces, hyphens and underscores:
``ÖN TEST``, ``on-test`` and ``PRE`` all read as ``pre``), and the rules see the canonical value;
the quarantine keeps the text as written (`evaluation.validation.validate.canonical_labels`).

The great-expectations side (suites, validation) lives in `evaluation.validation.expectations`,
which imports this module and never the reverse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from evaluation.errors import ContractError
from evaluation.resources import CONTRACTS_DIR
from evaluation.validation.rules import (
    KEY_SEPARATOR,
    TEXT_SUFFIX,
    Property,
    Rule,
    join_key,
    key_rule,
    property_from_odcs,
    property_rules,
    quality_rules,
    relationship_rule,
)

__all__ = [
    "KEY_SEPARATOR",
    "TEXT_SUFFIX",
    "Contract",
    "Property",
    "Rule",
    "contract_from_document",
    "join_key",
    "load_contract",
    "with_properties",
]


@dataclass(frozen=True)
class Contract:
    """A table's data contract: its columns and its rules."""

    id: str
    name: str
    version: str
    table: str
    description: str
    properties: tuple[Property, ...]
    rules: tuple[Rule, ...]
    source: Path | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(prop.name for prop in self.properties)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(prop.name for prop in self.properties if prop.must_be_present)

    @property
    def key(self) -> tuple[str, ...]:
        keyed = [prop for prop in self.properties if prop.primary_key_position is not None]
        return tuple(prop.name for prop in sorted(keyed, key=lambda prop: prop.primary_key_position or 0))

    @property
    def static_rules(self) -> tuple[Rule, ...]:
        """Rules checked on the table alone (everything but references to other tables)."""
        return tuple(rule for rule in self.rules if rule.kind != "reference")

    @property
    def reference_rules(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.kind == "reference")

    def column(self, name: str) -> Property:
        for prop in self.properties:
            if prop.name == name:
                return prop
        raise KeyError(name)

    def rule(self, name: str) -> Rule:
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise KeyError(name)

    @property
    def label(self) -> str:
        return str(self.source) if self.source else f"contract {self.name}"


def load_contract(table_or_path: str | Path) -> Contract:
    """Load a contract by table name (``exam_results``) from `CONTRACTS_DIR`, or from a YAML path."""
    path = Path(table_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = CONTRACTS_DIR / f"{table_or_path}.yaml"
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContractError(f"{path}: no such data contract") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        reason = " ".join(str(error).split())
        raise ContractError(f"{path}: cannot read the data contract ({reason})") from None
    return contract_from_document(document, source=path)


def contract_from_document(document: Any, source: Path | None = None) -> Contract:
    """Build a `Contract` from a parsed ODCS document; raise ContractError naming what is wrong."""
    label = str(source) if source else "data contract"

    def fail(message: str) -> ContractError:
        return ContractError(f"{label}: {message}")

    if not isinstance(document, Mapping):
        raise fail("not an ODCS document (expected a mapping at the top level)")
    if document.get("kind") != "DataContract" or not str(document.get("apiVersion", "")).startswith("v3"):
        raise fail("expected kind: DataContract and apiVersion: v3.x")
    schema = document.get("schema")
    if not isinstance(schema, list) or len(schema) != 1 or not isinstance(schema[0], Mapping):
        raise fail("schema must hold exactly one object (the table)")
    table = schema[0]
    table_name = table.get("name")
    if not isinstance(table_name, str) or not table_name:
        raise fail("schema[0] needs a name")
    raw_properties = table.get("properties")
    if not isinstance(raw_properties, list) or not raw_properties:
        raise fail(f"table {table_name} has no properties")

    properties = tuple(property_from_odcs(item, fail) for item in raw_properties)
    names = [prop.name for prop in properties]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise fail(f"property {duplicated[0]!r} is described twice")

    rules: list[Rule] = []
    for item, prop in zip(raw_properties, properties, strict=True):
        rules.extend(property_rules(prop))
        for quality in item.get("quality") or []:
            rules.extend(quality_rules(quality, prop, names, fail))
        for relationship in item.get("relationships") or []:
            rules.append(relationship_rule(relationship, (prop.name,), fail))
    key = key_rule(table_name, properties)
    if key is not None:
        rules.append(key)
    for relationship in table.get("relationships") or []:
        rules.append(relationship_rule(relationship, None, fail))
    for quality in table.get("quality") or []:
        rules.extend(quality_rules(quality, None, names, fail))

    seen: set[str] = set()
    for rule in rules:
        missing = [column for column in rule.columns if column not in names]
        if missing:
            raise fail(f"rule {rule.name}: column {missing[0]!r} is not a property of {table_name}")
        if rule.name in seen:
            raise fail(f"two rules are named {rule.name!r}; rule names must be unique")
        seen.add(rule.name)

    description = document.get("description", "")
    if isinstance(description, Mapping):
        description = str(description.get("purpose", ""))
    return Contract(
        id=str(document.get("id", table_name)),
        name=str(document.get("name", table_name)),
        version=str(document.get("version", "")),
        table=table_name,
        description=str(description or ""),
        properties=properties,
        rules=tuple(rules),
        source=source,
    )


def with_properties(contract: Contract, extra: list[dict[str, Any]], source: Path | None = None) -> Contract:
    """A copy of ``contract`` with more ODCS property entries (e.g. a survey's item columns)."""
    fail_label = source or contract.source

    def fail(message: str) -> ContractError:
        return ContractError(f"{fail_label}: {message}")

    properties = list(contract.properties)
    rules = list(contract.rules)
    known = set(contract.columns)
    for item in extra:
        prop = property_from_odcs(item, fail)
        if prop.name in known:
            raise fail(f"column {prop.name!r} is already a column of {contract.table}")
        known.add(prop.name)
        properties.append(prop)
        rules.extend(property_rules(prop))
    names = [rule.name for rule in rules]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise fail(f"two rules are named {duplicated[0]!r}; rule names must be unique")
    return replace(contract, properties=tuple(properties), rules=tuple(rules), source=source or contract.source)
