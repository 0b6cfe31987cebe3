"""Cross-cutting work around every handler: conversation set-up and the request log."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.conversation import ConversationState
from skill.dialogue import Dialogues
from skill.logs import INFO, log_event, logger
from skill.request_context import RequestContext, attach_context, request_summary


class ConversationInterceptor(AbstractRequestInterceptor):
    """Pick the locale's dialogue and load the (untrusted) session state, once per request."""

    def __init__(self, dialogues: Dialogues) -> None:
        self.dialogues = dialogues

    def process(self, handler_input: HandlerInput) -> None:
        dialogue = self.dialogues.for_locale(getattr(handler_input.request_envelope.request, "locale", None))
        session = handler_input.request_envelope.session
        raw = session.attributes if session is not None else None
        state = ConversationState.from_attributes(raw, self.dialogues.store)
        attach_context(handler_input, RequestContext(dialogue, state))
        if session is not None:
            # Only state we could read goes back, whatever path the turn takes.
            handler_input.attributes_manager.session_attributes = state.to_attributes()


class RequestLogInterceptor(AbstractResponseInterceptor):
    """One log line per answered request (the exception handler logs the others)."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        if logger.enabled(INFO):  # LOG_LEVEL=WARNING: not even the summary is worked out
            log_event("request", **request_summary(handler_input))
