"""Notebook 05, the annual report: the sections of the report in the order a reader meets them,
each built from the results tables (`evaluation.reporting`) in the plan's language.

The body (findings to the data) shows the plan's primary method alone, and the school-clustered
mean change before and after; the technical end (`methods`, `sensitivity`) holds how the numbers
were made, every method side by side, the student-level pre/post tests and the imputation check.

The sections follow the run's design (`Run.design`, `evaluation.analysis.study_design`): a run
without control schools (one partnership, a consortium) is a monitoring report, whose findings are
each outcome's change before and after with what such a design cannot show, and which leaves out
the sections that need a comparison group (the partner-versus-control table, subgroups, attrition,
evidence, balance), saying why once. Schools and partnerships are shown in both designs.

The report writes no results table; every table it needs is read through `Run.table`, which
runs the section that writes it first when a notebook before this one has not.
"""

from __future__ import annotations

import pandas as pd

from evaluation.reporting import activities as activity_section
from evaluation.reporting import escaping as md
from evaluation.reporting import evidence as evidence_text
from evaluation.reporting import figures, sections, sensitivity
from evaluation.reporting import item_analysis as item_text
from evaluation.reporting import limitations as limitation_text
from evaluation.reporting import methods as methods_text
from evaluation.reporting import provenance as provenance_text
from evaluation.reporting import schools as school_text
from evaluation.reporting import summary as summary_text
from evaluation.reporting.headings import section as heading  # `section` of steps.context is the decorator
from evaluation.steps import workspace
from evaluation.steps.context import Run
from evaluation.steps.display import Shown, figure_of
from evaluation.wording import text


def _styled(run: Run, table: pd.DataFrame, index: bool = False):
    return sections.styled(table, run.language, index=index)


def title(run: Run) -> Shown:
    """The title, the plan and its hash, and a note when quarantined rows were left out."""
    _ = run.accepted  # validates first when this output folder has no current validation
    quarantined = workspace.validation_status(run.out_dir)["quarantined"]
    return Shown(sections.header(run.plan), sections.quarantine_note(quarantined, run.language))


#: The group whose change a monitoring run reports (it has no control schools).
_MONITORED = ("partner",)


def _heading(heading: md.Markdown, level: int = 2) -> md.Markdown:
    return (md.Markdown("# ") if level == 1 else md.Markdown("## ")) + heading


def summary(run: Run) -> Shown:
    """The first page: the programme in two sentences, the table of findings (per outcome the
    primary method's difference and effect size with their intervals, the improvement index,
    months of learning where the plan gives the yearly growth, the rating with its mark, schools
    and students per group) with its legend, and a verdict per domain. In a monitoring run, each
    outcome's change in the partner schools, no rating, and verdicts that claim no effect."""
    plan, effects = run.plan, run.table("effects")
    language = plan.language
    parts: list = [
        _heading(md.text("report.sections.summary.heading", language)),
        summary_text.programme_sentences(plan, run.accepted["schools"], run.monitoring),
    ]
    if run.monitoring:
        return Shown(
            *parts,
            md.text("report.summary.table_monitoring", language),
            _styled(run, summary_text.changes_table(effects, plan, run.instruments)),
            md.text("report.summary.verdicts", language),
            summary_text.monitoring_verdicts(effects, plan),
        )
    evidence_rows = run.table("evidence")
    months = any(o.yearly_growth is not None for o in plan.outcomes)
    return Shown(
        *parts,
        md.text(
            "report.summary.table", language, months=md.text("report.summary.table_months", language) if months else ""
        ),
        _styled(run, summary_text.findings_table(effects, evidence_rows, plan, run.instruments, run.primary)),
        summary_text.rating_legend(language),
        md.text("report.summary.verdicts", language),
        summary_text.domain_verdicts(effects, evidence_rows, plan, run.primary),
    )


