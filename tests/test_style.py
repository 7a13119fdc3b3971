"""The code base stays as ruff formats and lints it (the configuration is pyproject.toml's
[tool.ruff]; .pre-commit-config.yaml runs the same two commands on every commit)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).parent / "ruff"


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(RUFF), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("command", [("check", "."), ("format", "--check", ".")], ids=["lint", "format"])
def test_ruff_finds_nothing_to_change(command: tuple[str, ...]) -> None:
    result = _ruff(*command)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pre_commit_hooks_run_the_pinned_ruff() -> None:
    import tomllib

    import yaml

    test_pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
    ruff_pin = next(pin for pin in test_pins if pin.startswith("ruff=="))
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    ruff_hooks = [hook for repo in hooks["repos"] for hook in repo["hooks"] if hook["id"].startswith("ruff")]
    assert {hook["id"] for hook in ruff_hooks} == {"ruff-check", "ruff-format"}
    for hook in ruff_hooks:
        assert hook["additional_dependencies"] == [ruff_pin], hook["id"]
