"""A scripted conversation through the real Lambda handler: what Alexa would say and show."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from skill.display import describe_response
from skill.envelopes import Handler, LocalSession, intent_request, launch_request

# (what the user says, the request Alexa would send for it)
SCRIPT: tuple[tuple[str, dict[str, Any]], ...] = (
    ("Alexa, open trigger point guide", launch_request()),
    ("What causes upper back trigger points?", intent_request("CausesUpperBackIntent")),
    ("Yes.", intent_request("AMAZON.YesIntent")),
    ("Repeat that.", intent_request("AMAZON.RepeatIntent")),
    ("How do I release a trapped nerve?", intent_request("ReleaseTrappedNerveIntent")),
    ("Yes.", intent_request("AMAZON.YesIntent")),
    (
        "Tell me about trigger points near my knees and elbows.",
        intent_request("QuestionIntent", {"query": "trigger points near my knees and elbows"}),
    ),
    (
        "Tell me about kidney stones.",
        intent_request("QuestionIntent", {"query": "kidney stones"}),
    ),
    ("No.", intent_request("AMAZON.NoIntent")),
    ("Help.", intent_request("AMAZON.HelpIntent")),
    ("Stop.", intent_request("AMAZON.StopIntent")),
    (
        "Alexa, ask trigger point guide about chest pain and trouble breathing",
        intent_request("QuestionIntent", {"query": "chest pain and trouble breathing"}),
    ),
)


def run_demo(handler: Handler, script: Iterable[tuple[str, dict[str, Any]]] = SCRIPT) -> list[str]:
    session = LocalSession(handler)
    lines: list[str] = []
    for said, request in script:
        _, received = session.send(request)
        lines.append(f"User:  {said}")
        lines.extend(describe_response(received))
        lines.append("")
    return lines


def main() -> int:
    from skill.lambda_entry import load_lambda_handler

    sys.stdout.write("\n".join(run_demo(load_lambda_handler())) + "\n")
    return 0
