"""The report's section on schools and partnerships (both designs): each school by name with its
means before and after and its change (results/schools.csv), each partnership's gap between its
better- and its less-resourced school before and after with the change of the gap and whether it
narrowed, and the average change of the gap over the partnerships (results/partnerships.csv).

At national size the lists would run to hundreds of pages that no one reads: above `LISTED_SCHOOLS`
schools the section summarises the schools instead (`school_summary_tables`: per outcome and
group, the median and the middle half of the schools' changes and how many intervals lie off zero),
and above `LISTED_PARTNERSHIPS` partnerships it counts the partnerships by verdict
(`partnership_counts`) instead of a row each; every school's and partnership's numbers stay in the
results workbook (`evaluation.reporting.workbook`) and on the school pages.

School names come from the schools table (data: untrusted); they reach the report only as cells
of an escaping `ReportTable` or as escaped values of a catalogue sentence.
"""

from __future__ import annotations

import math

import pandas as pd

from evaluation.analysis.frames import outcome_wording
from evaluation.analysis.schools import ALL_PARTNERSHIPS, ordering_basis
from evaluation.config.plan import Plan
from evaluation.reporting import escaping as md
from evaluation.reporting.headings import column
from evaluation.reporting.sentences import label

#: Up to this many schools (in results/schools.csv) the section lists each school by name; with
#: more it summarises them per outcome and group (`school_summary_tables`). The İzmir consortium's
#: 44 institutions are still listed.
LISTED_SCHOOLS = 60
#: Up to this many partnerships the section has a row per partnership (and the activity section a
#: row per partnership, `evaluation.reporting.activities`); with more, counts over the partnerships.
LISTED_PARTNERSHIPS = 30

_COUNTS = ("n_pre", "n_post", "n_linked")
_SCHOOL_COLUMNS = {
    "partnership_id": "partnership_id",
    "school": "school",
    "group": "group",
    "n_pre": "n_pre",
    "mean_pre": "mean_pre",
    "n_post": "n_post",
    "mean_post": "mean_post",
    "n_linked": "both_waves",
    "change": "change",
    "change_ci_low": "ci_low",
    "change_ci_high": "ci_high",
}
_PARTNERSHIP_COLUMNS = {
    "partnership_id": "partnership_id",
    "outcome": "outcome",
    "higher": "first_school",
    "lower": "second_school",
    "basis": "ordered_by",
    "gap_pre": "gap_pre",
    "gap_post": "gap_post",
    "gap_change": "gap_change",
    "gap_change_ci_low": "ci_low",
    "gap_change_ci_high": "ci_high",
    "narrowed": "narrowed",
}


def school_names(schools: pd.DataFrame) -> dict[str, str]:
    """school_id -> the school's name as the schools table writes it (its id when it has none)."""
    names = schools["school_name"] if "school_name" in schools.columns else schools["school_id"]
    return {
        sid: (name if isinstance(name, str) and name.strip() else sid) for sid, name in zip(schools["school_id"], names)
    }


def _is_true(value: object) -> bool:
    return str(value).strip().lower() == "true"


def verdict(narrowed: object, low: float, high: float) -> str:
    """``narrowed``, ``widened`` or ``unclear`` from partnerships.csv's three-valued `narrowed`
    (true, false, blank); "" when the row has no interval (blank for want of numbers)."""
    written = str(narrowed).strip().lower()
    if written in ("true", "false"):
        return "narrowed" if written == "true" else "widened"
    if math.isnan(low) or math.isnan(high):
        return ""
    return "unclear"


#: The numbers of a row of results/schools.csv, each blank under the plan's min_cell_size.
_NUMBERS = ("n_pre", "mean_pre", "sd_pre", "n_post", "mean_post", "sd_post", "n_linked", "change",
            "change_ci_low", "change_ci_high")  # fmt: skip


def all_blank(rows: pd.DataFrame) -> bool:
    """True when every number of these rows of results/schools.csv is blank (every school under
    the plan's min_cell_size in every wave)."""
    return bool(rows[[c for c in _NUMBERS if c in rows.columns]].isna().all(axis=None))


