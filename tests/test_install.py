"""`pip install .` (not editable) into a new virtual environment, then `evaluation run partnership`
(a bundled demo plan of two schools; the national demo would take minutes more) from another
folder: the contracts, notebooks and plans come from inside the installed package, the demo data
and the report land under that folder's build/, and nothing is written into the package.

Slow (about a minute: a wheel build and a whole run of a small demo programme): ``pytest -m "not slow"`` leaves
it out. The new environment gets its dependencies from this one's site-packages through a .pth
file (and their share/jupyter files, nbconvert's templates, through JUPYTER_PATH), so nothing but
the build backend (setuptools, from pip's cache after `make`) is fetched. The folder a .pth file
adds is not searched for .pth files itself, so this environment's editable install of the
checkout cannot reach the new one, which the test checks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: What a build of the package reads from the checkout.
SOURCES = ("pyproject.toml", "README.md", "evaluation", "data_contracts", "notebooks", "pipelines")


def _call(*command: str | Path, cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{command} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.slow
def test_installed_package_runs_a_bundled_demo_plan_from_any_folder(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env.update(PYTHONNOUSERSITE="1", GX_ANALYTICS_ENABLED="false", MPLBACKEND="Agg")

    # Build from a copy, so the build's own build/ and *.egg-info stay out of the checkout.
    source = tmp_path / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.egg-info")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    _call(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--wheel-dir",
        tmp_path / "wheels",
        source,
        cwd=tmp_path,
        env=env,
    )
    wheel = next((tmp_path / "wheels").glob("evaluation-*.whl"))

    # A new environment whose dependencies are this one's installed packages.
    venv = tmp_path / "venv"
    _call(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path, env=env)
    python = venv / "bin" / "python"
    site = Path(
        _call(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path, env=env
        ).stdout.strip()
    )
    ours = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (site / "dependencies.pth").write_text("".join(f"{path}\n" for path in ours), encoding="utf-8")
    # and their data files under sys.prefix/share/jupyter (nbconvert's templates, the kernel spec)
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    _call(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=tmp_path,
        env=env,
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = json.loads(
        _call(
            python,
            "-c",
            "import json, sys, evaluation, evaluation.resources as r; print(json.dumps("
            "[evaluation.__file__, str(r.CONTRACTS_DIR), str(r.NOTEBOOKS_DIR), str(r.DEMO_PLAN), "
            "[finder.__module__ for finder in sys.meta_path]]))",
            cwd=elsewhere,
            env=env,
        ).stdout
    )
    package = site / "evaluation"
    assert [Path(path).parent for path in where[:4]] == [package, package, package, package / "pipelines"]
    assert not [finder for finder in where[4] if "editable" in finder]  # the checkout's finder is not installed
    checkout_instruments = sorted(p.name for p in (ROOT / "data_contracts" / "instruments").glob("*.yaml"))
    assert len(checkout_instruments) >= 2  # the demo's two, and those of the seed programmes' plans
    assert sorted(p.name for p in (package / "data_contracts" / "instruments").iterdir()) == checkout_instruments
    shipped = sorted(
        p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )

    listed = _call(venv / "bin" / "evaluation", "plans", cwd=elsewhere, env=env).stdout
    assert str(package / "pipelines" / "demo.yaml") in listed
    # The bundled partnership plan (a demo programme of two schools): every notebook, the pages per
    # school (notebook 06) and the demo data, in a fraction of the national demo's time.
    _call(venv / "bin" / "evaluation", "run", "partnership", cwd=elsewhere, env=env)
    out = elsewhere / "build" / "partnership"
    assert (out / "shared" / "report.html").is_file() and (out / "shared" / "results" / "effects.csv").is_file()
    assert (out / "shared" / "schools" / "index.html").is_file() and (out / "shared" / "results.xlsx").is_file()
    assert (out / "restricted" / "data" / "2022-2023" / "schools.csv").is_file()  # the demo data, beside the report
    assert (out / "restricted" / "notebooks" / "05-annual-report.ipynb").is_file()
    written = sorted(
        p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    assert written == shipped  # nothing written into the installed package
