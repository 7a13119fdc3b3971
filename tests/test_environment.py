"""environment.yml (conda users) and pyproject.toml (pip, make) describe one environment."""

import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _pyproject_pins() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = set(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        pins |= set(extra)
    return {pin.lower() for pin in pins}


def _environment_pins() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return {p.lower() for p in pip if not p.startswith("-e")}


def test_environment_yml_lists_exactly_pyprojects_pins():
    assert _environment_pins() == _pyproject_pins()


def test_every_pin_is_exact_and_in_the_lock_file():
    lock = {
        line.strip().lower()
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line and not line.startswith("#")
    }
    normalise = lambda pin: pin.replace("_", "-")  # noqa: E731 - pip freeze may write either spelling
    lock = {normalise(p) for p in lock}
    for pin in _pyproject_pins():
        assert "==" in pin, f"{pin} is not pinned exactly"
        assert normalise(pin) in lock, f"{pin} is not what requirements.lock pins"
