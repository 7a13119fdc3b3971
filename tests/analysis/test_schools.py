"""results/schools.csv and results/partnerships.csv rows on a small constructed programme: two
partnerships of two schools (one ordered by resource level, one without resource levels and so
by its pre-test), one of three schools, and a control school. Every number is worked out here
with the statistics module (the t quantiles from scipy), independently of the workbench."""

from __future__ import annotations

import math
import statistics

import pandas as pd
import pytest
from scipy import stats

from evaluation.analysis.schools import PARTNERSHIP_COLUMNS, SCHOOL_COLUMNS, partnership_gaps, school_summary

N = None  # a wave without a value
#: Per school, the (pre, post) values of its units.
UNITS = {
    # P1: A high, B low resources
    "A": [(60, 62), (55, 58), (70, 69), (65, 70), (58, N), (N, 66)],
    "B": [(40, 48), (45, 50), (38, 47), (50, 55), (42, N), (N, 52), (N, 49)],
    # P2: no resource levels; D scores higher at the pre-test
    "C": [(30, 35), (35, 36), (32, 40), (28, 31), (33, N)],
    "D": [(50, 51), (52, 50), (48, 52), (55, 53), (N, 60)],
    # P3: E low, F high, G medium: F against E
    "E": [(20, 30), (25, 33), (22, 31), (24, 30)],
    "F": [(80, 81), (78, 80), (85, 84), (82, 86), (79, N)],
    "G": [(50, 55), (52, 54), (49, 51), (51, 56)],
    # control
    "X": [(45, 47), (47, 48), (50, 49), (46, 52)],
}
SCHOOLS = pd.DataFrame(
    {
        "school_id": list("ABCDEFGX"),
        "group": ["partner"] * 7 + ["control"],
        "partnership_id": ["P1", "P1", "P2", "P2", "P3", "P3", "P3", None],
        "resource_level": ["high", "low", None, None, "low", "high", "medium", "medium"],
    }
)
ALPHA = 0.05


def frame(units: dict = UNITS) -> pd.DataFrame:
    rows = [
        {"unit_id": f"{school}{i}", "school_id": school, "pre": pre, "post": post}
        for school, values in units.items()
        for i, (pre, post) in enumerate(values)
    ]
    return pd.DataFrame(rows).astype({"pre": float, "post": float})


def wave(school: str, index: int) -> list[float]:
    return [pair[index] for pair in UNITS[school] if pair[index] is not None]


def changes(school: str) -> list[float]:
    return [post - pre for pre, post in UNITS[school] if pre is not None and post is not None]


def paired_interval(d: list[float]) -> tuple[float, float, float]:
    # R: t.test(post, pre, paired = TRUE)
    mean, half = statistics.mean(d), stats.t.ppf(0.975, len(d) - 1) * statistics.stdev(d) / math.sqrt(len(d))
    return mean, mean - half, mean + half


def welch_interval(a: list[float], b: list[float]) -> tuple[float, float, float]:
    # R: t.test(a, b)
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    diff = statistics.mean(a) - statistics.mean(b)
    half = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    return diff, diff - half, diff + half


def test_each_school_against_a_hand_computation() -> None:
    table = school_summary(frame(), list("ABCDEFGX"), "maths", "students", min_cell_size=3, alpha=ALPHA)
    assert list(table.columns) == SCHOOL_COLUMNS
    assert list(table["school_id"]) == list("ABCDEFGX")
    assert (table["role"] == "students").all() and not table["suppressed"].any()
    for row in table.itertuples():
        pre, post, d = wave(row.school_id, 0), wave(row.school_id, 1), changes(row.school_id)
        assert (row.n_pre, row.n_post, row.n_linked) == (len(pre), len(post), len(d))
        assert row.mean_pre == pytest.approx(statistics.mean(pre), rel=1e-12)
        assert row.sd_pre == pytest.approx(statistics.stdev(pre), rel=1e-12)
        assert row.mean_post == pytest.approx(statistics.mean(post), rel=1e-12)
        assert row.sd_post == pytest.approx(statistics.stdev(post), rel=1e-12)
        assert (row.change, row.change_ci_low, row.change_ci_high) == pytest.approx(paired_interval(d), rel=1e-12)
    a = table.iloc[0]
    # A: pre 60 55 70 65 58, post 62 58 69 70 66; changes 2 3 -1 5
    assert (a["mean_pre"], a["mean_post"], a["change"]) == pytest.approx((61.6, 65.0, 2.25))


