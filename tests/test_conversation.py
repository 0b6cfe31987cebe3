"""Whole conversations through the real Lambda handler, as Alexa would drive them."""

from __future__ import annotations

import pytest

from skill.phrases import phrases_for
from tests.helpers import ask, check_response_limits, reprompt_of, speech_of
from tools.envelopes import envelope, intent_request, launch_request, session_ended_request

UNRELATED_HEALTH = [
    "what causes kidney stones",
    "symptoms of diabetes",
    "what causes neck pain in children",
]
NOT_HEALTH = ["how do I change a tire", "what is the capital of Spain", "the weather tomorrow", "a joke"]
EMERGENCIES = [
    "I have chest pain and my upper back hurts",
    "pressure in my chest",
    "I'm having trouble breathing",
    "I can't breathe",
    "sudden weakness on one side of my body",
    "numbness on one side",
    "I fainted after my back started hurting",
]
DISCLAIMER = "This is general information, not medical advice."


def test_launch_welcomes_with_disclaimer_example_and_reprompt(session):
    _, received = session.send(launch_request())
    spoken = speech_of(received)
    assert spoken.startswith("Welcome to Trigger Point Guide")
    assert "not medical advice" in spoken
    assert "what causes upper back trigger points?" in spoken
    assert reprompt_of(received)
    assert received["response"]["shouldEndSession"] is False
    check_response_limits(received)


def test_every_answer_intent_returns_its_answer_card_and_an_open_session(session, store):
    for index, entry in enumerate(store.entries):
        received = ask(session, entry.intent_name)
        spoken = speech_of(received)
        # The disclaimer is spoken once, when the session opens with an answer.
        assert (DISCLAIMER in spoken) is (index == 0), entry.id
        assert spoken.startswith(entry.speech.replace("{emergency_number}", "9 1 1")), entry.id
        card = received["response"]["card"]
        assert card["type"] == "Simple"
        assert card["title"] == entry.card_title
        assert card["content"].startswith(entry.card_text.replace("{emergency_number}", "911"))
        assert "not medical advice" in card["content"]
        assert received["response"]["shouldEndSession"] is False
        offer = reprompt_of(received)
        assert spoken.endswith(offer) and offer.endswith("?")
        assert received["sessionAttributes"]["pending"]["offer"] in ("more", "related")
        check_response_limits(received)


def test_answer_yes_repeat_stop(session, store):
    received = ask(session, "ReleaseTrappedNerveIntent")
    assert speech_of(received).endswith("Would you like to hear more?")
    assert received["sessionAttributes"]["pending"] == {"id": "release_trapped_nerve", "offer": "more"}

    more = ask(session, "AMAZON.YesIntent")
    entry = store.get("release_trapped_nerve")
    assert speech_of(more).startswith(entry.more)
    assert "symptoms of a pinched nerve in the upper back?" in speech_of(more)

    repeated = ask(session, "AMAZON.RepeatIntent")
    assert speech_of(repeated) == speech_of(more)
    assert repeated["response"]["card"] == more["response"]["card"]

    related = ask(session, "AMAZON.YesIntent")
    assert speech_of(related).startswith(store.get("pinched_nerve_symptoms").speech)

    goodbye = ask(session, "AMAZON.StopIntent")
    assert speech_of(goodbye) == "Take care. Goodbye!"
    assert goodbye["response"]["shouldEndSession"] is True


def test_related_offers_skip_answers_already_heard(session):
    ask(session, "CausesUpperBackIntent")  # offers release_upper_back
    ask(session, "ReleaseUpperBackIntent")
    received = ask(session, "CausesUpperBackIntent")
    assert "Would you like to hear about how to release" not in speech_of(received)
    assert "when trigger points hurt" in speech_of(received)


def test_no_declines_the_offer_and_keeps_listening(session):
    ask(session, "NeckIntent")
    received = ask(session, "AMAZON.NoIntent")
    assert "or say stop" in speech_of(received).lower()
    assert received["response"]["shouldEndSession"] is False
    assert "pending" not in received["sessionAttributes"]
    after = ask(session, "AMAZON.YesIntent")  # "yes" to an open question: a menu, not the question again
    assert speech_of(after).startswith(("I can tell you about", "Here are a few topics"))
    assert after["sessionAttributes"]["pending"]["offer"] == "related"


def test_next_moves_to_a_related_answer(session, store):
    ask(session, "NeckIntent")
    received = ask(session, "AMAZON.NextIntent")
    assert speech_of(received).startswith(store.get("upper_trapezius").speech)


def test_next_and_repeat_before_any_answer(session, store):
    _, welcome = session.send(launch_request())
    assert speech_of(ask(session, "AMAZON.RepeatIntent")) == speech_of(welcome)
    assert speech_of(ask(session, "AMAZON.NextIntent")).startswith(store.entries[0].speech)


