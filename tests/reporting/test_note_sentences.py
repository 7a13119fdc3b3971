"""The `note` codes of results rows in words, in every language."""

import pytest

from evaluation.reporting.sentences import note_sentences
from evaluation.wording import LANGUAGES

#: The codes the clustered pre/post change and the moderator tests write (evaluation/stats/prepost.py,
#: moderation.py).
CLUSTERED_NOTES = [
    "too_few_pairs", "too_few_schools", "no_variation", "no_moderator_values", "one_level",
    "level_without_partner:F", "level_without_control:11", "singular_design", "singular_vcov;wald_f:3",
    "small_sample_df;wald_f:2", "no_variation;wald_f:2", "wald_f:2",
]  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("note", CLUSTERED_NOTES)
def test_every_clustered_note_reads_as_sentences(note, language):
    words = str(note_sentences(note, language))
    assert words.count(". ") + 1 >= len(note.split(";"))  # one sentence per code
    for code in note.split(";"):
        detail = code.partition(":")[2]
        assert detail in words
    assert "{" not in words and "notes." not in words


def test_no_note_is_no_words_and_a_detail_from_the_data_is_escaped():
    assert str(note_sentences("", "en")) == ""
    words = str(note_sentences("level_without_control:<script>x</script>", "en"))
    assert "<script>" not in words and "&lt;script&gt;" in words
