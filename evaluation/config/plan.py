"""The analysis plan (YAML): read, checked against its schema and hashed before any data is looked at.

`load_plan` reads the file with the workbench's strict YAML loader
(`evaluation.config.yaml_documents`: at most 200,000 bytes, no anchors, aliases or tags, no key
written twice, YAML 1.2 booleans), checks it against `PlanDocument` (pydantic, strict: ``true``
and ``false`` are the only booleans, a boolean is never a number, lists stay lists, every
choice is one of its words in `evaluation.config.options`, unknown keys are refused) and each
outcome against the schema of its source (`ExamOutcomeDocument`, `SurveyOutcomeDocument`), and
returns a frozen `Plan`. Every problem is one line of the `PlanError` (exit code 3) naming the
file, the key path and what is expected.

Text keys are strict too, with one exception: ``programme``, ``period`` and ``data`` take a whole
number as its digits (``period: 2023`` is the text ``2023``; YAML reads it as a number though the
writer meant the name). The outcomes' ids, domains, subjects, instruments and scales must be
written as text, since they must match names in the data. The plan names data, never paths: an
outcome's ``instrument`` is an instrument id (lower-case letters, digits and ``_``,
`evaluation.config.instruments.INSTRUMENT_ID`), and ``data`` is the one path it holds.

The plan's statistical choices are written before the data is looked at: ``primary_method``, the
one method the report's body and summary show (``ancova_cr2`` unless the plan says otherwise, at
any number of schools); ``covariates``, the characteristics of students and schools added to the
pre-test in every partner-versus-control model (a list of `COVARIATES`, or ``auto``: those whose
normalised difference in the balance table exceeds 0.25, `evaluation.analysis.covariates`);
each outcome's ``confirmatory`` (default true) and, for an exam, ``equated`` (default false);
and ``multiplicity_families``, the outcomes whose p-values are adjusted together (default: the
confirmatory outcomes of each domain).

``earlier_years`` names the programme's earlier school years, oldest first, each with its own
data folder (``[{period: 2021-2022, data: ../data/2021-2022}]``): their indicators are read with the
plan's year's, and each year's findings are computed the same way and shown year on year
(`evaluation.steps.years`). Each period is distinct and before the next (and the plan's own
``period``), each folder distinct from the others and from ``data``.

``translations`` names further languages the report is written in from the same run (``[tr]``):
the analysis runs once, in the plan's ``language``, and the report, its PDF and the workbook are
rendered again in each (``OUT/shared/<language>/``). Each must be a language the workbench speaks,
not the plan's own, and named once.

``scheduler`` names a Dask scheduler (``tcp://10.0.0.5:8786``) that runs the run's independent
work (the pages per school and partnership, each outcome's partner-versus-control estimates):
`evaluation.steps.parallel`. It says where the run computes, not what: the results are the same
without it.

``pseudonymize: true`` asks validation to replace the student and respondent ids by keyed hashes
right after reading (`evaluation.io.pseudonyms`); the key is never in the plan, only in the
environment.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from evaluation.config.instruments import INSTRUMENT_ID
from evaluation.config.options import (
    ATTRITION_BOUNDARIES,
    COMPARISONS,
    COVARIATES,
    DEMO_SCENARIOS,
    LANGUAGES,
    ON_QUARANTINE,
    PRIMARY_METHODS,
    SOURCES,
    SUBGROUPS,
    AttritionBoundary,
    Comparison,
    Covariate,
    Language,
    OnQuarantine,
    PrimaryMethod,
    Subgroup,
)
from evaluation.config.problems import Expected, joined, key_path, problem_lines, shown
from evaluation.config.yaml_documents import read_yaml_document
from evaluation.errors import PlanError

__all__ = [
    "ATTRITION_BOUNDARIES",
    "COMPARISONS",
    "COVARIATES",
    "DEFAULT_PRIMARY_METHOD",
    "LANGUAGES",
    "ON_QUARANTINE",
    "PRIMARY_METHODS",
    "SOURCES",
    "SUBGROUPS",
    "ExamOutcomeDocument",
    "KnowledgeTestOutcomeDocument",
    "Outcome",
    "Plan",
    "PlanDocument",
    "SchoolYear",
    "SurveyOutcomeDocument",
    "load_plan",
    "plan_from_document",
]


#: The headline method when the plan names none: CR2 is valid at any number of schools, where CR1
#: over-rejects (the README's simulation study: 8.1% type-I error with 20 schools, 7.0% with 80).
DEFAULT_PRIMARY_METHOD = "ancova_cr2"


@dataclass(frozen=True)
class Outcome:
    """One outcome of the plan: an exam subject, a survey scale or a knowledge test scored item by item
    (`test`: its id in the item_responses table; the score is the percentage of its items right).

    `confirmatory` outcomes have their headline p-value adjusted within their multiplicity family;
    the others are exploratory. `equated` (exams only) says the November and April exams were put
    on one scale, so that a change between them is not partly a change of the tests' difficulty.
    """

    id: str
    source: str
    domain: str
    subject: str | None = None
    instrument: str | None = None
    scale: str | None = None
    test: str | None = None
    confirmatory: bool = True
    equated: bool = False
    yearly_growth: float | None = None  # typical growth in a school year, in the outcome's units (months of learning)


@dataclass(frozen=True)
class SchoolYear:
    """An earlier school year of the plan (``earlier_years``): its period, its data folder as the
    plan writes it, and that folder resolved against the plan file's folder (a demo plan's run
    takes it from its output folder: `evaluation.steps.workspace.for_run`)."""

    period: str
    data: str
    data_dir: Path


@dataclass(frozen=True)
class Plan:
    """A checked analysis plan. `data` is the data folder as the plan writes it; `data_dir` is it
    resolved against the plan file's folder (a demo plan's run takes it from its output folder
    instead: `evaluation.steps.workspace.for_run`)."""

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
    demo_scenario: str = ""  # the synthetic programme of a demo plan (evaluation.demo.scenarios)
    on_quarantine: str = "stop"
    primary_method: str = DEFAULT_PRIMARY_METHOD  # the one method of the report's body and summary
    covariates: tuple[str, ...] | str = ()  # names of COVARIATES, or "auto" (evaluation.analysis.covariates)
    multiplicity_families: tuple[tuple[str, tuple[str, ...]], ...] | None = None  # None: one per domain
    comparison: str = "fixed"  # matched: control schools are a pool to match partners from
    missing_data_threshold: float = 0.05  # a group missing more of the post-test: add ancova_mi
    attrition_boundary: str = "cautious"
    pseudonymize: bool = False  # ids replaced by keyed hashes right after reading (evaluation.io.pseudonyms)
    sha256: str = field(default="", repr=False)
    data: str = ""
    earlier_years: tuple[SchoolYear, ...] = ()  # oldest first; the plan's own period comes after them
    translations: tuple[str, ...] = ()  # further languages of the report, rendered from the same run
    school_pages: bool = True  # a page per school and partnership after each language's report
    scheduler: str = ""  # a Dask scheduler's address for the independent work ("": evaluation.steps.parallel decides)

    @property
    def hash(self) -> str:
        """Short hash of the plan file's bytes, stamped on the report."""
        return self.sha256[:12]

    @property
    def families(self) -> dict[str, tuple[str, ...]]:
        """Multiplicity families, name -> outcome ids: the plan's ``multiplicity_families``, else
        one family per domain of the confirmatory outcomes (named after the domain, in the order
        the outcomes are listed)."""
        if self.multiplicity_families is not None:
            return {name: tuple(ids) for name, ids in self.multiplicity_families}
        families: dict[str, tuple[str, ...]] = {}
        for outcome in self.outcomes:
            if outcome.confirmatory:
                families[outcome.domain] = (*families.get(outcome.domain, ()), outcome.id)
        return families

    @property
    def required_tables(self) -> dict[str, tuple[str, ...]]:
        """The tables the plan's data must have, each with the ids of the outcomes that need it
        (`required_tables`)."""
        return required_tables(self.outcomes)


