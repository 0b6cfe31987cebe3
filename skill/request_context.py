"""The per-request values the interceptors set for the handlers, as one typed object.

The SDK's request attributes are a string-keyed dict of ``Any``; keeping a single
``RequestContext`` under one key lets the type checker follow every value through.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest

if TYPE_CHECKING:
    from skill.conversation import ConversationState
    from skill.dialogue import Dialogue
    from skill.store import Entry

_KEY = "request_context"


class RequestContext:
    """``answered`` is set by the renderer once a reply names a store entry. A plain class:
    a dataclass compiles its methods at import, a millisecond of every cold start."""

    __slots__ = ("answered", "dialogue", "started", "state")

    def __init__(self, dialogue: Dialogue, state: ConversationState) -> None:
        self.dialogue = dialogue
        self.state = state
        self.started = time.perf_counter()
        self.answered: Entry | None = None


def attach_context(handler_input: HandlerInput, context: RequestContext) -> None:
    handler_input.attributes_manager.request_attributes[_KEY] = context


def context_of(handler_input: HandlerInput) -> RequestContext:
    """Raises LookupError when the interceptor did not run (a bug, caught by the exception handler)."""
    context = handler_input.attributes_manager.request_attributes.get(_KEY)
    if not isinstance(context, RequestContext):
        raise LookupError("no request context: the conversation interceptor did not run")
    return context


def request_summary(handler_input: HandlerInput) -> dict[str, Any]:
    """What one request log line says: ids and outcome, never user or device data."""
    request = handler_input.request_envelope.request
    context = handler_input.attributes_manager.request_attributes.get(_KEY)
    known = context if isinstance(context, RequestContext) else None
    intent = request.intent if isinstance(request, IntentRequest) else None
    return {
        "request_id": getattr(request, "request_id", None),
        "request_type": getattr(request, "object_type", None),
        "intent": getattr(intent, "name", None),
        "answer": known.answered.id if known is not None and known.answered is not None else "unanswered",
        "latency_ms": round((time.perf_counter() - known.started) * 1000, 2) if known else None,
    }
