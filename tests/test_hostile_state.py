"""Forged session state, hostile text and unbounded keys, through the real Lambda handler
(issue 19, findings 6 to 10): none can crash a turn, poison the next, grow a response past
Alexa's 24 KB, or grow a cache without bound."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from skill.conversation import MAX_MISSES, MAX_VARIANT
from skill.logs import logger
from skill.phrases import phrases_for
from skill.ranking import stem
from tests.helpers import MAX_RESPONSE_BYTES, check_response_limits, reprompt_of, speech_of
from tools.envelopes import envelope, intent_request, launch_request, session_ended_request


@pytest.fixture
def strict_log() -> Iterator[io.TextIOWrapper]:
    """The logs written as stdout writes them: UTF-8, strict, so a bad character would fail."""
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)
    previous = logger.stream, logger.level
    logger.stream = stream
    logger.set_level("INFO")
    yield stream
    logger.stream, logger.level = previous


def _log_lines(stream: io.TextIOWrapper) -> list[dict]:
    return [json.loads(line) for line in stream.buffer.getvalue().decode("utf-8").splitlines()]


def _turn(handler, request: dict, attributes: object) -> dict:
    event = envelope(request, new_session=False)
    event["session"]["attributes"] = attributes
    received = handler(event, None)
    check_response_limits(received)
    return received


FORGED = [
    {"pending": {"id": "neck", "offer": ["more"]}},
    {"pending": {"id": ["neck"], "offer": "related"}},
    {"last": {"id": "neck", "part": ["answer"]}},
    {"last": {"id": {"x": 1}, "part": {"y": 2}}},
    {"heard": [["neck"], {"id": "neck"}, "neck"]},
]


@pytest.mark.parametrize("attributes", FORGED)
def test_forged_state_is_dropped_not_a_crash_and_the_next_turn_works(handler, strict_log, attributes):
    """Finding 6: a list where an id or offer belongs raised TypeError on load, and the
    apology sent the same attributes back, so every later turn failed too."""
    received = _turn(handler, intent_request("AMAZON.YesIntent"), attributes)
    errors = [line for line in _log_lines(strict_log) if line["level"] == "ERROR"]
    assert errors == []
    assert "something went wrong" not in speech_of(received).lower()
    state = received["sessionAttributes"]
    assert set(state) <= {"heard", "last", "pending", "said", "misses", "warned"}
    following = _turn(handler, intent_request("AMAZON.RepeatIntent"), state)
    assert "something went wrong" not in speech_of(following).lower()


# Each is one field away from a "said" we write, and breaks one rule of the loader.
FORGED_SAID = [
    {"kind": "help", "variant": -1},
    {"kind": "help", "variant": MAX_VARIANT},
    {"kind": "menu", "variant": 0, "ids": ["neck", "no_such_answer"]},
    {"kind": "help", "variant": 0, "reason": "Not A Reason"},
    {"kind": "miss", "variant": 0, "reason": "miss_not_covered", "level": MAX_MISSES},
    {"kind": "miss", "variant": 0, "reason": "miss_not_covered", "level": -1},
]


@pytest.mark.parametrize("said", FORGED_SAID)
def test_a_said_that_breaks_a_rule_is_dropped_whole_not_repeated_nor_sent_back(handler, said):
    """What "repeat" rebuilds comes back from the device: one field outside what we write
    (a variant or level out of range, an unknown answer, a reason that is no prompt key's
    shape) drops it whole, so nothing of it is spoken or echoed."""
    received = _turn(handler, intent_request("AMAZON.RepeatIntent"), {"said": said})
    assert speech_of(received) == phrases_for("en-US").say("nothing_to_repeat")
    assert "said" not in received["sessionAttributes"]


def test_an_offer_of_more_for_an_answer_without_more_is_dropped(handler):
    """A "yes" to a forged offer of more would speak an answer's missing second part."""
    forged = _turn(
        handler, intent_request("AMAZON.YesIntent"), {"pending": {"id": "doctor", "offer": "more"}}
    )
    plain = _turn(handler, intent_request("AMAZON.YesIntent"), {})
    assert speech_of(forged) == speech_of(plain)
    assert forged["sessionAttributes"] == plain["sessionAttributes"]