#: The one table every programme's data has: which schools take part, and as what.
ALWAYS_REQUIRED = "schools"


def required_tables(outcomes: tuple[Outcome, ...]) -> dict[str, tuple[str, ...]]:
    """The tables a plan with these outcomes needs, table -> the ids of the outcomes that need it.

    ``schools`` always (with no outcome behind it); ``exam_results`` only when an outcome is an
    exam; ``surveys/<instrument>`` for each instrument a survey outcome names; ``item_responses``
    for a test outcome (a knowledge test scored item by item). Every other table (students,
    activities, indicators, item responses, a survey no outcome names) is optional.
    """
    needed: dict[str, tuple[str, ...]] = {ALWAYS_REQUIRED: ()}
    for outcome in outcomes:
        table = {"exam": "exam_results", "test": "item_responses"}.get(outcome.source, f"surveys/{outcome.instrument}")
        needed[table] = (*needed.get(table, ()), outcome.id)
    return needed


# --- the schema ---------------------------------------------------------------------------------


def _digits(value: Any) -> Any:
    """A whole number where free text is expected (``period: 2023``) is read as its digits."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Name = Annotated[str, StringConstraints(pattern=r"\S")]  # text that is not blank
FreeText = Annotated[str, BeforeValidator(_digits), StringConstraints(pattern=r"\S")]
InstrumentId = Annotated[str, StringConstraints(pattern=rf"^{INSTRUMENT_ID}$")]
YearlyGrowth = Annotated[float, Field(gt=0)]  # a whole number (8) is a number too

#: A Dask scheduler's address as the plan or EVALUATION_SCHEDULER writes it: tcp:// or tls://, a host
#: name, an IPv4 address or an IPv6 address in brackets, and a port (1 to 65535).
SCHEDULER_ADDRESS = (
    r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
    r":(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})$"
)
SCHEDULER_EXPECTED = (
    "the address of a Dask scheduler: tcp:// or tls://, a host name or IP address, a colon and a port from 1 to "
    "65535, such as tcp://10.0.0.5:8786"
)
SchedulerAddress = Annotated[str, StringConstraints(pattern=SCHEDULER_ADDRESS)]


class _Schema(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    what: ClassVar[str] = "this mapping"  # how messages name it: "... is not a key of an exam outcome"


class EarlierYearDocument(_Schema):
    """An earlier school year of ``earlier_years``: its period and its data folder."""

    what: ClassVar[str] = "an earlier year"
    period: FreeText
    data: FreeText


class PlanDocument(_Schema):
    """The plan file's keys and their types (the outcomes are checked one by one, by source)."""

    what: ClassVar[str] = "the analysis plan"
    programme: FreeText
    period: FreeText
    language: Language = "en"
    data: FreeText
    demo: Any = False  # true, false or a scenario name: checked by `_demo_scenario`
    alpha: Annotated[float, Field(gt=0, lt=0.5)] = 0.05
    min_cell_size: Annotated[int, Field(ge=1)] = 10
    outcomes: Annotated[list[Any], Field(min_length=1)]
    subgroups: list[Subgroup] = []
    on_quarantine: OnQuarantine = "stop"
    primary_method: PrimaryMethod | None = None
    covariates: Any = []  # the word auto or a list of names: checked by `_covariates`
    multiplicity_families: dict[Name, Annotated[list[Name], Field(min_length=1)]] | None = None
    comparison: Comparison = "fixed"
    missing_data_threshold: Annotated[float, Field(ge=0, lt=1)] = 0.05
    attrition_boundary: AttritionBoundary = "cautious"
    pseudonymize: bool = False
    earlier_years: list[EarlierYearDocument] = []
    translations: list[Language] = []
    school_pages: bool = True
    scheduler: SchedulerAddress | None = None


