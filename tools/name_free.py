"""Name-free requests in the simulator, as Alexa handles them: the utterance (no invocation
name) is resolved against the declared model; if the manifest declares
CAN_FULFILL_INTENT_REQUEST, Alexa asks the skill with a CanFulfillIntentRequest, and on
YES or MAYBE sends the IntentRequest in a new session."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.guards import FALLBACK_INTENT
from tools.envelopes import can_fulfill_request, intent_request
from tools.nlu import Resolution
from tools.simulator import NO_ANSWER, Exchange, Simulator, describe_exchange, read_coverage_file

INTERFACE = "CAN_FULFILL_INTENT_REQUEST"
ROUTED = ("YES", "MAYBE")


@dataclass(frozen=True)
class NameFreeExchange:
    """Alexa's question and the skill's verdict, then (when routed) the request itself."""

    utterance: str
    resolution: Resolution
    asked: tuple[dict[str, Any], dict[str, Any]] | None  # None: the manifest does not declare it
    followed: Exchange | None

    @property
    def verdict(self) -> str:
        if self.asked is None:
            return "NOT ASKED"
        answer = (self.asked[1].get("response") or {}).get("canFulfillIntent") or {}
        return str(answer.get("canFulfill", "NO"))


def ask_name_free(simulator: Simulator, utterance: str) -> NameFreeExchange:
    resolution = simulator.resolver.resolve_in_session(utterance)
    intent = resolution.intent or FALLBACK_INTENT
    session = simulator.session
    if INTERFACE not in session.declared_interfaces:
        return NameFreeExchange(utterance, resolution, None, None)
    session.ended = True  # Alexa's question opens a session of its own
    asked = session.send(can_fulfill_request(intent, resolution.slots, simulator.locale))
    exchange = NameFreeExchange(utterance, resolution, asked, None)
    if exchange.verdict not in ROUTED:
        return exchange
    session.ended = True
    sent, received = session.send(intent_request(intent, resolution.slots, simulator.locale))
    return NameFreeExchange(utterance, resolution, asked, Exchange(utterance, resolution, sent, received))


def describe_name_free(exchange: NameFreeExchange, as_json: bool = False) -> list[str]:
    if exchange.asked is None:
        return [
            f"You:   {exchange.utterance}",
            f"  (skill.json does not declare {INTERFACE}: Alexa never asks)",
        ]
    if as_json:
        sent, received = exchange.asked
        lines = [json.dumps({"request": sent, "response": received}, indent=2)]
    else:
        slots = "".join(f" {name}={value!r}" for name, value in exchange.resolution.slots.items())
        lines = [
            f"You:   {exchange.utterance}   (no invocation name)",
            f"  -> CanFulfillIntentRequest {exchange.resolution.intent}{slots}: {exchange.verdict}",
        ]
    if exchange.followed is None:
        return [*lines, "  [not routed to this skill]"]
    return [*lines, *describe_exchange(exchange.followed, as_json)[1:]]


@dataclass(frozen=True)
class NameFreeRow:
    utterance: str
    expected: str
    verdict: str
    answered: str | None  # the answer id spoken after routing


def measure_name_free(simulator: Simulator, pairs: list[tuple[str, str]]) -> list[NameFreeRow]:
    rows = []
    for utterance, expected in pairs:
        exchange = ask_name_free(simulator, utterance)
        answered = exchange.followed.last_answer if exchange.followed else None
        rows.append(NameFreeRow(utterance, expected, exchange.verdict, answered))
    return rows


def name_free_report(rows: list[NameFreeRow]) -> list[str]:
    answerable = [row for row in rows if row.expected != NO_ANSWER]
    unrelated = [row for row in rows if row.expected == NO_ANSWER]
    verdicts = Counter(row.verdict for row in answerable)
    claimed = [row for row in unrelated if row.verdict != "NO"]
    wrong = [row for row in answerable if row.answered and row.answered != row.expected]
    yes = verdicts["YES"]
    lines = [
        f"answerable: {len(answerable)}, YES {yes} ({100 * yes / max(len(answerable), 1):.1f}%), "
        f"MAYBE {verdicts['MAYBE']}, NO {verdicts['NO']}",
        f"unrelated ({NO_ANSWER}): {len(unrelated)}, not NO: {len(claimed)}",
        f"wrong answers spoken after routing: {len(wrong)}",
    ]
    lines += [f"  claimed unrelated: {row.utterance!r} -> {row.verdict}" for row in claimed]
    lines += [f"  wrong: {row.utterance!r} -> {row.answered} (expected {row.expected})" for row in wrong]
    return lines


# The sets measured for docs/figures/name-free.json (written blind; *_heldout only reported).
NATURAL_SETS = (
    "natural_dev.tsv",
    "natural_dev3.tsv",
    "natural_dev4.tsv",
    "natural_dev5.tsv",
    "natural_dev6.tsv",
    "natural_heldout.tsv",
    "natural_heldout2.tsv",
)
SAFETY_SETS = (
    "emergency_dev.tsv",
    "emergency_dev3.tsv",
    "emergency_dev4.tsv",
    "emergency_dev5.tsv",
    "emergency_heldout.tsv",
    "emergency_heldout2.tsv",
)


def name_free_figures(simulator: Simulator, eval_dir: Path) -> dict[str, Any]:
    """The figure file: per natural set YES/MAYBE/NO and false claims; per safety set NO."""
    natural = []
    for name in NATURAL_SETS:
        rows = measure_name_free(simulator, read_coverage_file(eval_dir / name))
        answerable = [row for row in rows if row.expected != NO_ANSWER]
        verdicts = Counter(row.verdict for row in answerable)
        unrelated = [row for row in rows if row.expected == NO_ANSWER]
        natural.append(
            [
                name,
                len(answerable),
                f"{verdicts['YES']} ({100 * verdicts['YES'] / len(answerable):.1f}%)",
                verdicts["MAYBE"],
                verdicts["NO"],
                f"{sum(1 for row in unrelated if row.verdict != 'NO')} of {len(unrelated)}",
                sum(1 for row in answerable if row.answered and row.answered != row.expected),
            ]
        )
    safety = []
    for name in SAFETY_SETS:
        rows = measure_name_free(simulator, [(u, NO_ANSWER) for u, _ in read_coverage_file(eval_dir / name)])
        safety.append([name, len(rows), sum(1 for row in rows if row.verdict == "NO")])
    return {
        "title": "Name-free interaction (CanFulfillIntentRequest)",
        "command": "python -m tools name-free --write",
        "tables": [
            {
                "caption": "Natural speech without the skill's name: Alexa's question, then the answer",
                "columns": [
                    "set",
                    "answerable",
                    "YES",
                    "MAYBE",
                    "NO",
                    "unrelated not answered NO",
                    "wrong answers after routing",
                ],
                "rows": natural,
            },
            {
                "caption": "Emergency and self-harm statements said without the skill's name",
                "columns": ["set", "statements", "answered NO"],
                "rows": safety,
            },
        ],
        "notes": [
            "Before name-free support the skill answered a CanFulfillIntentRequest with its spoken "
            "unsupported-request reply and no canFulfillIntent, so Alexa could never route to it.",
            "Sets are written blind; *_heldout.tsv are only measured, never tuned on.",
        ],
    }
