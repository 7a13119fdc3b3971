"""The output folder of a run: what may be shared and what may not, the accepted data cached in
it, the results tables written to it, and a record of which section wrote what from which plan
and data.

Layout (`evaluation.pipeline` adds the executed notebooks and the rendered report)::

    OUT/shared/                      aggregates only: may be shared (README.txt says so)
        report.html, report.pdf      the annual report
        results.xlsx                 the results tables as one workbook for people
        <language>/                  the report, its PDF and the workbook in each of the plan's translations
        results/<name>.csv           the results tables
        validation/                  validation.html (the page for officials), validation-summary.csv,
                                     linkage.csv: counts per file, rule, check and school
    OUT/restricted/                  rows and ids of the schools' files: never shared (README.txt)
        validation/                  quarantine.csv, warnings.csv, fix-lists/ (each school's rows),
                                     status.json
        notebooks/                   the executed notebooks (they show failing rows)
        work/accepted/               the accepted rows of every table (parquet)
        work/effects/                each analysis step's rows of results/effects.csv
        work/sections/               one record per section: the fingerprint of the plan and data it used
        data/                        a demo plan's synthetic data (its `data`, e.g. data/2022-2023)

The validation step validates once and caches the accepted tables; every later step reads that
cache and validates again only when the data directory changed since. A results table is
current when the section that writes it recorded the same fingerprint (plan file, data directory
and workbench) as the run now has, and its file is as it wrote it; `evaluation.steps.context.Run.table`
computes it otherwise.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import pandas as pd

from evaluation.config.plan import Plan, SchoolYear
from evaluation.errors import PlanError, UnreadableInputError, ValidationFailed
from evaluation.resources import CONTRACTS_DIR, package_version
from evaluation.stats.estimate import EFFECT_COLUMNS, read_effects

SHARED = Path("shared")
RESTRICTED = Path("restricted")
RESULTS = SHARED / "results"
REPORT_HTML = SHARED / "report.html"
REPORT_PDF = SHARED / "report.pdf"
RESULTS_XLSX = SHARED / "results.xlsx"
SHARED_VALIDATION = SHARED / "validation"
VALIDATION = RESTRICTED / "validation"
EXECUTED_NOTEBOOKS = RESTRICTED / "notebooks"
WORK = RESTRICTED / "work"
ACCEPTED = WORK / "accepted"
EFFECT_PARTS = WORK / "effects"
SECTIONS = WORK / "sections"
#: The analysis steps whose rows make up results/effects.csv, in the order of its rows.
EFFECT_ANALYSES = ("partner_vs_control", "prepost")


def shared_in(plan: Plan, language: str) -> Path:
    """Where the report, its PDF and the workbook in `language` go, relative to the output folder:
    ``shared/`` for the plan's own language, ``shared/<language>/`` for one of its ``translations``."""
    return SHARED if language == plan.language else SHARED / language


def for_run(plan: Plan, out_dir: Path) -> Plan:
    """The plan as a run into `out_dir` reads it (the pipeline and each notebook's set-up call this
    once, on the plan as loaded).

    A plan for real data (``demo: false``, the default) is returned as it is: its `data` is
    relative to the plan file. A demo plan (``demo: true``) takes its `data` relative to the output
    folder's restricted part instead (``OUT/restricted/data/2022-2023`` for the bundled demo plan's
    ``data: data/2022-2023``), and the run writes the synthetic demo programme there when it is
    missing: a plan bundled with an installed package lies inside the package, where nothing is
    written, and the demo flag never writes data outside the output folder.
    """
    if not plan.demo:
        return plan
    # load_plan refused a demo plan whose data (or an earlier year's) is absolute or leaves its folder
    inside = Path(out_dir).resolve() / RESTRICTED
    years = tuple(replace(year, data_dir=inside / year.data) for year in plan.earlier_years)
    return replace(plan, data_dir=inside / plan.data, earlier_years=years)


def ensure_data(plan: Plan, out_dir: Path) -> Path:
    """The data directory of the run's plan (`for_run`); a demo plan's synthetic data is written
    there when missing, which is always inside `out_dir`."""
    if plan.demo and not plan.data_dir.is_relative_to(Path(out_dir).resolve()):
        raise PlanError(
            f"{plan.path}: demo data is written inside the output folder {out_dir} only, not to "
            f"{plan.data_dir} (evaluation.steps.workspace.for_run places it)"
        )
    if plan.data_dir.is_dir():
        return plan.data_dir
    if plan.demo:
        from evaluation.demo.scenarios import write_scenario

        return write_scenario(plan.demo_scenario or "national", plan.data_dir, period=plan.period)
    raise UnreadableInputError(f"{plan.path}: data directory {plan.data_dir} does not exist")


