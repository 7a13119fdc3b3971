"""Independent units of work (a page per school, an outcome's estimates) run on Dask distributed.

Where they run, first match wins:

1. the plan's ``scheduler`` (``tcp://10.0.0.5:8786``): a running Dask cluster;
2. the environment variable EVALUATION_SCHEDULER, the same kind of address;
3. EVALUATION_WORKERS=1: in this process, one unit after another, without Dask (the tests);
4. otherwise a `LocalCluster` of EVALUATION_WORKERS worker processes (default: one per processor
   this process may use), one thread each, started for the run and closed after it.

The plan wins over the environment: a plan that names a cluster was written to run there, and the
plan is the run's record. A scheduler that does not answer within EVALUATION_SCHEDULER_TIMEOUT
seconds (default 10) stops the run before any work with `SchedulerUnreachable` (exit 6). The
pipeline starts its local cluster once (`engine`) and gives its address to the kernels it starts
in EVALUATION_SCHEDULER (`exported`), so a notebook's units run on the same workers.

A unit's result does not depend on where it ran: a unit is a module-level function and its
arguments, and `Engine.run` returns the results in the units' order whatever order they finished
in. A unit that raises is reported (`Done.reason`, one line) and the others go on.
"""

from __future__ import annotations

import functools
import itertools
import os
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from evaluation.config.plan import SCHEDULER_ADDRESS, SCHEDULER_EXPECTED
from evaluation.errors import AnalysisFailed, PlanError, SchedulerUnreachable

SCHEDULER = "EVALUATION_SCHEDULER"
WORKERS = "EVALUATION_WORKERS"
TIMEOUT = "EVALUATION_SCHEDULER_TIMEOUT"
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Unit:
    """One independent piece of work: `function(*args, **kwargs)`, named `name` in reports.
    `function` must be importable by name (defined at a module's top level), so that a worker on
    another machine can run it."""

    name: str
    function: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Done:
    """A unit's outcome: its `value`, or `reason` (one line) when it raised or its worker died."""

    name: str
    value: Any = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


