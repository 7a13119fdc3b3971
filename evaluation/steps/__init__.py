"""What the notebooks compute, write and show, one function per notebook section.

A notebook starts with `setup` and then calls its step's sections in order::

    from evaluation import steps
    run = steps.setup(plan_path, out_dir)
    steps.prepost.mean_change(run)      # writes its rows of results/effects.csv, shows the table

`NOTEBOOKS` lists the notebooks in the order they run and, for each, its sections: the pipeline
executes the notebooks through papermill, and `run_sections` runs the same sections without a
notebook (tests do). A results table a section needs and no earlier section wrote is computed by
`Run.table` (`evaluation.steps.context`).

Every name here is imported when first used (PEP 562): ``from evaluation import steps`` loads
nothing, ``steps.school_page`` loads what a page needs and no model's libraries, and
`NOTEBOOKS` loads every step.
"""

from __future__ import annotations

from importlib import import_module

#: The notebooks of notebooks/ in the order they run (the keys of `NOTEBOOKS`, known without
#: importing any step).
NOTEBOOK_NAMES = (
    "01-validation.ipynb",
    "02-prepost.ipynb",
    "03-partner-vs-control.ipynb",
    "04-evidence.ipynb",
    "05-annual-report.ipynb",
)
#: The notebook run once per school and per partnership after the others (`school_page`), with
#: its sections (`PAGE_SECTIONS`); the pipeline renders each run to a page of shared/schools/.
PAGE_NOTEBOOK = "06-school-page.ipynb"

#: The step modules, each imported when first named (``steps.prepost``).
_MODULES = ("activities", "context", "display", "evidence", "partner_vs_control", "prepost", "report",
            "school_page", "validation", "workbook", "workspace", "years")  # fmt: skip
#: Other public names -> the module that defines them.
_NAMES = {"WRITERS": "context", "Run": "context", "section": "context", "setup": "context", "Shown": "display"}


def _notebooks() -> dict[str, tuple]:
    """The notebooks of notebooks/ in the order they run, each with the sections it calls in order."""
    activities, evidence, partner_vs_control, prepost, report, validation, years = (
        import_module(f"{__name__}.{name}")
        for name in ("activities", "evidence", "partner_vs_control", "prepost", "report", "validation", "years")
    )
    notebooks = {
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
    assert tuple(notebooks) == NOTEBOOK_NAMES
    return notebooks


def __getattr__(name: str):
    if name in _MODULES:
        value = import_module(f"{__name__}.{name}")
    elif name in _NAMES:
        value = getattr(import_module(f"{__name__}.{_NAMES[name]}"), name)
    elif name == "NOTEBOOKS":
        value = _notebooks()
    elif name == "PAGE_SECTIONS":
        value = import_module(f"{__name__}.school_page").SECTIONS
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def run_sections(run, notebook: str) -> list:
    """Every section of `notebook`, in order, without the notebook; returns what each shows."""
    return [function(run) for function in __getattr__("NOTEBOOKS")[notebook]]


__all__ = [
    "NOTEBOOKS", "NOTEBOOK_NAMES", "PAGE_NOTEBOOK", "PAGE_SECTIONS", "WRITERS", "Run", "Shown", "activities",
    "evidence", "partner_vs_control", "prepost", "report", "run_sections", "school_page", "section", "setup",
    "validation", "workbook", "workspace", "years",
]  # fmt: skip
