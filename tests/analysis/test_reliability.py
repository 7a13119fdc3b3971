"""results/scales.csv and results/items.csv rows: alpha per scale, wave and role, item-total
correlations, suppression of small cells."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
from numpy.testing import assert_allclose

from evaluation.analysis.reliability import ITEM_COLUMNS, SCALE_COLUMNS, item_rows, scale_rows, survey_reliability
from evaluation.analysis.scores import keyed_items
from evaluation.config.instruments import Instrument, Item
from evaluation.stats.reliability import cronbach_alpha

HERE = Path(__file__).parent.parent / "r"
REF = json.loads((HERE / "reference.json").read_text())
RTOL = 1e-6


def instrument(items: dict[str, tuple[str, bool]], low: int = 1, high: int = 5, iid: str = "climate") -> Instrument:
    """An instrument from {item: (scale, reverse)}."""
    scales: dict[str, tuple[str, ...]] = {}
    for item, (scale, _) in items.items():
        scales[scale] = (*scales.get(scale, ()), item)
    return Instrument(
        id=iid,
        title={"en": iid},
        role="student",
        scale_min=low,
        scale_max=high,
        labels={},
        items=tuple(Item(i, s, r) for i, (s, r) in items.items()),
        scales=scales,
    )


def survey(items: dict[str, list], wave: str = "pre", role: str = "student") -> pd.DataFrame:
    n = len(next(iter(items.values())))
    return pd.DataFrame(
        {"respondent_id": [f"R{i}" for i in range(n)], "school_id": "S1", "role": role, "wave": wave, **items}
    )


def test_alpha_of_a_survey_scale_matches_psych_on_bfi_agreeableness() -> None:
    # R: psych::alpha(bfi[complete, A1:A5], keys = c(-1, 1, 1, 1, 1)); A1 reverse-keyed on the 1-6 scale.
    bfi = pd.read_csv(HERE / "data" / "bfi_agreeableness.csv")
    definition = instrument({f"A{i}": ("agreeableness", i == 1) for i in range(1, 6)}, low=1, high=6)
    responses = pd.concat([survey(bfi.to_dict("list"), "pre"), survey(bfi.to_dict("list"), "post")])
    scales = scale_rows(responses, definition, min_cell_size=10)
    ref = REF["alpha_bfi"]
    assert list(scales.columns) == SCALE_COLUMNS
    assert list(scales["wave"]) == ["pre", "post"] and set(scales["role"]) == {"student"}
    pre = scales.iloc[0]
    assert (pre["n"], pre["n_items"], pre["suppressed"]) == (2709, 5, False)
    assert_allclose(
        [pre["alpha"], pre["alpha_ci_low"], pre["alpha_ci_high"], pre["mean"], pre["sd"]],
        [ref["alpha"], ref["feldt_low"], ref["feldt_high"], ref["mean"], ref["sd"]],
        rtol=RTOL,
    )
    items = item_rows(responses, definition, min_cell_size=10)
    assert list(items.columns) == ITEM_COLUMNS
    first = items[items["wave"] == "pre"]
    assert list(first["item"]) == ["A1", "A2", "A3", "A4", "A5"]
    assert_allclose(first["r_drop"], ref["r_drop"], rtol=RTOL)
    assert_allclose(first["alpha_if_dropped"], ref["alpha_if_dropped"], rtol=RTOL)
    # The keyed A1 (7 - answer) is what the mean describes.
    assert_allclose(first["mean"].iloc[0], 7 - bfi.dropna()["A1"].mean(), rtol=RTOL)


def test_reverse_keyed_item_is_turned_round_before_alpha() -> None:
    # b is stored backwards (6 - answer): keyed it is [1, 2, 4, 4, 5, 2], close to a.
    definition = instrument({"a": ("s", False), "b": ("s", True), "c": ("t", False), "d": ("t", False)})
    responses = survey(
        {"a": [1, 2, 3, 4, 5, 2], "b": [5, 4, 2, 2, 1, 4], "c": [1, 2, 2, 4, 5, 3], "d": [2, 2, 3, 5, 4, 3]}
    )
    scales = scale_rows(responses, definition)
    assert list(scales["scale"]) == ["s", "t"] and list(scales["n_items"]) == [2, 2]
    # Hand computation, keyed, in sixths: var(a) = 13/6, var(b) = 14.4/6, cov(a, b) = 13.2/6;
    # alpha = 2 (1 - (13 + 14.4) / (13 + 14.4 + 2 * 13.2)).
    assert math.isclose(scales.loc[0, "alpha"], 2 * (1 - 27.4 / 53.8), rel_tol=1e-12)
    assert math.isclose(scales.loc[0, "mean"], 35 / 12, rel_tol=1e-12)
    # Without the reversal the items would contradict each other (negative alpha).
    assert cronbach_alpha(responses[["a", "b"]]).alpha < 0
    # The R-verified function on the keyed items gives the same alpha and Feldt interval.
    for row, (items, reverse) in enumerate([(["a", "b"], ["b"]), (["c", "d"], [])]):
        expected = cronbach_alpha(keyed_items(responses, items, reverse, 1, 5))
        assert_allclose(
            scales.loc[row, ["alpha", "alpha_ci_low", "alpha_ci_high"]].astype(float),
            [expected.alpha, expected.ci_low, expected.ci_high],
            rtol=1e-12,
        )


def test_cells_under_min_cell_size_are_suppressed_and_incomplete_answers_left_out() -> None:
    definition = instrument({"a": ("s", False), "b": ("s", False), "c": ("s", False)})
    pre = survey({"a": [1, 2, 3, 4, 5, 3], "b": [2, 2, 3, 5, 4, None], "c": [1, 3, 3, 4, 5, 2]}, "pre")
    post = survey({"a": [1, 2, 3, 4], "b": [2, 2, 4, 5], "c": [1, 3, 3, 5]}, "post")
    teachers = survey({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 4], "c": [2, 3, 3, 4, 5]}, "pre", role="teacher")
    responses = pd.concat([pre, post, teachers], ignore_index=True)
    scales = scale_rows(responses, definition, min_cell_size=5)
    assert list(zip(scales["wave"], scales["role"], scales["suppressed"])) == [
        ("pre", "student", False),
        ("pre", "teacher", False),
        ("post", "student", True),
    ]
    # The pre wave counts the five students who answered every item; the sixth skipped b.
    assert scales.loc[0, "n"] == 5
    expected = cronbach_alpha(pre[["a", "b", "c"]].iloc[:5])
    assert math.isclose(scales.loc[0, "alpha"], expected.alpha, rel_tol=1e-12)
    blank = scales.iloc[2]
    assert blank["n_items"] == 3 and pd.isna(blank["n"])
    assert blank[["mean", "sd", "alpha", "alpha_ci_low", "alpha_ci_high"]].isna().all()
    items = item_rows(responses, definition, min_cell_size=5)
    assert len(items) == 9
    hidden = items[items["wave"] == "post"]
    assert hidden["suppressed"].all() and hidden[["r_drop", "alpha_if_dropped", "mean"]].isna().all().all()
    shown = items[(items["wave"] == "pre") & (items["role"] == "student")]
    assert not shown["suppressed"].any() and shown["r_drop"].notna().all()


def test_every_survey_of_the_accepted_tables_gets_its_rows() -> None:
    definition = {"id": "student_climate"}
    accepted = {
        "schools": pd.DataFrame(),
        "surveys/student_climate": survey(
            {f"bel_{i}": [1, 2, 3, 4, 5, 4, 3, 2, 1, 5, i] for i in range(1, 6)}
            | {f"col_{i}": [2, 2, 3, 4, 4, 4, 3, 2, 1, 5, i] for i in range(1, 5)}
        ),
    }
    scales, items = survey_reliability(accepted, None, min_cell_size=10)
    assert list(scales["scale"]) == ["belonging", "peer_collaboration"]
    assert list(scales["n_items"]) == [5, 4] and list(scales["n"]) == [11, 11]
    assert (scales["instrument"] == definition["id"]).all()
    # bel_3 and bel_5 are reverse-keyed in the bundled definition: keyed mean = 6 - mean.
    bel_3 = items[items["item"] == "bel_3"].iloc[0]
    assert math.isclose(bel_3["mean"], 6 - 33 / 11, rel_tol=1e-12)
    assert len(items) == 9


def test_report_table_in_turkish_uses_the_instruments_scale_titles() -> None:
    from evaluation.config.instruments import load_instrument
    from evaluation.reporting.sections import scales_table

    scales = pd.DataFrame(
        [
            {
                "instrument": "student_climate",
                "scale": "belonging",
                "wave": "pre",
                "role": "student",
                "n_items": 5,
                "n": 120,
                "mean": 3.2,
                "sd": 0.6,
                "alpha": 0.81234,
                "alpha_ci_low": 0.75,
                "alpha_ci_high": 0.86,
                "suppressed": False,
            },
            {
                "instrument": "student_climate",
                "scale": "belonging",
                "wave": "post",
                "role": "student",
                "n_items": 5,
                "n": None,
                "mean": None,
                "sd": None,
                "alpha": None,
                "alpha_ci_low": None,
                "alpha_ci_high": None,
                "suppressed": True,
            },
        ]
    )
    table = scales_table(scales, "tr", {"student_climate": load_instrument("student_climate")})
    assert list(table.columns) == [
        "ölçek",
        "yanıtlayan",
        "uygulama",
        "madde",
        "n",
        "alfa",
        "alfa GA alt",
        "alfa GA üst",
        "gizlendi",
    ]
    assert list(table["ölçek"]) == ["Okula aidiyet", "Okula aidiyet"]
    assert list(table["uygulama"]) == ["ön test", "son test"]
    assert list(table["yanıtlayan"]) == ["öğrenciler", "öğrenciler"] and list(table["gizlendi"]) == ["", "gizlendi"]
    assert round(table.iloc[0]["alfa"], 3) == 0.812 and pd.isna(table.iloc[1]["alfa"])
