"""Property-based tests: whatever arrives, the skill answers validly or refuses cleanly."""

from __future__ import annotations

import copy
import json
from typing import Any

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.envelope import InvalidRequest
from tests.helpers import check_response_limits
from tools.envelopes import envelope, intent_request, launch_request, session_ended_request
from tools.model import model_path

INTENTS = [
    intent["name"]
    for intent in json.loads(model_path("en-US").read_text())["interactionModel"]["languageModel"]["intents"]
]
REQUEST_TYPES = [
    "LaunchRequest",
    "IntentRequest",
    "SessionEndedRequest",
    "CanFulfillIntentRequest",
    "Alexa.Presentation.APL.UserEvent",
    "System.ExceptionEncountered",
    "AudioPlayer.PlaybackStarted",
]
NASTY_TEXT = [
    '<audio src="https://evil.example/a.mp3"/>',
    "&",
    "]]>",
    "<speak>",
    "</speak><speak>",
    "&amp;lt;",
    "\x00\x07\x1b",
    "\ud7ff\ue000\ufffd",
    "chest pain <break time='10s'/>",
    "é中文🙂",
    "'\"",
    "{emergency_number}",
]
PATHS = [
    ("session",),
    ("context",),
    ("context", "System"),
    ("context", "System", "application"),
    ("session", "application"),
    ("session", "attributes"),
    ("session", "new"),
    ("session", "user"),
    ("request", "locale"),
    ("request", "intent"),
    ("request", "intent", "slots"),
    ("request", "intent", "name"),
    ("request", "timestamp"),
    ("request", "reason"),
    ("request", "dialogState"),
    ("version",),
    ("context", "System", "device"),
    ("request", "type"),
    ("request", "requestId"),
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
slot_values = (
    st.sampled_from(NASTY_TEXT)
    | st.text(max_size=200)
    | st.text(alphabet="ab <>&", min_size=5000, max_size=20000)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=50)
    | json_values
)
session_attributes = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "last": st.fixed_dictionaries(
                {},
                optional={
                    "id": json_values | st.sampled_from(["neck", "doctor"]),
                    "part": json_values | st.sampled_from(["answer", "more"]),
                },
            ),
            "pending": st.fixed_dictionaries(
                {},
                optional={
                    "id": json_values | st.sampled_from(["neck", "release_trapped_nerve"]),
                    "offer": json_values | st.sampled_from(["more", "related"]),
                },
            ),
            "heard": st.lists(json_values | st.sampled_from(["neck", "doctor"]), max_size=5) | json_values,
        },
    ),
)


def damage(draw: Any, event: dict[str, Any], paths: list[tuple[str, ...]]) -> None:
    """Remove or replace up to three of the fields at ``paths``, wherever they exist."""
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(paths))
        parent: Any = event
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if isinstance(parent, dict):
            if draw(st.booleans()):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(json_values)


@st.composite
def envelopes(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["launch", "intent", "ended", "other"]))
    locale = draw(st.sampled_from(["en-US", "en-GB", "en-AU", "en-IN", "en-CA", "de-DE", ""]) | json_values)
    if kind == "launch":
        request = launch_request()
    elif kind == "ended":
        request = session_ended_request(draw(st.sampled_from(["USER_INITIATED", "ERROR"]) | json_values))
    else:
        name = draw(st.sampled_from(INTENTS) | st.text(max_size=40))
        slots = draw(
            st.dictionaries(
                st.sampled_from(["query", "other"]) | st.text(max_size=8), slot_values, max_size=3
            )
        )
        request = intent_request(name, {}, "en-US")
        request["intent"]["slots"] = {
            slot: {"name": slot, "value": value, "confirmationStatus": "NONE"}
            for slot, value in slots.items()
        }
        if kind == "other":
            request["type"] = draw(st.sampled_from(REQUEST_TYPES) | st.text(max_size=40))
    request["locale"] = locale
    event = envelope(request, new_session=draw(st.booleans()), attributes={})
    event["session"]["attributes"] = draw(session_attributes)
    damage(draw, event, PATHS)
    extra = draw(st.dictionaries(st.text(max_size=10), json_values, max_size=2))
    event.update({key: value for key, value in extra.items() if key not in event})
    return event


@pytest.fixture(scope="module")
def web_client():
    """The web endpoint in development mode: without signatures, so bodies reach the skill."""
    from web.app import WebSettings, create_app

    return create_app(WebSettings(verify=False)).test_client()


def _answer_or_refuse(handler, event: dict[str, Any]) -> dict[str, Any] | None:
    original = copy.deepcopy(event)
    try:
        received = handler(event, None)
    except InvalidRequest as refusal:
        hypothesis.event(f"refused: {refusal}")
        return None
    hypothesis.event("answered")
    assert event == original, "the handler must not modify the event"
    json.dumps(received)
    assert isinstance(received.get("response"), dict)
    check_response_limits(received)
    return received


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(event=envelopes())
@pytest.mark.slow
def test_any_envelope_gets_a_valid_response_or_a_clean_refusal(handler, event):
    _answer_or_refuse(handler, event)


@settings(
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None, max_examples=300
)
@given(query=slot_values, attributes=session_attributes, locale=st.sampled_from(["en-US", "en-GB", "xx"]))
@pytest.mark.slow
def test_free_text_and_garbage_state_never_inject_or_crash(handler, query, attributes, locale):
    request = intent_request("QuestionIntent", {}, locale)
    request["intent"]["slots"] = {"query": {"name": "query", "value": query, "confirmationStatus": "NONE"}}
    received = _answer_or_refuse(
        handler,
        envelope(request, new_session=False, attributes={})
        | {"session": {**envelope(request)["session"], "attributes": attributes}},
    )
    assert received is not None  # a well-formed envelope is always answered
    ssml = received["response"]["outputSpeech"]["ssml"]
    assert "<audio" not in ssml and "]]>" not in ssml.replace("]]&gt;", "")


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(event=envelopes(), raw=st.none() | st.binary(max_size=300) | st.text(max_size=300))
@pytest.mark.slow
def test_the_web_endpoint_answers_200_or_400_never_500(web_client, event, raw):
    body = json.dumps(event).encode() if raw is None else (raw.encode() if isinstance(raw, str) else raw)
    response = web_client.post("/", data=body, content_type="application/json")
    hypothesis.event(f"HTTP {response.status_code}")
    assert response.status_code in (200, 400)
    payload = response.get_json()
    assert isinstance(payload, dict)
    if response.status_code == 200:
        check_response_limits(payload)
    else:
        assert set(payload) == {"error"} and "Traceback" not in payload["error"]