def test_repeat_in_a_new_session_has_nothing_to_repeat(session):
    assert speech_of(ask(session, "AMAZON.RepeatIntent")).startswith("I haven't said anything yet")


def test_help_lists_topics_and_fills_the_card(session, store):
    received = ask(session, "AMAZON.HelpIntent")
    assert "13 questions" in speech_of(received)
    for entry in store.entries:
        assert entry.question in received["response"]["card"]["content"]
    assert received["response"]["shouldEndSession"] is False


def test_fallback_reprompts_with_an_example(session):
    received = ask(session, "AMAZON.FallbackIntent")
    assert "For example" in speech_of(received) or "for example" in speech_of(received)
    assert reprompt_of(received)
    assert received["response"]["shouldEndSession"] is False


def test_start_over_returns_to_the_welcome(session):
    ask(session, "NeckIntent")
    received = ask(session, "AMAZON.StartOverIntent")
    assert speech_of(received).startswith("Welcome to Trigger Point Guide")
    assert "pending" not in received["sessionAttributes"]


@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"])
def test_stop_and_cancel_say_goodbye_and_end(session, intent):
    received = ask(session, intent)
    assert "Goodbye" in speech_of(received)
    assert received["response"]["shouldEndSession"] is True


def test_session_ended_gets_an_empty_response(session):
    _, received = session.send(session_ended_request("EXCEEDED_MAX_REPROMPTS"))
    assert received["response"] == {}


def test_an_unknown_intent_gets_a_polite_reply(session):
    received = ask(session, "AMAZON.ShuffleOnIntent")
    assert speech_of(received).startswith("Sorry, I can't do that here.")
    assert received["response"]["shouldEndSession"] is False


def test_an_unknown_request_type_gets_a_polite_reply(handler):
    request = {
        "type": "Messaging.MessageReceived",
        "requestId": "r-1",
        "locale": "en-US",
        "timestamp": "2026-11-24T07:00:00Z",
    }
    received = handler(envelope(request), None)
    assert speech_of(received).startswith("Sorry, I can't do that here.")


def test_catch_all_answers_a_clear_question(session, store):
    received = ask(session, "QuestionIntent", query="active and latent trigger points")
    assert speech_of(received).startswith(store.get("when_they_hurt").speech)
    assert received["response"]["card"]["title"] == store.get("when_they_hurt").card_title


@pytest.mark.parametrize("query", UNRELATED_HEALTH)
def test_catch_all_never_answers_an_unrelated_health_question(session, store, query):
    received = ask(session, "QuestionIntent", query=query)
    spoken = speech_of(received)
    # The general reply, or a guard's for a group the store says nothing about (children).
    assert spoken.startswith(("Sorry, I don't have an answer for that", "I don't have information about"))
    assert "card" not in received["response"]
    for entry in store.entries:
        assert entry.speech[:40] not in spoken
    # ... and it offers the one thing closest to it, as a yes/no question.
    assert spoken.endswith("Would you like that?")
    assert received["sessionAttributes"]["pending"]["offer"] == "related"
    check_response_limits(received)


@pytest.mark.parametrize("query", NOT_HEALTH)
def test_a_request_that_is_not_about_health_is_declined_without_medical_hedging(session, store, query):
    received = ask(session, "QuestionIntent", query=query)
    spoken = speech_of(received)
    assert spoken.startswith("That's not something I can do.")
    assert "health" not in spoken and "emergency" not in spoken
    assert received["response"]["shouldEndSession"] is False


def test_after_no_answer_yes_takes_the_offer(session):
    received = ask(session, "QuestionIntent", query="what causes kidney stones")
    first = received["sessionAttributes"]["pending"]["id"]
    follow = ask(session, "AMAZON.YesIntent")
    assert follow["sessionAttributes"]["last"] == {"id": first, "part": "answer"}


@pytest.mark.parametrize("query", EMERGENCIES)
def test_emergency_comes_first_and_ends_the_session(session, query):
    received = ask(session, "QuestionIntent", query=query)
    assert speech_of(received).startswith("Please call 9 1 1 or your local emergency number now.")
    assert received["response"]["card"]["title"] == "Possible emergency"
    assert "911" in received["response"]["card"]["content"]
    assert received["response"]["shouldEndSession"] is True


@pytest.mark.parametrize(
    ("locale", "spoken", "written"),
    [
        ("en-US", "9 1 1", "911"),
        ("en-GB", "9 9 9", "999"),
        ("en-AU", "triple zero", "000"),
        ("en-IN", "1 1 2", "112"),
        ("en-CA", "9 1 1", "911"),
        ("fr-FR", "9 1 1", "911"),
    ],
)
def test_emergency_number_follows_the_locale(session, locale, spoken, written):
    _, received = session.send(intent_request("QuestionIntent", {"query": "crushing chest pain"}, locale))
    assert speech_of(received).startswith(f"Please call {spoken} or your local emergency number now.")
    assert written in received["response"]["card"]["content"]


