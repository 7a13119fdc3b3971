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
class PageData:
    """What every page of a run reads, gathered once per `Run` (`page_data`): every unit with its
    page's file name, each unit by kind and id, each partnership's schools, and the results tables'
    rows per school and per partnership. A page then looks up its own rows, so that its cost does
    not grow with the number of schools (a run's thousands of pages rendered by one worker share
    one `Run`: `evaluation.pipeline.render_page_batch`)."""

    units: list[pages.Unit]
    files: dict[tuple[str, str], str]
    by_key: dict[tuple[str, str], pages.Unit]
    #: partnership id -> its schools, in the order of `units`
    members: dict[str, list[pages.Unit]]
    #: results/schools.csv (school ids as text): the empty table, and each school's rows
    school_results: pd.DataFrame
    results_by_school: dict[str, pd.DataFrame]
    group_means: pd.DataFrame
    effects: pd.DataFrame
    #: results/partnerships.csv: each partnership's rows (the ``all`` rows under ALL_PARTNERSHIPS)
    partnerships: dict[str, pd.DataFrame]
    #: the schools table's rows of each partnership (its names and what ordered its schools)
    schools_of: dict[str, pd.DataFrame]
    schools: pd.DataFrame
    #: results/activities.csv (None when empty), each partnership's rows
    activities: dict[str, pd.DataFrame] | None
    #: the fix lists' index, each school's rows (None without an index)
    fix_lists: dict[str, pd.DataFrame] | None
    _group_rows: dict = dataclasses.field(default_factory=dict, repr=False)

    def group_row(self, group: str, outcome: str, language: str) -> dict:
        """`pages.group_row` of the group, outcome and language: the same on every page, made once."""
        key = (group, outcome, language)
        if key not in self._group_rows:
            self._group_rows[key] = pages.group_row(group, outcome, self.group_means, self.effects, language)
        return dict(self._group_rows[key])

    def neighbours(self, unit: pages.Unit) -> list[pages.Unit]:
        """The units a page of `unit` names: the unit, its partnership and that partnership's
        schools, in the order of `units` (what `pages.school_title` and the others look through)."""
        partnership = unit.partnership if unit.kind == pages.SCHOOL else unit.id
        found = [unit, *self.members.get(partnership, ())]
        if (pages.PARTNERSHIP, partnership) in self.by_key:
            found.append(self.by_key[(pages.PARTNERSHIP, partnership)])
        order = {id(u): n for n, u in enumerate(self.units)}
        return sorted(dict.fromkeys(found), key=lambda u: order.get(id(u), -1))


def _by(table: pd.DataFrame, column: str) -> dict[str, pd.DataFrame]:
    """`table`'s rows per value of `column` (as text), each keeping its rows' order and labels."""
    if table.empty or column not in table.columns:
        return {}
    return {str(key): rows for key, rows in table.groupby(table[column].astype(str), sort=False)}


def page_data(run: Run) -> PageData:
    """The run's `PageData`, made on first use and kept on the run."""

    def make() -> PageData:
        school_results = run.table("schools").astype({"school_id": str})  # ids of digits alone stay text
        partnerships = run.table("partnerships")
        schools = run.accepted["schools"]
        found = pages.units(school_results, partnerships, schools)
        members: dict[str, list[pages.Unit]] = {}
        for unit in found:
            if unit.kind == pages.SCHOOL and unit.partnership:
                members.setdefault(unit.partnership, []).append(unit)
        if "partnership_id" in schools.columns:
            schools_of = _by(schools.assign(_pid=schools["partnership_id"].map(pages.clean)), "_pid")
            schools_of = {key: rows.drop(columns="_pid") for key, rows in schools_of.items()}
        else:
            schools_of = {}
        log = run.table("activities")
        path = run.out_dir / FIX_LIST_INDEX
        index = None
        if path.is_file():
            index = pd.read_csv(path, sep=None, engine="python", encoding="utf-8-sig", dtype=str)
        if index is not None:
            for count in ("quarantined_rows", "warnings"):
                index[count] = pd.to_numeric(index[count], errors="coerce").fillna(0)
        return PageData(
            units=found,
            files=pages.page_files(found),
            by_key={key: u for u in reversed(found) for key in [(u.kind, u.id)]},  # the first of a kind and id
            members=members,
            school_results=school_results.iloc[:0],
            results_by_school=_by(school_results, "school_id"),
            group_means=run.table("group_means"),
            effects=run.table("effects"),
            partnerships=_by(partnerships, "partnership_id"),
            schools_of=schools_of,
            schools=schools,
            activities=None if log.empty else _by(log, "partnership_id"),
            fix_lists=None if index is None else _by(index, "school_id"),
        )

    return run._cached("school_pages", make)