def one_line(message: str, limit: int = 300) -> str:
    line = " ".join(str(message).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {one_line(str(error))}"


def available_processors() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def worker_count() -> int:
    """EVALUATION_WORKERS (a whole number, 1 or more; PlanError otherwise), else the processors
    this process may use."""
    setting = os.environ.get(WORKERS, "").strip()
    if not setting:
        return available_processors()
    if not setting.isdigit() or int(setting) < 1:
        raise PlanError(f"{WORKERS}={setting!r}: the number of workers must be a whole number of 1 or more")
    return int(setting)


def check_address(address: str, where: str) -> str:
    """`address` if it is a scheduler address (`evaluation.config.plan.SCHEDULER_ADDRESS`), else a
    PlanError naming `where` it was written."""
    import re

    if not re.fullmatch(SCHEDULER_ADDRESS, address):
        raise PlanError(f"{where} is {address!r}, but it must be {SCHEDULER_EXPECTED}")
    return address


def scheduler_address(plan_scheduler: str = "") -> str:
    """The scheduler to use: the plan's, else EVALUATION_SCHEDULER's (checked), else "" (none)."""
    if plan_scheduler:
        return plan_scheduler
    setting = os.environ.get(SCHEDULER, "").strip()
    return check_address(setting, SCHEDULER) if setting else ""


def connect_timeout() -> float:
    setting = os.environ.get(TIMEOUT, "").strip()
    try:
        seconds = float(setting) if setting else DEFAULT_TIMEOUT
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise PlanError(f"{TIMEOUT}={setting!r}: the connect timeout must be a number of seconds above 0")
    return seconds


class Engine:
    """Runs batches of units: on `client` (a dask.distributed Client), or in this process (None)."""

    def __init__(self, client: Any = None, where: str = "in this process") -> None:
        self.client = client
        self.where = where

    @property
    def address(self) -> str:
        """The scheduler's address ("" in this process)."""
        return self.client.scheduler.address if self.client is not None else ""

    def run(self, units: Sequence[Unit], on_done: Callable[[Done], None] | None = None) -> list[Done]:
        """Every unit's `Done`, in the order of `units`; `on_done` is called as each finishes (in
        the order they finish)."""
        if self.client is None:
            results = []
            for unit in units:
                try:
                    done = Done(unit.name, unit.function(*unit.args, **unit.kwargs))
                except Exception as error:  # this unit only: the others go on
                    done = Done(unit.name, reason=_reason(error))
                results.append(done)
                if on_done:
                    on_done(done)
            return results
        return self._run_on_cluster(units, on_done)

    def _run_on_cluster(self, units: Sequence[Unit], on_done: Callable[[Done], None] | None) -> list[Done]:
        """The units on the cluster, no more at once than it has threads (at least one), the next
        sent as one finishes; the threads are counted again each time, so workers that join during
        a batch get units. A unit sent early would wait on a busy worker while another worker
        idles, until the scheduler moved it (work stealing, which waits for the busy worker's
        answer, seconds when its unit holds the GIL; 25 of notebook 03's 105 s at national size),
        and every unit's data would sit in the scheduler's memory from the start. (An adaptive
        cluster therefore sees no queue to grow on: give it the workers it should use.)"""
        from distributed import as_completed

        client = self.client
        waiting = iter(enumerate(units))
        positions: dict[Any, int] = {}  # the units sent and not yet done
        running = as_completed(loop=client.loop)

        def send() -> None:
            slots = max(1, sum(client.nthreads().values()))
            for position, unit in itertools.islice(waiting, max(0, slots - len(positions))):
                future = self._submit(unit)
                positions[future] = position
                running.add(future)

        send()
        results: list[Done | None] = [None] * len(units)
        for future in running:
            position = positions.pop(future)
            name = units[position].name
            try:
                done = Done(name, future.result())
            except Exception as error:  # the unit raised, or its worker died (KilledWorker)
                done = Done(name, reason=_reason(error))
            future.release()
            results[position] = done
            if on_done:
                on_done(done)
            send()
        return [done for done in results if done is not None]

    def _submit(self, unit: Unit) -> Any:
        import pickle

        import cloudpickle

        # The unit travels as bytes and runs as `pickle.loads` unpickles it (`_Call`), in the worker's
        # task thread: Dask unpickles a task's function and arguments in the worker's event loop,
        # where importing the workbench (seconds; half a minute on a busy machine) would stop its
        # heartbeats and the scheduler would drop it. A key of its own: every unit runs, never a
        # result of an earlier batch under the same name.
        payload = cloudpickle.dumps(_Call(unit.function, unit.args, dict(unit.kwargs)))
        return self.client.submit(pickle.loads, payload, key=f"{unit.name}-{uuid.uuid4().hex}")


@dataclass(frozen=True)
class _Call:
    """A unit as a worker receives it: unpickling it calls `function(*args, **kwargs)` and gives its
    result (pickle's reduce protocol), so that the imports it needs happen where it runs."""

    function: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return functools.partial(self.function, *self.args, **self.kwargs), ()


def notebook_values(units: Sequence[Unit], plan_scheduler: str, what: str) -> list[Any]:
    """A notebook's units computed where the run computes, each one's value in the units' order:
    on the run's cluster (the pipeline names it to the kernel in EVALUATION_SCHEDULER), or the
    plan's; a notebook opened on its own computes them in its kernel rather than start a cluster
    of its own. AnalysisFailed naming `what` and every unit that failed, with its reason."""
    with engine(plan_scheduler, workers=1) as running:
        done = running.run(units)
    failed = [f"{d.name}: {d.reason}" for d in done if not d.ok]
    if failed:
        raise AnalysisFailed(f"{what} failed: " + "; ".join(failed))
    return [d.value for d in done]


@contextmanager
def engine(plan_scheduler: str = "", workers: int | None = None, address: str | None = None) -> Iterator[Engine]:
    """An `Engine` for the run (see the module's docstring for where it computes); `workers` and
    `address` replace the environment's (tests). A scheduler that cannot be reached raises
    SchedulerUnreachable; a local cluster is closed when the block ends."""
    address = scheduler_address(plan_scheduler) if address is None else check_address(address, "the scheduler")
    workers = worker_count() if workers is None else workers
    if not address and workers == 1:
        yield Engine()
        return
    import dask
    from distributed import Client, LocalCluster

    cluster = None
    # a unit whose worker died is tried once more; an idle worker does not profile itself (CPU)
    with dask.config.set({"distributed.scheduler.allowed-failures": 1, "distributed.worker.profile.enabled": False}):
        if address:
            timeout = connect_timeout()
            try:
                client = Client(address, timeout=timeout, set_as_default=False)
            except (OSError, TimeoutError) as error:
                raise SchedulerUnreachable(
                    f"the Dask scheduler {address} did not answer within {timeout:g} s ({one_line(str(error))}); "
                    f"start it (dask scheduler), or correct the plan's scheduler or {SCHEDULER}, or leave both "
                    "out to run on this computer's processors"
                ) from None
            where = f"on the Dask scheduler {address}"
        else:
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address="127.0.0.1:0",  # its web pages on a free port of this computer alone
                silence_logs=50,  # logging.CRITICAL: a failing unit is reported by `run`, not in the workers' log
            )
            client = Client(cluster, set_as_default=False)
            where = f"on a local Dask cluster of {workers} worker processes"
    try:
        yield Engine(client, where)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@contextmanager
def exported(running: Engine) -> Iterator[None]:
    """While the block runs, EVALUATION_SCHEDULER names `running`'s scheduler (when it has one), so
    that the kernels the pipeline starts send their units to the same workers."""
    previous = os.environ.get(SCHEDULER)
    if running.address:
        os.environ[SCHEDULER] = running.address
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(SCHEDULER, None)
        else:
            os.environ[SCHEDULER] = previous
