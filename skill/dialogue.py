"""What the skill says next, given what was asked and the conversation so far.

Pure decisions, no SDK types: each method returns a Turn (the reply and the new
state), which the handlers render. That keeps every conversational rule in one
place and testable without building envelopes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from skill.conversation import ConversationState, Offer, Part, Pending
from skill.guards import Decline, Guard, Guards, closest_offer, load_guards
from skill.phrases import Phrases, join_naturally, phrases_for
from skill.prompts import PromptKey
from skill.safety import describes_emergency
from skill.store import AnswerStore, Entry

if TYPE_CHECKING:
    from skill.ranking import Decision, TermIndex

HELP_EXAMPLE_COUNT = 4


@dataclass(frozen=True)
class Card:
    title: str
    text: str


@dataclass(frozen=True)
class Screen:
    """What a device with a screen shows: a headline, the written text, touchable questions."""

    headline: str
    text: str
    disclaimer: str
    buttons_title: str = ""
    buttons: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Reply:
    """Speech segments (plain text, spoken with a pause between), reprompt, card and screen.

    A reply without a reprompt closes the session.
    """

    speech: tuple[str, ...]
    reprompt: str | None
    card: Card | None = None
    screen: Screen | None = None


@dataclass(frozen=True)
class Turn:
    """A reply, the state after it, and what happened (for the logs)."""

    reply: Reply
    state: ConversationState
    answered: Entry | None = None
    decision: Decision[Entry] | None = None  # the catch-all's, when it ranked the store
    clarifying: bool = False  # the catch-all could not choose between entries and offers one


class Dialogue:
    """The conversation rules for one store and one locale."""

    def __init__(
        self,
        store: AnswerStore,
        phrases: Phrases,
        matcher: Callable[[], TermIndex[Entry]],
        guards: Callable[[], Guards],
    ) -> None:
        self.store = store
        self.phrases = phrases
        self._matcher = matcher
        self.guards = guards

    @cached_property
    def _ask_again(self) -> str:
        return self.phrases.say("ask_again")

    def _prompt(self, key: PromptKey, ends: bool = False) -> Reply:
        """A fixed spoken reply, built once per locale: the same words every time it is said."""
        if key not in self._prompts:
            self._prompts[key] = Reply((self.phrases.say(key),), None if ends else self._ask_again)
        return self._prompts[key]

    @cached_property
    def _topics_screen_buttons(self) -> tuple[str, tuple[Entry, ...]]:
        return self.phrases.write("screen_topics"), self.store.entries

    @cached_property
    def _prompts(self) -> dict[str, Reply]:
        return {}

    @cached_property
    def _welcome(self) -> Reply:
        name = self.phrases.write("skill_name")
        card = Card(name, self.phrases.write("disclaimer"))
        screen = self._screen(name, self.phrases.write("screen_welcome"), *self._topics_screen_buttons)
        return Reply((self.phrases.say("welcome"),), self._ask_again, card, screen)

    def welcome(self, state: ConversationState) -> Turn:
        return Turn(self._welcome, state.with_pending(None))

    @cached_property
    def _help(self) -> Reply:
        entries = self.store.entries
        topics = join_naturally([entry.topic for entry in entries[:HELP_EXAMPLE_COUNT]])
        card_lines = [f"• {entry.question}" for entry in entries]
        card = Card(self.phrases.write("help_card_title"), "\n".join(card_lines))
        speech = self.phrases.say("help", count=str(len(entries)), topics=topics)
        screen = self._screen(card.title, self.phrases.write("screen_welcome"), *self._topics_screen_buttons)
        return Reply((speech,), self._ask_again, card, screen)

    def help(self, state: ConversationState) -> Turn:
        return Turn(self._help, state)

    def fallback(self, state: ConversationState) -> Turn:
        return Turn(self._prompt("fallback"), state)

    def unsupported(self, state: ConversationState) -> Turn:
        return Turn(self._prompt("unsupported"), state)

    def error(self, state: ConversationState) -> Turn:
        return Turn(self._prompt("error"), state)

    def goodbye(self, state: ConversationState) -> Turn:
        return Turn(self._prompt("goodbye", ends=True), state.with_pending(None))

    @cached_property
    def _emergency(self) -> Reply:
        card = Card(self.phrases.write("emergency_card_title"), self.phrases.write("emergency_card"))
        return Reply((self.phrases.say("emergency"),), None, card, self._screen(card.title, card.text))

    def emergency(self, state: ConversationState) -> Turn:
        return Turn(self._emergency, state.with_pending(None))

    def stale_touch(self, state: ConversationState) -> Turn:
        """A touch on a screen that no longer matches anything we can answer."""
        return Turn(self._prompt("stale_touch"), state)

    def answer(self, entry: Entry, state: ConversationState) -> Turn:
        """The core of an answer, then an offer: the rest of it, or a related question."""
        pending = Pending(entry, Offer.MORE) if entry.more else self._related_offer(entry, state)
        return self._speak(entry, Part.ANSWER, pending, state)

    def more(self, entry: Entry, state: ConversationState) -> Turn:
        return self._speak(entry, Part.MORE, self._related_offer(entry, state), state)

    def question(self, query: str, state: ConversationState) -> Turn:
        """A free-form question: emergencies first, then guards, then an answer only when
        confident and only when the entry gives what was asked ("how long", "how much")."""
        if describes_emergency(query):
            return self.emergency(state)
        decision = self._matcher().decide(query)
        decline = self.guards().decline(query, decision.answer, decision.candidates)
        if decline is None and decision.answer is not None:
            return replace(self.answer(decision.answer, state), decision=decision)
        clarifying = decline is None and decision.torn
        if decline is None:
            offer = closest_offer(query, decision.candidates, self.store.entries[0])
            decline = replace(offer, reply=self.phrases.say("no_answer"))
        turn = self._decline(decline, state)
        return replace(turn, decision=replace(decision, answer=None), clarifying=clarifying)

    def guard(self, guard: Guard, state: ConversationState) -> Turn:
        """A guard intent: Alexa sends no words, so the category's own offer follows."""
        return self._decline(Decline(guard.reply, guard.offer), state)

    def accept(self, state: ConversationState) -> Turn:
        """ "Yes": take up whatever was offered last."""
        pending = state.pending
        if pending is None:
            return Turn(Reply((self._ask_again,), self._ask_again), state)
        if pending.offer is Offer.MORE:
            return self.more(pending.entry, state)
        return self.answer(pending.entry, state)

    def decline(self, state: ConversationState) -> Turn:
        declined = self.phrases.say("declined")
        return Turn(Reply((declined,), self._ask_again), state.with_pending(None))

    def next(self, state: ConversationState) -> Turn:
        """ "Next": move on to a related question (skipping the rest of this answer)."""
        if state.last is None:
            return self.answer(self.store.entries[0], state)
        offer = self._related_offer(state.last.entry, state)
        return self.answer(offer.entry, state)

    def repeat(self, state: ConversationState) -> Turn:
        last = state.last
        if last is None:
            nothing = self.phrases.say("nothing_to_repeat")
            return Turn(Reply((nothing,), self._ask_again), state)
        reply = self._answer_reply(last.entry, last.part, state.pending)
        return Turn(reply, state, answered=last.entry)

    def _speak(self, entry: Entry, part: Part, pending: Pending, state: ConversationState) -> Turn:
        reply = self._answer_reply(entry, part, pending)
        return Turn(reply, state.after_speaking(entry, part, pending), answered=entry)

    def _answer_reply(self, entry: Entry, part: Part, pending: Pending | None) -> Reply:
        text = entry.speech if part is Part.ANSWER else entry.more
        offer = self._offer_text(pending) if pending else self._ask_again
        card = self._answer_card(entry)
        return Reply((self.phrases.spoken(text or ""), offer), offer, card, self._answer_screen(entry))

    def _answer_screen(self, entry: Entry) -> Screen:
        related = tuple(found for found in map(self.store.get, entry.related) if found is not None)
        return self._screen(
            entry.question,
            self.phrases.written(entry.card_text),
            self.phrases.write("screen_related"),
            related,
        )

    def _screen(
        self, headline: str, text: str, buttons_title: str = "", buttons: tuple[Entry, ...] = ()
    ) -> Screen:
        return Screen(headline, text, self.phrases.write("disclaimer"), buttons_title, buttons)

    def _decline(self, decline: Decline, state: ConversationState) -> Turn:
        """Say why not, then offer the one closest thing the store does answer (Yes takes it)."""
        topic = decline.offer.topic
        offer = (
            self.phrases.say("decline_offer_covers", topic=topic, covers=join_naturally(list(decline.covers)))
            if decline.covers
            else self.phrases.say("decline_offer", topic=topic)
        )
        pending = Pending(decline.offer, Offer.RELATED)
        reply = Reply((self.phrases.spoken(decline.reply), offer), offer)
        return Turn(reply, state.with_pending(pending))

    def _related_offer(self, entry: Entry, state: ConversationState) -> Pending:
        """The first related entry not yet heard in this session (or the first related)."""
        unheard = [rid for rid in entry.related if rid not in state.heard]
        chosen = self.store.get((unheard or list(entry.related))[0])
        assert chosen is not None  # the store validator guarantees related ids exist
        return Pending(chosen, Offer.RELATED)

    def _offer_text(self, pending: Pending) -> str:
        if pending.offer is Offer.MORE:
            return self.phrases.say("offer_more")
        return self.phrases.say("offer_related", topic=pending.entry.topic)

    def _answer_card(self, entry: Entry) -> Card:
        text = f"{self.phrases.written(entry.card_text)}\n\n{self.phrases.write('disclaimer')}"
        return Card(entry.card_title, text)


class Dialogues:
    """One Dialogue per locale over one store; they share one matcher (and its index)."""

    def __init__(self, store: AnswerStore) -> None:
        self.store = store
        self._by_locale: dict[str, Dialogue] = {}

    @cached_property
    def guards(self) -> Guards:
        return load_guards(self.store)

    @cached_property
    def matcher(self) -> TermIndex[Entry]:
        """Imported and built on the first free-form question, not on a cold start."""
        from skill.ranking import question_matcher

        return question_matcher(self.store)

    def for_locale(self, locale: object) -> Dialogue:
        phrases = phrases_for(locale if isinstance(locale, str) else None)
        key = phrases.facts.locale
        if key not in self._by_locale:
            self._by_locale[key] = Dialogue(self.store, phrases, lambda: self.matcher, lambda: self.guards)
        return self._by_locale[key]
