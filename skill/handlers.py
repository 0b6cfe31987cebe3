"""ASK SDK request handlers: one per kind of request, as in the official samples.

Each handler picks a Dialogue method; the conversation rules live in dialogue.py and
the rendering (SSML, card, session attributes) happens once, in ``render``.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_core.utils import get_intent_name, get_slot, is_intent_name, is_request_type
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from skill.apl import render_directive, supports_apl, touched_answer_id
from skill.conversation import ConversationState
from skill.dialogue import Dialogue, Dialogues, Turn
from skill.intents import catch_all_intent
from skill.logs import ERROR, log_event
from skill.name_free import CanFulfillIntentRequestHandler
from skill.request_context import context_of, request_summary
from skill.speech import fit_card, to_ssml

# What the unanswered-question log keeps (docs/privacy.md): the first 200 characters,
# digits masked; never a query the safety check flagged (only its category is logged).
MAX_LOGGED_QUERY = 200
_DIGITS = str.maketrans("0123456789", "##########")


def _intent_name(handler_input: HandlerInput) -> str:
    """The SDK types the name as ``str | bytes``; Alexa always sends a string."""
    return str(get_intent_name(handler_input))


def render(handler_input: HandlerInput, turn: Turn) -> Response:
    """Turn a reply into the SDK response and save the new state in the session."""
    builder = handler_input.response_builder
    reply = turn.reply
    builder.speak(to_ssml(reply.speech))
    if reply.reprompt is None:
        builder.set_should_end_session(True)
    else:
        builder.ask(to_ssml((reply.reprompt,)))
    if reply.card is not None:
        builder.set_card(SimpleCard(*fit_card(reply.card.title, reply.card.text)))
    if reply.screen is not None and supports_apl(handler_input):
        builder.add_directive(render_directive(reply.screen))
    handler_input.attributes_manager.session_attributes = turn.state.to_attributes()
    context_of(handler_input).answered = turn.answered
    return builder.response


class DialogueHandler(AbstractRequestHandler):
    """Base for handlers whose whole job is choosing the next Turn."""

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        raise NotImplementedError

    def handle(self, handler_input: HandlerInput) -> Response:
        context = context_of(handler_input)
        turn = self.respond(context.dialogue, context.state, handler_input)
        if turn.answered is not None and _opens_session(handler_input):
            turn = context.dialogue.with_disclaimer(turn)
        return render(handler_input, turn)


def _opens_session(handler_input: HandlerInput) -> bool:
    """A one-shot request ("ask trigger point guide ..."): the first turn of a session."""
    session = handler_input.request_envelope.session
    return bool(session is not None and session.new)


class SafetyIntentHandler(DialogueHandler):
    """The emergency, poisoning and crisis intents of the model: first in line, always heard.

    Alexa's NLU sends these statements here without their words, so no free-text check
    could run on them; the intent itself says which reply they need."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_request_type("IntentRequest")(handler_input):
            return False
        from skill.safety import safety_rules  # not on a launch

        return _intent_name(handler_input) in safety_rules().intents

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        from skill.safety import safety_rules

        reply = safety_rules().intents[_intent_name(handler_input)]
        log_event("safety", category=reply, path="intent", locale=dialogue.phrases.facts.locale)
        return dialogue.safety(reply, state)


