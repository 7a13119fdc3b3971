"""ODCS entries turned into columns (`Property`) and checks (`Rule`) of a data contract.

`evaluation.validation.contracts` documents how each entry becomes a rule and how rules are named; this
module does the translation, one ODCS entry at a time. ``fail`` is a callable that makes the
ContractError (naming the contract file) for a message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from evaluation.errors import ContractError
from evaluation.io.coercion import LOGICAL_TYPES, TYPE_DESCRIPTIONS, TYPED_LOGICAL_TYPES

Fail = Callable[[str], ContractError]

RuleKind = Literal[
    "required", "unique", "type", "range", "pattern", "allowed_values", "key_unique", "reference", "custom"
]

#: Suffix of the validation-frame column holding a typed column's original text.
TEXT_SUFFIX = "__text"
#: Suffix of the joined key column a composite reference is checked on.
MISSING_SUFFIX = "__not_found"  # reference helper column: the key where it is not found
KEY_SEPARATOR = "\x1f"  # ASCII unit separator: never part of an id


@dataclass(frozen=True)
class Property:
    """One column of a table, as the contract describes it."""

    name: str
    logical_type: str = "string"
    required: bool = False
    unique: bool = False
    primary_key_position: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    description: str = ""
    default: str | None = None
    canonical_values: Mapping[str, str] = field(default_factory=dict)
    column_required: bool = False

    @property
    def typed(self) -> bool:
        return self.logical_type in TYPED_LOGICAL_TYPES

    @property
    def text_column(self) -> str:
        """The column of the validation frame that holds this property's original text."""
        return self.name + TEXT_SUFFIX if self.typed else self.name

    @property
    def must_be_present(self) -> bool:
        """A file without this column is structurally broken."""
        return self.required or self.column_required


@dataclass(frozen=True)
class Rule:
    """One check of a contract, with the stable name used in messages."""

    name: str
    kind: RuleKind
    columns: tuple[str, ...]
    message: str
    expectation: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    derive: Mapping[str, Any] = field(default_factory=dict)
    references: tuple[str, ...] = ()  # "table.column" targets of a reference rule

    @property
    def referenced_table(self) -> str | None:
        return self.references[0].split(".", 1)[0] if self.references else None


# --- properties and their rules -----------------------------------------------------------------


def custom_properties(item: Mapping[str, Any]) -> dict[str, Any]:
    """An ODCS ``customProperties`` list as a mapping of property to value."""
    entries = item.get("customProperties") or []
    return {
        entry["property"]: entry.get("value") for entry in entries if isinstance(entry, Mapping) and "property" in entry
    }