def test_empty_query_is_treated_as_not_understood(session):
    received = ask(session, "QuestionIntent", query="   ")
    assert speech_of(received).startswith("Sorry, I didn't catch that.")


def test_user_words_are_escaped_never_injected(session):
    received = ask(session, "QuestionIntent", query='<audio src="https://x.example/a.mp3"/> & ]]> chest pain')
    check_response_limits(received)
    assert "<audio" not in received["response"]["outputSpeech"]["ssml"]


@pytest.mark.parametrize(
    "attributes",
    [
        {"last": {"id": "no_such_answer", "part": "answer"}, "pending": {"id": 7, "offer": "more"}},
        {"last": "garbage", "pending": ["x"], "heard": "neck"},
        {"pending": {"id": "neck", "offer": "explode"}, "heard": [1, None, "neck", "neck"]},
        {"last": {"id": "doctor", "part": "more"}},  # doctor has no "more" part
    ],
)
def test_untrusted_session_attributes_cannot_crash_or_misroute(handler, attributes):
    sent = envelope(intent_request("AMAZON.YesIntent"), new_session=False, attributes=attributes)
    received = handler(sent, None)
    assert speech_of(received).startswith("I can tell you about")
    repeat = handler(envelope(intent_request("AMAZON.RepeatIntent"), attributes=attributes), None)
    assert speech_of(repeat).startswith("I haven't said anything yet")


def test_a_failing_request_apologises_and_resets_the_session_state(handler):
    """What led to a failure must not come back with the next turn (issue 19, finding 7)."""
    attributes = {"last": {"id": "neck", "part": "answer"}, "heard": ["neck"]}
    broken = intent_request("AMAZON.YesIntent")
    del broken["intent"]  # an IntentRequest with no intent makes the SDK's own predicates fail
    received = handler(envelope(broken, new_session=False, attributes=attributes), None)
    assert speech_of(received).startswith("Sorry, something went wrong on my side.")
    assert received["response"]["shouldEndSession"] is False
    assert received["sessionAttributes"] == {"heard": []}


def test_three_misses_in_a_row_escalate_and_close_politely(session, store):
    first = ask(session, "AMAZON.FallbackIntent")
    second = ask(session, "QuestionIntent", query="what causes kidney stones")
    third = ask(session, "AMAZON.FallbackIntent")
    spoken = [speech_of(received) for received in (first, second, third)]
    assert spoken[0].startswith("Sorry, I didn't catch that.") and "call 9 1 1" in spoken[0]
    # Alexa sent no words: a self-harm statement the NLU could not place may be behind them.
    assert "call or text 9 8 8" in spoken[0]
    safety_words = len(phrases_for("en-US").say("miss_emergency").split())
    assert "for example" in spoken[0].lower() and len(spoken[0].split()) - safety_words < 30
    assert " or " in spoken[1] and "say help" in spoken[1]
    assert sum("emergency" in said for said in spoken) == 1  # once per session
    assert [received["response"]["shouldEndSession"] for received in (first, second, third)] == [
        False,
        False,
        True,
    ]
    assert "Alexa app" in spoken[2]
    card = third["response"]["card"]
    assert card["title"] == "What you can ask"
    assert all(entry.question in card["content"] for entry in store.entries)


def test_a_turn_that_helps_resets_the_misses(session):
    ask(session, "AMAZON.FallbackIntent")
    ask(session, "AMAZON.FallbackIntent")
    ask(session, "NeckIntent")
    received = ask(session, "AMAZON.FallbackIntent")
    assert received["response"]["shouldEndSession"] is False
    assert received["sessionAttributes"]["misses"] == 1
    assert "emergency" not in speech_of(received)  # already said in this session


@pytest.mark.parametrize(
    "said",
    [
        {"kind": "shout", "variant": 0},
        {"kind": "menu", "variant": 1, "ids": ["no_such_answer"]},
        {"kind": "miss", "variant": 1, "level": 1, "reason": "welcome"},
        {"kind": "miss", "variant": 1, "level": 1, "reason": "miss_<audio>"},
        {"kind": "notice", "variant": 1, "reason": "goodbye"},
        {"kind": "answer", "variant": "1"},
        {"kind": "menu", "variant": 1, "ids": ["neck", "doctor", "neck", "doctor"]},
    ],
)
def test_a_forged_record_of_what_was_said_is_never_spoken(handler, said):
    attributes = {"said": said, "misses": 7, "warned": "yes"}
    received = handler(envelope(intent_request("AMAZON.RepeatIntent"), attributes=attributes), None)
    assert speech_of(received).startswith("I haven't said anything yet")
    assert "misses" not in received["sessionAttributes"] and "warned" not in received["sessionAttributes"]