def test_each_block_is_blanked_on_its_own_under_the_minimum_cell_size() -> None:
    # With 5 as the minimum: A has 5 pre, 5 post, 4 linked; E has 4 in each; B has 5, 6, 4.
    table = school_summary(frame(), list("ABE"), "maths", "students", min_cell_size=5).set_index("school_id")
    assert table["suppressed"].tolist() == [True, True, True]
    a = table.loc["A"]
    assert (a["n_pre"], a["n_post"]) == (5, 5) and a["mean_pre"] == pytest.approx(61.6)
    for column in ("n_linked", "change", "change_ci_low", "change_ci_high"):
        assert pd.isna(a[column])  # counts too
    e = table.loc["E"]
    assert e[SCHOOL_COLUMNS[3:-1]].isna().all()
    # A school without any unit for the outcome still has its (empty) row.
    empty = school_summary(frame(), ["Z"], "maths", "students", min_cell_size=1)
    assert empty["suppressed"].tolist() == [True] and empty[SCHOOL_COLUMNS[3:-1]].isna().all(axis=None)


def test_gaps_of_each_partnership_against_a_hand_computation() -> None:
    table = partnership_gaps(frame(), SCHOOLS, "maths", min_cell_size=3, alpha=ALPHA)
    assert list(table.columns) == PARTNERSHIP_COLUMNS
    assert list(table["partnership_id"]) == ["P1", "P2", "P3", "all"]
    rows = table.set_index("partnership_id")
    # P1 by resource level (A high, B low); P2 without levels by the pre-test (D 51.25 > C 31.6);
    # P3 of three schools: F (high) against E (low), G (medium) left out.
    expected_pairs = {"P1": ("A", "B"), "P2": ("D", "C"), "P3": ("F", "E")}
    gap_changes = []
    for partnership, (higher, lower) in expected_pairs.items():
        row = rows.loc[partnership]
        assert (row["higher_school_id"], row["lower_school_id"]) == (higher, lower)
        gap_pre = statistics.mean(wave(higher, 0)) - statistics.mean(wave(lower, 0))
        gap_post = statistics.mean(wave(higher, 1)) - statistics.mean(wave(lower, 1))
        assert (row["gap_pre"], row["gap_post"]) == pytest.approx((gap_pre, gap_post), rel=1e-12)
        expected = welch_interval(changes(higher), changes(lower))
        got = (row["gap_change"], row["gap_change_ci_low"], row["gap_change_ci_high"])
        assert got == pytest.approx(expected, rel=1e-12)
        gap_changes.append(expected[0])
    # P1: A changes 2 3 -1 5 (mean 2.25), B 8 5 9 5 (6.75): the gap change is -4.5.
    assert rows.loc["P1", "gap_change"] == pytest.approx(-4.5)
    # Not gap_post - gap_pre: the waves' means include the units seen once.
    assert rows.loc["P1", "gap_change"] != pytest.approx(rows.loc["P1", "gap_post"] - rows.loc["P1", "gap_pre"])
    # Across partnerships: the t interval over the three gap changes.
    mean = statistics.mean(gap_changes)
    half = stats.t.ppf(0.975, 2) * statistics.stdev(gap_changes) / math.sqrt(3)
    every = rows.loc["all"]
    assert pd.isna(every["higher_school_id"]) and pd.isna(every["lower_school_id"])
    got = (every["gap_change"], every["gap_change_ci_low"], every["gap_change_ci_high"])
    assert got == pytest.approx((mean, mean - half, mean + half), rel=1e-12)
    assert every["gap_pre"] == pytest.approx(statistics.mean(rows.loc[["P1", "P2", "P3"], "gap_pre"]), rel=1e-12)


