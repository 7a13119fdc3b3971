"""`check_quality`: the data-quality checks field evaluators run on every delivery, over the
accepted rows of a validation.

These are warnings for review, not quarantine: the rows stay accepted and go on to the analysis.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluation.config.instruments import Instrument, find_instrument, load_instrument
from evaluation.validation.quality.activities import activity_warnings
from evaluation.validation.quality.completeness import low_response, missing_schools_and_waves, roster_coverage
from evaluation.validation.quality.item_totals import items_against_exams
from evaluation.validation.quality.messages import Finding, warning_text
from evaluation.validation.quality.outliers import outliers
from evaluation.validation.quality.responses import duplicate_submissions, speeding, straight_lining
from evaluation.validation.quality.settings import QualitySettings
from evaluation.validation.report import ValidationReport
from evaluation.wording import check_language

WARNING_COLUMNS = ("table", "file", "school_id", "row", "column", "value", "check", "message")
CHECKS = (
    "header_row",
    "missing_school",
    "missing_wave",
    "missing_grade",
    "roster_not_tested",
    "low_response",
    "outlier",
    "straight_lining",
    "speeding",
    "duplicate_submission",
    "items_disagree",
    "activity_without_date",
    "participants_not_held",
)
SURVEYS_PREFIX = "surveys/"


def check_quality(
    report: ValidationReport,
    instruments: Mapping[str, Instrument] | None = None,
    settings: QualitySettings | None = None,
    language: str = "en",
) -> pd.DataFrame:
    """Run the data-quality checks over the accepted rows of a validated data directory.

    Parameters
    ----------
    report
        What `evaluation.validation.validate.validate_data_dir` found; its ``accepted`` frames are read.
    instruments
        Instrument definitions by id; surveys whose instrument is not given are looked up in the
        data directory's ``instruments/`` and among the bundled ones.
    settings
        Thresholds (`QualitySettings`); the defaults when None.
    language
        A language of `evaluation.wording.LANGUAGES` (``"en"``, ``"tr"``): the language of the
        messages (`evaluation.validation.quality.messages`).

    Returns
    -------
    DataFrame
        One row per warning, columns `WARNING_COLUMNS`: ``table``, ``file`` (as in the quarantine
        table), ``school_id``, ``row`` (spreadsheet row number, Int64; empty for a warning about
        a whole school or wave), ``column`` and ``value`` (several joined by ``", "`` and
        ``" / "``), ``check`` (one of `CHECKS`) and ``message``. Ordered by table, school, row
        and check.

    Notes
    -----
    The checks, after IPA's ``ipacheck`` and the World Bank DIME team's high-frequency checks:

    - ``header_row``: a file whose column names are not on its first row, below a title (an
      e-Okul export's "2022-2023 Ortak Sınav Sonuçları"): the rows above them were not read as
      data (`evaluation.io.reading`), and every school of the file is asked to check that.
    - ``missing_school``: a school of the schools table without any exam result, or without
      any response to a survey.
    - ``missing_wave``: a school with exam results (or survey responses) in one wave and none in
      another wave the table holds.
    - ``missing_grade``: a grade on the school's roster without any exam result in a wave the
      school took part in.
    - ``roster_not_tested``: more than ``settings.roster_not_tested_share`` of a school's roster
      without an exam result in a wave the school took part in.
    - ``low_response``: a school's respondents to a survey in one wave fewer than
      ``settings.low_response_ratio`` times those in the other.
    - ``outlier``: a score with ``|modified z| > settings.outlier_z`` within its school, exam and
      subject (`evaluation.validation.quality.outliers.modified_z`).
    - ``straight_lining``: the same answer to every item of a scale (reverse-keyed items
      included, when the answers contradict each other).
    - ``speeding``: a response faster than ``settings.speeding_seconds_per_item`` per item or a
      fraction of the median; only for surveys with ``started_at`` and ``submitted_at``.
    - ``duplicate_submission``: the same answers from two respondents of a school and wave within
      minutes (the same respondent twice in a wave is already quarantined by the contract).
    - ``items_disagree``: a student's right/wrong item responses to an exam subject in a wave
      that add up to another number than exam_results' ``correct``
      (`evaluation.validation.quality.item_totals`).
    - ``activity_without_date``, ``participants_not_held``: an activity done without its date,
      participants of an activity that did not take place
      (`evaluation.validation.quality.activities`).

    Tables that are broken or have no accepted rows are not checked (they are reported by the
    validation itself); completeness is checked only when the schools table has accepted rows,
    and against the roster only when there is one.
    """
    check_language(language)
    settings = settings or QualitySettings()
    instruments = dict(instruments or {})
    frames = _usable(report)
    found: list[Finding] = [
        Finding(
            table,
            "",
            None,
            "",
            result.title,
            "header_row",
            "header_row",
            {"header_row": result.header_row, "title": result.title},
        )
        for table, result in report.tables.items()
        if result.header_row > 1
    ]
    schools = frames["schools"]["school_id"].dropna().unique() if "schools" in frames else []
    exams = frames.get("exam_results")
    if exams is not None:
        found += missing_schools_and_waves("exam_results", exams, schools)
        if "students" in frames:
            found += roster_coverage(exams, frames["students"], settings)
        found += outliers(exams, settings)
        if "item_responses" in frames:
            found += items_against_exams(frames["item_responses"], exams)
    for table, frame in frames.items():
        if not table.startswith(SURVEYS_PREFIX):
            continue
        instrument_id = table.removeprefix(SURVEYS_PREFIX)
        instrument = instruments.get(instrument_id) or _instrument(instrument_id, report)
        found += missing_schools_and_waves(table, frame, schools, instrument_id)
        found += low_response(table, frame, instrument_id, settings)
        if instrument is not None:
            for check in (straight_lining, speeding, duplicate_submissions):
                found += check(table, frame, instrument, settings)
    if "activities" in frames:
        found += activity_warnings(frames["activities"])
    return warnings_frame(found, report, language)


def _usable(report: ValidationReport) -> dict[str, pd.DataFrame]:
    """The accepted frames of the tables that are not broken and have accepted rows."""
    return {
        table: frame
        for table, frame in report.accepted.items()
        if len(frame) and table in report.tables and not report.tables[table].broken
    }


def _instrument(instrument_id: str, report: ValidationReport) -> Instrument | None:
    if find_instrument(instrument_id, report.data_dir) is None:
        return None
    return load_instrument(instrument_id, report.data_dir)


def warnings_frame(found: list[Finding], report: ValidationReport, language: str = "en") -> pd.DataFrame:
    """Findings as the warnings table (`WARNING_COLUMNS`), worded in ``language``."""
    files = dict(zip(*(report.summary_frame()[column] for column in ("table", "file")), strict=True))
    records = [
        {
            "table": item.table,
            "file": files.get(item.table, ""),
            "school_id": str(item.school_id),
            "row": item.row,
            "column": item.column,
            "value": str(item.value),
            "check": item.check,
            "message": warning_text(item.key, item.params, language),
        }
        for item in found
    ]
    frame = pd.DataFrame.from_records(records, columns=list(WARNING_COLUMNS))
    frame = frame.astype({column: "str" for column in WARNING_COLUMNS if column != "row"})
    frame["row"] = frame["row"].astype("Int64")
    tables = {table: position for position, table in enumerate(report.tables)}
    order = frame.assign(_table=frame["table"].map(tables), _check=frame["check"].map(CHECKS.index))
    order = order.sort_values(["_table", "school_id", "row", "_check"], kind="stable", na_position="first")
    return order[list(WARNING_COLUMNS)].reset_index(drop=True)


def warnings_line(warnings: pd.DataFrame) -> str:
    """One line for a summary: how many warnings of each check (``"No data-quality warnings."``)."""
    if warnings.empty:
        return "No data-quality warnings."
    counts = warnings["check"].value_counts()
    parts = ", ".join(f"{counts[check]} {check}" for check in CHECKS if check in counts)
    noun = "warning" if len(warnings) == 1 else "warnings"
    return f"{len(warnings)} data-quality {noun} for review (the rows stay accepted): {parts}"
