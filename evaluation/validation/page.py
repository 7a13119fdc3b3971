"""The validation page for officials: one self-contained HTML page of counts, in English or Turkish.

Per file: rows read, accepted, rejected, and why a file could not be checked; per rule: how many
rows broke it and what it asks; per check: how many points to check; per school with something
to fix or check: its rejected rows and points to check, with a link to its fix list (a school
with nothing to fix has no list, and the page says how many such schools there are). Counts
only: no value of any row and no student or respondent id is written, so the page can be shared
(the fix lists hold the rows).
"""

from __future__ import annotations

import datetime as dt
import os
from functools import partial
from pathlib import Path

import pandas as pd

from evaluation.config.instruments import instrument_title
from evaluation.validation.fix_instructions import STRUCTURAL_RULES, RuleTexts
from evaluation.validation.fix_lists import (
    FIX_LISTS_DIR,
    fix_list_items,
    school_directory,
    school_index,
    write_fix_lists,
)
from evaluation.validation.html_page import heading, link, paragraph, table, write_page
from evaluation.validation.quality.linkage import linkage_summary
from evaluation.validation.report import ValidationReport
from evaluation.validation.safe_csv import write_csv
from evaluation.validation.wording import check_language
from evaluation.wording import count, date, has, percent, plural, table_name, text


