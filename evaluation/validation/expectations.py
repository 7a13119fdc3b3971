"""The great-expectations side of the contracts: suites built from rules, frames validated.

great-expectations (GX Core 1.x) is imported only when a suite is first built, with its usage
statistics off (the network is closed) and its progress bars off (they would end up in executed
notebooks). One ephemeral context per process holds a single pandas data source whose dataframe
asset is validated batch by batch.

Every expectation carries ``meta = {"rule": <rule name>, "contract": <contract id>}``, which is how
results are traced back to rules. GX can drop a malformed expectation with only a log line, so
`build_suite` builds each expectation on its own (a malformed one raises ContractError naming the
rule) and `check_suite` then verifies the suite holds exactly one expectation per rule.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from evaluation.errors import ContractError
from evaluation.validation.contracts import KEY_SEPARATOR, Contract, Rule

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuite

_RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
    "partial_unexpected_count": 0,
}
_RUNTIME: dict[str, Any] = {}


def import_great_expectations():
    """The ``great_expectations`` module, imported with usage statistics off (no network)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations

    return great_expectations


def _batch_definition():
    """The whole-dataframe batch definition of the process's ephemeral context (made once)."""
    if "batch_definition" not in _RUNTIME:
        gx = import_great_expectations()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        source = context.data_sources.add_pandas("evaluation")
        asset = source.add_dataframe_asset("table")
        _RUNTIME["context"] = context
        _RUNTIME["batch_definition"] = asset.add_batch_definition_whole_dataframe("whole_table")
    return _RUNTIME["batch_definition"]


def rules_in_play(contract: Contract, reference_values: Mapping[str, Any] | None = None) -> tuple[Rule, ...]:
    """The contract's own rules plus the reference rules whose referenced values are given."""
    given = reference_values or {}
    return contract.static_rules + tuple(rule for rule in contract.reference_rules if rule.name in given)


def expectation_config(contract: Contract, rule: Rule) -> dict:
    """The GX expectation configuration (type, kwargs, meta) of one rule."""
    return {"type": rule.expectation, "kwargs": dict(rule.kwargs), "meta": {"rule": rule.name, "contract": contract.id}}


def build_suite(contract: Contract, reference_values: Mapping[str, Any] | None = None) -> ExpectationSuite:
    """The great-expectations suite of a contract: one expectation per rule in play.

    Parameters
    ----------
    contract
        The table's contract.
    reference_values
        The reference rules to check, by name (the values are the referenced keys, used by
        `add_reference_columns`, not by the suite). Reference rules left out are not in the suite.

    Raises
    ------
    ContractError
        A rule does not make a valid expectation, or the suite does not hold exactly one
        expectation per rule; the message names the contract file and the rule.
    """
    gx = import_great_expectations()
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    rules = rules_in_play(contract, reference_values)
    expectations = []
    for rule in rules:
        try:
            config = ExpectationConfiguration(**expectation_config(contract, rule))
            expectations.append(config.to_domain_obj())
        except Exception as error:  # GX raises its own errors and pydantic's for bad kwargs
            reason = " ".join(str(error).split())
            raise ContractError(
                f"{contract.label}: rule {rule.name} is not a valid great-expectations expectation "
                f"({rule.expectation}: {reason[:300]})"
            ) from None
    suite = gx.ExpectationSuite(name=f"{contract.table}_contract", expectations=expectations)
    check_suite(contract, suite, rules)
    return suite


def check_suite(contract: Contract, suite: ExpectationSuite, rules: Iterable[Rule] | None = None) -> None:
    """Raise ContractError unless ``suite`` holds exactly one expectation for each rule."""
    rules = tuple(contract.static_rules if rules is None else rules)
    counts = Counter((expectation.meta or {}).get("rule") for expectation in suite.expectations)
    for rule in rules:
        if counts[rule.name] != 1:
            found = "no expectation" if counts[rule.name] == 0 else f"{counts[rule.name]} expectations"
            raise ContractError(
                f"{contract.label}: rule {rule.name} has {found} in the great-expectations suite "
                "(expected exactly one; a malformed expectation may have been dropped)"
            )
    unknown = sorted(str(name) for name in set(counts) - {rule.name for rule in rules})
    if unknown:
        raise ContractError(f"{contract.label}: the suite holds an expectation for unknown rule {unknown[0]}")