def limitations(run: Run) -> Shown:
    """What limits the findings, drawn from the results (attrition, differences at the start,
    scales' reliability, exams not equated, outcomes not estimated, few schools, no control
    schools), and a recommendation for each, worded for officials."""
    plan = run.plan
    evidence_rows = run.table("evidence") if not run.monitoring else None
    has_design = not run.monitoring and any(o.source == "exam" and o.domain == "academic" for o in plan.outcomes)
    limits, recommendations = limitation_text.limitations(
        plan,
        run.monitoring,
        run.table("effects"),
        evidence_rows if evidence_rows is not None else pd.DataFrame(),
        run.table("scales"),
        run.table("design") if has_design else None,
        run.primary,
    )
    return Shown(
        md.Markdown("## ") + md.text("report.sections.limitations_and_recommendations", plan.language),
        limitation_text.section_text(limits, recommendations, plan.language),
    )


def appendix(run: Run) -> Shown:
    """The technical appendix's heading: everything after it is for analysts and reviewers."""
    return Shown(
        _heading(md.text("report.appendix.heading", run.language), level=1),
        md.text("report.appendix.intro", run.language),
    )


def provenance(run: Run) -> Shown:
    """Where the report comes from: the SHA-256 of the plan and of every input file, the data
    contracts' versions and the software's versions."""
    from evaluation.resources import CONTRACTS_DIR

    plan, language = run.plan, run.language
    folders = [(year.period, year.data_dir) for year in plan.earlier_years if year.data_dir.is_dir()]
    folders.append((plan.period, plan.data_dir))
    return Shown(
        _heading(md.text("report.provenance.heading", language)),
        md.text("report.provenance.intro", language),
        _styled(run, provenance_text.input_files(plan.path, folders, language)),
        _styled(run, provenance_text.contract_versions(CONTRACTS_DIR, list(run.accepted), language)),
        _styled(run, provenance_text.package_versions(language)),
    )


def findings(run: Run) -> Shown:
    """The partner-versus-control finding of every outcome in plain words; in a monitoring run,
    what a design without a comparison group can and cannot show, each outcome's change with its
    school-clustered interval, and why the comparison's sections are left out."""
    effects = run.table("effects")
    if run.monitoring:
        return Shown(
            heading("monitoring", run.language),
            sections.changes(effects, run.plan, run.instruments, groups=_MONITORED),
            md.text("report.monitoring.left_out", run.language),
        )
    return Shown(heading("findings", run.language), sections.findings(effects, run.plan, run.instruments, run.primary))


def partner_vs_control(run: Run) -> Shown:
    """The primary method's adjusted differences (the method named in words), and its effect sizes
    drawn (nothing in a monitoring run: no control schools)."""
    if run.monitoring:
        return Shown()
    effects = run.table("effects")
    headline = sections.headline_rows(effects, run.primary)
    figure = figures.forest_plot(headline, run.language)
    method = md.text(f"report.methods.headline.{run.primary}", run.language)
    return Shown(
        heading("partner_vs_control", run.language, method=method),
        _styled(run, sections.partner_vs_control_table(effects, run.language, run.primary)),
        figure_of(figure, figures.forest_alt(headline, run.language)),
    )


def robustness(run: Run) -> Shown:
    """How the comparison schools were matched, when the plan matched them (the imputation check
    is in the technical end: `sensitivity`)."""
    parts = []
    if run.plan.comparison == "matched" and not run.monitoring:
        balance = run.table("matching_balance")
        matching = sensitivity.matching_table(balance, run.language)
        if len(matching):
            parts += [
                heading("matching", run.language),
                _styled(run, matching),
                sensitivity.love_chart(balance, run.language),
            ]
    return Shown(*parts)


