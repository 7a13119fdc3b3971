"""The first page's pieces and the limitations, from small tables, in English and Turkish: the
table of findings cell by cell (numbers worked out here), the verdicts per domain with and
without control schools, the limitations each drawn from its result, and the provenance's
checksums against `sha256sum`."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pandas as pd
from scipy.stats import norm

from evaluation.config.plan import Outcome, Plan
from evaluation.reporting import limitations as limitation_text
from evaluation.reporting import provenance
from evaluation.reporting import summary as summary_text

OUTCOMES = (
    Outcome("mathematics", "exam", "academic", subject="mathematics", yearly_growth=8.0),
    Outcome("science", "exam", "academic", subject="science"),
    Outcome("belonging", "survey", "wellbeing", instrument="student_climate", scale="belonging", confirmatory=False),
)
PLAN = Plan(
    path=Path("plan.yaml"),
    programme="Test programme",
    period="2022-2023",
    language="en",
    data_dir=Path("."),
    outcomes=OUTCOMES,
)
TURKISH = Plan(**{**PLAN.__dict__, "language": "tr"})


def _row(outcome: str, estimate: float, g: float, **changes) -> dict:
    return {
        "analysis": "partner_vs_control",
        "outcome": outcome,
        "subgroup": "all",
        "group": "all",
        "method": "ancova_cr2",
        "n_treatment": 1234,
        "n_control": 987,
        "n_clusters_treatment": 12,
        "n_clusters_control": 11,
        "estimate": estimate,
        "ci_low": estimate - 1.5,
        "ci_high": estimate + 1.5,
        "effect_size": g,
        "effect_size_ci_low": g - 0.1,
        "effect_size_ci_high": g + 0.1,
        "suppressed": False,
        "note": "",
        **changes,
    }


def effects() -> pd.DataFrame:
    return pd.DataFrame(
        [
            _row("mathematics", 4.0, 0.3),
            _row("mathematics", 9.0, 0.9, method="did"),  # another method: never in the summary
            _row("science", 0.5, 0.04),
            _row("belonging", math.nan, math.nan, note="no_post_test:partner", ci_low=math.nan, ci_high=math.nan),
        ]
    )


def evidence() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "outcome": ["mathematics", "science", "belonging"],
            "subgroup": ["all"] * 3,
            "attrition_verdict": ["low", "high", "low"],
            "baseline_g": [0.1, 0.02, math.nan],
            "baseline_verdict": ["adjustment_required", "satisfied", ""],
            "significant": [True, False, None],
            "improvement_index": [norm.cdf(0.3) * 100 - 50, norm.cdf(0.04) * 100 - 50, math.nan],
            "rating": ["meets_with_reservations", "meets_with_reservations", "does_not_meet"],
        }
    )


def test_the_table_of_findings_cell_by_cell():
    table = summary_text.findings_table(effects(), evidence(), PLAN, {}, "ancova_cr2")
    assert list(table.columns) == [
        "outcome",
        "difference (95% confidence interval)",
        "effect size g (95% confidence interval)",
        "improvement index",
        "months of learning",
        "strength of evidence",
        "schools (partner / control)",
        "students or teachers (partner / control)",
    ]
    # Phi(0.30) = 0.6179: 11.79 percentile points, 12; 4 points of 8 a year: 6 months
    assert table.iloc[0].tolist() == [
        "Mathematics",
        "+4.00 points (2.50 to 5.50)",
        "+0.30 (0.20 to 0.40)",
        "+12",
        "+6",
        "●○ with reservations",
        "12 / 11",
        "1,234 / 987",
    ]
    assert table.iloc[1].tolist()[3:5] == ["+2", ""]  # no yearly growth: no months
    belonging = table.iloc[2].tolist()
    assert belonging[0] == "Sense of belonging (exploratory)"
    assert belonging[1] == "No student or respondent of the partner schools has a post-test value"  # why not
    assert belonging[2:5] == ["", "", ""] and belonging[5] == "○○ does not meet"
    turkish = summary_text.findings_table(effects(), evidence(), TURKISH, {}, "ancova_cr2")
    assert turkish.iloc[0].tolist()[1:4] == ["+4,00 puan (2,50 ile 5,50 arası)", "+0,30 (0,20 ile 0,40 arası)", "+12"]
    assert turkish.iloc[0].tolist()[6:] == ["12 / 11", "1.234 / 987"]


def test_no_months_column_when_no_outcome_has_a_yearly_growth():
    plan = Plan(**{**PLAN.__dict__, "outcomes": OUTCOMES[1:]})
    table = summary_text.findings_table(effects(), evidence(), plan, {}, "ancova_cr2")
    assert "months of learning" not in table.columns and len(table) == 2


def test_a_verdict_per_domain_says_what_the_data_show_and_the_weakest_rating():
    verdicts = summary_text.domain_verdicts(effects(), evidence(), PLAN, "ancova_cr2")
    assert verdicts.split("\n") == [
        "- Academic: partner schools did better than control schools on mathematics; on science the data cannot "
        "tell a difference from none; the evidence meets the standards with reservations.",
        "- Wellbeing: sense of belonging could not be estimated.",
    ]
    turkish = summary_text.domain_verdicts(effects(), evidence(), TURKISH, "ancova_cr2")
    assert turkish.startswith("- Akademik: matematik alanında ortak okullar karşılaştırma okullarından daha iyi")


def test_a_monitoring_summary_claims_no_effect():
    changes = pd.DataFrame(
        [
            _row("mathematics", 3.0, 0.2, analysis="prepost", group="partner", method="paired_cr2"),
            _row("science", -2.0, -0.1, analysis="prepost", group="partner", method="paired_cr2"),
            _row("belonging", 0.1, 0.1, analysis="prepost", group="partner", method="paired_cr2"),
        ]
    )
    verdicts = summary_text.monitoring_verdicts(changes, PLAN)
    assert verdicts.split("\n") == [
        "- Academic: mathematics rose over the year; science fell over the year; without comparison schools, this "
        "is not shown to be an effect of the programme.",
        "- Wellbeing: sense of belonging showed no clear change; without comparison schools, this is not shown to be "
        "an effect of the programme.",
    ]
    table = summary_text.changes_table(changes, PLAN, {})
    assert table.iloc[0].tolist() == [
        "Mathematics",
        "+3.00 points (1.50 to 4.50)",
        "+0.20 (0.10 to 0.30)",
        "12",
        "1,234",
    ]
    assert not any("●" in str(cell) or "○" in str(cell) for cell in table.to_numpy().ravel())


def _design(mdes_20: float) -> pd.DataFrame:
    return pd.DataFrame({"outcome": ["mathematics"] * 3, "schools": [20, 40, 60], "mdes": [mdes_20, 0.22, 0.15]})


def test_each_limitation_comes_from_its_result_with_a_recommendation():
    scales = pd.DataFrame(
        {
            "instrument": ["student_climate", "student_climate", "other"],
            "scale": ["belonging", "belonging", "belonging"],
            "alpha": [0.81, 0.64, 0.2],  # the third is not a scale the plan analyses
            "suppressed": [False, False, False],
        }
    )
    limits, recommendations = limitation_text.limitations(
        PLAN, False, effects(), evidence(), scales, _design(0.3), "ancova_cr2"
    )
    text = "\n".join(limits)
    assert "For science, many of those at the start were lost" in text  # attrition "high"
    assert "differed at the start on mathematics (by up to 0.10 standard deviations)" in text
    assert "sense of belonging could not be estimated" in text.lower()
    # 23 schools this year; 40 are the fewest of the design table to detect 0.25 SD (0.22)
    assert "For mathematics, the 23 schools of this year were too few" in text
    assert "survey scales of sense of belonging had a reliability (Cronbach's alpha) below 0.70" in text
    assert "The November and April exams of mathematics and science were different tests" in text
    assert len(recommendations) == len(limits) + 1
    assert recommendations[-1].startswith("With 40 schools, half of them partner schools")
    # enough schools (20 reach 0.25 SD): no such limitation; without control schools, that one first
    limits, _ = limitation_text.limitations(PLAN, False, effects(), evidence(), scales, _design(0.2), "ancova_cr2")
    assert not any("of this year were too few" in limit for limit in limits)
    limits, recommendations = limitation_text.limitations(
        TURKISH, True, effects(), pd.DataFrame(), scales.iloc[:0], None, "ancova_cr2"
    )
    assert limits[0].startswith("Programın karşılaştırma okulu yok") and len(limits) == 2
    assert recommendations[0].startswith("Gelecek yıl karşılaştırma okulları ekleyin")


def test_the_provenance_checksums_are_those_sha256sum_prints(tmp_path):
    data = tmp_path / "data"
    (data / "surveys").mkdir(parents=True)
    (data / "schools.csv").write_bytes(b"school_id\nS1\n")
    (data / "surveys" / "climate.csv").write_bytes(bytes(range(256)) * 5000)
    plan = tmp_path / "plan.yaml"
    plan.write_text("programme: x\n", encoding="utf-8")
    table = provenance.input_files(plan, [("2022-2023", data)], "en")
    assert table["file"].tolist() == ["plan.yaml", "2022-2023/schools.csv", "2022-2023/surveys/climate.csv"]
    for path, digest in zip((plan, data / "schools.csv", data / "surveys" / "climate.csv"), table["SHA-256"]):
        printed = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True).stdout
        assert digest == printed.split()[0]
    versions = provenance.package_versions("tr").set_index("paket")["sürüm"]
    assert versions["pandas"] == pd.__version__


def test_the_programme_in_two_sentences_counts_schools_and_partnerships():
    schools = pd.DataFrame(
        {
            "school_id": ["S1", "S2", "S3", "S4", "C1"],
            "group": ["partner", "partner", "partner", "partner", "control"],
            "partnership_id": ["P1", "P1", "P2", "P2", None],
        }
    )
    assert summary_text.programme_sentences(PLAN, schools, monitoring=False) == (
        "Test programme brought together 4 partner schools in 2 partnerships in 2022-2023. This evaluation compares "
        "their students and teachers with those of 1 control school on 3 outcomes, measured at the start and at the "
        "end of the school year."
    )
    alone = schools[schools["group"] == "partner"].drop(columns="partnership_id")
    assert summary_text.programme_sentences(TURKISH, alone, monitoring=True).startswith(
        "Test programme, 2022-2023 döneminde 4 ortak okulu bir araya getirdi. Karşılaştırma okulu olmadığından"
    )


def test_the_contract_versions_are_those_of_the_tables_the_run_read(tmp_path):
    for name, version in (("schools", "1.0.0"), ("exam_results", "2.1.0"), ("survey", "1.3.0")):
        (tmp_path / f"{name}.yaml").write_text(f"name: {name}\nversion: {version}\n", encoding="utf-8")
    table = provenance.contract_versions(tmp_path, ["schools", "surveys/student_climate"], "en")
    assert table.to_numpy().tolist() == [["schools", "1.0.0"], ["surveys", "1.3.0"]]  # no exam results read
    turkish = provenance.contract_versions(tmp_path, ["schools", "exam_results"], "tr")
    assert turkish.to_numpy().tolist() == [["sınav sonuçları", "2.1.0"], ["okullar", "1.0.0"]]
