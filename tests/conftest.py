"""Fixtures shared by the tests that run the demo programme end to end."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from evaluation.demo import write_demo_data
from evaluation.resources import DEMO_PLAN, PIPELINES_DIR

# The runs of the tests compute in their own process, without Dask (evaluation.steps.parallel): no
# cluster per run on a machine the tests share; tests/steps/test_parallel.py starts its own.
os.environ.setdefault("EVALUATION_WORKERS", "1")


def plan_for(data_dir: Path, folder: Path, **changes) -> Path:
    """A copy of the demo plan reading `data_dir` (never writing demo data), with `changes`; without
    the demo's translations and school pages unless `changes` name them (each would render the report
    again; the pages start a kernel per school: `demo_run` and the bundled plans' runs test them)."""
    plan = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    plan.pop("translations", None)
    plan.update({"data": str(data_dir), "demo": False, "school_pages": False}, **changes)
    target = folder / "plan.yaml"
    target.write_text(yaml.safe_dump(plan, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo programme's data directory, written once per test session."""
    return write_demo_data(tmp_path_factory.mktemp("demo") / "2022-2023")


@pytest.fixture(scope="session")
def demo_plan(demo_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plan on the session's demo data, with its translations (the report in Turkish too)
    and its pages per school."""
    translations = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8")).get("translations", [])
    return plan_for(demo_data, tmp_path_factory.mktemp("plan"), translations=translations, school_pages=True)


@pytest.fixture(scope="session")
def demo_run(demo_plan: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of the whole evaluation of the demo plan, run once per test session."""
    from evaluation.pipeline import run_plan

    return run_plan(demo_plan, tmp_path_factory.mktemp("run") / "out")


@pytest.fixture(scope="session")
def turkish_demo_run(demo_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The plan and output folder of the demo plan run in Turkish as its own language (the
    validation page and fix lists in Turkish too), once per test session."""
    from evaluation.pipeline import run_plan

    plan = plan_for(demo_data, tmp_path_factory.mktemp("plan-tr"), language="tr")
    return plan, run_plan(plan, tmp_path_factory.mktemp("run-tr") / "out")


@pytest.fixture(scope="session")
def partnership_run_in(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[int, Path]]:
    """``partnership_run_in(language)``: the exit code and output folder of the bundled partnership
    plan (seed 001) run from the command line, as it is (``tr``) or with another ``language``."""
    runs: dict[str, tuple[int, Path]] = {}

    def run(language: str) -> tuple[int, Path]:
        if language not in runs:
            from evaluation.cli import main

            out = tmp_path_factory.mktemp(f"partnership-{language}") / "out"
            plan = "partnership"
            if language != "tr":
                source = PIPELINES_DIR / "partnership.yaml"
                document = yaml.safe_load(source.read_text(encoding="utf-8")) | {"language": language}
                plan = str(tmp_path_factory.mktemp("plan") / "partnership.yaml")
                Path(plan).write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
            runs[language] = (main(["run", plan, "--out", str(out)]), out)
        return runs[language]

    return run


#: Fixtures that write or run the demo programme: a test that uses one is slow, marked or not.
SLOW_FIXTURES = frozenset({"demo_data", "demo_plan", "demo_run", "turkish_demo_run", "partnership_run_in"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
