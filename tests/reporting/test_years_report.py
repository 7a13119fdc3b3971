"""The report's sections over the school years: the indicators' small multiples (a panel per
indicator titled by its label, whole years on the x axis, a line per group), the chart in words
and the compact table, in the plan's language; indicator ids from the data that are no known
indicator are shown as written and escaped; each year's findings in a table."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from reporting.test_injection import ALL, PAYLOADS, Page, hostile_markup, rendered

from evaluation.analysis.indicators import indicator_rows, indicator_summary
from evaluation.reporting import escaping as md
from evaluation.reporting import years as years_text
from evaluation.steps.display import Shown

HOSTILE = [PAYLOADS[0], "$\\foo{$", "[link](javascript:alert(1))"]


def _indicators(names: list[str], years=(2022, 2023, 2024), controls: bool = True) -> pd.DataFrame:
    schools = pd.DataFrame(
        {
            "school_id": ["A", "B", "C"],
            "group": ["partner", "partner", "control" if controls else "partner"],
            "school_type": ["primary_school", "kindergarten", "primary_school"],
        }
    )
    rows = [
        (school, year, name, (position + 1) * (year - years[0] + 1))
        for position, school in enumerate(schools["school_id"])
        for year in years
        for name in names
    ]
    frame = pd.DataFrame(rows, columns=["school_id", "year", "indicator", "value"])
    return indicator_summary(indicator_rows([(frame, schools)]))


@pytest.mark.parametrize("language", ["en", "tr"])
def test_small_multiples_one_panel_per_indicator_with_labels_and_whole_years(language: str) -> None:
    table = _indicators(["europass_mobility", "etwinning_project"])
    figure = years_text.indicators_plot(table, language)
    figure.savefig(io.BytesIO(), format="png")
    shown = [ax for ax in figure.axes if ax.get_visible()]
    titles = [ax.get_title() for ax in shown]
    if language == "en":
        assert titles == ["Europass mobility documents", "eTwinning projects"]
        assert shown[0].get_xlabel() == "year" and shown[0].get_ylabel() == "per school"
    else:
        assert titles == ["Europass hareketlilik belgesi", "eTwinning projesi"]
        assert shown[0].get_xlabel() == "yıl" and shown[0].get_ylabel() == "okul başına"
    ticks = [tick for tick in shown[0].get_xticks() if 2022 <= tick <= 2024]
    assert ticks == [2022, 2023, 2024]  # whole years, no 2022.5
    lines = {line.get_label(): list(line.get_ydata()) for line in shown[0].get_lines()}
    partner = "partner schools" if language == "en" else "ortak okullar"
    # partner schools A (1 per year step) and B (2 per step): 2022 (1 + 2) / 2 = 1.5, 2023 (2 + 4) / 2 = 3
    assert lines[partner] == [1.5, 3.0, 4.5]
    assert len(lines) == 2


def test_hostile_indicator_ids_are_drawn_as_written_and_escaped_in_the_text_and_table() -> None:
    table = _indicators(HOSTILE, controls=False)
    figure = years_text.indicators_plot(table, "en")
    figure.savefig(io.BytesIO(), format="png")
    assert sorted(ax.get_title() for ax in figure.axes if ax.get_visible()) == sorted(HOSTILE)
    alt = years_text.indicators_alt_text(table, "en")
    page = rendered(alt)
    assert not hostile_markup(page) and not any(tag in ("script", "a") for tag, _ in page.elements)
    assert PAYLOADS[0] in page.words and "from 2022 to 2024" in page.words
    compact = md.ReportTable(years_text.indicators_table(table, "en"), "en")
    html = Shown(compact).tables[0].to_html()
    cells = Page(html)
    assert not hostile_markup(cells) and "&lt;script&gt;" in html
    assert all(name in cells.words for name in ("[link](javascript:alert(1))", "$\\foo{$"))


def test_the_compact_table_has_a_column_per_year_and_the_change_since_the_first() -> None:
    table = years_text.indicators_table(_indicators(["europass_mobility"], controls=False), "en")
    assert list(table.columns) == [
        "indicator",
        "2022",
        "2023",
        "2024",
        "schools reporting in 2024",
        "change per school since the first year",
    ]  # fmt: skip  (one group, all schools: no group column)
    # all three schools: 2022 (1 + 2 + 3) / 3 = 2, 2023 4, 2024 6; change 6 - 2 = 4
    assert table.iloc[0].tolist() == ["Europass mobility documents", 2.0, 4.0, 6.0, 3, 4.0]
    with_controls = years_text.indicators_table(_indicators(["europass_mobility"]), "en")
    # partner schools A and B: 2024 (3 + 6) / 2 = 4.5; control school C alone: 2024 9
    assert with_controls[["group", "2024"]].values.tolist() == [["partner schools", 4.5], ["control schools", 9.0]]


def test_the_years_table_lists_each_year_of_each_outcome_with_its_note_in_words() -> None:
    years = pd.DataFrame(
        {
            "period": ["2022-2023", "2023-2024", "2022-2023", "2023-2024"],
            "outcome": ["belonging", "belonging", ALL, ALL],
            "analysis": "prepost",
            "method": "paired_cr2",
            "n": [100, 120, None, 90],
            "n_schools": [10, 12, None, 9],
            "estimate": [0.2, 0.3, None, 0.1],
            "ci_low": [0.1, 0.2, None, 0.0],
            "ci_high": [0.3, 0.4, None, 0.2],
            "p_value": [0.01, 0.001, None, 0.05],
            "effect_size": [0.3, 0.4, None, 0.1],
            "suppressed": False,
            "note": ["", "", "no_table", ""],
        }
    )
    shown = years_text.years_table(years, "en")
    assert shown["school year"].tolist() == ["2022-2023", "2023-2024", "2022-2023", "2023-2024"]
    assert shown["outcome"].tolist()[:2] == ["sense of belonging"] * 2
    assert shown["note"].tolist()[2] == "that school year's data has no table for this outcome"
    html = md.ReportTable(shown, "tr").to_html()
    assert not hostile_markup(Page(html)) and ALL in Page(html).words
