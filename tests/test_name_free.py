"""Name-free interaction: Alexa's CanFulfillIntentRequest answered truthfully and without
side effects, through the real Lambda handler; the simulator's name-free path; the
manifest, the linter and the opt-in ingress points."""

from __future__ import annotations

import copy
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.intents import catch_all_intent
from skill.logs import logger
from skill.phrases import supported_locales
from tests.helpers import require_tool, run_cli
from tests.test_fuzz import PATHS, damage, json_values, slot_values
from tools.devices import declared_interfaces
from tools.envelopes import LOCAL_SKILL_ID, can_fulfill_request, envelope, intent_request
from tools.ingress import ingress_points, with_ingress_points
from tools.interfaces import SKILL_DIR
from tools.lint import lint_interfaces, lint_model
from tools.model import model_path
from tools.name_free import INTERFACE, ask_name_free, measure_name_free
from tools.node_tools import node_available
from tools.package import manifest_path
from tools.simulator import NO_ANSWER, Simulator, read_coverage_file

EVAL = Path(__file__).parent / "data" / "eval"
QUERY = catch_all_intent().slot
UNRELATED = [
    "what causes kidney stones",
    "how do i get rid of a migraine",
    "what helps lower back pain",
    "why do my knees hurt when i run",
    "what are gallstones",
    "how do i change a tire",
    "what's the weather tomorrow",
]
BUILTINS = [
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.HelpIntent",
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.NextIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent",
]


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    previous = logger.stream, logger.level
    logger.stream = stream
    logger.set_level("DEBUG")
    yield stream
    logger.stream, logger.level = previous


def _ask(handler, name: str, slots: dict[str, str] | None = None, locale: str = "en-US") -> dict:
    return handler(envelope(can_fulfill_request(name, slots, locale)), None)


def _verdict(received: dict) -> str:
    return received["response"]["canFulfillIntent"]["canFulfill"]


def _query_verdict(handler, query: str) -> str:
    return _verdict(_ask(handler, catch_all_intent().name, {QUERY: query}))


@pytest.mark.parametrize("locale", supported_locales())
def test_every_answer_intent_can_be_fulfilled(handler, store, locale):
    for entry in store.entries:
        received = _ask(handler, entry.intent_name, locale=locale)
        assert received["response"] == {"canFulfillIntent": {"canFulfill": "YES"}}, entry.intent_name


def test_a_question_the_catch_all_answers_is_a_yes_for_the_intent_and_its_slot(handler, store):
    query = store.entries[0].question  # the store's own question: the catch-all answers it
    received = _ask(handler, catch_all_intent().name, {QUERY: query})
    assert received["response"]["canFulfillIntent"] == {
        "canFulfill": "YES",
        "slots": {QUERY: {"canUnderstand": "YES", "canFulfill": "YES"}},
    }


def test_a_question_the_catch_all_cannot_choose_for_is_a_maybe(handler, store):
    """ "trigger points" is explained by many entries and none leads: the catch-all offers
    the closest one, so Alexa may route it, but the skill does not claim it."""
    session_reply = handler(
        envelope(intent_request(catch_all_intent().name, {QUERY: "trigger points"})), None
    )
    assert "sessionAttributes" in session_reply and session_reply["sessionAttributes"].get("last") is None
    received = _ask(handler, catch_all_intent().name, {QUERY: "trigger points"})
    assert received["response"]["canFulfillIntent"] == {
        "canFulfill": "MAYBE",
        "slots": {QUERY: {"canUnderstand": "MAYBE", "canFulfill": "YES"}},
    }


@pytest.mark.parametrize(
    "query",
    ["how much flexeril should i take for trigger points", "can i get a trigger point massage when pregnant"],
)
def test_what_the_guards_decline_is_a_no(handler, query):
    assert _query_verdict(handler, query) == "NO"


@pytest.mark.parametrize("query", UNRELATED)
def test_unrelated_questions_and_other_health_topics_are_a_no(handler, query):
    received = _ask(handler, catch_all_intent().name, {QUERY: query})
    assert received["response"]["canFulfillIntent"] == {
        "canFulfill": "NO",
        "slots": {QUERY: {"canUnderstand": "NO", "canFulfill": "NO"}},
    }


