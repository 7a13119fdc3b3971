"""`Run.table` computes a results table when it is missing or out of date, and only then: a table
is current while the plan, the data and the workbench are those its section wrote it for, and the
file is there as written. Sections here are toys registered for the test; no data is validated."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from evaluation.errors import AnalysisFailed, UnreadableInputError
from evaluation.stats.estimate import EFFECT_COLUMNS, read_effects
from evaluation.steps import context, workspace

PLAN = """programme: Toy programme
period: 2022-2023
data: data
outcomes:
  - {id: mathematics, source: exam, subject: mathematics, domain: academic}
"""


@pytest.fixture
def run(tmp_path: Path) -> context.Run:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "schools.csv").write_text("school_id\nS1\n", encoding="utf-8")
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    return context.setup(tmp_path / "plan.yaml", tmp_path / "out")


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A section writing results/toy.csv; the list counts its runs."""
    calls: list[int] = []
    monkeypatch.setitem(context.WRITERS, "toy", [])

    @context.section("toy")
    def write_toy(run: context.Run) -> None:
        calls.append(1)
        run.save(pd.DataFrame({"n": [len(calls)]}), "toy")

    monkeypatch.setitem(context.WRITERS, "toy", [write_toy])
    return calls


def test_a_missing_table_is_computed_once(run: context.Run, toy: list[int]) -> None:
    assert run.table("toy")["n"].tolist() == [1]
    assert run.table("toy")["n"].tolist() == [1] and len(toy) == 1


def test_a_deleted_or_resaved_table_is_computed_again(run: context.Run, toy: list[int]) -> None:
    run.table("toy")
    (run.out_dir / "shared" / "results" / "toy.csv").unlink()
    assert run.table("toy")["n"].tolist() == [2]
    (run.out_dir / "shared" / "results" / "toy.csv").write_text("n\n99\n", encoding="utf-8")  # edited by hand
    assert run.table("toy")["n"].tolist() == [3]


def test_changed_data_makes_every_table_out_of_date(run: context.Run, toy: list[int], tmp_path: Path) -> None:
    run.table("toy")
    schools = tmp_path / "data" / "schools.csv"
    schools.write_text("school_id\nS1\nS2\n", encoding="utf-8")
    assert run.table("toy")["n"].tolist() == [2]
    os.utime(schools, ns=(1, 1))  # the same bytes, but another file as far as anyone can tell
    assert run.table("toy")["n"].tolist() == [3]


def test_another_plan_in_the_same_folder_makes_every_table_out_of_date(
    run: context.Run, toy: list[int], tmp_path: Path
) -> None:
    run.table("toy")
    (tmp_path / "other.yaml").write_text(PLAN.replace("Toy programme", "Another programme"), encoding="utf-8")
    other = context.setup(tmp_path / "other.yaml", run.out_dir)
    assert other.table("toy")["n"].tolist() == [2]
    assert run.table("toy")["n"].tolist() == [3]  # and back


def test_an_unknown_table_is_named(run: context.Run) -> None:
    with pytest.raises(AnalysisFailed, match="no section writes the results table 'tax'"):
        run.table("tax")


def test_effects_join_only_the_parts_of_this_plan_and_data(run: context.Run, tmp_path: Path) -> None:
    rows = pd.DataFrame([dict.fromkeys(EFFECT_COLUMNS)] * 2).assign(suppressed=False)
    old = rows.assign(analysis="partner_vs_control", outcome="from_another_plan")
    workspace.save_effects(old, run.out_dir, "partner_vs_control", "another fingerprint")
    run.save_effects(rows.assign(analysis="prepost", outcome="mathematics"), "prepost")
    joined = read_effects(run.out_dir / "shared" / "results" / "effects.csv")
    assert set(joined["outcome"]) == {"mathematics"} and len(joined) == 2


def test_an_output_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    (tmp_path / "out").write_text("not a folder", encoding="utf-8")
    with pytest.raises(UnreadableInputError, match="the output folder is a file") as raised:
        context.setup(tmp_path / "plan.yaml", tmp_path / "out")
    assert raised.value.exit_code == 2


def test_a_section_that_needs_another_sections_table_records_only_its_own_files(
    run: context.Run, toy: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `outer` reads results/toy.csv, which is missing, so the toy section runs inside it: running
    # the toy section again later (a notebook of its own does) must not make `outer` out of date
    outer_calls: list[int] = []
    monkeypatch.setitem(context.WRITERS, "outer", [])

    @context.section("outer")
    def write_outer(run: context.Run) -> None:
        outer_calls.append(1)
        run.save(pd.DataFrame({"toy": run.table("toy")["n"]}), "outer")

    monkeypatch.setitem(context.WRITERS, "outer", [write_outer])
    run.table("outer")
    assert (len(outer_calls), len(toy)) == (1, 1)
    context.WRITERS["toy"][0](run)  # the toy section runs again, as its own notebook runs it
    assert len(toy) == 2
    run.table("outer")
    assert len(outer_calls) == 1  # still current: its record does not name results/toy.csv


def test_the_notebooks_of_a_run_build_the_outcomes_frames_once(
    run: context.Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # each notebook builds its own Run in the run's one kernel: the frames are built by the first
    from evaluation.analysis import covariates, frames

    built: list[str] = []

    def prepost_frame(tables, outcome, instruments) -> pd.DataFrame:
        built.append(outcome.id)
        return pd.DataFrame({"pre": [1.0], "post": [2.0]})

    monkeypatch.setattr(frames, "prepost_frame", prepost_frame)
    monkeypatch.setattr(covariates, "check_covariates", lambda tables, plan: None)
    monkeypatch.setattr(context.Run, "analysed", property(lambda self: {}))
    monkeypatch.setattr(context.Run, "instruments", property(lambda self: {}))
    monkeypatch.setattr(context, "_FRAMES", {})
    first = run.frames
    second = context.setup(tmp_path / "plan.yaml", tmp_path / "out").frames  # the next notebook's Run
    assert built == ["mathematics"] and second is first
    (tmp_path / "data" / "schools.csv").write_text("school_id\nS1\nS2\n", encoding="utf-8")  # new data
    third = context.setup(tmp_path / "plan.yaml", tmp_path / "out").frames
    assert built == ["mathematics", "mathematics"] and third is not first
    elsewhere = context.setup(tmp_path / "plan.yaml", tmp_path / "elsewhere").frames  # another output folder
    assert len(built) == 3 and elsewhere is not third