class OutcomeDocument(_Schema):
    """An outcome whose source is missing or unknown: only the keys every outcome has are checked."""

    model_config = ConfigDict(extra="ignore")
    what: ClassVar[str] = "an outcome"
    id: Name
    source: Literal["exam", "survey", "test"]
    domain: Name


class ExamOutcomeDocument(_Schema):
    what: ClassVar[str] = "an exam outcome"
    id: Name
    source: Literal["exam"]
    domain: Name
    subject: Name
    confirmatory: bool = True
    equated: bool = False
    yearly_growth: YearlyGrowth | None = None


class SurveyOutcomeDocument(_Schema):
    what: ClassVar[str] = "a survey outcome"
    id: Name
    source: Literal["survey"]
    domain: Name
    instrument: InstrumentId
    scale: Name
    confirmatory: bool = True
    yearly_growth: YearlyGrowth | None = None


class KnowledgeTestOutcomeDocument(_Schema):
    what: ClassVar[str] = "a test outcome"
    id: Name
    source: Literal["test"]
    domain: Name
    test: Name
    confirmatory: bool = True
    yearly_growth: YearlyGrowth | None = None


_EXAMPLE_OUTCOME = "{id: mathematics, source: exam, subject: mathematics, domain: academic}"

#: What each key must be, in the words of the messages ("min_cell_size must be ...").
EXPECTED = Expected(
    "analysis plan",
    {
        "": "a YAML mapping with programme, period, data and outcomes",
        "programme": "text naming the programme, such as School Partnership Programme",
        "period": "text naming the period the data covers, such as 2022-2023",
        "language": f"one of {', '.join(LANGUAGES)}",
        "data": "text: the data directory, relative to the plan's folder, such as ../data/2022-2023",
        "demo": f"true or false, or the name of a demo programme: {', '.join(DEMO_SCENARIOS)} (true is national)",
        "alpha": "a number above 0 and below 0.5, such as 0.05",
        "min_cell_size": "a whole number of at least 1",
        "outcomes": f"a list of at least one outcome, such as [{_EXAMPLE_OUTCOME}]",
        "outcomes[]": f"a mapping such as {_EXAMPLE_OUTCOME}",
        "outcomes[].id": "text naming the outcome, such as mathematics",
        "outcomes[].source": "exam (a subject of the exam results), survey (a scale of a survey instrument) or test "
        "(a knowledge test of the item responses)",
        "outcomes[].domain": "text naming the outcome's domain, such as academic or wellbeing",
        "outcomes[].subject": "text naming the subject as the exam results write it, such as mathematics",
        "outcomes[].instrument": "the id of a survey instrument, lower-case letters, digits and _ (the name of "
        "its survey file under surveys/), such as student_climate",
        "outcomes[].scale": "text naming a scale of the instrument, such as belonging",
        "outcomes[].test": "text naming the test as the item responses write it in test_id, such as "
        "ethical_consumption",
        "outcomes[].confirmatory": "true (a confirmatory outcome: its headline p-value is adjusted within its "
        "multiplicity family) or false (exploratory)",
        "outcomes[].equated": "true (the November and April exams were equated: put on one scale) or false",
        "outcomes[].yearly_growth": "a number above 0: how much the outcome typically grows in a school year, in its "
        "own units (points, scale points), such as 8; the report's summary then gives the effect in months of learning",
        "subgroups": "a list such as [grade, sex] (or [] for none)",
        "subgroups[]": f"one of {', '.join(SUBGROUPS)}",
        "on_quarantine": "stop (quarantined rows stop the run) or continue (analyse the accepted rows and report "
        "the others)",
        "primary_method": f"one of {', '.join(PRIMARY_METHODS)} (or left out: {DEFAULT_PRIMARY_METHOD})",
        "covariates": "auto (the baseline characteristics whose normalised difference in the balance table exceeds "
        "0.25) or a list such as [sex, school_type] (or [] for none)",
        "covariates[]": f"one of {', '.join(COVARIATES)}",
        "multiplicity_families": "a mapping of family names to lists of outcome ids, such as "
        "{academic: [mathematics, science]}",
        "multiplicity_families.*[key]": "text naming the family, such as academic",
        "multiplicity_families.*": "a list of at least one outcome id, such as [mathematics, science]",
        "multiplicity_families.*[]": "text: the id of a confirmatory outcome of the plan, such as mathematics",
        "comparison": "fixed (the control schools are the comparison group) or matched (match each partner school "
        "to a control school of the pool)",
        "missing_data_threshold": "a share from 0 to below 1, such as 0.05 (multiple imputation when a group misses "
        "more than 5% of the post-test)",
        "attrition_boundary": "cautious (the WWC's default) or optimistic (when the programme itself is unlikely to "
        "make students leave)",
        "earlier_years": "a list of the earlier school years, oldest first, such as "
        "[{period: 2021-2022, data: ../data/2021-2022}] (or [] for none)",
        "earlier_years[]": "a mapping such as {period: 2021-2022, data: ../data/2021-2022}",
        "earlier_years[].period": "text naming the school year, such as 2021-2022",
        "earlier_years[].data": "text: that year's data directory, relative to the plan's folder, such as "
        "../data/2021-2022",
        "translations": f"a list of further languages of the report, such as [tr] (or [] for none), among "
        f"{', '.join(LANGUAGES)}",
        "translations[]": f"one of {', '.join(LANGUAGES)}",
        "school_pages": "true (a page per school and per partnership beside each language's report) or false "
        "(the report alone: quicker while the plan is being worked on)",
        "scheduler": f"{SCHEDULER_EXPECTED} (or left out: a cluster of this computer's processors)",
        "pseudonymize": "true (replace student and respondent ids by keyed hashes right after reading, with the key "
        "in EVALUATION_PSEUDONYM_KEY or the key file named by EVALUATION_PSEUDONYM_KEY_FILE) or false",
    },
)


