"""The analysis plan: the demo plan loads; a broken plan is refused naming the file and key."""

from pathlib import Path

import pytest

from evaluation.errors import EXIT_BAD_PLAN, PlanError
from evaluation.resources import DEMO_PLAN
from evaluation.config.plan import load_plan

GOOD = """
programme: Test programme
period: 2022-2023
data: data
outcomes:
  - {id: mathematics, source: exam, subject: mathematics, domain: academic}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_plan_loads_with_its_outcomes():
    plan = load_plan(DEMO_PLAN)
    assert plan.demo and plan.language == "en" and plan.min_cell_size == 10
    assert [o.id for o in plan.outcomes][:4] == ["mathematics", "science", "turkish", "english"]
    assert plan.data_dir == DEMO_PLAN.parent / "data/2022-2023"  # the run takes it from its output folder
    assert len(plan.hash) == 12


def test_defaults_and_hash_change_with_the_text(tmp_path):
    plan = load_plan(write(tmp_path, GOOD))
    assert (plan.alpha, plan.min_cell_size, plan.subgroups, plan.demo) == (0.05, 10, (), False)
    other = load_plan(write(tmp_path, GOOD + "alpha: 0.01\n"))
    assert other.hash != plan.hash and other.alpha == 0.01
    assert plan.attrition_boundary == "cautious"
    assert load_plan(write(tmp_path, GOOD + "attrition_boundary: optimistic\n")).attrition_boundary == "optimistic"


@pytest.mark.parametrize(("text", "message"), [
    (GOOD.replace("period: 2022-2023\n", ""), "missing required key(s) period"),
    (GOOD + "colour: blue\n", "unknown key(s) colour"),
    (GOOD + "language: de\n", "language 'de' is not one of en, tr"),
    (GOOD + "alpha: 5\n", "alpha must be a number between 0 and 0.5"),
    (GOOD + "min_cell_size: 0\n", "min_cell_size must be a whole number"),
    (GOOD + "subgroups: [height]\n", "unknown subgroup(s) height"),
    (GOOD + "attrition_boundary: lenient\n", "attrition_boundary must be cautious (the WWC's default) or optimistic"),
    (GOOD.replace("source: exam, subject: mathematics", "source: exam"), "a exam outcome needs subject"),
    (GOOD.replace("source: exam", "source: interview"), "source 'interview' is not one of exam, survey"),
    (GOOD + "  - {id: mathematics, source: exam, subject: science, domain: academic}\n", "used twice: mathematics"),
    (GOOD + "comparison: random\n", "comparison must be fixed (the control schools are the comparison group) "
                                     "or matched (match each partner school to a control school of the pool), "
                                     "found 'random'"),
    (GOOD + "missing_data_threshold: 5\n", "missing_data_threshold must be a share from 0 to below 1"),
    (GOOD + "missing_data_threshold: yes\n", "missing_data_threshold must be a share from 0 to below 1"),
    ("programme: [unclosed", "not valid YAML"),
    ("- just a list", "is a YAML mapping"),
])
def test_broken_plans_are_refused_with_a_clear_message(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(PlanError) as raised:
        load_plan(path)
    assert message in str(raised.value)
    assert str(path) in str(raised.value)
    assert raised.value.exit_code == EXIT_BAD_PLAN


def test_missing_plan_file(tmp_path):
    with pytest.raises(PlanError, match="cannot read the analysis plan"):
        load_plan(tmp_path / "nowhere.yaml")


def test_on_quarantine_is_stop_unless_the_plan_says_continue(tmp_path):
    base = "programme: x\nperiod: 2022-2023\ndata: .\noutcomes:\n  - {id: m, source: exam, subject: mathematics, domain: academic}\n"
    (tmp_path / "a.yaml").write_text(base, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(base + "on_quarantine: continue\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text(base + "on_quarantine: ignore\n", encoding="utf-8")
    assert load_plan(tmp_path / "a.yaml").on_quarantine == "stop"
    assert load_plan(tmp_path / "b.yaml").on_quarantine == "continue"
    with pytest.raises(PlanError, match="on_quarantine must be stop .* or continue .*found 'ignore'"):
        load_plan(tmp_path / "c.yaml")


def test_comparison_and_missing_data_threshold_default_and_read(tmp_path):
    plan = load_plan(write(tmp_path, GOOD))
    assert (plan.comparison, plan.missing_data_threshold) == ("fixed", 0.05)
    other = load_plan(write(tmp_path, GOOD + "comparison: matched\nmissing_data_threshold: 0.02\n"))
    assert (other.comparison, other.missing_data_threshold) == ("matched", 0.02)
