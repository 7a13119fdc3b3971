"""The analysis plan (YAML): read, checked and hashed before any data is looked at."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from evaluation.errors import PlanError

SOURCES = ("exam", "survey")
LANGUAGES = ("en", "tr")
ON_QUARANTINE = ("stop", "continue")
PRIMARY_METHODS = ("ancova_cr1", "ancova_cr2", "mixed_reml", "did")
COMPARISONS = ("fixed", "matched")
ATTRITION_BOUNDARIES = ("cautious", "optimistic")  # the WWC boundary tables (evaluation.evidence.attrition)
SUBGROUPS = ("grade", "sex", "special_needs", "migrant_refugee", "school_type", "resource_level")


@dataclass(frozen=True)
class Outcome:
    """One outcome of the plan: an exam subject or a survey scale."""

    id: str
    source: str
    domain: str
    subject: str | None = None
    instrument: str | None = None
    scale: str | None = None


@dataclass(frozen=True)
class Plan:
    """A checked analysis plan. `data_dir` is resolved against the plan file's folder."""

    path: Path
    programme: str
    period: str
    language: str
    data_dir: Path
    outcomes: tuple[Outcome, ...]
    alpha: float = 0.05
    min_cell_size: int = 10
    subgroups: tuple[str, ...] = ()
    demo: bool = False
    on_quarantine: str = "stop"
    primary_method: str | None = None  # None: ancova_cr2 under 40 schools, else ancova_cr1
    comparison: str = "fixed"  # matched: control schools are a pool to match partners from
    missing_data_threshold: float = 0.05  # a group missing more of the post-test: add ancova_mi
    attrition_boundary: str = "cautious"
    sha256: str = field(default="", repr=False)

    @property
    def hash(self) -> str:
        """Short hash of the plan file's bytes, stamped on the report."""
        return self.sha256[:12]


def _outcome(raw: object, position: int, path: Path) -> Outcome:
    where = f"{path}: outcomes[{position}]"
    if not isinstance(raw, dict):
        raise PlanError(f"{where}: expected a mapping such as {{id: mathematics, source: exam, subject: mathematics, domain: academic}}, found {raw!r}")
    missing = [key for key in ("id", "source", "domain") if not raw.get(key)]
    if missing:
        raise PlanError(f"{where}: missing key(s) {', '.join(missing)}")
    source = raw["source"]
    if source not in SOURCES:
        raise PlanError(f"{where} ({raw['id']}): source {source!r} is not one of {', '.join(SOURCES)}")
    needs = ("subject",) if source == "exam" else ("instrument", "scale")
    missing = [key for key in needs if not raw.get(key)]
    if missing:
        raise PlanError(f"{where} ({raw['id']}): a {source} outcome needs {', '.join(missing)}")
    known = {"id", "source", "domain", "subject", "instrument", "scale"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise PlanError(f"{where} ({raw['id']}): unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}")
    return Outcome(**{key: str(value) for key, value in raw.items()})


def load_plan(path: Path | str) -> Plan:
    """Read and check an analysis plan; raises PlanError naming the file and key on problems."""
    path = Path(path).resolve()
    try:
        raw_bytes = path.read_bytes()
    except OSError as error:
        raise PlanError(f"{path}: cannot read the analysis plan ({error.strerror})") from None
    try:
        raw = yaml.safe_load(raw_bytes)
    except yaml.YAMLError as error:
        raise PlanError(f"{path}: not valid YAML ({error})") from None
    if not isinstance(raw, dict):
        raise PlanError(f"{path}: an analysis plan is a YAML mapping with programme, period, data and outcomes")
    known = {"programme", "period", "language", "data", "demo", "alpha", "min_cell_size", "outcomes", "subgroups",
             "on_quarantine", "primary_method", "comparison", "missing_data_threshold",
             "attrition_boundary"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise PlanError(f"{path}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}")
    missing = [key for key in ("programme", "period", "data", "outcomes") if not raw.get(key)]
    if missing:
        raise PlanError(f"{path}: missing required key(s) {', '.join(missing)}")
    language = raw.get("language", "en")
    if language not in LANGUAGES:
        raise PlanError(f"{path}: language {language!r} is not one of {', '.join(LANGUAGES)}")
    alpha = raw.get("alpha", 0.05)
    if not isinstance(alpha, (int, float)) or not 0 < alpha < 0.5:
        raise PlanError(f"{path}: alpha must be a number between 0 and 0.5, found {alpha!r}")
    min_cell = raw.get("min_cell_size", 10)
    if not isinstance(min_cell, int) or min_cell < 1:
        raise PlanError(f"{path}: min_cell_size must be a whole number of at least 1, found {min_cell!r}")
    on_quarantine = raw.get("on_quarantine", "stop")
    if on_quarantine not in ON_QUARANTINE:
        raise PlanError(f"{path}: on_quarantine must be stop (quarantined rows stop the run) or continue "
                        f"(analyse the accepted rows and report the others), found {on_quarantine!r}")
    primary = raw.get("primary_method")
    if primary is not None and primary not in PRIMARY_METHODS:
        raise PlanError(f"{path}: primary_method {primary!r} is not one of {', '.join(PRIMARY_METHODS)} "
                        "(leave it out for ancova_cr2 under 40 schools, ancova_cr1 from 40)")
    comparison = raw.get("comparison", "fixed")
    if comparison not in COMPARISONS:
        raise PlanError(f"{path}: comparison must be fixed (the control schools are the comparison group) or "
                        f"matched (match each partner school to a control school of the pool), found {comparison!r}")
    threshold = raw.get("missing_data_threshold", 0.05)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold < 1:
        raise PlanError(f"{path}: missing_data_threshold must be a share from 0 to below 1 (0.05: multiple "
                        f"imputation when a group misses more than 5% of the post-test), found {threshold!r}")
    boundary = raw.get("attrition_boundary", "cautious")
    if boundary not in ATTRITION_BOUNDARIES:
        raise PlanError(f"{path}: attrition_boundary must be cautious (the WWC's default) or optimistic (when the "
                        f"programme itself is unlikely to make students leave), found {boundary!r}")
    if not isinstance(raw["outcomes"], list):
        raise PlanError(f"{path}: outcomes must be a list")
    outcomes = tuple(_outcome(item, i, path) for i, item in enumerate(raw["outcomes"]))
    ids = [outcome.id for outcome in outcomes]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise PlanError(f"{path}: outcome id(s) used twice: {', '.join(duplicated)}")
    subgroups = raw.get("subgroups") or []
    bad = [name for name in subgroups if name not in SUBGROUPS]
    if bad:
        raise PlanError(f"{path}: unknown subgroup(s) {', '.join(map(str, bad))}; allowed: {', '.join(SUBGROUPS)}")
    return Plan(
        path=path, programme=str(raw["programme"]), period=str(raw["period"]), language=language,
        data_dir=(path.parent / str(raw["data"])).resolve(), outcomes=outcomes, alpha=float(alpha),
        min_cell_size=min_cell, subgroups=tuple(subgroups), demo=bool(raw.get("demo", False)),
        on_quarantine=on_quarantine, primary_method=primary, comparison=comparison,
        missing_data_threshold=float(threshold), attrition_boundary=boundary,
        sha256=hashlib.sha256(raw_bytes).hexdigest(),
    )
