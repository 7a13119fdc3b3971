"""Nothing of a child's identity reaches the shared half of a run's output: the whole pipeline, in
English and in Turkish, on the demo data with its student and respondent ids, with names and
e-mail addresses added, and (in the pseudonymised run) Turkish national ID numbers; every file
under OUT/shared/ (HTML, the PDF's text, CSV, JSON, text) is scanned for each of them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.pipeline import run_plan

from conftest import plan_for

pytestmark = pytest.mark.slow  # two whole runs of the pipeline

KEY = "a-pseudonym-key-for-the-privacy-test-0123456789"


def national_id(rng: np.random.Generator) -> str:
    """An 11-digit number with a valid T.C. Kimlik checksum."""
    digits = [int(rng.integers(1, 10)), *(int(d) for d in rng.integers(0, 10, size=8))]
    digits.append(((sum(digits[0:9:2]) * 7) - sum(digits[1:8:2])) % 10)
    digits.append(sum(digits) % 10)
    return "".join(map(str, digits))


def with_personal_data(demo_data: Path, folder: Path, national_ids: bool) -> tuple[Path, dict[str, set[str]]]:
    """A copy of the demo data whose roster carries names, e-mail addresses and (optionally)
    national ID numbers; returns it with the identifying strings to look for."""
    data = shutil.copytree(demo_data, folder)
    students = pd.read_csv(data / "students.csv", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(11)
    students["ad_soyad"] = [f"Adıkız{i} Soyadoğlu{i}" for i in range(len(students))]
    students["e_posta"] = [f"ogrenci{i}@okul{i}.k12.tr" for i in range(len(students))]
    if national_ids:
        students["tc_kimlik_no"] = [national_id(rng) for _ in range(len(students))]
    students.to_csv(data / "students.csv", index=False)
    ids = set(students["student_id"])
    for survey in (data / "surveys").glob("*.csv"):
        ids |= set(pd.read_csv(survey, dtype=str)["respondent_id"])
    needles = {
        "ids": ids,
        "names": {part for name in students["ad_soyad"] for part in name.split()},
        "e-mail addresses": set(students["e_posta"]),
        "national IDs": set(students.get("tc_kimlik_no", [])),
    }
    return data, needles


def readable_text(path: Path) -> str:
    if path.suffix == ".pdf":
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    if path.suffix in (".png", ".jpg"):
        return ""  # charts: drawn from aggregates (their labels are outcome and group names)
    return path.read_bytes().decode("utf-8", errors="replace")


def hits(folder: Path, needles: dict[str, set[str]]) -> dict[str, list[str]]:
    """Per kind of needle, the 'file: value' pairs found under `folder` (tokens of words, e-mail
    addresses whole)."""
    found: dict[str, list[str]] = {kind: [] for kind in needles}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = readable_text(path)
        tokens = set(re.findall(r"[\w.@+-]+", text)) | set(re.findall(r"\w+", text))
        for kind, values in needles.items():
            found[kind] += [f"{path.relative_to(folder)}: {value}" for value in sorted(values & tokens)[:5]]
    return found


@pytest.mark.parametrize(("language", "national_ids"), [("en", True), ("tr", False)])
def test_the_shared_folder_holds_no_id_name_or_national_id(
    demo_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str, national_ids: bool
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is needed to read report.pdf: apt-get install poppler-utils")
    data, needles = with_personal_data(demo_data, tmp_path / "data", national_ids)
    monkeypatch.setenv("EVALUATION_PSEUDONYM_KEY", KEY)
    monkeypatch.delenv("EVALUATION_PSEUDONYM_KEY_FILE", raising=False)
    plan = plan_for(data, tmp_path, language=language, pseudonymize=national_ids)
    out = run_plan(plan, tmp_path / "out")
    shared = out / "shared"
    kinds = {path.suffix for path in shared.rglob("*") if path.is_file()}
    assert {".html", ".pdf", ".csv", ".txt"} <= kinds
    assert hits(shared, needles) == {kind: [] for kind in needles}
    restricted = hits(out / "restricted", {"ids": needles["ids"], "national IDs": needles["national IDs"]})
    if national_ids:  # pseudonymised: not even the restricted half holds a raw id
        assert restricted == {"ids": [], "national IDs": []}
    else:  # the scan finds what is there: the restricted half holds the ids (fix lists, notebooks)
        assert restricted["ids"], "the scan found no id even where they are"
    # and never the key
    assert KEY not in "".join(readable_text(p) for p in out.rglob("*") if p.is_file() and p.suffix != ".parquet")
    assert json.loads((out / "restricted" / "validation" / "status.json").read_text())["quarantined"] == 0
