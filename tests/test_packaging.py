"""What `pip install .` ships: pyproject.toml lists every package folder of evaluation/ and maps
the checkout's data_contracts/, notebooks/ and pipelines/ into the package with all their files."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
PACKAGES = SETUPTOOLS["packages"]
PACKAGE_DIR = SETUPTOOLS["package-dir"]
PACKAGE_DATA = SETUPTOOLS["package-data"]
#: The checkout's top-level folders that ship inside the package (evaluation.resources reads them).
BUNDLED = ("data_contracts", "notebooks", "pipelines")


def source_folder(package: str) -> Path:
    return ROOT / PACKAGE_DIR.get(package, package.replace(".", "/"))


def test_every_folder_of_evaluation_with_python_code_is_a_listed_package() -> None:
    folders = {path.parent for path in (ROOT / "evaluation").rglob("*.py") if "__pycache__" not in path.parts}
    code = {".".join(folder.relative_to(ROOT).parts) for folder in folders}
    listed = {package for package in PACKAGES if package not in PACKAGE_DIR}
    assert sorted(code - listed) == [], "add these to [tool.setuptools] packages in pyproject.toml"
    assert sorted(listed - code) == [], "packages listed in pyproject.toml without a folder of Python code"


def test_every_bundled_folder_is_a_package_of_evaluation() -> None:
    folders = {
        path
        for top in BUNDLED
        for path in [ROOT / top, *(ROOT / top).rglob("*")]
        if path.is_dir() and "__pycache__" not in path.parts and not path.name.startswith(".")
    }
    mapped = {ROOT / folder for folder in PACKAGE_DIR.values()}
    assert sorted(map(str, folders - mapped)) == [], "map these in [tool.setuptools.package-dir]"
    for package, folder in PACKAGE_DIR.items():
        assert package == "evaluation." + folder.replace("/", ".") and package in PACKAGES


def test_every_bundled_file_matches_a_package_data_glob() -> None:
    missing = []
    for package, folder in PACKAGE_DIR.items():
        for path in (ROOT / folder).iterdir():
            globs = PACKAGE_DATA.get(package, [])
            if (
                path.is_file()
                and not path.name.startswith(".")
                and not any(fnmatch.fnmatch(path.name, glob) for glob in globs)
            ):
                missing.append(str(path.relative_to(ROOT)))
    assert missing == [], "add a glob for these to [tool.setuptools.package-data]"


def test_data_files_inside_evaluation_ship_however_deep() -> None:
    globs = PACKAGE_DATA["evaluation"]
    assert {"**/*.yaml", "**/*.csv", "**/*.md"} <= set(globs)  # e.g. evaluation/wording/tr.yaml
    unshipped = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "evaluation").rglob("*")
        if path.is_file()
        and path.suffix not in (".py", ".pyc")
        and "__pycache__" not in path.parts
        and not any(fnmatch.fnmatch(path.name, glob.removeprefix("**/")) for glob in globs)
    ]
    assert unshipped == [], "add a glob for these to [tool.setuptools.package-data] evaluation"
