"""The evidence notebook and the report's evidence and design sections, on the demo run (the
session's one run of the whole pipeline)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from evaluation.analysis.evidence import attrition_levels, read_evidence
from evaluation.config.plan import load_plan
from evaluation.evidence import EVIDENCE_COLUMNS, attrition_verdict, improvement_index, wwc_rating
from evaluation.evidence.baseline import baseline_verdict
from evaluation.reporting import evidence as evidence_text
from evaluation.reporting.sections import outcome_wording
from evaluation.stats.estimate import read_effects
from evaluation.steps.workspace import load_instruments

pytestmark = pytest.mark.slow  # the whole module runs the demo programme or validates whole directories

RATINGS = {"meets_without_reservations", "meets_with_reservations", "does_not_meet"}


@pytest.fixture(scope="module")
def effects(demo_run: Path) -> pd.DataFrame:
    return read_effects(demo_run / "shared" / "results" / "effects.csv")


@pytest.fixture(scope="module")
def evidence(demo_run: Path) -> pd.DataFrame:
    return read_evidence(demo_run / "shared" / "results" / "evidence.csv")


def test_evidence_csv_has_one_row_per_finding_with_the_data_models_columns(
    demo_run: Path, demo_plan: Path, evidence: pd.DataFrame
) -> None:
    raw = pd.read_csv(demo_run / "shared" / "results" / "evidence.csv")
    assert list(raw.columns) == EVIDENCE_COLUMNS
    plan = load_plan(demo_plan)
    assert list(evidence["outcome"]) == [o.id for o in plan.outcomes] and len(evidence) == 7
    assert list(evidence["domain"]) == [o.domain for o in plan.outcomes]
    assert evidence["subgroup"].eq("all").all()
    assert set(evidence["attrition_verdict"]) <= {"low", "high"}
    assert set(evidence["baseline_verdict"]) <= {"satisfied", "adjustment_required", "not_satisfied"}
    assert set(evidence["rating"]) <= RATINGS
    assert evidence["summary"].str.len().gt(50).all()


def test_evidence_rows_follow_the_rules_from_their_own_fields(evidence: pd.DataFrame, demo_plan: Path) -> None:
    plan = load_plan(demo_plan)
    for row in evidence.itertuples():
        assert row.attrition_verdict == attrition_verdict(
            row.attrition_overall, row.attrition_differential, plan.attrition_boundary
        ), row.outcome
        assert row.baseline_verdict == baseline_verdict(row.baseline_g), row.outcome
        assert row.significant is bool(row.p_adjusted < plan.alpha), row.outcome
        assert row.substantively_important is bool(abs(row.effect_size) >= 0.25), row.outcome
        assert row.improvement_index == pytest.approx(improvement_index(row.effect_size), rel=1e-12)
        # partner schools were not assigned by lot: a quasi-experiment, adjusted for the pre-test
        assert row.rating == wwc_rating("qed", row.attrition_verdict, row.baseline_verdict, True), row.outcome


def test_evidence_takes_the_headline_findings_and_the_attrition_counts(
    demo_run: Path, demo_plan: Path, effects: pd.DataFrame, evidence: pd.DataFrame
) -> None:
    plan = load_plan(demo_plan)
    method = plan.primary_method
    assert method == "ancova_cr2"  # the default, at any number of schools
    rows = effects[
        (effects["analysis"] == "partner_vs_control") & (effects["method"] == method) & (effects["subgroup"] == "all")
    ].set_index("outcome")
    baseline = effects[(effects["analysis"] == "baseline_equivalence") & (effects["subgroup"] == "all")]
    mine = evidence.set_index("outcome")
    assert mine["effect_size"].tolist() == pytest.approx(rows.loc[mine.index, "effect_size"].tolist(), rel=1e-12)
    assert mine["p_adjusted"].tolist() == pytest.approx(rows.loc[mine.index, "p_adjusted"].tolist(), rel=1e-12)
    assert mine["baseline_g"].tolist() == pytest.approx(
        baseline.set_index("outcome").loc[mine.index, "effect_size"].tolist(), rel=1e-12
    )
    counts = pd.read_csv(demo_run / "shared" / "results" / "attrition.csv")
    for outcome in mine.index:
        levels = attrition_levels(counts, outcome, "cautious")
        shown = next((level for level in levels if level.verdict == "high"), levels[0])
        assert mine.at[outcome, "attrition_overall"] == pytest.approx(shown.overall, rel=1e-12)
    # The demo's teachers answered the post survey less often in partner schools (19% against 8% lost):
    # high attrition; students were lost evenly.
    assert dict(zip(evidence["outcome"], evidence["attrition_verdict"])) == {
        "mathematics": "low",
        "science": "low",
        "turkish": "low",
        "english": "low",
        "belonging": "low",
        "peer_collaboration": "low",
        "teacher_collaboration": "high",
    }


def test_balance_of_partner_and_control_schools(demo_run: Path) -> None:
    balance = pd.read_csv(demo_run / "shared" / "results" / "balance.csv")
    characteristics = set(balance["characteristic"])
    assert {"school_size", "female", "grade", "special_needs", "migrant_refugee", "pre_mathematics"} <= characteristics
    assert any(c.startswith("school_type=") for c in characteristics)
    assert any(c.startswith("resource_level=") for c in characteristics)
    assert balance.loc[balance["level"] == "school", ["n_partner", "n_control"]].eq(14).all().all()
    assert not balance["suppressed"].any() and balance["p_value"].between(0, 1).all()
    joint = pd.read_csv(demo_run / "shared" / "results" / "balance_test.csv", keep_default_na=False, na_values=[""])
    assert joint.loc[0, "n_clusters"] == 28 and joint.loc[0, "df_denominator"] == 27
    assert 0 < joint.loc[0, "p_value"] < 1


def test_report_shows_the_evidence_of_every_finding_and_next_years_design(demo_run: Path, demo_plan: Path) -> None:
    report = (demo_run / "shared" / "report.html").read_text(encoding="utf-8")
    plan = load_plan(demo_plan)
    assert "How strong is the evidence" in report and "Planning next year" in report
    assert "Were partner and control schools alike at the start?" in report
    for name in (
        "Mathematics",
        "Science",
        "Turkish",
        "English",
        "Sense of belonging",
        "Peer collaboration",
        "Teachers&#39;? professional collaboration|Teachers' professional collaboration",
    ):
        assert len(re.findall(rf"<strong>(?:{name})\.</strong> Starting point:", report)) == 1, name
    # what the findings share is said once: the design, and the rating (all seven meet with reservations)
    assert report.count("Design: partner schools chose to take part") == 1
    evidence = pd.read_csv(demo_run / "shared" / "results" / "evidence.csv")
    assert evidence["rating"].nunique() == 1 and len(evidence) == len(plan.outcomes)
    assert len(re.findall(r"Overall: (?:meets|does not meet) the WWC standards", report)) == 1
    assert "joint F-test of orthogonality: F(" in report
    design = pd.read_csv(demo_run / "shared" / "results" / "design.csv")
    assert report.count("could be detected with 80% power") == design["outcome"].nunique() == 4
    forty = design[(design["outcome"] == "mathematics") & (design["schools"] == 40)]["mdes"].iloc[0]
    assert f"with 40 schools, {forty:.2f} SD" in report
    assert "MDES, 40 schools" in report


def test_turkish_evidence_and_design_from_the_demo_results(
    demo_run: Path, demo_plan: Path, effects: pd.DataFrame, evidence: pd.DataFrame
) -> None:
    plan = replace(load_plan(demo_plan), language="tr")
    counts = pd.read_csv(demo_run / "shared" / "results" / "attrition.csv")
    method = plan.primary_method
    summaries = evidence_text.evidence_summaries(
        evidence, effects, counts, plan, method, outcome_wording(plan, load_instruments(plan))
    ).split("\n\n")
    # the design said once, the attrition once per statement (exams, the students' survey, the
    # teachers' survey), a paragraph per finding, and the rating they all share once
    assert len(summaries) == 1 + 1 + 7 + 1 and summaries[0].startswith("Tasarım:")
    attrition = summaries[1].split("\n")
    assert len(attrition) == 3 and attrition[0].startswith("- Matematik, fen bilimleri")
    assert attrition[2].startswith("- Öğretmenlerin mesleki iş birliği:") and "bu kayıp yüksektir" in attrition[2]
    assert "başlangıçtaki öğretmenlerden" in attrition[2]
    assert summaries[2].startswith("**Matematik.** ") and summaries[8].startswith(
        "**Öğretmenlerin mesleki iş birliği.**"
    )
    assert "".join(summaries).count("Tasarım:") == 1
    for english in ("students", "Attrition", "Overall", "schools", " SD "):
        assert english not in "".join(summaries), english
    design = evidence_text.design_sentences(pd.read_csv(demo_run / "shared" / "results" / "design.csv"), "tr")
    assert design.count("SS'lik bir etki %80 güçle saptanabilir") == 4 and "40 okulla" in design
    table = evidence_text.evidence_overview(evidence, effects, "tr", method)
    assert list(table.columns)[-1] == "WWC ölçütlerine göre derece" and len(table) == 7


def test_report_puts_the_imputation_estimates_beside_the_complete_cases(demo_run: Path) -> None:
    # the demo's surveys miss 8-19% of their post-test answers, its exams about 4% (under 5%)
    report = (demo_run / "shared" / "report.html").read_text(encoding="utf-8")
    # at the technical end, after the sensitivity table: it sets another method (ancova_mi) beside the headline
    start = report.index("When post-test answers are missing")
    assert start > report.index("Sensitivity: every method side by side")
    section = report[start : report.index("</table>", start)]
    assert section.count("<tr") == 4  # the header and one row per survey outcome
    for outcome in ("sense of belonging", "peer collaboration", "teachers' professional collaboration"):
        assert outcome in section
    assert "mathematics" not in section
    assert "How the comparison schools were chosen" not in report  # the demo plan keeps its control schools
