"""The report's charts as a reader meets them: honest axes (a survey scale's full range, an exam's
0 to 100), titles and axis labels in the plan's language with its decimal mark, the thresholds the
text uses drawn and labelled, the Okabe-Ito colours, and an alternative text in words built from
the data (escaped into the image's ``alt`` attribute)."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from reporting.test_injection import PAYLOADS, Page

from evaluation.config.instruments import load_instrument
from evaluation.reporting import escaping as md
from evaluation.reporting import figures
from evaluation.reporting import years as years_text
from evaluation.reporting.sensitivity import love_chart
from evaluation.reporting.sentences import label
from evaluation.resources import PIPELINES_DIR
from evaluation.steps.display import Shown, chart_of, figure_of

INSTRUMENTS = PIPELINES_DIR.parent / "data_contracts" / "instruments"
#: Okabe & Ito (2008), "Color Universal Design", as published (not read from the module).
PUBLISHED_OKABE_ITO = {
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _close_figures():
    """The charts drawn here are closed after each test (pyplot keeps them open otherwise)."""
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def _plan_and_instruments():
    plan = SimpleNamespace(
        outcomes=[
            SimpleNamespace(id="mathematics", source="exam", instrument=None),
            SimpleNamespace(id="belonging", source="survey", instrument="student_climate"),
        ]
    )
    return plan, {"student_climate": load_instrument(INSTRUMENTS / "student_climate.yaml")}


def _means(belonging=(3.1, 3.3), high_ci: float = 0.1) -> pd.DataFrame:
    rows = []
    for outcome, (pre, post) in (("mathematics", (51.2, 54.8)), ("belonging", belonging)):
        for group, shift in (("partner", 0.0), ("control", -0.1)):
            for wave, value in (("pre", pre + shift), ("post", post + shift)):
                rows.append((outcome, group, wave, value, value - high_ci, value + high_ci))
    return pd.DataFrame(rows, columns=["outcome", "group", "wave", "mean", "ci_low", "ci_high"])


def _effects() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "outcome": ["mathematics", "belonging", "science"],
            "effect_size": [0.12, -0.04, 0.5],
            "effect_size_ci_low": [-0.05, -0.21, 0.1],
            "effect_size_ci_high": [0.29, 0.13, 0.9],
            "suppressed": [False, False, True],
        }
    )


def _drawn(figure: Figure) -> Figure:
    figure.savefig(io.BytesIO(), format="png")  # ticks and their labels are made when drawn
    return figure


def _alt(chart: md.Chart) -> str:
    image = Page(chart._repr_html_())
    assert [tag for tag, _ in image.elements] == ["img"]
    attributes = image.elements[0][1]
    assert attributes["src"].startswith("data:image/png;base64,")
    return attributes["alt"]


# --- honest axes -------------------------------------------------------------------------------


def test_scales_come_from_the_instrument_and_the_exam_contract() -> None:
    plan, instruments = _plan_and_instruments()
    declared = yaml.safe_load((INSTRUMENTS / "student_climate.yaml").read_text(encoding="utf-8"))["response_scale"]
    exam = yaml.safe_load((PIPELINES_DIR.parent / "data_contracts" / "exam_results.yaml").read_text(encoding="utf-8"))
    score = next(p for p in exam["schema"][0]["properties"] if p["name"] == "score")["logicalTypeOptions"]
    scales = figures.outcome_scales(plan, instruments)
    assert (scales["belonging"].low, scales["belonging"].high) == (declared["min"], declared["max"]) == (1, 5)
    assert (scales["mathematics"].low, scales["mathematics"].high) == (score["minimum"], score["maximum"])


def test_before_and_after_axes_span_each_outcomes_full_range() -> None:
    plan, instruments = _plan_and_instruments()
    scales = figures.outcome_scales(plan, instruments)
    figure = _drawn(figures.prepost_plot(_means(), "en", scales))
    axes = {ax.get_title(): ax for ax in figure.axes if ax.get_visible()}
    assert axes["mathematics"].get_ylim() == (0.0, 100.0)
    assert axes["sense of belonging"].get_ylim() == (1.0, 5.0)  # not 3.0 to 3.4: a 0.2 change looks small
    assert axes["sense of belonging"].get_ylabel() == "mean answer (scale 1–5)"
    assert axes["mathematics"].get_ylabel() == "mean score (0–100)"
    assert all(ax.get_xlabel() == "time of measurement" for ax in axes.values())
    assert figure.get_suptitle() == "Mean before and after, with 95% intervals"
    # without the scales (an old caller) the axis follows the data: the truncated axis of issue 14
    narrow = _drawn(figures.prepost_plot(_means(), "en"))
    low, high = next(ax for ax in narrow.axes if ax.get_title() == "sense of belonging").get_ylim()
    assert low > 2.5 and high < 3.6


def test_an_interval_past_the_scale_widens_the_axis_rather_than_being_cut() -> None:
    plan, instruments = _plan_and_instruments()
    figure = _drawn(
        figures.prepost_plot(_means(belonging=(4.8, 4.9), high_ci=0.3), "en", figures.outcome_scales(plan, instruments))
    )
    ax = next(ax for ax in figure.axes if ax.get_title() == "sense of belonging")
    low, high = ax.get_ylim()
    assert low == 1.0 and high == pytest.approx(4.9 + 0.3)


# --- language ----------------------------------------------------------------------------------


def _numeric_labels(labels) -> list[str]:
    return [t.get_text() for t in labels if any(c.isdigit() for c in t.get_text())]


def test_turkish_ticks_use_a_decimal_comma_and_english_a_point() -> None:
    plan, instruments = _plan_and_instruments()
    scales = figures.outcome_scales(plan, instruments)
    for language, mark, other in (("tr", ",", "."), ("en", ".", ",")):
        forest = _drawn(figures.forest_plot(_effects(), language))
        ticks = _numeric_labels(forest.axes[0].get_xticklabels())
        assert any(mark in t for t in ticks) and not any(other in t for t in ticks), ticks
        prepost = _drawn(figures.prepost_plot(_means(), language))  # no scales: the data's 3.0 to 3.4
        belonging = [ax for ax in prepost.axes if ax.get_visible()][1]
        ticks = _numeric_labels(belonging.get_yticklabels())
        assert f"3{mark}0" in ticks and f"3{mark}2" in ticks and not any(other in t for t in ticks), ticks
    survey = _drawn(figures.prepost_plot(_means(), "tr", scales))
    belonging = next(ax for ax in survey.axes if "1–5" in ax.get_ylabel())
    low, high = belonging.get_ylim()
    assert [tick for tick in belonging.get_yticks() if low <= tick <= high] == [1, 2, 3, 4, 5]  # its points
    turkish = _drawn(figures.prepost_plot(_means(), "tr", scales))
    assert turkish.get_suptitle() == "Önce ve sonra ortalamalar, %95 güven aralıklarıyla"
    assert {ax.get_ylabel() for ax in turkish.axes if ax.get_visible()} == {
        "ortalama puan (0–100)",
        "ortalama yanıt (ölçek 1–5)",
    }


def test_love_plot_and_indicator_ticks_in_turkish_use_commas() -> None:
    balance = pd.DataFrame({"covariate": ["size"], "std_diff_before": [0.62], "std_diff_after": [0.08]})
    love = _drawn(figures.love_plot(balance, language="tr"))
    ticks = _numeric_labels(love.axes[0].get_xticklabels())
    assert any("," in t for t in ticks) and not any("." in t for t in ticks)
    assert love.axes[0].get_title() == "Eşleştirme öncesi ve sonrası farklar"


def test_timeline_months_are_written_in_turkish() -> None:
    log = pd.DataFrame(
        {
            "partnership_id": ["P1", "P1"],
            "activity_no": [1, 2],
            "activity_type": ["meeting", "meeting"],
            "planned_month": ["2022-10", "2022-12"],
            "status": ["done", "planned"],
            "completed_on": ["2022-10-20", None],
        }
    )
    figure = _drawn(figures.activity_timeline(log, "tr"))
    months = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert "Kasım 2022" in months and "Aralık 2022" in months
    assert not any("-" in month for month in months)  # no ISO dates
    assert figure.axes[0].get_title() == "Her faaliyetin planlandığı ay ve yapıldığı gün"


# --- thresholds and palette --------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "tr"])
def test_forest_plot_marks_zero_and_the_wwc_threshold_with_labels(language: str) -> None:
    figure = _drawn(figures.forest_plot(_effects(), language))
    ax = figure.axes[0]
    vertical = sorted(
        line.get_xdata()[0]
        for line in ax.get_lines()
        if len(set(line.get_xdata())) == 1 and line.get_linestyle() != "None"
    )
    assert vertical == [-0.25, 0.0, 0.25]
    low, high = ax.get_xlim()
    assert low < -0.25 and high > 0.29  # both thresholds and the widest interval drawn
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == (
        ["0: no difference", "±0.25: substantively important (WWC)"]
        if language == "en"
        else ["0: fark yok", "±0,25: pratik açıdan önemli etki (WWC)"]
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == (
        [label("mathematics", language), label("belonging", language)]
    )
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_every_chart_draws_with_the_okabe_ito_colours() -> None:
    assert {c.upper() for c in figures.OKABE_ITO.values()} == PUBLISHED_OKABE_ITO
    assert figures.PALETTE == {"partner": "#0072B2", "control": "#D55E00", "all": "#000000"}
    plan, instruments = _plan_and_instruments()
    prepost = _drawn(figures.prepost_plot(_means(), "en", figures.outcome_scales(plan, instruments)))
    colours = {to_hex(line.get_color()).upper() for ax in prepost.axes for line in ax.get_lines()}
    assert colours == {"#0072B2", "#D55E00"}
    forest = _drawn(figures.forest_plot(_effects(), "en"))
    data_lines = [line for line in forest.axes[0].get_lines() if line.get_marker() == "o"]
    assert {to_hex(line.get_color()).upper() for line in data_lines} == {"#0072B2"}
    log = pd.DataFrame(
        {
            "partnership_id": ["P1"] * 4,
            "activity_no": [1, 2, 3, 4],
            "activity_type": ["meeting"] * 4,
            "planned_month": ["2022-10", "2022-11", "2022-12", "2023-01"],
            "status": ["done", "partial", "postponed", "cancelled"],
            "completed_on": ["2022-10-20", "2022-11-03", None, None],
        }
    )
    timeline = _drawn(figures.activity_timeline(log, "en"))
    filled = {
        to_hex(colour).upper()
        for collection in timeline.axes[0].collections
        for colour in collection.get_facecolors()
        if colour[3] > 0
    }
    assert filled == {"#009E73", "#56B4E9", "#E69F00", "#D55E00"}


# --- alternative texts -------------------------------------------------------------------------


def test_forest_alt_names_each_drawn_outcome_with_its_numbers() -> None:
    alt = figures.forest_alt(_effects(), "en")
    assert "mathematics 0.12 (95% interval -0.05 to 0.29)" in alt.replace("\u2212", "-")
    assert "sense of belonging -0.04 (95% interval -0.21 to 0.13)" in alt.replace("\u2212", "-")
    assert "science" not in alt  # suppressed: not drawn
    assert "±0.25" in alt
    turkish = figures.forest_alt(_effects(), "tr")
    assert "matematik 0,12" in turkish and "±0,25" in turkish


def test_prepost_alt_gives_each_outcome_its_range_and_each_groups_means() -> None:
    plan, instruments = _plan_and_instruments()
    scales = figures.outcome_scales(plan, instruments)
    alt = figures.prepost_alt(_means(), "en", scales)
    assert "mathematics (from 0 to 100): partner schools 51.20 before and 54.80 after" in alt
    assert "sense of belonging (from 1 to 5): partner schools 3.10 before and 3.30 after" in alt
    assert "control schools 3.00 before and 3.20 after" in alt
    assert f"{label('belonging', 'tr')} (1 ile 5 arası): ortak okullar önce 3,10, sonra 3,30" in (
        figures.prepost_alt(_means(), "tr", scales)
    )


def test_figure_of_with_alt_is_a_chart_whose_alt_is_escaped() -> None:
    means = _means().replace({"outcome": {"belonging": PAYLOADS[0]}})
    chart = figure_of(figures.prepost_plot(means, "en"), figures.prepost_alt(means, "en"))
    assert isinstance(chart, md.Chart)
    page = Page(chart._repr_html_())
    assert [tag for tag, _ in page.elements] == ["img"]  # the payload made no element
    assert PAYLOADS[0] in page.elements[0][1]["alt"]
    assert isinstance(figure_of(figures.forest_plot(_effects(), "en")), Figure)  # old callers: a Figure
    assert Shown(chart).figures == [chart.figure]
    assert isinstance(chart_of(figures.forest_plot(_effects(), "en"), "x"), md.Chart)


def test_love_chart_has_its_numbers_in_words() -> None:
    balance = pd.DataFrame(
        {"covariate": ["size", "baseline_mean"], "std_diff_before": [0.62, -0.41], "std_diff_after": [0.08, -0.03]}
    )
    alt = _alt(love_chart(balance, "en")).replace("\u2212", "-")
    assert "0.62 before and 0.08 after" in alt and "-0.41 before and -0.03 after" in alt
    assert "±0.10" in alt and "±0.25" in alt
    assert "0,62 önce" not in _alt(love_chart(balance, "tr")) and "önce 0,62, sonra 0,08" in _alt(
        love_chart(balance, "tr")
    )


def test_indicator_alt_gives_first_and_last_year_per_group() -> None:
    from reporting.test_years_report import _indicators

    table = _indicators(["europass_mobility"])
    alt = years_text.indicators_alt(table, "en")
    # partner schools A (1 per year step) and B (2 per step): 2022 (1 + 2) / 2 = 1.5, 2024 (3 + 6) / 2 = 4.5
    assert "Europass mobility documents: partner schools 1.50 in 2022 and 4.50 in 2024" in alt
    assert "control schools 3.00 in 2022 and 9.00 in 2024" in alt
    assert "2022 yılında 1,50" in years_text.indicators_alt(table, "tr")


def test_the_bundled_instruments_give_a_scale_to_every_survey_outcome_of_the_demo() -> None:
    from evaluation.config.plan import load_plan
    from evaluation.resources import DEMO_PLAN

    plan = load_plan(Path(DEMO_PLAN))
    instruments = {
        o.instrument: load_instrument(INSTRUMENTS / f"{o.instrument}.yaml") for o in plan.outcomes if o.instrument
    }
    scales = figures.outcome_scales(plan, instruments)
    assert set(scales) == {o.id for o in plan.outcomes}


def test_a_knowledge_test_is_drawn_as_the_percentage_right_over_0_to_100() -> None:
    plan = SimpleNamespace(outcomes=[SimpleNamespace(id="ethics", source="test", instrument=None)])
    scales = figures.outcome_scales(plan, {})
    means = _means().replace({"outcome": {"mathematics": "ethics"}})
    means = means[means["outcome"] == "ethics"]
    ax = _drawn(figures.prepost_plot(means, "en", scales)).axes[0]
    assert ax.get_ylim() == (0.0, 100.0) and ax.get_ylabel() == "mean percentage right (0–100)"
