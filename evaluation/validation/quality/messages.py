"""The words of the data-quality warnings, in the language of the validation outputs.

A warning's message is the catalogue text ``quality.messages.<key>`` (`evaluation.wording`),
chosen by its *message key* (the check name, or ``<check>.<variant>`` where one check says
different things: ``missing_school.exam``, ``straight_lining.reversed``), filled with a few
parameters. Wave codes among the parameters (``wave``, ``present``, ``missing``, ``low_wave``,
``high_wave``) are written as the language says them (``post`` -> "post-test", "son test");
decimal numbers as the language writes them (a decimal comma in Turkish); a parameter given as
a mapping of language to text (a scale's title from its instrument) in the language's text.
Messages about a count that may be one (`COUNTED`) have plural forms, chosen by that count.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from evaluation.wording import LANGUAGES, check_language, plural, short_number, text

__all__ = ["COUNTED", "LANGUAGES", "Finding", "warning_text"]

_WAVE_PARAMS = ("wave", "present", "missing", "low_wave", "high_wave")
#: Message keys with plural forms, and the parameter whose count chooses the form (``{n}``).
COUNTED = {"low_response": "n_low", "speeding": "seconds", "duplicate_submission": "minutes"}


class Finding(NamedTuple):
    """One warning before it is worded: where, which check, which template and its parameters."""

    table: str
    school_id: str
    row: int | None
    column: str
    value: str
    check: str
    key: str
    params: Mapping[str, Any]


def warning_text(key: str, params: Mapping[str, Any], language: str = "en") -> str:
    """The message of a warning: ``quality.messages.<key>`` of the catalogue filled with ``params``.

    Parameters
    ----------
    key
        A check name, or ``<check>.<variant>`` (the keys of ``quality.messages``).
    params
        The template's fields; wave codes are spelled out and decimals written the language's way.
    language
        A language of `evaluation.wording.LANGUAGES` (``"en"``, ``"tr"``).
    """
    check_language(language)
    values = {}
    for name, value in params.items():
        if isinstance(value, Mapping):  # a text per language (a scale's title, an answer's label)
            value = value.get(language) or value.get("en") or next(iter(value.values()), "")
        if name in _WAVE_PARAMS:
            value = text(f"quality.waves.{value}", language) if str(value) in ("pre", "post") else value
        elif isinstance(value, float):
            value = short_number(value, 2, language)
        values[name] = value
    if key in COUNTED:
        n = params[COUNTED[key]]
        # the form of the number as written (2.5 minutes, 1 minute)
        count = Decimal(f"{n:.2f}".rstrip("0").rstrip(".")) if isinstance(n, float) else n
        return plural(f"quality.messages.{key}", count, language, **{**values, "n": values[COUNTED[key]]})
    return text(f"quality.messages.{key}", language, **values)
