"""The output folder of a run, and the accepted data cached in it.

The validation notebook validates once and caches the accepted tables under `work/accepted/`;
the analysis notebooks read that cache (and validate again only when it is missing or the data
directory changed since), so each notebook also runs on its own in JupyterLab.
Row-level data stays under `work/`, which is never part of a shared output.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from evaluation.errors import UnreadableInputError
from evaluation.plan import Plan

ACCEPTED = Path("work") / "accepted"
EFFECT_PARTS = Path("work") / "effects"


def ensure_data(plan: Plan) -> Path:
    """The plan's data directory; the demo plan writes its synthetic data there when missing."""
    if plan.data_dir.is_dir():
        return plan.data_dir
    if plan.demo:
        from evaluation.demo import write_demo_data

        return write_demo_data(plan.data_dir)
    raise UnreadableInputError(f"{plan.path}: data directory {plan.data_dir} does not exist")


def fingerprint(data_dir: Path) -> str:
    """Hash of the data directory's file names, sizes and modification times."""
    digest = hashlib.sha256()
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(data_dir)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _cache_name(table: str) -> str:
    return table.replace("/", "__") + ".parquet"


def prepare(plan: Plan, out_dir: Path):
    """Validate the plan's data, write the validation outputs under `out_dir/validation/`
    (quarantine table, data-quality warnings, summary, validation page and the schools' fix lists,
    in the plan's language; `evaluation.validation_page.write_validation_outputs`) and cache the
    accepted tables. Returns the ValidationReport."""
    from evaluation.quality import check_quality
    from evaluation.validation import validate_data_dir
    from evaluation.validation_page import write_validation_outputs

    data_dir = ensure_data(plan)
    report = validate_data_dir(data_dir)
    warnings = check_quality(report, language=plan.language)
    write_validation_outputs(report, out_dir / "validation", plan.language, warnings)
    status = {
        "exit_code": report.exit_code, "summary": report.summary(),
        "broken": {key: result.broken for key, result in report.tables.items() if result.broken},
        "quarantined": sum(result.n_quarantined for result in report.tables.values()),
        "warnings": len(warnings),
    }
    (out_dir / "validation" / "status.json").write_text(json.dumps(status, indent=2), encoding="utf-8")
    cache = out_dir / ACCEPTED
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob("*.parquet"):
        old.unlink()
    for table, frame in report.accepted.items():
        frame.to_parquet(cache / _cache_name(table), index=False)
    manifest = {"fingerprint": fingerprint(data_dir), "data_dir": str(data_dir),
                "tables": sorted(report.accepted), "exit_code": report.exit_code}
    (cache / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return report


def load_accepted(plan: Plan, out_dir: Path) -> dict[str, pd.DataFrame]:
    """The accepted tables of the plan's data, from the cache when it is current."""
    cache = out_dir / ACCEPTED
    manifest_path = cache / "manifest.json"
    data_dir = ensure_data(plan)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    if manifest.get("fingerprint") != fingerprint(data_dir) or manifest.get("data_dir") != str(data_dir):
        prepare(plan, out_dir)
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return {table: pd.read_parquet(cache / _cache_name(table)) for table in manifest["tables"]}


def load_instruments(plan: Plan) -> dict:
    """Instrument definitions of the plan's survey outcomes (data directory's own first)."""
    from evaluation.instruments import load_instrument

    ids = sorted({o.instrument for o in plan.outcomes if o.source == "survey"})
    return {i: load_instrument(i, data_dir=plan.data_dir) for i in ids}


def save_effects(effects: pd.DataFrame, out_dir: Path, analysis: str) -> Path:
    """Write one analysis notebook's rows of the results table; the pipeline joins the parts
    into `results/effects.csv`."""
    target = out_dir / EFFECT_PARTS / f"{analysis}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    effects.to_csv(target, index=False)
    return target


def save_result(frame: pd.DataFrame, out_dir: Path, name: str) -> Path:
    """Write an aggregate results table (no row-level data) to `results/<name>.csv`."""
    target = out_dir / "results" / f"{name}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False)
    return target
