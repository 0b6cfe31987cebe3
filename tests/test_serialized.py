"""Static response parts (the APL directive per screen) are serialised once, and come out
exactly as the SDK would have serialised its own model of them; the skill's serializer writes
every response as the SDK's own does."""

from __future__ import annotations

import json

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

from skill.apl import TOKEN, document
from skill.app import default_runtime
from skill.serialized import StaticPartsSerializer
from tools.envelopes import envelope, intent_request, launch_request
from tools.events import EVENTS_DIR


def _directive(handler, request):
    return handler(envelope(request, screen=True), None)["response"]["directives"][0]


def test_a_screen_is_serialised_once_and_reused(handler):
    first, again = (
        _directive(handler, intent_request("NeckIntent")),
        _directive(handler, intent_request("NeckIntent")),
    )
    assert first is again
    assert _directive(handler, launch_request()) is not first


def test_the_directive_is_what_the_sdk_makes_of_its_model(handler):
    for request in (intent_request("NeckIntent"), launch_request()):
        ours = _directive(handler, request)
        model = RenderDocumentDirective(token=TOKEN, document=document(), datasources=ours["datasources"])
        assert DefaultSerializer().serialize(model) == ours


def test_every_event_is_answered_as_the_sdk_would_write_it():
    runtime = default_runtime()
    for path in sorted(EVENTS_DIR.glob("*.json")):
        event = json.loads(path.read_text())
        request = runtime.reader.read(
            {**event, "request": {**event["request"], "timestamp": None}}, RequestEnvelope
        )
        response = runtime.skill.invoke(request_envelope=request, context=None)
        assert StaticPartsSerializer().serialize(response) == DefaultSerializer().serialize(response), (
            path.name
        )
