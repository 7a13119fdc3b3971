"""Pseudonymisation: student and respondent ids replaced by keyed hashes right after reading.

Exam and survey data are personal data of minors (KVKK in Turkey, the GDPR for Erasmus+
partners). With ``pseudonymize: true`` in the plan (or ``evaluation validate --pseudonymize``)
every id column of every table (`ID_COLUMNS`, and any other column holding a national ID number,
`evaluation.io.national_ids`) is replaced, before any rule runs or anything is written, by::

    p_ + the first 16 hex digits of HMAC-SHA256(key, id as written, UTF-8)

The same id gets the same pseudonym in every table and every wave as long as the key stays the
same, so students still link across exams, surveys and years; without the key nobody can go
back from a pseudonym to the id, nor check a guessed id against it (64 bits: a million students
meet a collision about once in 30 million data sets).

The key is read from the environment, never from the plan, a notebook parameter or any file the
workbench writes: `KEY_VARIABLE` holds the key itself, or `KEY_FILE_VARIABLE` the path of a file
holding it (its bytes, a final line break left out). Only one of the two may be set. The key
must have at least `MIN_KEY_BYTES` bytes (``python -c "import secrets; print(secrets.token_hex(32))"``
makes one), and a key file must not lie inside a git repository (the workbench's own checkout
included) or the data folder, where it could be committed or sent along with the data.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from evaluation.errors import PseudonymKeyError
from evaluation.io.national_ids import national_id_counts
from evaluation.resources import CHECKOUT

#: The environment variable holding the key itself.
KEY_VARIABLE = "EVALUATION_PSEUDONYM_KEY"
#: The environment variable holding the path of a file with the key.
KEY_FILE_VARIABLE = "EVALUATION_PSEUDONYM_KEY_FILE"
#: The shortest key accepted, in bytes.
MIN_KEY_BYTES = 32
#: Pseudonyms are this prefix and this many hex digits of the HMAC.
PREFIX = "p_"
LENGTH = 16
#: Columns holding the ids of people, pseudonymised whenever pseudonymisation is on.
ID_COLUMNS = ("student_id", "respondent_id")
_BLOCK = 64  # SHA-256's block size, in bytes

_HOW = (
    f"set {KEY_VARIABLE} to a key of at least {MIN_KEY_BYTES} bytes, or {KEY_FILE_VARIABLE} to the path of a file "
    "holding one (outside any git repository and the data folder); "
    'python -c "import secrets; print(secrets.token_hex(32))" makes a key'
)


class Pseudonymizer:
    """Turns ids into pseudonyms with one key (`pseudonym`, `pseudonymize_table`).

    The key is kept out of ``repr`` and cannot be pickled, so it reaches no output by accident.
    """

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise PseudonymKeyError(f"the pseudonymisation key has {len(key)} bytes, under {MIN_KEY_BYTES}; {_HOW}")
        # HMAC (RFC 2104) with the two keyed SHA-256 states made once: each pseudonym then costs
        # two copies and two updates, half the time of hmac.digest (tests/io check it against hmac)
        block = hashlib.sha256(key).digest() if len(key) > _BLOCK else bytes(key)
        block = block.ljust(_BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in block))
        self._outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in block))

    def __repr__(self) -> str:
        return "Pseudonymizer(key=<hidden>)"

    def __reduce__(self):
        raise TypeError("a Pseudonymizer holds the key and is never pickled")

    def pseudonym(self, text: str) -> str:
        """``p_`` and the first 16 hex digits of HMAC-SHA256(key, text as UTF-8)."""
        inner = self._inner.copy()
        inner.update(str(text).encode("utf-8"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return PREFIX + outer.hexdigest()[:LENGTH]

    def pseudonymize(self, values: pd.Series) -> pd.Series:
        """A column of strings with each value replaced by its pseudonym; missing cells stay
        missing. Each distinct value is hashed once, so the time is linear in the column."""
        import pyarrow as pa
        import pyarrow.compute as pc

        codes, distinct = pd.factorize(values)
        if not len(distinct):
            return values
        pseudonyms = pa.array([self.pseudonym(value) for value in distinct], pa.large_string())
        taken = pc.take(pseudonyms, pa.array(codes, mask=codes < 0))
        return pd.Series(pd.array(taken, dtype="str"), index=values.index, name=values.name)

    def pseudonymize_table(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A frame of strings (as read) with its id columns (`ID_COLUMNS`) and every column holding
        a national ID number replaced by pseudonyms, whole."""
        columns = [column for column in frame.columns if column in ID_COLUMNS]
        columns += [column for column in national_id_counts(frame) if column in frame.columns]
        if not columns:
            return frame
        frame = frame.copy()
        for column in dict.fromkeys(columns):
            frame[column] = self.pseudonymize(frame[column])
        return frame


