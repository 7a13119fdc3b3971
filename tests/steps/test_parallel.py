"""Independent units of work on Dask distributed (`evaluation.steps.parallel`): a two-unit batch on a
local cluster of two worker processes gives what the same units give in this process, a failing unit
is reported while the other succeeds; where the run computes (plan, environment, workers); a
malformed or unreachable scheduler is refused with a message and its exit code."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation import cli
from evaluation.errors import EXIT_BAD_PLAN, EXIT_SCHEDULER_UNREACHABLE, PlanError, SchedulerUnreachable
from evaluation.stats import paired_change_clustered
from evaluation.steps import parallel

PLAN = """programme: Test programme
period: 2022-2023
data: data
outcomes:
  - {id: mathematics, source: exam, subject: mathematics, domain: academic}
"""


def _frame(seed: int, schools: int = 6, per_school: int = 15) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    school = np.repeat(np.arange(schools), per_school)
    pre = rng.normal(50, 10, school.size) + rng.normal(0, 5, schools)[school]
    return pd.DataFrame({"school_id": school.astype(str), "pre": pre, "post": pre + rng.normal(3, 4, school.size)})


def _units(first: pd.DataFrame, second: pd.DataFrame) -> list[parallel.Unit]:
    return [
        parallel.Unit("first", paired_change_clustered, (first, "pre", "post"), {"cluster": "school_id"}),
        parallel.Unit("second", paired_change_clustered, (second, "pre", "post"), {"cluster": "school_id"}),
    ]


@pytest.fixture(autouse=True)
def _no_scheduler_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (parallel.SCHEDULER, parallel.WORKERS, parallel.TIMEOUT):
        monkeypatch.delenv(name, raising=False)


def test_a_two_unit_batch_on_a_local_cluster_gives_the_in_process_results() -> None:
    first, second = _frame(1), _frame(2)
    broken = second.drop(columns="post")  # the unit fails: no post-test column
    with parallel.engine(workers=1) as here:
        assert here.client is None
        serial = here.run(_units(first, second))
    finished = []
    with parallel.engine(workers=2) as cluster:
        assert cluster.address.startswith("tcp://127.0.0.1:")
        done = cluster.run(_units(first, second), on_done=finished.append)
        failing = cluster.run(_units(first, broken))
        pids = cluster.run([parallel.Unit(f"pid {i}", os.getpid) for i in range(4)])
    assert [d.name for d in done] == ["first", "second"] and sorted(d.name for d in finished) == ["first", "second"]
    assert all(d.ok for d in done + serial)
    assert [repr(d.value) for d in done] == [repr(d.value) for d in serial]  # every field, to the last bit
    for d, frame in zip(done, (first, second), strict=True):  # and they are the mean change, computed here
        assert d.value.estimate == pytest.approx((frame["post"] - frame["pre"]).mean(), rel=1e-12)
    assert failing[0].ok and repr(failing[0].value) == repr(serial[0].value)
    assert not failing[1].ok and failing[1].name == "second" and failing[1].reason.startswith("KeyError: ")
    assert "post" in failing[1].reason
    assert {d.value for d in pids} and os.getpid() not in {d.value for d in pids}  # the workers' processes


def test_a_batch_larger_than_the_cluster_is_sent_a_unit_at_a_time_as_workers_free_up() -> None:
    """Two one-thread workers and eight units: the scheduler never holds more than two of them, so
    no unit waits on a busy worker while the other idles; the values come back in the units' order."""
    units = [parallel.Unit(f"unit {i}", _sleep_then_pid, (0.2, i)) for i in range(8)]
    with parallel.engine(workers=2) as cluster:
        held = []

        def count(done: parallel.Done) -> None:
            held.append(sum(len(keys) for keys in cluster.client.processing().values()))

        done = cluster.run(units, on_done=count)
    assert [d.name for d in done] == [unit.name for unit in units] and all(d.ok for d in done)
    assert [d.value[0] for d in done] == list(range(8))
    assert len({d.value[1] for d in done}) == 2  # both workers computed
    assert len(held) == 8 and max(held) <= 2


def _sleep_then_pid(seconds: float, number: int) -> tuple[int, int]:
    time.sleep(seconds)
    return number, os.getpid()


