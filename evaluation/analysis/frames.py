"""From the accepted tables to one row per student or respondent of an outcome, with its pre and
post values, group and subgroup columns: the frame every analysis of the outcome starts from."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from evaluation.analysis.covariates import school_sizes
from evaluation.analysis.scores import knowledge_test_scores, scale_score
from evaluation.config.plan import Outcome, Plan, required_tables
from evaluation.errors import PlanError


def _exam_long(accepted: dict[str, pd.DataFrame], outcome: Outcome) -> pd.DataFrame:
    exams = accepted["exam_results"]
    rows = exams[exams["subject"] == outcome.subject]
    if rows.empty:
        known = ", ".join(sorted(exams["subject"].dropna().unique()))
        raise PlanError(
            f"outcome {outcome.id}: no accepted exam results for subject "
            f"{outcome.subject!r}; subjects in the data: {known}"
        )
    per_wave = rows.groupby("wave")["exam_id"].nunique()
    ambiguous = per_wave[per_wave > 1]
    if not ambiguous.empty:
        wave = ambiguous.index[0]
        exams_in_wave = ", ".join(sorted(rows.loc[rows["wave"] == wave, "exam_id"].unique()))
        raise PlanError(
            f"outcome {outcome.id}: wave {wave} holds several exams ({exams_in_wave}); "
            "keep one exam per wave in exam_results for this subject"
        )
    return rows.rename(columns={"student_id": "unit_id", "score": "value"})[
        ["unit_id", "school_id", "wave", "value", "grade"]
    ]


def _survey_long(accepted: dict[str, pd.DataFrame], outcome: Outcome, instruments: dict) -> pd.DataFrame:
    table = f"surveys/{outcome.instrument}"
    if table not in accepted:
        raise PlanError(
            f"outcome {outcome.id}: the data has no survey {outcome.instrument!r} "
            f"(looked for {table}.csv/.xlsx/.parquet)"
        )
    instrument = instruments[outcome.instrument]
    items, reverse, low, high = instrument_scale(instrument, outcome.scale, outcome.id)
    responses = accepted[table]
    duplicated = responses.duplicated(["respondent_id", "wave"], keep=False)
    if duplicated.any():
        example = responses.loc[duplicated, "respondent_id"].iloc[0]
        raise PlanError(
            f"outcome {outcome.id}: respondent {example} answered {outcome.instrument} "
            "more than once in a wave; the contract should quarantine such rows"
        )
    frame = responses[["respondent_id", "school_id", "wave"]].rename(columns={"respondent_id": "unit_id"})
    frame["value"] = scale_score(responses, items, reverse, low, high)
    return frame


def _test_long(accepted: dict[str, pd.DataFrame], outcome: Outcome) -> pd.DataFrame:
    responses = accepted.get("item_responses")
    rows = responses[responses["test_id"] == outcome.test] if responses is not None else None
    if rows is None or rows.empty:
        known = ", ".join(sorted(responses["test_id"].dropna().unique())) if responses is not None else ""
        raise PlanError(
            f"outcome {outcome.id}: no accepted item responses for test {outcome.test!r}"
            + (f"; tests in the data: {known}" if known else "; the data has no item_responses table")
        )
    return knowledge_test_scores(rows).rename(columns={"student_id": "unit_id", "percent_correct": "value"})[
        ["unit_id", "school_id", "wave", "value"]
    ]


def instrument_scale(instrument, scale: str, outcome_id: str) -> tuple[list[str], list[str], float, float]:
    """Items, reverse-keyed items and response range of one scale of an instrument."""
    if scale not in instrument.scales:
        raise PlanError(
            f"outcome {outcome_id}: instrument {instrument.id} has no scale {scale!r}; "
            f"its scales: {', '.join(instrument.scales)}"
        )
    items = list(instrument.scales[scale])
    reverse = [item.id for item in instrument.items if item.id in items and item.reverse]
    return items, reverse, float(instrument.scale_min), float(instrument.scale_max)


def prepost_frame(accepted: dict[str, pd.DataFrame], outcome: Outcome, instruments: dict) -> pd.DataFrame:
    """One row per student or respondent: unit_id, school_id, group, treatment (1 partner,
    0 control), pre, post, plus the subgroup and covariate columns the data has (grade, sex,
    special_needs, migrant_refugee from the roster; school_type, resource_level from schools;
    school_size, the school's students on the roster, else with exam results)."""
    if outcome.source == "exam":
        long = _exam_long(accepted, outcome)
    elif outcome.source == "test":
        long = _test_long(accepted, outcome)
    else:
        long = _survey_long(accepted, outcome, instruments)
    wide = long.pivot(index=["unit_id", "school_id"], columns="wave", values="value")
    wide = wide.reindex(columns=["pre", "post"]).reset_index()
    wide.columns.name = None
    if "grade" in long.columns:
        grades = long.sort_values("wave", key=lambda w: w != "pre").drop_duplicates("unit_id")
        wide = wide.merge(grades[["unit_id", "grade"]], on="unit_id", how="left")
    roster = accepted.get("students")
    if roster is not None and not roster.empty:
        extra = [
            c
            for c in ("grade", "sex", "special_needs", "migrant_refugee")
            if c in roster.columns and c not in wide.columns
        ]
        wide = wide.merge(
            roster[["student_id", *extra]].rename(columns={"student_id": "unit_id"}), on="unit_id", how="left"
        )
    schools = accepted["schools"]
    extra = [c for c in ("group", "school_type", "resource_level") if c in schools.columns]
    wide = wide.merge(schools[["school_id", *extra]], on="school_id", how="left")
    wide["school_size"] = wide["school_id"].map(school_sizes(accepted))
    wide["treatment"] = (wide["group"] == "partner").astype(int)
    return wide


def prepost_frames(
    accepted: dict[str, pd.DataFrame], outcomes: Sequence[Outcome], instruments: dict, threads: int = 1
) -> dict[str, pd.DataFrame]:
    """`prepost_frame` of each outcome, keyed by its id in the outcomes' order, built side by side
    on up to `threads` threads: its joins and pivots on Arrow strings run mostly outside Python's
    lock, and they only read the shared tables (national size, seven outcomes: 37 s one after
    another, 18 s on two threads). When frames cannot be made, the error of the first such outcome
    in order is raised, as one after another."""
    threads = max(1, min(threads, len(outcomes)))
    if threads == 1:
        return {outcome.id: prepost_frame(accepted, outcome, instruments) for outcome in outcomes}
    tables = _tables_read(accepted, outcomes)
    with ThreadPoolExecutor(threads, thread_name_prefix="prepost-frame") as pool:
        built = list(pool.map(lambda outcome: prepost_frame(tables, outcome, instruments), outcomes))
    return {outcome.id: frame for outcome, frame in zip(outcomes, built, strict=True)}


def _tables_read(accepted: Mapping[str, pd.DataFrame], outcomes: Sequence[Outcome]) -> dict[str, pd.DataFrame]:
    """The tables `prepost_frame` reads for these outcomes, each taken from `accepted` once, before
    any thread starts: a lazy mapping (`evaluation.steps.workspace.AcceptedTables`) reads a table
    when first asked for, and threads asking at once would each read it."""
    names = [*required_tables(tuple(outcomes)), "students"]  # the outcomes' tables, the schools, the roster
    tables = {name: accepted[name] for name in names if name in accepted}
    roster = tables.get("students")
    if (roster is None or roster.empty) and "exam_results" in accepted:  # school sizes counted there
        tables["exam_results"] = accepted["exam_results"]
    return tables


def waves_long(frame: pd.DataFrame, keep: Sequence[str] = ()) -> pd.DataFrame:
    """The pre/post frame as one row per unit and wave with a value (unit_id when the frame has
    it, school_id, treatment, wave, value, and the columns `keep`): every observed value, linked
    or not."""
    ids = [column for column in ("unit_id", "school_id", "treatment") if column in frame.columns]
    long = frame.melt(
        id_vars=[*ids, *keep],
        value_vars=["pre", "post"],
        var_name="wave",
        value_name="value",
    )
    return long.dropna(subset=["value"])


def linkage_rate(frame: pd.DataFrame) -> float:
    """Share of post-wave units that also have a pre-wave value (pre/post linkage)."""
    post = frame["post"].notna()
    return float((post & frame["pre"].notna()).sum() / post.sum()) if post.any() else math.nan


#: Who answered, by an instrument's role, as the report's sentences name them; any other role
#: (staff, parent) is "respondents".
RESPONDENT_WORDS = {"student": "students", "teacher": "teachers"}


def outcome_wording(plan: Plan, instruments: dict) -> dict[str, tuple[str, str]]:
    """Per outcome id: the unit of its scale and who answered it: "students" (exams, and
    instruments of role student), "teachers" (role teacher) or "respondents" (role staff or parent:
    a school team answering for its school, or parents, who are neither)."""
    wording = {}
    for outcome in plan.outcomes:
        if outcome.source == "exam":
            wording[outcome.id] = ("points", "students")
        elif outcome.source == "test":  # the percentage of the items right
            wording[outcome.id] = ("percentage_points", "students")
        else:
            role = getattr(instruments.get(outcome.instrument), "role", "student") or "student"
            wording[outcome.id] = ("scale_points", RESPONDENT_WORDS.get(role, "respondents"))
    return wording
