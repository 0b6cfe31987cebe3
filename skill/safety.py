"""Spotting a possible emergency in what a user said, before anything else is answered."""

from __future__ import annotations

import re
from functools import cache

from skill.data_files import read_json
from skill.text import normalize


@cache
def _pattern() -> re.Pattern[str]:
    """Every pattern of data/emergency.json as one alternation: one scan per question."""
    patterns = read_json("emergency.json")["patterns"]
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


def describes_emergency(text: str) -> bool:
    """True when the words describe symptoms that need emergency services, not this skill."""
    return _pattern().search(normalize(text)) is not None
