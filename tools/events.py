"""Request envelopes in ``events/`` for ``sam local invoke -e``: one per kind of request and
one per answer, generated from the store (and the model's intent names), checked for drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skill.intents import catch_all_intent
from skill.store import AnswerStore
from tools.envelopes import (
    can_fulfill_request,
    envelope,
    intent_request,
    launch_request,
    session_ended_request,
)
from tools.model import MODEL_DIR

EVENTS_DIR = MODEL_DIR.parent / "events"
FIXED_TIMESTAMP = "2026-01-01T00:00:00Z"

# Free-form questions for the catch-all: answered, not answerable, and an emergency.
CATCH_ALL_QUERIES = {
    "question-answered": "active and latent trigger points",
    "question-unanswered": "kidney stones",
    "question-emergency": "chest pain and trouble breathing",
}


def _requests(store: AnswerStore) -> dict[str, dict[str, Any]]:
    requests = {
        "launch": launch_request(),
        "help": intent_request("AMAZON.HelpIntent"),
        "stop": intent_request("AMAZON.StopIntent"),
        "session-ended": session_ended_request(),
    }
    for name, query in CATCH_ALL_QUERIES.items():
        catch_all = catch_all_intent()
        requests[name] = intent_request(catch_all.name, {catch_all.slot: query})
    for entry in store.entries:
        requests[f"answer-{entry.id.replace('_', '-')}"] = intent_request(entry.intent_name)
    # Alexa's name-free question, for an answer intent and for the catch-all.
    requests["name-free-answer"] = can_fulfill_request(store.entries[0].intent_name)
    for name in ("question-answered", "question-unanswered"):
        catch_all = catch_all_intent()
        requests[f"name-free-{name}"] = can_fulfill_request(
            catch_all.name, {catch_all.slot: CATCH_ALL_QUERIES[name]}
        )
    return requests


def build_events(store: AnswerStore) -> dict[str, str]:
    """File name to file text; fixed ids and timestamps so the files are reproducible."""
    events = {}
    for name, request in _requests(store).items():
        request.update(requestId=f"amzn1.echo-api.request.event-{name}", timestamp=FIXED_TIMESTAMP)
        event = envelope(request, session_id=f"amzn1.echo-api.session.event-{name}")
        events[f"{name}.json"] = json.dumps(event, indent=2) + "\n"
    return events


def write_events(store: AnswerStore, events_dir: Path = EVENTS_DIR) -> list[Path]:
    events_dir.mkdir(parents=True, exist_ok=True)
    expected = build_events(store)
    for stale in events_dir.glob("*.json"):
        if stale.name not in expected:
            stale.unlink()
    written = []
    for name, text in expected.items():
        (events_dir / name).write_text(text, encoding="utf-8")
        written.append(events_dir / name)
    return written


def drifted_events(store: AnswerStore, events_dir: Path = EVENTS_DIR) -> list[str]:
    """Names of event files that are missing, stale or different from what is generated."""
    expected = build_events(store)
    present = {path.name: path.read_text(encoding="utf-8") for path in events_dir.glob("*.json")}
    names = set(expected) | set(present)
    return sorted(name for name in names if expected.get(name) != present.get(name))
