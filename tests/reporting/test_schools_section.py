"""The report's section on schools and partnerships (`evaluation.reporting.schools`): each school by
name, blank cells with a note, each partnership's gap before and after with its change and whether
it narrowed in words, and the average over the partnerships. Built from constructed results
tables in the columns of results/schools.csv and results/partnerships.csv."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from evaluation.analysis.schools import PARTNERSHIP_COLUMNS, SCHOOL_COLUMNS
from evaluation.config.plan import Outcome, Plan
from evaluation.reporting import schools

NAN = math.nan
OUTCOMES = (Outcome("mathematics", "exam", "academic", subject="mathematics"),)


class _Students:
    role = "student"


def plan(language: str = "en") -> Plan:
    return Plan(
        path=Path("plan.yaml"), programme="p", period="2022-2023", language=language, data_dir=Path("."),
        outcomes=OUTCOMES,
    )  # fmt: skip


SCHOOLS = pd.DataFrame(
    {
        "school_id": ["TR-44-001", "TR-38-001", "TR-06-009"],
        "school_name": ["Malatya Erman Ilıcak Fen Lisesi", "Kayseri Bünyan Fen Lisesi", "<b>Ankara</b> Lisesi"],
        "group": ["partner", "partner", "control"],
        "partnership_id": ["OO-1", "OO-1", NAN],
    }
)


def school_rows() -> pd.DataFrame:
    rows = [
        ["TR-44-001", "mathematics", "students", 134, 52.78, 12.9, 129, 59.77, 13.2, 125, 7.05, 5.15, 8.95, False],
        ["TR-38-001", "mathematics", "students", 125, 51.19, 13.6, 126, 58.12, 12.8, NAN, NAN, NAN, NAN, True],
        ["TR-06-009", "mathematics", "students", 40, 50.0, 11.0, 41, 53.5, 11.5, 39, 3.4, 1.0, 5.8, False],
    ]
    return pd.DataFrame(rows, columns=SCHOOL_COLUMNS)


def partnership_rows(*extra: list) -> pd.DataFrame:
    rows = [["OO-1", "mathematics", "TR-44-001", "TR-38-001", 1.59, 1.65, 0.25, -2.51, 3.00, NAN], *extra]
    return pd.DataFrame(rows, columns=PARTNERSHIP_COLUMNS)


def test_verdict_reads_the_three_valued_narrowed_column():
    assert schools.verdict(True, -3.0, -1.0) == "narrowed"
    assert schools.verdict("True", -3.0, -1.0) == "narrowed"  # as read back from a CSV of text
    assert schools.verdict(False, 1.0, 3.0) == "widened"
    assert schools.verdict(NAN, -1.0, 2.0) == "unclear"  # blank with an interval: it holds zero
    assert schools.verdict(NAN, NAN, NAN) == ""  # blank for want of numbers: nothing to say


def test_school_tables_name_each_school_with_blanks_where_the_table_is_blank():
    parts = schools.school_tables(school_rows(), SCHOOLS, plan(), "en")
    assert len(parts) == 1
    heading, table = parts[0]
    assert heading == "### Mathematics"
    # partner schools first, by partnership then name; the control school last
    assert table["school"].tolist() == [
        "Kayseri Bünyan Fen Lisesi",
        "Malatya Erman Ilıcak Fen Lisesi",
        "<b>Ankara</b> Lisesi",
    ]
    assert table["group"].tolist() == ["partner schools", "partner schools", "control schools"]
    kayseri = table.iloc[0]
    assert kayseri["pre wave"] == 125 and kayseri["mean before"] == 51.19 and kayseri["mean after"] == 58.12
    assert pd.isna(kayseri["both waves"]) and pd.isna(kayseri["mean change"]) and pd.isna(kayseri["95% CI low"])
    malatya = table.iloc[1]
    assert (malatya["mean change"], malatya["95% CI low"], malatya["95% CI high"]) == (7.05, 5.15, 8.95)
    assert str(table["pre wave"].dtype) == "Int64"  # counts shown as whole numbers, blanks blank
    note = schools.suppressed_note(school_rows(), 10, "en")
    assert "fewer than 10" in note


def test_without_control_schools_there_is_no_group_column_and_no_note_without_blanks():
    partners = SCHOOLS[SCHOOLS["group"] == "partner"]
    rows = school_rows().iloc[[0]]
    ((_, table),) = schools.school_tables(rows, partners, plan(), "en")
    assert "group" not in table.columns and table["school"].tolist() == ["Malatya Erman Ilıcak Fen Lisesi"]
    assert schools.suppressed_note(rows, 10, "en") == ""


def test_a_school_name_from_the_data_is_escaped_in_the_rendered_table():
    ((_, table),) = schools.school_tables(school_rows(), SCHOOLS, plan(), "en")
    html = schools_html(table)
    assert "&lt;b&gt;Ankara&lt;/b&gt; Lisesi" in html and "<b>Ankara</b>" not in html


def schools_html(table: pd.DataFrame) -> str:
    from evaluation.reporting.sections import styled

    return styled(table, "en").to_html()


def test_partnership_table_names_the_schools_and_says_whether_the_gap_narrowed():
    table = schools.partnership_table(
        partnership_rows(
            ["OO-2", "mathematics", "TR-44-001", "TR-38-001", 4.0, 1.0, -2.5, -4.0, -1.0, True],
            ["all", "mathematics", NAN, NAN, 2.795, 1.325, -1.125, -18.6, 16.3, NAN],
        ),
        SCHOOLS,
        "en",
    )
    assert table["partnership"].tolist() == ["OO-1", "OO-2", "all partnerships (mean)"]
    assert table["first school"].tolist()[:2] == ["Malatya Erman Ilıcak Fen Lisesi"] * 2
    assert table["second school"].tolist()[0] == "Kayseri Bünyan Fen Lisesi"
    # SCHOOLS has no resource level: in each partnership the school ahead at the pre-test is first,
    # said once in a sentence rather than in a column
    assert "first school is" not in table.columns
    assert schools.ordering_sentence(partnership_rows(), SCHOOLS, "en") == (
        "In every partnership, the first school is the school ahead at the pre-test (resource levels missing or "
        "the same)."
    )
    assert table["gap narrowed?"].tolist() == ["no clear change", "the gap narrowed", "no clear change"]
    assert table["gap before"].tolist()[0] == 1.59 and table["gap after"].tolist()[0] == 1.65


def test_one_partnership_gets_a_sentence_with_both_schools_and_its_gap_before_and_after():
    sentences = schools.gap_sentences(partnership_rows(), SCHOOLS, plan(), {})
    assert sentences == (
        "- Mathematics, OO-1: the gap between Malatya Erman Ilıcak Fen Lisesi and Kayseri Bünyan Fen Lisesi (the "
        "first school's mean minus the second's) was 1.59 points before and 1.65 after (means of everyone tested in "
        "each wave); among those tested in both waves it changed by +0.25 points (95% interval -2.51 to 3.00): no "
        "clear change."
    )
    turkish = schools.gap_sentences(partnership_rows(), SCHOOLS, plan("tr"), {})
    assert "öncesinde 1,59 puan, sonrasında 1,65 puan" in turkish and "açık bir değişim yok" in turkish


def test_several_partnerships_get_the_average_change_over_the_partnerships():
    # the sentence words the `all` row; it counts the partnerships with a gap change (OO-1, OO-2: not OO-3)
    rows = partnership_rows(
        ["OO-2", "mathematics", "TR-44-001", "TR-38-001", 4.0, 1.0, -3.0, -4.0, -2.0, True],
        ["OO-3", "mathematics", "TR-44-001", "TR-38-001", 4.0, 1.0, NAN, NAN, NAN, NAN],  # no change: not counted
        ["all", "mathematics", NAN, NAN, 2.795, 1.325, -1.375, -5.0, -0.5, True],
    )
    sentences = schools.gap_sentences(rows, SCHOOLS, plan(), {})
    assert sentences == (
        "- Mathematics: over the 2 partnerships, the gap changed by -1.38 points on average (95% interval -5.00 "
        "to -0.50, with the partnerships as the units): the gap narrowed."
    )


def test_the_partnership_table_says_the_better_resourced_school_is_first_only_when_the_levels_say_so():
    rows = partnership_rows(["OO-2", "mathematics", "TR-44-001", "TR-38-001", 4.0, 1.0, -2.5, -4.0, -1.0, True])
    levels = SCHOOLS.assign(partnership_id=["OO-1", "OO-1", "OO-2"]).iloc[:2]
    other = pd.DataFrame(
        {"school_id": ["A", "B"], "school_name": ["A", "B"], "group": ["partner"] * 2, "partnership_id": ["OO-2"] * 2}
    )
    with_levels = pd.concat(
        [levels.assign(resource_level=["high", "low"]), other.assign(resource_level=["low", "low"])]
    )
    for language, resourced, ahead in (
        ("en", "the better-resourced school", "the school ahead at the pre-test (resource levels missing or the same)"),
        ("tr", "kaynak düzeyi (kaynakları daha güçlü okul birinci)",
         "ön test (ön testte önde olan okul birinci; kaynak düzeyleri eksik ya da aynı)"),
    ):  # fmt: skip
        table = schools.partnership_table(rows, with_levels, language)
        assert table.columns.is_unique and schools.ordering_sentence(rows, with_levels, language) == ""
        assert table.iloc[:, 4].tolist() == [resourced, ahead]  # OO-2's levels are the same
        headers = " ".join(table.columns[2:4])
        assert "resourced" not in headers and "kaynak" not in headers


def every_school_blank() -> pd.DataFrame:
    """Every school under min_cell_size in every wave: results/schools.csv blanks all its numbers."""
    rows = [[sid, "mathematics", "students", *[NAN] * 10, True] for sid in ("TR-44-001", "TR-38-001")]
    return pd.DataFrame(rows, columns=SCHOOL_COLUMNS)


class _Staff:
    role = "staff"


def test_an_outcome_whose_every_school_is_blank_gets_one_sentence_not_an_empty_grid():
    partners = SCHOOLS[SCHOOLS["group"] == "partner"]
    ((heading, shown),) = schools.school_tables(every_school_blank(), partners, plan(), "en")
    assert heading == "### Mathematics"
    assert shown == (
        "Every school had fewer than 10 students with a result in each wave, so no school's numbers are shown, to "
        "protect their privacy."
    )
    # the note on blank cells is for tables shown: none here
    assert schools.suppressed_note(every_school_blank(), 10, "en") == ""
    # with another outcome shown with a blank cell, the note is there for it
    both = pd.concat([every_school_blank(), school_rows().assign(outcome="science")])
    assert "fewer than 10" in schools.suppressed_note(both, 10, "en")


def test_a_staff_self_assessment_whose_every_school_is_blank_speaks_of_respondents():
    outcome = Outcome("leadership", "survey", "school_development", instrument="criteria", scale="leadership")
    staff_plan = Plan(
        path=Path("plan.yaml"), programme="p", period="2025-2026", language="tr", data_dir=Path("."),
        outcomes=(outcome,), min_cell_size=10,
    )  # fmt: skip
    rows = every_school_blank().assign(outcome="leadership", role="staff")
    ((_, shown),) = schools.school_tables(rows, SCHOOLS.iloc[:2], staff_plan, "tr", {"criteria": _Staff()})
    assert "katılımcı sayısı 10 sınırına ulaşmadı" in shown and "öğrenci" not in shown


def test_at_a_minimum_of_one_a_blank_is_a_wave_without_anyone_and_no_privacy_note():
    rows = school_rows()
    assert rows["suppressed"].any()
    assert schools.suppressed_note(rows, 1, "en") == ""
    assert "fewer than 2" in schools.suppressed_note(rows, 2, "en")
