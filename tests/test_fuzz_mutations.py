"""A large, cheap fuzz run through the real Lambda handler (issue 19): 10,000 mutated real
envelopes, session attributes included, with zero exceptions other than a clean
InvalidRequest and zero responses over Alexa's limits (24 KB, valid SSML, card size).

Cheap on purpose: envelopes are real ones (every intent of the model, launch, session end,
screen touches) with a few random mutations from a fixed seed, and the large or deeply
nested junk is built once and shared, so the run costs about what the handler costs.
The hypothesis tests in test_fuzz.py explore shapes; this one is about volume.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from typing import Any

from skill.envelope import InvalidRequest
from tests.helpers import check_response_limits
from tools.envelopes import envelope, intent_request, launch_request, session_ended_request, touch_event
from tools.model import model_path

ENVELOPES = 10_000
SEED = 19


def _nested(depth: int) -> Any:
    value: Any = "neck"
    for _ in range(depth):
        value = {"a": [value]}
    return value


JUNK: list[Any] = [
    None,
    True,
    0,
    -1,
    10**40,
    1.5e308,
    "",
    "neck",
    "more",
    "\ud800 kidney stones",
    "\udfff",
    "\x00\x07\x1b",
    '<audio src="https://evil.example/a.mp3"/>',
    "]]><speak>",
    "{emergency_number}",
    "é中文🙂" * 50,
    "a <b> & c " * 2000,
    ["neck"],
    ["more"],
    {"id": "neck"},
    [None, 1, "x", {}],
    {"x" * 50: "y" * 50},
    _nested(20),
    _nested(500),
    _nested(3000),
    [f"id{number}" for number in range(5000)],
]
ATTRIBUTES: list[Any] = [
    {},
    {"heard": ["neck"], "last": {"id": "neck", "part": "answer"}, "pending": {"id": "neck", "offer": "more"}},
    {"pending": {"id": "neck", "offer": ["more"]}},
    {"last": {"id": "neck", "part": ["answer"]}},
    {"last": {"id": ["neck"], "part": "more"}},
    {"heard": [["neck"], {"id": "neck"}, "neck", 7]},
    {f"junk{number}": "x" * 100 for number in range(300)},
    {"heard": [f"id{number}" for number in range(200_000)]},
    {"heard": ["neck"] * 50_000},
    {"last": _nested(600)},
    {"deep": _nested(3000)},
    "not an object",
    [1, 2, 3],
]
LOCALES = ["en-US", "en-GB", "en-AU", "en-IN", "en-CA", "de-DE", "", "x" * 10_000, None, 5]


def _bases() -> list[str]:
    model = json.loads(model_path("en-US").read_text())["interactionModel"]["languageModel"]
    intents = [intent["name"] for intent in model["intents"]]
    requests = [launch_request(), session_ended_request("ERROR"), session_ended_request("USER_INITIATED")]
    requests += [intent_request(name) for name in intents]
    requests += [
        intent_request("QuestionIntent", {"query": query})
        for query in ("active and latent trigger points", "kidney stones", "I have chest pain", "neck knots")
    ]
    requests += [touch_event(["ask", "neck"]), touch_event(["ask", "nothing"]), touch_event([])]
    events = [envelope(request, new_session=False) for request in requests]
    events += [envelope(request, new_session=False, screen=True) for request in requests[::3]]
    return [json.dumps(event) for event in events]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a (small, real) envelope."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((*prefix, key))
            found.extend(_paths(value, (*prefix, key)))
    return found


def _mutate(event: dict[str, Any], rng: random.Random, paths: list[tuple[Any, ...]]) -> None:
    session = event["session"]
    session["attributes"] = rng.choice(ATTRIBUTES)
    if rng.random() < 0.5:
        event["request"]["locale"] = rng.choice(LOCALES)
    for _ in range(rng.randrange(4)):
        path = rng.choice(paths)
        parent: Any = event
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if not isinstance(parent, dict):
            continue
        if rng.random() < 0.3:
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = rng.choice(JUNK)


def test_ten_thousand_mutated_envelopes_through_the_lambda_handler(handler):
    rng = random.Random(SEED)
    bases = _bases()
    base_paths = [_paths(json.loads(base)) for base in bases]
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    for number in range(ENVELOPES):
        which = rng.randrange(len(bases))
        event = json.loads(bases[which])
        _mutate(event, rng, base_paths[which])
        try:
            received = handler(event, None)
            check_response_limits(received)
            outcomes["answered"] += 1
        except InvalidRequest:
            outcomes["refused"] += 1
        except Exception as error:  # every other outcome is a finding
            failures.append(f"envelope {number}: {type(error).__name__}: {str(error)[:200]}")
    assert failures == [], f"{len(failures)} failures, first: {failures[:5]}"
    assert sum(outcomes.values()) == ENVELOPES
    assert outcomes["answered"] > ENVELOPES // 3, outcomes  # not all refused
