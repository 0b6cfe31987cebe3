"""Spotting a possible emergency in what a user said, before anything else is answered."""

from __future__ import annotations

import json
import re
from functools import cache

from skill.store import DATA_DIR

_APOSTROPHES = re.compile(r"['’`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lowercase words only: "Can't breathe!" becomes "cant breathe"."""
    return " ".join(_NON_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).split())


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    with (DATA_DIR / "emergency.json").open(encoding="utf-8") as handle:
        return tuple(re.compile(pattern) for pattern in json.load(handle)["patterns"])


def describes_emergency(text: str) -> bool:
    """True when the words describe symptoms that need emergency services, not this skill."""
    normalized = normalize(text)
    return any(pattern.search(normalized) for pattern in _patterns())