@dataclass
class Page:
    """One unit's page: the run, the unit, what every page of the run reads (`PageData`: the units,
    their pages' file names, the results per school and partnership), and the page's language
    (the plan as the page words it)."""

    run: Run
    unit: pages.Unit
    data: PageData
    plan: Plan

    @property
    def language(self) -> str:
        return self.plan.language

    @property
    def units(self) -> list[pages.Unit]:
        """The units this page names (its own, its partnership and that partnership's schools)."""
        return self.data.neighbours(self.unit)

    @property
    def files(self) -> dict[tuple[str, str], str]:
        return self.data.files

    @property
    def school_ids(self) -> list[str]:
        """The schools the page is about: the school, or the partnership's schools."""
        if self.unit.kind == pages.SCHOOL:
            return [self.unit.id]
        return [u.id for u in self.data.members.get(self.unit.id, ())]

    @property
    def partnership(self) -> str:
        return self.unit.partnership if self.unit.kind == pages.SCHOOL else self.unit.id


def units(run: Run) -> list[pages.Unit]:
    """Every school and partnership of the run's results (`evaluation.reporting.school_pages.units`)."""
    return page_data(run).units


def unit_page(run: Run, kind: str, unit_id: str, language: str = "") -> Page:
    """The page of the school or partnership `unit_id` (`kind` ``school`` or ``partnership``) in
    `language` (the plan's when empty); AnalysisFailed when the run's results have no such unit."""
    if kind not in pages.KINDS:
        raise AnalysisFailed(f"a page is of a {' or a '.join(pages.KINDS)}, not of a {kind!r}")
    data = page_data(run)
    unit = data.by_key.get((kind, str(unit_id)))
    if unit is None:
        raise AnalysisFailed(f"the results of {run.plan.path.name} have no {kind} {unit_id!r}")
    plan = dataclasses.replace(run.plan, language=check_language(language or run.language))
    return Page(run=run, unit=unit, data=data, plan=plan)


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
    data, language = page.data, page.language
    ids = page.school_ids
    if page.unit.kind == pages.SCHOOL and page.unit.partnership:
        ids += [u.id for u in data.members.get(page.unit.partnership, ())]
        ids = list(dict.fromkeys(ids))
    named = [u for u in page.units if u.kind == pages.SCHOOL and u.id in ids]  # in the order of every unit
    groups = list(dict.fromkeys(u.group for u in named if u.group))
    own = [data.results_by_school[sid] for sid in ids if sid in data.results_by_school]
    shown_rows = pd.concat(own).sort_index() if own else data.school_results  # in the table's order
    who = "control" if page.unit.kind == pages.SCHOOL and page.unit.group == "control" else page.unit.kind
    parts: list = [_heading("results", page), md.text(f"pages.intro.results.{who}", language)]
    for outcome in page.plan.outcomes:
        rows = shown_rows[shown_rows["outcome"] == outcome.id]
        if rows.empty:
            continue
        table = pages.school_rows(rows, ids, named)
        table += [data.group_row(group, outcome.id, language) for group in groups]
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
    data = page.data
    own = data.partnerships.get(page.partnership)
    if own is None:
        return Shown()
    shown = [own, data.partnerships[pages.ALL_PARTNERSHIPS]] if pages.ALL_PARTNERSHIPS in data.partnerships else [own]
    rows = pd.concat(shown).sort_index() if page.partnership != pages.ALL_PARTNERSHIPS else own
    # the schools table's rows of this partnership: all that its sentences and table look up
    schools = data.schools_of.get(page.partnership, data.schools.iloc[:0])
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
    if not page.partnership or page.data.activities is None:
        return Shown()
    own = page.data.activities.get(page.partnership)
    if own is None:
        return Shown(_heading("activities", page), md.text("pages.activities_none", page.language))
    return Shown(_heading("activities", page), styled(calendar_table(own, page.language), page.language))


def data_checks(page: Page) -> Shown:
    """What the fix list of each of the page's schools said, in counts: rows rejected and points
    to check (the fix lists themselves stay with the data team)."""
    data = page.data
    fix_lists = data.fix_lists

    def counts(sid: str) -> tuple[int, int]:
        if fix_lists is None:
            return 0, 0
        return pages.data_counts(fix_lists.get(sid), sid)

    said = [pages.data_text(*counts(sid), page.language) for sid in page.school_ids]
    if page.unit.kind == pages.PARTNERSHIP:  # one line per school
        names = {sid: data.by_key[(pages.SCHOOL, sid)].name for sid in page.school_ids}
        said = [
            md.Markdown("\n").join(
                md.Markdown("- {}: {}").format(names.get(sid, sid), counts)
                for sid, counts in zip(page.school_ids, said)
            )
        ]
    return Shown(_heading(f"data.{page.unit.kind}", page), *said, md.text("pages.data_where", page.language))


#: The sections of notebooks/06-school-page.ipynb, in order.
SECTIONS = (title, results, gap, activities, data_checks)
