"""The words of the data-quality warnings, in English and Turkish.

A warning's message is a template of `MESSAGES`, chosen by its *message key* (the check name, or
``<check>.<variant>`` where one check says different things: ``missing_school.exam``,
``straight_lining.reversed``), filled with a few parameters. Wave codes among the parameters
(``wave``, ``present``, ``missing``, ``low_wave``, ``high_wave``) are written as the language
says them (``post`` -> "post-test", "son test"); decimal numbers get a decimal comma in Turkish.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

LANGUAGES = ("en", "tr")
WAVE_LABELS: Mapping[str, Mapping[str, str]] = {
    "en": {"pre": "pre-test", "post": "post-test"},
    "tr": {"pre": "ön test", "post": "son test"},
}
_WAVE_PARAMS = ("wave", "present", "missing", "low_wave", "high_wave")

MESSAGES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "missing_school.exam": "School {school_id} has no exam results at all.",
        "missing_school.survey": "School {school_id} has no responses to the survey {instrument} in any wave.",
        "missing_wave.exam": "School {school_id} has {present} exam results but no {missing} exam results.",
        "missing_wave.survey": ("School {school_id} has {present} responses to the survey {instrument} "
                                "but no {missing} responses."),
        "missing_grade": ("School {school_id} has no {wave} exam results for grade {grade} "
                          "(students of that grade on the roster: {n_roster})."),
        "roster_not_tested": ("{n_missing} of {n_roster} students on the roster of school {school_id} "
                              "have no {wave} exam result."),
        "low_response": ("School {school_id} has {n_low} {low_wave} responses to the survey {instrument} "
                         "but {n_high} {high_wave} responses; check whether {low_wave} responses are missing."),
        "outlier": ("Score {value} is far from the school's median of {median} in {subject} on exam {exam_id} "
                    "(robust z = {z}); check that it was entered correctly."),
        "straight_lining": ("The same answer ({answer}) to all {n_items} items of the scale {scale}; "
                            "check that the survey was answered with care."),
        "straight_lining.reversed": ("The same answer ({answer}) to all {n_items} items of the scale {scale}, "
                                     "although {n_reverse} of them are worded the other way round: "
                                     "the answers contradict each other."),
        "speeding": ("{n_items} items answered in {seconds} seconds (less than {limit} seconds); "
                     "the items may not have been read."),
        "duplicate_submission": ("Exactly the same answers to all {n_items} items as respondent {other_id} "
                                 "(row {other_row}) of the same school, submitted {minutes} minutes apart; "
                                 "the same response may have been entered twice."),
    },
    "tr": {
        "missing_school.exam": "{school_id} okulunun hiç sınav sonucu yok.",
        "missing_school.survey": "{school_id} okulundan {instrument} anketine hiçbir uygulamada yanıt gelmemiş.",
        "missing_wave.exam": ("{school_id} okulunun {present} sınav sonuçları var, ancak {missing} sınav "
                              "sonuçları yok."),
        "missing_wave.survey": ("{school_id} okulundan {instrument} anketine {present} yanıtları gelmiş, "
                                "ancak {missing} yanıtları yok."),
        "missing_grade": ("{school_id} okulunda {grade}. sınıfların {wave} sınav sonucu yok (öğrenci "
                          "listesinde bu sınıf düzeyinden {n_roster} öğrenci var)."),
        "roster_not_tested": ("{school_id} okulunun öğrenci listesindeki {n_roster} öğrenciden {n_missing} "
                              "tanesinin {wave} sınav sonucu yok."),
        "low_response": ("{school_id} okulundan {instrument} anketine {low_wave} uygulamasında {n_low}, "
                         "{high_wave} uygulamasında {n_high} yanıt gelmiş; eksik {low_wave} yanıtı olup "
                         "olmadığını kontrol edin."),
        "outlier": ("{value} puanı, okulun {exam_id} sınavındaki {subject} puanlarının ortancasından ({median}) "
                    "çok uzak (sağlam z = {z}); doğru girildiğini kontrol edin."),
        "straight_lining": ("{scale} ölçeğinin {n_items} maddesinin hepsine aynı yanıt ({answer}) verilmiş; "
                            "anketin özenle yanıtlanıp yanıtlanmadığını kontrol edin."),
        "straight_lining.reversed": ("{scale} ölçeğinin {n_items} maddesinin hepsine aynı yanıt ({answer}) "
                                     "verilmiş, oysa bunların {n_reverse} tanesi ters yönde ifade edilmiş: "
                                     "yanıtlar birbiriyle çelişiyor."),
        "speeding": ("{n_items} madde {seconds} saniyede yanıtlanmış ({limit} saniyeden kısa); maddeler "
                     "okunmadan yanıtlanmış olabilir."),
        "duplicate_submission": ("Tüm {n_items} maddeye, aynı okuldan {other_id} katılımcısıyla (satır "
                                 "{other_row}) tamamen aynı yanıtlar verilmiş ve ikisi {minutes} dakika arayla "
                                 "gönderilmiş; aynı yanıt iki kez girilmiş olabilir."),
    },
}


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


def _number(value: float, language: str) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if language == "tr" else text


def warning_text(key: str, params: Mapping[str, Any], language: str = "en") -> str:
    """The message of a warning: the template ``MESSAGES[language][key]`` filled with ``params``.

    Parameters
    ----------
    key
        A check name, or ``<check>.<variant>`` (see `MESSAGES`).
    params
        The template's fields; wave codes are spelled out and decimals written the language's way.
    language
        ``"en"`` or ``"tr"``.
    """
    if language not in MESSAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    values = {}
    for name, value in params.items():
        if name in _WAVE_PARAMS:
            value = WAVE_LABELS[language].get(str(value), value)
        elif isinstance(value, float):
            value = _number(value, language)
        values[name] = value
    return MESSAGES[language][key].format(**values)