def add_derived_columns(frame: pd.DataFrame, contract: Contract, rules: Iterable[Rule]) -> pd.DataFrame:
    """``frame`` with the helper columns that custom rules derive (``derive:`` in the contract)."""
    derived = {}
    for rule in rules:
        for helper, formula in rule.derive.items():
            try:
                if isinstance(formula, Mapping) and "monthsBetween" in formula:
                    start, end = (_month_number(frame[column]) for column in formula["monthsBetween"])
                    derived[helper] = (end - start).astype("float64")
                elif isinstance(formula, Mapping) and "largestCountBy" in formula:
                    by, within = _columns(formula["largestCountBy"]), _columns(formula["within"])
                    sizes = frame.groupby(by, dropna=True)[by[0]].transform("size")
                    largest = sizes.groupby([frame[column] for column in within], dropna=True).transform("max")
                    derived[helper] = largest.reindex(frame.index).astype("float64")
                elif isinstance(formula, Mapping):
                    by = _columns(formula["countBy"])
                    sizes = frame.groupby(by, dropna=True)[by[0]].transform("size")
                    derived[helper] = sizes.reindex(frame.index).astype("float64")
                else:
                    derived[helper] = pd.to_numeric(frame.eval(formula, engine="python"), errors="coerce")
            except Exception as error:
                raise ContractError(f"{contract.label}: rule {rule.name}: cannot derive {helper!r} ({error})") from None
    return frame.assign(**derived) if derived else frame


def _month_number(values: pd.Series) -> pd.Series:
    """Months since year 0 of a date column, or of a text column of YYYY-MM months (NaN where
    neither)."""
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values.astype("string"), format="%Y-%m", errors="coerce")
    return values.dt.year * 12 + values.dt.month - 1


def _columns(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def key_text(frame: pd.DataFrame, columns: Iterable[str]) -> pd.Series:
    """The text of a (possibly composite) key per row: parts joined by `KEY_SEPARATOR`, missing
    where any part is missing (computed in Arrow: keys of national tables run to millions)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [_arrow_text(frame[column]) for column in columns]
    key = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, pa.scalar(KEY_SEPARATOR))
    return key.to_pandas().set_axis(frame.index)


def add_reference_columns(
    frame: pd.DataFrame, contract: Contract, reference_keys: Mapping[str, pd.Index]
) -> pd.DataFrame:
    """``frame`` with one helper column per reference rule in ``reference_keys``: the key's text
    where the referenced table does not hold it, missing elsewhere (also where the key is empty,
    which the required rules report). The rule's expectation is that the helper is all missing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    helpers = {}
    for rule in contract.reference_rules:
        if rule.name not in reference_keys:
            continue
        key = key_text(frame, [contract.column(column).text_column for column in rule.columns])
        arrow_key = _arrow_text(key)
        found = pc.is_in(arrow_key, value_set=_arrow_text(pd.Series(reference_keys[rule.name])))
        missing = pc.if_else(found, pa.scalar(None, pa.string()), arrow_key)
        helpers[rule.kwargs["column"]] = missing.to_pandas().set_axis(frame.index)
    return frame.assign(**helpers) if helpers else frame


def _arrow_text(values: pd.Series):
    """A text column as an Arrow string array (no copy when it is Arrow-backed already)."""
    import pyarrow as pa

    return pa.array(values.astype("str").array, type=pa.string()) if len(values) else pa.array([], pa.string())


@dataclass(frozen=True)
class RuleOutcome:
    """What one rule found in a frame: the positions (0-based) of the rows that broke it."""

    rule: str
    failing_positions: tuple[int, ...]


def run_suite(frame: pd.DataFrame, suite: ExpectationSuite, contract: Contract) -> list[RuleOutcome]:
    """Validate ``frame`` (with a 0..n-1 index) against ``suite``; one outcome per expectation."""
    frame = frame.reset_index(drop=True)
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    validation = batch.validate(suite, result_format=_RESULT_FORMAT)
    outcomes = []
    for result in validation.results:
        rule = (result.expectation_config.meta or {}).get("rule", "?")
        info = result.exception_info or {}
        if info.get("raised_exception"):
            message = " ".join(str(info.get("exception_message") or "unknown error").split())
            raise ContractError(f"{contract.label}: rule {rule} could not be checked ({message[:300]})")
        if result.success:
            outcomes.append(RuleOutcome(rule, ()))
            continue
        positions = result.result.get("unexpected_index_list")
        if positions is None:
            raise ContractError(
                f"{contract.label}: rule {rule} gave no row-level result; only row-level expectations can be rules"
            )
        outcomes.append(RuleOutcome(rule, tuple(sorted(int(p) for p in positions))))
    return outcomes
