"""What the skill says next, given what was asked and the conversation so far.

Pure decisions, no SDK types: each method returns a Turn (the reply and the new
state), which the handlers render. That keeps every conversational rule in one
place and testable without building envelopes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from skill.conversation import MAX_MISSES, ConversationState, Kind, Offer, Part, Pending, Said
from skill.phrases import Phrases, join_naturally, phrases_for
from skill.prompts import is_prompt_key
from skill.safety_replies import POISONING, SAFETY_PROMPTS
from skill.store import AnswerStore, Entry

if TYPE_CHECKING:
    from skill.guards import Decline, Guard, Guards
    from skill.ranking import Decision
    from skill.safety import Finding
    from skill.second_opinion import ReviewedMatcher

HELP_EXAMPLE_COUNT = 4
SUGGESTION_COUNT = 3
GUARD_REASON = "guard_"  # a miss whose opening sentence is a guard's reply


class Card(NamedTuple):
    title: str
    text: str


class Screen(NamedTuple):
    """What a device with a screen shows: a headline, the written text, touchable questions."""

    headline: str
    text: str
    disclaimer: str
    buttons_title: str = ""
    buttons: tuple[Entry, ...] = ()


class Reply(NamedTuple):
    """Speech segments (plain text, spoken with a pause between), reprompt, card and screen.

    A reply without a reprompt closes the session.
    """

    speech: tuple[str, ...]
    reprompt: str | None
    card: Card | None = None
    screen: Screen | None = None


class Turn(NamedTuple):
    """A reply, the state after it, and what happened (for the logs)."""

    reply: Reply
    state: ConversationState
    answered: Entry | None = None
    decision: Decision[Entry] | None = None  # the catch-all's, when it ranked the store
    clarifying: bool = False  # the catch-all could not choose between entries and offers one
    finding: Finding | None = None  # what the safety check found, if anything


class Dialogue:
    """The conversation rules for one store and one locale.

    Every reply that keeps the session open is described by a Said (what kind, which
    phrasing, which answers) kept in the session, and built from it by ``_render``: so
    "repeat" rebuilds exactly what was said last, whatever it was.
    """

    def __init__(
        self,
        store: AnswerStore,
        phrases: Phrases,
        matcher: Callable[[], ReviewedMatcher],
        guards: Callable[[], Guards],
    ) -> None:
        self.store = store
        self.phrases = phrases
        self._matcher = matcher
        self.guards = guards

    def _ask_again(self, variant: int) -> str:
        return self.phrases.say("ask_again", variant)

    @cached_property
    def _topics_screen_buttons(self) -> tuple[str, tuple[Entry, ...]]:
        return self.phrases.write("screen_topics"), self.store.entries

    @cached_property
    def _welcome(self) -> Reply:
        name = self.phrases.write("skill_name")
        card = Card(name, self.phrases.write("disclaimer"))
        screen = self._screen(name, self.phrases.write("screen_welcome"), *self._topics_screen_buttons)
        return Reply((self.phrases.say("welcome"),), self._ask_again(0), card, screen)

    @cached_property
    def _help_card(self) -> Card:
        """Every question the skill answers, as it can be said back (the linter checks that)."""
        lines = [f"• {entry.question}" for entry in self.store.entries]
        lines += ["", self.phrases.write("disclaimer")]
        return Card(self.phrases.write("help_card_title"), "\n".join(lines))

    @cached_property
    def _help(self) -> Reply:
        entries = self.store.entries
        topics = join_naturally([entry.topic for entry in entries[:HELP_EXAMPLE_COUNT]])
        speech = self.phrases.say("help", count=str(len(entries)), topics=topics)
        screen = self._screen(
            self._help_card.title, self.phrases.write("screen_welcome"), *self._topics_screen_buttons
        )
        return Reply((speech,), self._ask_again(0), self._help_card, screen)

    @cached_property
    def _safety_replies(self) -> dict[str, Reply]:
        return {}

    def _safety_reply(self, reply: str) -> Reply:
        """An emergency, poisoning or crisis reply: the number in its first sentence, in one
        breath, and nothing offered after it (the session ends)."""
        if reply not in self._safety_replies:
            say, write = self.phrases.say, self.phrases.write
            keys = SAFETY_PROMPTS[reply]
            speech, card_text = say(keys[0]), write(keys[2])
            if reply == POISONING and self.phrases.facts.poison_control is not None:
                speech = f"{speech} {say('poison_control')}"
                card_text = f"{card_text}\n{write('poison_control')}"
            card = Card(write(keys[1]), card_text)
            self._safety_replies[reply] = Reply((speech,), None, card, self._screen(card.title, card.text))
        return self._safety_replies[reply]

    def welcome(self, state: ConversationState) -> Turn:
        return self._said(Said(Kind.WELCOME, state.next_variant), state.with_pending(None))

    def help(self, state: ConversationState) -> Turn:
        return self._said(Said(Kind.HELP, state.next_variant), state)

    def fallback(self, state: ConversationState) -> Turn:
        """Alexa matched nothing; we never see the words, so the reply stays neutral."""
        return self.miss(state, "miss_fallback", warn=True)

    def unsupported(self, state: ConversationState) -> Turn:
        return self.miss(state, "miss_unsupported")

    def error(self, state: ConversationState) -> Turn:
        return Turn(Reply((self.phrases.say("error"),), self._ask_again(0)), state)

    def goodbye(self, state: ConversationState) -> Turn:
        return Turn(Reply((self.phrases.say("goodbye"),), None), state.with_pending(None))

    def safety(self, reply: str, state: ConversationState, finding: Finding | None = None) -> Turn:
        """The reply for an emergency (``emergency``), an overdose (``poisoning``) or a crisis."""
        return Turn(self._safety_reply(reply), state.with_pending(None), finding=finding)

    def stale_touch(self, state: ConversationState) -> Turn:
        """A touch on a screen that no longer matches anything we can answer."""
        return self._said(Said(Kind.NOTICE, state.next_variant, reason="stale_touch"), state)

    def answer(self, entry: Entry, state: ConversationState) -> Turn:
        """The core of an answer, then an offer: the rest of it, or a related question."""
        pending = Pending(entry, Offer.MORE) if entry.more else self._related_offer(entry, state)
        return self._speak(entry, Part.ANSWER, pending, state)

    def more(self, entry: Entry, state: ConversationState) -> Turn:
        return self._speak(entry, Part.MORE, self._related_offer(entry, state), state)

    def question(self, query: str, state: ConversationState) -> Turn:
        """A free-form question: emergencies first, then guards, then an answer only when
        confident and only when the entry gives what was asked ("how long", "how much");
        else a decline that fits: a guard's, not about health at all, or not in the store.
        The safety rules and the guards are imported here: a launch does not need them."""
        from skill.safety import assess

        finding = assess(query)
        if finding is not None and finding.ends_session:
            return self.safety(finding.reply, state, finding)
        turn = self._question(query, state, heard_no_alarm=finding is None)
        return turn if finding is None else self._mentioning(finding, turn)

    def _question(self, query: str, state: ConversationState, heard_no_alarm: bool) -> Turn:
        from skill.guards import closest_offer
        from skill.off_topic import is_non_health
        from skill.safety import heard

        matcher = self._matcher()
        decision = matcher.decide(query)
        if decision.answer is None and heard_no_alarm:
            # The patterns missed it and nothing answers it: the classifier's net, ahead of
            # the guards, for statements about the present only. An answered question is
            # never cut off by it.
            reply = matcher.alarm(query)
            finding = None if reply is None else heard(query, reply)
            if finding is not None:
                return self.safety(finding.reply, state, finding)
        if decision.answer is None and is_non_health(query):
            return self.miss(state, "miss_not_health")._replace(decision=decision)
        decline = self.guards().decline(query, decision.answer, decision.candidates)
        if decline is None and decision.answer is not None:
            return self.answer(decision.answer, state)._replace(decision=decision)
        clarifying = decline is None and decision.torn
        if decline is None:
            offer = closest_offer(query, decision.candidates, self._suggestions((), state)[0])
            decline = offer._replace(reply=self.phrases.say("miss_not_covered"), source="")
        turn = self._decline(decline, state)
        return turn._replace(decision=decision._replace(answer=None), clarifying=clarifying)

    def _mentioning(self, finding: Finding, turn: Turn) -> Turn:
        """A general question that mentions an emergency: one short emergency sentence first,
        then the answer. After an overdose or poisoning, nothing is offered (no medicine)."""
        reply = turn.reply
        if finding.reply == POISONING and turn.state.pending is not None:
            ask = self._ask_again(0)
            reply = reply._replace(speech=(*reply.speech[:-1], ask), reprompt=ask)
            turn = turn._replace(state=turn.state.with_pending(None))
        # The answer's own safety line would say the same number twice.
        addition = turn.answered.safety_addition if turn.answered else None
        said = tuple(part for part in reply.speech if not addition or part != self.phrases.spoken(addition))
        speech = (self.phrases.say("emergency_mention"), *said)
        return turn._replace(reply=reply._replace(speech=speech), finding=finding)

    def with_disclaimer(self, turn: Turn) -> Turn:
        """The spoken disclaimer, once, when a session opens with an answer: after the
        answer, before the offer that closes it."""
        speech = turn.reply.speech
        spoken = (*speech[:-1], self.phrases.say("disclaimer_spoken"), *speech[-1:])
        return turn._replace(reply=turn.reply._replace(speech=spoken))

    def guard(self, guard: Guard, state: ConversationState) -> Turn:
        """A guard intent: Alexa sends no words, so the category's own offer follows."""
        from skill.guards import Decline

        return self._decline(Decline(guard.reply, guard.offer, source=guard.id), state)

    def accept(self, state: ConversationState) -> Turn:
        """ "Yes": take up whatever was offered last; to an open question, a short menu."""
        pending = state.pending
        if pending is None:
            suggestions = self._suggestions((), state)
            said = Said(Kind.MENU, state.next_variant, tuple(entry.id for entry in suggestions))
            return self._said(said, state.with_pending(Pending(suggestions[0], Offer.RELATED)))
        if pending.offer is Offer.MORE:
            return self.more(pending.entry, state)
        return self.answer(pending.entry, state)

    def decline(self, state: ConversationState) -> Turn:
        return self._said(Said(Kind.DECLINED, state.next_variant), state.with_pending(None))

    def next(self, state: ConversationState) -> Turn:
        """ "Next": move on to a related question (skipping the rest of this answer)."""
        if state.last is None:
            return self.answer(self.store.entries[0], state)
        offer = self._related_offer(state.last.entry, state)
        return self.answer(offer.entry, state)

    def repeat(self, state: ConversationState) -> Turn:
        """Whatever was said last, word for word; the state stays as it was."""
        reply = self._render(state.said, state) if state.said is not None else None
        if reply is None:
            nothing = self.phrases.say("nothing_to_repeat")
            return Turn(Reply((nothing,), self._ask_again(0)), state)
        answered = state.last.entry if state.said and state.said.kind is Kind.ANSWER and state.last else None
        return Turn(reply, state, answered=answered)

    def miss(
        self,
        state: ConversationState,
        reason: str,
        offer: Entry | None = None,
        covers: tuple[str, ...] = (),
        warn: bool = False,
    ) -> Turn:
        """A request the skill could not help with, one more in a row.

        ``reason`` names the first miss's opening sentence: a prompt key (``miss_...``) or
        a guard's reply (``guard_<category or question kind>``); ``offer``, an answer to
        offer on the first miss instead of an example (``covers``: the offered answer's
        keywords the question named). The first miss is short with one example, the
        second names three topics and "help", the third closes the session and points to
        the card. ``warn``: the emergency sentence, once per session, for misses whose
        words nobody saw (the safety checks saw every catch-all question's words first).
        """
        level = min(state.misses + 1, MAX_MISSES)
        named: list[Entry] = []  # what the reply names: the offer, or three topics
        if level == 1 and offer is not None:
            named = [offer]
        elif level == 2:
            named = self._suggestions((), state)
        ids = tuple(entry.id for entry in named)
        covers = covers if level == 1 and offer is not None else ()
        said = Said(Kind.MISS, state.next_variant, ids, reason, level, warn and not state.warned, covers)
        pending = Pending(offer, Offer.RELATED) if level == 1 and offer is not None else None
        reply = self._miss_reply(said)
        assert reply is not None  # a Said made here always renders
        return Turn(reply, state.missing(said).with_pending(pending))

    def _decline(self, decline: Decline, state: ConversationState) -> Turn:
        """A guard's decline, counted as a miss: why not, then the closest thing we answer."""
        reason = f"{GUARD_REASON}{decline.source}" if decline.source else "miss_not_covered"
        return self.miss(state, reason, decline.offer, decline.covers)

    def _said(self, said: Said, state: ConversationState) -> Turn:
        """A turn that helped: say it, and remember it for "repeat"."""
        new_state = state.saying(said)
        reply = self._render(said, new_state)
        assert reply is not None  # a Said made here always renders
        return Turn(reply, new_state)

    def _render(self, said: Said, state: ConversationState) -> Reply | None:
        """The reply a Said describes, in this state; None when it no longer fits."""
        variant = said.variant
        entries = tuple(entry for entry in map(self.store.get, said.ids) if entry is not None)
        if said.kind is Kind.WELCOME:
            return self._welcome._replace(reprompt=self._ask_again(variant))
        if said.kind is Kind.HELP:
            return self._help._replace(reprompt=self._ask_again(variant))
        if said.kind is Kind.ANSWER:
            last = state.last
            return None if last is None else self._answer_reply(last.entry, last.part, state.pending, variant)
        if said.kind is Kind.DECLINED:
            return Reply((self.phrases.say("declined", variant),), self._ask_again(variant))
        if said.kind is Kind.MENU and entries:
            topics = join_naturally([entry.topic for entry in entries], "or")
            speech = self.phrases.say("menu", variant, suggestions=topics, first=entries[0].topic)
            return Reply((speech,), self._offer_text(Pending(entries[0], Offer.RELATED), variant))
        if said.kind is Kind.MISS:
            return self._miss_reply(said)
        if said.kind is Kind.NOTICE and said.reason == "stale_touch":
            return Reply((self.phrases.say("stale_touch"),), self._ask_again(variant))
        return None

    def _opener(self, reason: str) -> str | None:
        """The first miss's opening sentence; None for a reason we never give."""
        if reason.startswith(GUARD_REASON):
            reply = self.guards().reply_of(reason.removeprefix(GUARD_REASON))
            return None if reply is None else self.phrases.spoken(reply)
        if reason.startswith("miss_") and is_prompt_key(reason):
            return self.phrases.say(reason)
        return None

    def _miss_reply(self, said: Said) -> Reply | None:
        variant = said.variant
        say = self.phrases.say
        warning = (say("miss_emergency"),) if said.warned else ()
        entries = [entry for entry in map(self.store.get, said.ids) if entry is not None]
        if said.level == 1:
            opener = self._opener(said.reason)
            if opener is None:
                return None
            if not entries:
                return Reply((opener, *warning, say("miss_example", variant)), self._ask_again(variant))
            topic = entries[0].topic
            if not set(said.covers) <= set(entries[0].keywords):
                return None
            offer = (
                say("decline_offer_covers", topic=topic, covers=join_naturally(list(said.covers)))
                if said.covers
                else say("decline_offer", topic=topic)
            )
            return Reply((opener, *warning, offer), offer)
        again = say("miss_again", variant)
        if said.level == 2:
            topics = say("miss_topics", suggestions=join_naturally([entry.topic for entry in entries], "or"))
            return Reply((again, *warning, topics), self._ask_again(variant))
        return Reply((again, *warning, say("miss_close")), None, self._help_card)

    def _speak(self, entry: Entry, part: Part, pending: Pending, state: ConversationState) -> Turn:
        new_state = state.after_speaking(entry, part, pending).saying(Said(Kind.ANSWER, state.next_variant))
        reply = self._answer_reply(entry, part, pending, state.next_variant)
        return Turn(reply, new_state, answered=entry)

    def _answer_reply(self, entry: Entry, part: Part, pending: Pending | None, variant: int) -> Reply:
        text = entry.speech if part is Part.ANSWER else entry.more
        offer = self._offer_text(pending, variant) if pending else self._ask_again(variant)
        card = self._answer_card(entry)
        spoken = [self.phrases.spoken(text or "")]
        if part is Part.ANSWER and entry.safety_addition:
            spoken.append(self.phrases.spoken(entry.safety_addition))
        return Reply((*spoken, offer), offer, card, self._answer_screen(entry))

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

    def _suggestions(self, candidates: tuple[Entry, ...], state: ConversationState) -> list[Entry]:
        """Three answers to suggest: the nearest candidates, then answers not yet heard."""
        suggestions = list(candidates[:SUGGESTION_COUNT])
        unheard = [entry for entry in self.store.entries if entry.id not in state.heard]
        for entry in (*unheard, *self.store.entries):
            if len(suggestions) >= SUGGESTION_COUNT:
                break
            if entry not in suggestions:
                suggestions.append(entry)
        return suggestions

    def _related_offer(self, entry: Entry, state: ConversationState) -> Pending:
        """The first related entry not yet heard in this session (or the first related)."""
        unheard = [rid for rid in entry.related if rid not in state.heard]
        chosen = self.store.get((unheard or list(entry.related))[0])
        assert chosen is not None  # the store validator guarantees related ids exist
        return Pending(chosen, Offer.RELATED)

    def _offer_text(self, pending: Pending, variant: int) -> str:
        if pending.offer is Offer.MORE:
            return self.phrases.say("offer_more", variant)
        return self.phrases.say("offer_related", variant, topic=pending.entry.topic)

    def _answer_card(self, entry: Entry) -> Card:
        parts = [self.phrases.written(entry.card_text)]
        if entry.safety_addition:
            parts.append(self.phrases.written(entry.safety_addition))
        text = "\n\n".join([*parts, self.phrases.write("disclaimer")])
        return Card(entry.card_title, text)


class Dialogues:
    """One Dialogue per locale over one store; they share one matcher (and its index)."""

    def __init__(self, store: AnswerStore) -> None:
        self.store = store
        self._by_locale: dict[str, Dialogue] = {}

    @cached_property
    def guards(self) -> Guards:
        from skill.guards import load_guards

        return load_guards(self.store)

    @cached_property
    def matcher(self) -> ReviewedMatcher:
        """Imported and built on the first free-form question, not on a cold start."""
        from skill.second_opinion import reviewed_matcher

        return reviewed_matcher(self.store)

    def for_locale(self, locale: object) -> Dialogue:
        phrases = phrases_for(locale if isinstance(locale, str) else None)
        key = phrases.facts.locale
        if key not in self._by_locale:
            self._by_locale[key] = Dialogue(self.store, phrases, lambda: self.matcher, lambda: self.guards)
        return self._by_locale[key]