def load_key(protected: Mapping[str, Path] | None = None, environ: Mapping[str, str] | None = None) -> bytes:
    """The pseudonymisation key from the environment (`KEY_VARIABLE` or `KEY_FILE_VARIABLE`).

    Parameters
    ----------
    protected
        Folders the key file must not lie in, by what messages call them (``{"the data folder":
        data_dir}``); git repositories and the workbench's checkout are refused always.
    environ
        The environment (default: ``os.environ``).

    Raises
    ------
    PseudonymKeyError
        No key or both variables are set, the key file cannot be read or lies where it must not,
        or the key is shorter than `MIN_KEY_BYTES`. The message never shows the key.
    """
    environ = os.environ if environ is None else environ
    key, key_file = environ.get(KEY_VARIABLE), environ.get(KEY_FILE_VARIABLE)
    if key and key_file:
        raise PseudonymKeyError(f"both {KEY_VARIABLE} and {KEY_FILE_VARIABLE} are set; set one of them")
    if key:
        return _checked(key.encode("utf-8"), KEY_VARIABLE)
    if not key_file:
        raise PseudonymKeyError(f"pseudonymisation needs a key, and none is set: {_HOW}")
    path = Path(key_file).expanduser()
    where = _forbidden_place(path, protected or {})
    if where:
        raise PseudonymKeyError(
            f"{KEY_FILE_VARIABLE} names a key file inside {where}, where it could be committed or sent along with "
            "the data; keep the key file elsewhere (such as ~/.config/evaluation/pseudonym.key, readable by you only)"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PseudonymKeyError(
            f"{KEY_FILE_VARIABLE}: cannot read the key file {path} ({error.strerror or type(error).__name__})"
        ) from None
    return _checked(data.removesuffix(b"\n").removesuffix(b"\r"), f"the key file {path}")


def pseudonymizer_from_environment(protected: Mapping[str, Path] | None = None) -> Pseudonymizer:
    """A `Pseudonymizer` with the key of `load_key`."""
    return Pseudonymizer(load_key(protected))


def _checked(key: bytes, source: str) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(
            f"the pseudonymisation key in {source} has {len(key)} bytes, under the {MIN_KEY_BYTES} needed; {_HOW}"
        )
    return key


def _forbidden_place(path: Path, protected: Mapping[str, Path]) -> str | None:
    """Why ``path`` (as written and with its links resolved) is no place for a key file: inside
    a protected folder, the workbench's checkout or a git repository; None when it is fine."""
    places = {Path(os.path.abspath(path)), path.resolve()}
    for name, folder in protected.items():
        for root in {Path(os.path.abspath(folder)), Path(folder).resolve()}:
            if any(place.is_relative_to(root) for place in places):
                return f"{name} {folder}"
    if any(place.is_relative_to(CHECKOUT) for place in places):
        return f"the workbench's folder {CHECKOUT}"
    for place in places:
        for parent in place.parents:
            if (parent / ".git").exists():
                return f"the git repository {parent}"
    return None
