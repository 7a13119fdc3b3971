"""Turkish national ID numbers (T.C. Kimlik No) in a table: found without ever showing one.

A T.C. Kimlik No has 11 digits, the first not 0, and two check digits::

    d10 = ((d1 + d3 + d5 + d7 + d9) * 7 - (d2 + d4 + d6 + d8)) mod 10
    d11 = (d1 + d2 + ... + d10) mod 10

About one 11-digit number in a hundred passes by chance, so a column of pseudonymous 11-digit
student numbers may be caught too; ids with letters (``S004512``, ``p_3f9c...``) never are.

`national_id_counts` looks through every column of a frame of strings in time linear in its
size (10 million cells in a few seconds): the distinct values of a column are found first, only
those of exactly 11 ASCII digits are checked, digit by digit as arrays. Messages name the column
and the count, never a value; `mask_national_ids` takes them out of a free text (an error message
that quotes a cell) in case one slipped in.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

#: What replaces a national ID number in a text (`mask_national_ids`).
MASK = "<national ID number>"

_ELEVEN_DIGITS = r"[0-9]{11}"
_IN_TEXT = re.compile(r"(?<![0-9])[1-9][0-9]{10}(?![0-9])")


def valid_national_ids(values: np.ndarray | list[str]) -> np.ndarray:
    """Which of ``values`` (texts of exactly 11 ASCII digits each) pass the T.C. Kimlik checksum:
    a boolean array, computed on all of them at once."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    digits = np.frombuffer("".join(values).encode("ascii"), dtype=np.uint8).reshape(-1, 11).astype(np.int64) - 48
    odd = digits[:, 0:9:2].sum(axis=1)  # d1, d3, d5, d7, d9
    even = digits[:, 1:8:2].sum(axis=1)  # d2, d4, d6, d8
    return (
        (digits[:, 0] != 0)
        & (digits[:, 9] == (odd * 7 - even) % 10)
        & (digits[:, 10] == digits[:, :10].sum(axis=1) % 10)
    )


def is_national_id(text: object) -> bool:
    """True when ``text`` is an 11-digit number that passes the T.C. Kimlik checksum."""
    value = str(text)
    if not re.fullmatch(_ELEVEN_DIGITS, value) or value[0] == "0":
        return False
    d = [int(character) for character in value]
    return (
        d[9] == ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
        and d[10] == sum(d[:10]) % 10
    )


def national_id_values(values: pd.Series) -> pd.Series:
    """The national ID numbers of a column of strings: each distinct one with the number of cells
    holding it (empty when there is none).

    Only cells of exactly 11 bytes are looked at further (their length is read from Arrow's
    offsets, without touching the text); of those, the distinct ones of 11 ASCII digits get the
    checksum (`valid_national_ids`)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        array = pa.array(values.array, from_pandas=True)  # no copy for Arrow-backed strings
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = pa.array(values.astype("str").array, from_pandas=True)
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = array.cast(pa.large_string())
    eleven = pc.fill_null(pc.equal(pc.binary_length(array), 11), False)
    if not pc.any(eleven).as_py():
        return pd.Series([], dtype="int64")
    counts = pd.Series(pc.filter(array, eleven).to_pandas()).value_counts()
    digits = counts.index.astype("str").str.fullmatch(_ELEVEN_DIGITS)
    counts = counts[np.asarray(digits, dtype=bool)] if len(counts) else counts
    return counts[valid_national_ids(counts.index.astype("str").tolist())]


def national_id_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Per column of a frame of strings (as `evaluation.io.reading.read_table` gives), how many of
    its cells hold a national ID number; columns without any are left out. A header that is
    itself a national ID number (a file whose header row is missing) counts as one, under the
    name ``column <position>``."""
    counts: dict[str, int] = {}
    for position, name in enumerate(frame.columns, start=1):
        n = int(national_id_values(frame.iloc[:, position - 1]).sum())
        if is_national_id(name):
            name, n = f"column {position}", n + 1
        if n:
            counts[str(name)] = n
    return counts


def mask_national_ids(text: str) -> str:
    """``text`` with every 11-digit number that passes the checksum replaced by `MASK`."""
    return _IN_TEXT.sub(lambda match: MASK if is_national_id(match.group()) else match.group(), text)
