"""The pure dialogue core on its own: values in, a Turn out, no SDK and no envelopes."""

from __future__ import annotations

import pytest

from skill.conversation import ConversationState
from skill.dialogue import Dialogue, Dialogues
from skill.store import AnswerStore, default_store


@pytest.fixture(scope="module")
def store() -> AnswerStore:
    return default_store()


@pytest.fixture(scope="module")
def dialogue(store) -> Dialogue:
    return Dialogues(store).for_locale("en-US")


def spoken(turn) -> str:
    return " ".join(turn.reply.speech)


def test_an_answer_speaks_the_entry_offers_more_and_remembers_it(dialogue, store):
    entry = store.get("neck")
    turn = dialogue.answer(entry, ConversationState())
    assert dialogue.phrases.spoken(entry.speech) in spoken(turn)
    assert turn.reply.reprompt is not None
    assert turn.answered is entry
    assert turn.state.heard == ("neck",)
    assert turn.state.pending is not None


def test_yes_takes_the_offer_that_was_made(dialogue, store):
    first = dialogue.answer(store.get("neck"), ConversationState())
    offered = first.state.pending
    assert offered is not None
    second = dialogue.accept(first.state)
    assert second.answered is offered.entry


def test_no_clears_the_offer_and_keeps_the_session_open(dialogue, store):
    first = dialogue.answer(store.get("neck"), ConversationState())
    turn = dialogue.decline(first.state)
    assert turn.state.pending is None
    assert turn.reply.reprompt is not None


def test_related_offers_skip_what_was_already_heard(dialogue, store):
    state = ConversationState()
    heard = []
    for _ in range(5):
        turn = dialogue.next(state)
        assert turn.answered is not None
        heard.append(turn.answered.id)
        state = turn.state
    assert len(set(heard)) == len(heard), heard


def test_an_emergency_in_free_text_ends_the_session_with_the_number_first(dialogue):
    turn = dialogue.question("i have crushing chest pain and can't breathe", ConversationState())
    assert turn.reply.reprompt is None
    assert turn.answered is None
    assert "9 1 1" in turn.reply.speech[0]


def test_a_confident_free_text_question_is_answered(dialogue):
    turn = dialogue.question("what causes trigger points in the upper back", ConversationState())
    assert turn.answered is not None and turn.answered.id == "causes_upper_back"


def test_an_unrelated_question_is_not_answered(dialogue):
    turn = dialogue.question("what causes kidney stones", ConversationState())
    assert turn.answered is None
    assert turn.reply.reprompt is not None


def test_three_misses_in_a_row_close_the_session(dialogue):
    state = ConversationState()
    replies = []
    for _ in range(3):
        turn = dialogue.fallback(state)
        replies.append(turn.reply)
        state = turn.state
    assert [reply.reprompt is None for reply in replies] == [False, False, True]
    assert len({reply.speech for reply in replies}) == 3


def test_repeat_says_the_last_reply_again_and_changes_nothing(dialogue, store):
    answered = dialogue.answer(store.get("doctor"), ConversationState())
    again = dialogue.repeat(answered.state)
    assert again.reply.speech == answered.reply.speech
    assert again.state == answered.state


def test_goodbye_ends_the_session(dialogue):
    assert dialogue.goodbye(ConversationState()).reply.reprompt is None


def test_state_round_trips_through_session_attributes(dialogue, store):
    state = dialogue.answer(store.get("neck"), ConversationState()).state
    assert ConversationState.from_attributes(state.to_attributes(), store) == state


def test_forged_heard_ids_are_dropped_on_load(store):
    state = ConversationState.from_attributes({"heard": ["neck", "not_an_entry", 7, "neck"]}, store)
    assert state.heard == ("neck",)


def test_every_locale_gets_its_own_emergency_number(store):
    dialogues = Dialogues(store)
    numbers = {"en-US": "9 1 1", "en-GB": "9 9 9", "en-AU": "triple zero", "en-IN": "1 1 2"}
    for locale, number in numbers.items():
        statement = "my chest hurts and i can't breathe"
        turn = dialogues.for_locale(locale).question(statement, ConversationState())
        assert number in turn.reply.speech[0], locale
