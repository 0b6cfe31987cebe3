"""Every free-text safety pattern is exercised: each alternative of skill/data/safety.json matches
something the tests say, and each example is assessed as its own category, so deleting or
breaking any one pattern fails a test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from skill.data_files import read_json
from skill.safety import assess
from skill.text import normalize

DATA = Path(__file__).parent / "data"
EXAMPLES = DATA / "safety_pattern_examples.tsv"
DEV_SET = DATA / "eval" / "emergency_dev.tsv"


def _rows(path: Path) -> list[tuple[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    return [(row[0], row[1]) for row in rows]


def exercised_by() -> list[str]:
    """The phrases the tests send: the safety intents' samples, the dev set, the examples."""
    document = read_json("safety.json")
    samples = [sample for intent in document["intents"].values() for sample in intent["samples"]]
    return [
        normalize(text)
        for text in [*samples, *(u for u, _ in _rows(DEV_SET)), *(u for u, _ in _rows(EXAMPLES))]
    ]


def patterns() -> list[tuple[str, str]]:
    document = read_json("safety.json")
    return [(name, pattern) for name, raw in document["categories"].items() for pattern in raw["patterns"]]


def test_every_pattern_matches_something_the_tests_say():
    phrases = exercised_by()
    unexercised = [
        f"{name}: {pattern}"
        for name, pattern in patterns()
        if not any(re.search(pattern, phrase) for phrase in phrases)
    ]
    assert unexercised == []


@pytest.mark.parametrize(("utterance", "category"), _rows(EXAMPLES))
def test_each_pattern_example_is_assessed_as_its_category(utterance, category):
    finding = assess(utterance)
    assert finding is not None, utterance
    assert finding.category == category
