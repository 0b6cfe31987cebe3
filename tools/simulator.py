"""Talk to the skill without a device: typed utterances become real request envelopes
(resolved with the declared model), sent through the real Lambda handler."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.guards import FALLBACK_INTENT
from tools.devices import Device
from tools.display import describe_response
from tools.envelopes import Handler, LocalSession, intent_request, launch_request
from tools.nlu import Resolution, Resolver

NO_ANSWER = "none"


@dataclass(frozen=True)
class Exchange:
    """One turn: what was said, how it resolved, and the envelopes that went back and forth."""

    utterance: str
    resolution: Resolution
    sent: dict[str, Any]
    received: dict[str, Any]

    @property
    def session_ended(self) -> bool:
        return bool((self.received.get("response") or {}).get("shouldEndSession", True))

    @property
    def last_answer(self) -> str | None:
        """The answer id the session last heard (in a one-shot session: this turn's answer)."""
        last = (self.received.get("sessionAttributes") or {}).get("last")
        return last.get("id") if isinstance(last, dict) else None


class Simulator:
    """One simulated device: a session per conversation, a resolver per locale."""

    def __init__(
        self,
        handler: Handler,
        locale: str,
        skill_id: str,
        screen: bool = False,
        on: Device | None = None,
        interfaces: frozenset[str] | None = None,
    ) -> None:
        """``on`` the device (``screen``: the default screen device), ``interfaces`` what the
        manifest declares (default: the committed skill.json's)."""
        self.locale = locale
        self.resolver = Resolver.for_locale(locale)
        self.session = LocalSession(handler, skill_id, screen=screen, on=on, interfaces=interfaces)

    def say(self, utterance: str) -> Exchange:
        resolution = self.resolver.resolve(utterance)
        if resolution.is_launch:
            request = launch_request(self.locale)
        else:
            request = intent_request(resolution.intent or FALLBACK_INTENT, resolution.slots, self.locale)
        sent, received = self.session.send(request)
        return Exchange(utterance, resolution, sent, received)

    def one_shot(self, utterance: str) -> Exchange:
        """ "Alexa, ask <invocation name> ...": a new session, whatever was said before."""
        self.session.ended = True
        if self.resolver.is_invocation(utterance):
            return self.say(utterance)
        return self.say(f"ask {self.resolver.invocation_name} {utterance}")


def describe_exchange(exchange: Exchange, as_json: bool = False) -> list[str]:
    if as_json:
        return [json.dumps({"request": exchange.sent, "response": exchange.received}, indent=2)]
    resolution = exchange.resolution
    found = "LaunchRequest" if resolution.is_launch else resolution.intent
    slots = "".join(f" {name}={value!r}" for name, value in resolution.slots.items())
    lines = [f"You:   {exchange.utterance}", f"  -> {found} ({resolution.method}){slots}"]
    return lines + describe_response(exchange.received)


def read_utterances(lines: Iterable[str]) -> Iterator[str]:
    """Non-blank lines that are not # comments."""
    for line in lines:
        text = line.strip()
        if text and not text.startswith("#"):
            yield text


@dataclass(frozen=True)
class CoverageRow:
    utterance: str
    expected: str
    resolution: Resolution
    answered: str | None  # the answer the skill gave end to end


def _outcome(row: CoverageRow) -> str:
    """exact / statistical / catch-all / fallback when right, "wrong" when misrouted."""
    intent = row.resolution.intent
    if row.expected == NO_ANSWER:
        return "wrong" if intent not in (FALLBACK_INTENT, "QuestionIntent") else "right"
    if intent == row.expected:
        return row.resolution.method
    if intent == "QuestionIntent":
        return "catch-all"
    return "fallback" if intent == FALLBACK_INTENT else "wrong"


def read_coverage_file(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for line in read_utterances(path.read_text(encoding="utf-8").splitlines()):
        utterance, _, expected = line.partition("\t")
        if not expected:
            raise ValueError(f"{path}: expected 'utterance<TAB>intent', got {line!r}")
        pairs.append((utterance.strip(), expected.strip()))
    return pairs


def measure_coverage(
    handler: Handler, pairs: list[tuple[str, str]], locale: str, skill_id: str, intent_of: dict[str, str]
) -> list[CoverageRow]:
    """Resolve each utterance and run it through the skill in a fresh session.

    ``intent_of`` maps answer ids to intent names, to judge the spoken answer end to end.
    """
    rows = []
    for utterance, expected in pairs:
        simulator = Simulator(handler, locale, skill_id)
        exchange = simulator.one_shot(utterance)
        answered = exchange.last_answer
        rows.append(
            CoverageRow(
                utterance, expected, exchange.resolution, intent_of.get(answered) if answered else None
            )
        )
    return rows


def coverage_report(rows: list[CoverageRow]) -> list[str]:
    columns = ("exact", "statistical", "catch-all", "fallback", "wrong")
    by_intent: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        by_intent[row.expected][_outcome(row)] += 1
    width = max(len(name) for name in by_intent) + 2
    lines = [f"{'expected intent':<{width}}{'total':>6}" + "".join(f"{c:>12}" for c in columns)]
    for name in sorted(by_intent, key=lambda name: (name == NO_ANSWER, name)):
        counts = by_intent[name]
        total = sum(counts.values())
        if name == NO_ANSWER:
            cells = ["-", "-", "-", str(counts["right"]), str(counts["wrong"])]
        else:
            cells = [str(counts[column]) for column in columns]
        lines.append(f"{name:<{width}}{total:>6}" + "".join(f"{cell:>12}" for cell in cells))
    routed = sum(1 for row in rows if _outcome(row) in ("exact", "statistical", "right"))
    answered = sum(1 for row in rows if (row.answered or NO_ANSWER) == row.expected)
    wrong_answers = sum(1 for row in rows if row.answered and row.answered != row.expected)
    total = len(rows)
    lines += [
        f"({NO_ANSWER}: the fallback column counts utterances that reached no answer intent)",
        "",
        f"intent accuracy: {routed}/{total} ({100 * routed / total:.1f}%)",
        f"answer accuracy (end to end): {answered}/{total} ({100 * answered / total:.1f}%)",
        f"wrong answers spoken: {wrong_answers}",
    ]
    return lines
