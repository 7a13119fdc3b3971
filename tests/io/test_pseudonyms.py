"""Pseudonymisation of ids with a keyed hash, and where its key may come from (evaluation.io.pseudonyms)."""

from __future__ import annotations

import hashlib
import hmac
import pickle
from pathlib import Path

import pandas as pd
import pytest

from evaluation.errors import EXIT_BAD_PLAN, PseudonymKeyError
from evaluation.io.pseudonyms import (
    KEY_FILE_VARIABLE,
    KEY_VARIABLE,
    MIN_KEY_BYTES,
    Pseudonymizer,
    load_key,
)
from evaluation.resources import CHECKOUT

KEY = "a-test-key-of-forty-bytes-0123456789abcd"
HOW = (
    "set EVALUATION_PSEUDONYM_KEY to a key of at least 32 bytes, or EVALUATION_PSEUDONYM_KEY_FILE to the path of a "
    "file holding one (outside any git repository and the data folder); "
    'python -c "import secrets; print(secrets.token_hex(32))" makes a key'
)


def reference(key: bytes, text: str) -> str:
    """The documented pseudonym: p_ and the first 16 hex digits of HMAC-SHA256(key, text)."""
    return "p_" + hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


@pytest.mark.parametrize("key", [KEY.encode(), bytes(range(64)), bytes(range(100)), "şğüİ".encode() * 8])
@pytest.mark.parametrize("text", ["ST01", "", "Öğrenci 7", "10000000146"])
def test_a_pseudonym_is_the_truncated_hmac_sha256(key: bytes, text: str) -> None:
    assert len(key) >= MIN_KEY_BYTES == 32
    assert Pseudonymizer(key).pseudonym(text) == reference(key, text)


def test_a_column_is_pseudonymised_value_by_value_and_missing_stays_missing() -> None:
    values = pd.Series(["ST01", None, "ST02", "ST01"], index=[2, 3, 4, 5], name="student_id", dtype="str")
    pseudonymized = Pseudonymizer(KEY.encode()).pseudonymize(values)
    assert pseudonymized.dtype == values.dtype and pseudonymized.name == "student_id"
    assert list(pseudonymized.index) == [2, 3, 4, 5]
    assert pseudonymized[2] == pseudonymized[5] == reference(KEY.encode(), "ST01")
    assert pseudonymized[4] == reference(KEY.encode(), "ST02")
    assert pd.isna(pseudonymized[3])
    assert Pseudonymizer(("another" + KEY).encode()).pseudonym("ST01") != pseudonymized[2]


def test_a_table_gets_its_id_columns_and_national_id_columns_pseudonymised() -> None:
    frame = pd.DataFrame(
        {
            "student_id": ["ST01", "ST02"],
            "school_id": ["S01", "S02"],
            "respondent_id": ["ST01", None],
            "veli_tc": ["10000000146", "kayıp"],  # a column holding a national ID is pseudonymised whole
            "score": ["72.5", "90"],
        },
        dtype="str",
    )
    out = Pseudonymizer(KEY.encode()).pseudonymize_table(frame)
    key = KEY.encode()
    assert list(out["student_id"]) == [reference(key, "ST01"), reference(key, "ST02")]
    assert out.loc[0, "respondent_id"] == out.loc[0, "student_id"]  # the same id links across columns
    assert list(out["veli_tc"]) == [reference(key, "10000000146"), reference(key, "kayıp")]
    assert out[["school_id", "score"]].equals(frame[["school_id", "score"]])
    assert frame.loc[0, "student_id"] == "ST01"  # the frame given is left as it was


def test_the_key_is_never_shown_nor_pickled() -> None:
    pseudonymizer = Pseudonymizer(KEY.encode())
    assert repr(pseudonymizer) == "Pseudonymizer(key=<hidden>)"
    with pytest.raises(TypeError, match="never pickled"):
        pickle.dumps(pseudonymizer)


# --- the key ------------------------------------------------------------------------------------


def refused(environ: dict[str, str], protected: dict[str, Path] | None = None) -> str:
    with pytest.raises(PseudonymKeyError) as raised:
        load_key(protected, environ=environ)
    assert raised.value.exit_code == EXIT_BAD_PLAN == 3
    assert KEY not in str(raised.value)
    return str(raised.value)


