"""The SSML builder: escaped, parseable, and inside Alexa's limits whatever it is given."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from skill.limits import MAX_CARD_CHARS, MAX_SSML_CHARS
from skill.speech import PAUSE, fit_card, to_ssml
from tools.display import ssml_to_text


def test_segments_are_joined_with_a_pause_and_escaped():
    ssml = to_ssml(("Heat & ice", "a < b > c"))
    assert ssml == f"<speak>Heat &amp; ice{PAUSE}a &lt; b &gt; c</speak>"
    assert ssml_to_text(ssml) == "Heat & ice a < b > c"
    ElementTree.fromstring(ssml)


def test_markup_in_text_is_spoken_as_text_not_obeyed():
    ssml = to_ssml(('<audio src="https://evil.example/x.mp3"/>', "]]> <speak>"))
    root = ElementTree.fromstring(ssml)
    assert [element.tag for element in root.iter()] == ["speak", "break"]


def test_characters_xml_cannot_carry_are_dropped():
    ssml = to_ssml(("bell\x07 and null\x00 here",))
    ElementTree.fromstring(ssml)
    assert ssml_to_text(ssml) == "bell and null here"


def test_over_long_speech_is_cut_at_a_sentence_inside_the_limit():
    sentence = "Rest & stretch gently. "
    ssml = to_ssml((sentence * 1000,))
    assert len(ssml) <= MAX_SSML_CHARS
    ElementTree.fromstring(ssml)
    assert ssml_to_text(ssml).endswith("gently.")


def test_a_later_segment_that_does_not_fit_is_cut_not_the_earlier_ones():
    first = "Call 9 1 1 now."
    ssml = to_ssml((first, "word " * 3000))
    assert len(ssml) <= MAX_SSML_CHARS
    assert ssml_to_text(ssml).startswith(first)


def test_a_limit_is_respected_even_for_escaped_heavy_text():
    ssml = to_ssml(("&" * 5000,), limit=500)
    assert len(ssml) <= 500
    ElementTree.fromstring(ssml)


def test_cards_stay_within_the_limit():
    title, content = fit_card("Title", "line\n" * 5000)
    assert len(title) + len(content) <= MAX_CARD_CHARS
    assert content.endswith("…")
    assert fit_card("  A  title ", "one\n\n two ") == ("A title", "one\n\ntwo")


def _fits(text: str, room: int) -> str:
    """What to_ssml keeps of one segment when only ``room`` characters are left for it."""
    return ssml_to_text(to_ssml((text,), limit=len("<speak></speak>") + room))


def test_a_cut_keeps_every_whole_sentence_that_fits():
    assert _fits("One. Two. Three four five.", 12) == "One. Two."


def test_a_cut_ends_on_the_last_sentence_that_fits_not_an_earlier_one():
    assert _fits("One. Two. Three. Four five six.", 20) == "One. Two. Three."


def test_a_cut_that_lands_just_after_a_full_stop_keeps_that_sentence():
    assert _fits("One. Two. Three.", 9) == "One. Two."


def test_without_a_sentence_end_the_cut_falls_on_the_last_whole_word():
    assert _fits("alpha beta gamma delta", 13) == "alpha beta"


def test_a_single_word_that_does_not_fit_is_left_out_not_cut():
    assert to_ssml(("abcdefghij",), limit=len("<speak></speak>") + 5) == "<speak></speak>"


def test_a_text_that_fits_exactly_is_kept_whole():
    assert _fits("exactly fits", 12) == "exactly fits"