def test_an_answer_heard_twice_is_remembered_once(handler):
    first = _turn(handler, intent_request("NeckIntent"), {})
    again = _turn(handler, intent_request("NeckIntent"), first["sessionAttributes"])
    assert again["sessionAttributes"]["heard"] == first["sessionAttributes"]["heard"] == ["neck"]


def test_unknown_keys_are_dropped_from_the_state_sent_back(handler):
    received = _turn(handler, launch_request(), {"heard": ["neck"], "injected": "x" * 1000, "admin": True})
    assert received["sessionAttributes"] == {"heard": ["neck"], "said": {"kind": "welcome", "variant": 0}}


@pytest.mark.parametrize(
    "attributes",
    [
        {f"junk{number}": "x" * 100 for number in range(300)},  # 30 KB of unknown keys
        {"heard": [f"id{number}" for number in range(1_000_000)]},  # a million heard ids
        {"heard": ["neck"] * 200_000},
    ],
)
def test_no_response_grows_with_what_came_in(handler, attributes):
    """Finding 7: 30 KB of junk came back as a 30 KB response, a million ids as 8 MB."""
    for request in (launch_request(), intent_request("NeckIntent"), session_ended_request()):
        received = _turn(handler, request, attributes)
        assert len(json.dumps(received).encode()) < MAX_RESPONSE_BYTES


def test_session_ended_gets_an_empty_response_whatever_the_state(handler):
    """Finding 7: with poisoned attributes SessionEndedRequest got speech and a reprompt,
    which Alexa does not accept for that request type."""
    for attributes in (*FORGED, {"heard": "neck"}, {"last": [1, 2, 3]}, {}):
        received = _turn(handler, session_ended_request("ERROR"), attributes)
        assert received["response"] == {}


def _nested(depth: int) -> object:
    value: object = "neck"
    for _ in range(depth):
        value = {"a": [value]}
    return value


@pytest.mark.parametrize("depth", [500, 5000])
def test_deeply_nested_state_is_refused_cleanly(handler, depth):
    """Finding 8: attributes about 500 deep raised RecursionError from the SDK's deepcopy."""
    for attributes in ({"last": _nested(depth)}, {"deep": _nested(depth)}, {"heard": [_nested(depth)]}):
        received = _turn(handler, intent_request("AMAZON.RepeatIntent"), attributes)
        assert reprompt_of(received)
        assert received["sessionAttributes"] == {"heard": []}


def test_a_lone_surrogate_is_logged_and_answered(handler, strict_log):
    """Finding 9: the log write failed on "\\ud800", so the user heard "something went wrong"
    instead of the no-answer reply, and the log line was lost."""
    received = _turn(handler, intent_request("QuestionIntent", {"query": "\ud800 kidney stones"}), {})
    assert "don't have an answer" in speech_of(received)
    lines = _log_lines(strict_log)
    unanswered = [line for line in lines if line["event"] == "unanswered_query"]
    assert [line["query"] for line in unanswered] == ["\ud800 kidney stones"]
    assert [line["level"] for line in lines if line["event"] == "request"] == ["INFO"]


def test_a_log_line_never_fails_whatever_the_fields(strict_log):
    from skill.logs import log_event

    log_event("probe", text="\udfff\x00", number=10**5000, nested=_nested(5000), raw=b"\xff")
    (line,) = _log_lines(strict_log)
    assert line["event"] == "probe"


def test_locales_are_normalised_before_any_cache(handler):
    """Finding 10: the phrase cache was keyed by the raw locale (1 MB locales: 20 to 213 MB)."""
    default = phrases_for("en-US")
    for number in range(50):
        locale = f"xx-{number}" + "x" * 10_000
        assert reprompt_of(_turn(handler, launch_request(locale), {}))  # answered, in the default
        assert phrases_for(locale) is default
    assert phrases_for("en-GB") is phrases_for("en-GB") is not default


def test_the_stemmer_cache_is_bounded():
    """Finding 10: the stemmer cache kept every word ever seen (2 million entries, 215 MB)."""
    for number in range(stem.cache_info().maxsize + 100):
        stem(f"word{number}ing")
    info = stem.cache_info()
    assert info.maxsize is not None and info.currsize <= info.maxsize