def test_the_key_comes_from_the_environment_variable() -> None:
    assert KEY_VARIABLE == "EVALUATION_PSEUDONYM_KEY"
    assert load_key(environ={KEY_VARIABLE: KEY}) == KEY.encode()


def test_or_from_a_key_file_without_its_final_line_break(tmp_path: Path) -> None:
    assert KEY_FILE_VARIABLE == "EVALUATION_PSEUDONYM_KEY_FILE"
    path = tmp_path / "keys" / "pseudonym.key"
    path.parent.mkdir()
    path.write_bytes(KEY.encode() + b"\r\n")
    assert load_key({"the data folder": tmp_path / "data"}, environ={KEY_FILE_VARIABLE: str(path)}) == KEY.encode()


def test_no_key_is_refused() -> None:
    assert refused({}) == f"pseudonymisation needs a key, and none is set: {HOW}"
    assert refused({KEY_VARIABLE: ""}) == f"pseudonymisation needs a key, and none is set: {HOW}"


def test_a_short_key_is_refused(tmp_path: Path) -> None:
    assert refused({KEY_VARIABLE: "x" * 31}) == (
        f"the pseudonymisation key in EVALUATION_PSEUDONYM_KEY has 31 bytes, under the 32 needed; {HOW}"
    )
    path = tmp_path / "short.key"
    path.write_text("x" * 20 + "\n", encoding="utf-8")
    assert refused({KEY_FILE_VARIABLE: str(path)}) == (
        f"the pseudonymisation key in the key file {path} has 20 bytes, under the 32 needed; {HOW}"
    )


def test_two_keys_are_refused(tmp_path: Path) -> None:
    assert refused({KEY_VARIABLE: KEY, KEY_FILE_VARIABLE: str(tmp_path / "k")}) == (
        "both EVALUATION_PSEUDONYM_KEY and EVALUATION_PSEUDONYM_KEY_FILE are set; set one of them"
    )


def test_a_missing_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.key"
    assert refused({KEY_FILE_VARIABLE: str(path)}) == (
        f"EVALUATION_PSEUDONYM_KEY_FILE: cannot read the key file {path} (No such file or directory)"
    )


ELSEWHERE = (
    "where it could be committed or sent along with the data; keep the key file elsewhere (such as "
    "~/.config/evaluation/pseudonym.key, readable by you only)"
)


def test_a_key_file_in_the_data_folder_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "surveys").mkdir(parents=True)
    path = data / "surveys" / "pseudonym.key"
    path.write_text(KEY, encoding="utf-8")
    assert refused({KEY_FILE_VARIABLE: str(path)}, {"the data folder": data}) == (
        f"EVALUATION_PSEUDONYM_KEY_FILE names a key file inside the data folder {data}, {ELSEWHERE}"
    )


def test_a_key_file_linked_into_the_data_folder_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "pseudonym.key").write_text(KEY, encoding="utf-8")
    link = tmp_path / "pseudonym.key"
    link.symlink_to(data / "pseudonym.key")
    assert refused({KEY_FILE_VARIABLE: str(link)}, {"the data folder": data}) == (
        f"EVALUATION_PSEUDONYM_KEY_FILE names a key file inside the data folder {data}, {ELSEWHERE}"
    )


def test_a_key_file_in_a_git_repository_is_refused(tmp_path: Path) -> None:
    repository = tmp_path / "plans"
    (repository / ".git").mkdir(parents=True)
    (repository / "secrets").mkdir()
    path = repository / "secrets" / "pseudonym.key"
    path.write_text(KEY, encoding="utf-8")
    assert refused({KEY_FILE_VARIABLE: str(path)}) == (
        f"EVALUATION_PSEUDONYM_KEY_FILE names a key file inside the git repository {repository}, {ELSEWHERE}"
    )


def test_a_key_file_in_the_workbench_is_refused() -> None:
    path = CHECKOUT / "pseudonym.key"  # never created: the place is refused before the file is read
    assert refused({KEY_FILE_VARIABLE: str(path)}) == (
        f"EVALUATION_PSEUDONYM_KEY_FILE names a key file inside the workbench's folder {CHECKOUT}, {ELSEWHERE}"
    )
