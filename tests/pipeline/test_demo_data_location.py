"""Where a run finds its plan and data: a plan is a file or a bundled plan's name; a real plan's
`data` is relative to the plan file and is never made up; a demo plan's is relative to the output
folder, where the synthetic programme is written when missing (a plan installed with the package
lies inside it, where nothing may be written)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evaluation.config.plan import load_plan
from evaluation.errors import EXIT_BAD_PLAN, PlanError, UnreadableInputError
from evaluation.resources import DEMO_PLAN
from evaluation.steps import workspace


def demo_plan_with(tmp_path: Path, data: str) -> Path:
    plan = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    plan["data"] = data
    target = tmp_path / "plans" / "demo.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    return target


def test_the_demo_plans_data_is_inside_the_output_folder(tmp_path: Path) -> None:
    plan = workspace.for_run(load_plan(DEMO_PLAN), tmp_path / "out")
    assert plan.data_dir == (tmp_path / "out" / "restricted" / "data" / "2022-2023").resolve()


def test_a_real_plans_data_is_relative_to_the_plan_file(tmp_path: Path) -> None:
    text = DEMO_PLAN.read_text(encoding="utf-8").replace("demo: true", "demo: false")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    plan = load_plan(path)
    assert workspace.for_run(plan, tmp_path / "out") is plan
    assert plan.data_dir == tmp_path / "data" / "2022-2023"
    with pytest.raises(UnreadableInputError, match="does not exist"):  # never replaced by demo data
        workspace.ensure_data(plan, tmp_path / "out")
    assert not (tmp_path / "data").exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("data", ["../elsewhere", "/srv/programme/2022-2023", "."])
def test_a_demo_plan_never_writes_data_outside_its_output_folder(tmp_path: Path, data: str) -> None:
    with pytest.raises(PlanError, match="must be a folder inside the output folder") as raised:
        load_plan(demo_plan_with(tmp_path, data))
    assert raised.value.exit_code == 3 and repr(data) in str(raised.value)
    # nor does a demo plan that did not go through for_run, as loaded
    with pytest.raises(PlanError, match="inside the output folder"):
        workspace.ensure_data(load_plan(demo_plan_with(tmp_path, "data")), tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plans"]
    assert sorted(p.name for p in (tmp_path / "plans").iterdir()) == ["demo.yaml"]


def test_a_notebooks_setup_writes_the_demo_data_into_the_output_folder(tmp_path: Path) -> None:
    from evaluation import steps

    run = steps.setup(DEMO_PLAN, tmp_path / "out")
    data = tmp_path / "out" / "restricted" / "data" / "2022-2023"
    assert run.plan.data_dir == data.resolve()
    assert (data / "schools.csv").is_file() and (data / "surveys" / "student_climate.csv").is_file()
    assert not (DEMO_PLAN.parent / "data").exists()


def test_run_takes_a_bundled_plans_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from evaluation import cli

    monkeypatch.chdir(tmp_path)
    assert cli.plan_path("demo") == DEMO_PLAN
    assert cli.plan_path("pipelines/demo.yaml") == Path("pipelines/demo.yaml")  # a path stays a path
    (tmp_path / "demo").write_text("programme: mine\n", encoding="utf-8")
    assert cli.plan_path("demo") == Path("demo")  # a file of that name comes first
    assert cli.main(["run", "nodemo"]) == EXIT_BAD_PLAN
    err = capsys.readouterr().err
    assert "nodemo: no such plan file, nor a bundled plan of that name (bundled: " in err
    assert "demo" in err.split("(bundled: ")[1].split(";")[0].split(", ")  # with the other bundled plans
    assert cli.main(["plans"]) == 0
    listed = capsys.readouterr().out
    assert "demo " in listed and "School Partnership Programme (demo), 2022-2023 (synthetic data)" in listed
    assert str(DEMO_PLAN) in listed