def before_and_after(run: Run) -> Shown:
    """What the two waves are (a group's change is not an effect; exams not equated are different
    tests), the change of each group with its school-clustered interval in plain words and in a
    table, and the group means drawn."""
    effects = run.table("effects")
    means, scales = run.table("group_means"), figures.outcome_scales(run.plan, run.instruments)
    figure = figure_of(
        figures.prepost_plot(means, run.language, scales), figures.prepost_alt(means, run.language, scales)
    )
    if run.monitoring:  # the changes in words are the findings: here the table and the chart
        return Shown(
            heading("prepost_monitoring", run.language),
            sections.prepost_caveats(run.plan),
            _styled(run, sections.prepost_table(effects, run.language, groups=_MONITORED)),
            figure,
        )
    table = sections.prepost_table(effects, run.language)
    return Shown(
        heading("prepost", run.language),
        sections.prepost_caveats(run.plan),
        sections.changes(effects, run.plan, run.instruments),
        _styled(run, table) if len(table) else None,
        figure,
    )


def schools(run: Run) -> Shown:
    """Schools and partnerships (both designs): each school by name with n and mean before and
    after and its change with the interval (results/schools.csv), blank cells under the plan's
    minimum with a note; each partnership's gap before and after between its better- and its
    less-resourced school, its change with the interval and whether it narrowed, and the average
    change over the partnerships (results/partnerships.csv). With control schools, what the
    moderation test of resource level shows.

    Above `school_text.LISTED_SCHOOLS` schools, per outcome and group a summary of the schools'
    changes instead of a row per school; above `school_text.LISTED_PARTNERSHIPS` partnerships, the
    average change and a count of the partnerships by verdict instead of a row per partnership
    (every row stays in the results workbook and on the school pages)."""
    school_table, partnership_table = run.table("schools"), run.table("partnerships")
    names = run.accepted["schools"]
    index = "schools/index.html" if run.plan.school_pages else None
    summarised = school_text.summarises_schools(school_table)
    parts: list = [heading("schools_summarised" if summarised else "schools", run.language)]
    if summarised:
        parts.append(school_text.school_summary_intro(school_table, run.language, index))
        tables = school_text.school_summary_tables(school_table, names, run.plan, run.language, run.instruments)
        note = school_text.summary_suppressed_note(school_table, run.plan.min_cell_size, run.language)
    else:
        tables = school_text.school_tables(school_table, names, run.plan, run.language, run.instruments)
        note = school_text.suppressed_note(school_table, run.plan.min_cell_size, run.language)
    for title, table in tables:
        parts += [title, _styled(run, table) if isinstance(table, pd.DataFrame) else table]
    parts.append(note)
    if index and not summarised:
        parts.append(md.text("report.schools.pages", run.language, index=index))
    if len(partnership_table):
        parts += [
            school_text.gap_sentences(partnership_table, names, run.plan, run.instruments),
            school_text.ordering_sentence(partnership_table, names, run.language),
        ]
        if school_text.summarises_partnerships(partnership_table):
            parts += [
                school_text.partnership_counts_intro(partnership_table, run.language),
                _styled(run, school_text.partnership_counts(partnership_table, run.language)),
            ]
        else:
            parts.append(_styled(run, school_text.partnership_table(partnership_table, names, run.language)))
    if not run.monitoring:
        effects = run.table("effects")
        resource = effects[(effects["analysis"] != "moderation") | (effects["subgroup"] == "resource_level")]
        if (resource["analysis"] == "moderation").any():
            parts += [
                md.text("report.schools.resource", run.language),
                sections.moderation_sentences(resource, run.plan, run.instruments),
            ]
    return Shown(*parts)


def subgroups(run: Run) -> Shown:
    """The primary method within each subgroup (descriptive), and whether the effect differed
    between a variable's levels (the moderation tests, exploratory); nothing in a monitoring run."""
    if run.monitoring:
        return Shown()
    effects = run.table("effects")
    return Shown(
        heading("subgroups", run.language),
        _styled(run, sections.subgroup_table(effects, run.language, run.primary)),
        sections.moderation_sentences(effects, run.plan, run.instruments),
    )


def attrition(run: Run) -> Shown:
    """Who took part in both waves, per group (nothing in a monitoring run: attrition is judged
    against the comparison group's)."""
    if run.monitoring:
        return Shown()
    return Shown(
        heading("attrition", run.language), _styled(run, sections.attrition_table(run.table("attrition"), run.language))
    )