# --- reading ------------------------------------------------------------------------------------


def load_plan(path: Path | str) -> Plan:
    """Read and check an analysis plan.

    Raises
    ------
    PlanError
        The file cannot be read, is not YAML the workbench accepts, or breaks the schema; the
        message has one line per problem naming the file and the key path.
    """
    path = Path(path).resolve()
    document, raw_bytes = read_yaml_document(path, "analysis plan", PlanError)
    return plan_from_document(document, path, hashlib.sha256(raw_bytes).hexdigest())


def _outcome_schema(raw: Any) -> type[_Schema]:
    source = raw.get("source") if isinstance(raw, dict) else None
    for name, schema in (
        ("exam", ExamOutcomeDocument),
        ("survey", SurveyOutcomeDocument),
        ("test", KnowledgeTestOutcomeDocument),
    ):
        if source == name:
            return schema
    return OutcomeDocument


def plan_from_document(document: Any, path: Path, sha256: str = "") -> Plan:
    """Check a parsed plan document and build the `Plan` (``path``: the plan file, whose folder
    `data` is relative to). Raises PlanError with one line per problem."""
    label = str(path)
    raw_outcomes = document.get("outcomes") if isinstance(document, dict) else None

    def name_of(loc: tuple[Any, ...]) -> str | None:
        if len(loc) > 1 and loc[0] == "outcomes" and isinstance(loc[1], int) and isinstance(raw_outcomes, list):
            outcome_id = raw_outcomes[loc[1]].get("id") if isinstance(raw_outcomes[loc[1]], dict) else None
            return f"outcome {outcome_id}" if isinstance(outcome_id, str) and outcome_id.strip() else None
        return None

    problems: list[str] = []
    try:
        plan = PlanDocument.model_validate(document)
    except ValidationError as error:
        plan = None
        problems += problem_lines(error, PlanDocument, EXPECTED, label)
    outcomes: list[Outcome] = []
    first_use: dict[str, int] = {}
    for position, raw in enumerate(raw_outcomes if isinstance(raw_outcomes, list) else []):
        schema = _outcome_schema(raw)
        try:
            checked = schema.model_validate(raw)
        except ValidationError as error:
            problems += problem_lines(error, schema, EXPECTED, label, prefix=("outcomes", position), name_of=name_of)
            continue
        if checked.id in first_use:
            problems.append(
                f"{label}: outcomes[{position}].id is {checked.id!r}, the id of "
                f"outcomes[{first_use[checked.id]}] too; each outcome needs its own id"
            )
        first_use.setdefault(checked.id, position)
        if isinstance(checked, (ExamOutcomeDocument, SurveyOutcomeDocument, KnowledgeTestOutcomeDocument)):
            outcomes.append(Outcome(**checked.model_dump()))
    if plan is not None:
        seen: set[str] = set()
        for position, name in enumerate(plan.subgroups):
            if name in seen:
                problems.append(f"{label}: subgroups[{position}] lists {name} a second time; name each subgroup once")
            seen.add(name)
    covariates: tuple[str, ...] | str = ()
    scenario = ""
    if isinstance(document, dict):
        scenario = _demo_scenario(
            document.get("demo", False), label, problems
        )  # checked when other keys are wrong too, so that every problem is listed
        covariates = _covariates(document.get("covariates", []), label, problems)
    families = None
    if plan is not None and plan.multiplicity_families is not None:
        families = tuple((name, tuple(ids)) for name, ids in plan.multiplicity_families.items())
        if len(outcomes) == len(raw_outcomes or []):  # outcome problems are reported on their own
            problems += _family_problems(families, outcomes, label)
    if plan is not None and scenario:
        for where, data in (("data", plan.data), *_year_keys(plan, "data")):
            if _leaves_folder(data):
                problems.append(
                    f"{label}: {where} must be a folder inside the output folder such as data/2022-2023 in a demo "
                    f"plan (demo: true writes the synthetic demo data there), found {data!r}; a plan for "
                    "real data says demo: false (the default)"
                )
    if plan is not None:
        problems += _year_problems(plan, path, label)
        problems += _translation_problems(plan, label)
    every_outcome_read = bool(outcomes) and len(outcomes) == len(raw_outcomes or [])
    exams = any(outcome.source == "exam" for outcome in outcomes)
    if plan is not None and plan.comparison == "matched" and every_outcome_read and not exams:
        problems.append(
            f"{label}: comparison is matched, but no outcome is an exam: schools are matched on their mean "
            "pre-test exam score, which a programme without exam results does not have; say comparison: fixed "
            "(every control school is a comparison school), or add the exam outcome"
        )
    if problems:
        raise PlanError(joined(problems))
    assert plan is not None
    return Plan(
        path=path,
        programme=plan.programme,
        period=plan.period,
        language=plan.language,
        data_dir=(path.parent / plan.data).resolve(),
        outcomes=tuple(outcomes),
        alpha=float(plan.alpha),
        min_cell_size=plan.min_cell_size,
        subgroups=tuple(plan.subgroups),
        demo=bool(scenario),
        demo_scenario=scenario,
        on_quarantine=plan.on_quarantine,
        primary_method=plan.primary_method or DEFAULT_PRIMARY_METHOD,
        covariates=covariates,
        multiplicity_families=families,
        comparison=plan.comparison,
        missing_data_threshold=float(plan.missing_data_threshold),
        attrition_boundary=plan.attrition_boundary,
        pseudonymize=plan.pseudonymize,
        sha256=sha256,
        data=plan.data,
        earlier_years=tuple(
            SchoolYear(period=year.period, data=year.data, data_dir=(path.parent / year.data).resolve())
            for year in plan.earlier_years
        ),
        translations=tuple(plan.translations),
        school_pages=plan.school_pages,
        scheduler=plan.scheduler or "",
    )