def test_in_this_process_a_failing_unit_is_reported_and_the_others_go_on() -> None:
    first, second = _frame(3), _frame(4)
    with parallel.engine(workers=1) as here:
        done = here.run([_units(first, second)[0], parallel.Unit("broken", int, ("x",)), _units(first, second)[1]])
    assert [d.ok for d in done] == [True, False, True]
    assert done[1].reason == "ValueError: invalid literal for int() with base 10: 'x'"
    assert done[2].value.estimate == pytest.approx((second["post"] - second["pre"]).mean(), rel=1e-12)


def test_the_plan_scheduler_is_read_and_a_malformed_one_is_refused_with_a_message(tmp_path: Path) -> None:
    from evaluation.config.plan import load_plan

    path = tmp_path / "plan.yaml"
    path.write_text(PLAN + "scheduler: tcp://10.0.0.5:8786\n", encoding="utf-8")
    assert load_plan(path).scheduler == "tcp://10.0.0.5:8786"
    path.write_text(PLAN, encoding="utf-8")
    assert load_plan(path).scheduler == ""
    for wrong in ("10.0.0.5:8786", "http://10.0.0.5:8786", "tcp://10.0.0.5", "tcp://10.0.0.5:99999", "8786"):
        path.write_text(PLAN + f"scheduler: '{wrong}'\n", encoding="utf-8")
        with pytest.raises(PlanError) as refused:
            load_plan(path)
        assert refused.value.exit_code == EXIT_BAD_PLAN
        message = str(refused.value)
        assert message.startswith(f"{path}: scheduler") and "such as tcp://10.0.0.5:8786" in message, message


def test_where_the_run_computes_plan_then_environment_then_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2})
    assert parallel.scheduler_address() == "" and parallel.worker_count() == 3
    monkeypatch.setenv(parallel.SCHEDULER, "tls://cluster.example.org:8786")
    assert parallel.scheduler_address() == "tls://cluster.example.org:8786"
    assert parallel.scheduler_address("tcp://10.0.0.5:8786") == "tcp://10.0.0.5:8786"  # the plan wins
    monkeypatch.setenv(parallel.SCHEDULER, "cluster:8786")
    with pytest.raises(PlanError, match=r"EVALUATION_SCHEDULER is 'cluster:8786', but it must be the address"):
        parallel.scheduler_address()
    monkeypatch.setenv(parallel.WORKERS, "5")  # more than the processors: a setting may ask for that
    assert parallel.worker_count() == 5
    for wrong in ("0", "-1", "two", "1.5"):
        monkeypatch.setenv(parallel.WORKERS, wrong)
        with pytest.raises(PlanError, match=f"EVALUATION_WORKERS='{wrong}'"):
            parallel.worker_count()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_scheduler_stops_the_run_with_its_exit_code_and_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    address = f"tcp://127.0.0.1:{_free_port()}"  # nothing listens there
    (tmp_path / "data").mkdir()
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN + f"scheduler: {address}\n", encoding="utf-8")
    monkeypatch.setenv(parallel.TIMEOUT, "2")
    started = time.perf_counter()
    code = cli.main(["run", str(plan), "--out", str(tmp_path / "out")])
    assert time.perf_counter() - started < 20
    err = capsys.readouterr().err
    assert code == EXIT_SCHEDULER_UNREACHABLE == 6
    assert err.startswith(f"evaluation run: the Dask scheduler {address} did not answer within 2 s"), err
    assert "Traceback" not in err and not (tmp_path / "out").exists()  # stopped before anything was written
    monkeypatch.setenv(parallel.SCHEDULER, address)  # the environment's address, the same
    with pytest.raises(SchedulerUnreachable, match="EVALUATION_SCHEDULER"), parallel.engine():
        pass


def test_a_notebooks_units_give_their_values_in_order_or_stop_naming_every_failed_unit() -> None:
    from evaluation.errors import AnalysisFailed

    first, second = _frame(1), _frame(2)
    values = parallel.notebook_values(_units(first, second), "", "the changes")  # no cluster named: here
    assert [v.estimate for v in values] == [
        pytest.approx((frame["post"] - frame["pre"]).mean(), rel=1e-12) for frame in (first, second)
    ]
    with pytest.raises(AnalysisFailed) as raised:
        parallel.notebook_values(_units(first, second.drop(columns="post")), "", "the changes")
    assert str(raised.value).startswith("the changes failed: second: KeyError: ")
