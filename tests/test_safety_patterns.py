"""Every free-text safety pattern is exercised: each alternative of skill/data/safety.json matches
something the tests say, and each example is assessed as its own category, so deleting or
breaking any one pattern fails a test."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from skill.data_files import read_json
from skill.safety import MIN_SAMPLES, SafetyDataError, assess, parse_rules
from skill.text import normalize_clitics_apart

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
        normalize_clitics_apart(text)
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


def _document() -> dict:
    return json.loads(json.dumps(read_json("safety.json")))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["categories"]["stroke"].update(patterns=[]),
            "stroke: needs a non-empty list of patterns",
        ),
        (
            lambda d: d["categories"]["stroke"].update(patterns=[3]),
            "stroke: needs a non-empty list of patterns",
        ),
        (lambda d: d["categories"]["stroke"].update(patterns="stroke"), "stroke: needs a non-empty list"),
        (
            lambda d: d["categories"]["stroke"].update(reply="shout"),
            "stroke: reply must be one of \\['crisis'",
        ),
        (lambda d: d["intents"]["CrisisIntent"].update(reply=None), "CrisisIntent: reply must be one of"),
        (lambda d: d["benign"].append("(broken"), "safety.json benign:"),
        (lambda d: d["question"].update(opening="(broken"), r"^safety\.json question\.opening or general: "),
        (lambda d: d["question"].update(general="(broken"), r"^safety\.json question\.opening or general: "),
        (lambda d: d["question"].update(past="(broken"), r"^safety\.json question\.past: "),
        (lambda d: d["question"].update(request="(broken"), r"^safety\.json question\.request: "),
        (lambda d: d["question"].update(present="(broken"), r"^safety\.json question\.present: "),
        (lambda d: d["intents"]["EmergencyIntent"]["samples"].append("call 9 1 1"), "may hold only letters"),
        (
            lambda d: d["intents"]["EmergencyIntent"]["samples"].append(
                d["intents"]["CrisisIntent"]["samples"][0]
            ),
            "^safety\\.json EmergencyIntent: .* is also a sample of CrisisIntent$",
        ),
    ],
)
def test_a_broken_safety_file_is_refused_naming_the_place(change, message):
    document = _document()
    change(document)
    with pytest.raises(SafetyDataError, match=message):
        parse_rules(document)


def test_the_minimum_number_of_samples_is_enough():
    document = _document()
    for intent in document["intents"].values():
        intent["samples"] = intent["samples"][: MIN_SAMPLES[intent["reply"]]]
    rules = parse_rules(document)
    assert {name: len(samples) for name, samples in rules.samples.items()} == {
        name: MIN_SAMPLES[intent["reply"]] for name, intent in document["intents"].items()
    }


def test_the_rules_keep_every_category_in_the_files_order_with_its_reply():
    document = _document()
    rules = parse_rules(document)
    assert [(category.name, category.reply) for category in rules.categories] == [
        (name, raw["reply"]) for name, raw in document["categories"].items()
    ]
    assert rules.intents == {name: raw["reply"] for name, raw in document["intents"].items()}