def _translation_problems(plan: PlanDocument, label: str) -> list[str]:
    """What is wrong with the plan's ``translations`` once each is a known language: the plan's own
    language (its report is written in it anyway), or a language named twice."""
    problems, seen = [], set()
    for position, language in enumerate(plan.translations):
        if language == plan.language:
            problems.append(
                f"{label}: translations[{position}] is {language}, the plan's own language; list only the other "
                "languages the report is also written in"
            )
        elif language in seen:
            problems.append(
                f"{label}: translations[{position}] lists {language} a second time; name each language once"
            )
        seen.add(language)
    return problems


def _leaves_folder(data: str) -> bool:
    """Whether a demo plan's data folder is absolute or leaves the output folder."""
    written = PurePosixPath(data.replace("\\", "/"))
    return written.is_absolute() or ".." in written.parts or str(written) in ("", ".") or ":" in data


def _year_keys(plan: PlanDocument, key: str) -> list[tuple[str, str]]:
    """(key path, value) of `key` (period or data) in each of the plan's ``earlier_years``."""
    return [(f"earlier_years[{i}].{key}", getattr(year, key)) for i, year in enumerate(plan.earlier_years)]


def _year_problems(plan: PlanDocument, path: Path, label: str) -> list[str]:
    """What is wrong with the plan's ``earlier_years`` once each is well formed: a period written
    twice (or the plan's own), periods not oldest first or not before the plan's period, a data
    folder shared with another year or with the plan's ``data``."""
    problems = []
    periods = [*_year_keys(plan, "period"), ("period", plan.period)]
    first_named: dict[str, str] = {"": ""}
    for where, period in periods[:-1]:
        other = "period" if period == plan.period else first_named.get(period)
        if other:
            problems.append(
                f"{label}: {where} is {period!r}, the period of {other} too; each school year is named once"
            )
        first_named.setdefault(period, where)
    for (where, period), (after, next_period) in pairwise(periods):
        if period != next_period and period > next_period:
            problems.append(
                f"{label}: {where} is {period!r}, which comes after {after} ({next_period!r}); list the earlier "
                "years oldest first, each before the plan's period"
            )
    seen: dict[Path, str] = {(path.parent / plan.data).resolve(): "data"}
    for where, data in _year_keys(plan, "data"):
        folder = (path.parent / data).resolve()
        if folder in seen:
            problems.append(
                f"{label}: {where} is {data!r}, the data folder of {seen[folder]} too; each school year has its "
                "own data folder"
            )
        seen.setdefault(folder, where)
    return problems