def test_narrowed_is_three_valued() -> None:
    rows = partnership_gaps(frame(), SCHOOLS, "maths", min_cell_size=3).set_index("partnership_id")
    for partnership, row in rows.iterrows():
        low, high = row["gap_change_ci_low"], row["gap_change_ci_high"]
        assert row["gap_pre"] > 0  # here every school ahead at the start is the higher one
        expected = True if high < 0 else False if low > 0 else None
        assert (None if pd.isna(row["narrowed"]) else bool(row["narrowed"])) is expected, partnership
    # P1: B (low resources) gained clearly more than A: narrowed; P3: E gained about 7.75, F 1.5.
    assert rows.loc["P1", "narrowed"] == True  # noqa: E712 (a nullable boolean)
    assert rows.loc["P3", "narrowed"] == True  # noqa: E712
    # P2: D changed 1 -2 4 -2 (0.25), C 5 1 8 3 (4.25): an interval from about -9.1 to 1.1.
    assert pd.isna(rows.loc["P2", "narrowed"]) and rows.loc["P2", "gap_change_ci_high"] > 0
    # The same gap turned round (the lower school gaining less) widens it.
    # B's students now lose 5, 4, 5 and 4 points (mean -4.5) against A's gain of 2.25.
    widened = {**UNITS, "B": [(40, 35), (45, 41), (38, 33), (50, 46), (42, N), (N, 52), (N, 49)]}
    row = partnership_gaps(frame(widened), SCHOOLS, "maths", min_cell_size=3).set_index("partnership_id").loc["P1"]
    assert row["gap_change_ci_low"] > 0 and row["narrowed"] == False  # noqa: E712


def test_missing_resource_levels_order_by_the_pre_test() -> None:
    # Turn P2's pre-test round: C now scores higher at the start and becomes the higher school.
    turned = {**UNITS, "C": [(None if pre is None else pre + 40, post) for pre, post in UNITS["C"]]}
    row = partnership_gaps(frame(turned), SCHOOLS, "maths", min_cell_size=3).set_index("partnership_id").loc["P2"]
    assert (row["higher_school_id"], row["lower_school_id"]) == ("C", "D")
    # One missing level is enough to order by the pre-test: A high, B without a level.
    schools = SCHOOLS.assign(resource_level=SCHOOLS["resource_level"].where(SCHOOLS["school_id"] != "B"))
    lower_a = {**UNITS, "A": [(None if pre is None else pre - 40, post) for pre, post in UNITS["A"]]}
    row = partnership_gaps(frame(lower_a), schools, "maths", min_cell_size=3).set_index("partnership_id").loc["P1"]
    assert (row["higher_school_id"], row["lower_school_id"]) == ("B", "A")
    # Equal levels also order by the pre-test.
    equal = SCHOOLS.assign(resource_level="medium")
    row = partnership_gaps(frame(), equal, "maths", min_cell_size=3).set_index("partnership_id").loc["P3"]
    assert (row["higher_school_id"], row["lower_school_id"]) == ("F", "E")  # pre means 80.8, 50.5, 22.75


def test_resource_order_keeps_a_better_resourced_school_that_scores_lower() -> None:
    # A is better resourced but scores below B at the start: the gap is negative, not turned round.
    lower_a = {**UNITS, "A": [(None if pre is None else pre - 40, post) for pre, post in UNITS["A"]]}
    row = partnership_gaps(frame(lower_a), SCHOOLS, "maths", min_cell_size=3).set_index("partnership_id").loc["P1"]
    assert (row["higher_school_id"], row["lower_school_id"]) == ("A", "B")
    assert row["gap_pre"] == pytest.approx(statistics.mean(wave("A", 0)) - 40 - statistics.mean(wave("B", 0)))
    assert row["gap_pre"] < 0
    # A, behind at the start, gained clearly more than B (a positive gap_change): the gap narrowed,
    # where the same interval widens a gap that starts in A's favour (test_narrowed_is_three_valued)
    assert row["gap_change_ci_low"] > 0 and row["narrowed"] == True  # noqa: E712