def write_validation_page(
    report: ValidationReport,
    out_path: Path,
    language: str = "en",
    warnings: pd.DataFrame | None = None,
    today: dt.date | None = None,
    fix_lists: str = FIX_LISTS_DIR,
    linkage: pd.DataFrame | None = None,
    index: pd.DataFrame | None = None,
    n_schools: int | None = None,
) -> Path:
    """Write the validation page of ``report`` to ``out_path``.

    Parameters
    ----------
    report
        What `evaluation.validation.validate.validate_data_dir` found.
    out_path
        The HTML file to write.
    language
        ``en`` or ``tr``.
    warnings
        Points to check that were not rejected (columns of `evaluation.validation.fix_lists.WARNING_COLUMNS`);
        counted per check and per school.
    today
        The date printed on the page (default: today).
    fix_lists
        Where the fix lists are, relative to the page (`evaluation.validation.fix_lists.write_fix_lists`
        writes them into ``fix-lists/`` beside it).
    linkage
        `evaluation.validation.quality.linkage_summary` of ``report``, when the caller has it already.
    index
        `evaluation.validation.fix_lists.school_index` of the report's fix lists, when the caller
        has it already.
    n_schools
        How many schools the schools file holds (`evaluation.validation.fix_lists.school_directory`),
        when the caller knows: the page says how many of them have nothing to fix (and no list).

    Returns
    -------
    Path
        ``out_path``.
    """
    language = check_language(language)
    texts = RuleTexts(report, language)
    t = partial(text, language=language)
    parts = [
        paragraph(t("validation.page.intro", date=date(today or dt.date.today(), language))),
        paragraph(t("validation.page.all_passed" if report.ok else "validation.page.not_passed"), "counts"),
    ]

    parts.append(heading(t("validation.page.tables_heading")))
    rows = [
        (
            report.display(result.file),
            result.n_rows,
            result.n_accepted,
            result.n_quarantined,
            _broken_reason(report, key, language) if result.broken else "",
        )
        for key, result in report.tables.items()
    ]
    parts.append(
        table(
            [
                t("columns.file"),
                t("columns.rows"),
                t("columns.accepted"),
                t("validation.page.columns.quarantined"),
                t("validation.page.columns.broken"),
            ],
            rows,
            numeric=(1, 2, 3),
        )
    )
    for result in report.tables.values():
        if result.header_row > 1:
            note = t("validation.page.header_row", file=report.display(result.file), header_row=result.header_row)
            parts.append(paragraph(note))

    parts.append(heading(t("validation.page.rules_heading")))
    broken_rules = _rule_counts(report.failures, "rule")
    if len(broken_rules):
        parts.append(paragraph(t("validation.page.rules_intro")))
        parts.append(
            table(
                [t("columns.file"), t("columns.rule"), t("validation.page.columns.description"), t("columns.rows")],
                [
                    (texts.file_of(key), rule, texts.statement(key, rule), n)
                    for key, rule, n in broken_rules.itertuples(index=False)
                ],
                numeric=(3,),
            )
        )
    else:
        parts.append(paragraph(t("validation.page.no_rules")))

    if warnings is not None and len(warnings):
        checks = _rule_counts(warnings, "check")
        parts += [
            heading(t("validation.page.checks_heading")),
            table(
                [t("columns.file"), t("columns.check"), t("columns.rows")],
                [
                    (texts.file_of(key), _check_name(check, language), n)
                    for key, check, n in checks.itertuples(index=False)
                ],
                numeric=(2,),
            ),
        ]

    linkage = linkage_summary(report) if linkage is None else linkage
    if len(linkage):
        parts += [
            heading(t("validation.page.linkage_heading")),
            paragraph(t("validation.page.linkage_intro")),
            table(
                [
                    t("columns.table"),
                    t("validation.page.columns.id_column"),
                    t("validation.page.columns.n_pre"),
                    t("validation.page.columns.n_post"),
                    t("validation.page.columns.n_linked"),
                    t("validation.page.columns.linkage_rate"),
                ],
                [
                    (
                        _table_name(row.table, language, report.data_dir),
                        row.id_column,
                        row.n_pre,
                        row.n_post,
                        row.n_linked,
                        percent(row.linkage_rate, language),
                    )
                    for row in linkage.itertuples(index=False)
                ],
                numeric=(2, 3, 4, 5),
            ),
        ]

    parts.append(heading(t("validation.page.schools_heading")))
    if index is None or n_schools is None:
        directory = school_directory(report)
        n_schools = len(directory.names)
        if index is None:
            index = school_index(fix_list_items(report, language, warnings, directory), directory, language)
    if len(index):
        parts.append(paragraph(t("validation.page.schools_intro")))
        n_clean = n_schools - int(index["school_id"].ne("").sum())
        if n_clean:
            parts.append(
                paragraph(
                    plural("validation.page.schools_without_list", n_clean, language, total=count(n_schools, language))
                )
            )
        schools = [
            (
                record.school_id or t("validation.page.unassigned_id"),
                record.school_name,
                record.quarantined_rows,
                record.warnings,
                link(t("validation.page.open"), f"{fix_lists}/{record.file.removesuffix('.csv')}.html"),
            )
            for record in index.itertuples(index=False)
        ]
        parts.append(
            table(
                [
                    t("validation.page.columns.school_id"),
                    t("validation.page.columns.school_name"),
                    t("validation.page.columns.quarantined_rows"),
                    t("columns.warnings"),
                    t("validation.page.columns.fix_list"),
                ],
                schools,
                numeric=(2, 3),
                html_cells=(4,),
            )
        )
    else:
        parts.append(paragraph(t("validation.page.no_schools")))
    return write_page(Path(out_path), t("validation.page.title", name=report.data_dir.name), parts, language)


#: Where a validation's outputs go under its output folder: what may be shared (counts only) and
#: what may not (rows of the schools' files, ids, values).
SHARED, RESTRICTED = "shared", "restricted"
SHARED_README = (
    "Aggregates only: counts per file, rule, check and school, no row of any school's file and no id of a\n"
    "student or respondent. These files may be shared with officials and the schools' partners.\n"
)
RESTRICTED_README = (
    "Row-level data of children: each failing row with its values and ids (quarantine.csv), the data-quality\n"
    "warnings (warnings.csv), each school's fix list (fix-lists/), the cached data and the executed notebooks.\n"
    "Keep them with the data team; send each school only its own fix list. Never share this folder.\n"
)


def write_readmes(out_dir: Path) -> None:
    """A README.txt in ``OUT/shared/`` and ``OUT/restricted/`` saying what each may be used for."""
    for name, note in ((SHARED, SHARED_README), (RESTRICTED, RESTRICTED_README)):
        folder = Path(out_dir) / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "README.txt").write_text(note, encoding="utf-8")