def property_from_odcs(item: Any, fail: Fail) -> Property:
    """A `Property` from an ODCS ``schema[].properties[]`` entry."""
    if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
        raise fail(f"every property needs a name (found {item!r})")
    name = item["name"]
    logical_type = item.get("logicalType", "string")
    if logical_type not in LOGICAL_TYPES:
        raise fail(f"property {name}: logicalType {logical_type!r} is not one of {', '.join(LOGICAL_TYPES)}")
    options = item.get("logicalTypeOptions") or {}
    if not isinstance(options, Mapping):
        raise fail(f"property {name}: logicalTypeOptions must be a mapping")
    minimum, maximum = options.get("minimum"), options.get("maximum")
    for bound in (minimum, maximum):
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, (int, float))):
            raise fail(f"property {name}: minimum and maximum must be numbers (found {bound!r})")
    if (minimum is not None or maximum is not None) and logical_type not in ("integer", "number"):
        raise fail(f"property {name}: minimum/maximum need logicalType integer or number")
    pattern = options.get("pattern")
    if pattern is not None and logical_type != "string":
        raise fail(f"property {name}: pattern needs logicalType string")
    custom = custom_properties(item)
    canonical_values = custom.get("canonicalValues") or {}
    if not isinstance(canonical_values, Mapping):
        raise fail(f"property {name}: canonicalValues must be a mapping")
    position = item.get("primaryKeyPosition") if item.get("primaryKey") else None
    if item.get("primaryKey") and position is None:
        position = 1
    return Property(
        name=name,
        logical_type=logical_type,
        required=bool(item.get("required", False)),
        unique=bool(item.get("unique", False)),
        primary_key_position=position,
        minimum=minimum,
        maximum=maximum,
        pattern=pattern,
        description=str(item.get("description") or ""),
        default=None if custom.get("default") is None else str(custom["default"]),
        canonical_values={str(k): str(v) for k, v in canonical_values.items()},
        column_required=bool(custom.get("columnRequired", False)),
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def property_rules(prop: Property) -> list[Rule]:
    """The rules a property's own attributes ask for (required, unique, type, range, pattern)."""
    rules: list[Rule] = []
    column = (prop.name,)
    if prop.required:
        rules.append(
            Rule(
                f"{prop.name}_required",
                "required",
                column,
                "must not be empty",
                "expect_column_values_to_not_be_null",
                {"column": prop.text_column},
            )
        )
    if prop.unique:
        rules.append(
            Rule(
                f"{prop.name}_unique",
                "unique",
                column,
                "must be unique",
                "expect_column_values_to_be_unique",
                {"column": prop.text_column},
            )
        )
    if prop.typed:
        rules.append(
            Rule(
                f"{prop.name}_type",
                "type",
                column,
                TYPE_DESCRIPTIONS[prop.logical_type],
                "expect_column_values_to_not_be_null",
                {"column": prop.name, "row_condition": {"column": {"name": prop.text_column}, "is_null": False}},
            )
        )
    if prop.minimum is not None or prop.maximum is not None:
        if prop.minimum is not None and prop.maximum is not None:
            message = f"must be between {_number(prop.minimum)} and {_number(prop.maximum)}"
        elif prop.minimum is not None:
            message = f"must be at least {_number(prop.minimum)}"
        else:
            message = f"must be at most {_number(prop.maximum)}"
        kwargs = {"column": prop.name, "min_value": prop.minimum, "max_value": prop.maximum}
        rules.append(
            Rule(
                f"{prop.name}_range",
                "range",
                column,
                message,
                "expect_column_values_to_be_between",
                {k: v for k, v in kwargs.items() if v is not None},
            )
        )
    if prop.pattern is not None:
        rules.append(
            Rule(
                f"{prop.name}_pattern",
                "pattern",
                column,
                f"must match the pattern {prop.pattern}",
                "expect_column_values_to_match_regex",
                {"column": prop.text_column, "regex": prop.pattern},
            )
        )
    return rules


def key_rule(table: str, properties: tuple[Property, ...]) -> Rule | None:
    """``<table>_key_unique`` when two or more properties form the primary key."""
    key = sorted(
        (prop for prop in properties if prop.primary_key_position is not None),
        key=lambda prop: prop.primary_key_position or 0,
    )
    if len(key) < 2:
        return None
    columns = tuple(prop.name for prop in key)
    return Rule(
        f"{table}_key_unique",
        "key_unique",
        columns,
        f"the combination ({', '.join(columns)}) must be unique",
        "expect_compound_columns_to_be_unique",
        {"column_list": [prop.text_column for prop in key]},
    )


def quality_rules(quality: Any, prop: Property | None, names: list[str], fail: Fail) -> list[Rule]:
    """The rule of an ODCS ``quality`` entry (none for ``type: text``); ``prop`` is the property it
    sits on, None for a table-level entry; ``names`` are the table's columns."""
    if not isinstance(quality, Mapping):
        raise fail(f"quality rule {quality!r} is not a mapping")
    kind = quality.get("type", "library" if "metric" in quality else None)
    if kind == "text":
        return []  # a human-readable statement, not a check
    name = quality.get("name")
    where = f"property {prop.name}" if prop else "table"
    if not isinstance(name, str) or not name:
        raise fail(f"{where}: every quality rule needs a name (found {dict(quality)!r})")
    if kind == "library":
        return [_library_rule(name, quality, prop, fail)]
    if kind == "custom":
        return [_custom_rule(name, quality, prop, names, fail)]
    raise fail(f"rule {name}: quality type {kind!r} is not supported (use library, custom or text)")


def _library_rule(name: str, quality: Mapping[str, Any], prop: Property | None, fail: Fail) -> Rule:
    metric = quality.get("metric")
    if prop is None:
        raise fail(f"rule {name}: library metrics are supported on properties only")
    if metric != "invalidValues" or quality.get("mustBe") != 0:
        raise fail(f"rule {name}: only the library metric invalidValues with mustBe: 0 is supported (found {metric!r})")
    arguments = quality.get("arguments") or {}
    description = quality.get("description")
    if "validValues" in arguments:
        values = arguments["validValues"]
        if not isinstance(values, list) or not values:
            raise fail(f"rule {name}: arguments.validValues must be a non-empty list")
        if prop.logical_type in ("integer", "number"):
            column, value_set = prop.name, values
        else:
            column, value_set = prop.text_column, [str(value) for value in values]
        message = description or f"must be one of {', '.join(str(value) for value in values)}"
        return Rule(
            name,
            "allowed_values",
            (prop.name,),
            message,
            "expect_column_values_to_be_in_set",
            {"column": column, "value_set": value_set},
        )
    if "pattern" in arguments:
        message = description or f"must match the pattern {arguments['pattern']}"
        return Rule(
            name,
            "pattern",
            (prop.name,),
            message,
            "expect_column_values_to_match_regex",
            {"column": prop.text_column, "regex": str(arguments["pattern"])},
        )
    raise fail(f"rule {name}: invalidValues needs arguments.validValues or arguments.pattern")


def _custom_rule(name: str, quality: Mapping[str, Any], prop: Property | None, names: list[str], fail: Fail) -> Rule:
    if quality.get("engine") != "great-expectations":
        raise fail(f"rule {name}: custom rules need engine: great-expectations")
    implementation = quality.get("implementation")
    if not isinstance(implementation, Mapping):
        raise fail(f"rule {name}: implementation must be a mapping with expectation and kwargs")
    expectation = implementation.get("expectation")
    kwargs = implementation.get("kwargs") or {}
    derive = implementation.get("derive") or {}
    if not isinstance(expectation, str) or not expectation.startswith("expect_"):
        raise fail(f"rule {name}: implementation.expectation must name a GX expectation (found {expectation!r})")
    if not isinstance(kwargs, Mapping) or not isinstance(derive, Mapping):
        raise fail(f"rule {name}: implementation.kwargs and implementation.derive must be mappings")
    for helper, formula in derive.items():
        if helper in names:
            raise fail(f"rule {name}: derived column {helper!r} would hide the column of that name")
        if isinstance(formula, Mapping):
            _check_count(formula, helper, name, names, fail)
        elif not isinstance(formula, str):
            raise fail(f"rule {name}: derived column {helper!r} must be an expression or {{countBy: [...]}}")
    known = set(names) | set(derive)
    mentioned = [kwargs.get(key) for key in ("column", "column_A", "column_B")] + list(kwargs.get("column_list") or [])
    for column in mentioned:
        if column is not None and column not in known:
            raise fail(f"rule {name}: column {column!r} is neither a column of the table nor derived")
    columns = implementation.get("columns") or ([prop.name] if prop else [c for c in mentioned if c in names])
    unknown = [column for column in columns if column not in names]
    if unknown:
        raise fail(f"rule {name}: implementation.columns names unknown column {unknown[0]!r}")
    message = str(quality.get("description") or name.replace("_", " "))
    return Rule(name, "custom", tuple(columns), message, expectation, dict(kwargs), dict(derive))


def relationship_rule(relationship: Any, columns: tuple[str, ...] | None, fail: Fail) -> Rule:
    """The reference rule of a ``foreignKey`` relationship: on ``columns`` for a property-level
    one, on its ``from`` columns for a schema-level one (``columns`` None)."""
    if not isinstance(relationship, Mapping) or relationship.get("type", "foreignKey") != "foreignKey":
        raise fail(f"only foreignKey relationships are supported (found {relationship!r})")
    custom = custom_properties(relationship)
    targets = relationship.get("to")
    targets = [targets] if isinstance(targets, str) else list(targets or [])
    if columns is None:
        sources = relationship.get("from")
        sources = [sources] if isinstance(sources, str) else list(sources or [])
        columns = tuple(str(source).split(".")[-1] for source in sources)
    if not targets or len(targets) != len(columns) or len(columns) > 2:
        raise fail(f"relationship from {list(columns)} to {targets}: needs one or two columns, as many on each side")
    if any(not isinstance(target, str) or target.count(".") != 1 for target in targets):
        raise fail(f"relationship to {targets}: targets must be written table.column")
    name = custom.get("ruleName") or (f"{columns[0]}_exists" if len(columns) == 1 else None)
    if not name:
        raise fail(f"relationship from {list(columns)}: a composite relationship needs customProperties ruleName")
    table = targets[0].split(".")[0]
    default = (
        f"must be a {targets[0].split('.')[1]} of the {table} table"
        if len(columns) == 1
        else f"({', '.join(columns)}) must be a row of the {table} table"
    )
    # Checked on a helper column that holds the key where the referenced table lacks it (see
    # `evaluation.validation.expectations.add_reference_columns`): GX copes badly with a value_set of a
    # million ids, and its pair expectation works row by row in Python.
    return Rule(
        name,
        "reference",
        columns,
        custom.get("description") or default,
        "expect_column_values_to_be_null",
        {"column": f"{name}{MISSING_SUFFIX}"},
        references=tuple(targets),
    )


def join_key(values: tuple[str, ...] | list[str]) -> str:
    """The single value a composite reference is checked on (parts joined by a unit separator)."""
    return KEY_SEPARATOR.join(values)


def _check_count(formula: Mapping[str, Any], helper: str, name: str, names: list[str], fail: Fail) -> None:
    """A counting helper column: ``{countBy: [columns]}`` (rows sharing them), ``{largestCountBy:
    [columns], within: [some of them]}`` (rows of the most common value within each group) or
    ``{monthsBetween: [a, b]}`` (months from the month of a to the month of b: dates or YYYY-MM)."""

    def columns(value: Any) -> list[str] | None:
        listed = [value] if isinstance(value, str) else value
        return list(listed) if isinstance(listed, list) and listed and all(c in names for c in listed) else None

    if set(formula) == {"countBy"} and columns(formula["countBy"]):
        return
    if set(formula) == {"monthsBetween"} and len(columns(formula["monthsBetween"]) or []) == 2:
        return
    if set(formula) == {"largestCountBy", "within"}:
        by, within = columns(formula["largestCountBy"]), columns(formula["within"])
        if by and within and set(within) < set(by):
            return
    raise fail(
        f"rule {name}: derived column {helper!r} must be {{countBy: [columns of the table]}}, "
        "{largestCountBy: [columns of the table], within: [some of those columns]} or "
        "{monthsBetween: [first column, second column]}"
    )
