"""Static response parts (the APL directive per screen) are serialised once, and come out
exactly as the SDK would have serialised its own model of them."""

from __future__ import annotations

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

from skill.apl import TOKEN, document
from tools.envelopes import envelope, intent_request, launch_request


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
