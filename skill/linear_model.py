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
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from typing import Any

from skill.packed_model import PackedRows


class LinearModel:
    """Labels, intercepts and, per feature, [idf, coefficient per label]."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.labels: list[str] = document["labels"]
        self.intercepts: list[float] = document["intercepts"]
        self.weights: Mapping[str, Sequence[float]] = document["features"]
        rows = self.weights  # packed rows are all alike: their width, not each row made into doubles
        widths = {rows.width} if isinstance(rows, PackedRows) else map(len, rows.values())
        if any(width != len(self.labels) + 1 for width in widths):
            raise ValueError("every feature needs its idf and one coefficient per label")

    def probabilities(self, features: Iterable[str]) -> list[float]:
        """One probability per label, in the order of ``labels``."""
        counts: dict[str, int] = {}
        for feature in features:
            if feature in self.weights:
                counts[feature] = counts.get(feature, 0) + 1
        rows = {feature: self.weights[feature] for feature in counts}  # each looked up once
        values = {feature: (1.0 + math.log(count)) * rows[feature][0] for feature, count in counts.items()}
        norm = math.sqrt(sum(value * value for value in values.values())) or 1.0
        scores = list(self.intercepts)
        for feature, value in values.items():
            scaled = value / norm
            for label, coefficient in enumerate(islice(rows[feature], 1, None)):
                scores[label] += scaled * coefficient
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return [value / total for value in exps]

    def best(self, features: Iterable[str]) -> tuple[str, float]:
        """The most likely label and its probability."""
        probabilities = self.probabilities(features)
        index = max(range(len(probabilities)), key=probabilities.__getitem__)
        return self.labels[index], probabilities[index]
