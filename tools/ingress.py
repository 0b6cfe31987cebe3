"""Name-free ingress points (Amazon's ``_nameFreeInteraction``): an intent launch phrase
per answer intent, from the store's own question, and the skill launch phrases of
``data/name_free.json``. Opt-in, because Amazon accepts them only for a published skill
with a history of use: ``python -m tools package --name-free`` adds them to the package's
model copies (``skill-package/interactionModels/``, not committed)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from skill.store import AnswerStore
from tools.lint import MAX_LAUNCH_PHRASES

NAME_FREE_FILE = Path(__file__).parent / "data" / "name_free.json"
_NOT_SPOKEN = re.compile(r"[^\w\s']")


def spoken(question: str) -> str:
    """A written question as a sample phrase: "What causes X?" -> "what causes x"."""
    return " ".join(_NOT_SPOKEN.sub(" ", question.lower()).split())


def ingress_points(store: AnswerStore) -> list[dict[str, str]]:
    launch = json.loads(NAME_FREE_FILE.read_text(encoding="utf-8"))["launch_phrases"]
    if len(launch) > MAX_LAUNCH_PHRASES:
        raise ValueError(f"{NAME_FREE_FILE}: at most {MAX_LAUNCH_PHRASES} launch phrases")
    points = [{"type": "LAUNCH", "format": "RAW_TEXT", "value": phrase} for phrase in launch]
    points += [
        {"type": "INTENT", "name": entry.intent_name, "format": "RAW_TEXT", "value": spoken(entry.question)}
        for entry in store.entries
    ]
    return points


def with_ingress_points(model: dict[str, Any], store: AnswerStore) -> dict[str, Any]:
    named = copy.deepcopy(model)
    named["interactionModel"]["_nameFreeInteraction"] = {"ingressPoints": ingress_points(store)}
    return named
