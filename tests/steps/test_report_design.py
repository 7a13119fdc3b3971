"""The report's sections follow the run's design (`evaluation.steps.report`): without control
schools (a monitoring run) the findings say what such a design can and cannot show and give each
outcome's change, and the sections that need a comparison group show nothing (and read no table);
with control schools the partner-versus-control sections are there. Schools and partnerships are
shown in both. The runs are stand-ins holding constructed results tables."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from evaluation.analysis.schools import PARTNERSHIP_COLUMNS, SCHOOL_COLUMNS
from evaluation.config.plan import Outcome, Plan
from evaluation.stats.estimate import effects_frame
from evaluation.steps import report
from evaluation.wording import label, text

OUTCOMES = (Outcome("mathematics", "exam", "academic", subject="mathematics"),)
NAMES = {"A": "Malatya Erman Ilıcak Fen Lisesi", "B": "Kayseri Bünyan Fen Lisesi", "C": "Sivas Fen Lisesi"}


def plan(language: str) -> Plan:
    return Plan(
        path=Path("plan.yaml"), programme="p", period="2022-2023", language=language, data_dir=Path("."),
        outcomes=OUTCOMES, subgroups=("resource_level",),
    )  # fmt: skip


def row(**values) -> dict:
    base = dict(
        analysis="prepost", outcome="mathematics", domain="academic", subgroup="all", group="partner",
        method="paired_cr2", n_treatment=247, n_control=None, n_clusters_treatment=2, n_clusters_control=None,
        estimate=6.93, std_error=0.1, df=1.2, ci_low=5.36, ci_high=8.5, p_value=0.011, p_adjusted=math.nan,
        effect_size=0.53, effect_size_ci_low=0.41, effect_size_ci_high=0.65, suppressed=False, note="", covariates="",
    )  # fmt: skip
    return base | values


def monitoring_effects() -> pd.DataFrame:
    """As a run without control schools writes them: the control group's change cannot be estimated."""
    nothing = dict(estimate=math.nan, ci_low=math.nan, ci_high=math.nan, p_value=math.nan, n_treatment=0)
    return effects_frame(
        [row(), row(group="all"), row(group="control", note="too_few_students", suppressed=True, **nothing)]
    )


def comparison_effects() -> pd.DataFrame:
    pvc = dict(analysis="partner_vs_control", group="all", method="ancova_cr2", n_control=250, n_clusters_control=14)
    return effects_frame(
        [
            row(),
            row(group="control", estimate=2.0, ci_low=1.0, ci_high=3.0),
            row(**pvc, estimate=4.1, ci_low=1.7, ci_high=6.3, p_value=0.003, p_adjusted=0.006),
            row(**pvc | {"subgroup": "resource_level=high"}, estimate=4.0),
            row(**pvc | {"subgroup": "resource_level=low"}, estimate=4.5),
            row(**pvc | {"subgroup": "resource_level", "analysis": "moderation"}, estimate=0.5, p_value=0.7),
        ]
    )


def school_table(ids: list[str]) -> pd.DataFrame:
    rows = [
        [sid, "mathematics", "students", 130, 52.0, 12.0, 128, 59.0, 13.0, 125, 7.0, 5.0, 9.0, False] for sid in ids
    ]
    return pd.DataFrame(rows, columns=SCHOOL_COLUMNS)


def partnership_table() -> pd.DataFrame:
    return pd.DataFrame(
        [["OO-1", "mathematics", "A", "B", 1.59, 1.65, 0.25, -2.51, 3.0, math.nan]], columns=PARTNERSHIP_COLUMNS
    )


@dataclass
class StandIn:
    """What the report's sections use of a `Run`; `table` raises for a table it was not given, so a
    section that shows nothing must not read one."""

    plan: Plan
    monitoring: bool
    tables: dict = field(default_factory=dict)
    accepted: dict = field(default_factory=dict)
    instruments: dict = field(default_factory=dict)
    primary: str = "ancova_cr2"

    @property
    def language(self) -> str:
        return self.plan.language

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def schools_frame(ids: list[str], groups: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"school_id": ids, "school_name": [NAMES[i] for i in ids], "group": groups,
         "partnership_id": ["OO-1" if g == "partner" else math.nan for g in groups]}
    )  # fmt: skip