def test_partnership_numbers_are_blank_under_the_minimum_cell_size() -> None:
    # With 5: A and B have 5 or more in each wave but 4 linked each: the gaps are shown, not their change.
    rows = partnership_gaps(frame(), SCHOOLS, "maths", min_cell_size=5).set_index("partnership_id")
    p1 = rows.loc["P1"]
    assert (p1["higher_school_id"], p1["lower_school_id"]) == ("A", "B")
    assert not pd.isna(p1["gap_pre"]) and not pd.isna(p1["gap_post"])
    assert p1[["gap_change", "gap_change_ci_low", "gap_change_ci_high", "narrowed"]].isna().all()
    # P2 is ordered by its pre-test, which C (5 pre) and D (4 pre) must both reach: no order, no numbers.
    p2 = rows.loc["P2"]
    assert p2[PARTNERSHIP_COLUMNS[2:]].isna().all()
    # P3 is ordered by resource level, but E has 4 in each wave: every number blank.
    p3 = rows.loc["P3"]
    assert (p3["higher_school_id"], p3["lower_school_id"]) == ("F", "E")
    assert p3[PARTNERSHIP_COLUMNS[4:]].isna().all()
    # Fewer than two partnerships with a gap change: the row across them has no numbers.
    assert rows.loc["all", PARTNERSHIP_COLUMNS[4:]].isna().all()


def test_one_partnership_has_no_row_across_partnerships() -> None:
    one = SCHOOLS[SCHOOLS["partnership_id"].isin(["P1"])]
    table = partnership_gaps(frame(), one, "maths", min_cell_size=3)
    assert list(table["partnership_id"]) == ["P1"]
    no_partnerships = partnership_gaps(frame(), SCHOOLS.drop(columns="partnership_id"), "maths", min_cell_size=3)
    assert no_partnerships.empty and list(no_partnerships.columns) == PARTNERSHIP_COLUMNS


def test_one_form_per_school_at_a_minimum_of_one_has_its_change_and_no_interval() -> None:
    # A school's self-assessment: one form per wave (S), one with its first form only (T).
    forms = frame({"S": [(2.5, 3.25)], "T": [(4.0, N)]})
    table = school_summary(forms, ["S", "T"], "leadership", "staff", min_cell_size=1).set_index("school_id")
    s = table.loc["S"]
    assert (s["n_pre"], s["mean_pre"], s["n_post"], s["mean_post"], s["n_linked"]) == (1, 2.5, 1, 3.25, 1)
    assert s["change"] == 0.75 and pd.isna(s["change_ci_low"]) and pd.isna(s["change_ci_high"])
    assert not s["suppressed"]
    t = table.loc["T"]  # no second form: its post wave and change are blank, as they have no one
    assert (t["n_pre"], t["mean_pre"]) == (1, 4.0) and pd.isna(t["n_post"]) and pd.isna(t["change"])
    # at the default minimum, one form is too few: all blank
    default = school_summary(forms, ["S"], "leadership", "staff", min_cell_size=10)
    assert default[SCHOOL_COLUMNS[3:-1]].isna().all(axis=None)


def test_the_ordering_basis_is_the_resource_levels_only_when_every_school_has_a_different_one() -> None:
    from evaluation.analysis.schools import ordering_basis

    by_partnership = dict(list(SCHOOLS.groupby("partnership_id")))
    assert ordering_basis(by_partnership["P1"]) == "resource_level"  # high, low
    assert ordering_basis(by_partnership["P2"]) == "pre_test"  # no levels
    assert ordering_basis(by_partnership["P3"]) == "resource_level"  # low, high, medium
    assert ordering_basis(by_partnership["P1"].assign(resource_level="low")) == "pre_test"  # the same
    assert ordering_basis(by_partnership["P1"].drop(columns="resource_level")) == "pre_test"