def evidence(run: Run) -> Shown:
    """How strong the evidence is, per finding in plain words and in a compact table (nothing in
    a monitoring run: there is no finding to rate)."""
    if run.monitoring:
        return Shown()
    plan, effects, evidence_rows = run.plan, run.table("effects"), run.table("evidence")
    boundary = text(f"evidence.boundary.{plan.attrition_boundary}", plan.language)
    wording = sections.outcome_wording(plan, run.instruments)
    return Shown(
        heading("evidence", plan.language, boundary=boundary),
        evidence_text.evidence_summaries(evidence_rows, effects, run.table("attrition"), plan, run.primary, wording),
        _styled(run, evidence_text.evidence_overview(evidence_rows, effects, plan.language, run.primary)),
    )


def balance(run: Run) -> Shown:
    """Were partner and control schools alike at the start? (Nothing in a monitoring run.)"""
    if run.monitoring:
        return Shown()
    return Shown(
        heading("balance", run.language),
        _styled(run, evidence_text.balance_overview(run.table("balance"), run.language)),
        evidence_text.joint_sentence(run.table("balance_test"), run.plan.alpha, run.language),
    )


def reliability(run: Run) -> Shown:
    """Cronbach's alpha of the survey scales the plan analyses (results/scales.csv also holds the
    other scales of the survey files sent); left out when the plan has none."""
    analysed = {(o.instrument, o.scale) for o in run.plan.outcomes if o.source == "survey"}
    scales = run.table("scales")
    scales = scales[[(i, s) in analysed for i, s in zip(scales["instrument"], scales["scale"])]]
    if scales.empty:
        return Shown()
    return Shown(
        heading("reliability", run.language), _styled(run, sections.scales_table(scales, run.language, run.instruments))
    )


def tests_and_items(run: Run) -> Shown:
    """The tests scored item by item (results/test_reliability.csv, test_items.csv): per test and
    wave KR-20, mean difficulty and total, and the items that discriminate weakly or negatively
    named; nothing when the data has no item responses."""
    tests = run.table("test_reliability")
    if tests.empty:
        return Shown()
    threshold = md.number(item_text.LOW_DISCRIMINATION, 2, run.language)
    return Shown(
        heading("test_items", run.language, threshold=threshold),
        _styled(run, item_text.overview_of_tests(tests, run.language)),
        item_text.weak_item_sentences(tests, run.table("test_items"), run.language),
    )


def activities(run: Run) -> Shown:
    """Each partnership's calendar against what took place (results/activities.csv,
    activity_summary.csv, activity_months.csv): the counts in words, the calendars (or, for many
    partnerships, the summary and the activities not done), what was cancelled or postponed and
    why, and the timeline chart; above `school_text.LISTED_PARTNERSHIPS` partnerships, totals and
    counts only (`activity_section.summarised_parts`). Left out (reading no table) when no activity table was sent."""
    if "activities" not in run.accepted:
        return Shown()
    log = run.table("activities")
    if log.empty:
        return Shown(heading("no_activities", run.language))
    parts = activity_section.section_parts(
        log, run.table("activity_summary"), run.table("activity_months"), run.language
    )
    return Shown(heading("activities", run.language), *parts)


def next_year(run: Run) -> Shown:
    """Next year's design: the MDES by number of schools of the academic exam outcomes; nothing
    for a programme without one (a consortium of surveys alone has no design table to show). A
    monitoring run says what a comparison group would need instead."""
    if run.monitoring:
        return Shown(heading("design_monitoring", run.language))
    if not any(o.source == "exam" and o.domain == "academic" for o in run.plan.outcomes):
        return Shown()
    design = run.table("design")
    left_out = evidence_text.design_left_out(design, run.table("effects"), run.plan, run.primary)
    return Shown(
        heading("design", run.language),
        evidence_text.design_sentences(design, run.language),
        _styled(run, evidence_text.design_overview(design, run.language)) if len(design) else None,
        left_out or None,
    )


