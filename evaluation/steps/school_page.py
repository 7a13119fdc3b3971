"""Notebook 06, a page per school and per partnership: the notebook is run once per unit (a school
or a partnership) with its kind, id and language as parameters (`evaluation.pipeline.render_pages`
runs them in parallel worker processes and writes the index), each section here one part of the
page.

A page reads the results tables of the run (`Run.table`: results/schools.csv, partnerships.csv,
group_means.csv, effects.csv, activities.csv), the schools table for names, provinces and
partnerships, and the counts of the fix lists' index; nothing row-level. Numbers blanked under
the plan's min_cell_size stay blank, with the note. The words are the catalogue's
(``pages.*``) in the page's language, which may differ from the plan's.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from evaluation.config.plan import Plan
from evaluation.errors import AnalysisFailed
from evaluation.reporting import escaping as md
from evaluation.reporting import school_pages as pages
from evaluation.reporting import schools as school_text
from evaluation.reporting.activities import calendar_table
from evaluation.reporting.sections import styled
from evaluation.reporting.sentences import label
from evaluation.steps import workspace
from evaluation.steps.context import Run
from evaluation.steps.display import Shown
from evaluation.wording import check_language

#: The fix lists' index (counts per school), written by the validation.
FIX_LIST_INDEX = workspace.VALIDATION / "fix-lists" / "index.csv"


@dataclass
class Page:
    """One unit's page: the run, the unit, every unit of the run with its page's file name, and
    the page's language (the plan as the page words it)."""

    run: Run
    unit: pages.Unit
    units: list[pages.Unit]
    files: dict[tuple[str, str], str]
    plan: Plan

    @property
    def language(self) -> str:
        return self.plan.language

    @property
    def school_ids(self) -> list[str]:
        """The schools the page is about: the school, or the partnership's schools."""
        if self.unit.kind == pages.SCHOOL:
            return [self.unit.id]
        return [u.id for u in self.units if u.kind == pages.SCHOOL and u.partnership == self.unit.id]

    @property
    def partnership(self) -> str:
        return self.unit.partnership if self.unit.kind == pages.SCHOOL else self.unit.id


def units(run: Run) -> list[pages.Unit]:
    """Every school and partnership of the run's results (`evaluation.reporting.school_pages.units`)."""
    return pages.units(run.table("schools"), run.table("partnerships"), run.accepted["schools"])


def unit_page(run: Run, kind: str, unit_id: str, language: str = "") -> Page:
    """The page of the school or partnership `unit_id` (`kind` ``school`` or ``partnership``) in
    `language` (the plan's when empty); AnalysisFailed when the run's results have no such unit."""
    if kind not in pages.KINDS:
        raise AnalysisFailed(f"a page is of a {' or a '.join(pages.KINDS)}, not of a {kind!r}")
    found = units(run)
    unit = pages.find(found, kind, str(unit_id))
    if unit is None:
        raise AnalysisFailed(f"the results of {run.plan.path.name} have no {kind} {unit_id!r}")
    plan = dataclasses.replace(run.plan, language=check_language(language or run.language))
    return Page(run=run, unit=unit, units=found, files=pages.page_files(found), plan=plan)


def _heading(key: str, page: Page, **values: object) -> md.Markdown:
    return md.Markdown("## {}").format(md.text(f"pages.headings.{key}", page.language, **values))


def title(page: Page) -> Shown:
    """The school's name, a link to the index, and whom it partners (or the partnership's id and
    its schools)."""
    if page.unit.kind == pages.SCHOOL:
        return Shown(pages.school_title(page.unit, page.units, page.files, page.language))
    return Shown(pages.partnership_title(page.unit, page.units, page.files, page.language))


