"""The local simulator: resolution from the declared model, real envelopes, real sessions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skill.phrases import supported_locales
from tests.helpers import run_cli, speech_of
from tools.envelopes import LOCAL_SKILL_ID
from tools.model import model_path
from tools.nlu import FALLBACK_INTENT, Resolver
from tools.simulator import Simulator, coverage_report, measure_coverage, read_coverage_file

ROOT = Path(__file__).resolve().parents[1]
UTTERANCES = Path(__file__).parent / "data" / "utterances.tsv"


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.for_locale("en-US")


@pytest.mark.parametrize("locale", supported_locales())
def test_every_sample_resolves_to_its_own_intent(locale):
    """No sample is claimed by two intents (nor by a built-in's usual phrasing)."""
    resolver = Resolver.for_locale(locale)
    model = json.loads(model_path(locale).read_text(encoding="utf-8"))
    conflicts = []
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        for sample in intent["samples"]:
            spoken = sample.replace("{query}", "upper back knots")
            found = resolver.resolve_in_session(spoken)
            if found.intent != intent["name"] or found.method != "exact":
                conflicts.append((sample, intent["name"], found.intent))
    assert conflicts == []


@pytest.mark.parametrize(
    ("utterance", "intent", "slots"),
    [
        ("What causes upper back trigger points?", "CausesUpperBackIntent", {}),
        ("Alexa, ask trigger point guide what causes upper back trigger points", "CausesUpperBackIntent", {}),
        ("ask trigger point guide to tell me about neck knots", "QuestionIntent", {"query": "neck knots"}),
        ("ask trigger point guide about chest pain", "QuestionIntent", {"query": "chest pain"}),
        ("Tell me about, the TRAPEZIUS!", "QuestionIntent", {"query": "the trapezius"}),
        ("help", "AMAZON.HelpIntent", {}),
        ("what can I ask", "AMAZON.HelpIntent", {}),
        ("stop", "AMAZON.StopIntent", {}),
        ("never mind", "AMAZON.CancelIntent", {}),
        ("say that again", "AMAZON.RepeatIntent", {}),
        ("yes please", "AMAZON.YesIntent", {}),
        ("no thanks", "AMAZON.NoIntent", {}),
        ("next", "AMAZON.NextIntent", {}),
        ("start over", "AMAZON.StartOverIntent", {}),
        ("go home", "AMAZON.NavigateHomeIntent", {}),
    ],
)
def test_exact_resolution_with_slot_capture(resolver, utterance, intent, slots):
    found = resolver.resolve(utterance)
    assert (found.intent, found.slots, found.method) == (intent, slots, "exact")


@pytest.mark.parametrize("utterance", ["open trigger point guide", "Alexa, launch Trigger Point Guide."])
def test_open_is_a_launch(resolver, utterance):
    assert resolver.resolve(utterance).is_launch


@pytest.mark.parametrize("utterance", ["how do I change a tire", "what is the capital of spain", "blah"])
def test_unrelated_utterances_fall_back(resolver, utterance):
    assert resolver.resolve(utterance).intent == FALLBACK_INTENT


def test_resolution_reads_only_the_declared_model(tmp_path):
    model = json.loads(model_path("en-US").read_text(encoding="utf-8"))
    model["interactionModel"]["languageModel"]["invocationName"] = "back helper"
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        if intent["name"] == "NeckIntent":
            intent["samples"].append("what about my scruff")
    (tmp_path / "en-US.json").write_text(json.dumps(model))
    resolver = Resolver.for_locale("en-US", tmp_path)
    assert resolver.resolve("ask back helper what about my scruff").intent == "NeckIntent"
    assert resolver.resolve("ask trigger point guide what about my scruff").intent != "NeckIntent"


def test_envelopes_are_complete(handler):
    exchange = Simulator(handler, "en-GB", LOCAL_SKILL_ID).one_shot("tell me about trapezius headaches")
    sent = exchange.sent
    assert sent["version"] == "1.0"
    assert set(sent["session"]) >= {"new", "sessionId", "application", "user", "attributes"}
    system = sent["context"]["System"]
    assert set(system) >= {"application", "user", "device", "apiEndpoint"}
    assert "supportedInterfaces" in system["device"]
    request = sent["request"]
    assert set(request) >= {"type", "requestId", "timestamp", "locale", "intent"}
    assert request["locale"] == "en-GB"
    slot = request["intent"]["slots"]["query"]
    assert slot["value"] == "trapezius headaches" and slot["confirmationStatus"] == "NONE"
    assert request["intent"]["confirmationStatus"] == "NONE"


def test_a_session_carries_attributes_like_alexa(handler):
    simulator = Simulator(handler, "en-US", LOCAL_SKILL_ID)
    first = simulator.say("open trigger point guide")
    second = simulator.say("how do I release a trapped nerve")
    third = simulator.say("yes")
    assert first.sent["session"]["new"] is True and second.sent["session"]["new"] is False
    assert first.sent["session"]["sessionId"] == third.sent["session"]["sessionId"]
    assert third.sent["session"]["attributes"] == second.received["sessionAttributes"]
    assert speech_of(third.received).startswith("Other options are to stretch")


def test_chat_reads_piped_input_and_ends_with_the_session():
    result = run_cli(
        "chat", stdin="open trigger point guide\nwhat causes upper back trigger points\nyes\nstop\nhelp\n"
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "-> CausesUpperBackIntent (exact)" in out
    assert "-> AMAZON.YesIntent (exact)" in out
    assert "Alexa: Trigger points are usually treated by massaging" in out
    assert "[session ended]" in out
    assert "AMAZON.HelpIntent" not in out  # the session ended at "stop"


def test_chat_json_prints_the_envelopes():
    result = run_cli(
        "chat", "--json", "--locale", "en-AU", stdin="ask trigger point guide I have chest pain\n"
    )
    assert result.returncode == 0, result.stderr
    exchange = json.loads(result.stdout)
    assert exchange["request"]["request"]["locale"] == "en-AU"
    assert "triple zero" in speech_of(exchange["response"])


def test_ask_answers_one_utterance():
    result = run_cli("ask", "where are the trigger points in my neck")
    assert result.returncode == 0, result.stderr
    assert "-> NeckIntent (exact)" in result.stdout
    assert "Alexa: Trigger points can occur in the back of the neck" in result.stdout
    assert "card: Trigger points in the neck" in result.stdout


def test_skill_id_must_match_the_configured_one():
    mismatch = run_cli(
        "ask",
        "help",
        "--skill-id",
        "amzn1.ask.skill.other",
        env={"SKILL_ID": "amzn1.ask.skill.ours", "PATH": "/usr/bin:/bin"},
    )
    assert mismatch.returncode == 2
    assert "refused the request: the request is for another skill" in mismatch.stderr
    assert "Traceback" not in mismatch.stderr


def test_coverage_of_the_paraphrase_set(handler, store):
    pairs = read_coverage_file(UTTERANCES)
    intent_of = {entry.id: entry.intent_name for entry in store.entries}
    rows = measure_coverage(handler, pairs, "en-US", LOCAL_SKILL_ID, intent_of)
    expected = [expected for _, expected in pairs]
    for entry in store.entries:
        assert expected.count(entry.intent_name) >= 4
    assert expected.count("none") >= 10
    assert all(row.answered is None for row in rows if row.expected == "none")
    report = coverage_report(rows)
    accuracy = next(line for line in report if line.startswith("intent accuracy"))
    routed, total = map(int, accuracy.split(": ")[1].split(" ")[0].split("/"))
    assert routed / total >= 0.85


def test_coverage_command_prints_a_table():
    result = run_cli("coverage", str(UTTERANCES))
    assert result.returncode == 0, result.stderr
    assert "NeckIntent" in result.stdout and "intent accuracy:" in result.stdout


def test_coverage_refuses_a_malformed_file(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("no tab on this line\n")
    result = run_cli("coverage", str(bad))
    assert result.returncode == 2
    assert "expected 'utterance<TAB>intent'" in result.stderr
