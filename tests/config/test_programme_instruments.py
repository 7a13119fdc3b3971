"""The instruments written for the eTwinning Schools (003) and sister-school (004) programmes load,
and their items and scales agree with each other in both languages."""

from __future__ import annotations

import pytest

from evaluation.config.instruments import load_instrument
from evaluation.resources import INSTRUMENTS_DIR

PROGRAMME_INSTRUMENTS = {
    # id: (role, scales in order)
    "etwinning_school_criteria": (
        "staff",
        ("shared_leadership", "collaborative_school", "student_agency", "model_school", "inclusive_innovative"),
    ),
    "intercultural_awareness": (
        "student",
        ("cultural_openness", "intercultural_communication", "perspective_taking"),
    ),
}


@pytest.mark.parametrize("instrument_id", sorted(PROGRAMME_INSTRUMENTS))
def test_the_instrument_loads_with_its_role_and_scales(instrument_id):
    instrument = load_instrument(INSTRUMENTS_DIR / f"{instrument_id}.yaml")
    role, scales = PROGRAMME_INSTRUMENTS[instrument_id]
    assert (instrument.id, instrument.role) == (instrument_id, role)
    assert tuple(instrument.scales) == scales
    assert load_instrument(instrument_id).item_ids == instrument.item_ids  # found by its id too


@pytest.mark.parametrize("instrument_id", sorted(PROGRAMME_INSTRUMENTS))
def test_items_and_scales_agree(instrument_id):
    instrument = load_instrument(INSTRUMENTS_DIR / f"{instrument_id}.yaml")
    listed = [item for items in instrument.scales.values() for item in items]
    assert sorted(listed) == sorted(instrument.item_ids)  # every item in exactly one scale
    for scale, items in instrument.scales.items():
        assert all(instrument.item(item).scale == scale for item in items)
        assert len(items) >= 3, scale  # alpha needs at least three items to say much
        keyed = [instrument.item(item).reverse for item in items]
        assert any(keyed) and not all(keyed), scale  # some, not all, items reverse-keyed


@pytest.mark.parametrize("instrument_id", sorted(PROGRAMME_INSTRUMENTS))
def test_every_text_is_written_in_turkish_and_english(instrument_id):
    instrument = load_instrument(INSTRUMENTS_DIR / f"{instrument_id}.yaml")
    points = instrument.scale_max - instrument.scale_min + 1
    assert (instrument.scale_min, instrument.scale_max) == (1, 5)
    for language in ("tr", "en"):
        assert instrument.title[language].strip()
        assert len(instrument.labels[language]) == points
        texts = [item.text[language].strip() for item in instrument.items]
        assert all(texts) and len(set(texts)) == len(texts), language  # no item left out or repeated
        assert all(instrument.scale_titles[scale][language].strip() for scale in instrument.scales)
    for item in instrument.items:
        assert item.text["tr"] != item.text["en"], item.id  # translated, not copied
    turkish = " ".join(item.text["tr"] for item in instrument.items)
    assert any(letter in turkish for letter in "çğıöşü")  # written in Turkish, not in ASCII transliteration
