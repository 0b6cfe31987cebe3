"""The one text normaliser: what a user said, a sample, a pattern's input, all compared alike.

Alexa's speech recogniser sends lowercase words; typed text and the store add case,
punctuation and apostrophes. Everything that compares text (emergency patterns, the
catch-all, the store's duplicate check, the developer tools) folds it the same way here.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence

_CLITIC_S = re.compile(r"(?<=[a-z])['’`]s\b")


class _Folding(dict[int, "str | None"]):
    """What each character of lowercased text becomes: a letter a-z or a digit stays, an
    apostrophe goes ("can't" is one word), anything else (punctuation, any other letter) is a space."""

    def __missing__(self, code: int) -> str:
        return " "


_FOLDING = _Folding({ord(kept): kept for kept in string.ascii_lowercase + string.digits})
_FOLDING.update(dict.fromkeys(map(ord, "'’`")))
# The same folding a byte at a time, lowercasing included, for ASCII text (nearly all of it);
# for many texts folded at once, the line breaks that join them are kept.
_ASCII_FOLDING = bytes(ord(_FOLDING[ord(chr(code).lower())] or " ") for code in range(256))
_ASCII_DROPPED = bytes(code for code in range(128) if _FOLDING[ord(chr(code).lower())] is None)
_ASCII_FOLDING_LINES = _ASCII_FOLDING[: ord("\n")] + b"\n" + _ASCII_FOLDING[ord("\n") + 1 :]


def words(text: str) -> list[str]:
    """The words of ``normalize(text)``, for callers that would only split it again."""
    if text.isascii():
        return text.encode().translate(_ASCII_FOLDING, _ASCII_DROPPED).decode().split()
    return text.lower().translate(_FOLDING).split()


def words_of_each(texts: Sequence[str]) -> list[list[str]]:
    """``words`` of each text: folded in one pass when they are ASCII and hold no line break
    (a store's phrasings), else one by one."""
    joined = "\n".join(texts)
    if not texts or not joined.isascii() or joined.count("\n") != len(texts) - 1:
        return [words(text) for text in texts]
    folded = joined.encode().translate(_ASCII_FOLDING_LINES, _ASCII_DROPPED).decode()
    return [line.split() for line in folded.split("\n")]


def normalize(text: str) -> str:
    """Lowercase words only: "Can't breathe!" becomes "cant breathe"."""
    return " ".join(words(text))


def normalize_clitics_apart(text: str) -> str:
    """``normalize``, but "'s" stays a word of its own: "my throat's closing" becomes "my
    throat s closing", so a pattern about the throat still sees the throat."""
    return normalize(_CLITIC_S.sub(" s", text.lower()))