def school_tables(
    table: pd.DataFrame, schools: pd.DataFrame, plan: Plan, language: str, instruments: dict | None = None
) -> list[tuple[md.Markdown, pd.DataFrame | md.Markdown]]:
    """Per outcome of the plan, a heading and one row per school (results/schools.csv): its
    partnership and name (and group, when the programme has control schools), n and mean before
    and after, and the change of those in both waves with its 95% interval; blank where the
    schools table blanked it. Schools in partnership order, partner schools first, then by name.
    An outcome whose every number is blank (every school under the plan's min_cell_size) has one
    sentence saying so instead of a table of blanks."""
    names = school_names(schools)
    info = schools.set_index("school_id")
    with_controls = schools["group"].nunique() > 1
    shown = table.copy()
    shown["school"] = [names.get(sid, sid) for sid in shown["school_id"]]
    shown["partnership_id"] = [
        _text(info["partnership_id"].get(sid)) if "partnership_id" in info else "" for sid in shown["school_id"]
    ]
    shown["group"] = [info["group"].get(sid, "") for sid in shown["school_id"]]
    for count in _COUNTS:
        shown[count] = pd.array(shown[count], dtype="Int64")
    shown["_control"] = shown["group"] != "partner"
    shown["_alone"] = shown["partnership_id"] == ""
    order = ["_control", "_alone", "partnership_id", "school"]
    columns = {k: v for k, v in _SCHOOL_COLUMNS.items() if with_controls or k != "group"}
    parts = []
    wording = outcome_wording(plan, instruments or {})
    for outcome in plan.outcomes:
        rows = shown[shown["outcome"] == outcome.id]
        if rows.empty:
            continue
        heading = md.Markdown("### {}").format(md.capitalise(label(outcome.id, language), language))
        if all_blank(rows):  # no number to show: one sentence rather than an empty grid
            who = wording.get(outcome.id, ("points", "students"))[1]
            minimum = md.count(plan.min_cell_size, language)
            parts.append((heading, md.text(f"report.schools.all_blank.{who}", language, min_cell=minimum)))
            continue
        rows = rows.sort_values(order, kind="stable").copy()
        rows["group"] = [label(g, language) for g in rows["group"]]
        rows = rows[list(columns)].rename(columns={name: column(key, language) for name, key in columns.items()})
        parts.append((heading, rows.reset_index(drop=True)))
    return parts


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _basis(schools: pd.DataFrame, partnership: str) -> str:
    """What ordered the partnership's schools (`evaluation.analysis.schools.ordering_basis`)."""
    if "partnership_id" not in schools.columns:
        return "pre_test"
    return ordering_basis(schools[schools["partnership_id"] == partnership])


def _bases(table: pd.DataFrame, schools: pd.DataFrame) -> set[str]:
    """What ordered the schools of the partnerships whose rows name them."""
    named = table[(table["partnership_id"] != ALL_PARTNERSHIPS) & table["higher_school_id"].map(_is_id)]
    return {_basis(schools, p) for p in named["partnership_id"].unique()}


