"""Per-request values the interceptors set for the handlers, and the request's log summary."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest

if TYPE_CHECKING:
    from skill.conversation import ConversationState
    from skill.dialogue import Dialogue

DIALOGUE, STATE, ANSWERED, STARTED = "dialogue", "state", "answered", "started"


def dialogue_of(handler_input: HandlerInput) -> Dialogue:
    return handler_input.attributes_manager.request_attributes[DIALOGUE]


def state_of(handler_input: HandlerInput) -> ConversationState:
    return handler_input.attributes_manager.request_attributes[STATE]


def request_summary(handler_input: HandlerInput) -> dict[str, Any]:
    """What one request log line says: ids and outcome, never user or device data."""
    request = handler_input.request_envelope.request
    attributes = handler_input.attributes_manager.request_attributes
    answered = attributes.get(ANSWERED)
    started = attributes.get(STARTED)
    intent = getattr(request, "intent", None) if isinstance(request, IntentRequest) else None
    return {
        "request_id": getattr(request, "request_id", None),
        "request_type": getattr(request, "object_type", None),
        "intent": getattr(intent, "name", None),
        "answer": answered.id if answered is not None else "unanswered",
        "latency_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
    }
