"""Spotting an emergency or a crisis in what a user said, before anything else is answered.

Everything comes from ``data/safety.json``, validated on load: the free-text patterns
per category, what marks a general question, and the safety intents of the interaction
model (their samples and the reply each one gets). One file, so the model and the
catch-all cannot disagree on what is an emergency.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

from skill import regexes
from skill.data_files import read_json
from skill.safety_replies import CRISIS, EMERGENCY, POISONING, REPLIES
from skill.text import normalize, normalize_clitics_apart

# Samples each safety intent needs so that Alexa's NLU prefers it for a present emergency.
MIN_SAMPLES = {EMERGENCY: 40, POISONING: 15, CRISIS: 30}
SAMPLE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z' .]*[A-Za-z]$")
# A finding's category when no pattern matched and the second opinion's classifier heard it.
HEARD_BY_CLASSIFIER = "classifier"


class SafetyDataError(ValueError):
    """data/safety.json breaks a rule; the message names the place."""


class Finding(NamedTuple):
    """What the safety check found: the category, the reply it calls for, and whether it
    is a statement of a present emergency (False: a general question that mentions one)."""

    category: str
    reply: str
    present: bool

    @property
    def ends_session(self) -> bool:
        """A crisis always gets the whole reply; an emergency only when it is happening."""
        return self.present or self.reply == CRISIS


class _Category(NamedTuple):
    name: str
    reply: str
    pattern: re.Pattern[str]


class SafetyRules(NamedTuple):
    categories: tuple[_Category, ...]
    benign: re.Pattern[str]
    question: re.Pattern[str]
    past: re.Pattern[str]
    present: re.Pattern[str]
    asking: re.Pattern[str]  # a question at the end of a statement: "... is that normal"
    request: re.Pattern[str]  # a request to the speaker: "remind me to ring mum at five"
    intents: dict[str, str]  # intent name -> reply
    samples: dict[str, tuple[str, ...]]  # intent name -> samples

    def assess(self, text: str) -> Finding | None:
        """The first category the words match, once benign phrases are blanked out; a match
        in a general question, or about the past, is not a present emergency unless the
        words also say it is happening now ("am I having a heart attack")."""
        words = normalize_clitics_apart(text)
        cleaned = self.benign.sub(" ", words)
        for category in self.categories:
            if category.pattern.search(cleaned):
                return Finding(category.name, category.reply, present=self._present(words))
        return None

    def _present(self, words: str) -> bool:
        general = self.question.search(words) or self.past.search(words)
        return not general or self.present.search(words) is not None

    def heard(self, text: str, reply: str) -> Finding | None:
        """A reply the classifier heard where no pattern matched: a finding only for a plain
        statement. Anything that asks ("... is that a trapped nerve?"), a general question,
        the past or a request to the speaker is left to the answer: the classifier is less
        sure than a pattern."""
        words = normalize_clitics_apart(text)
        if any(rule.search(words) for rule in (self.question, self.past, self.asking, self.request)):
            return None
        return Finding(HEARD_BY_CLASSIFIER, reply, present=True)


def _compile(patterns: Any, where: str) -> re.Pattern[str]:
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
        raise SafetyDataError(f"safety.json {where}: needs a non-empty list of patterns")
    try:
        return regexes.compile("|".join(f"(?:{pattern})" for pattern in patterns))
    except re.error as error:
        raise SafetyDataError(f"safety.json {where}: {error}") from error


def _reply(value: Any, where: str) -> str:
    if value not in REPLIES:
        raise SafetyDataError(f"safety.json {where}: reply must be one of {sorted(REPLIES)}")
    return str(value)


def parse_rules(document: Any) -> SafetyRules:
    """Build and check the rules: every pattern compiles, every intent has enough clean samples."""
    categories = tuple(
        _Category(name, _reply(raw.get("reply"), name), _compile(raw.get("patterns"), name))
        for name, raw in document["categories"].items()
    )
    intents: dict[str, str] = {}
    samples: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for name, raw in document["intents"].items():
        reply = intents[name] = _reply(raw.get("reply"), name)
        samples[name] = tuple(raw["samples"])
        if len(samples[name]) < MIN_SAMPLES[reply]:
            raise SafetyDataError(f"safety.json {name}: needs at least {MIN_SAMPLES[reply]} samples")
        for sample in samples[name]:
            folded = normalize(sample)
            if not SAMPLE_PATTERN.match(sample):
                raise SafetyDataError(
                    f"safety.json {name}: {sample!r} may hold only letters, spaces, ' and ."
                )
            if folded in seen:
                raise SafetyDataError(f"safety.json {name}: {sample!r} is also a sample of {seen[folded]}")
            seen[folded] = name
    question = document["question"]
    return SafetyRules(
        categories=categories,
        benign=_compile(document["benign"], "benign"),
        question=_compile([question["opening"], question["general"]], "question.opening or general"),
        past=_compile([question["past"]], "question.past"),
        present=_compile([question["present"]], "question.present"),
        asking=_compile([question["asking"]], "question.asking"),
        request=_compile([question["request"]], "question.request"),
        intents=intents,
        samples=samples,
    )


@cache
def safety_rules() -> SafetyRules:
    """The bundled rules, read once per process."""
    return parse_rules(read_json("safety.json"))


def assess(text: str) -> Finding | None:
    return safety_rules().assess(text)


def heard(text: str, reply: str) -> Finding | None:
    return safety_rules().heard(text, reply)


def describes_emergency(text: str) -> bool:
    """True when the words describe a present emergency or a crisis (the session then ends)."""
    finding = assess(text)
    return finding is not None and finding.ends_session