def results(page: Page) -> Shown:
    """Per outcome, the page's school (with its partner schools) or the partnership's schools,
    and their group (all partner, or all comparison schools): n and mean before and after and the
    change of those in both waves with its 95% interval; blanks under min_cell_size with the note."""
    run, language = page.run, page.language
    school_results = run.table("schools").astype({"school_id": str})  # ids of digits alone stay text
    group_means, effects = run.table("group_means"), run.table("effects")
    ids = page.school_ids
    if page.unit.kind == pages.SCHOOL and page.unit.partnership:
        ids += [u.id for u in page.units if u.kind == pages.SCHOOL and u.partnership == page.unit.partnership]
        ids = list(dict.fromkeys(ids))
    groups = list(dict.fromkeys(u.group for u in page.units if u.kind == pages.SCHOOL and u.id in ids and u.group))
    shown_rows = school_results[school_results["school_id"].isin(ids)]
    who = "control" if page.unit.kind == pages.SCHOOL and page.unit.group == "control" else page.unit.kind
    parts: list = [_heading("results", page), md.text(f"pages.intro.results.{who}", language)]
    for outcome in page.plan.outcomes:
        rows = shown_rows[shown_rows["outcome"] == outcome.id]
        if rows.empty:
            continue
        table = pages.school_rows(rows, ids, page.units)
        table += [pages.group_row(group, outcome.id, group_means, effects, language) for group in groups]
        parts += [
            md.Markdown("### {}").format(md.capitalise(label(outcome.id, language), language)),
            styled(pages.outcome_table(table, language), language),
        ]
    parts.append(pages.blank_note(shown_rows, page.plan.min_cell_size, language))
    return Shown(*parts)


def gap(page: Page) -> Shown:
    """The partnership's gap between its schools before and after, its change with the 95%
    interval and whether it narrowed, in words and as a table beside the mean over all
    partnerships (results/partnerships.csv); nothing for a school without a partnership."""
    if not page.partnership:
        return Shown()
    table = page.run.table("partnerships")
    own = table[table["partnership_id"].astype(str) == page.partnership]
    if own.empty:
        return Shown()
    schools = page.run.accepted["schools"]
    rows = table[table["partnership_id"].astype(str).isin([page.partnership, pages.ALL_PARTNERSHIPS])]
    instruments = page.run.instruments
    return Shown(
        _heading("gap", page),
        school_text.gap_sentences(own, schools, page.plan, instruments),
        school_text.ordering_sentence(own, schools, page.language),
        styled(school_text.partnership_table(rows.reset_index(drop=True), schools, page.language), page.language),
    )


def activities(page: Page) -> Shown:
    """The partnership's activities as planned and as they took place (results/activities.csv);
    nothing when the run has no activity table or the school no partnership."""
    if not page.partnership:
        return Shown()
    log = page.run.table("activities")
    if log.empty:
        return Shown()
    own = log[log["partnership_id"].astype(str) == page.partnership]
    if own.empty:
        return Shown(_heading("activities", page), md.text("pages.activities_none", page.language))
    return Shown(_heading("activities", page), styled(calendar_table(own, page.language), page.language))


def data_checks(page: Page) -> Shown:
    """What the fix list of each of the page's schools said, in counts: rows rejected and points
    to check (the fix lists themselves stay with the data team)."""
    path = page.run.out_dir / FIX_LIST_INDEX
    index = pd.read_csv(path, sep=None, engine="python", encoding="utf-8-sig", dtype=str) if path.is_file() else None
    if index is not None:
        for count in ("quarantined_rows", "warnings"):
            index[count] = pd.to_numeric(index[count], errors="coerce").fillna(0)
    names = {u.id: u.name for u in page.units if u.kind == pages.SCHOOL}
    said = [pages.data_text(*pages.data_counts(index, sid), page.language) for sid in page.school_ids]
    if page.unit.kind == pages.PARTNERSHIP:  # one line per school
        said = [
            md.Markdown("\n").join(
                md.Markdown("- {}: {}").format(names.get(sid, sid), counts)
                for sid, counts in zip(page.school_ids, said)
            )
        ]
    return Shown(_heading(f"data.{page.unit.kind}", page), *said, md.text("pages.data_where", page.language))


#: The sections of notebooks/06-school-page.ipynb, in order.
SECTIONS = (title, results, gap, activities, data_checks)
