"""Static response parts (the APL directive per screen) are serialised once, and come out
exactly as the SDK would have serialised its own model of them; the skill's serializer writes
every response as the SDK's own does."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime
from decimal import Decimal

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective
from ask_sdk_model.ui import PlayBehavior

from skill.apl import TOKEN, document
from skill.app import default_runtime
from skill.envelope import InvalidRequest, check_envelope
from skill.serialized import Serialized, StaticPartsSerializer
from tests.test_fuzz_mutations import _bases, _mutate, _paths
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


def test_responses_to_mutated_envelopes_are_written_as_the_sdk_writes_them():
    """Errors, declines, screens and odd locales: the responses real events do not reach."""
    runtime = default_runtime()
    rng = random.Random(7)
    bases = _bases()
    compared = 0
    for number in range(300):
        event = json.loads(bases[number % len(bases)])
        _mutate(event, rng, _paths(event))
        try:
            response = runtime.skill.invoke(runtime._deserialize(check_envelope(event, None)), None)
        except InvalidRequest:
            continue
        assert StaticPartsSerializer().serialize(response) == DefaultSerializer().serialize(response)
        compared += 1
    assert compared > 150


def test_each_kind_of_value_is_written_as_the_sdk_writes_it():
    values = [
        None,
        True,
        3,
        2.5,
        "x",
        b"y",
        [1, (2, 3)],
        (4,),
        Decimal("2"),
        Decimal("2.5"),
        datetime(2026, 11, 25, tzinfo=UTC),
        date(2026, 11, 25),
        PlayBehavior.ENQUEUE,
        {"k": [PlayBehavior.REPLACE_ALL]},
        Serialized({"type": "x", "n": [1]}),
    ]
    for value in values:
        assert StaticPartsSerializer().serialize(value) == DefaultSerializer().serialize(value), value
