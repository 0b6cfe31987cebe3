"""A trained linear text classifier, inferred in pure Python.

The weights are trained with scikit-learn at generate time (``python -m tools model``,
``tools/training.py``) and saved as data; inference needs nothing beyond the standard
library, so neither the Lambda artifact nor ``make demo`` carries a training library.
The model is multinomial logistic regression over sublinear TF-IDF features,
L2-normalised: exactly what scikit-learn's pipeline computes, so a test can hold the two
to the same probabilities.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any


class LinearModel:
    """Labels, intercepts and, per feature, [idf, coefficient per label]."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.labels: list[str] = document["labels"]
        self.intercepts: list[float] = document["intercepts"]
        self.weights: dict[str, list[float]] = document["features"]
        if any(len(row) != len(self.labels) + 1 for row in self.weights.values()):
            raise ValueError("every feature needs its idf and one coefficient per label")

    def probabilities(self, features: Iterable[str]) -> list[float]:
        """One probability per label, in the order of ``labels``."""
        counts: dict[str, int] = {}
        for feature in features:
            if feature in self.weights:
                counts[feature] = counts.get(feature, 0) + 1
        values = {
            feature: (1.0 + math.log(count)) * self.weights[feature][0] for feature, count in counts.items()
        }
        norm = math.sqrt(sum(value * value for value in values.values())) or 1.0
        scores = list(self.intercepts)
        for feature, value in values.items():
            coefficients = self.weights[feature]
            for label in range(len(scores)):
                scores[label] += value / norm * coefficients[label + 1]
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return [value / total for value in exps]

    def best(self, features: Iterable[str]) -> tuple[str, float]:
        """The most likely label and its probability."""
        probabilities = self.probabilities(features)
        index = max(range(len(probabilities)), key=probabilities.__getitem__)
        return self.labels[index], probabilities[index]