def monitoring_run(language: str) -> StandIn:
    return StandIn(
        plan(language),
        monitoring=True,
        tables={
            "effects": monitoring_effects(),
            "schools": school_table(["A", "B"]),
            "partnerships": partnership_table(),
        },
        accepted={"schools": schools_frame(["A", "B"], ["partner", "partner"])},
    )


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_monitoring_run_says_what_it_can_show_and_gives_the_change(language):
    shown = report.findings(monitoring_run(language)).text
    assert text("report.sections.monitoring.intro", language) in shown
    assert text("report.monitoring.left_out", language) in shown
    change = "+6.93" if language == "en" else "+6,93"
    assert change in shown and ("5.36" if language == "en" else "5,36") in shown
    # nothing compared, so no sentence of a comparison and no bullet about control schools
    bullets = [line for line in shown.split("\n") if line.startswith("- ")]
    assert len(bullets) == 1  # mathematics, partner schools
    assert not any(text("report.change.in_group.control", language) in line.lower() for line in bullets)
    too_few = text("report.finding.suppressed.students", language, outcome=label("mathematics", language))
    assert too_few.lower() not in shown.lower()


@pytest.mark.parametrize(
    "section", [report.partner_vs_control, report.robustness, report.subgroups, report.attrition, report.evidence,
                report.balance]
)  # fmt: skip
def test_a_monitoring_run_leaves_out_the_sections_that_need_a_comparison_group(section):
    run = monitoring_run("en")
    run.tables = {}  # they read nothing either
    assert section(run).parts == []


def test_a_monitoring_run_says_what_next_year_would_need_and_how_its_numbers_were_made():
    run = monitoring_run("en")
    assert text("report.monitoring.next_year", "en") in report.next_year(run).text
    methods = report.methods(run).text
    assert "How the numbers were made" in methods and "Welch" in methods and "fewer than" not in methods
    assert "analysis of covariance" not in methods


def test_before_and_after_of_a_monitoring_run_shows_the_partner_schools_alone():
    run = monitoring_run("en")
    run.tables["group_means"] = pd.DataFrame(
        [["mathematics", "partner", w, 247, m, 12.0, m - 1, m + 1] for w, m in (("pre", 52.0), ("post", 59.0))],
        columns=["outcome", "group", "wave", "n", "mean", "sd", "ci_low", "ci_high"],
    )
    shown = report.before_and_after(run)
    assert "only the comparison with control schools above" not in shown.text
    assert text("report.monitoring.prepost", "en") in shown.text
    (table,) = shown.tables
    assert table.data["group"].tolist() == ["partner schools"]


def test_schools_section_of_a_monitoring_run_names_both_schools_and_their_gap():
    shown = report.schools(monitoring_run("en"))
    tables = [t.data for t in shown.tables]
    assert sorted(tables[0]["school"]) == sorted([NAMES["A"], NAMES["B"]])
    assert tables[-1][["gap before", "gap after"]].values.tolist() == [[1.59, 1.65]]
    assert f"the gap between {NAMES['A']} and {NAMES['B']}" in shown.text
    assert text("report.schools.resource", "en") not in shown.text  # no moderation test without control schools


def test_a_comparison_run_keeps_the_partner_versus_control_sections_and_points_to_resource_level():
    run = StandIn(
        plan("en"),
        monitoring=False,
        tables={
            "effects": comparison_effects(),
            "schools": school_table(["A", "B", "C"]),
            "partnerships": partnership_table(),
        },
        accepted={"schools": schools_frame(["A", "B", "C"], ["partner", "partner", "control"])},
    )
    findings = report.findings(run).text
    assert "control schools" in findings and text("report.sections.monitoring.intro", "en") not in findings
    assert len(report.partner_vs_control(run).tables) == 1
    schools = report.schools(run)
    assert text("report.schools.resource", "en") in schools.text
    assert "no evidence that the effect differed by resource level (high and low" in schools.text
    assert schools.tables[0].data["group"].tolist() == ["partner schools", "partner schools", "control schools"]


class _Staff:
    """An instrument answered by a school team for its school (role staff)."""

    role = "staff"