@pytest.mark.parametrize("name", BUILTINS)
def test_built_in_intents_are_a_no(handler, name):
    assert _verdict(_ask(handler, name)) == "NO"


@pytest.mark.parametrize("slots", [None, {QUERY: ""}, {QUERY: "   "}, {"other": "neck knots"}])
def test_the_catch_all_without_a_query_is_a_no(handler, slots):
    assert _verdict(_ask(handler, catch_all_intent().name, slots)) == "NO"


def _phrases(name: str) -> list[str]:
    return [utterance for utterance, _ in read_coverage_file(EVAL / name)]


def _claimed(handler, phrases: list[str]) -> list[str]:
    """Phrases not answered NO as the catch-all's query, or along the whole name-free path
    (whatever intent the model resolves them to)."""
    simulator = Simulator(handler, "en-US", LOCAL_SKILL_ID)
    return [
        phrase
        for phrase in phrases
        if _query_verdict(handler, phrase) != "NO" or ask_name_free(simulator, phrase).verdict != "NO"
    ]


@pytest.mark.parametrize("name", ["emergency_dev.tsv", "emergency_heldout.tsv"])
def test_every_emergency_and_self_harm_phrase_of_the_safety_sets_is_a_no(handler, name):
    """Alexa's own reply must never wait for this skill (the held-out set is only measured here)."""
    assert _claimed(handler, _phrases(name)) == []


def test_no_side_effects_no_speech_card_state_event_or_query_in_the_logs(handler, log_stream):
    secret_query = "knots between my shoulder blades zqxv"
    for name, slots in (
        (catch_all_intent().name, {QUERY: secret_query}),
        (catch_all_intent().name, {QUERY: "what causes kidney stones zqxv"}),
        ("NeckIntent", None),
    ):
        event = envelope(
            can_fulfill_request(name, slots), attributes={"last": {"id": "neck", "part": "answer"}}
        )
        received = handler(event, None)
        assert set(received) <= {"version", "response", "userAgent"}  # no sessionAttributes
        assert set(received["response"]) == {"canFulfillIntent"}  # no speech, reprompt, card, directive
    logged = log_stream.getvalue()
    assert "zqxv" not in logged and "unanswered_query" not in logged
    lines = [json.loads(line) for line in logged.splitlines()]
    assert [line["request_type"] for line in lines] == ["CanFulfillIntentRequest"] * 3


@pytest.mark.parametrize("name", ["NeckIntent", "QuestionIntent"])
def test_answers_without_a_user_and_without_a_session(handler, name):
    event = envelope(can_fulfill_request(name, {QUERY: "active and latent trigger points"}))
    del event["session"]
    del event["context"]["System"]["user"]
    received = handler(event, None)
    assert _verdict(received) == "YES"
    assert set(received) <= {"version", "response", "userAgent"}


@st.composite
def can_fulfill_envelopes(draw: st.DrawFn) -> dict:
    name = draw(st.sampled_from(["NeckIntent", "QuestionIntent", *BUILTINS]) | st.text(max_size=30))
    request = can_fulfill_request(name, None, draw(st.sampled_from(["en-US", "en-IN", "xx"]) | json_values))
    request["intent"]["slots"] = draw(
        st.dictionaries(
            st.sampled_from([QUERY, "other"]) | st.text(max_size=8),
            st.fixed_dictionaries({"name": st.text(max_size=8), "value": slot_values}) | json_values,
            max_size=3,
        )
        | json_values
    )
    event = envelope(request, new_session=draw(st.booleans()))
    damage(draw, event, [*PATHS, ("request", "intent", "slots", QUERY)])
    return event


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(event=can_fulfill_envelopes())
def test_fuzzed_can_fulfill_envelopes_never_raise(handler, event):
    from skill.envelope import InvalidRequest

    try:
        received = handler(event, None)
    except InvalidRequest:
        return
    response = received["response"]
    if (event.get("request") or {}).get("type") == "CanFulfillIntentRequest":
        assert "outputSpeech" not in response and "card" not in response
        assert "sessionAttributes" not in received


