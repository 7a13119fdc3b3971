"""Where the bundled files live: data contracts, survey instruments, standards, notebooks and
analysis plans.

They are package data, read through `importlib.resources`: an installed package
(``pip install .``) carries them inside ``evaluation/`` (pyproject.toml maps the checkout's
``data_contracts/``, ``notebooks/`` and ``pipelines/`` folders into the package), while a
checkout, or an editable install of it, reads them from those top-level folders.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent
#: The folder holding the ``evaluation`` package: the checkout (editable install), or
#: site-packages; no secret (a pseudonymisation key) may be kept in it.
CHECKOUT = _CHECKOUT


def bundled(folder: str) -> Path:
    """The bundled folder `folder` (``data_contracts``, ``notebooks``, ``pipelines``)."""
    packaged = files("evaluation").joinpath(folder)
    if packaged.is_dir():
        return Path(str(packaged))
    return _CHECKOUT / folder


CONTRACTS_DIR = bundled("data_contracts")
INSTRUMENTS_DIR = CONTRACTS_DIR / "instruments"
STANDARDS_DIR = CONTRACTS_DIR / "standards"
NOTEBOOKS_DIR = bundled("notebooks")
PIPELINES_DIR = bundled("pipelines")
DEMO_PLAN = PIPELINES_DIR / "demo.yaml"


def bundled_plans() -> dict[str, Path]:
    """The bundled analysis plans by name (the file name without ``.yaml``), in name order."""
    return {path.stem: path for path in sorted(PIPELINES_DIR.glob("*.yaml"))}


def package_version() -> str:
    """The installed workbench's version (``0+unknown`` for a checkout used without installing it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("evaluation")
    except PackageNotFoundError:  # pragma: no cover - every supported way of running installs it
        return "0+unknown"
