"""Matching what Turkish schools type: Turkish-aware case folding, Turkish headers and labels.

Excel files from Turkish-locale machines write headers such as ``Okul Kodu`` or ``ÖĞRENCİ NO``
and labels such as ``Ön test``, ``K``/``E`` or ``Kesinlikle katılıyorum``; people also type them
without Turkish letters (``Ogrenci No``, ``on test``). Everything here matches on a *match key*:
lower-cased the Turkish way (``I`` -> ``ı``, ``İ`` -> ``i``; Python's own ``lower`` turns ``İ``
into ``i̇``), then with the Turkish letters folded to their ASCII base (ı ö ü ş ç ğ -> i o u s c g)
and spaces, hyphens, underscores and dots collapsed to one space. ``ÖĞRENCİ NO``,
``öğrenci_no`` and ``Ogrenci No`` all have the key ``ogrenci no``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

import pandas as pd

_UPPER_TO_LOWER = str.maketrans({"I": "ı", "İ": "i"})
_TO_ASCII = str.maketrans({"ı": "i", "ö": "o", "ü": "u", "ş": "s", "ç": "c", "ğ": "g", "â": "a", "î": "i", "û": "u"})
_SEPARATORS = re.compile(r"[\s_\-.]+")


def lower_tr(text: str) -> str:
    """Lower case the Turkish way: ``I`` -> ``ı``, ``İ`` -> ``i`` (``"ISPARTA"`` -> ``"ısparta"``)."""
    return unicodedata.normalize("NFC", text).translate(_UPPER_TO_LOWER).lower()


def match_key(text: object) -> str:
    """The key two spellings of one header or label share (see the module docstring)."""
    folded = lower_tr(str(text)).translate(_TO_ASCII)
    return _SEPARATORS.sub(" ", folded).strip()


def lookup(pairs: Mapping[str, str], canonical: Iterable[str] = ()) -> dict[str, str]:
    """A match-key lookup: each spelling in ``pairs`` to its canonical value, and each canonical
    value to itself (so ``PRE`` and ``Pre`` are read as ``pre``)."""
    table = {match_key(value): value for value in canonical}
    table.update({match_key(spelling): value for spelling, value in pairs.items()})
    return table


def canonicalise(values: pd.Series, table: Mapping[str, str]) -> pd.Series:
    """Replace every value whose match key is in ``table`` by its canonical value; other values
    (which the contract's rules will then report) and missing cells are left as they are."""
    if not table or values.isna().all():
        return values
    changes = {}
    for value in values.dropna().unique():
        canonical = table.get(match_key(value))
        if canonical is not None and canonical != value:
            changes[value] = canonical
    if not changes:  # the common case: every value is already canonical or unknown
        return values
    mapped = values.map(changes)
    return mapped.where(mapped.notna(), values).astype(values.dtype)


#: Headers schools write for each canonical column: the Turkish names, and English ones that are
#: not the canonical name with spaces (those match anyway). Matched by `match_key`.
HEADER_SPELLINGS: dict[str, tuple[str, ...]] = {
    "school_id": ("okul kodu", "kurum kodu", "okul no", "okul id", "school code"),
    "school_name": ("okul adı", "kurum adı", "okul", "school"),
    "province": ("il",),
    "country": ("ülke",),
    "school_type": ("okul türü", "kurum türü"),
    "group": ("grup",),
    "partnership_id": ("ortaklık kodu", "ortaklık no", "ortaklık", "partnership"),
    "resource_level": ("kaynak düzeyi",),
    "student_id": ("öğrenci no", "öğrenci numarası", "öğrenci kodu", "öğrenci id"),
    "grade": ("sınıf", "sınıf düzeyi"),
    "sex": ("cinsiyet", "cinsiyeti", "gender"),
    "special_needs": ("özel gereksinim", "özel gereksinimli", "özel eğitim"),
    "migrant_refugee": ("göçmen mülteci", "göçmen", "mülteci"),
    "exam_id": ("sınav kodu", "sınav"),
    "wave": ("uygulama", "ölçüm", "test"),
    "subject": ("ders", "alan"),
    "score": ("puan", "not"),
    "exam_date": ("sınav tarihi",),
    "n_items": ("soru sayısı",),
    "correct": ("doğru", "doğru sayısı"),
    "wrong": ("yanlış", "yanlış sayısı"),
    "blank": ("boş", "boş sayısı"),
    "test_id": ("test kodu", "test adı"),
    "item": ("madde", "madde no", "soru", "soru no"),
    "max_score": ("tam puan", "en yüksek puan", "maksimum puan"),
    "respondent_id": ("katılımcı no", "katılımcı kodu", "katılımcı", "yanıtlayan"),
    "role": ("rol", "görev"),
    # Microsoft Forms exports: "Start time" and "Completion time" (Turkish: "Başlangıç saati",
    # "Tamamlanma saati"), so that the speeding check has both times
    "submitted_at": ("zaman damgası", "gönderim zamanı", "timestamp", "completion time", "tamamlanma saati"),
    "started_at": ("başlama zamanı", "başlangıç zamanı", "start time", "başlangıç saati"),
    "activity_no": ("faaliyet no", "etkinlik no", "sıra no"),
    "activity_type": ("faaliyet türü", "etkinlik türü"),
    "planned_month": ("planlanan ay",),
    "status": ("durum", "durumu"),
    "completed_on": ("tamamlanma tarihi", "gerçekleşme tarihi"),
    "participants_students": ("katılan öğrenci sayısı", "öğrenci katılımcı"),
    "participants_teachers": ("katılan öğretmen sayısı", "öğretmen katılımcı"),
    "year": ("yıl",),
    "indicator": ("gösterge",),
    "value": ("değer",),
    # personal data no contract names (`PERSONAL_COLUMNS`): recognised, to be dropped whatever the spelling
    "name": ("ad soyad", "adı soyadı", "ad soyadı", "isim", "isim soyisim", "full name"),
    "student_name": ("öğrenci adı", "öğrenci adı soyadı", "öğrencinin adı soyadı", "öğrenci ad soyad"),
    "email": ("e posta", "e posta adresi", "eposta", "e mail", "mail", "email address"),
}

#: Columns of names and e-mail addresses schools send along: no data contract names them, so
#: validation drops them with every other column its contract does not name, before any rule
#: runs, and they reach no output (tests/validation/test_personal_data.py checks both).
PERSONAL_COLUMNS = ("name", "student_name", "email")

HEADERS: dict[str, str] = {
    **{match_key(canonical): canonical for canonical in HEADER_SPELLINGS},
    **{match_key(spelling): canonical for canonical, spellings in HEADER_SPELLINGS.items() for spelling in spellings},
}


def canonical_header(name: object) -> str:
    """The canonical column name of a header cell: a known Turkish or English spelling gives its
    column (``Öğrenci No`` -> ``student_id``); any other header is lower-cased the Turkish way
    and folded to ASCII, keeping its separators (``BEL_1`` -> ``bel_1``)."""
    text = str(name).replace("\ufeff", "").strip()
    known = HEADERS.get(match_key(text))
    return known if known is not None else lower_tr(text).translate(_TO_ASCII)


#: The Turkish alphabet in its order, lower case, with q, w and x (foreign names) where the Latin
#: alphabet has them.
_ALPHABET = "abcçdefgğhıijklmnoöpqrsştuüvwxyz"
_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}