def _is_id(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def _one_basis(table: pd.DataFrame, schools: pd.DataFrame) -> bool:
    return len(_bases(table, schools)) <= 1


def ordering_sentence(table: pd.DataFrame, schools: pd.DataFrame, language: str) -> md.Markdown:
    """When every partnership's schools were ordered alike (by resources, or by the pre-test), one
    sentence saying which is first ("" otherwise: the partnership table has a column for it)."""
    bases = _bases(table, schools)
    if len(bases) != 1:
        return md.Markdown("")
    (basis,) = bases
    return md.text("report.schools.order_all", language, basis=md.text(f"report.schools.order.{basis}", language))


def partnership_table(table: pd.DataFrame, schools: pd.DataFrame, language: str) -> pd.DataFrame:
    """One row per partnership and outcome (results/partnerships.csv): its first and second
    school by name and what ordered them (the better-resourced school first, or the one ahead at
    the pre-test when resource levels are missing or the same: a column when the partnerships
    differ, else `ordering_sentence`), the gap (first minus second)
    before and after, its change with the 95% interval and whether it narrowed (yes, no, no clear
    change); the rows over all partnerships last."""
    names = school_names(schools)
    shown = table.copy()
    every = shown["partnership_id"] == ALL_PARTNERSHIPS
    shown["partnership_id"] = [
        md.text("report.schools.all_partnerships", language) if a else p for a, p in zip(every, shown["partnership_id"])
    ]
    shown["higher"] = [names.get(s, s) if isinstance(s, str) else "" for s in shown["higher_school_id"]]
    shown["lower"] = [names.get(s, s) if isinstance(s, str) else "" for s in shown["lower_school_id"]]
    shown["basis"] = [
        "" if a or not isinstance(h, str) else md.text(f"report.schools.order.{_basis(schools, p)}", language)
        for a, p, h in zip(every, table["partnership_id"], shown["higher_school_id"])
    ]
    shown["narrowed"] = [
        md.text(f"report.schools.verdict.{v}", language) if v else ""
        for v in (
            verdict(n, lo, hi)
            for n, lo, hi in zip(shown["narrowed"], shown["gap_change_ci_low"], shown["gap_change_ci_high"])
        )
    ]
    shown["outcome"] = [label(o, language) for o in shown["outcome"]]
    shown = pd.concat([shown[~every], shown[every]])
    columns = _PARTNERSHIP_COLUMNS
    if _one_basis(table, schools):  # said once in a sentence (`ordering_sentence`)
        columns = {k: v for k, v in columns.items() if k != "basis"}
    return (
        shown[list(columns)]
        .rename(columns={name: column(key, language) for name, key in columns.items()})
        .reset_index(drop=True)
    )


def gap_sentences(table: pd.DataFrame, schools: pd.DataFrame, plan: Plan, instruments: dict) -> md.Markdown:
    """One bullet per outcome: with several partnerships, the average change of the gap with its
    interval over the partnerships as units; with one, that partnership's gap before and after
    and its change, both schools named."""
    language, wording, names = plan.language, outcome_wording(plan, instruments), school_names(schools)
    every = table["partnership_id"] == ALL_PARTNERSHIPS
    rows = table[every] if every.any() else table
    # the partnerships the mean of each outcome is over: those with a gap_change
    counted = table[~every & table["gap_change"].notna()].groupby("outcome")["partnership_id"].nunique()
    bullets = []
    for _, row in rows.iterrows():
        outcome = md.capitalise(label(row["outcome"], language), language)
        unit = md.text(f"report.units.{wording.get(row['outcome'], ('points', 'students'))[0]}", language)
        kind = verdict(row["narrowed"], row["gap_change_ci_low"], row["gap_change_ci_high"])
        if not kind or math.isnan(row["gap_change"]):
            if row["partnership_id"] != ALL_PARTNERSHIPS:
                bullets.append(
                    md.text("report.schools.gap_unknown", language, outcome=outcome, partnership=row["partnership_id"])
                )
            continue
        values = dict(
            outcome=outcome,
            unit=unit,
            change=md.signed(row["gap_change"], 2, language),
            low=md.number(row["gap_change_ci_low"], 2, language),
            high=md.number(row["gap_change_ci_high"], 2, language),
            verdict=md.text(f"report.schools.verdict.{kind}", language),
        )
        if row["partnership_id"] == ALL_PARTNERSHIPS:
            bullets.append(
                md.text(
                    "report.schools.across",
                    language,
                    n=md.count(int(counted.get(row["outcome"], 0)), language),
                    **values,
                )
            )
        elif not (math.isnan(row["gap_pre"]) or math.isnan(row["gap_post"])):
            bullets.append(
                md.text(
                    "report.schools.gap",
                    language,
                    partnership=row["partnership_id"],
                    higher=names.get(row["higher_school_id"], row["higher_school_id"]),
                    lower=names.get(row["lower_school_id"], row["lower_school_id"]),
                    gap_pre=md.number(row["gap_pre"], 2, language),
                    gap_post=md.number(row["gap_post"], 2, language),
                    **values,
                )
            )
    return md.Markdown("\n").join(md.Markdown("- ") + bullet for bullet in bullets)


def suppressed_note(table: pd.DataFrame, min_cell_size: int, language: str) -> md.Markdown:
    """A note under the school tables when a cell of a table shown is blank for privacy ("" otherwise:
    an outcome with no number at all has its own sentence, `school_tables`)."""
    if min_cell_size <= 1:  # nothing is blanked for privacy: a blank is a wave without anyone
        return md.Markdown("")
    shown = [rows for _, rows in table.groupby("outcome", sort=False) if not all_blank(rows)]
    if not any(rows["suppressed"].map(_is_true).any() for rows in shown):  # said once per outcome otherwise
        return md.Markdown("")
    return md.text("report.schools.suppressed", language, min_cell=md.count(min_cell_size, language))


# --- many schools and partnerships: summaries instead of lists -----------------------------------


def workbook_sheet(table: str, language: str) -> str:
    """The results workbook's sheet of results table `table` (`evaluation.reporting.workbook.sheet_name`),
    imported when asked for: the workbook's module brings scipy, which a school page does not load."""
    from evaluation.reporting.workbook import sheet_name

    return sheet_name(table, language)


def school_count(table: pd.DataFrame) -> int:
    """How many schools results/schools.csv has rows for."""
    return int(table["school_id"].nunique())


def summarises_schools(table: pd.DataFrame) -> bool:
    """True when results/schools.csv has more than `LISTED_SCHOOLS` schools (the section summarises)."""
    return school_count(table) > LISTED_SCHOOLS


def partnership_count(table: pd.DataFrame) -> int:
    """How many partnerships results/partnerships.csv has rows for (the rows over all left out)."""
    return int(table.loc[table["partnership_id"] != ALL_PARTNERSHIPS, "partnership_id"].nunique())


def summarises_partnerships(table: pd.DataFrame) -> bool:
    """True when results/partnerships.csv has more than `LISTED_PARTNERSHIPS` partnerships."""
    return partnership_count(table) > LISTED_PARTNERSHIPS


def school_summary_intro(table: pd.DataFrame, language: str, pages: str | None = None) -> md.Markdown:
    """Before the summary tables: with how many schools the section summarises, where each school's
    numbers are (the workbook's sheet, the school pages' index `pages` when the plan has them), and
    that with many schools some intervals lie off zero by chance alone."""
    parts = [
        md.text(
            "report.schools.summarised",
            language,
            n=md.count(school_count(table), language),
            sheet=workbook_sheet("schools", language),
        ),
        md.text("report.schools.chance", language),
    ]
    if pages:
        parts.append(md.text("report.schools.pages", language, index=pages))
    return md.Markdown(" ").join(parts)


_GROUP_ORDER = {"partner": 0, "control": 1}
_SUMMARY_COLUMNS = ("group", "schools_count", "schools_shown", "median_change", "change_p25", "change_p75",
                    "interval_above_zero", "interval_below_zero")  # fmt: skip


def school_summary(rows: pd.DataFrame) -> dict[str, float | int]:
    """The summary of one outcome's and group's rows of results/schools.csv: schools, schools with
    a change shown (not blank under the plan's min_cell_size), and over those alone the median of
    the mean changes, their 25th and 75th percentiles, and how many 95% intervals lie wholly above
    and wholly below zero."""
    shown = rows[rows["change"].notna()]
    changes = shown["change"].astype(float)
    low, high = shown["change_ci_low"].astype(float), shown["change_ci_high"].astype(float)
    return {
        "schools_count": int(rows["school_id"].nunique()),
        "schools_shown": int(shown["school_id"].nunique()),
        "median_change": float(changes.median()) if len(changes) else math.nan,
        "change_p25": float(changes.quantile(0.25)) if len(changes) else math.nan,
        "change_p75": float(changes.quantile(0.75)) if len(changes) else math.nan,
        "interval_above_zero": int((low > 0).sum()),
        "interval_below_zero": int((high < 0).sum()),
    }


def school_summary_tables(
    table: pd.DataFrame, schools: pd.DataFrame, plan: Plan, language: str, instruments: dict | None = None
) -> list[tuple[md.Markdown, pd.DataFrame | md.Markdown]]:
    """Per outcome of the plan, a heading and one row per group (partner schools, then control
    schools when there are any): `school_summary` of its schools, no school named. An outcome
    whose every number is blank has the sentence of `school_tables` instead."""
    group_of = dict(zip(schools["school_id"], schools["group"]))
    shown = table.assign(_group=[group_of.get(sid, "") for sid in table["school_id"]])
    wording = outcome_wording(plan, instruments or {})
    parts = []
    for outcome in plan.outcomes:
        rows = shown[shown["outcome"] == outcome.id]
        if rows.empty:
            continue
        heading = md.Markdown("### {}").format(md.capitalise(label(outcome.id, language), language))
        if all_blank(rows):
            who = wording.get(outcome.id, ("points", "students"))[1]
            minimum = md.count(plan.min_cell_size, language)
            parts.append((heading, md.text(f"report.schools.all_blank.{who}", language, min_cell=minimum)))
            continue
        groups = sorted(rows["_group"].unique(), key=lambda g: (_GROUP_ORDER.get(g, 2), str(g)))
        summary = pd.DataFrame(
            [{"group": label(g, language), **school_summary(rows[rows["_group"] == g])} for g in groups]
        )
        for name in ("schools_count", "schools_shown", "interval_above_zero", "interval_below_zero"):
            summary[name] = pd.array(summary[name], dtype="Int64")
        summary = summary[list(_SUMMARY_COLUMNS)].rename(columns={k: column(k, language) for k in _SUMMARY_COLUMNS})
        parts.append((heading, summary))
    return parts


def summary_suppressed_note(table: pd.DataFrame, min_cell_size: int, language: str) -> md.Markdown:
    """Under the summary tables, when a school's numbers are blank for privacy in an outcome shown:
    that such schools have no numbers shown and are left out of the summary ("" otherwise)."""
    if min_cell_size <= 1:
        return md.Markdown("")
    shown = [rows for _, rows in table.groupby("outcome", sort=False) if not all_blank(rows)]
    if not any(rows["suppressed"].map(_is_true).any() for rows in shown):
        return md.Markdown("")
    return md.text("report.schools.summary_suppressed", language, min_cell=md.count(min_cell_size, language))


_VERDICTS = ("narrowed", "widened", "unclear")


def partnership_counts(table: pd.DataFrame, language: str) -> pd.DataFrame:
    """Per outcome (results/partnerships.csv, the rows over all left out): the partnerships, those
    with a result, whose gap narrowed, widened or showed no clear change, and those with no result
    (a school with too few students or respondents). No partnership or school is named."""
    rows = table[table["partnership_id"] != ALL_PARTNERSHIPS]
    kinds = pd.Series(
        [
            "" if pd.isna(change) else verdict(n, lo, hi)
            for n, lo, hi, change in zip(
                rows["narrowed"], rows["gap_change_ci_low"], rows["gap_change_ci_high"], rows["gap_change"]
            )
        ],
        index=rows.index,
        dtype=object,
    )
    records = []
    for outcome in dict.fromkeys(rows["outcome"]):
        own = kinds[rows["outcome"] == outcome]
        counts = own.value_counts()
        records.append(
            {
                "outcome": label(outcome, language),
                "partnerships_count": len(own),
                "with_result": int((own != "").sum()),
                **{f"gap_{kind}": int(counts.get(kind, 0)) for kind in _VERDICTS},
                "no_result": int((own == "").sum()),
            }
        )
    names = ["outcome", "partnerships_count", "with_result", *(f"gap_{k}" for k in _VERDICTS), "no_result"]
    counts = pd.DataFrame(records, columns=names)
    for name in names[1:]:
        counts[name] = pd.array(counts[name], dtype="Int64")
    return counts.rename(columns={name: column(name, language) for name in names})


def partnership_counts_intro(table: pd.DataFrame, language: str) -> md.Markdown:
    """Before `partnership_counts`: with how many partnerships the section counts them, and where
    each partnership's row is (the workbook's sheet)."""
    return md.text(
        "report.schools.partnerships_summarised",
        language,
        n=md.count(partnership_count(table), language),
        sheet=workbook_sheet("partnerships", language),
    )
