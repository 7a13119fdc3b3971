"""How the pipeline runs the pages, without running them: the exit policy when pages fail, and the
progress line of the units (where they run: tests/steps/test_parallel.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from evaluation.errors import EXIT_PAGES_FAILED, PagesFailed
from evaluation.pipeline import Progress, check_pages


def test_the_run_fails_only_when_every_page_failed(tmp_path: Path) -> None:
    check_pages({}, tmp_path)  # no school, no page: nothing failed
    check_pages({("school", "a"): None, ("school", "b"): "ValueError: x"}, tmp_path)  # one made: the run succeeds
    with pytest.raises(PagesFailed, match="the first reason: ValueError: x") as failed:
        check_pages({("school", "a"): "ValueError: x", ("partnership", "p"): "KeyError: y"}, tmp_path)
    assert failed.value.exit_code == EXIT_PAGES_FAILED == 5


def test_the_units_progress_in_a_log_is_a_line_per_tenth_then_the_time() -> None:
    stream = io.StringIO()
    counter = Progress(stream).counter("school pages", 34)
    for _ in range(34):
        counter.advance()
    counter.finish()
    lines = stream.getvalue().splitlines()
    assert [line.split()[-1] for line in lines[:-1]] == ["4/34", "8/34", "12/34", "16/34", "20/34", "24/34",
                                                         "28/34", "32/34"]  # fmt: skip
    assert lines[-1].startswith("  school pages 34/34") and lines[-1].endswith(" s")