def staff_run(language: str) -> StandIn:
    """A monitoring run of one self-assessment scale (role staff), its change of -0.001 points."""
    outcome = Outcome("leadership", "survey", "school_development", instrument="criteria", scale="leadership")
    run = monitoring_run(language)
    run.plan = Plan(
        path=Path("plan.yaml"), programme="p", period="2025-2026", language=language, data_dir=Path("."),
        outcomes=(outcome,),
    )  # fmt: skip
    run.instruments = {"criteria": _Staff()}
    nothing = dict(estimate=math.nan, ci_low=math.nan, ci_high=math.nan, p_value=math.nan, n_treatment=0)
    survey = dict(outcome="leadership", domain="school_development", n_treatment=25, n_clusters_treatment=25)
    run.tables["effects"] = effects_frame(
        [
            row(**survey, estimate=-0.001, ci_low=-0.2, ci_high=0.2),
            row(**survey | nothing, group="control", note="too_few_students", suppressed=True),
        ]
    )
    return run


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        ("en", "changed by 0.00 scale points on average from before to after (95% interval -0.20 to 0.20; 25 "
               "respondents answered in both waves)", ("student", "teacher", "-0.00")),
        ("tr", "ortalama 0,00 ölçek puanı değişti (%95 güven aralığı: -0,20 ile 0,20 arası; her iki uygulamaya "
               "katılan 25 kişi)", ("öğrenci", "öğretmen", "-0,00")),
    ],
)  # fmt: skip
def test_a_staff_self_assessment_speaks_of_respondents_and_a_change_rounding_to_zero_has_no_sign(
    language, said, not_said
):
    bullets = [line for line in report.findings(staff_run(language)).text.split("\n") if line.startswith("- ")]
    assert len(bullets) == 1 and said in bullets[0]
    assert not any(word in bullets[0].lower() for word in not_said)


def test_a_staff_instrument_is_answered_by_respondents_a_teacher_survey_by_teachers():
    from evaluation.analysis.frames import outcome_wording

    class Role:
        def __init__(self, role):
            self.role = role

    roles = ("staff", "parent", "teacher", "student")
    surveys = [Outcome(name, "survey", "d", instrument=name, scale="s") for name in roles]
    outcomes = (*surveys, Outcome("maths", "exam", "academic", subject="mathematics"))
    plan_ = Plan(path=Path("p.yaml"), programme="p", period="2025-2026", language="en", data_dir=Path("."),
                 outcomes=outcomes)  # fmt: skip
    wording = outcome_wording(plan_, {name: Role(name) for name in roles})
    assert {k: who for k, (_, who) in wording.items()} == {
        "staff": "respondents", "parent": "respondents", "teacher": "teachers", "student": "students",
        "maths": "students",
    }  # fmt: skip


@pytest.mark.parametrize("section", [report.activities, report.indicators_over_years])
def test_a_section_without_its_table_is_left_out_and_reads_nothing(section):
    run = monitoring_run("en")
    run.tables = {}  # `table` raises for any table read
    assert "activities" not in run.accepted and "indicators" not in run.accepted
    assert section(run).parts == []


def test_a_section_whose_table_was_sent_reads_it():
    run = monitoring_run("en")
    run.accepted["indicators"] = pd.DataFrame()
    run.tables = {"indicators": pd.DataFrame()}  # sent, with nothing to show: still nothing shown
    assert report.indicators_over_years(run).parts == []
    run.tables = {}
    with pytest.raises(KeyError):  # it is read
        report.indicators_over_years(run)
    run.accepted["activities"] = pd.DataFrame()
    with pytest.raises(KeyError):
        report.activities(run)


def scales_table() -> pd.DataFrame:
    return pd.DataFrame(
        {"instrument": ["student_climate", "student_climate"], "scale": ["belonging", "peer_collaboration"],
         "wave": ["pre", "pre"], "role": ["student", "student"], "n_items": [4, 4], "n": [300, 300],
         "mean": [3.2, 3.1], "sd": [0.6, 0.6], "alpha": [0.81, 0.77], "alpha_ci_low": [0.78, 0.73],
         "alpha_ci_high": [0.84, 0.81], "suppressed": [False, False]}
    )  # fmt: skip


def test_reliability_shows_only_the_scales_the_plan_analyses():
    # a plan of exams alone: the survey files sent with the data are not its outcomes
    run = monitoring_run("en")
    run.tables["scales"] = scales_table()
    assert report.reliability(run).parts == []
    belonging = Outcome("belonging", "survey", "wellbeing", instrument="student_climate", scale="belonging")
    run.plan = Plan(
        path=Path("plan.yaml"), programme="p", period="2022-2023", language="en", data_dir=Path("."),
        outcomes=(*OUTCOMES, belonging),
    )  # fmt: skip
    (table,) = [t.data for t in report.reliability(run).tables]
    assert len(table) == 1 and table.iloc[0].astype(str).str.contains("0.81").any()
