"""The report's activity section: each partnership's calendar against what took place, from
results/activities.csv, activity_summary.csv and activity_months.csv
(`evaluation.analysis.activities`).

With up to `FULL_CALENDARS` partnerships each gets its whole calendar as a table; with more, the
summary table, the share done by month and the activities not done in full. Then what was
cancelled or postponed and why (the reason as the coordinator wrote it, escaped), the
participants, and the timeline chart with its alternative text. Activity types are named by the
catalogue (``activity_types``) where it knows the code, else shown as written.

With more than `LISTED_PARTNERSHIPS` partnerships (`evaluation.reporting.schools`) the section
summarises instead (`summarised_parts`): the totals in words, the share done by month for all
partnerships together, how many partnerships did what share of their calendar (`SHARE_BANDS`), and
how many activities were cancelled or postponed, each with its reason being in the workbook's
activities sheet; no per-activity or per-partnership list and no timeline (it grows with the
partnerships), the by-month table carrying the timing.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from evaluation.reporting import escaping as md
from evaluation.reporting.figures import activity_status_label, activity_timeline, activity_type_label
from evaluation.reporting.headings import column
from evaluation.reporting.schools import LISTED_PARTNERSHIPS, workbook_sheet
from evaluation.wording import date, percent, text
from evaluation.wording.formats import month as month_name

#: Up to this many partnerships, the report shows each one's whole calendar.
FULL_CALENDARS = 3
#: Above `LISTED_PARTNERSHIPS` partnerships, they are counted by the share of their calendar done:
#: all of it, at least 75% but not all, at least 50% but under 75%, under 50% (`share_bands_table`).
SHARE_BANDS = (0.75, 0.5)
ALL = "all"


def _month(value: object, language: str) -> str:
    """A YYYY-MM month as the language names it (``Sep 2022``, ``Eylül 2022``); else as written."""
    try:
        day = dt.date.fromisoformat(f"{value}-01")
    except (TypeError, ValueError):
        return "" if pd.isna(value) else str(value)
    return month_name(day, language)


def _held_on(value: object, language: str) -> str:
    if pd.isna(value) or not str(value):
        return ""
    return date(dt.date.fromisoformat(str(value)), language)


def _activity(row, language: str) -> str:
    """An activity's name: its title as the plan words it, else its type as the catalogue names it."""
    title = row.get("title")
    return (
        title.strip()
        if isinstance(title, str) and title.strip()
        else activity_type_label(row["activity_type"], language)
    )


def calendar_table(log: pd.DataFrame, language: str, with_partnership: bool = False) -> pd.DataFrame:
    """One row per activity: number, activity, planned month, day held, months late, status,
    reason, students and teachers (headers from the catalogue; texts as written)."""
    rows = {
        "activity_no": log["activity_no"].astype("Int64"),
        "activity": [_activity(row, language) for _, row in log.iterrows()],
        "activity_planned_month": [_month(value, language) for value in log["planned_month"]],
        "activity_held_on": [_held_on(value, language) for value in log["completed_on"]],
        "activity_months_late": log["months_late"].astype("Int64"),
        "activity_status": [activity_status_label(status, language) for status in log["status"]],
        "activity_reason": log["reason"].fillna("").astype(str),
        "activity_students": log["participants_students"].astype("Int64"),
        "activity_teachers": log["participants_teachers"].astype("Int64"),
    }
    if with_partnership:
        rows = {"partnership_id": log["partnership_id"].astype(str), **rows}
    table = pd.DataFrame(rows).reset_index(drop=True)
    return table.rename(columns={name: column(name, language) for name in table.columns})


def summary_table(summary: pd.DataFrame, language: str) -> pd.DataFrame:
    """Per partnership and all: planned, done, in part, postponed, cancelled, still planned, share
    done, done late, students and teachers."""
    names = {
        "partnership_id": "partnership_id",
        "planned": "planned_activities",
        "done": "done",
        "partial": "partial",
        "postponed": "activity_postponed",
        "cancelled": "cancelled",
        "pending": "planned",
        "share_done": "share_done",
        "done_late": "activity_done_late",
        "students": "activity_students",
        "teachers": "activity_teachers",
    }
    table = summary[list(names)].copy()
    table["partnership_id"] = [
        text("report.activities.all", language) if pid == ALL else str(pid) for pid in table["partnership_id"]
    ]
    table["share_done"] = [percent(share, language) for share in table["share_done"]]
    for name in ("students", "teachers"):
        table[name] = table[name].astype("Int64")
    return table.rename(columns={name: column(key, language) for name, key in names.items()})


