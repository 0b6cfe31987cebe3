"""Files for testing the deployed skill against Alexa itself, generated from what the local
tests already use, and checked offline against the ASK CLI's and SMAPI's own rules.

- ``ask dialog --replay`` files, one per scripted conversation (``data/conversations/``): the
  demo, the safety cases and the others. The ASK CLI refuses a replay file without a
  ``skillId`` or ``locale`` or with a blank input (``lib/commands/dialog/index.ts``), and
  simulates only a locale the manifest publishes (``lib/commands/dialog/helper.ts``).
- An NLU evaluation annotation set (SMAPI ``update-annotations-for-nlu-annotation-sets``,
  ``application/json``): every paraphrase with one expected answer, from
  ``tests/data/paraphrases.tsv`` and the development halves ``tests/data/eval/*_dev.tsv``
  (never a sentence of the held-out halves), each expecting that answer's intent. Lines the skill must not
  answer, guards and emergencies are left out: Alexa may route them to any intent and the
  skill's decision, not the NLU, is what matters there (the replayed conversations cover it).

They carry the skill id, so they are written to the ignored ``build/alexa/``, never committed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skill.store import AnswerStore
from tools.conversations import conversation_files, load_conversation
from tools.model import MODEL_DIR

ROOT = MODEL_DIR.parent
OUT_DIR = ROOT / "build" / "alexa"
HELDOUT_FILES = tuple(sorted((ROOT / "tests" / "data" / "eval").glob("*_heldout*.tsv")))
PARAPHRASE_FILES = (
    ROOT / "tests" / "data" / "paraphrases.tsv",
    *sorted((ROOT / "tests" / "data" / "eval").glob("*_dev.tsv")),
)
ANNOTATION_LOCALE = "en-US"  # the paraphrase sets are written in US English
WAKE_WORD = "alexa,"
QUIT = ".quit"  # ends `ask dialog` after the replay instead of staying interactive
SKILL_ID_PREFIX = "amzn1.ask.skill."
# SMAPI's definitions for an annotation's parts (ask-smapi-model's spec.json); the request itself
# is defined only by its example: {"data": [{"inputs": ..., "expected": [...]}]}.
INPUTS_DEFINITION = "v1.skill.nlu.evaluations.Inputs"
EXPECTED_DEFINITION = "v1.skill.nlu.evaluations.Expected"


def _spoken(say: str) -> str:
    """What is typed to the simulator: the utterance without the wake word."""
    text = say.strip()
    return text[len(WAKE_WORD) :].strip() if text.lower().startswith(WAKE_WORD) else text


def replay_files(skill_id: str) -> dict[str, dict[str, Any]]:
    """File name to replay document; turns that are events rather than speech are left out."""
    files = {}
    for path in conversation_files():
        conversation = load_conversation(path)
        inputs = [_spoken(turn.say) for turn in conversation.turns if turn.say]
        files[f"{conversation.name}.json"] = {
            "skillId": skill_id,
            "locale": conversation.locale,
            "type": "text",
            "userInput": [*inputs, QUIT],
        }
    return files


def _paraphrases(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            utterance, _, expected = line.partition("\t")
            pairs.append((utterance.strip(), expected.strip()))
    return pairs


def annotation_set(store: AnswerStore) -> dict[str, Any]:
    """Every paraphrase whose expected answer is an entry of the store, once; none that a
    held-out set also holds (those are for reporting only)."""
    intent_of = {entry.id: entry.intent_name for entry in store.entries}
    data, seen = [], {utterance for path in HELDOUT_FILES for utterance, _ in _paraphrases(path)}
    for path in PARAPHRASE_FILES:
        for utterance, expected in _paraphrases(path):
            if expected in intent_of and utterance not in seen:
                seen.add(utterance)
                data.append(
                    {
                        "inputs": {"utterance": utterance},
                        "expected": [{"intent": {"name": intent_of[expected]}}],
                    }
                )
    return {"data": data}


def replay_problems(document: dict[str, Any], manifest: dict[str, Any]) -> list[str]:
    """What the ASK CLI would refuse in a replay file, or simulate in no published locale."""
    problems = []
    skill_id = document.get("skillId")
    if not isinstance(skill_id, str) or not skill_id.startswith(SKILL_ID_PREFIX):
        problems.append(f"skillId must be a skill id ({SKILL_ID_PREFIX}...), not {skill_id!r}")
    locales = manifest["manifest"]["publishingInformation"]["locales"]
    if document.get("locale") not in locales:
        problems.append(f"locale {document.get('locale')!r} is not published in skill.json")
    if document.get("type") != "text":
        problems.append('type must be "text"')
    inputs = document.get("userInput")
    if not isinstance(inputs, list) or not inputs:
        problems.append("userInput must be a non-empty list")
    else:
        problems += [f"userInput[{i}] is blank" for i, text in enumerate(inputs) if not str(text).strip()]
    unknown = set(document) - {"skillId", "locale", "type", "userInput"}
    problems += [f"unknown key {key!r}" for key in sorted(unknown)]
    return problems


def annotation_problems(document: dict[str, Any], model: dict[str, Any]) -> list[str]:
    """SMAPI's shape for each annotation, and intents and slots the model declares."""
    from tools.smapi import validate

    if set(document) != {"data"} or not isinstance(document["data"], list) or not document["data"]:
        return ['the request must be {"data": [annotation, ...]} with at least one annotation']
    intents = {
        intent["name"]: {slot["name"] for slot in intent.get("slots", [])}
        for intent in model["interactionModel"]["languageModel"]["intents"]
    }
    problems = []
    for number, annotation in enumerate(document["data"]):
        where = f"data[{number}]"
        if not isinstance(annotation, dict) or set(annotation) != {"inputs", "expected"}:
            problems.append(f"{where}: needs exactly inputs and expected")
            continue
        problems += [f"{where}.inputs{p[1:]}" for p in validate(annotation["inputs"], INPUTS_DEFINITION)]
        if not str(annotation["inputs"].get("utterance", "")).strip():
            problems.append(f"{where}.inputs.utterance is blank")
        for expected in annotation["expected"]:
            problems += [f"{where}.expected{p[1:]}" for p in validate(expected, EXPECTED_DEFINITION)]
            intent = expected.get("intent", {})
            if intent.get("name") not in intents:
                problems.append(f"{where}: intent {intent.get('name')!r} is not in the model")
                continue
            for slot in intent.get("slots", {}):
                if slot not in intents[intent["name"]]:
                    problems.append(f"{where}: {intent['name']} has no slot {slot!r}")
    return problems


def write_files(store: AnswerStore, skill_id: str, out_dir: Path = OUT_DIR) -> list[Path]:
    """The replay files in ``out_dir/replay/`` and ``out_dir/nlu-annotation-set.json``."""
    replay_dir = out_dir / "replay"
    replay_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in replay_files(skill_id).items():
        (replay_dir / name).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        written.append(replay_dir / name)
    annotations = out_dir / "nlu-annotation-set.json"
    annotations.write_text(json.dumps(annotation_set(store), indent=2) + "\n", encoding="utf-8")
    return [*written, annotations]
