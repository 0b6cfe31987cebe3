"""Name-free interaction: Alexa's ``CanFulfillIntentRequest`` asks, before a request that
did not name the skill is routed to it, whether the skill can understand and fulfil it.

The answer must be truthful and must change nothing: no speech, no card, no session state,
no unanswered-query event and no query text in the logs, and it must work without a user
or a session. The catch-all's verdict is the catch-all's own (``Dialogue.question`` on a
fresh state, whose reply is never rendered), so the two can never disagree:

- an answer intent: YES;
- the catch-all with a query: YES when it would answer an entry, MAYBE when the store
  explains the query but no entry clearly leads (it would offer the closest), NO otherwise:
  unrelated questions, other health topics, what the guards decline, and every emergency
  or crisis, for which Alexa's own reply must not wait for a skill to be chosen;
- anything else (built-ins, which mean nothing without a session): NO.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.conversation import ConversationState
from skill.intents import catch_all_intent
from skill.logs import ERROR, log_event
from skill.request_context import context_of, request_summary

if TYPE_CHECKING:
    from ask_sdk_model.canfulfill import CanFulfillIntent, CanFulfillIntentRequest, CanFulfillSlot

    from skill.dialogue import Dialogue

# The SDK's canfulfill types are imported on the first CanFulfillIntentRequest, not on a
# cold start.

REQUEST_TYPE = "CanFulfillIntentRequest"


class Verdict(Enum):
    YES = "YES"
    MAYBE = "MAYBE"
    NO = "NO"


def catch_all_verdict(dialogue: Dialogue, query: object) -> Verdict:
    """What the catch-all would do with ``query``, from its own decision."""
    if not isinstance(query, str) or not query.strip():
        return Verdict.NO
    turn = dialogue.question(query, ConversationState())
    if turn.finding is not None:
        return Verdict.NO  # an emergency, or a question that mentions one: Alexa's to handle
    if turn.answered is not None:
        return Verdict.YES
    return Verdict.MAYBE if turn.clarifying else Verdict.NO


def _slot_answer(verdict: Verdict) -> CanFulfillSlot:
    from ask_sdk_model.canfulfill import CanFulfillSlot, CanFulfillSlotValues, CanUnderstandSlotValues

    understood = CanUnderstandSlotValues(verdict.value)
    fulfilled = CanFulfillSlotValues.NO if verdict is Verdict.NO else CanFulfillSlotValues.YES
    return CanFulfillSlot(can_understand=understood, can_fulfill=fulfilled)


def can_fulfill(dialogue: Dialogue, request: CanFulfillIntentRequest) -> CanFulfillIntent:
    """The intent-level verdict and one per slot Alexa detected."""
    from ask_sdk_model.canfulfill import CanFulfillIntent, CanFulfillIntentValues

    intent = request.intent
    name = getattr(intent, "name", None)
    slots = getattr(intent, "slots", None) or {}
    if isinstance(name, str) and dialogue.store.for_intent(name) is not None:
        verdict = Verdict.YES
    elif name == catch_all_intent().name:
        verdict = catch_all_verdict(dialogue, getattr(slots.get(catch_all_intent().slot), "value", None))
    else:
        verdict = Verdict.NO
    return CanFulfillIntent(
        can_fulfill=CanFulfillIntentValues(verdict.value),
        slots={str(slot): _slot_answer(verdict) for slot in slots} or None,
    )


def _answer(handler_input: HandlerInput, answer: CanFulfillIntent) -> Response:
    """Only ``canFulfillIntent``: no speech, no card, no session attributes sent back."""
    if handler_input.request_envelope.session is not None:
        handler_input.attributes_manager.session_attributes = None  # type: ignore[assignment]
    return handler_input.response_builder.set_can_fulfill_intent(answer).response


class CanFulfillIntentRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type(REQUEST_TYPE)(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        from ask_sdk_model.canfulfill import CanFulfillIntentRequest

        request = handler_input.request_envelope.request
        assert isinstance(request, CanFulfillIntentRequest)  # checked in can_handle
        return _answer(handler_input, can_fulfill(context_of(handler_input).dialogue, request))


class CanFulfillExceptionHandler(AbstractExceptionHandler):
    """A failure while answering Alexa's question is a NO, never an apology spoken aloud."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return bool(is_request_type(REQUEST_TYPE)(handler_input))

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        from ask_sdk_model.canfulfill import CanFulfillIntent, CanFulfillIntentValues

        log_event("request", level=ERROR, **request_summary(handler_input), error=type(exception).__name__)
        return _answer(handler_input, CanFulfillIntent(can_fulfill=CanFulfillIntentValues.NO))
