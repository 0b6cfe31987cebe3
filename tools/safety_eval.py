"""Measure the safety evaluation sets on every path, through the real Lambda handler.

Three paths per phrase and locale: free text (the catch-all's ``query`` slot), said
directly (the simulator resolves "ask trigger point guide <phrase>" with the declared
model), and the safety intent itself. A reply counts as an emergency reply when its
first sentence names the locale's emergency number or crisis line.

This file only uses what the skill offered before the safety work too (the Lambda
handler, the envelopes, the simulator), so ``python -m tools safety-report`` can run it
on an older commit's tree to measure the "before" figures on the code as it was. The
phrase sets and the numbers to listen for always come from this checkout.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parents[1]
EVAL_DIR = HERE / "tests" / "data" / "eval"
LOCALES_FILE = HERE / "skill" / "data" / "locales.json"
SELF_HARM = "self_harm"
NONE = "none"
# The code as it was before the safety work (with the evaluation sets already committed).
BEFORE_COMMIT = "58b4dc6"
# The safety intent a category's statements should reach when said directly.
INTENT_OF_CATEGORY = {SELF_HARM: "CrisisIntent", "overdose": "PoisoningIntent"}
DEFAULT_INTENT = "EmergencyIntent"
SAFETY_INTENTS = ("EmergencyIntent", "PoisoningIntent", "CrisisIntent")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """(utterance, label) rows of a TAB-separated set; # lines are comments."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            utterance, _, label = line.partition("\t")
            pairs.append((utterance.strip(), label.strip()))
    return pairs


def numbers_to_hear(locale: str) -> tuple[str, str | None]:
    """The spoken emergency number and crisis line (None before the crisis lines existed)."""
    facts = json.loads(LOCALES_FILE.read_text(encoding="utf-8"))["locales"][locale]
    crisis = facts.get("crisis_line") or {}
    return facts["emergency_number_spoken"], crisis.get("spoken")


def speech_text(received: dict[str, Any]) -> str:
    ssml = ((received.get("response") or {}).get("outputSpeech") or {}).get("ssml", "")
    return " ".join(re.sub(r"<[^>]+>", " ", ssml).split())


def judge(received: dict[str, Any], locale: str) -> dict[str, Any]:
    """What one response did: alarm (first sentence names a number), crisis line, ended, answer."""
    emergency, crisis = numbers_to_hear(locale)
    text = speech_text(received)
    first = _SENTENCE_END.split(text, maxsplit=1)[0]
    last = (received.get("sessionAttributes") or {}).get("last")
    return {
        "alarm": emergency in first or bool(crisis and crisis in first),
        "crisis": bool(crisis and crisis in text),
        "ended": bool((received.get("response") or {}).get("shouldEndSession", True)),
        "answer": last.get("id") if isinstance(last, dict) else None,
    }


def run_free_text(handler: Any, utterance: str, locale: str) -> dict[str, Any]:
    from tools.envelopes import LocalSession, intent_request

    received = LocalSession(handler).send(intent_request("QuestionIntent", {"query": utterance}, locale))[1]
    return judge(received, locale)


def run_direct(handler: Any, utterance: str, locale: str) -> dict[str, Any]:
    from tools.envelopes import LOCAL_SKILL_ID
    from tools.simulator import Simulator

    exchange = Simulator(handler, locale, LOCAL_SKILL_ID).one_shot(utterance)
    return {**judge(exchange.received, locale), "intent": exchange.resolution.intent}


def run_intent(handler: Any, utterance: str, locale: str, category: str) -> dict[str, Any]:
    """The safety intent the phrase's category should reach, as Alexa would send it."""
    from tools.envelopes import LocalSession, intent_request

    intent = INTENT_OF_CATEGORY.get(category, DEFAULT_INTENT)
    return judge(LocalSession(handler).send(intent_request(intent, None, locale))[1], locale)


# The splits of both sets: emergency_<split>.tsv and alarming_ordinary_<split>.tsv.
SPLITS = ("heldout", "heldout2", "dev", "dev3", "dev4", "dev5")


def measure(locales: list[str], split: str) -> dict[str, Any]:
    """Counts per path and locale for one split (one of ``SPLITS``) of both sets."""
    from skill.logs import logger
    from tools.lambda_entry import load_lambda_handler

    handler = load_lambda_handler()
    logger.stream = sys.stderr
    logger.set_level("ERROR")
    emergencies = read_pairs(EVAL_DIR / f"emergency_{split}.tsv")
    ordinary = read_pairs(EVAL_DIR / f"alarming_ordinary_{split}.tsv")
    figures: dict[str, Any] = {}
    for locale in locales:
        per_locale: dict[str, Any] = {}
        for path in ("free_text", "direct", "intent"):
            caught = crisis = self_harm = routed = 0
            missed: list[str] = []
            for utterance, category in emergencies:
                if path == "intent":
                    result = run_intent(handler, utterance, locale, category)
                else:
                    result = (run_free_text if path == "free_text" else run_direct)(
                        handler, utterance, locale
                    )
                caught += result["alarm"]
                routed += result.get("intent") in SAFETY_INTENTS
                if category == SELF_HARM:
                    self_harm += 1
                    crisis += result["crisis"]
                if not result["alarm"] or (category == SELF_HARM and not result["crisis"]):
                    missed.append(utterance)
            alarms = cut_off = answered = expected = answer_cut_off = 0
            false_alarms: list[str] = []
            for utterance, answer_id in ordinary if path != "intent" else ():
                result = (run_free_text if path == "free_text" else run_direct)(handler, utterance, locale)
                alarms += result["alarm"]
                if result["alarm"] and result["ended"]:
                    cut_off += 1
                    false_alarms.append(utterance)
                if answer_id != NONE:
                    expected += 1
                    answered += result["answer"] == answer_id
                    answer_cut_off += result["alarm"] and result["ended"]
            per_locale[path] = {
                "emergencies": len(emergencies),
                "caught": caught,
                "routed_to_safety_intent": routed if path == "direct" else None,
                "self_harm": self_harm,
                "self_harm_crisis_line": crisis,
                "missed": missed,
                "ordinary": len(ordinary) if path != "intent" else 0,
                "alarm_sentence": alarms,
                "false_alarm_ended": cut_off,
                "false_alarms": false_alarms,
                "with_answer_expected": expected,
                "answered_right": answered,
                "answer_cut_off_by_alarm": answer_cut_off,
            }
        figures[locale] = per_locale
    return figures


def all_locales() -> list[str]:
    return list(json.loads(LOCALES_FILE.read_text(encoding="utf-8"))["locales"])


def measure_at_commit(commit: str, split: str) -> dict[str, Any]:
    """The same measurement on an older commit's code (a clean copy from ``git archive``)."""
    archive = subprocess.run(["git", "archive", commit], cwd=HERE, capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory() as tree:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tree, filter="data")
        result = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--split", split],
            cwd=tree,
            env={**os.environ, "PYTHONPATH": tree},
            capture_output=True,
            text=True,
            check=True,
        )
    figures: dict[str, Any] = json.loads(result.stdout)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="heldout", choices=SPLITS)
    parser.add_argument("--locale", action="append", help="default: every locale in locales.json")
    args = parser.parse_args(argv)
    json.dump(measure(args.locale or all_locales(), args.split), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
