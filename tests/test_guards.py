"""Near-domain questions the store does not answer: declined, with the closest offer.

Everything goes through the real Lambda handler; the near-miss sets were written blind
(tests/data/eval/README.md): the dev half may be tuned on, the held-out half only reports.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from skill.data_files import read_json
from skill.guards import GuardError, load_guards, parse_guards
from skill.phrases import phrases_for, supported_locales
from skill.safety import describes_emergency
from skill.text import normalize
from tests.helpers import ask, check_response_limits, speech_of
from tools.envelopes import LocalSession, intent_request
from tools.lint import lint_model
from tools.model import model_path
from tools.nlu import Resolver
from tools.simulator import read_coverage_file

EVAL = Path(__file__).parent / "data" / "eval"
EMERGENCY_MENTION = "If this is happening now, call 9 1 1. "
PHARMACIST = (
    "I can't advise on doses, side effects or mixing medicines: please ask a pharmacist or your doctor."
)


@pytest.fixture(scope="module")
def guards(store):
    return load_guards(store)


def test_a_dose_question_gets_the_pharmacist_line_and_an_offer_that_yes_takes(session, store):
    received = ask(session, "QuestionIntent", query="how much robaxin can I take")
    spoken = speech_of(received)
    assert spoken.startswith(PHARMACIST)
    assert store.get("muscle_relaxers").speech[:40] not in spoken
    assert spoken.endswith("I can tell you about muscle relaxers, which covers robaxin. Would you like that?")
    assert "card" not in received["response"]
    assert received["sessionAttributes"]["pending"] == {"id": "muscle_relaxers", "offer": "related"}
    check_response_limits(received)
    follow = ask(session, "AMAZON.YesIntent")
    assert speech_of(follow).startswith(store.get("muscle_relaxers").speech[:60])


def test_a_guard_wins_even_when_the_ranking_would_answer(session, store):
    from skill.ranking import question_matcher

    query = "can I take muscle relaxers for trigger points with tramadol"
    assert question_matcher(store).decide(query).answer is store.get("muscle_relaxers")
    assert speech_of(ask(session, "QuestionIntent", query=query)).startswith(PHARMACIST)


def test_a_how_long_question_is_declined_with_the_entry_that_covers_its_words(session):
    spoken = speech_of(ask(session, "QuestionIntent", query="how long should I keep an ice pack on"))
    assert spoken.startswith("I don't know how long")
    assert spoken.endswith(
        "I can tell you about how to relieve trigger point pain, which covers ice pack. Would you like that?"
    )


def test_the_answer_itself_still_comes_when_nothing_near_it_is_asked(session, store):
    spoken = speech_of(ask(session, "QuestionIntent", query="do muscle relaxers help trigger points"))
    assert spoken.startswith(store.get("muscle_relaxers").speech[:60])


def test_an_emergency_outranks_every_guard(session):
    query = "I took my muscle relaxers and now I have crushing chest pain"
    assert describes_emergency(query)
    received = ask(session, "QuestionIntent", query=query)
    assert speech_of(received).startswith("Please call 9 1 1")
    assert received["response"]["shouldEndSession"] is True


def test_a_guard_intent_declines_with_the_category_offer_and_yes_takes_it(session, store):
    _, received = session.send(intent_request("MedicineGuardIntent", locale="en-GB"))
    spoken = speech_of(received)
    assert spoken.startswith(PHARMACIST)
    assert (
        "If someone has taken too much, call 9 9 9 now. If it was to harm yourself, call 1 1 6, 1 2 3."
        in spoken
    )
    assert spoken.endswith("I can tell you about muscle relaxers. Would you like that?")
    assert received["response"]["shouldEndSession"] is False
    follow = ask(session, "AMAZON.YesIntent")
    assert speech_of(follow).startswith(store.get("muscle_relaxers").speech[:60])


@pytest.mark.parametrize("locale", supported_locales())
def test_the_medicine_guard_intent_names_the_emergency_number_and_crisis_line_in_every_locale(
    session, locale
):
    """Said directly, a dose question can hide an overdose or a plan to take too much on
    purpose ("how many would it take to not wake up"), and the words never reach the skill."""
    facts = phrases_for(locale).facts
    _, received = session.send(intent_request("MedicineGuardIntent", locale=locale))
    spoken = speech_of(received)
    assert f"call {facts.emergency_number_spoken} now" in spoken
    assert f"{facts.crisis_line.how} {facts.crisis_line.spoken}." in spoken


@pytest.mark.parametrize("intent", ["TreatmentGuardIntent", "PrognosisGuardIntent", "CostGuardIntent"])
def test_other_guard_intents_say_they_have_no_information(session, intent):
    spoken = speech_of(ask(session, intent))
    assert spoken.startswith("I don't have information about")
    assert "pharmacist" not in spoken and spoken.endswith("Would you like that?")


@pytest.mark.parametrize("locale", supported_locales())
def test_guard_intents_are_declared_lint_clean_in_every_locale(locale, guards):
    model = json.loads(model_path(locale).read_text(encoding="utf-8"))
    assert lint_model(f"{locale}.json", model) == []
    declared = {
        intent["name"]: intent["samples"] for intent in model["interactionModel"]["languageModel"]["intents"]
    }
    for guard in guards.categories:
        if guard.intent:
            assert declared[guard.intent] == list(guard.samples)
        else:
            assert set(guard.samples) <= set(declared["AMAZON.FallbackIntent"])


def test_no_guard_sample_is_caught_by_a_carrier_phrase_or_copied_from_a_held_out_set(guards):
    """An exact carrier match ("what about ...") would send it to the catch-all instead; and
    held-out sentences are for reporting only."""
    resolver = Resolver.for_locale("en-US")
    held_out = {
        normalize(utterance)
        for path in EVAL.glob("*_heldout*.tsv")
        for utterance, _ in read_coverage_file(path)
    }
    samples = [sample for guard in guards.categories for sample in guard.samples]
    assert [sample for sample in samples if resolver.resolve_in_session(sample).slots] == []
    assert [sample for sample in samples if normalize(sample) in held_out] == []


@pytest.mark.parametrize("name", ["emergency_dev.tsv", "emergency_heldout.tsv"])
def test_no_emergency_said_directly_lands_on_a_guard(guards, name):
    """Safety outranks every guard: an emergency said to the skill never resolves to one."""
    resolver = Resolver.for_locale("en-US")
    landed = [
        utterance
        for utterance, _ in read_coverage_file(EVAL / name)
        if resolver.resolve(utterance).intent in guards.intent_names
    ]
    assert landed == []


def test_every_medicine_the_store_names_has_dose_and_side_effect_samples(store, guards):
    medicine = guards.categories[0]
    assert medicine.id == "medicine"
    text = store.get("muscle_relaxers").speech.lower()
    named = [word for word in read_json("guards.json")["lexicon"]["store_medicine"] if word in text]
    assert named, "the store names no medicine the lexicon knows"
    for word in named:
        said = [sample for sample in medicine.samples if word in sample.lower()]
        assert any("how much" in sample for sample in said), word
        assert any("side effects" in sample for sample in said), word


def test_no_guard_sample_describes_an_emergency(guards):
    samples = [sample for guard in guards.categories for sample in guard.samples]
    assert [sample for sample in samples if describes_emergency(sample)] == []


def _broken(change) -> dict:
    document = copy.deepcopy(read_json("guards.json"))
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["categories"][0].update(offer="no_such_entry"), "'offer'"),
        (lambda d: d["categories"][0]["samples"].append("how much is 2 mg"), "may hold only letters"),
        (lambda d: d["categories"][0]["samples"].append("what about {nothing}"), "unknown lexicon"),
        (lambda d: d["categories"][0]["patterns"].append("(unclosed"), "not a valid pattern"),
        (lambda d: d["categories"][1].update(intent="MedicineGuardIntent"), "must be unique"),
        (lambda d: d["categories"][0].update(intent="NeckIntent"), "GuardIntent"),
        (lambda d: d["categories"][0].update(reply=""), "'reply'"),
    ],
)
def test_a_broken_guards_file_is_refused_with_the_place_named(store, change, message):
    with pytest.raises(GuardError, match=message):
        parse_guards(_broken(change), store)


# --- Measured on the near-miss sets, through the catch-all (the real handler) ---------


def _catch_all(handler, query: str) -> tuple[str | None, str]:
    """The answer id spoken (None when declined) and the speech, in a fresh session."""
    received = ask(LocalSession(handler), "QuestionIntent", query=query)
    last = (received.get("sessionAttributes") or {}).get("last")
    # A question that mentions an emergency opens with one emergency sentence (tests/test_safety.py).
    return (last or {}).get("id"), speech_of(received).removeprefix(EMERGENCY_MENTION)


def _figures(handler, name: str) -> dict[str, tuple[int, int]]:
    rows = read_coverage_file(EVAL / name)
    near = answered = medicine = pharmacist = lookalikes = right = 0
    for query, expected in rows:
        found, spoken = _catch_all(handler, query)
        if expected.startswith("guard:"):
            near += 1
            answered += found is not None
            if expected == "guard:medicine":
                medicine += 1
                pharmacist += spoken.startswith(PHARMACIST)
        else:
            lookalikes += 1
            right += found == expected
    return {
        "near answered": (answered, near),
        "medicine pharmacist": (pharmacist, medicine),
        "look-alikes right": (right, lookalikes),
    }


def test_near_miss_dev_set_through_the_catch_all(handler):
    figures = _figures(handler, "near_miss_dev.tsv")
    assert figures["near answered"][0] == 0
    assert figures["medicine pharmacist"][0] == figures["medicine pharmacist"][1]
    assert figures["look-alikes right"] == (11, 12)  # the miss is recall (issue 14), not guards


def test_near_miss_heldout_set_through_the_catch_all(handler):
    """Reporting only: never tuned on. Measured 4/116, 30/31 and 34/41 (before: 9/116, 0/31,
    30/41; 3/116 and 28/41 before the catch-all's second opinion, which answers 37 more
    natural questions and one more near-domain one); the targets (0, all, 90%) are not all
    met yet, and this keeps what is."""
    figures = _figures(handler, "near_miss_heldout.tsv")
    assert figures["near answered"] <= (4, 116)
    assert figures["medicine pharmacist"] >= (30, 31)
    assert figures["look-alikes right"] >= (34, 41)


# --- The same sets said directly: the simulator resolves them with the declared model ----


def _simulated(handler, name: str) -> dict[str, tuple[int, int]]:
    from tools.envelopes import LOCAL_SKILL_ID
    from tools.simulator import Simulator

    near = answered = medicine = pharmacist = 0
    for utterance, expected in read_coverage_file(EVAL / name):
        if not expected.startswith("guard:"):
            continue
        exchange = Simulator(handler, "en-US", LOCAL_SKILL_ID).one_shot(utterance)
        near += 1
        answered += exchange.last_answer is not None
        if expected == "guard:medicine":
            medicine += 1
            pharmacist += speech_of(exchange.received).startswith(PHARMACIST)
    return {"near answered": (answered, near), "medicine pharmacist": (pharmacist, medicine)}


def test_near_miss_sets_said_directly(handler):
    """Measured with the simulator's resolver of this commit: dev 0/42 answered and 8/10
    pharmacist lines; held-out (reporting only) 7/116 and 16/31 (before: 27/116 and 0/31).
    Floors that keep what is; the held-out targets (1 in 20, every one) are not met yet."""
    dev, heldout = _simulated(handler, "near_miss_dev.tsv"), _simulated(handler, "near_miss_heldout.tsv")
    assert dev["near answered"][0] == 0 and dev["medicine pharmacist"][0] >= 8
    assert heldout["near answered"][0] <= 7 and heldout["medicine pharmacist"][0] >= 16