class LaunchRequestHandler(DialogueHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        return dialogue.welcome(state)


class AnswerIntentHandler(DialogueHandler):
    """Every intent that names one store entry (one intent per answer)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            is_request_type("IntentRequest")(handler_input)
            and context_of(handler_input).dialogue.store.for_intent(_intent_name(handler_input)) is not None
        )

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        entry = dialogue.store.for_intent(_intent_name(handler_input))
        assert entry is not None  # checked in can_handle
        return dialogue.answer(entry, state)


class GuardIntentHandler(DialogueHandler):
    """A near-domain question the store does not answer (a dose, a cost, a prognosis...)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        guards = context_of(handler_input).dialogue.guards()
        return is_request_type("IntentRequest")(handler_input) and (
            guards.for_intent(_intent_name(handler_input)) is not None
        )

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        guard = dialogue.guards().for_intent(_intent_name(handler_input))
        assert guard is not None  # checked in can_handle
        return dialogue.guard(guard, state)


class QuestionIntentHandler(DialogueHandler):
    """The catch-all: a free-form question in an AMAZON.SearchQuery slot."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(catch_all_intent().name)(handler_input)

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        slot = get_slot(handler_input, catch_all_intent().slot)
        query = getattr(slot, "value", None)
        if not isinstance(query, str) or not query.strip():
            return dialogue.fallback(state)
        turn = dialogue.question(query, state)
        locale = dialogue.phrases.facts.locale
        finding = turn.finding
        if finding is not None:
            # Never the words of an emergency or a crisis: the category only.
            log_event(
                "safety", category=finding.category, path="free_text", present=finding.present, locale=locale
            )
        elif turn.decision is not None and turn.decision.answer is None:
            # What people ask that the store cannot answer, for the store's owners.
            log_event(
                "unanswered_query",
                query=query[:MAX_LOGGED_QUERY].translate(_DIGITS),
                locale=locale,
                best_score=turn.decision.best_score,
            )
        return turn


class HelpIntentHandler(DialogueHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.HelpIntent")(handler_input)

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        return dialogue.help(state)


class FallbackIntentHandler(DialogueHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.FallbackIntent")(handler_input)

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        return dialogue.fallback(state)


class YesIntentHandler(DialogueHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.YesIntent")(handler_input)

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        return dialogue.accept(state)


class NoIntentHandler(DialogueHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.NoIntent")(handler_input)

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        return dialogue.decline(state)


class NextIntentHandler(DialogueHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.NextIntent")(handler_input)

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        return dialogue.next(state)


class RepeatIntentHandler(DialogueHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.RepeatIntent")(handler_input)

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        return dialogue.repeat(state)


class StartOverIntentHandler(DialogueHandler):
    """Start over returns to the welcome."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.StartOverIntent")(handler_input)

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        return dialogue.welcome(state)


class StopIntentHandler(DialogueHandler):
    """Stop, cancel, and navigate home (Amazon's meaning: leave the skill) end the session."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(
            is_intent_name(name)(handler_input)
            for name in ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent")
        )

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        return dialogue.goodbye(state)


class TouchEventHandler(DialogueHandler):
    """A touch on a screen (APL UserEvent): answered like the question it shows."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("Alexa.Presentation.APL.UserEvent")(handler_input)

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        arguments = getattr(handler_input.request_envelope.request, "arguments", None)
        entry = dialogue.store.get(touched_answer_id(arguments))
        return dialogue.answer(entry, state) if entry is not None else dialogue.stale_touch(state)


class SessionEndedRequestHandler(AbstractRequestHandler):
    """Alexa closed the session; it accepts no speech here, only an empty response."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = getattr(request, "reason", None)
        log_event("session_ended", reason=getattr(reason, "value", reason))
        return handler_input.response_builder.response


class UnsupportedRequestHandler(DialogueHandler):
    """Last in line: an intent or request type we do not know gets a polite reply."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def respond(self, dialogue: Dialogue, state: ConversationState, handler_input: HandlerInput) -> Turn:
        return dialogue.unsupported(state)


class CatchAllExceptionHandler(AbstractExceptionHandler):
    """Any failure: log it, apologise and keep the session going, with the conversation
    state reset: what led to the failure must not come back with the next turn."""

    def __init__(self, dialogues: Dialogues) -> None:
        self.dialogues = dialogues

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log_event("request", level=ERROR, **request_summary(handler_input), error=type(exception).__name__)
        envelope = handler_input.request_envelope
        if envelope.session is not None:
            handler_input.attributes_manager.session_attributes = ConversationState().to_attributes()
        # A fresh response: whatever the failed handler had half-built is dropped.
        builder = ResponseFactory()
        if is_request_type("SessionEndedRequest")(handler_input):
            return builder.response  # Alexa accepts no speech for it
        dialogue = self.dialogues.for_locale(getattr(envelope.request, "locale", None))
        reply = dialogue.error(ConversationState()).reply
        builder.speak(to_ssml(reply.speech)).ask(to_ssml((reply.reprompt or "",)))
        return builder.response


def request_handlers() -> list[AbstractRequestHandler]:
    """In dispatch order: safety first, then specific handlers, the polite catch-all last."""
    return [
        SafetyIntentHandler(),
        CanFulfillIntentRequestHandler(),
        LaunchRequestHandler(),
        AnswerIntentHandler(),
        GuardIntentHandler(),
        QuestionIntentHandler(),
        HelpIntentHandler(),
        YesIntentHandler(),
        NoIntentHandler(),
        NextIntentHandler(),
        RepeatIntentHandler(),
        StartOverIntentHandler(),
        StopIntentHandler(),
        FallbackIntentHandler(),
        TouchEventHandler(),
        SessionEndedRequestHandler(),
        UnsupportedRequestHandler(),
    ]
