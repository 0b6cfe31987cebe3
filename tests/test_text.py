"""The normaliser: lowercase letters a-z and digits, apostrophes dropped, anything else a
word break; held to that definition (as regular expressions) on every code point."""

from __future__ import annotations

import re

from skill.text import normalize, words, words_of_each


def by_definition(text: str) -> str:
    without_apostrophes = re.sub(r"['’`]", "", text.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", without_apostrophes).split())


def test_examples() -> None:
    assert normalize("Can't breathe!") == "cant breathe"
    assert normalize("  It’s my NECK -- again?\tyes\n") == "its my neck again yes"
    assert normalize("café naïve 24/7") == "caf na ve 24 7"
    assert words("Rock`n roll, 2x") == ["rockn", "roll", "2x"]


def test_ascii_text_folds_as_defined() -> None:
    """ASCII text goes a byte at a time: every pair of ASCII characters, between letters."""
    for first in range(128):
        text = " ".join(f"a{chr(first)}{chr(second)}b" for second in range(128))
        assert normalize(text) == by_definition(text), f"after {first:#x}"


def test_every_code_point_folds_as_defined() -> None:
    code_points = [point for point in range(0x110000) if not 0xD800 <= point < 0xE000]
    for start in range(0, len(code_points), 512):
        text = " ".join(f"a{chr(point)}b{chr(point)}" for point in code_points[start : start + 512])
        assert normalize(text) == by_definition(text), f"code points from {code_points[start]:#x}"


def test_letters_that_lowercase_to_ascii_fold_alike() -> None:
    for text in ("\u212a", "\u0130stanbul", "STRASSE", "ǅ"):  # Kelvin sign, dotted capital I, ...
        assert normalize(text) == by_definition(text)


def test_many_texts_fold_as_each_alone():
    ascii_texts = ["What's UP, doc?", "", "  ", "neck\tknots", "a-b_c 24/7", "`tick` 'tock'"]
    for texts in (
        ascii_texts,
        [],
        [""],
        ["one"],
        [*ascii_texts, "line\nbreak"],  # a text with its own line break
        [*ascii_texts, "café"],  # not ASCII
        ["\n", "x"],
    ):
        assert words_of_each(texts) == [words(text) for text in texts], texts
    every_ascii = [chr(code) * 2 + "a" for code in range(128) if chr(code) != "\n"]  # folded at once
    assert words_of_each(every_ascii) == [words(text) for text in every_ascii]
