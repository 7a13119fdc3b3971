"""How the pipeline runs the pages, without running them: how many workers, the exit policy when
pages fail, and the progress line of the units."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from evaluation.errors import EXIT_PAGES_FAILED, PagesFailed, PlanError
from evaluation.pipeline import PAGE_WORKERS, Progress, check_pages, page_workers


def test_one_worker_per_unit_up_to_the_processors_and_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PAGE_WORKERS, raising=False)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert [page_workers(n) for n in (0, 1, 3, 4, 40)] == [1, 1, 3, 4, 4]
    monkeypatch.setenv(PAGE_WORKERS, "2")
    assert [page_workers(n) for n in (1, 3, 40)] == [1, 2, 2]
    monkeypatch.setenv(PAGE_WORKERS, "9")  # a setting may lower the number, not raise it
    assert page_workers(40) == 4


@pytest.mark.parametrize("setting", ["0", "-1", "two", "1.5"])
def test_a_setting_that_is_not_a_whole_number_of_one_or_more_is_refused(
    setting: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PAGE_WORKERS, setting)
    with pytest.raises(PlanError, match=f"{PAGE_WORKERS}='{setting}'"):
        page_workers(3)


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
