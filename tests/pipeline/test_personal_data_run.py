"""A run with ``pseudonymize: true`` caches pseudonymised tables only, and the demo programme's ids are
pseudonymous by construction (none passes the national ID check)."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pandas as pd
import pytest

from evaluation.config.plan import load_plan
from evaluation.demo.students import pseudonymous_ids
from evaluation.io.national_ids import national_id_counts
from evaluation.io.reading import read_table
from evaluation.steps import workspace

from conftest import plan_for
from fixtures import valid_tables, write_data_dir

KEY = "pseudonym-key-for-the-tests-0123456789abcdef"


def pseudonym(text: str) -> str:
    return "p_" + hmac.new(KEY.encode(), text.encode(), hashlib.sha256).hexdigest()[:16]


def test_demo_ids_carry_a_letter_so_they_are_never_national_ids():
    import numpy as np

    ids = pseudonymous_ids(np.random.default_rng(1), "S", 200_000, 6)
    assert all(value[0] == "S" and value[1:].isdigit() for value in ids[:1000])
    assert national_id_counts(pd.DataFrame({"student_id": ids}, dtype="str")) == {}


def test_the_demo_programme_holds_no_national_id(demo_data: Path):
    files = sorted(path for path in demo_data.rglob("*.csv"))
    assert len(files) == 7
    for path in files:
        assert national_id_counts(read_table(path)) == {}, path


@pytest.mark.slow
def test_prepare_caches_pseudonymised_tables_and_revalidates_when_the_setting_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALUATION_PSEUDONYM_KEY", KEY)
    monkeypatch.delenv("EVALUATION_PSEUDONYM_KEY_FILE", raising=False)
    tables = valid_tables()
    data = write_data_dir(tmp_path / "data", {key: tables[key] for key in ("schools", "students", "exam_results")})
    out = tmp_path / "out"
    # the data has exam results only, so the plan's outcomes are exams (a survey outcome needs its survey)
    exams = [{"id": "mathematics", "source": "exam", "subject": "mathematics", "domain": "academic"}]
    plan = load_plan(plan_for(data, tmp_path, pseudonymize=True, outcomes=exams))
    assert plan.pseudonymize is True
    workspace.prepare(plan, out)
    cached = pd.read_parquet(out / "restricted" / "work" / "accepted" / "students.parquet")
    assert list(cached["student_id"]) == [pseudonym(row["student_id"]) for row in tables["students"]]
    manifest = json.loads((out / "restricted" / "work" / "accepted" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["pseudonymized"] is True
    assert KEY not in "".join(path.read_bytes().decode("utf-8", "replace") for path in out.rglob("*") if path.is_file())
    assert set(workspace.load_accepted(plan, out)["exam_results"]["student_id"]) == set(cached["student_id"])
    plain = load_plan(
        plan_for(data, tmp_path, outcomes=exams)
    )  # the same data without pseudonymisation: validated afresh
    assert set(workspace.load_accepted(plain, out)["students"]["student_id"]) == {f"ST0{i}" for i in range(1, 9)}
