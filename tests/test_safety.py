"""Safety on every path: the safety intents, the free-text check, the replies per locale,
the disclaimer, the safety lines in the answers, and what the logs keep."""

from __future__ import annotations

import io
import json
import re

import pytest

from skill.data_files import read_json
from skill.logs import logger
from skill.phrases import locale_facts, supported_locales
from skill.safety import CRISIS, EMERGENCY, POISONING, SafetyDataError, assess, parse_rules, safety_rules
from tests.helpers import ROOT, ask, check_response_limits, speech_of
from tools.envelopes import LocalSession, intent_request, launch_request
from tools.model import model_path
from tools.nlu import Resolver

# One breath: a reply a person in trouble can take in at once.
MAX_BREATH_WORDS = 40
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
DISCLAIMER = "This is general information, not medical advice."


def _first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text, maxsplit=1)[0]


def _send(handler, request: dict) -> dict:
    return LocalSession(handler).send(request)[1]


@pytest.mark.parametrize("locale", supported_locales())
@pytest.mark.parametrize("intent", sorted(safety_rules().intents))
def test_each_safety_intent_names_the_locales_number_first_in_one_breath_and_ends(handler, locale, intent):
    facts = locale_facts(locale)
    reply = safety_rules().intents[intent]
    received = _send(handler, intent_request(intent, None, locale))
    spoken = speech_of(received)
    number = facts.crisis_line.spoken if reply == CRISIS else facts.emergency_number_spoken
    assert number in _first_sentence(spoken)
    assert facts.emergency_number_spoken in spoken
    assert len(spoken.split()) <= MAX_BREATH_WORDS
    assert received["response"]["shouldEndSession"] is True
    assert "reprompt" not in received["response"]
    card = received["response"]["card"]["content"]
    assert facts.emergency_number in card
    # Emergency, overdose and crisis are easy to confuse in a sentence (an overdose may be
    # self-harm too): every reply speaks the crisis line, and every card holds it.
    assert facts.crisis_line.number in card
    assert facts.crisis_line.spoken in spoken
    if reply == POISONING:
        assert "medicine" not in spoken.lower()
        poison = facts.poison_control
        assert poison.spoken in spoken if poison else "You can also call" not in spoken
    check_response_limits(received)


def test_each_locale_has_its_own_numbers():
    expected = {
        "en-US": ("9 1 1", "9 8 8", "1 800 222 1222"),
        "en-CA": ("9 1 1", "9 8 8", None),
        "en-GB": ("9 9 9", "1 1 6, 1 2 3", None),
        "en-AU": ("triple zero", "13 11 14", "13 11 26"),
        "en-IN": ("1 1 2", "1 4 4 1 6", None),
    }
    for locale, (emergency, crisis, poison) in expected.items():
        facts = locale_facts(locale)
        assert facts.emergency_number_spoken == emergency
        assert facts.crisis_line.spoken == crisis
        assert (facts.poison_control.spoken if facts.poison_control else None) == poison


def test_every_number_names_its_official_source():
    for locale, raw in read_json("locales.json")["locales"].items():
        assert raw["emergency_source"], locale
        assert raw["crisis_line"]["source"], locale
        assert raw["poison_control"] is None or raw["poison_control"]["source"], locale


