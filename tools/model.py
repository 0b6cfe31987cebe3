"""The interaction model, generated from the answer store so the two cannot disagree.

Answer intents and their samples come from ``answers.json``; the emergency, poisoning and
crisis intents from ``safety.json`` (the file the free-text safety patterns come from);
guard intents and the fallback intent's samples from ``guards.json``; the invocation name,
the catch-all question intent and the built-ins from ``model_template.json``. The files in
``interaction_model/`` are this module's output, committed for the ASK CLI to deploy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skill.data_files import data_path
from skill.guards import FALLBACK_INTENT, Guards, load_guards
from skill.phrases import supported_locales
from skill.safety import safety_rules
from skill.store import AnswerStore

MODEL_DIR = Path(__file__).resolve().parents[1] / "interaction_model"
TEMPLATE_PATH = Path(data_path("model_template.json"))


def load_template() -> dict[str, Any]:
    with TEMPLATE_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


def build_model(store: AnswerStore, template: dict[str, Any], guards: Guards) -> dict[str, Any]:
    """The ASK CLI v2 interaction model document for one locale."""
    question = template["question_intent"]
    intents: list[dict[str, Any]] = [
        {"name": name, "samples": samples + (guards.fallback_samples if name == FALLBACK_INTENT else [])}
        for name, samples in template["builtin_intents"].items()
    ]
    intents += [
        {"name": name, "slots": [], "samples": list(samples)}
        for name, samples in safety_rules().samples.items()
    ]
    intents += [
        {"name": entry.intent_name, "slots": [], "samples": list(entry.samples)} for entry in store.entries
    ]
    intents += [
        {"name": guard.intent, "slots": [], "samples": list(guard.samples)}
        for guard in guards.categories
        if guard.intent
    ]
    intents.append(
        {
            "name": question["name"],
            "slots": [{"name": question["slot"], "type": "AMAZON.SearchQuery"}],
            "samples": question["samples"],
        }
    )
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": template["invocation_name"],
                "modelConfiguration": template["model_configuration"],
                "intents": intents,
                "types": [],
            }
        }
    }


def model_path(locale: str, model_dir: Path = MODEL_DIR) -> Path:
    return model_dir / f"{locale}.json"


def render_model(model: dict[str, Any]) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def expected_models(store: AnswerStore) -> dict[str, str]:
    """File text per locale: English locales share one model (only speech differs)."""
    text = render_model(build_model(store, load_template(), load_guards(store)))
    return {locale: text for locale in supported_locales()}


def write_models(store: AnswerStore, model_dir: Path = MODEL_DIR) -> list[Path]:
    model_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for locale, text in expected_models(store).items():
        path = model_path(locale, model_dir)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def drifted_models(store: AnswerStore, model_dir: Path = MODEL_DIR) -> list[Path]:
    """Committed model files that differ from what the store and template generate."""
    drifted = []
    for locale, text in expected_models(store).items():
        path = model_path(locale, model_dir)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            drifted.append(path)
    return drifted