def months_table(months: pd.DataFrame, language: str) -> pd.DataFrame:
    """The cumulative share done by month: one row per partnership (and all), one column per month."""
    shares = months.assign(share=[percent(share, language) for share in months["share_done_to_date"]])
    wide = shares.pivot(index="partnership_id", columns="month", values="share")
    order = list(dict.fromkeys(months["partnership_id"]))
    wide = wide.reindex(order).fillna("")
    wide.index = [text("report.activities.all", language) if pid == ALL else str(pid) for pid in wide.index]
    wide.columns = [_month(value, language) for value in wide.columns]
    wide.index.name = column("partnership_id", language)
    return wide.reset_index()


def _counts(summary: pd.DataFrame, partnership: str = ALL) -> pd.Series:
    return summary[summary["partnership_id"].astype(str) == partnership].iloc[0]


def totals_text(summary: pd.DataFrame, months: pd.DataFrame, language: str) -> md.Markdown:
    """The counts by status, lateness, participants and the share done by the last month, in words."""
    row = _counts(summary)
    parts = [
        md.text(
            "report.activities.totals",
            language,
            planned=md.count(int(row["planned"]), language),
            done=md.count(int(row["done"]), language),
            share=md.percent(row["share_done"], language),
            partial=md.count(int(row["partial"]), language),
            postponed=md.count(int(row["postponed"]), language),
            cancelled=md.count(int(row["cancelled"]), language),
            pending=md.count(int(row["pending"]), language),
        )
    ]
    if int(row["done_late"]):
        parts.append(md.plural("report.activities.late", int(row["done_late"]), language))
    if pd.notna(row["students"]) or pd.notna(row["teachers"]):
        parts.append(
            md.text(
                "report.activities.participants",
                language,
                students=md.count(int(0 if pd.isna(row["students"]) else row["students"]), language),
                teachers=md.count(int(0 if pd.isna(row["teachers"]) else row["teachers"]), language),
            )
        )
    overall = months[months["partnership_id"].astype(str) == ALL]
    if len(overall):
        last = overall.iloc[-1]
        parts.append(
            md.text(
                "report.activities.by_month",
                language,
                month=_month(last["month"], language),
                done=md.count(int(last["done_to_date"]), language),
                planned=md.count(int(last["planned_to_date"]), language),
                share=md.percent(last["share_done_to_date"], language),
            )
        )
    return md.Markdown(" ").join(parts)


def not_held_text(log: pd.DataFrame, language: str) -> md.Markdown:
    """One bullet per cancelled or postponed activity, with the reason given (escaped) or that
    none was."""
    rows = log[log["status"].astype(str).isin(["cancelled", "postponed"])]
    if rows.empty:
        return md.text("report.activities.none_not_held", language)
    several = log["partnership_id"].nunique() > 1
    bullets = []
    for _, row in rows.iterrows():
        where = (
            md.text("report.activities.not_held_where", language, partnership=str(row["partnership_id"]))
            if several
            else md.Markdown("")
        )
        reason = row["reason"] if isinstance(row["reason"], str) else ""
        values = {
            "where": where,
            "no": md.count(int(row["activity_no"]), language),
            "activity": _activity(row, language),
            "month": _month(row["planned_month"], language),
            "status": activity_status_label(row["status"], language),
        }
        if reason.strip():
            bullet = md.text("report.activities.not_held_item", language, reason=reason.strip(), **values)
        else:
            bullet = md.text("report.activities.not_held_item_no_reason", language, **values)
        bullets.append(md.Markdown("- ") + bullet)
    return md.text("report.activities.not_held", language) + md.Markdown("\n\n") + md.Markdown("\n").join(bullets)


def timeline_alt(log: pd.DataFrame, summary: pd.DataFrame, language: str) -> str:
    """The timeline chart's alternative text (plain text: the Chart escapes it)."""
    from evaluation.wording import listing

    row = _counts(summary)
    return text(
        "figures.activity_timeline.alt",
        language,
        n=int(row["planned"]),
        partnerships=listing([str(pid) for pid in dict.fromkeys(log["partnership_id"].astype(str))], language),
        done=int(row["done"]),
        partial=int(row["partial"]),
        postponed=int(row["postponed"]),
        cancelled=int(row["cancelled"]),
        pending=int(row["pending"]),
        late=int(row["done_late"]),
    )


def timeline_chart(log: pd.DataFrame, summary: pd.DataFrame, language: str) -> md.Chart:
    """The timeline (`evaluation.reporting.figures.activity_timeline`) with its alternative text."""
    import matplotlib.pyplot as plt

    figure = activity_timeline(log, language)
    plt.close(figure)  # shown once, through the section
    return md.Chart(figure, timeline_alt(log, summary, language))


