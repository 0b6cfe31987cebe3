"""Every evaluation set on every path, in one run: ``python -m tools evaluate``.

The sets are the files in ``tests/data/eval/`` (utterance, expected label). A label is an
answer id, ``none`` (nothing the store answers), ``guard:<category>`` (near the topic but
not answered) or, in the emergency sets, an emergency category. Each utterance goes down
three paths:

- ``catch-all``: the words as the catch-all's free-form query, through the Lambda handler;
- ``simulator``: the simulator's NLU stand-in, then the Lambda handler (end to end);
- ``classifier``: an independent classifier (plain scikit-learn TF-IDF and logistic
  regression) trained only on the declared model's samples, a proxy for a real NLU.

The figures go to one table and to ``docs/figures/evaluation.json``, which the docs cite.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.guards import FALLBACK_INTENT
from skill.phrases import phrases_for
from skill.safety import safety_rules
from skill.safety_replies import SAFETY_PROMPTS
from skill.store import AnswerStore
from tools.envelopes import LOCAL_SKILL_ID, Handler, LocalSession, intent_request
from tools.model import model_path
from tools.simulator import Simulator

QUESTION_INTENT = "QuestionIntent"
NONE = "none"
EMERGENCY = "emergency"

Runner = Callable[[str], "Outcome"]


@dataclass(frozen=True)
class Outcome:
    """What a path did with an utterance: the answer id spoken, ``none`` or ``emergency``;
    and the intent it resolved to (the simulator's and the classifier's)."""

    said: str
    intent: str | None = None


def read_set(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            utterance, expected = line.split("\t")[:2]
            rows.append((utterance.strip(), expected.strip()))
    return rows


def eval_sets(directory: Path) -> dict[str, list[tuple[str, str]]]:
    return {path.stem: read_set(path) for path in sorted(directory.glob("*.tsv"))}


def said_in(received: dict[str, Any], locale: str) -> str:
    """The answer id a one-turn session spoke, ``emergency`` for a safety reply (emergency,
    poisoning, crisis), or ``none``."""
    card = (received.get("response") or {}).get("card") or {}
    phrases = phrases_for(locale)
    if card.get("title") in {phrases.write(title) for _, title, _ in SAFETY_PROMPTS.values()}:
        return EMERGENCY
    last = (received.get("sessionAttributes") or {}).get("last")
    return str(last["id"]) if isinstance(last, dict) and last.get("id") else NONE


def catch_all_path(handler: Handler, locale: str) -> Runner:
    def run(utterance: str) -> Outcome:
        request = intent_request(QUESTION_INTENT, {"query": utterance}, locale)
        return Outcome(
            said_in(LocalSession(handler, LOCAL_SKILL_ID).send(request)[1], locale), QUESTION_INTENT
        )

    return run


def simulator_path(handler: Handler, locale: str) -> Runner:
    simulator = Simulator(handler, locale, LOCAL_SKILL_ID)

    def run(utterance: str) -> Outcome:
        exchange = simulator.one_shot(utterance)
        return Outcome(said_in(exchange.received, locale), exchange.resolution.intent)

    return run


def classifier_path(store: AnswerStore, locale: str) -> Runner:
    """Plain TF-IDF (word 1-2 grams) and logistic regression on the declared samples, with a
    probability floor chosen by cross-validation over the same samples."""
    from tools.training import independent_classifier

    model = json.loads(model_path(locale).read_text(encoding="utf-8"))
    predict = independent_classifier(model)
    answer_of = {entry.intent_name: entry.id for entry in store.entries}

    safety_intents = safety_rules().intents

    def run(utterance: str) -> Outcome:
        intent = predict(utterance) or FALLBACK_INTENT
        return Outcome(EMERGENCY if intent in safety_intents else answer_of.get(intent, NONE), intent)

    return run


@dataclass
class Tally:
    """Counts for one set on one path."""

    answerable: int = 0
    right: int = 0
    right_intent: int = 0
    wrong: int = 0
    unanswerable: int = 0
    answered_unanswerable: int = 0
    emergencies: int = 0
    reached_help: int = 0
    false_alarms: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, utterance: str, expected: str, outcome: Outcome, answers: dict[str, str]) -> None:
        """``answers`` maps answer ids to their intents."""
        said = outcome.said
        if expected in answers:
            self.answerable += 1
            self.right += said == expected
            self.right_intent += outcome.intent == answers[expected]
            self.wrong += said in answers and said != expected
            self.false_alarms += said == EMERGENCY
            ok = said == expected
        elif expected == NONE or expected.startswith("guard:"):
            self.unanswerable += 1
            self.answered_unanswerable += said in answers
            self.false_alarms += said == EMERGENCY
            ok = said == NONE
        else:
            self.emergencies += 1
            self.reached_help += said == EMERGENCY
            ok = said == EMERGENCY
        if not ok:
            self.misses.append((utterance, expected, said))

    def figures(self) -> dict[str, int]:
        return {key: value for key, value in vars(self).items() if key != "misses"}


def evaluate(
    sets: dict[str, list[tuple[str, str]]], paths: dict[str, Runner], answers: dict[str, str]
) -> dict[str, dict[str, Tally]]:
    results: dict[str, dict[str, Tally]] = {}
    for name, rows in sets.items():
        results[name] = {}
        for path_name, run in paths.items():
            tally = Tally()
            for utterance, expected in rows:
                tally.add(utterance, expected, run(utterance), answers)
            results[name][path_name] = tally
    return results


def _share(count: int, total: int) -> str:
    return f"{count}/{total} ({100 * count / total:.1f}%)" if total else "-"


def report(results: dict[str, dict[str, Tally]]) -> list[str]:
    header = (
        "set",
        "path",
        "answerable right",
        "right intent",
        "wrong answers",
        "unanswerable answered",
        "emergency reached",
        "false alarms",
    )
    rows = [header]
    for name, by_path in results.items():
        for path_name, tally in by_path.items():
            rows.append(
                (
                    name,
                    path_name,
                    _share(tally.right, tally.answerable),
                    _share(tally.right_intent, tally.answerable) if path_name != "catch-all" else "-",
                    str(tally.wrong) if tally.answerable else "-",
                    _share(tally.answered_unanswerable, tally.unanswerable),
                    _share(tally.reached_help, tally.emergencies),
                    str(tally.false_alarms),
                )
            )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def figures_document(results: dict[str, dict[str, Tally]], locale: str) -> dict[str, Any]:
    return {
        "about": "Written by python -m tools evaluate; do not edit. Counts per evaluation set "
        "(tests/data/eval) and path. right: the expected answer spoken; right_intent: and "
        "resolved to its intent; answered_unanswerable: a store answer "
        "spoken for a none or guard:* question.",
        "locale": locale,
        "sets": {
            name: {path_name: tally.figures() for path_name, tally in by_path.items()}
            for name, by_path in results.items()
        },
    }


def misses_report(results: dict[str, dict[str, Tally]], wanted: set[str]) -> list[str]:
    lines = []
    for name, by_path in results.items():
        if name not in wanted:
            continue
        for path_name, tally in by_path.items():
            lines += [
                f"{name} {path_name}: expected {expected}, got {said}: {utterance}"
                for utterance, expected, said in tally.misses
            ]
    return lines


def answer_intents(store: AnswerStore) -> dict[str, str]:
    return {entry.id: entry.intent_name for entry in store.entries}
