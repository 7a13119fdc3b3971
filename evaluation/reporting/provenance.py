"""Provenance for the report's technical appendix: the SHA-256 of the plan and of every input
file of the run's data folders, the versions of the data contracts, and the versions of the
workbench and of the packages that made the numbers. Names and checksums only, no content."""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd
import yaml

from evaluation.reporting.headings import column
from evaluation.wording import table_name

#: The packages whose versions the appendix lists (distribution names), the workbench first.
PACKAGES = (
    "evaluation", "pandas", "numpy", "scipy", "statsmodels", "great_expectations", "pydantic", "papermill",
    "matplotlib", "babel", "weasyprint",
)  # fmt: skip


def sha256_of(path: Path) -> str:
    """The SHA-256 of the file's bytes, as `sha256sum` prints it."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_files(plan_path: Path, folders: list[tuple[str, Path]], language: str) -> pd.DataFrame:
    """The plan and every file under each data folder (`folders`: a label such as the period, and
    the folder), with its SHA-256, in name order."""
    rows = [{"file": plan_path.name, "sha256": sha256_of(plan_path)}]
    for name, folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
            rows.append({"file": f"{name}/{path.relative_to(folder).as_posix()}", "sha256": sha256_of(path)})
    table = pd.DataFrame(rows, columns=["file", "sha256"])
    return table.rename(columns={name: column(name, language) for name in table.columns})


def contract_versions(contracts_dir: Path, tables: list[str], language: str) -> pd.DataFrame:
    """Each data contract that checked one of the run's `tables` (``surveys/<instrument>`` by the
    survey contract), named by the table it checks in the reader's words, and its ``version``."""
    used = {"survey" if table.startswith("surveys/") else table for table in tables}
    rows = []
    for path in sorted(contracts_dir.glob("*.yaml")):
        if path.stem not in used:
            continue
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        named = table_name("surveys" if path.stem == "survey" else path.stem, language)  # the table, in words
        rows.append({"contract": named, "version": str(document.get("version", ""))})
    table = pd.DataFrame(rows, columns=["contract", "version"])
    return table.rename(columns={name: column(name, language) for name in table.columns})


def package_versions(language: str) -> pd.DataFrame:
    """The installed version of each of `PACKAGES` (a package not installed is left out)."""
    rows = []
    for name in PACKAGES:
        try:
            rows.append({"package": name, "version": version(name)})
        except PackageNotFoundError:
            continue
    table = pd.DataFrame(rows, columns=["package", "version"])
    return table.rename(columns={name: column(name, language) for name in table.columns})
