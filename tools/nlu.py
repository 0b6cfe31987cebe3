"""Utterance resolution as Alexa does it, from the declared interaction model only.

The simulator must test the model that will be deployed, so nothing here reads the
answer store: exact sample matches (with slot capture) first, then a classifier trained
on the model's samples that stands in for Alexa's NLU (``tools/classifier.py``), then
AMAZON.FallbackIntent when the classifier is not confident enough.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.guards import FALLBACK_INTENT
from tools.classifier import Classifier, classifier_path, load_classifier
from tools.invocation import ASK_VERBS, CONNECTING_WORDS, LAUNCH_VERBS
from tools.model import MODEL_DIR, model_path

BUILTIN_UTTERANCES = Path(__file__).parent / "data" / "builtin_utterances.json"
_PUNCTUATION = re.compile(r"[^\w\s'{}]")


def normalize(utterance: str) -> str:
    """Lowercase, punctuation ignored (apostrophes kept: "I'd"), white space folded."""
    text = " ".join(_PUNCTUATION.sub(" ", utterance.lower()).split())
    return re.sub(r"^alexa\s+", "", text)


@dataclass(frozen=True)
class Resolution:
    """What Alexa would send: a launch, or an intent with slots, and how it was found."""

    intent: str | None  # None: a LaunchRequest
    slots: dict[str, str] = field(default_factory=dict)
    method: str = "exact"  # exact | statistical | fallback | launch
    score: float | None = None  # the classifier's probability (100 for an exact match)

    @property
    def is_launch(self) -> bool:
        return self.intent is None


@dataclass(frozen=True)
class _SlotPattern:
    intent: str
    regex: re.Pattern[str]


class Resolver:
    """Resolves utterances against one locale's interaction model."""

    def __init__(
        self, model: dict[str, Any], builtin_utterances: dict[str, list[str]], classifier: Classifier
    ) -> None:
        language = model["interactionModel"]["languageModel"]
        self.invocation_name = normalize(language["invocationName"])
        self._exact: dict[str, str] = {}
        self._patterns: list[_SlotPattern] = []
        declared = {intent["name"] for intent in language["intents"]}
        for intent in language["intents"]:
            samples = list(intent.get("samples", ())) + builtin_utterances.get(intent["name"], [])
            for sample in samples:
                self._add_sample(intent["name"], normalize(sample))
        self._classifier = classifier
        self._has_fallback = FALLBACK_INTENT in declared

    def _add_sample(self, intent: str, sample: str) -> None:
        if "{" not in sample:
            self._exact.setdefault(sample, intent)
            return
        parts = re.split(r"\{(\w+)\}", sample)
        regex = "".join(
            f"(?P<{part}>.+?)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
        )
        self._patterns.append(_SlotPattern(intent, re.compile(f"^{regex}$")))

    @classmethod
    def for_locale(
        cls, locale: str, model_dir: Path = MODEL_DIR, classifier_file: Path | None = None
    ) -> Resolver:
        """The locale's declared model and the classifier trained on it (or another one)."""
        model = json.loads(model_path(locale, model_dir).read_text(encoding="utf-8"))
        builtins = json.loads(BUILTIN_UTTERANCES.read_text(encoding="utf-8"))
        classifier = load_classifier(classifier_file or classifier_path(locale))
        return cls(model, {name: value for name, value in builtins.items() if name != "about"}, classifier)

    def resolve(self, utterance: str) -> Resolution:
        """Resolve a full utterance, including "open/ask <invocation name> ..." forms."""
        text = normalize(utterance)
        invocation = self._strip_invocation(text)
        if invocation is None:
            return self.resolve_in_session(text)
        if not invocation:
            return Resolution(None, method="launch")
        candidates = [invocation]
        first, _, rest = invocation.partition(" ")
        if first in CONNECTING_WORDS and rest:
            candidates.append(rest)
        resolutions = [self.resolve_in_session(candidate) for candidate in candidates]
        exact = [resolution for resolution in resolutions if resolution.method == "exact"]
        return exact[0] if exact else max(resolutions, key=lambda found: found.score or 0.0)

    def is_invocation(self, utterance: str) -> bool:
        return self._strip_invocation(normalize(utterance)) is not None

    def _strip_invocation(self, text: str) -> str | None:
        """What follows the invocation name ("" for a bare launch), or None if not invoked."""
        for verb in LAUNCH_VERBS + ASK_VERBS:
            prefix = f"{verb} {self.invocation_name}"
            if text == prefix:
                return ""
            if text.startswith(prefix + " ") and verb in ASK_VERBS:
                return text[len(prefix) + 1 :]
        return None

    def resolve_in_session(self, text: str) -> Resolution:
        """An utterance said while the skill is open (no invocation name)."""
        text = normalize(text)
        if text in self._exact:
            return Resolution(self._exact[text], method="exact", score=100.0)
        for pattern in self._patterns:
            found = pattern.regex.match(text)
            if found:
                return Resolution(pattern.intent, dict(found.groupdict()), "exact", 100.0)
        prediction = self._classifier.predict(text)
        if prediction.accepted and prediction.intent != FALLBACK_INTENT:
            return Resolution(prediction.intent, method="statistical", score=prediction.probability)
        intent = FALLBACK_INTENT if self._has_fallback else None
        return Resolution(intent, method="fallback", score=prediction.probability)
