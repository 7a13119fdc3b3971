"""The report says what was left out (issue 12): a row with a note is worded in the plan's
language where a sentence or a table would show its numbers."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from evaluation.config.plan import Outcome, Plan
from evaluation.reporting import evidence, sections
from evaluation.reporting.sentences import change_sentence, finding_sentence, note_text
from evaluation.stats.estimate import effects_frame
from evaluation.stats.unfit import NOTE_KINDS
from evaluation.wording import LANGUAGES, catalogue, placeholders

PLAN = Plan(
    path=Path("plan.yaml"),
    programme="Test",
    period="2022-2023",
    language="en",
    data_dir=Path("."),
    outcomes=(
        Outcome("mathematics", "exam", "academic", subject="mathematics"),
        Outcome("science", "exam", "academic", subject="science"),
        Outcome("turkish", "exam", "academic", subject="turkish"),
    ),
)


def _row(**values) -> pd.Series:
    row = {
        "analysis": "partner_vs_control", "outcome": "science", "domain": "academic", "subgroup": "all",
        "group": "all", "method": "ancova_cr2", "n_treatment": 120, "n_control": 130, "n_clusters_treatment": 6,
        "n_clusters_control": 6, "estimate": 2.5, "std_error": 1.1, "df": 9.6, "ci_low": 0.1, "ci_high": 4.9,
        "p_value": 0.043, "p_adjusted": math.nan, "effect_size": 0.25, "effect_size_ci_low": 0.01,
        "effect_size_ci_high": 0.49, "suppressed": False, "note": "",
    }  # fmt: skip
    row.update(values)
    return effects_frame([row]).iloc[0]


NO_PARTNER = dict(
    n_treatment=math.nan, suppressed=True, note="no_post_test:partner",
    **dict.fromkeys(["estimate", "std_error", "df", "ci_low", "ci_high", "p_value", "effect_size"], math.nan),
)  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_of_note_is_worded_in_every_language(language):
    entries = catalogue(language).entries
    for kind in NOTE_KINDS:
        assert f"notes.{kind}" in entries, kind
        assert placeholders(entries[f"notes.{kind}"]) <= {"detail"}


def test_note_text_words_each_code():
    note = "no_post_test:partner;dropped_constant:pre"
    assert note_text(note, "en") == (
        "no student or respondent of the partner schools has a post-test value; "
        "left out of the model, as it has the same value for everyone: the pre-test"
    )
    assert note_text(note, "tr") == (
        "ortak okullar: son test değeri olan hiç öğrenci ya da katılımcı yok; "
        "herkeste aynı değeri aldığı için modelden çıkarıldı: ön test"
    )
    assert note_text("", "en") == "" and note_text(math.nan, "en") == ""
    assert note_text("a_kind_of_another_module:x", "en") == "a_kind_of_another_module:x"  # shown as written


def test_finding_without_a_number_says_why_not_too_few():
    row = _row(**NO_PARTNER)
    assert finding_sentence(row, 0.05, "en", "points", "students") == (
        "In science, students of partner and control schools could not be compared (no student or respondent "
        "of the partner schools has a post-test value)."
    )
    assert finding_sentence(row, 0.05, "tr", "points", "students") == (
        "Fen bilimleri alanında ortak okulların ve karşılaştırma okullarının öğrencileri karşılaştırılamadı "
        "(ortak okullar: son test değeri olan hiç öğrenci ya da katılımcı yok)."
    )
    # a suppressed row without a note is still the privacy sentence
    assert "too few students" in finding_sentence(_row(**{**NO_PARTNER, "note": ""}), 0.05, "en", "points", "students")


def test_finding_of_a_model_that_left_a_covariate_out_says_so():
    sentence = finding_sentence(_row(note="dropped_constant:pre"), 0.05, "en", "points", "students")
    assert "2.50 points higher" in sentence
    assert sentence.endswith(
        "This difference is unlikely to be chance (p = 0.043). Note: left out of the model, as it has the same "
        "value for everyone: the pre-test."
    )
    assert finding_sentence(_row(), 0.05, "en", "points", "students").endswith("(p = 0.043).")


def test_change_of_a_group_without_post_test_says_why():
    row = _row(analysis="prepost", group="partner", method="paired_t", **NO_PARTNER)
    assert change_sentence(row, "en", "points", "students") == (
        "In partner schools, the change in science could not be estimated (no student or respondent of the "
        "partner schools has a post-test value)."
    )
    assert change_sentence(row, "tr", "points", "students").startswith(
        "Ortak okullarda fen bilimleri puanındaki değişim hesaplanamadı (ortak okullar:"
    )


def test_tables_get_a_note_column_only_when_a_row_has_a_note():
    plain = effects_frame([_row().to_dict(), _row(outcome="mathematics").to_dict()])
    assert "note" not in sections.partner_vs_control_table(plain, "en", "ancova_cr2").columns
    noted = effects_frame([_row().to_dict(), _row(outcome="mathematics", **NO_PARTNER).to_dict()])
    table = sections.partner_vs_control_table(noted, "tr", "ancova_cr2")
    assert table["açıklama"].tolist() == ["", "ortak okullar: son test değeri olan hiç öğrenci ya da katılımcı yok"]


def test_balance_table_and_joint_sentence_say_what_was_left_out():
    balance = pd.DataFrame(
        {
            "characteristic": ["school_type=vocational_high_school", "grade", "female"],
            "level": ["school", "student", "student"],
            "mean_partner": [0.3, 10.0, 0.5],
            "mean_control": [0.0, 10.0, 0.49],
            "normalised_difference": [math.nan, math.nan, 0.02],
            "p_value": [0.03, math.nan, 0.8],
            "note": ["separates_groups", "constant", ""],
        }
    )
    english = evidence.balance_overview(balance, "en")
    assert english["note"].tolist() == [
        "One value within the partner or within the control schools, so it tells the groups apart on its own and "
        "is left out of the joint test: school type: vocational high school",
        "The same value for everyone: grade",
        "",
    ]
    assert "note" not in evidence.balance_overview(balance.assign(note=""), "en").columns
    assert "note" not in evidence.balance_overview(balance.assign(note=math.nan), "en").columns  # as read back
    joint = pd.DataFrame(
        [
            {
                "statistic": 0.4, "df_numerator": 2, "df_denominator": 29, "p_value": 0.68, "n": 1341,
                "n_clusters": 30, "characteristics": "female; grade",
                "note": "absent:special_needs;separates_groups:school_type=vocational_high_school",
            }
        ]
    )  # fmt: skip
    sentence = evidence.joint_sentence(joint, 0.05, "en")
    assert sentence.endswith(
        "Notes on the joint test: not in the data, so left out: special needs (share); one value within the "
        "partner or within the control schools, so it tells the groups apart on its own and is left out of the "
        "joint test: school type: vocational high school."
    )
    missing = joint.assign(statistic=math.nan, p_value=math.nan, note="too_many_characteristics")
    assert evidence.joint_sentence(missing, 0.05, "tr") == (
        "Birleşik denge testi hesaplanamadı: birleşik denge testi için özellik sayısı okul sayısından az olmalıdır."
    )


def test_design_section_names_the_outcomes_left_out_and_why():
    design = pd.DataFrame({"outcome": ["mathematics"], "schools": [20]})
    effects = effects_frame(
        [
            _row(outcome="science", **NO_PARTNER).to_dict(),
            _row(outcome="turkish", note="dropped_constant:pre").to_dict(),
            _row(
                outcome="turkish", analysis="baseline_equivalence", method="baseline_equivalence", note="constant:pre"
            ).to_dict(),
        ]
    )
    assert evidence.design_left_out(design, effects, PLAN, "ancova_cr2") == (
        "- **Science** is left out of the table: no student or respondent of the partner schools has a post-test "
        "value.\n- **Turkish** is left out of the table: the same value for everyone: the pre-test."
    )
    assert evidence.design_left_out(design.assign(outcome="science"), effects.iloc[:0], PLAN, "ancova_cr2") == (
        "- **Mathematics** is left out of the table: too few schools or students with both tests.\n"
        "- **Turkish** is left out of the table: too few schools or students with both tests."
    )


def test_evidence_says_why_an_effect_was_not_estimated():
    effects = effects_frame([_row(**NO_PARTNER).to_dict()])
    row = pd.Series({"effect_size": math.nan, "baseline_verdict": None, "baseline_g": math.nan})
    assert evidence._effect_sentence(row, effects.iloc[0], "students", "en") == (
        "Effect: not estimated (no student or respondent of the partner schools has a post-test value)."
    )
    assert evidence.summary_sentence(
        "science", "all", math.nan, None, None, math.nan, "low", "does_not_meet", "tr",
        reason=note_text("no_post_test:partner", "tr"),
    ).startswith("science: etki hesaplanamadı (ortak okullar: son test değeri olan hiç")  # fmt: skip
