"""Every phrase the skill suggests saying (prompt examples, help card questions) is a sample
of the intent it should reach, word for word, in all five locales: as certification checks."""

from __future__ import annotations

import copy
import json

from skill.phrases import supported_locales
from skill.prompts import bundled_examples
from tests.helpers import speech_of
from tools.envelopes import LocalSession, intent_request, launch_request
from tools.lint import lint_suggested_phrases, suggested_phrases
from tools.model import model_path
from tools.nlu import Resolver


def _models() -> dict[str, dict]:
    return {locale: json.loads(model_path(locale).read_text()) for locale in supported_locales()}


def test_every_suggested_phrase_is_a_sample_of_its_intent_in_every_locale(store):
    suggestions = suggested_phrases()
    assert len(suggestions) == len(store.entries) + len(bundled_examples())  # none shadowed
    models = _models()
    assert len(models) == 5
    assert lint_suggested_phrases(models, suggestions) == []


def test_the_simulator_resolves_each_suggested_phrase_exactly():
    for locale in supported_locales():
        resolver = Resolver.for_locale(locale)
        for phrase, intent in suggested_phrases().items():
            resolution = resolver.resolve_in_session(phrase)
            assert (resolution.intent, resolution.method) == (intent, "exact"), (locale, phrase)


def test_a_phrase_missing_from_one_locale_or_reaching_another_intent_is_found(store):
    models = _models()
    broken = copy.deepcopy(models["en-GB"])
    example = next(iter(bundled_examples().values()))
    for intent in broken["interactionModel"]["languageModel"]["intents"]:
        intent["samples"] = [sample for sample in intent.get("samples", []) if sample != example]
    findings = lint_suggested_phrases({**models, "en-GB": broken}, suggested_phrases())
    assert [(finding.utterance, "en-GB" in finding.problem) for finding in findings] == [(example, True)]
    wrong = {store.entries[0].question: store.entries[1].intent_name}
    assert "it is a sample of" in lint_suggested_phrases(models, wrong)[0].problem


def test_the_examples_are_what_the_prompts_suggest(session):
    _, welcome = session.send(launch_request())
    examples = list(bundled_examples().values())
    assert f"{examples[0]}?" in speech_of(welcome)
    heard = set()
    fresh = LocalSession(session.handler)
    for _ in range(3):  # the reprompt's example changes from turn to turn
        _, received = fresh.send(intent_request("AMAZON.NoIntent"))
        reprompt = received["response"]["reprompt"]["outputSpeech"]["ssml"]
        heard |= {example for example in examples if example in reprompt}
    assert heard == set(examples)
