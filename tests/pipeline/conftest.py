"""Runs of the bundled plans shared by the test modules that read them (each run takes most of a
minute, so a plan is run once per session and language)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from evaluation.cli import main
from evaluation.resources import PIPELINES_DIR


@pytest.fixture(scope="session")
def partnership_run_in(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[int, Path]]:
    """``partnership_run_in(language)``: the exit code and output folder of the bundled partnership
    plan (seed 001) run from the command line, as it is (``tr``) or with another ``language``."""
    runs: dict[str, tuple[int, Path]] = {}

    def run(language: str) -> tuple[int, Path]:
        if language not in runs:
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
