"""The committed interaction models are exactly what the store generates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skill.guards import load_guards
from skill.phrases import supported_locales
from skill.safety import safety_rules
from skill.store import DEFAULT_STORE_PATH, parse_store
from tools.model import MODEL_DIR, build_model, drifted_models, load_template, model_path, write_models

REQUIRED_BUILTINS = {
    "AMAZON.CancelIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
    "AMAZON.NextIntent",
    "AMAZON.StartOverIntent",
}


def _language_model(locale: str = "en-US") -> dict:
    return json.loads(model_path(locale).read_text(encoding="utf-8"))["interactionModel"]["languageModel"]


def test_committed_models_match_the_store(store):
    assert drifted_models(store) == []
    assert sorted(path.name for path in MODEL_DIR.glob("*.json")) == sorted(
        f"{locale}.json" for locale in supported_locales()
    )


def test_a_store_change_makes_the_committed_model_drift(store, tmp_path):
    write_models(store, tmp_path)
    assert drifted_models(store, tmp_path) == []
    document = json.loads(Path(DEFAULT_STORE_PATH).read_text(encoding="utf-8"))
    document["entries"][0]["samples"].append("how do I roll out my upper back")
    assert len(drifted_models(parse_store(document), tmp_path)) == len(supported_locales())


def test_one_intent_per_answer_and_one_answer_per_intent(store):
    model = _language_model()
    custom = {intent["name"] for intent in model["intents"] if not intent["name"].startswith("AMAZON.")}
    declared = store.intent_names | set(safety_rules().intents) | load_guards(store).intent_names
    assert custom - {"QuestionIntent"} == declared


@pytest.mark.parametrize("locale", supported_locales())
def test_answer_intents_have_twenty_distinct_samples(locale, store):
    for intent in _language_model(locale)["intents"]:
        if store.for_intent(intent["name"]):
            folded = {" ".join(sample.lower().split()) for sample in intent["samples"]}
            assert len(folded) >= 20, intent["name"]


def test_builtins_and_invocation_name():
    model = _language_model()
    assert {intent["name"] for intent in model["intents"]} >= REQUIRED_BUILTINS
    assert model["invocationName"] == "trigger point guide"


def test_catch_all_samples_always_have_a_carrier_phrase(store):
    model = build_model(store, load_template(), load_guards(store))
    question = next(
        i for i in model["interactionModel"]["languageModel"]["intents"] if i["name"] == "QuestionIntent"
    )
    assert question["slots"] == [{"name": "query", "type": "AMAZON.SearchQuery"}]
    for sample in question["samples"]:
        assert "{query}" in sample
        assert sample.replace("{query}", "").strip(), f"{sample!r} has no carrier phrase"
