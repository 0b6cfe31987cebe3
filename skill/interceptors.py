"""Cross-cutting work around every handler: conversation set-up and the request log."""

from __future__ import annotations

import time

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response

from skill.conversation import ConversationState
from skill.dialogue import Dialogues
from skill.handlers import ANSWERED, DIALOGUE, STATE
from skill.logs import log_event

_STARTED = "started"


class ConversationInterceptor(AbstractRequestInterceptor):
    """Pick the locale's dialogue and load the (untrusted) session state, once per request."""

    def __init__(self, dialogues: Dialogues) -> None:
        self.dialogues = dialogues

    def process(self, handler_input: HandlerInput) -> None:
        attributes = handler_input.attributes_manager.request_attributes
        attributes[_STARTED] = time.perf_counter()
        attributes[DIALOGUE] = self.dialogues.for_locale(
            getattr(handler_input.request_envelope.request, "locale", None)
        )
        session = handler_input.request_envelope.session
        raw = session.attributes if session is not None else None
        attributes[STATE] = ConversationState.from_attributes(raw, self.dialogues.store)


class RequestLogInterceptor(AbstractResponseInterceptor):
    """One log line per request: ids and outcome only, never user or device data."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        request = handler_input.request_envelope.request
        attributes = handler_input.attributes_manager.request_attributes
        answered = attributes.get(ANSWERED)
        started = attributes.get(_STARTED)
        log_event(
            "request",
            request_id=request.request_id,
            request_type=request.object_type,
            intent=request.intent.name if isinstance(request, IntentRequest) else None,
            answer=answered.id if answered is not None else "unanswered",
            latency_ms=round((time.perf_counter() - started) * 1000, 2) if started else None,
        )
