"""`evaluation run PLAN`: the whole evaluation of the demo programme, and how it stops."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from evaluation.config.plan import load_plan
from evaluation.demo import TRUE_EFFECTS
from evaluation.errors import EXIT_BAD_PLAN, EXIT_INVALID_DATA, EXIT_UNREADABLE, ValidationFailed
from evaluation.pipeline import NOTEBOOK_ORDER, run_plan
from evaluation.stats.estimate import EFFECT_COLUMNS, read_effects

from conftest import plan_for

pytestmark = pytest.mark.slow  # the whole module runs the demo programme or validates whole directories

EVALUATION = Path(sys.executable).parent / "evaluation"  # the console command of the install


@pytest.fixture(scope="module")
def run(demo_run: Path) -> Path:
    return demo_run


@pytest.fixture(scope="module")
def effects(run: Path) -> pd.DataFrame:
    return read_effects(run / "shared" / "results" / "effects.csv")


@pytest.fixture(scope="module")
def report(run: Path) -> str:
    return (run / "shared" / "report.html").read_text(encoding="utf-8")


def test_effects_table_has_the_data_models_columns_and_every_analysis(effects: pd.DataFrame, demo_plan: Path) -> None:
    assert list(effects.columns) == list(EFFECT_COLUMNS)
    for outcome in load_plan(demo_plan).outcomes:
        mine = effects[(effects["outcome"] == outcome.id) & (effects["subgroup"] == "all")]
        assert sorted(mine.loc[mine["analysis"] == "prepost", "group"]) == sorted(["all", "control", "partner"] * 4)
        versus = mine[mine["analysis"] == "partner_vs_control"]
        # surveys: 14-19% of the pre-wave respondents did not answer at post (> 5%): multiple imputation
        imputed = ["ancova_mi"] if outcome.source == "survey" else []
        assert list(versus["method"]) == ["ancova_cr1", "ancova_cr2", "mixed_reml", "did", *imputed]
        assert list(mine.loc[mine["analysis"] == "baseline_equivalence", "method"]) == ["baseline_equivalence"]
        prepost = mine[(mine["analysis"] == "prepost") & (mine["group"] == "all")]
        assert list(prepost["method"]) == ["paired_t", "wilcoxon", "welch_t", "paired_cr2"]
        assert mine["domain"].eq(outcome.domain).all()
    # Subgroups of the plan are there too, with their cells named as the data model says, and one
    # moderation row per subgroup variable for each outcome whose students have it
    levels = r"resource_level=(high|medium|low)"
    assert effects["subgroup"].str.fullmatch(rf"all|grade=\d+|sex=[FM]|{levels}|grade|sex|resource_level").all()
    assert {"grade=9", "grade=10", "grade=11", "sex=F", "sex=M", "resource_level=low"} <= set(effects["subgroup"])
    moderation = effects[effects["analysis"] == "moderation"]
    assert set(moderation["subgroup"]) == {"grade", "sex", "resource_level"}
    assert set(moderation["method"]) == {"ancova_cr2"}
    assert not moderation.duplicated(["outcome", "subgroup"]).any()
    assert set(moderation.loc[moderation["subgroup"].isin(["grade", "resource_level"]), "note"]) == {"wald_f:2"}
    assert set(moderation.loc[moderation["subgroup"] == "sex", "note"]) == {""}
    assert moderation["p_value"].between(0, 1).all() and moderation["p_adjusted"].isna().all()


def test_pipeline_recovers_the_true_effects(effects: pd.DataFrame) -> None:
    ancova = effects[
        (effects["analysis"] == "partner_vs_control")
        & (effects["subgroup"] == "all")
        & (effects["method"] == "ancova_cr2")
    ]
    covered = {row.outcome: row.ci_low <= TRUE_EFFECTS[row.outcome] <= row.ci_high for row in ancova.itertuples()}
    assert covered == dict.fromkeys(TRUE_EFFECTS, True)


def test_every_notebook_was_executed_with_the_plans_parameters(run: Path, demo_plan: Path) -> None:
    for name in NOTEBOOK_ORDER:
        notebook = json.loads((run / "restricted" / "notebooks" / name).read_text(encoding="utf-8"))
        injected = [c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
        assert len(injected) == 1 and str(demo_plan) in "".join(injected[0]["source"]), name
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert all(c["execution_count"] is not None for c in code), name
        streams = "".join("".join(o.get("text", "")) for c in code for o in c["outputs"])
        # GX's progress bars are turned off: nothing like "Calculating Metrics: 100%|####|" remains.
        assert not re.search(r"\d+%\|", streams), name


def test_report_is_readable_html_with_a_table_and_figure_per_analysis(report: str) -> None:
    assert report.count("<table") >= 4  # data, validation, before-after, partner-versus-control (+ subgroups)
    figures = re.findall(r'<img [^>]*src="data:image/png;base64,', report)
    assert len(figures) >= 2  # before-after means and the partner-versus-control forest plot
    for heading in ("What we found", "Partner schools compared with control schools", "Before and after", "The data"):
        assert heading in report
    assert "In mathematics, partner-school students" in report and "sense of belonging" in report


def test_report_is_also_printed_to_pdf(run: Path) -> None:
    pdf = (run / "shared" / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 100_000  # the charts are in it, not just the text


def test_report_holds_no_code_and_no_errors(report: str) -> None:
    for code in ("load_plan", "import pandas", "plt.show()", "Traceback", "Error:", "Warning:"):
        assert code not in report


def test_shared_results_hold_no_row_level_data(run: Path) -> None:
    for table in (run / "shared" / "results").glob("*.csv"):
        columns = set(pd.read_csv(table, nrows=0).columns)
        assert not columns & {"student_id", "respondent_id", "teacher_id"}, table


def test_run_writes_the_data_quality_warnings(run: Path) -> None:
    warnings = pd.read_csv(run / "restricted" / "validation" / "warnings.csv", keep_default_na=False)
    status = json.loads((run / "restricted" / "validation" / "status.json").read_text(encoding="utf-8"))
    assert status["warnings"] == len(warnings) > 0
    assert set(warnings["check"]) <= {"outlier", "straight_lining", "duplicate_submission"}
    assert (
        warnings["message"]
        .str.contains("the same answer|far from your school's other scores|the same answers", case=False)
        .all()
    )


@pytest.fixture(scope="module")
def broken_plan(demo_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data with one impossible exam score (150 of 100) on spreadsheet row 2."""
    folder = tmp_path_factory.mktemp("broken")
    data = shutil.copytree(demo_data, folder / "data")
    exams = (data / "exam_results.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    fields = exams[1].split(",")
    fields[6] = "150"  # the score column
    exams[1] = ",".join(fields)
    (data / "exam_results.csv").write_text("".join(exams), encoding="utf-8")
    return plan_for(data, folder)


def test_validation_failure_stops_the_run_before_any_analysis(broken_plan: Path, tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as raised:
        run_plan(broken_plan, tmp_path)
    assert raised.value.exit_code == EXIT_INVALID_DATA
    assert "quarantine.csv" in str(raised.value) and "exam_results" in str(raised.value)
    quarantine = pd.read_csv(tmp_path / "restricted" / "validation" / "quarantine.csv", keep_default_na=False)
    score = quarantine[quarantine["column"] == "score"]
    assert (
        list(score["rule"]) == ["score_range"]
        and list(score["row"]) == [2]
        and list(score["value"].astype(str)) == ["150"]
    )
    school = str(score["school_id"].iloc[0])
    fix_lists = tmp_path / "restricted" / "validation" / "fix-lists"
    index = pd.read_csv(fix_lists / "index.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert school in set(index["school_id"])
    fixes = pd.read_csv(fix_lists / f"{school}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert ("exam_results.csv", "2", "150", "score_range") in set(
        fixes[["file", "row", "found", "rule"]].itertuples(index=False, name=None)
    )
    assert "exam_results.csv" in (tmp_path / "shared" / "validation" / "validation.html").read_text(encoding="utf-8")
    assert not (tmp_path / "shared" / "report.html").exists() and not (tmp_path / "shared" / "report.pdf").exists()
    assert not (tmp_path / "restricted" / "notebooks" / "02-prepost.ipynb").exists()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(EVALUATION), *args], capture_output=True, text=True, timeout=600)


def test_command_line_exit_codes_and_messages(broken_plan: Path, tmp_path: Path) -> None:
    invalid = _cli("run", str(broken_plan), "--out", str(tmp_path / "a"))
    assert invalid.returncode == EXIT_INVALID_DATA
    assert "score_range" in invalid.stderr and "row 2" in invalid.stderr

    missing_data = plan_for(tmp_path / "nowhere", tmp_path)
    unreadable = _cli("run", str(missing_data), "--out", str(tmp_path / "b"))
    assert unreadable.returncode == EXIT_UNREADABLE
    assert "does not exist" in unreadable.stderr

    bad_plan = tmp_path / "bad.yaml"
    bad_plan.write_text("programme: x\nperiod: 2022-2023\ndata: .\noutcomes: []\nalpah: 0.05\n", encoding="utf-8")
    plan_error = _cli("run", str(bad_plan))
    assert plan_error.returncode == EXIT_BAD_PLAN
    assert "alpah" in plan_error.stderr

    for result in (invalid, unreadable, plan_error):
        assert "Traceback" not in result.stderr + result.stdout


def test_on_quarantine_continue_analyses_the_accepted_rows(broken_plan: Path, tmp_path: Path) -> None:
    from evaluation import steps

    plan = plan_for(load_plan(broken_plan).data_dir, tmp_path, on_quarantine="continue")
    out = tmp_path / "out"
    run = steps.setup(plan, out)
    for notebook in steps.NOTEBOOKS:  # every section, as the notebooks call them, without papermill
        shown = steps.run_sections(run, notebook)
    summary = pd.read_csv(out / "shared" / "validation" / "validation-summary.csv").set_index("table")
    assert summary.loc["exam_results", "quarantined"] == 1
    assert summary.loc["exam_results", "rows"] == summary.loc["exam_results", "accepted"] + 1
    assert "1 row of the schools' data broke a data contract and was left out" in shown[0].text
    effects = read_effects(out / "shared" / "results" / "effects.csv")
    maths = effects[
        (effects["outcome"] == "mathematics") & (effects["method"] == "ancova_cr2") & (effects["subgroup"] == "all")
    ]
    analysed = run.frames["mathematics"].dropna(subset=["pre", "post"])
    assert int(maths["n_treatment"].iloc[0] + maths["n_control"].iloc[0]) == len(analysed)


def test_the_command_says_how_many_rows_were_left_out(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from evaluation import cli, pipeline

    def finished_run(plan, out, progress):
        (out / "restricted" / "validation" / "fix-lists").mkdir(parents=True)
        (out / "restricted" / "validation" / "status.json").write_text(json.dumps({"quarantined": 3}), encoding="utf-8")
        (out / "shared").mkdir()
        (out / "shared" / "report.html").write_text("<html></html>", encoding="utf-8")
        return out

    monkeypatch.setattr(pipeline, "run_plan", finished_run)
    assert cli.main(["run", "demo", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr()
    assert "3 row(s) broke a data contract and were left out" in printed.err
    assert str(tmp_path / "restricted" / "validation" / "quarantine.csv") in printed.err
    assert "report.html" in printed.out and "fix-lists/" in printed.out
    assert "schools/index.html" not in printed.out  # this run wrote no pages, so none are announced


def test_a_broken_table_stops_the_analyses_even_with_on_quarantine_continue(demo_data: Path, tmp_path: Path) -> None:
    from evaluation import steps

    data = shutil.copytree(demo_data, tmp_path / "data")
    students = pd.read_csv(data / "students.csv", dtype=str)
    students.drop(columns="grade").to_csv(data / "students.csv", index=False)
    run = steps.setup(plan_for(data, tmp_path, on_quarantine="continue"), tmp_path / "out")
    with pytest.raises(ValidationFailed) as raised:
        steps.prepost.mean_change(run)
    assert "students: missing required column 'grade'" in str(raised.value)
    assert "whatever on_quarantine says" in str(raised.value)
    assert not (tmp_path / "out" / "shared" / "results" / "effects.csv").exists()


def test_design_table_for_next_year(run: Path) -> None:
    from evaluation.stats.power import DESIGN_COLUMNS, mdes

    design = pd.read_csv(run / "shared" / "results" / "design.csv")
    assert list(design.columns) == ["outcome", *DESIGN_COLUMNS]
    # the demo plan's academic outcomes are its four exams; 20 to 80 schools each
    assert list(design["outcome"].unique()) == ["mathematics", "science", "turkish", "english"]
    assert design.groupby("outcome", sort=False)["schools"].agg(list).tolist() == [[20, 30, 40, 60, 80]] * 4
    # 14 partner and 14 control schools this year; the generator's school ICC is about 0.14
    assert design["share_partner"].eq(0.5).all() and design["alpha"].eq(0.05).all() and design["power"].eq(0.8).all()
    assert design["icc"].between(0.03, 0.4).all()
    assert design["r2_school"].between(0, 0.99).all() and design["r2_student"].between(0.2, 0.9).all()
    for row in design.itertuples():
        assert row.mdes == pytest.approx(
            mdes(row.schools, row.students_per_school, row.icc, row.r2_school, row.r2_student, row.share_partner).mdes,
            rel=1e-9,
        )
    assert design.groupby("outcome")["mdes"].apply(lambda m: m.is_monotonic_decreasing).all()


def test_missing_outcome_data_per_group_and_the_imputed_rows(run: Path, effects: pd.DataFrame) -> None:
    from evaluation.analysis.missing import MISSING_COLUMNS

    missing = pd.read_csv(run / "shared" / "results" / "missing.csv")
    assert list(missing.columns) == MISSING_COLUMNS
    assert missing["share_missing"].tolist() == pytest.approx((missing["n_missing"] / missing["n"]).tolist())
    assert not missing["suppressed"].any()
    share = missing.groupby("outcome", sort=False)["share_missing"].max()
    # the demo's exams miss 4% of the post-test (missing_post 0.04); students answer a survey wave with
    # probability 0.85 and teachers 0.90, independently across waves
    assert share[["mathematics", "science", "turkish", "english"]].between(0.03, 0.05).all()
    assert share[["belonging", "peer_collaboration", "teacher_collaboration"]].between(0.1, 0.25).all()
    imputed = effects[effects["method"] == "ancova_mi"]
    assert sorted(imputed["outcome"]) == sorted(share.index[share > 0.05])
    assert imputed["subgroup"].eq("all").all() and imputed["analysis"].eq("partner_vs_control").all()
    # imputation counts every unit with a pre-test; the complete-case ANCOVA those with both tests
    cr2 = effects[(effects["method"] == "ancova_cr2") & (effects["subgroup"] == "all")].set_index("outcome")
    for row in imputed.itertuples():
        counts = missing[missing["outcome"] == row.outcome].set_index("group")["n"]
        assert (row.n_treatment, row.n_control) == (counts["partner"], counts["control"])
        assert row.n_treatment > cr2.loc[row.outcome, "n_treatment"]
        assert row.ci_low <= TRUE_EFFECTS[row.outcome] <= row.ci_high