def share_bands_table(summary: pd.DataFrame, language: str) -> pd.DataFrame:
    """How many partnerships did what share of their planned activities (activity_summary.csv,
    the row over all left out): all, then the bands of `SHARE_BANDS` from the top; every band shown,
    empty ones with 0. No partnership is named. The share is done / planned from the counts (not
    the rounded share_done: 999 of 1,000 is not all)."""
    rows = summary[(summary["partnership_id"].astype(str) != ALL) & (summary["planned"] > 0)]
    shares = rows["done"].astype(float) / rows["planned"].astype(float)
    upper, lower = SHARE_BANDS
    bands = [
        (text("report.activities.bands.all", language, high=percent(1.0, language)), shares >= 1.0),
        (
            text("report.activities.bands.upper", language, low=percent(upper, language)),
            (shares >= upper) & (shares < 1.0),
        ),
        (
            text(
                "report.activities.bands.middle", language, low=percent(lower, language), high=percent(upper, language)
            ),
            (shares >= lower) & (shares < upper),
        ),
        (text("report.activities.bands.lower", language, high=percent(lower, language)), shares < lower),
    ]
    table = pd.DataFrame(
        {
            "share_band": [name for name, _ in bands],
            "partnerships_count": pd.array([int(within.sum()) for _, within in bands], dtype="Int64"),
        }
    )
    return table.rename(columns={name: column(name, language) for name in table.columns})


def not_held_counts_text(log: pd.DataFrame, language: str) -> md.Markdown:
    """How many activities were cancelled and postponed, and that each with its reason is in the
    workbook's activities sheet (or that none was)."""
    status = log["status"].astype(str)
    cancelled, postponed = int((status == "cancelled").sum()), int((status == "postponed").sum())
    if not cancelled and not postponed:
        return md.text("report.activities.none_not_held", language)
    return md.text(
        "report.activities.not_held_counts",
        language,
        cancelled=md.count(cancelled, language),
        postponed=md.count(postponed, language),
        sheet=workbook_sheet("activities", language),
    )


def summarised_parts(log: pd.DataFrame, summary: pd.DataFrame, months: pd.DataFrame, language: str) -> list:
    """The section for more than `LISTED_PARTNERSHIPS` partnerships: the totals in words, where each
    partnership's counts and each activity are, the share done by month for all partnerships
    together, the partnerships by share done, and the counts of cancelled and postponed
    activities. Nothing in it grows with the partnerships (no timeline chart)."""
    partnerships = log["partnership_id"].astype(str).nunique()
    overall = months[months["partnership_id"].astype(str) == ALL]
    parts: list = [
        totals_text(summary, months, language),
        md.text(
            "report.activities.summarised",
            language,
            n=md.count(partnerships, language),
            summary_sheet=workbook_sheet("activity_summary", language),
            sheet=workbook_sheet("activities", language),
        ),
    ]
    if len(overall):
        parts.append(md.ReportTable(months_table(overall, language), language))
    parts += [md.ReportTable(share_bands_table(summary, language), language), not_held_counts_text(log, language)]
    return parts


def section_parts(log: pd.DataFrame, summary: pd.DataFrame, months: pd.DataFrame, language: str) -> list:
    """What the section shows after its heading: the totals in words; each partnership's calendar
    (up to `FULL_CALENDARS` partnerships) or the summary, the share done by month and the
    activities not done in full (up to `LISTED_PARTNERSHIPS`); what was cancelled or postponed and
    why; the timeline. With more partnerships, `summarised_parts`."""
    partnerships = list(dict.fromkeys(log["partnership_id"].astype(str)))
    if len(partnerships) > LISTED_PARTNERSHIPS:
        return summarised_parts(log, summary, months, language)
    parts: list = [totals_text(summary, months, language)]
    if len(partnerships) <= FULL_CALENDARS:
        if len(partnerships) > 1:
            parts.append(md.ReportTable(summary_table(summary, language), language))
        for partnership in partnerships:
            if len(partnerships) > 1:
                name = md.text("report.activities.partnership", language, partnership=partnership)
                parts.append(md.Markdown("### {name}").format(name=name))
            own = log[log["partnership_id"].astype(str) == partnership]
            parts.append(md.ReportTable(calendar_table(own, language), language))
    else:
        not_done = log[log["status"].astype(str) != "done"]
        parts += [
            md.text("report.activities.many", language, n=md.count(len(partnerships), language)),
            md.ReportTable(summary_table(summary, language), language),
            md.ReportTable(months_table(months, language), language),
            md.ReportTable(calendar_table(not_done, language, with_partnership=True), language),
        ]
    parts += [not_held_text(log, language), timeline_chart(log, summary, language)]
    return parts
