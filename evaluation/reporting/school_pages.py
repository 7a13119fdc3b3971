"""The pages per school and per partnership (notebooks/06-school-page.ipynb) and their index page:
what a principal or a coordinator reads about their own school or partnership, from the results
tables alone (results/schools.csv, partnerships.csv, group_means.csv, effects.csv,
activities.csv) and the schools table's names, provinces and partnerships.

A unit is a school or a partnership (`Unit`); `units` lists them from the results, and
`page_files` gives each its page's file name, never made from the data's text: ``school-<id>.html``
when the id is a short run of ASCII letters, digits, ``-`` and ``_`` (`SAFE_ID`), else a counter
(``school-3.html``), and never two names that differ only in case. The index lists the schools by
name in Turkish alphabetical order (`evaluation.io.turkish.sort_key`), each with its province and
partnership, and the partnerships, each linked to its page; a unit whose page could not be made is
listed with the reason, without a link.

Names and ids are untrusted: in a page they reach Markdown only through
`evaluation.reporting.escaping`, and in the index through `evaluation.validation.html_page`, which
escapes every text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape as escape_html
from pathlib import Path

import pandas as pd

from evaluation.analysis.schools import ALL_PARTNERSHIPS
from evaluation.io.turkish import sort_key
from evaluation.reporting import escaping as md
from evaluation.reporting.headings import column
from evaluation.reporting.schools import school_names
from evaluation.validation import html_page
from evaluation.wording import plural, text

SCHOOL, PARTNERSHIP = "school", "partnership"
KINDS = (SCHOOL, PARTNERSHIP)
#: An id that may stand in a file name as it is: ASCII letters, digits, ``-`` and ``_``, starting
#: with a letter or digit, at most 64 characters.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
INDEX = "index.html"


@dataclass(frozen=True)
class Unit:
    """A school or a partnership that gets a page: its kind, id, and what the index shows of it
    (the school's name, province and partnership; a partnership's schools' ids)."""

    kind: str
    id: str
    name: str = ""
    province: str = ""
    partnership: str = ""
    group: str = ""
    schools: tuple[str, ...] = ()


def clean(value: object) -> str:
    """A text field of the schools table, stripped ("" for a blank or a missing value)."""
    return value.strip() if isinstance(value, str) else ""


_text = clean


def units(school_results: pd.DataFrame, partnership_results: pd.DataFrame, schools: pd.DataFrame) -> list[Unit]:
    """Every school of results/schools.csv and every partnership of results/partnerships.csv (not
    the ``all`` rows), in that order; each school with its name (its id when the schools table has
    none), province (or country, for a school abroad) and partnership from the schools table, each
    partnership with the ids of its schools."""
    names = school_names(schools)
    info = schools.drop_duplicates("school_id").set_index("school_id")

    def field(sid: str, name: str) -> str:
        return _text(info[name].get(sid)) if name in info.columns else ""

    found = []
    for sid in pd.unique(school_results["school_id"].astype(str)):
        place = field(sid, "province") or field(sid, "country")
        found.append(Unit(SCHOOL, sid, names.get(sid, sid), place, field(sid, "partnership_id"), field(sid, "group")))
    members: dict[str, list[str]] = {}
    if "partnership_id" in info.columns:
        for sid, partnership in info["partnership_id"].items():
            if _text(partnership):
                members.setdefault(_text(partnership), []).append(str(sid))
    for pid in pd.unique(partnership_results["partnership_id"].astype(str)):
        if pid != ALL_PARTNERSHIPS:
            found.append(Unit(PARTNERSHIP, pid, pid, schools=tuple(members.get(pid, ()))))
    return found


def page_files(found: Iterable[Unit]) -> dict[tuple[str, str], str]:
    """(kind, id) -> the file name of the unit's page: ``<kind>-<id>.html`` when the id matches
    `SAFE_ID`, else ``<kind>-<n>.html`` (n counting the units of the kind); two names never differ
    only in case, and none is the index's."""
    files: dict[tuple[str, str], str] = {}
    used = {INDEX}
    counters = dict.fromkeys(KINDS, 0)
    for unit in found:
        counters[unit.kind] += 1
        stem = f"{unit.kind}-{unit.id}" if SAFE_ID.fullmatch(unit.id) else f"{unit.kind}-{counters[unit.kind]}"
        name, extra = f"{stem}.html", 1
        while name.lower() in used:
            extra += 1
            name = f"{stem}-{extra}.html"
        used.add(name.lower())
        files[(unit.kind, unit.id)] = name
    return files


def find(found: Iterable[Unit], kind: str, unit_id: str) -> Unit | None:
    return next((u for u in found if u.kind == kind and u.id == unit_id), None)


def link(label: object, href: str) -> md.Markdown:
    """A Markdown link to another page of the folder (``href`` one of `page_files`' names)."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+\.html", href):
        raise ValueError(f"not a page of the folder: {href!r}")
    return md.Markdown("[{}]({})").format(label, md.escape(href))  # letters, digits, - _ . only: a plain path


def back_link(language: str) -> md.Markdown:
    return md.Markdown("[{}]({})").format(md.text("pages.back", language), md.escape(INDEX))


# --- a school's page -----------------------------------------------------------------------------


def school_title(unit: Unit, found: list[Unit], files: Mapping, language: str) -> md.Markdown:
    """The school's name as the page's heading, a link to the index, and who the school is: a
    partner school with its partnership and partner schools (linked), a comparison school, or a
    partner school without a partnership."""
    place = md.escape(unit.province) if unit.province else md.text("pages.school.no_province", language)
    values = dict(school=unit.name, province=place)
    if unit.partnership:
        partners = [u for u in found if u.kind == SCHOOL and u.partnership == unit.partnership and u.id != unit.id]
        partnership = find(found, PARTNERSHIP, unit.partnership)
        values["partnership"] = (
            link(unit.partnership, files[(PARTNERSHIP, unit.partnership)]) if partnership else unit.partnership
        )
        if partners:
            values["partners"] = md.listing([link(u.name, files[(SCHOOL, u.id)]) for u in partners], language)
            who = md.text("pages.school.partner", language, **values)
        else:
            who = md.text("pages.school.partner_alone", language, **values)
    elif unit.group == "control":
        who = md.text("pages.school.control", language, **values)
    else:
        who = md.text("pages.school.without_partnership", language, **values)
    return md.Markdown("# {}\n\n{}\n\n{}").format(unit.name, back_link(language), who)


def partnership_title(unit: Unit, found: list[Unit], files: Mapping, language: str) -> md.Markdown:
    """The partnership's id as the page's heading, a link to the index, and its schools (each
    linked to its page, with its province)."""
    schools = [u for u in found if u.kind == SCHOOL and u.partnership == unit.id]
    named = [
        md.Markdown("{} ({})").format(link(u.name, files[(SCHOOL, u.id)]), u.province)
        if u.province
        else link(u.name, files[(SCHOOL, u.id)])
        for u in schools
    ]
    heading = md.text("report.activities.partnership", language, partnership=unit.id)
    who = (
        md.text("pages.partnership.schools", language, schools=md.listing(named, language))
        if named
        else md.text("pages.partnership.no_schools", language)
    )
    return md.Markdown("# {}\n\n{}\n\n{}").format(heading, back_link(language), who)


_ROW_COLUMNS = ("who", "n_pre", "mean_pre", "n_post", "mean_post", "n_linked", "change", "change_ci_low",
                "change_ci_high")  # fmt: skip
_HEADERS = {"who": "school", "n_linked": "both_waves", "change_ci_low": "ci_low", "change_ci_high": "ci_high"}
_COUNTS = ("n_pre", "n_post", "n_linked")


def group_row(group: str, outcome: str, group_means: pd.DataFrame, effects: pd.DataFrame, language: str) -> dict:
    """A group's numbers for one outcome (all partner or all comparison schools): n and mean in
    each wave (results/group_means.csv) and the mean change of those in both waves with its
    school-clustered interval (the ``prepost`` ``paired_cr2`` row of results/effects.csv, subgroup
    all); blank where the results have none or suppressed it."""
    row: dict = {"who": text(f"pages.rows.{group}", language)}
    for wave in ("pre", "post"):
        means = group_means[
            (group_means["outcome"] == outcome) & (group_means["group"] == group) & (group_means["wave"] == wave)
        ]
        row[f"n_{wave}"] = means["n"].iloc[0] if len(means) else math.nan
        row[f"mean_{wave}"] = means["mean"].iloc[0] if len(means) else math.nan
    change = effects[
        (effects["analysis"] == "prepost")
        & (effects["method"] == "paired_cr2")
        & (effects["outcome"] == outcome)
        & (effects["subgroup"] == "all")
        & (effects["group"] == group)
    ]
    shown = len(change) and not bool(change["suppressed"].iloc[0])
    for name, source in (("n_linked", "n_treatment"), ("change", "estimate"), ("change_ci_low", "ci_low"),
                         ("change_ci_high", "ci_high")):  # fmt: skip
        row[name] = change[source].iloc[0] if shown else math.nan
    return row


def school_rows(school_results: pd.DataFrame, ids: list[str], found: list[Unit]) -> list[dict]:
    """The rows of results/schools.csv of the schools `ids` for one outcome, in that order, each
    named; their blanks (under min_cell_size) stay blank."""
    names = {u.id: u.name for u in found if u.kind == SCHOOL}
    rows = []
    for sid in ids:
        for _, result in school_results[school_results["school_id"].astype(str) == sid].iterrows():
            rows.append({"who": names.get(sid, sid), **{c: result[c] for c in _ROW_COLUMNS[1:]}})
    return rows


def outcome_table(rows: list[dict], language: str) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=list(_ROW_COLUMNS))
    for count in _COUNTS:
        table[count] = pd.array(pd.to_numeric(table[count]).round(), dtype="Int64")
    return table.rename(columns={c: column(_HEADERS.get(c, c), language) for c in _ROW_COLUMNS})


def blank_note(rows: pd.DataFrame, min_cell_size: int, language: str) -> md.Markdown:
    """The privacy note when a number of these rows of results/schools.csv is blank under the
    plan's min_cell_size ("" otherwise, and at a minimum of 1, where a blank is a wave without
    anyone)."""
    if min_cell_size <= 1 or not rows["suppressed"].map(lambda v: str(v).strip().lower() == "true").any():
        return md.Markdown("")
    return md.text("report.schools.suppressed", language, min_cell=md.count(min_cell_size, language))


# --- the data's checks ---------------------------------------------------------------------------


def data_counts(index: pd.DataFrame | None, school_id: str) -> tuple[int, int]:
    """(rows rejected, points to check) of the school's fix list, from the fix lists' index
    (``validation/fix-lists/index.csv``: counts only); (0, 0) for a school without a fix list."""
    if index is None or index.empty:
        return 0, 0
    rows = index[index["school_id"].astype(str) == school_id]
    if rows.empty:
        return 0, 0
    return int(rows["quarantined_rows"].iloc[0]), int(rows["warnings"].iloc[0])


def data_text(rejected: int, flagged: int, language: str) -> md.Markdown:
    if not rejected and not flagged:
        return md.text("pages.school.data_clean", language)
    return md.Markdown("{} {}").format(
        md.plural("pages.school.rejected", rejected, language)
        if rejected
        else md.text("pages.school.none_rejected", language),
        md.plural("pages.school.flagged", flagged, language)
        if flagged
        else md.text("pages.school.none_flagged", language),
    )


# --- the index -----------------------------------------------------------------------------------


def write_index(
    path: Path,
    found: list[Unit],
    files: Mapping[tuple[str, str], str],
    failed: Mapping[tuple[str, str], str],
    title: str,
    language: str,
) -> Path:
    """The index page: the schools by name in Turkish alphabetical order with province and
    partnership, each name linking to its page; then the partnerships with their schools; a unit
    in `failed` ((kind, id) -> reason) is listed without a link, with the reason its page is
    missing. Every text is escaped (`evaluation.validation.html_page`)."""
    names = {u.id: u.name for u in found if u.kind == SCHOOL}
    made = {key for key in files if key not in failed}

    def cell(unit: Unit, label: str) -> str:
        key = (unit.kind, unit.id)
        return html_page.link(label, files[key]) if key in made else escape_html(label)

    def partnership_cell(pid: str) -> str:
        key = (PARTNERSHIP, pid)
        if not pid:
            return ""
        return html_page.link(pid, files[key]) if key in made else escape_html(pid)

    def status(unit: Unit) -> str:
        reason = failed.get((unit.kind, unit.id))
        return text("pages.index.failed", language, reason=reason) if reason is not None else ""

    schools = sorted((u for u in found if u.kind == SCHOOL), key=lambda u: (sort_key(u.name), u.id))
    partnerships = sorted((u for u in found if u.kind == PARTNERSHIP), key=lambda u: sort_key(u.id))
    parts = [html_page.paragraph(text("pages.index.intro", language))]
    if failed:
        parts.append(html_page.paragraph(plural("pages.index.some_failed", len(failed), language), "broken"))
    parts += [
        html_page.heading(text("pages.index.schools_heading", language)),
        html_page.table(
            [
                text("pages.index.columns.school", language),
                text("pages.index.columns.province", language),
                text("pages.index.columns.partnership", language),
                text("pages.index.columns.status", language),
            ],
            [(cell(u, u.name), u.province, partnership_cell(u.partnership), status(u)) for u in schools],
            html_cells=(0, 2),
        ),
    ]
    if partnerships:
        parts += [
            html_page.heading(text("pages.index.partnerships_heading", language)),
            html_page.table(
                [
                    text("pages.index.columns.partnership", language),
                    text("pages.index.columns.schools", language),
                    text("pages.index.columns.status", language),
                ],
                [(cell(u, u.id), "; ".join(names.get(s, s) for s in u.schools), status(u)) for u in partnerships],
                html_cells=(0,),
            ),
        ]
    return html_page.write_page(path, title, parts, language)