def sort_key(text: object) -> tuple:
    """A key that orders names as a Turkish dictionary does (the CLDR ``tr`` collation): ç after c,
    ğ after g, ı before i, ö after o, ş after s, ü after u; case ignored the Turkish way (``I`` is
    ı, ``İ`` is i); a letter with another accent (â, î, û, é) with its base letter, after it when
    all else is equal; spaces and punctuation before digits, digits before letters. Names equal
    but for case or accents are ordered by their text, so the order is always the same.

    ``sorted(["Ödemiş", "Ortaca", "Çorum", "Ceyhan", "Iğdır", "İzmir"], key=sort_key)`` gives
    Ceyhan, Çorum, Iğdır, İzmir, Ortaca, Ödemiş (Python's own order puts Ç, İ and Ö after Z).
    """
    primary, secondary = [], []
    for character in lower_tr(str(text)):
        if character in _RANK:
            primary.append((2, _RANK[character]))
            secondary.append(0)
            continue
        base = unicodedata.normalize("NFD", character)[0]
        if base in _RANK:  # â, î, û, é: the base letter, the accent second
            primary.append((2, _RANK[base]))
            secondary.append(1)
        elif base.isdigit():
            primary.append((1, unicodedata.digit(base, 0)))
            secondary.append(0)
        elif base.isalpha():  # letters of other alphabets after the Turkish ones
            primary.append((3, ord(base)))
            secondary.append(0)
        else:
            primary.append((0, ord(base)))
            secondary.append(0)
    return tuple(primary), tuple(secondary), str(text)
