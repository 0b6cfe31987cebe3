"""Whether a request is not about health at all ("play music", "tell me a joke"), so that
its decline can say so plainly instead of hedging as if it were a medical question."""

from __future__ import annotations

from functools import cache

from skill.data_files import read_json
from skill.text import normalize


@cache
def _words() -> tuple[frozenset[str], frozenset[str]]:
    document = read_json("off_topic.json")
    return frozenset(document["non_health"]), frozenset(document["health"])


def is_non_health(text: str) -> bool:
    """A word of a non-health request and no health word: the words decide, from data."""
    words = set(normalize(text).split())
    non_health, health = _words()
    return bool(words & non_health) and not words & health
