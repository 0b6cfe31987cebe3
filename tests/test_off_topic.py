"""The check that tells a request not about health at all ("play music") from a health
question the store lacks: it must never call a health statement "not about health"."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.off_topic import is_non_health

EVAL = Path(__file__).parent / "data" / "eval"


def _rows(name: str) -> list[tuple[str, str]]:
    lines = (EVAL / name).read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")[:2]) for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize(
    "text", ["play some music", "tell me a joke", "the capital of France", "set a timer", "the weather"]
)
def test_requests_that_are_not_about_health(text):
    assert is_non_health(text)


@pytest.mark.parametrize(
    "text",
    [
        "can I play tennis with a sore shoulder",
        "what causes kidney stones",
        "I got hit by a car and my neck hurts",
        "how many times a day should I stretch",
        "",
    ],
)
def test_health_questions_and_statements_are_not(text):
    assert not is_non_health(text)


def test_no_answerable_or_emergency_sentence_of_the_dev_sets_is_called_not_about_health():
    for name in ("natural_dev.tsv", "emergency_dev.tsv", "alarming_ordinary_dev.tsv", "near_miss_dev.tsv"):
        flagged = [text for text, expected in _rows(name) if expected != "none" and is_non_health(text)]
        assert flagged == [], name