_COVARIATE_NAMES: TypeAdapter = TypeAdapter(list[Covariate])


def _demo_scenario(raw: Any, label: str, problems: list[str]) -> str:
    """The demo programme a plan's ``demo`` names: ``""`` for ``false`` (real data), ``national``
    for ``true``, else one of `DEMO_SCENARIOS`; a problem is appended to `problems` as one line."""
    if raw is False:
        return ""
    if raw is True:
        return "national"
    if isinstance(raw, str) and raw in DEMO_SCENARIOS:
        return raw
    problems.append(f"{label}: demo must be {EXPECTED.words['demo']}, found {shown(raw)}")
    return ""


def _covariates(raw: Any, label: str, problems: list[str]) -> tuple[str, ...] | str:
    """The plan's ``covariates``: ``"auto"`` or a tuple of distinct names of `COVARIATES`; each
    problem is appended to `problems` as one line."""
    if raw == "auto":
        return "auto"
    if not isinstance(raw, list):
        problems.append(f"{label}: covariates must be {EXPECTED.words['covariates']}, found {shown(raw)}")
        return ()
    try:
        names = _COVARIATE_NAMES.validate_python(raw, strict=True)
    except ValidationError as error:
        problems += problem_lines(error, PlanDocument, EXPECTED, label, prefix=("covariates",))
        return ()
    seen: set[str] = set()
    for position, name in enumerate(names):
        if name in seen:
            problems.append(f"{label}: covariates[{position}] lists {name} a second time; name each covariate once")
        seen.add(name)
    return tuple(names)


