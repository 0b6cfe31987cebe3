"""The warm benchmark's requests: ours as people use the skill, the baseline's two."""

from __future__ import annotations

from typing import Any

from tools.envelopes import LocalSession, envelope, intent_request, launch_request
from tools.lambda_entry import load_lambda_handler

ANSWERS = [
    "CausesUpperBackIntent",
    "ReleaseUpperBackIntent",
    "NeckIntent",
    "ReleaseTrappedNerveIntent",
    "PinchedNerveSymptomsIntent",
    "RelievePainIntent",
]
QUERIES = [
    "active and latent trigger points",
    "kidney stones",
    "tingling and numbness from a pinched nerve",
    "acupressure spot for upper back pain",
]

Events = list[tuple[str, dict[str, Any]]]


def realistic_mix() -> Events:
    """(kind, event) pairs from a speaker, weighted roughly as people use the skill."""
    session = LocalSession(load_lambda_handler())
    session.send(intent_request("NeckIntent"))
    attributes = session.attributes
    mix = [("launch", envelope(launch_request()))] * 2
    mix += [("answer", envelope(intent_request(name))) for name in ANSWERS]
    mix += [("catch-all", envelope(intent_request("QuestionIntent", {"query": query}))) for query in QUERIES]
    mix += [("help", envelope(intent_request("AMAZON.HelpIntent")))]
    for kind, intent, copies in (
        ("yes", "AMAZON.YesIntent", 2),
        ("repeat", "AMAZON.RepeatIntent", 1),
        ("stop", "AMAZON.StopIntent", 2),
    ):
        event = envelope(intent_request(intent), new_session=False, attributes=attributes)
        mix += [(kind, event)] * copies
    return mix


def screen_answers() -> Events:
    """Answers asked on an Echo Show: the same intents, with the APL screen in the response."""
    return [("answer on a screen", envelope(intent_request(name), screen=True)) for name in ANSWERS]


def baseline_requests() -> Events:
    return [
        ("launch", envelope(launch_request())),
        ("hello", envelope(intent_request("HelloWorldIntent"))),
    ]
