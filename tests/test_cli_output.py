"""The `evaluation` command's output folder: refused in one line, before any work, when it cannot be
a folder; a disk that refuses to write is one line too (exit 2), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.cli import main
from evaluation.errors import EXIT_UNREADABLE

from fixtures import valid_tables, write_data_dir


def _data(tmp_path: Path) -> Path:
    tables = valid_tables()
    return write_data_dir(tmp_path / "data", {key: tables[key] for key in ("schools", "exam_results")})


@pytest.mark.parametrize("command", ["validate", "run"])
def test_out_naming_a_file_is_refused_in_one_line(command: str, tmp_path: Path, capsys) -> None:
    data = _data(tmp_path)
    existing = tmp_path / "somefile"
    existing.write_text("not a folder", encoding="utf-8")
    target = str(data) if command == "validate" else "demo"
    for out, problem in ((existing, "it is a file"), (existing / "sub", f"{existing} is a file")):
        capsys.readouterr()
        assert main([command, target, "--out", str(out)]) == EXIT_UNREADABLE
        captured = capsys.readouterr()
        assert captured.err == (
            f"evaluation {command}: {out}: --out must name a folder to write into, but {problem}; name another folder\n"
        )
        assert captured.out == ""
    assert existing.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.slow  # it validates a data directory
def test_a_folder_that_cannot_be_written_is_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    import evaluation.validation.page

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "out" / "quarantine.csv"))

    monkeypatch.setattr(evaluation.validation.page, "write_validation_outputs", refuse)
    data = _data(tmp_path)
    assert main(["validate", str(data), "--out", str(tmp_path / "out")]) == EXIT_UNREADABLE
    assert capsys.readouterr().err == (
        f"evaluation validate: {tmp_path / 'out' / 'quarantine.csv'}: cannot read or write (Permission denied)\n"
    )


def test_the_closing_list_names_only_what_the_run_wrote(tmp_path: Path) -> None:
    """A run without school pages (or with no school to fix) does not announce them; a translation
    is named after the results, in the plan's order."""
    from evaluation.cli import written_lines

    for name in ("shared/report.html", "shared/results.xlsx", "shared/results/x.csv", "shared/tr/report.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "restricted" / "notebooks").mkdir(parents=True)
    named = [line.split()[0] for line in written_lines(tmp_path, ("tr",))]
    assert named == [
        "shared/report.html",
        "shared/results.xlsx",
        "shared/results/",
        "shared/tr/",
        "restricted/notebooks/",
    ]
    assert written_lines(tmp_path / "elsewhere") == []
