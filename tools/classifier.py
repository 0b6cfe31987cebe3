"""The simulator's stand-in for Alexa's NLU at run time: a linear classifier over word and
character n-grams, read from ``tools/data/nlu/<locale>.json``.

The weights are trained with scikit-learn by ``tools/training.py`` when the models are
generated (``python -m tools model``); inference is the skill's own pure-Python
``LinearModel``, so the simulator and ``make demo`` need nothing beyond the skill's own
requirements. The same ``features``
function feeds both, so the two cannot tokenise differently.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from skill.linear_model import LinearModel
from skill.ranking import spoken_words

CLASSIFIER_DIR = Path(__file__).parent / "data" / "nlu"
CHAR_NGRAMS = (3, 5)  # character n-gram lengths, inside word boundaries


def words(text: str) -> list[str]:
    """The words that carry meaning: normalised, hesitations ("uh", "um") left out."""
    return spoken_words(text)


def features(text: str) -> list[str]:
    """Word unigrams and bigrams, and character n-grams of each word (for word forms and
    misspellings the samples never show)."""
    found = words(text)
    out = [f"w:{word}" for word in found]
    out += [f"b:{first} {second}" for first, second in pairwise(found)]
    low, high = CHAR_NGRAMS
    for word in found:
        padded = f" {word} "
        for size in range(low, high + 1):
            out += [f"c:{padded[start : start + size]}" for start in range(len(padded) - size + 1)]
    return out


@dataclass(frozen=True)
class Prediction:
    """The most likely intent, its probability, and the share of the utterance's (IDF
    weighted) words the model has ever seen; ``accepted`` when both clear the thresholds."""

    intent: str
    probability: float
    known: float
    accepted: bool


class Classifier:
    """The locale's linear model over ``features``, with the rejection thresholds that the
    training chose by cross-validation."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.model = LinearModel(document)
        self.labels = self.model.labels
        self.weights = self.model.weights
        self.documents: int = document["documents"]
        self.min_probability: float = document["thresholds"]["probability"]
        self.min_known: float = document["thresholds"]["known"]

    def word_idf(self, word: str) -> float | None:
        found = self.weights.get(f"w:{word}")
        return found[0] if found else None

    def known_share(self, text: str) -> float:
        """IDF-weighted share of the distinct words that the training samples contain."""
        unknown_idf = math.log(1 + self.documents) + 1.0
        total = known = 0.0
        for word in set(words(text)):
            idf = self.word_idf(word)
            total += unknown_idf if idf is None else idf
            known += 0.0 if idf is None else idf
        return known / total if total else 0.0

    def probabilities(self, text: str) -> list[float]:
        return self.model.probabilities(features(text))

    def predict(self, text: str) -> Prediction:
        intent, probability = self.model.best(features(text))
        known = self.known_share(text)
        accepted = probability >= self.min_probability and known >= self.min_known
        return Prediction(intent, probability, known, accepted)


def classifier_path(locale: str, directory: Path = CLASSIFIER_DIR) -> Path:
    return directory / f"{locale}.json"


@cache
def load_classifier(path: Path) -> Classifier:
    return Classifier(json.loads(path.read_text(encoding="utf-8")))
