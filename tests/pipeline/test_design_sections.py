"""The national demo programme has control schools: its run has the comparison design, and its
report keeps the partner-versus-control sections (with the evidence, attrition and balance) beside
the new section on schools and partnerships, which points to the moderation test of resource
level; none of the monitoring report's sentences appears."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

from evaluation.analysis.study_design import COMPARISON, study_design
from evaluation.wording import text

pytestmark = pytest.mark.slow  # runs the whole pipeline on the demo programme


def _report_text(out: Path) -> str:
    page = (out / "shared" / "report.html").read_text(encoding="utf-8")
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).replace("’", "'")


def _sentence(key: str) -> str:
    return re.sub(r"\s+", " ", text(key, "en")).replace("`", "")  # code spans render without backticks


def test_the_national_demo_keeps_its_partner_versus_control_sections(demo_run: Path, demo_data: Path):
    schools = pd.read_csv(demo_data / "schools.csv")
    assert study_design(schools) == COMPARISON
    report = _report_text(demo_run)
    for shown in ("findings", "partner_vs_control", "prepost", "subgroups", "attrition", "evidence", "balance"):
        assert _sentence(f"report.sections.{shown}.heading") in report, shown
    assert _sentence("report.sections.monitoring.intro") not in report
    assert _sentence("report.monitoring.left_out") not in report
    # schools and partnerships: every school by name, and what the resource-level test shows
    assert _sentence("report.sections.schools.heading") in report
    assert all(name in report for name in schools["school_name"])
    assert _sentence("report.schools.resource") in report
    effects = pd.read_csv(demo_run / "shared" / "results" / "effects.csv")
    moderation = effects[(effects["analysis"] == "moderation") & (effects["subgroup"] == "resource_level")]
    assert len(moderation) == 7 and moderation["note"].eq("wald_f:2").all()  # high, medium, low: a Wald F
    assert "effect differed by resource level (high, low, and medium; F = " in report
