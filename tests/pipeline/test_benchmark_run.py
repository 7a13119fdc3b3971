"""benchmarks/run.py's output, not its timings: every line is a JSON object with the stage keys,
the stages come in the order they ran, the summary has its keys and its total covers the stages,
a child process's CPU is counted, and the comparison methods agree with the project's on a tiny
programme. The benchmark itself is `make benchmark`."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.pipeline import Progress

_SPEC = importlib.util.spec_from_file_location(
    "bench_run", Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"
)
bench_run = importlib.util.module_from_spec(_SPEC)
sys.modules["bench_run"] = bench_run
_SPEC.loader.exec_module(bench_run)

STAGE_KEYS = {"stage", "seconds", "cpu_seconds", "peak_mb"}
SUMMARY_KEYS = {"total_seconds", "peak_mb", "lmm_seconds", "statsmodels_mixedlm_seconds", "cr2_seconds", "rows"}
BURN = "import time\nwhile time.process_time() < 0.2: pass\n"  # 0.2 s of CPU, however busy the machine


def _check_lines(lines: list[dict]) -> None:
    text = "".join(json.dumps(line) + "\n" for line in lines)
    parsed = [json.loads(line) for line in text.splitlines()]
    assert parsed == lines
    for stage in parsed[:-1]:
        assert stage.keys() >= STAGE_KEYS, stage
        assert stage["seconds"] >= 0 and stage["cpu_seconds"] >= 0 and stage["peak_mb"] >= 0
    summary = parsed[-1]
    assert summary.keys() >= SUMMARY_KEYS
    assert summary["total_seconds"] >= sum(stage["seconds"] for stage in parsed[:-1]) - 0.05


def _tiny_programme(folder: Path, schools: int = 24, students: int = 15) -> dict:
    """exam_results.csv and schools.csv of a programme of `schools` schools (half partner) and
    `students` students each, with a few extra rows the ANCOVA must leave out."""
    rng = np.random.default_rng(5)
    school_rows, exam_rows = [], []
    for s in range(schools):
        school_id = f"TR-{s:03d}"
        partner = s % 2 == 0
        school_rows.append({"school_id": school_id, "group": "partner" if partner else "control"})
        effect = rng.normal(0, 3)
        for i in range(students):
            student = f"S{s:03d}{i:03d}"
            pre = rng.normal(50, 10)
            post = 5 + 0.9 * pre + 2.0 * partner + effect + rng.normal(0, 5)
            exam_rows.append(
                {
                    "student_id": student,
                    "school_id": school_id,
                    "wave": "pre",
                    "subject": "mathematics",
                    "score": round(pre, 1),
                }
            )
            exam_rows.append(
                {
                    "student_id": student,
                    "school_id": school_id,
                    "wave": "post",
                    "subject": "mathematics",
                    "score": round(post, 1),
                }
            )
            exam_rows.append(
                {"student_id": student, "school_id": school_id, "wave": "pre", "subject": "science", "score": 40.0}
            )
        # one student without a post-test: not in the ANCOVA
        exam_rows.append(
            {
                "student_id": f"S{s:03d}999",
                "school_id": school_id,
                "wave": "pre",
                "subject": "mathematics",
                "score": 50.0,
            }
        )
    data = folder / "data"
    data.mkdir(parents=True)
    pd.DataFrame(school_rows).to_csv(data / "schools.csv", index=False)
    pd.DataFrame(exam_rows).to_csv(data / "exam_results.csv", index=False)
    rows = {"schools.csv": len(school_rows), "exam_results.csv": len(exam_rows)}
    return {
        "data": str(data),
        "rows": rows,
        "students_written": schools * students,
        "schools_written": schools,
        "scale": 0,
    }


def test_fake_steps_are_timed_in_order_and_a_child_process_cpu_counted():
    with bench_run.MemorySampler(interval=0.05) as sampler:
        timer = bench_run.StageTimer(sampler)
        progress = Progress(None, on_step=timer.step)
        timer.start_run()
        time.sleep(0.02)
        with progress.step("first"):
            subprocess.run([sys.executable, "-c", BURN], check=True)
        time.sleep(0.02)  # between steps
        counter = progress.counter("pages", 2)
        counter.advance()
        counter.advance()
        counter.finish()
        with pytest.raises(RuntimeError), progress.step("failing"):
            raise RuntimeError("a step that stops still ends its stage")
        timer.finish_run()
        _, measured = timer.measure("after", lambda: sum(range(1000)))
    names = [stage["stage"] for stage in timer.stages]
    assert names == ["run: before the first step", "first", "pages", "failing", "run: between and after steps", "after"]
    assert timer.stages[1]["cpu_seconds"] >= 0.2  # the child's CPU, counted once it was waited for
    assert timer.stages[0]["seconds"] >= 0.02 and timer.stages[4]["seconds"] >= 0.02  # the gaps are not lost
    assert sampler.peak > 0 and measured is timer.stages[-1]
    _check_lines(
        [*timer.stages, dict.fromkeys(SUMMARY_KEYS, 0) | {"total_seconds": sum(s["seconds"] for s in timer.stages)}]
    )


def test_comparisons_only_on_a_tiny_programme(tmp_path):
    facts = _tiny_programme(tmp_path)
    emitted = []
    lines = bench_run.one_run(facts, tmp_path / "out", skip_run=True, sampler=None, emit=emitted.append)
    _check_lines(lines)
    assert emitted == lines[:-1]  # each stage written as it ended, the summary after them
    names = [line["stage"] for line in lines[:-1]]
    assert names == [
        "comparison data: mathematics ANCOVA frame",
        "lmm: project random_intercept_reml",
        "lmm: statsmodels MixedLM",
        "cr2: project coefficient_test",
        "cr2: project coefficient_test, subsample",
        "cr2: dense reference, subsample",
    ]
    summary = lines[-1]
    assert summary["rows"] == 24 + 24 * (15 * 3 + 1)
    assert summary["lmm_seconds"] == lines[1]["seconds"] and summary["cr2_seconds"] == lines[3]["seconds"]
    assert lines[1]["rows"] == 24 * 15 and lines[1]["schools"] == 24  # the student without a post-test left out
    assert lines[5]["schools"] == 24  # the subsample: every school of a programme under 300
    # the dense reference and the project's CR2 are two routes to the same numbers
    dense = lines[5]
    assert (
        dense["estimate_difference"] < 1e-9 and dense["std_error_difference"] < 1e-9 and dense["df_difference"] < 1e-6
    )
    # statsmodels' REML and the project's agree on the treatment effect (different optimisers)
    assert lines[2]["estimate_difference"] < 1e-3


def test_the_plan_reads_the_programme_as_real_data(tmp_path):
    plan = bench_run.write_plan(tmp_path, school_pages=False)
    from evaluation.config.plan import load_plan

    loaded = load_plan(plan)
    assert not loaded.demo and not loaded.school_pages
    assert loaded.data_dir == (tmp_path / "data" / "2022-2023").resolve()
    assert loaded.translations == ("tr",) or list(loaded.translations) == ["tr"]
    assert bench_run.scale_for(1_000_000) == 265 and bench_run.scale_for(3780) == 1 and bench_run.scale_for(10) == 1


@pytest.mark.slow
def test_whole_run_at_demo_size_without_pages(tmp_path, monkeypatch):
    facts = bench_run.programme(3780, root=tmp_path)
    lines = bench_run.one_run(facts, tmp_path / "out", school_pages=False, sampler=None)
    _check_lines(lines)
    names = [line["stage"] for line in lines[:-1]]
    steps = names[: names.index("run: between and after steps") + 1]
    assert steps[:6] == ["run: before the first step", "01-validation", "02-prepost", "03-partner-vs-control",
                         "04-evidence", "05-annual-report"]  # fmt: skip
    assert "tr/05-annual-report" in steps and "report.pdf, results.xlsx (en, tr)" in steps
    assert not any("school pages" in name for name in names)
    counted = sum(len(pd.read_csv(path)) for path in Path(facts["data"]).rglob("*.csv"))
    assert lines[-1]["rows"] == counted
    assert lines[1]["cpu_seconds"] > 0.5  # the validation notebook's kernel, a child process
