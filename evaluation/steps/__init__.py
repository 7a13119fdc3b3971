"""What the notebooks compute, write and show, one function per notebook section.

A notebook starts with `setup` and then calls its step's sections in order::

    from evaluation import steps
    run = steps.setup(plan_path, out_dir)
    steps.prepost.mean_change(run)      # writes its rows of results/effects.csv, shows the table

`NOTEBOOKS` lists the notebooks in the order they run and, for each, its sections: the pipeline
executes the notebooks through papermill, and `run_sections` runs the same sections without a
notebook (tests do). A results table a section needs and no earlier section wrote is computed by
`Run.table` (`evaluation.steps.context`).
"""

from __future__ import annotations

from evaluation.steps import activities, evidence, partner_vs_control, prepost, report, school_page, validation, years
from evaluation.steps.context import WRITERS, Run, section, setup
from evaluation.steps.display import Shown

#: The notebooks of notebooks/ in the order they run, each with the sections it calls in order.
NOTEBOOKS = {
    "01-validation.ipynb": (validation.validate, validation.what_to_fix, validation.rules_broken,
                            validation.linkage, validation.warnings, validation.fix_lists),
    "02-prepost.ipynb": (prepost.linkage, prepost.mean_change, prepost.means, prepost.attrition,
                         prepost.reliability, prepost.schools_and_partnerships, activities.calendar,
                         years.indicators, prepost.tests_and_items),
    "03-partner-vs-control.ipynb": (partner_vs_control.estimates, partner_vs_control.headline,
                                    partner_vs_control.comparison_schools, partner_vs_control.missing_data,
                                    partner_vs_control.subgroups, partner_vs_control.design),
    "04-evidence.ipynb": (evidence.method, evidence.evidence, evidence.attrition_levels, evidence.balance,
                         years.findings_by_year),
    "05-annual-report.ipynb": (report.title, report.summary, report.findings, report.partner_vs_control,
                               report.robustness, report.before_and_after, report.subgroups, report.activities,
                               report.schools, report.indicators_over_years, report.findings_by_year,
                               report.limitations, report.appendix, report.methods, report.sensitivity_checks,
                               report.attrition, report.evidence, report.balance, report.reliability,
                               report.tests_and_items, report.next_year, report.data, report.provenance),
}  # fmt: skip


#: The notebook run once per school and per partnership after the others (`school_page`), with
#: its sections; the pipeline renders each run to a page of shared/schools/.
PAGE_NOTEBOOK = "06-school-page.ipynb"
PAGE_SECTIONS = school_page.SECTIONS


def run_sections(run: Run, notebook: str) -> list[Shown]:
    """Every section of `notebook`, in order, without the notebook; returns what each shows."""
    return [function(run) for function in NOTEBOOKS[notebook]]


__all__ = [
    "NOTEBOOKS", "PAGE_NOTEBOOK", "PAGE_SECTIONS", "WRITERS", "Run", "Shown", "activities", "evidence",
    "partner_vs_control", "prepost", "report", "run_sections", "school_page", "section", "setup", "validation", "years",
]  # fmt: skip