def data(run: Run) -> Shown:
    """Who is in the analysis, what the contracts accepted from each file, and the data-quality
    checks (counts only)."""
    warnings = workspace.validation_file(run.out_dir, "warnings.csv", keep_default_na=False, dtype=str)
    quality_note, quality_counts = sections.quality_overview(warnings, run.language, run.instruments)
    return Shown(
        heading("data", run.language),
        sections.data_overview(run.accepted, run.language, run.instruments),
        _styled(
            run,
            sections.validation_overview(
                workspace.validation_file(run.out_dir, "validation-summary.csv", keep_default_na=False),
                run.language,
                run.instruments,
            ),
        ),
        quality_note,
        _styled(run, quality_counts) if len(quality_counts) else None,
    )


def methods(run: Run) -> Shown:
    """How the numbers were made: the primary method, the covariates, the multiplicity families;
    in a monitoring run, the changes' intervals (no partner-versus-control model)."""
    if run.monitoring:
        return Shown(heading("methods_monitoring", run.language, min_cell=run.plan.min_cell_size))
    effects = run.table("effects")
    return Shown(
        methods_text.methods_note(run.plan, run.primary),
        methods_text.covariates_note(run.plan, run.covariates, effects, run.primary),
        methods_text.families_note(run.plan),
        md.text("report.summary_methods", run.language, months=md.count(summary_text.MONTHS_PER_YEAR, run.language)),
    )


def sensitivity_checks(run: Run) -> Shown:
    """The technical end: every partner-versus-control method side by side (what each analyses),
    the pre/post tests that treat students as independent, and the imputed estimate beside the
    complete-case one where outcomes are missing."""
    effects = run.table("effects")
    if run.monitoring:  # no partner-versus-control method to compare: the student-level tests
        technical = sections.prepost_technical_table(effects, run.language, groups=_MONITORED)
        return Shown(heading("prepost_technical", run.language), _styled(run, technical)) if len(technical) else Shown()
    method = md.text(f"report.methods.headline.{run.primary}", run.language)
    parts = [
        heading("sensitivity", run.language, method=method),
        _styled(run, sections.methods_table(effects, run.primary, run.language)),
    ]
    technical = sections.prepost_technical_table(effects, run.language)
    if len(technical):
        parts += [heading("prepost_technical", run.language), _styled(run, technical)]
    imputation = sensitivity.missing_data_table(effects, run.table("missing"), run.primary, run.language)
    if len(imputation):
        parts += [heading("missing_data", run.language), _styled(run, imputation)]
    return Shown(*parts)


def indicators_over_years(run: Run) -> Shown:
    """The schools' indicators per reporting school, year by year: small multiples (one panel per
    indicator, a line per group), the chart in words, and a compact table; nothing when the data
    has no indicators (and no table read when no year's data could have them: no indicators table
    this year and no earlier year named)."""
    from evaluation.reporting import years as years_text

    if "indicators" not in run.accepted and not run.plan.earlier_years:
        return Shown()
    table = run.table("indicators")
    if table.empty:
        return Shown()
    return Shown(
        heading("indicators", run.language),
        figure_of(years_text.indicators_plot(table, run.language), years_text.indicators_alt(table, run.language)),
        years_text.indicators_alt_text(table, run.language),
        _styled(run, years_text.indicators_table(table, run.language)),
    )


def findings_by_year(run: Run) -> Shown:
    """Each school year's headline per outcome, oldest first, when the plan names earlier years:
    partner versus control with control schools, else the change before and after."""
    from evaluation.reporting import years as years_text

    if not run.plan.earlier_years:
        return Shown()
    design = "prepost" if run.monitoring else "partner_vs_control"
    what = md.text(f"report.years.{design}", run.language)
    return Shown(
        heading("years", run.language, what=what),
        _styled(run, years_text.years_table(run.table("years"), run.language)),
    )