def write_validation_outputs(
    report: ValidationReport,
    out_dir: Path,
    language: str = "en",
    warnings: pd.DataFrame | None = None,
    linkage: pd.DataFrame | None = None,
    shared_dir: Path | None = None,
) -> Path:
    """Write everything validation gives: into ``out_dir``, what holds rows of the schools' files
    (``quarantine.csv``, ``warnings.csv`` when ``warnings`` of
    `evaluation.validation.quality.check_quality` are given, and ``fix-lists/``,
    `evaluation.validation.fix_lists.write_fix_lists`); into ``shared_dir`` (``out_dir`` when
    None), what holds counts only (``validation-summary.csv``, ``linkage.csv`` of
    `evaluation.validation.quality.linkage_summary`, and ``validation.html``, this page, linking
    to the fix lists where they are). Returns ``out_dir``. ``linkage`` is the report's linkage
    summary when the caller has it already."""
    out_dir = Path(out_dir)
    shared_dir = out_dir if shared_dir is None else Path(shared_dir)
    for folder in (out_dir, shared_dir):
        folder.mkdir(parents=True, exist_ok=True)
    write_csv(report.failures, out_dir / "quarantine.csv")
    write_csv(report.summary_frame(), shared_dir / "validation-summary.csv")
    linkage = linkage_summary(report) if linkage is None else linkage
    write_csv(linkage, shared_dir / "linkage.csv")
    if warnings is not None:
        write_csv(warnings, out_dir / "warnings.csv")
    directory = school_directory(report)
    items = fix_list_items(report, language, warnings, directory)  # once, for the lists and the page
    index = school_index(items, directory, language)
    write_fix_lists(report, out_dir, language, warnings, items=items, directory=directory, index=index)
    fix_lists = Path(os.path.relpath(out_dir / FIX_LISTS_DIR, shared_dir)).as_posix()
    write_validation_page(
        report,
        shared_dir / "validation.html",
        language,
        warnings,
        linkage=linkage,
        index=index,
        fix_lists=fix_lists,
        n_schools=len(directory.names),
    )
    return out_dir


def _rule_counts(frame: pd.DataFrame, rule_column: str) -> pd.DataFrame:
    """Rows (distinct row numbers) per table and rule, tables and rules in the order met;
    failures without a row (structural problems) are left out: the files table shows them."""
    rows = frame[frame["row"].notna() & ~frame[rule_column].isin(STRUCTURAL_RULES)]
    counts = rows.groupby(["table", rule_column], sort=False)["row"].nunique()
    return counts.rename("rows").reset_index()


def _broken_reason(report: ValidationReport, key: str, language: str) -> str:
    """Why a file was not checked, from its structural failures, in the page's language."""
    failures = report.failures
    structural = failures[(failures["table"] == key) & failures["row"].isna()]
    rules = list(dict.fromkeys(structural["rule"]))
    if "required_column" in rules:
        columns = ", ".join(
            repr(column) for column in structural.loc[structural["rule"] == "required_column", "column"]
        )
        return text("validation.broken.required_column", language, columns=columns)
    if "national_id" in rules:
        columns = ", ".join(repr(column) for column in structural.loc[structural["rule"] == "national_id", "column"])
        return text("validation.broken.national_id", language, columns=columns)
    if "unreadable_file" in rules:
        reason = structural.loc[structural["rule"] == "unreadable_file", "message"].iloc[0]
        return text("validation.broken.unreadable_file", language, reason=reason)
    for rule in ("unknown_table", "unknown_instrument"):
        if rule in rules:
            return text(f"validation.broken.{rule}", language)
    return report.tables[key].broken or ""


def _check_name(check: str, language: str) -> str:
    """A data-quality check by its name in the language (``quality.checks.<check>``), else its code."""
    key = f"quality.checks.{check}"
    return text(key, language) if has(key, language) else check


def _table_name(table: str, language: str, data_dir: Path) -> str:
    """A table of the data folder by its name in the language; a survey by its instrument's title."""
    if table.startswith("surveys/"):
        return table_name(table, language, instrument_title(table.removeprefix("surveys/"), language, data_dir))
    return table_name(table, language)