# -- The simulator's name-free path and the evaluation sets.


def test_the_simulator_asks_first_then_sends_the_intent_in_a_new_session(handler):
    simulator = Simulator(handler, "en-US", LOCAL_SKILL_ID)
    exchange = ask_name_free(simulator, "What causes upper back trigger points?")
    assert exchange.asked is not None and exchange.verdict == "YES"
    sent, _ = exchange.asked
    assert sent["request"]["type"] == "CanFulfillIntentRequest" and sent["session"]["new"] is True
    assert exchange.followed is not None
    followed = exchange.followed.sent
    assert followed["request"]["type"] == "IntentRequest"
    assert (
        followed["session"]["new"] is True
        and followed["session"]["sessionId"] != sent["session"]["sessionId"]
    )
    assert exchange.followed.last_answer == "causes_upper_back"

    refused = ask_name_free(simulator, "tell me about kidney stones")
    assert refused.verdict == "NO" and refused.followed is None


def test_without_the_interface_in_the_manifest_alexa_never_asks(handler):
    declared = declared_interfaces(json.loads(manifest_path().read_text()))
    simulator = Simulator(handler, "en-US", LOCAL_SKILL_ID, interfaces=declared - {INTERFACE})
    exchange = ask_name_free(simulator, "what causes upper back trigger points")
    assert exchange.asked is None and exchange.verdict == "NOT ASKED"


def test_the_ask_command_shows_both_requests():
    result = run_cli("ask", "--name-free", "what causes upper back trigger points")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "  -> CanFulfillIntentRequest CausesUpperBackIntent: YES"
    assert lines[2].startswith("  -> CausesUpperBackIntent")
    assert lines[3].startswith("Alexa: You may develop trigger points")
    refused = run_cli("ask", "--name-free", "tell me about kidney stones")
    assert "QuestionIntent query='kidney stones': NO" in refused.stdout
    assert "[not routed to this skill]" in refused.stdout and "Alexa:" not in refused.stdout


def _natural_heldout(handler, name: str = "natural_heldout.tsv") -> tuple[list, list]:
    rows = measure_name_free(Simulator(handler, "en-US", LOCAL_SKILL_ID), read_coverage_file(EVAL / name))
    return [r for r in rows if r.expected != NO_ANSWER], [r for r in rows if r.expected == NO_ANSWER]


@pytest.mark.parametrize("name", ["natural_heldout.tsv", "natural_heldout2.tsv"])
def test_natural_heldout_name_free_never_claims_an_unrelated_question(handler, name):
    """Reporting sets (never tuned on): zero false YES, since a wrong claim hijacks a request
    that belonged to another skill or to Alexa."""
    _, unrelated = _natural_heldout(handler, name)
    assert unrelated and [row.utterance for row in unrelated if row.verdict != "NO"] == []


def _share_of_yes(handler, name: str) -> float:
    answerable, _ = _natural_heldout(handler, name)
    return sum(1 for row in answerable if row.verdict == "YES") / len(answerable)


def test_natural_heldout_name_free_says_yes_to_nine_in_ten_answerable_questions(handler):
    """Met: 163 of 171 (95.3%)."""
    assert _share_of_yes(handler, "natural_heldout.tsv") >= 0.9


def test_natural_heldout2_name_free_says_yes_to_nine_in_ten_answerable_questions(handler):
    """Met: 141 of 156 (90.4%), by a narrow margin (138 at the start of the session)."""
    assert _share_of_yes(handler, "natural_heldout2.tsv") >= 0.9


# -- Manifest, linter, ingress points.


def test_the_manifest_declares_the_interface_and_the_code_uses_it():
    assert INTERFACE in declared_interfaces(json.loads(manifest_path().read_text()))
    places = lint_interfaces("skill.json", json.loads(manifest_path().read_text()), SKILL_DIR)
    assert places == []


