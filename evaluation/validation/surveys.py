"""The data contract of a survey export, built from its instrument definition: the base survey
columns (``data_contracts/survey.yaml``) plus one integer column per item, ranged by the response
scale."""

from __future__ import annotations

from evaluation.config.instruments import Instrument
from evaluation.validation.contracts import Contract, load_contract, with_properties


def survey_contract(instrument: Instrument) -> Contract:
    """The data contract of a survey export of ``instrument``.

    The base columns come from ``data_contracts/survey.yaml``; each item adds an integer column
    that must be present (its cells may be empty: item non-response), with the rules
    ``<item>_type`` and ``<item>_range`` (the response scale's min to max). The response labels
    of every language (``Kesinlikle katılıyorum``, ``Strongly agree``) are read as their codes,
    as survey tools export the labels rather than the numbers.
    """
    base = load_contract("survey")
    codes = {
        label: str(instrument.scale_min + position)
        for labels in instrument.labels.values()
        for position, label in enumerate(labels)
    }
    extra = [
        {
            "name": item.id,
            "logicalType": "integer",
            "required": False,
            "logicalTypeOptions": {"minimum": instrument.scale_min, "maximum": instrument.scale_max},
            "description": item.text.get("en", ""),
            "customProperties": [
                {"property": "columnRequired", "value": True},
                {"property": "canonicalValues", "value": codes},
            ],
        }
        for item in instrument.items
    ]
    return with_properties(base, extra, source=instrument.source)
