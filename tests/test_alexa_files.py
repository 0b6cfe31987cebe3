"""The real-Alexa test files: `ask dialog --replay` files from the scripted conversations and an
NLU evaluation annotation set from the paraphrase sets, generated and checked offline against
the ASK CLI's replay rules and SMAPI's published definitions (ask-smapi-model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import require_tool, run_cli
from tools.alexa_files import annotation_problems, annotation_set, replay_files, replay_problems
from tools.conversations import CONVERSATIONS_DIR, load_conversation
from tools.model import model_path
from tools.node_tools import node_available
from tools.package import manifest_path

ROOT = Path(__file__).resolve().parents[1]
SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(manifest_path().read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def en_us_model() -> dict:
    return json.loads(model_path("en-US").read_text(encoding="utf-8"))


def test_every_conversation_becomes_a_valid_replay_file(manifest):
    files = replay_files(SKILL_ID)
    assert {"demo.json", "safety.json"} <= set(files)
    for name, document in files.items():
        assert replay_problems(document, manifest) == [], name
        assert document["userInput"][-1] == ".quit"


def test_the_demo_replays_what_the_simulator_says_without_the_wake_word():
    demo = load_conversation(CONVERSATIONS_DIR / "demo.json")
    replayed = replay_files(SKILL_ID)["demo.json"]["userInput"]
    assert replayed[0] == "open trigger point guide"
    assert replayed[-2] == "ask trigger point guide about chest pain and trouble breathing"
    assert len(replayed) == len([turn for turn in demo.turns if turn.say]) + 1
    safety = replay_files(SKILL_ID)["safety.json"]["userInput"]
    assert "I'm having trouble breathing" in safety


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"skillId": ""}, "skillId must be a skill id"),
        ({"locale": "de-DE"}, "not published"),
        ({"type": "voice"}, 'type must be "text"'),
        ({"userInput": ["open trigger point guide", "  "]}, "userInput[1] is blank"),
        ({"userInput": []}, "non-empty list"),
        ({"skill": SKILL_ID}, "unknown key 'skill'"),
    ],
)
def test_the_replay_check_refuses_what_the_ask_cli_refuses(manifest, change, problem):
    document = {**replay_files(SKILL_ID)["demo.json"], **change}
    assert any(problem in found for found in replay_problems(document, manifest))


def test_the_annotation_set_holds_every_answerable_dev_paraphrase_and_no_heldout_one(store):
    data = annotation_set(store)["data"]
    intents = {entry.intent_name for entry in store.entries}
    assert len(data) >= 100
    assert {item["expected"][0]["intent"]["name"] for item in data} == intents
    utterances = {item["inputs"]["utterance"] for item in data}
    assert len(utterances) == len(data)
    assert "getting rid of knots in the upper back with a ball" in utterances
    for heldout in (ROOT / "tests" / "data" / "eval").glob("*_heldout*.tsv"):
        for line in heldout.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                assert line.split("\t")[0].strip() not in utterances, heldout.name


@pytest.mark.external
def test_the_annotation_set_matches_smapis_definitions_and_the_model(store, en_us_model):
    require_tool(node_available(), "node and npm (for Amazon's ask-smapi-model)")
    assert annotation_problems(annotation_set(store), en_us_model) == []
    broken = {
        "data": [
            {"inputs": {"utterance": "where are the knots", "locale": "en-US"}, "expected": []},
            {"inputs": {"utterance": "neck"}, "expected": [{"intent": {"name": "KneeIntent"}}]},
            {
                "inputs": {"utterance": "x"},
                "expected": [{"intent": {"name": "NeckIntent", "slots": {"q": {}}}}],
            },
        ]
    }
    problems = annotation_problems(broken, en_us_model)
    assert any("data[0].inputs" in p and "locale" in p for p in problems)
    assert "data[1]: intent 'KneeIntent' is not in the model" in problems
    assert "data[2]: NeckIntent has no slot 'q'" in problems
    assert annotation_problems({"data": []}, en_us_model) != []


def test_the_command_writes_the_files_for_a_given_skill(tmp_path):
    result = run_cli("alexa-files", "--skill-id", SKILL_ID, "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    replayed = json.loads((tmp_path / "replay" / "demo.json").read_text())
    assert replayed["skillId"] == SKILL_ID
    annotations = json.loads((tmp_path / "nlu-annotation-set.json").read_text())
    assert annotations["data"]


def test_the_command_needs_a_skill_id(tmp_path):
    result = run_cli("alexa-files", "--profile", "no-such-profile", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "no skill id" in result.stderr
