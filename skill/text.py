"""The one text normaliser: what a user said, a sample, a pattern's input, all compared alike.

Alexa's speech recogniser sends lowercase words; typed text and the store add case,
punctuation and apostrophes. Everything that compares text (emergency patterns, the
catch-all, the store's duplicate check, the developer tools) folds it the same way here.
"""

from __future__ import annotations

import re

_APOSTROPHES = re.compile(r"['’`]")
_CLITIC_S = re.compile(r"(?<=[a-z])['’`]s\b")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lowercase words only: "Can't breathe!" becomes "cant breathe"."""
    return " ".join(_NON_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).split())


def normalize_clitics_apart(text: str) -> str:
    """``normalize``, but "'s" stays a word of its own: "my throat's closing" becomes "my
    throat s closing", so a pattern about the throat still sees the throat."""
    return normalize(_CLITIC_S.sub(" s", text.lower()))
