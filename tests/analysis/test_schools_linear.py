"""results/schools.csv and partnerships.csv worked out from per-school sums
(`evaluation.analysis.schools`) against the implementation before it
(`tests/analysis/schools_reference.py`, one row scan per school and per partnership): the same
rows, blanks and verdicts on programmes built to hit every branch (schools without units, with one
linked unit, with every change the same, waves missing, partnerships of one, two and three
schools, resource levels missing, equal or ordered, minimums of 1, 3 and 10)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import schools_reference as reference

from evaluation.analysis import schools as linear


def programme(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A frame of units (school_id, pre, post) and a schools table with partnerships."""
    rng = np.random.default_rng(seed)
    n_schools = 60
    ids = [f"S{i:03d}" for i in range(n_schools)]
    sizes = rng.choice([0, 1, 2, 3, 5, 12, 40, 40, 40], size=n_schools)
    rows = []
    for school, size in zip(ids, sizes):
        constant = rng.random() < 0.1  # every linked change the same: no interval
        for _unit in range(size):
            pre = float(rng.normal(50, 10))
            post = pre + 3.0 if constant else float(rng.normal(pre + 2, 5))
            missing = rng.random()
            rows.append({"school_id": school, "pre": np.nan if missing < 0.1 else pre,
                         "post": np.nan if 0.1 <= missing < 0.2 else post})  # fmt: skip
    frame = pd.DataFrame(rows, columns=["school_id", "pre", "post"]).astype({"pre": float, "post": float})
    partnership = []
    position = 0
    while position < n_schools - 6:  # the last schools are control schools
        size = int(rng.choice([1, 2, 2, 3]))
        partnership += [f"P{position:03d}"] * size
        position += size
    partnership += [None] * (n_schools - len(partnership))
    levels = rng.choice(["high", "medium", "low", None], size=n_schools, p=[0.3, 0.3, 0.3, 0.1])
    if seed % 2:
        levels = np.array(["medium"] * n_schools, dtype=object)  # all equal: the pre-test orders
    schools = pd.DataFrame({"school_id": ids, "partnership_id": partnership[:n_schools], "resource_level": levels})
    return frame, schools


def assert_same(new: pd.DataFrame, old: pd.DataFrame) -> None:
    assert list(new.columns) == list(old.columns)
    assert len(new) == len(old)
    for column in new.columns:
        a, b = new[column], old[column]
        if pd.api.types.is_float_dtype(a) and pd.api.types.is_float_dtype(b):
            np.testing.assert_allclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-10, atol=1e-10, err_msg=column)
        else:
            assert (
                a.astype(object).where(a.notna(), None).tolist() == b.astype(object).where(b.notna(), None).tolist()
            ), column


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("minimum", [1, 3, 10])
def test_school_rows_are_those_of_the_row_by_row_implementation(seed: int, minimum: int) -> None:
    frame, schools = programme(seed)
    ids = [*sorted(schools["school_id"]), "NOT-IN-DATA"]
    new = linear.school_summary(frame, ids, "maths", "students", minimum)
    old = reference.school_summary(frame, ids, "maths", "students", minimum)
    assert new["change"].notna().sum() > 5  # the programme has schools with numbers to compare
    assert_same(new, old)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("minimum", [1, 3, 10])
def test_partnership_rows_are_those_of_the_row_by_row_implementation(seed: int, minimum: int) -> None:
    frame, schools = programme(seed)
    new = linear.partnership_gaps(frame, schools, "maths", minimum)
    old = reference.partnership_gaps(frame, schools, "maths", minimum)
    assert new["gap_change"].notna().sum() >= 1
    assert_same(new, old)


def test_a_programme_without_partnerships_gives_the_same_empty_table() -> None:
    frame, schools = programme(0)
    alone = schools.assign(partnership_id=None)
    assert_same(linear.partnership_gaps(frame, alone, "maths", 3), reference.partnership_gaps(frame, alone, "maths", 3))
