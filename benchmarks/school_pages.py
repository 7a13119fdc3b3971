"""What a page per school and partnership costs, page by page, on a run that is already there.

    python benchmarks/school_pages.py PLAN OUT [--pages 40] [--mode papermill|batch] [--language en]

``OUT`` is the output folder of ``evaluation run PLAN`` (a plan without pages will do: the pages
read the results tables). The first ``--pages`` units (half schools, half partnerships) are
rendered into ``OUT/build-pages-benchmark/``, one after another in this process:

- ``papermill``: as a page worker did before the batches, notebook 06 executed by papermill in
  this process's kept kernel, then `notebook_to_html`; each page's time split into papermill (the
  kernel's cells, from the executed notebook's papermill durations: the set-up cell and the
  sections) and nbconvert;
- ``batch``: as a page worker does now (`evaluation.pipeline._render_batch`): the batch's set-up
  once (`_batch_setup`: the run and its `PageData`), then each page in this process.

Prints one JSON object per page (``seconds``, ``cpu_seconds``: this process and its children, the
kernel included) and a summary with the medians over the pages after the first (the first pays
the kernel's start and the imports).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
from pathlib import Path

import psutil


def cpu_seconds() -> float:
    """User + system CPU of this process and every descendant still running (the kernel)."""
    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += sum(child.cpu_times()[:2])
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--mode", choices=("papermill", "batch"), default="batch")
    parser.add_argument("--language", default="en")
    args = parser.parse_args(argv)

    from evaluation import pipeline, steps
    from evaluation.reporting import school_pages

    plan, out = args.plan.resolve(), args.out.resolve()
    started, cpu = time.perf_counter(), cpu_seconds()
    run = steps.setup(plan, out)
    found = steps.school_page.units(run)
    files = school_pages.page_files(found)
    schools = [u for u in found if u.kind == school_pages.SCHOOL]
    partnerships = [u for u in found if u.kind == school_pages.PARTNERSHIP]
    chosen = schools[: args.pages - args.pages // 2] + partnerships[: args.pages // 2]
    print(json.dumps({"stage": "units", "schools": len(schools), "partnerships": len(partnerships),
                      "seconds": round(time.perf_counter() - started, 3),
                      "cpu_seconds": round(cpu_seconds() - cpu, 3)}), flush=True)  # fmt: skip
    folder = Path("build-pages-benchmark")
    notebook = str(pipeline.NOTEBOOKS_DIR / steps.PAGE_NOTEBOOK)
    if args.mode == "batch":
        started, cpu = time.perf_counter(), cpu_seconds()
        pipeline._batch_setup(notebook, str(plan), str(out), "benchmark")
        print(json.dumps({"stage": "batch set-up", "seconds": round(time.perf_counter() - started, 3),
                          "cpu_seconds": round(cpu_seconds() - cpu, 3)}), flush=True)  # fmt: skip
    rows = []
    for unit in chosen:
        page = folder / files[(unit.kind, unit.id)]
        executed = folder / "executed" / page.with_suffix(".ipynb").name
        started, cpu = time.perf_counter(), cpu_seconds()
        row: dict = {"unit": f"{unit.kind}-{unit.id}"}
        if args.mode == "batch":
            pages = [(unit.kind, unit.id, str(page), str(executed), unit.name)]
            ((_, _, reason),) = pipeline._render_batch(notebook, str(plan), str(out), args.language, "benchmark", pages)
        else:
            reason = _papermill_page(pipeline, notebook, plan, out, unit, page, executed, args.language, row)
        row.update(seconds=round(time.perf_counter() - started, 3), cpu_seconds=round(cpu_seconds() - cpu, 3))
        if reason:
            row["reason"] = reason
        rows.append(row)
        print(json.dumps(row), flush=True)
    later = rows[1:] or rows
    summary = {"mode": args.mode, "pages": len(rows),
               "median_seconds": statistics.median(r["seconds"] for r in later),
               "median_cpu_seconds": statistics.median(r["cpu_seconds"] for r in later),
               "first_page_seconds": rows[0]["seconds"] if rows else None}  # fmt: skip
    for part in ("papermill_seconds", "setup_cell_seconds", "sections_seconds", "nbconvert_seconds"):
        if later and part in later[0]:
            summary[f"median_{part}"] = statistics.median(r[part] for r in later)
    print(json.dumps(summary), flush=True)
    pipeline.stop_kept_kernel()
    return 0 if all("reason" not in r for r in rows) else 1


def _papermill_page(pipeline, notebook, plan, out, unit, page, executed, language, row) -> str | None:
    """`pipeline._render_unit`'s two steps, timed apart: papermill in the kept kernel, nbconvert."""
    import nbformat
    import papermill

    from evaluation.reporting.render import notebook_to_html

    (out / executed).parent.mkdir(parents=True, exist_ok=True)
    parameters = dict(plan_path=str(plan), out_dir=str(out), unit_kind=unit.kind, unit_id=unit.id, language=language)
    started = time.perf_counter()
    try:
        papermill.execute_notebook(notebook, str(out / executed), parameters=parameters, kernel_name="python3",
                                   progress_bar=False, cwd=str(pipeline.NOTEBOOKS_DIR),
                                   engine_name=pipeline._kept_kernel_engine(), km=pipeline.kept_kernel())  # fmt: skip
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    row["papermill_seconds"] = round(time.perf_counter() - started, 3)
    cells = [c for c in nbformat.read(out / executed, as_version=4).cells if c.cell_type == "code"]
    durations = [c.metadata.get("papermill", {}).get("duration") or 0.0 for c in cells]
    row["setup_cell_seconds"] = round(durations[2], 3)
    row["sections_seconds"] = round(sum(durations[3:]), 3)
    started = time.perf_counter()
    notebook_to_html(out / executed, out / page, title=unit.name, language=language)
    row["nbconvert_seconds"] = round(time.perf_counter() - started, 3)
    return None


if __name__ == "__main__":
    sys.exit(main())