def ensure_year_data(plan: Plan, year: SchoolYear, out_dir: Path) -> Path:
    """The data directory of one of the plan's ``earlier_years`` (`ensure_data` for that year: a
    demo plan's synthetic data for that period is written there when missing)."""
    if plan.demo and not year.data_dir.is_relative_to(Path(out_dir).resolve()):
        raise PlanError(f"{plan.path}: demo data is written inside the output folder {out_dir} only")
    if year.data_dir.is_dir():
        return year.data_dir
    if plan.demo:
        from evaluation.demo.scenarios import write_scenario

        return write_scenario(plan.demo_scenario or "national", year.data_dir, period=year.period)
    raise UnreadableInputError(
        f"{plan.path}: data directory {year.data_dir} of the earlier year {year.period} does not exist"
    )


def load_year(plan: Plan, year: SchoolYear, out_dir: Path, named_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """The accepted tables of an earlier year's data folder, each validated against its contract
    (the schools table is required; the others are read when the folder has them), cached in
    ``restricted/work/earlier/<period>/`` while its files stay as they are. Its quarantine is
    written to ``restricted/validation/earlier/<period>/``; a broken table, or quarantined rows
    under ``on_quarantine: stop``, stops the run (ValidationFailed, exit 1) naming the folder
    (and the quarantine's place in `named_dir`, the output folder the run becomes, else `out_dir`)."""
    data_dir = ensure_year_data(plan, year, out_dir)
    cache = out_dir / WORK / "earlier" / _slug(year.period)
    manifest_path = cache / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    wanted = {"fingerprint": fingerprint(data_dir), "data_dir": str(data_dir), "pseudonymized": plan.pseudonymize}
    if {key: manifest.get(key) for key in wanted} != wanted:
        manifest = _validate_year(plan, year, data_dir, out_dir, cache) | wanted
        manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    if manifest["broken"] or (manifest["quarantined"] and plan.on_quarantine == "stop"):
        tables = "; ".join(f"{table}: {reason}" for table, reason in manifest["broken"].items())
        raise ValidationFailed(
            f"the data of the earlier year {year.period} ({data_dir}) broke its contracts"
            + (f" ({tables})" if tables else "")
            + f"; nothing was analysed.\n{manifest['summary']}\nEvery failing row is listed in "
            f"{(named_dir or out_dir) / VALIDATION / 'earlier' / _slug(year.period) / 'quarantine.csv'}."
            + ("" if manifest["broken"] else " To analyse the accepted rows instead, set on_quarantine: continue.")
        )
    return {table: pd.read_parquet(cache / _cache_name(table)) for table in manifest["tables"]}


def _validate_year(plan: Plan, year: SchoolYear, data_dir: Path, out_dir: Path, cache: Path) -> dict:
    """Validate an earlier year's folder: its quarantine and summary written, its accepted tables
    cached in `cache`; returns what the manifest records of it."""
    from evaluation.validation.validate import validate_data_dir

    report = validate_data_dir(data_dir, pseudonymize=plan.pseudonymize, required={"schools": ()})
    report.write(out_dir / VALIDATION / "earlier" / _slug(year.period))
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob("*.parquet"):
        old.unlink()
    for table, frame in report.accepted.items():
        frame.to_parquet(cache / _cache_name(table), index=False)
    return {
        "tables": sorted(report.accepted),
        "broken": {key: result.broken for key, result in report.tables.items() if result.broken},
        "quarantined": len(report.failures),
        "summary": report.summary(),
    }


def _slug(period: str) -> str:
    """A period as a folder name: letters, digits, ``-`` and ``_`` kept, anything else ``_``."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in period) or "_"


def check_outcomes(plan: Plan) -> None:
    """Refuse (PlanError, exit 3, naming the plan file) a survey outcome whose instrument has no
    definition or no such scale: found before any data is validated. (An exam outcome's subject
    is checked against the data once it is read: `evaluation.steps.context.Run.frames`.)"""
    from evaluation.config.instruments import find_instrument, load_instrument

    for outcome in plan.outcomes:
        if outcome.source != "survey":
            continue
        if find_instrument(outcome.instrument, plan.data_dir) is None:
            raise PlanError(
                f"{plan.path}: outcome {outcome.id}: no instrument definition {outcome.instrument}.yaml in the data "
                "folder's instruments/ or among the bundled ones"
            )
        instrument = load_instrument(outcome.instrument, data_dir=plan.data_dir)
        if outcome.scale not in instrument.scales:
            raise PlanError(
                f"{plan.path}: outcome {outcome.id}: instrument {instrument.id} has no scale {outcome.scale!r}; "
                f"its scales: {', '.join(instrument.scales)}"
            )


def check_required_tables(plan: Plan) -> None:
    """Refuse (UnreadableInputError, exit 2) data without a table the plan needs
    (`evaluation.config.plan.required_tables`: the schools always, the exam results for an exam
    outcome, a survey for its instrument's outcomes), before anything is validated or written."""
    from evaluation.validation.validate import check_links, check_required, discover_tables

    check_links(plan.data_dir)
    files, _, _ = discover_tables(plan.data_dir, plan.required_tables)
    check_required(plan.data_dir, files, plan.required_tables)


def fingerprint(data_dir: Path) -> str:
    """Hash of the data directory's file names, sizes and modification times."""
    digest = hashlib.sha256()
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(data_dir)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """Hash of the workbench's version and its bundled contracts, instruments and standards: a
    results table written by another version, or under other contracts, is out of date."""
    return hashlib.sha256(f"{package_version()}|{fingerprint(CONTRACTS_DIR)}".encode()).hexdigest()


def run_fingerprint(plan: Plan, out_dir: Path) -> str:
    """Hash of what every result depends on: the plan file's bytes, the data directory and the
    workbench (`code_fingerprint`)."""
    data = fingerprint(ensure_data(plan, out_dir))
    for year in plan.earlier_years:  # none in a single-year plan, whose fingerprint stays as it was
        data += "|" + fingerprint(ensure_year_data(plan, year, out_dir))
    return hashlib.sha256(f"{plan.sha256}|{data}|{code_fingerprint()}".encode()).hexdigest()


def _cache_name(table: str) -> str:
    return table.replace("/", "__") + ".parquet"


def prepare(plan: Plan, out_dir: Path):
    """Validate the plan's data, write the validation outputs under `out_dir/validation/`
    (quarantine table, data-quality warnings, summary, validation page and the schools' fix lists,
    in the plan's language; `evaluation.validation.page.write_validation_outputs`) and cache the
    accepted tables. Returns the ValidationReport."""
    from evaluation.validation.page import write_readmes, write_validation_outputs
    from evaluation.validation.quality import check_quality
    from evaluation.validation.validate import validate_data_dir

    data_dir = ensure_data(plan, out_dir)
    report = validate_data_dir(data_dir, pseudonymize=plan.pseudonymize, required=plan.required_tables)
    warnings = check_quality(report, language=plan.language)
    write_readmes(out_dir)
    write_validation_outputs(
        report, out_dir / VALIDATION, plan.language, warnings, shared_dir=out_dir / SHARED_VALIDATION
    )
    status = {
        "exit_code": report.exit_code,
        "summary": report.summary(),
        "broken": {key: result.broken for key, result in report.tables.items() if result.broken},
        "quarantined": sum(result.n_quarantined for result in report.tables.values()),
        "warnings": len(warnings),
    }
    (out_dir / VALIDATION / "status.json").write_text(json.dumps(status, indent=2), encoding="utf-8")
    cache = out_dir / ACCEPTED
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob("*.parquet"):
        old.unlink()
    for table, frame in report.accepted.items():
        frame.to_parquet(cache / _cache_name(table), index=False)
    manifest = {
        "fingerprint": fingerprint(data_dir),
        "data_dir": str(data_dir),
        "tables": sorted(report.accepted),
        "exit_code": report.exit_code,
        "language": plan.language,  # of the validation outputs (fix lists, validation page)
        "pseudonymized": plan.pseudonymize,
    }
    (cache / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return report


def validation_status(out_dir: Path) -> dict:
    """What the last validation into `out_dir` found (``validation/status.json``)."""
    return json.loads((out_dir / VALIDATION / "status.json").read_text(encoding="utf-8"))


def check_validation(status: dict, plan: Plan, out_dir: Path) -> None:
    """Stop (ValidationFailed, exit 1) when a table is broken, or when rows were quarantined and
    the plan says `on_quarantine: stop` (the default)."""
    quarantine = out_dir / VALIDATION / "quarantine.csv"
    if status["broken"]:
        tables = "; ".join(f"{table}: {reason}" for table, reason in status["broken"].items())
        raise ValidationFailed(
            f"a table of {plan.path.name}'s data cannot be checked ({tables}); nothing was analysed. "
            f"This stops every run, whatever on_quarantine says.\n{status['summary']}\n"
            f"The problems are listed in {quarantine}"
        )
    if status["quarantined"] and plan.on_quarantine == "stop":
        raise ValidationFailed(
            f"the data of {plan.path.name} broke its contracts; nothing was analysed.\n{status['summary']}\n"
            f"Every failing row is listed in {quarantine}. To analyse the accepted rows and report the "
            "others instead, set on_quarantine: continue in the plan."
        )


def load_accepted(plan: Plan, out_dir: Path) -> dict[str, pd.DataFrame]:
    """The accepted tables of the plan's data, from the cache when it is current: the same data
    files, validated with the outputs in the plan's language (else validating and writing the
    validation outputs first)."""
    cache = out_dir / ACCEPTED
    manifest_path = cache / "manifest.json"
    data_dir = ensure_data(plan, out_dir)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    current = (
        manifest.get("fingerprint"),
        manifest.get("data_dir"),
        manifest.get("language"),
        manifest.get("pseudonymized", False),
    )
    if current != (fingerprint(data_dir), str(data_dir), plan.language, plan.pseudonymize):
        prepare(plan, out_dir)
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return AcceptedTables(cache, manifest["tables"])


class AcceptedTables(Mapping):
    """The accepted tables of a validation, each read from its parquet file under
    ``restricted/work/accepted/`` when first asked for (`read_cached`): a page that needs the
    schools does not read the exam results."""

    def __init__(self, folder: Path, tables: list[str]) -> None:
        self.folder, self.tables, self._read = Path(folder), list(tables), {}

    def __getitem__(self, table: str) -> pd.DataFrame:
        if table not in self.tables:
            raise KeyError(table)
        if table not in self._read:
            self._read[table] = read_cached(self.folder / _cache_name(table), pd.read_parquet)
        return self._read[table]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)


#: (path, size, modification time) -> the frame read from it: a table read once per process.
_READ: dict[tuple, pd.DataFrame] = {}
_READ_LIMIT = 32
#: A file modified less than this long ago (ns) is read, not cached: a file system's clock may
#: give a file rewritten within one tick with the same size the same modification time.
_SETTLED_NS = 2_000_000_000


def read_cached(path: Path, read: Callable[..., pd.DataFrame], **options) -> pd.DataFrame:
    """`read(path, **options)`, parsed once per process while the file stays as it was (same
    inode, size and modification time): a kernel kept for several pages (`evaluation.pipeline`)
    reads each table once; a file written in the last two seconds is read afresh. Each caller
    gets its own copy (pandas' copy-on-write: changing it changes neither the cache nor another
    caller's)."""
    stat = path.stat()
    if time.time_ns() - stat.st_mtime_ns < _SETTLED_NS:  # maybe rewritten within the clock's tick: read it
        return read(path, **options)
    key = (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns, read.__name__, repr(sorted(options.items())))
    if key not in _READ:
        if len(_READ) >= _READ_LIMIT:
            _READ.pop(next(iter(_READ)))
        _READ[key] = read(path, **options)
    return _READ[key].copy(deep=False)


def load_instruments(plan: Plan) -> dict:
    """Instrument definitions of the plan's survey outcomes (data directory's own first)."""
    from evaluation.config.instruments import load_instrument

    ids = sorted({o.instrument for o in plan.outcomes if o.source == "survey"})
    return {i: load_instrument(i, data_dir=plan.data_dir) for i in ids}


def save_effects(effects: pd.DataFrame, out_dir: Path, analysis: str, run_fingerprint: str) -> Path:
    """Write one analysis step's rows of the results table (with the fingerprint of the plan and
    data it comes from), and `results/effects.csv` from the parts of that same plan and data."""
    target = out_dir / EFFECT_PARTS / f"{analysis}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    effects.to_csv(target, index=False)
    target.with_suffix(".json").write_text(json.dumps({"fingerprint": run_fingerprint}), encoding="utf-8")
    combine_effects(out_dir, run_fingerprint)
    return target


def combine_effects(out_dir: Path, run_fingerprint: str) -> Path:
    """Join the analysis steps' parts written for `run_fingerprint` into `results/effects.csv`
    (`EFFECT_ANALYSES` in that order): a part written from another plan or data is left out."""
    frames = []
    for name in EFFECT_ANALYSES:
        part = out_dir / EFFECT_PARTS / f"{name}.csv"
        stamp = part.with_suffix(".json")
        written_for = json.loads(stamp.read_text(encoding="utf-8")).get("fingerprint") if stamp.is_file() else None
        if part.is_file() and written_for == run_fingerprint:
            frames.append(read_effects(part))
    effects = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=EFFECT_COLUMNS)
    target = out_dir / RESULTS / "effects.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    # written beside it and renamed over it in one step: pages in parallel workers join and read
    # it at the same time, and a reader must never see it half written (a page once showed its
    # group's change blank)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    effects[EFFECT_COLUMNS].to_csv(partial, index=False)
    os.replace(partial, target)
    return target


def read_result(out_dir: Path, name: str) -> pd.DataFrame:
    """The results table `name` as its writer meant it: effects with the columns' types
    (`evaluation.stats.estimate.read_effects`), evidence with its flags as True, False or None,
    the joint test with its empty note kept empty."""
    from evaluation.analysis.evidence import read_evidence

    path = out_dir / RESULTS / f"{name}.csv"
    if name == "effects":
        return read_cached(path, read_effects)
    if name == "evidence":
        return read_cached(path, read_evidence)
    if name == "balance_test":
        return read_cached(path, pd.read_csv, keep_default_na=False, na_values=[""])
    if name in ("activities", "activity_summary", "activity_months"):  # free text: "NA" is a word; ids keep zeros
        texts = (
            "partnership_id",
            "activity_type",
            "title",
            "planned_month",
            "completed_on",
            "status",
            "reason",
            "month",
        )
        return read_cached(
            path, pd.read_csv, keep_default_na=False, na_values=[""], dtype=dict.fromkeys(texts, "string")
        )
    return read_cached(path, pd.read_csv)


def save_result(frame: pd.DataFrame, out_dir: Path, name: str) -> Path:
    """Write an aggregate results table (no row-level data) to `results/<name>.csv`."""
    target = out_dir / RESULTS / f"{name}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False)
    return target


def _stamp(path: Path) -> list[int] | None:
    """Size and modification time of a written file (None when it is gone)."""
    if not path.is_file():
        return None
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def record_section(out_dir: Path, section: str, run_fingerprint: str, written: list[Path] = ()) -> None:
    """Note that `section` wrote the files `written` for the plan and data of `run_fingerprint`."""
    target = out_dir / SECTIONS / f"{section}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    files = {str(Path(path).relative_to(out_dir)): _stamp(Path(path)) for path in written}
    record = {"section": section, "fingerprint": run_fingerprint, "files": files}
    target.write_text(json.dumps(record, indent=1), encoding="utf-8")


def section_is_current(out_dir: Path, section: str, run_fingerprint: str) -> bool:
    """True when `section` last wrote its results for the plan and data of `run_fingerprint` and
    every file it wrote is still there as it wrote it (not deleted, not re-saved by hand)."""
    path = out_dir / SECTIONS / f"{section}.json"
    if not path.is_file():
        return False
    record = json.loads(path.read_text(encoding="utf-8"))
    if record.get("fingerprint") != run_fingerprint:
        return False
    return all(_stamp(out_dir / name) == stamp for name, stamp in record.get("files", {}).items())


def validation_file(out_dir: Path, name: str, **options) -> pd.DataFrame:
    """A table the validation wrote (``quarantine.csv``, ``warnings.csv`` from the restricted
    folder; ``validation-summary.csv``, ``linkage.csv`` from the shared one); `options` are
    `pandas.read_csv`'s."""
    shared = out_dir / SHARED_VALIDATION / name
    path = shared if shared.is_file() else out_dir / VALIDATION / name
    return pd.read_csv(path, **options)