def test_the_linter_fails_when_handler_and_interface_disagree(tmp_path):
    manifest = json.loads(manifest_path().read_text())
    custom = manifest["manifest"]["apis"]["custom"]
    without = copy.deepcopy(manifest)
    without["manifest"]["apis"]["custom"]["interfaces"] = [
        i for i in custom["interfaces"] if i["type"] != INTERFACE
    ]
    findings = lint_interfaces("skill.json", without, SKILL_DIR)
    assert [f.intent for f in findings] == [INTERFACE]
    assert "does not declare it" in findings[0].problem

    code = tmp_path / "skill"
    shutil.copytree(SKILL_DIR, code, ignore=shutil.ignore_patterns("name_free.py", "__pycache__", "data"))
    handlers = code / "handlers.py"
    handlers.write_text(
        "\n".join(
            line
            for line in handlers.read_text().splitlines()
            if "CanFulfillIntentRequestHandler" not in line and "name_free" not in line
        )
    )
    app = code / "app.py"
    app.write_text("\n".join(line for line in app.read_text().splitlines() if "CanFulfill" not in line))
    findings = lint_interfaces("skill.json", manifest, code)
    assert [(f.intent, "nothing in skill/ uses it" in f.problem) for f in findings] == [(INTERFACE, True)]


def test_ingress_points_come_from_the_store_and_lint_clean(store):
    points = ingress_points(store)
    intents = [point for point in points if point["type"] == "INTENT"]
    assert [point["name"] for point in intents] == [entry.intent_name for entry in store.entries]
    assert intents[1]["value"] == "what causes trigger points in upper back"
    assert 1 <= sum(1 for point in points if point["type"] == "LAUNCH") <= 5
    for locale in supported_locales():
        model = with_ingress_points(json.loads(model_path(locale).read_text()), store)
        assert lint_model(f"{locale}.json", model) == []


def test_the_linter_rejects_a_bad_ingress_point(store):
    model = with_ingress_points(json.loads(model_path("en-US").read_text()), store)
    points = model["interactionModel"]["_nameFreeInteraction"]["ingressPoints"]
    points.append({"type": "INTENT", "name": "NoSuchIntent", "format": "RAW_TEXT", "value": "hello there"})
    points.append(
        {"type": "INTENT", "name": "NeckIntent", "format": "RAW_TEXT", "value": "tell me about knots"}
    )
    points += [{"type": "LAUNCH", "format": "RAW_TEXT", "value": f"launch phrase {n}"} for n in "abcdef"]
    problems = {(f.intent, f.problem.split(":")[0]) for f in lint_model("en-US.json", model)}
    assert ("NoSuchIntent", "ingress point for an intent the model does not declare") in problems
    assert ("NeckIntent", 'collides with the carrier phrase "tell me about {query}"') in problems
    assert ("_nameFreeInteraction", "at most 5 launch phrases") in problems


def test_ingress_points_are_opt_in_and_pass_amazons_schema(store, tmp_path):
    from tools.package import write_package

    committed = json.loads(model_path("en-US").read_text())
    assert "_nameFreeInteraction" not in committed["interactionModel"]
    write_package(tmp_path, name_free=True)
    packaged = json.loads((tmp_path / "interactionModels" / "custom" / "en-US.json").read_text())
    assert packaged["interactionModel"]["_nameFreeInteraction"]["ingressPoints"] == ingress_points(store)
    require_tool(node_available(), "node and npm (ask-smapi-model)")
    from tools.smapi import validate_model

    for locale in supported_locales():
        assert validate_model(with_ingress_points(json.loads(model_path(locale).read_text()), store)) == []
    broken = with_ingress_points(committed, store)
    broken["interactionModel"]["_nameFreeInteraction"]["ingressPoints"][0]["name"] = "NeckIntent"
    broken["interactionModel"]["_nameFreeInteraction"]["ingressPoints"][-1]["value"] = "tell me {query}"
    problems = "\n".join(validate_model(broken))
    assert "ingressPoints[0]" in problems and "ingressPoints[17].value" in problems