def _family_problems(
    families: tuple[tuple[str, tuple[str, ...]], ...], outcomes: list[Outcome], label: str
) -> list[str]:
    """What is wrong with the plan's ``multiplicity_families``: an id that is no outcome of the
    plan or an exploratory one, an outcome in two families (or twice in one), a confirmatory
    outcome in none."""
    problems = []
    by_id = {outcome.id: outcome for outcome in outcomes}
    placed: dict[str, str] = {}
    for name, ids in families:
        for position, outcome_id in enumerate(ids):
            where = f"{label}: {key_path(('multiplicity_families', name, position))}"
            if outcome_id not in by_id:
                problems.append(
                    f"{where} names {outcome_id!r}, which is not an outcome of the plan (its outcomes are "
                    f"{', '.join(by_id)})"
                )
            elif not by_id[outcome_id].confirmatory:
                problems.append(
                    f"{where} names {outcome_id}, an outcome with confirmatory: false; a family holds confirmatory "
                    "outcomes only (leave it out of the families, or make it confirmatory)"
                )
            elif outcome_id in placed:
                problems.append(
                    f"{where} names {outcome_id} a second time (it is in {placed[outcome_id]} too); each outcome "
                    "belongs to one family"
                )
            else:
                placed[outcome_id] = key_path(("multiplicity_families", name))
    left_out = [o.id for o in outcomes if o.confirmatory and o.id not in placed]
    if left_out:
        problems.append(
            f"{label}: multiplicity_families leaves out the confirmatory outcome{'s' if len(left_out) > 1 else ''} "
            f"{', '.join(left_out)}; put each confirmatory outcome in one family, or mark it confirmatory: false"
        )
    return problems
