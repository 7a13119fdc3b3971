"""Data-quality warnings over validated data: completeness, outliers, straight-lining, speeding
and double submissions (`check_quality`); the pre/post linkage rate of each table with waves
(`linkage_summary`). Warnings are for review; the rows stay accepted."""

from evaluation.validation.quality.checks import CHECKS, WARNING_COLUMNS, check_quality, warnings_line
from evaluation.validation.quality.linkage import LINKAGE_COLUMNS, linkage_lines, linkage_summary
from evaluation.validation.quality.messages import COUNTED, warning_text
from evaluation.validation.quality.settings import QualitySettings

__all__ = [
    "CHECKS",
    "COUNTED",
    "LINKAGE_COLUMNS",
    "WARNING_COLUMNS",
    "QualitySettings",
    "check_quality",
    "linkage_lines",
    "linkage_summary",
    "warning_text",
    "warnings_line",
]
