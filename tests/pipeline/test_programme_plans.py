"""The bundled plans of seeds 003 (eTwinning Schools' self-assessment) and 004 (sister schools in
two countries) run from the command line on their synthetic programmes: each outcome's change
before and after is in effects.csv, as computed here from the survey file by hand, and each
scale's reliability is in scales.csv and the report."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaluation.cli import main
from evaluation.config.instruments import load_instrument
from evaluation.errors import EXIT_OK
from evaluation.resources import PIPELINES_DIR
from evaluation.wording import text

pytestmark = pytest.mark.slow  # runs whole pipelines

PLANS = {
    # plan: (instrument, role of scales.csv, outcomes = scales)
    "etwinning": (
        "etwinning_school_criteria",
        "staff",
        ("shared_leadership", "collaborative_school", "student_agency", "model_school", "inclusive_innovative"),
    ),
    "sister_schools": (
        "intercultural_awareness",
        "student",
        ("cultural_openness", "intercultural_communication", "perspective_taking"),
    ),
}


@pytest.fixture(scope="module", params=sorted(PLANS))
def plan_run(request, tmp_path_factory) -> tuple[str, int, Path]:
    out = tmp_path_factory.mktemp(request.param) / "out"
    code = main(["run", str(PIPELINES_DIR / f"{request.param}.yaml"), "--out", str(out)])
    return request.param, code, out


def _keyed(survey: pd.DataFrame, instrument_id: str) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    instrument = load_instrument(instrument_id)
    keyed = survey.copy()
    for item in instrument.reverse_items:
        keyed[item] = 6 - keyed[item]
    return keyed, dict(instrument.scales)


def _survey(out: Path, instrument_id: str) -> pd.DataFrame:
    (path,) = (out / "restricted" / "data").glob(f"*/surveys/{instrument_id}.csv")
    return pd.read_csv(path)


def test_the_run_succeeds(plan_run):
    name, code, out = plan_run
    assert code == EXIT_OK, name
    assert (out / "shared" / "report.html").is_file() and (out / "shared" / "report.pdf").is_file()


def test_effects_hold_each_outcomes_pre_post_change_as_computed_by_hand(plan_run):
    name, _, out = plan_run
    instrument_id, _role, outcomes = PLANS[name]
    keyed, scales = _keyed(_survey(out, instrument_id), instrument_id)
    effects = pd.read_csv(out / "shared" / "results" / "effects.csv")
    prepost = effects[(effects["analysis"] == "prepost") & (effects["group"] == "partner")]
    assert set(prepost["outcome"]) == set(outcomes)
    for outcome in outcomes:
        score = keyed[list(scales[outcome])].mean(axis=1)
        wide = keyed.assign(score=score).pivot(index="respondent_id", columns="wave", values="score").dropna()
        change = wide["post"] - wide["pre"]
        rows = prepost[prepost["outcome"] == outcome].set_index("method")
        assert {"paired_t", "wilcoxon", "welch_t", "paired_cr2"} <= set(rows.index), outcome
        for method in ("paired_t", "paired_cr2"):
            assert rows.loc[method, "n_treatment"] == len(change), (outcome, method)
            assert rows.loc[method, "estimate"] == pytest.approx(change.mean(), abs=1e-12), (outcome, method)
            assert rows.loc[method, "ci_low"] < rows.loc[method, "estimate"] < rows.loc[method, "ci_high"]
        # the paired t interval of the mean change (R: t.test(post, pre, paired = TRUE))
        half = stats.t.ppf(0.975, len(change) - 1) * change.std(ddof=1) / np.sqrt(len(change))
        assert rows.loc["paired_t", "ci_low"] == pytest.approx(change.mean() - half, abs=1e-10)


def test_each_scales_reliability_is_in_scales_csv_and_the_report(plan_run):
    name, _, out = plan_run
    instrument_id, role, outcomes = PLANS[name]
    keyed, scales = _keyed(_survey(out, instrument_id), instrument_id)
    table = pd.read_csv(out / "shared" / "results" / "scales.csv")
    assert set(table["role"]) == {role} and not table["suppressed"].any()
    for scale in outcomes:
        for wave in ("pre", "post"):
            answers = keyed.loc[keyed["wave"] == wave, list(scales[scale])].dropna()
            k = answers.shape[1]
            alpha = k / (k - 1) * (1 - answers.var(ddof=1).sum() / answers.sum(axis=1).var(ddof=1))  # Cronbach
            (row,) = table[(table["scale"] == scale) & (table["wave"] == wave)].itertuples()
            assert row.n == len(answers) and row.alpha == pytest.approx(alpha, abs=1e-10), (scale, wave)
            assert row.alpha_ci_low < row.alpha < row.alpha_ci_high
    page = (out / "shared" / "report.html").read_text(encoding="utf-8")
    shown = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)))
    assert text("report.sections.reliability.heading", "en") in shown
    for scale_title in load_instrument(instrument_id).scale_titles.values():
        assert scale_title["en"] in shown


def _shown(out: Path) -> str:
    page = (out / "shared" / "report.html").read_text(encoding="utf-8")
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


#: Per plan: who answered, in the report's words; whether it sent an indicators table.
ANSWERED = {"etwinning": ("respondents", True), "sister_schools": ("students", False)}


def test_the_report_has_no_section_it_cannot_fill_and_names_who_answered(plan_run):
    name, _, out = plan_run
    who, indicators = ANSWERED[name]
    shown = _shown(out)
    # neither programme sent an activity calendar: no activities section at all
    assert text("report.sections.activities.heading", "en") not in shown
    assert text("report.sections.activities.none", "en") not in shown
    assert (text("report.sections.indicators.heading", "en") in shown) == indicators
    # the changes name who answered (a school team answering for its school is not a student)
    assert re.search(rf"\d+ {who} (took part|answered) in both waves", shown), who
    for other in {"students", "teachers", "respondents"} - {who}:
        assert not re.search(rf"\d+ {other} (took part|answered) in both waves", shown), other
    assert "-0.00" not in shown


def test_every_school_is_shown_with_its_own_means(plan_run):
    """The self-assessment has one form per school and wave: its plan's minimum of 1 shows each
    school's own means (the sister schools' 40 and more students each are shown at 10)."""
    name, _, out = plan_run
    instrument_id, _role, outcomes = PLANS[name]
    table = pd.read_csv(out / "shared" / "results" / "schools.csv")
    keyed, scales = _keyed(_survey(out, instrument_id), instrument_id)
    keyed = keyed.assign(score=keyed[list(scales[outcomes[0]])].mean(axis=1))
    mine = table[table["outcome"] == outcomes[0]].set_index("school_id")
    for wave in ("pre", "post"):  # every school with a form (or a student) in the wave shows its mean
        by_school = keyed[keyed["wave"] == wave].groupby("school_id")["score"].agg(["mean", "size"])
        assert mine.loc[by_school.index, f"n_{wave}"].tolist() == by_school["size"].tolist()
        assert (by_school["size"] == 1).all() == (name == "etwinning")
        expected = by_school["mean"].to_numpy()
        assert mine.loc[by_school.index, f"mean_{wave}"].to_numpy() == pytest.approx(expected, abs=1e-12)
    # each school's change: post minus pre of its own form (no interval), or its students' mean change
    wide = keyed.pivot_table(index=["school_id", "respondent_id"], columns="wave", values="score").dropna()
    change = (wide["post"] - wide["pre"]).groupby("school_id").mean()
    assert mine.loc[change.index, "change"].to_numpy() == pytest.approx(change.to_numpy(), abs=1e-12)
    assert mine.loc[change.index, "change_ci_low"].isna().all() == (name == "etwinning")
    assert (~mine["suppressed"] | mine["n_pre"].isna() | mine["n_post"].isna()).all()
    shown = _shown(out)
    assert "Every school had fewer than" not in shown
    schools = pd.read_csv(next((out / "restricted" / "data").glob("*/schools.csv")))
    assert all(school in shown for school in schools["school_name"])