@pytest.mark.parametrize("locale", supported_locales())
def test_every_locales_model_declares_the_safety_intents_from_the_safety_file(locale):
    intents = json.loads(model_path(locale).read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
    declared = {intent["name"]: intent["samples"] for intent in intents["intents"]}
    for name, samples in safety_rules().samples.items():
        assert declared[name] == list(samples)
    assert len(declared["EmergencyIntent"]) >= 40
    assert len(declared["CrisisIntent"]) >= 30


def test_every_safety_sample_is_also_caught_as_free_text_with_the_same_reply():
    """The model and the free-text patterns come from one file and agree on each sample."""
    rules = safety_rules()
    for name, samples in rules.samples.items():
        for sample in samples:
            finding = assess(sample)
            assert finding is not None and finding.ends_session, (name, sample)
            assert finding.reply == rules.intents[name], (name, sample)


def test_no_kill_sample_of_an_answer_intent_can_pull_self_harm(store):
    """The idiom "killing me" is pain; any answer sample with "kill" stays an idiom of pain."""
    for entry in store.entries:
        for sample in entry.samples:
            if "kill" in sample.lower():
                assert assess(sample) is None, sample
                assert re.search(r"\bkill(ing|s)? (me|my \w+)\b", sample.lower()), sample


@pytest.mark.parametrize("locale", supported_locales())
@pytest.mark.parametrize(
    "utterance", ["I want to kill myself", "I feel like killing myself", "I don't want to live any more"]
)
def test_self_harm_gets_the_crisis_line_as_free_text_and_said_directly(handler, locale, utterance):
    line = locale_facts(locale).crisis_line.spoken
    free = _send(handler, intent_request("QuestionIntent", {"query": utterance}, locale))
    assert line in _first_sentence(speech_of(free))
    assert free["response"]["shouldEndSession"] is True
    resolution = Resolver.for_locale(locale).resolve(f"ask trigger point guide {utterance}")
    direct = _send(handler, intent_request(resolution.intent, resolution.slots, locale))
    assert line in _first_sentence(speech_of(direct))


@pytest.mark.parametrize("utterance", ["I want to kill myself", "I'm going to kill myself"])
def test_the_model_routes_kill_myself_to_the_crisis_intent(utterance):
    assert Resolver.for_locale("en-US").resolve_in_session(utterance).intent == "CrisisIntent"


def test_killing_me_is_pain_not_self_harm(session, store):
    received = ask(session, "QuestionIntent", query="my upper back is killing me")
    assert "9 8 8" not in speech_of(received)
    assert received["response"]["shouldEndSession"] is False
    assert received["sessionAttributes"]["last"]["id"] in {entry.id for entry in store.entries}


@pytest.mark.parametrize(
    "query",
    [
        "my chest hurts",
        "I can't breathe",
        "my dad's face is drooping and his speech is slurred",
        "I've lost control of my bladder and my groin is numb",
        "I fell off a ladder and hit my head",
        "fever and a stiff neck",
        "my throat is swelling",
        "she is having a seizure",
        "he collapsed",
    ],
)
def test_a_present_emergency_as_free_text_gets_the_emergency_reply_and_ends(session, query):
    received = ask(session, "QuestionIntent", query=query)
    assert _first_sentence(speech_of(received)) == "Please call 9 1 1 or your local emergency number now."
    assert received["response"]["shouldEndSession"] is True


@pytest.mark.parametrize(
    ("query", "answer_id"),
    [
        ("can trigger points cause chest pain", "upper_back_trigger_points"),
        ("can chest trigger points cause chest pain", "upper_back_trigger_points"),
    ],
)
def test_a_question_that_mentions_an_emergency_gets_one_sentence_then_the_answer(
    session, store, query, answer_id
):
    received = ask(session, "QuestionIntent", query=query)
    spoken = speech_of(received)
    assert spoken.startswith("If this is happening now, call 9 1 1. ")
    assert store.get(answer_id).speech in spoken
    assert spoken.count("9 1 1") == 1  # the answer's own safety line is not said twice
    assert received["response"]["shouldEndSession"] is False


# Alarming words in a general question, the past or an idiom: never a present emergency.
GENERAL_OR_PAST = (
    "I was in a car crash five years ago, could that be why my upper back hurts",
    "my sister says trigger points can make your chest hurt, is she right",
    "after a bad fall could you end up with a trapped nerve",
    "I fainted once at the gym last year, is that normal with trigger points",
    "we did suicide runs at practice and now my traps are knotted",
    "it's hard to breathe when I turn because of a knot in my back, is that normal",
)


@pytest.mark.parametrize("query", GENERAL_OR_PAST)
def test_a_general_question_or_the_past_is_never_ended_by_an_alarm(session, query):
    """A reminder of the number at most: the question stays open and gets its answer."""
    received = ask(session, "QuestionIntent", query=query)
    assert received["response"]["shouldEndSession"] is False
    finding = assess(query)
    assert finding is None or not finding.ends_session


# Question words, the past or a "how much" do not make these general: each is happening now.
PRESENT_WHATEVER_THE_WORDS = {
    "is this a heart attack": EMERGENCY,
    "I fell down the stairs yesterday and now I can't feel my legs, what do I do": EMERGENCY,
    "I swallowed a whole bottle of pills twenty minutes ago": POISONING,
    "I'm sitting here holding a blade": CRISIS,
    "I've been stockpiling my muscle relaxers": CRISIS,
    "how much flexeril would it take to never wake up": CRISIS,
    "I'm on the roof of the building and I'm going to jump": CRISIS,
}


@pytest.mark.parametrize(("query", "reply"), PRESENT_WHATEVER_THE_WORDS.items())
def test_a_present_emergency_or_crisis_ends_the_session_whatever_the_question_words(session, query, reply):
    finding = assess(query)
    assert finding is not None and finding.reply == reply and finding.ends_session
    received = ask(session, "QuestionIntent", query=query)
    assert received["response"]["shouldEndSession"] is True


@pytest.mark.parametrize(
    "query",
    [
        "does swimming backstroke give you knots",
        "what massage strokes release a trigger point",
        "knots on one side of my upper back",
        "my upper back hurts on one side",
    ],
)
def test_a_swimming_or_massage_stroke_and_one_side_of_a_muscle_are_not_emergencies(session, query):
    assert assess(query) is None
    received = ask(session, "QuestionIntent", query=query)
    assert "9 1 1" not in _first_sentence(speech_of(received))
    assert received["response"]["shouldEndSession"] is False


@pytest.mark.parametrize(
    "query", ["I took too many muscle relaxers", "how many muscle relaxers is an overdose"]
)
def test_an_overdose_is_never_followed_by_an_offer_about_medicines(session, query):
    received = ask(session, "QuestionIntent", query=query)
    spoken = speech_of(received)
    assert "9 1 1" in _first_sentence(spoken)
    assert "muscle relaxers?" not in spoken.lower()
    assert received["sessionAttributes"].get("pending") is None


def test_the_disclaimer_is_spoken_once_when_a_session_opens_with_an_answer(handler):
    session = LocalSession(handler)
    first = ask(session, "NeckIntent")
    assert speech_of(first).endswith(f"{DISCLAIMER} Would you like to hear more?")
    second = ask(session, "DoctorIntent")
    assert DISCLAIMER not in speech_of(second)
    launched = LocalSession(handler)
    launched.send(launch_request())
    assert DISCLAIMER not in speech_of(ask(launched, "NeckIntent"))


def test_the_help_card_carries_the_disclaimer(session):
    received = ask(session, "AMAZON.HelpIntent")
    assert "not medical advice" in received["response"]["card"]["content"]


@pytest.mark.parametrize(
    ("intent", "words"),
    [
        ("PinchedNerveSymptomsIntent", ("bladder", "one side")),
        ("ReleaseTrappedNerveIntent", ("bladder", "one side")),
        ("TopOfBackHurtsIntent", ("chest pain", "breathlessness")),
        ("UpperTrapeziusIntent", ("sudden, severe headache",)),
    ],
)
def test_answers_carry_their_safety_line_spoken_and_on_the_card(session, store, intent, words):
    entry = store.for_intent(intent)
    assert entry.safety_addition and all(word in entry.safety_addition for word in words)
    received = ask(session, intent)
    assert entry.safety_addition.replace("{emergency_number}", "9 1 1") in speech_of(received)
    assert (
        entry.safety_addition.replace("{emergency_number}", "911") in received["response"]["card"]["content"]
    )


def test_safety_additions_are_not_in_the_seed_fields(store):
    """The seed's own text and the skill's additions stay apart, so each is traceable."""
    for entry in store.entries:
        for field in (entry.speech, entry.card_text, entry.more or ""):
            assert "{emergency_number}" not in field, entry.id


@pytest.mark.parametrize(
    ("intent", "slots"),
    [
        ("QuestionIntent", {"query": "I want to kill myself tonight 555 0100"}),
        ("QuestionIntent", {"query": "my chest hurts and my name is Jo Bloggs"}),
        ("QuestionIntent", {"query": "can trigger points cause chest pain Jo Bloggs"}),
        ("CrisisIntent", None),
    ],
)
def test_emergency_and_self_harm_words_are_never_logged_only_the_category(handler, intent, slots):
    stream = io.StringIO()
    previous, level = logger.stream, logger.level
    logger.stream, logger.level = stream, 0
    try:
        _send(handler, intent_request(intent, slots))
    finally:
        logger.stream, logger.level = previous, level
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert any(line["event"] == "safety" and line["category"] for line in lines)
    # Request ids are random hex ("...-b555-..."): everything else the lines hold is checked.
    kept = [{key: value for key, value in line.items() if key != "request_id"} for line in lines]
    text = json.dumps(kept).lower()
    for word in ("kill", "myself", "chest", "bloggs", "555"):
        assert word not in text


def test_the_unanswered_log_keeps_a_short_query_with_digits_masked(handler):
    stream = io.StringIO()
    previous = logger.stream
    logger.stream = stream
    try:
        _send(
            handler, intent_request("QuestionIntent", {"query": "what causes kidney stones 42 " + "x" * 400})
        )
    finally:
        logger.stream = previous
    logged = next(json.loads(line) for line in stream.getvalue().splitlines() if "unanswered_query" in line)
    assert logged["query"].startswith("what causes kidney stones ## x")
    assert len(logged["query"]) == 200


def test_the_safety_file_is_validated_on_load():
    document = read_json("safety.json")
    broken = json.loads(json.dumps(document))
    broken["categories"]["cardiac"]["patterns"].append("(unclosed")
    with pytest.raises(SafetyDataError, match="cardiac"):
        parse_rules(broken)
    few = json.loads(json.dumps(document))
    few["intents"]["CrisisIntent"]["samples"] = few["intents"]["CrisisIntent"]["samples"][:5]
    with pytest.raises(SafetyDataError, match="CrisisIntent"):
        parse_rules(few)
    shared = json.loads(json.dumps(document))
    shared["intents"]["EmergencyIntent"]["samples"].append("I want to kill myself")
    with pytest.raises(SafetyDataError, match="also a sample"):
        parse_rules(shared)
    assert {EMERGENCY, CRISIS, POISONING} == set(parse_rules(document).intents.values())


@pytest.mark.parametrize(
    "name", ["natural_dev.tsv", "near_miss_dev.tsv", "natural_dev2.tsv", "near_miss_dev2.tsv"]
)
def test_no_ordinary_dev_question_is_pulled_to_a_safety_intent_said_directly(name):
    """Safety samples must not carry words that pull ordinary questions (a dose, a bee sting,
    teenagers) to an intent that ends the session."""
    resolver = Resolver.for_locale("en-US")
    lines = (ROOT / "tests" / "data" / "eval" / name).read_text(encoding="utf-8").splitlines()
    pulled = [
        utterance
        for utterance, _, _ in (line.partition("\t") for line in lines if line and not line.startswith("#"))
        if resolver.resolve(f"ask trigger point guide {utterance}").intent in safety_rules().intents
    ]
    assert pulled == []


@pytest.mark.parametrize(
    ("query", "reply"),
    [
        ("this guy next to me just grabbed his chest and went down", EMERGENCY),
        ("my left leg and left arm have just stopped working", EMERGENCY),
        ("my toddler just swallowed a handful of paracetamol", POISONING),
        ("i can't do this anymore i'm gonna kms", CRISIS),
    ],
)
def test_a_present_emergency_no_pattern_knows_is_heard_by_the_classifier(session, query, reply):
    """The net under the patterns: written blind (emergency_dev4.tsv), matched by no pattern."""
    assert assess(query) is None
    received = ask(session, "QuestionIntent", query=query)
    facts = locale_facts("en-US")
    number = facts.crisis_line.spoken if reply == CRISIS else facts.emergency_number_spoken
    assert number in _first_sentence(speech_of(received))
    assert received["response"]["shouldEndSession"] is True


@pytest.mark.parametrize(
    "query",
    [
        "what's the weather going to be like tomorrow",
        "who wrote pride and prejudice",
        "i nearly fainted laughing at my mate's joke yesterday",
        "play my workout playlist",
        "remind me to ring my brother at seven",
        "ring dad at six",
        "call my wife",
        "text john that I'm running late",
    ],
)
def test_the_classifier_never_alarms_on_a_question_the_past_or_a_request(session, query):
    received = ask(session, "QuestionIntent", query=query)
    assert "9 1 1" not in speech_of(received)
    assert received["response"]["shouldEndSession"] is False


def test_the_classifier_net_listens_only_to_plain_statements():
    """Less sure than a pattern, so a statement that asks something is left to the answer."""
    from skill.safety import heard

    assert heard("my arm feels weak and tingly", EMERGENCY) is not None
    assert heard("my arm feels weak and tingly is that a trapped nerve", EMERGENCY) is None
    assert heard("what should I do about a weak arm", EMERGENCY) is None
    assert heard("my arm went weak and tingly last week", EMERGENCY) is None
