"""Escaping end to end: a store whose text holds &, < and > reaches the device as valid SSML
that says those characters, through the real skill, and a card that shows them as written."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import pytest

from skill.app import SkillRuntime, build_skill
from skill.config import Settings
from skill.data_files import data_path
from skill.store import AnswerStore, parse_store
from tests.helpers import check_response_limits, speech_of
from tools.envelopes import envelope, intent_request

HOSTILE_SPEECH = 'Heat & ice <break time="10s"/> help; pain < 3 or > 7 is "R&D" </speak> territory.'
HOSTILE_CARD = "Heat & ice <b>help</b>; 3 < pain > 7."


@pytest.fixture(scope="module")
def hostile_store() -> AnswerStore:
    with open(data_path("answers.json"), encoding="utf-8") as handle:
        document = json.load(handle)
    entry = next(entry for entry in document["entries"] if entry["id"] == "neck")
    entry["speech"], entry["card_text"], entry["card_title"] = HOSTILE_SPEECH, HOSTILE_CARD, "Q&A <neck>"
    return parse_store(document)


@pytest.fixture(scope="module")
def runtime(hostile_store) -> SkillRuntime:
    return SkillRuntime(build_skill(hostile_store), Settings())


def test_store_text_with_markup_characters_is_spoken_as_text(runtime, hostile_store):
    intent = hostile_store.get("neck").intent_name
    received = runtime.handle(envelope(intent_request(intent)))
    check_response_limits(received)
    ssml = received["response"]["outputSpeech"]["ssml"]
    root = ElementTree.fromstring(ssml)  # one well-formed <speak> document
    assert [element.tag for element in root.iter()].count("speak") == 1
    assert all(element.get("time") != "10s" for element in root.iter("break"))  # not a live tag
    assert HOSTILE_SPEECH in speech_of(received)


def test_the_card_keeps_the_characters_as_written(runtime, hostile_store):
    intent = hostile_store.get("neck").intent_name
    card = runtime.handle(envelope(intent_request(intent)))["response"]["card"]
    assert card["title"] == "Q&A <neck>"
    assert HOSTILE_CARD in card["content"]


@pytest.mark.parametrize("query", ["<speak>x</speak> & neck", "neck &amp; <break/>", "what > is < this &"])
def test_a_query_with_markup_characters_never_breaks_the_reply(runtime, query):
    received = runtime.handle(envelope(intent_request("QuestionIntent", {"query": query})))
    check_response_limits(received)
    ElementTree.fromstring(received["response"]["outputSpeech"]["ssml"])
