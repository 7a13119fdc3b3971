"""A run is all or nothing: it writes into a folder beside the output folder and swaps it in
when it is complete. Killed at any point, it leaves the previous output as it was, and its
partial output marked INCOMPLETE.txt, which the next run removes and says so."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evaluation.pipeline import INCOMPLETE, staging_folder, swap_in

from conftest import plan_for

pytestmark = pytest.mark.slow  # runs the pipeline four times (three of them cut short)

EVALUATION = Path(sys.executable).parent / "evaluation"
MATHS = {"id": "mathematics", "source": "exam", "subject": "mathematics", "domain": "academic"}


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run_until(plan: Path, out: Path, marker: str, timeout: float = 300) -> None:
    """Start `evaluation run` and kill it (and its kernels) once `marker` exists in the staging
    folder."""
    process = subprocess.Popen(
        [str(EVALUATION), "run", str(plan), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    target = staging_folder(out) / marker
    deadline = time.monotonic() + timeout
    try:
        while not target.exists():
            assert process.poll() is None, f"the run ended before {marker} appeared"
            assert time.monotonic() < deadline, f"{marker} did not appear"
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_a_killed_run_leaves_the_previous_output_untouched(demo_data: Path, tmp_path: Path) -> None:
    plan = plan_for(demo_data, tmp_path, outcomes=[MATHS], subgroups=[])
    out = tmp_path / "out"
    (out / "shared" / "results").mkdir(parents=True)  # the previous run's output, as a reader has it
    (out / "shared" / "report.html").write_text("<p>last year's report</p>", encoding="utf-8")
    (out / "shared" / "results" / "effects.csv").write_text("analysis,outcome\n", encoding="utf-8")
    before = snapshot(out)
    for marker in (
        "restricted/notebooks/01-validation.ipynb",
        "restricted/validation/status.json",
        "shared/report.html",
    ):
        run_until(plan, out, marker)
        assert snapshot(out) == before, f"killed once {marker} was written"
        staging = staging_folder(out)
        assert (staging / INCOMPLETE).is_file() and (staging / marker).exists()
        assert str(out) in (staging / INCOMPLETE).read_text(encoding="utf-8")
    finished = subprocess.run(
        [str(EVALUATION), "run", str(plan), "--out", str(out)], capture_output=True, text=True, timeout=600
    )
    assert finished.returncode == 0, finished.stderr
    assert f"An earlier run into {out} did not finish" in finished.stdout
    assert not staging_folder(out).exists()
    assert (out / "shared" / "report.pdf").is_file() and not (out / INCOMPLETE).exists()
    assert "last year's report" not in (out / "shared" / "report.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "plan.yaml"]


def test_swap_in_replaces_the_output_in_one_step(tmp_path: Path) -> None:
    final, staging = tmp_path / "out", staging_folder(tmp_path / "out")
    final.mkdir()
    (final / "old.txt").write_text("old", encoding="utf-8")
    staging.mkdir()
    (staging / "new.txt").write_text("new", encoding="utf-8")
    (staging / INCOMPLETE).write_text("not yet", encoding="utf-8")
    swap_in(staging, final)
    assert sorted(p.name for p in final.iterdir()) == ["new.txt"]
    assert not staging.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["out"]
