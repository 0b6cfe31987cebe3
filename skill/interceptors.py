"""Cross-cutting work around every handler: conversation set-up and the request log."""

from __future__ import annotations

import time

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.conversation import ConversationState
from skill.dialogue import Dialogues
from skill.logs import log_event
from skill.request_context import DIALOGUE, STARTED, STATE, request_summary


class ConversationInterceptor(AbstractRequestInterceptor):
    """Pick the locale's dialogue and load the (untrusted) session state, once per request."""

    def __init__(self, dialogues: Dialogues) -> None:
        self.dialogues = dialogues

    def process(self, handler_input: HandlerInput) -> None:
        attributes = handler_input.attributes_manager.request_attributes
        attributes[STARTED] = time.perf_counter()
        attributes[DIALOGUE] = self.dialogues.for_locale(
            getattr(handler_input.request_envelope.request, "locale", None)
        )
        session = handler_input.request_envelope.session
        raw = session.attributes if session is not None else None
        attributes[STATE] = ConversationState.from_attributes(raw, self.dialogues.store)


class RequestLogInterceptor(AbstractResponseInterceptor):
    """One log line per answered request (the exception handler logs the others)."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        log_event("request", **request_summary(handler_input))
