"""Training the simulator's NLU stand-in with scikit-learn, from the declared model only.

Run when the models are generated (``python -m tools model``); the weights go to
``tools/data/nlu/<locale>.json`` for ``tools/classifier.py`` to use without scikit-learn.
Everything is deterministic (fixed folds, a deterministic solver), so a test can retrain
and compare with the committed file.

The rejection thresholds are chosen by cross-validation over the samples, never on test
sentences: each sample is classified by a model trained without its fold, and the pair
(minimum probability, minimum known share) that keeps the most samples right, counting a
wrong intent as three misses (a wrong answer is worse than none), wins.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from skill.guards import FALLBACK_INTENT
from tools.classifier import CLASSIFIER_DIR, Classifier, classifier_path, features
from tools.model import MODEL_DIR, model_path

BUILTIN_UTTERANCES = Path(__file__).parent / "data" / "builtin_utterances.json"
FOLDS = 10
SEED = 0
REGULARISATION = 10.0  # LogisticRegression's C
WRONG_COST = 3  # a wrong intent counts as this many rejected samples when choosing thresholds
DECIMALS = 5
TOLERANCE = 1e-4
PROBABILITY_GRID = tuple(step / 100 for step in range(0, 61, 2))
KNOWN_GRID = tuple(step / 100 for step in range(0, 91, 5))
SMOOTHING = 2  # grid steps either side over which a threshold's score is averaged


@dataclass(frozen=True)
class Sample:
    text: str
    intent: str
    declared: bool  # in the model (not one of Amazon's usual built-in phrasings)


def training_samples(model: dict[str, Any]) -> list[Sample]:
    """Every sample of the model, and the usual phrasings of the built-ins it declares.

    Carrier phrases with a slot (the catch-all's "tell me about {query}") are left to the
    exact stage: they match any words, which a classifier cannot learn from."""
    builtins = json.loads(BUILTIN_UTTERANCES.read_text(encoding="utf-8"))
    samples = []
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        name = intent["name"]
        samples += [Sample(text, name, True) for text in intent.get("samples", ()) if "{" not in text]
        samples += [Sample(text, name, False) for text in builtins.get(name, ())]
    return samples


def _pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer=features, sublinear_tf=True),
        LogisticRegression(C=REGULARISATION, max_iter=5000),
    )


def fit(samples: list[Sample]) -> Any:
    """One thread: BLAS threads fighting over a busy machine's cores cost more than they save."""
    from threadpoolctl import threadpool_limits

    pipeline = _pipeline()
    with threadpool_limits(1):
        pipeline.fit([sample.text for sample in samples], [sample.intent for sample in samples])
    return pipeline


@dataclass(frozen=True)
class Held:
    """One sample, classified by a model that never saw it."""

    sample: Sample
    predicted: str
    probability: float
    known: float


def cross_validate(samples: list[Sample]) -> list[Held]:
    """Stratified k-fold (FOLDS, shuffled with SEED): every sample predicted once."""
    from sklearn.model_selection import StratifiedKFold

    texts = [sample.text for sample in samples]
    intents = [sample.intent for sample in samples]
    held: list[Held | None] = [None] * len(samples)
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # classes with fewer samples than folds
        splits = list(folds.split(texts, intents))
    for train, test in splits:
        training = [samples[index] for index in train]
        classifier = Classifier(_document(fit(training), training, {"probability": 0.0, "known": 0.0}))
        for index in test:
            found = classifier.predict(texts[index])
            held[index] = Held(samples[index], found.intent, found.probability, found.known)
    return [found for found in held if found is not None]


def choose_thresholds(held: list[Held] | tuple[Held, ...]) -> dict[str, float]:
    """The (probability, known share) pair that keeps the most held-out samples right,
    judged over its neighbourhood: the score is a noisy step curve over the probability, and
    a single sample more or less moved its lone peak by a tenth (0.38 to 0.48); the peak of
    the curve averaged over ``SMOOTHING`` steps either side moves far less."""

    def score(probability: float, known: float) -> int:
        total = 0
        for found in held:
            accepted = found.probability >= probability and found.known >= known
            routed = found.predicted if accepted else FALLBACK_INTENT
            if routed == found.sample.intent:
                total += 1
            elif routed != FALLBACK_INTENT:
                total -= WRONG_COST
        return total

    curves = {known: [score(probability, known) for probability in PROBABILITY_GRID] for known in KNOWN_GRID}
    last = len(PROBABILITY_GRID) - 1

    def smoothed(known: float, step: int) -> float:
        """The curve's mean around ``step``; the grid's edge values stand in beyond it."""
        window = [
            curves[known][min(max(near, 0), last)] for near in range(step - SMOOTHING, step + SMOOTHING + 1)
        ]
        return sum(window) / len(window)

    best = max(  # ties: the stricter pair
        (smoothed(known, step), probability, known)
        for known in KNOWN_GRID
        for step, probability in enumerate(PROBABILITY_GRID)
    )
    return {"probability": best[1], "known": best[2]}


def linear_weights(pipeline: Any) -> dict[str, Any]:
    """A fitted TF-IDF and logistic regression pipeline as ``LinearModel`` data."""
    vectorizer, regression = pipeline.steps[0][1], pipeline.steps[1][1]
    coefficients = regression.coef_.T  # feature x label
    return {
        "labels": [str(label) for label in regression.classes_],
        "intercepts": [round(float(value), DECIMALS) for value in regression.intercept_],
        "features": {
            str(feature): [round(float(vectorizer.idf_[column]), DECIMALS)]
            + [round(float(value), DECIMALS) for value in coefficients[column]]
            for feature, column in sorted(vectorizer.vocabulary_.items())
        },
    }


def _document(pipeline: Any, samples: list[Sample], thresholds: dict[str, float]) -> dict[str, Any]:
    weights = linear_weights(pipeline)
    return {
        "about": "The simulator's NLU stand-in for one locale, trained from its declared model by "
        "tools/training.py (python -m tools model). features: name -> [idf, coefficient per label].",
        "labels": weights["labels"],
        "intercepts": weights["intercepts"],
        "documents": len(samples),
        "thresholds": thresholds,
        "features": weights["features"],
    }


@cache
def _held_out(model_text: str) -> tuple[Held, ...]:
    """Cross-validation of one model's samples (English locales share one model: done once)."""
    return tuple(cross_validate(training_samples(json.loads(model_text))))


@cache
def _train_text(model_text: str) -> str:
    """The classifier file for a model."""
    samples = training_samples(json.loads(model_text))
    thresholds = choose_thresholds(list(_held_out(model_text)))
    return json.dumps(_document(fit(samples), samples, thresholds), separators=(",", ":")) + "\n"


def trained_text(locale: str, model_dir: Path = MODEL_DIR) -> str:
    return _train_text(model_path(locale, model_dir).read_text(encoding="utf-8"))


def write_classifiers(
    locales: list[str], model_dir: Path = MODEL_DIR, out: Path = CLASSIFIER_DIR
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for locale in locales:
        path = classifier_path(locale, out)
        path.write_text(trained_text(locale, model_dir), encoding="utf-8")
        written.append(path)
    return written


def same_within_tolerance(committed: Any, fresh: Any) -> bool:
    """Equal, numbers within TOLERANCE (another machine's floating point may round apart)."""
    if isinstance(committed, dict) and isinstance(fresh, dict):
        return committed.keys() == fresh.keys() and all(
            same_within_tolerance(committed[key], fresh[key]) for key in fresh
        )
    if isinstance(committed, list) and isinstance(fresh, list):
        return len(committed) == len(fresh) and all(map(same_within_tolerance, committed, fresh))
    if isinstance(committed, float | int) and isinstance(fresh, float | int):
        return abs(committed - fresh) <= TOLERANCE
    return bool(committed == fresh)


def drifted_classifiers(
    locales: list[str], model_dir: Path = MODEL_DIR, out: Path = CLASSIFIER_DIR
) -> list[Path]:
    """Committed classifier files that differ from a fresh training on the committed models."""
    drifted = []
    for locale in locales:
        path = classifier_path(locale, out)
        fresh = json.loads(trained_text(locale, model_dir))
        if not path.exists() or not same_within_tolerance(
            json.loads(path.read_text(encoding="utf-8")), fresh
        ):
            drifted.append(path)
    return drifted


def confusions(held: list[Held]) -> Counter[tuple[str, str]]:
    """(intent, predicted) pairs of the samples the classifier gives to another intent."""
    return Counter(
        (found.sample.intent, found.predicted) for found in held if found.predicted != found.sample.intent
    )


def cross_validation_report(locale: str, model_dir: Path = MODEL_DIR) -> list[str]:
    """What ``coverage --cv`` prints: held-out accuracy over the model's own samples."""
    model_text = model_path(locale, model_dir).read_text(encoding="utf-8")
    held = [found for found in _held_out(model_text) if found.sample.declared]
    right = sum(1 for found in held if found.predicted == found.sample.intent)
    pairs = Counter(frozenset(pair) for pair in confusions(held).elements())
    lines = [
        f"{FOLDS}-fold cross-validation (stratified, seed {SEED}) over the {len(held)} samples of "
        f"{model_path(locale, model_dir).name}, slot carriers left out",
        f"accuracy: {right}/{len(held)} ({100 * right / len(held):.1f}%)",
        "",
        "most confused intent pairs (either direction):",
    ]
    lines += [f"  {count:3}  {' <-> '.join(sorted(pair))}" for pair, count in pairs.most_common(10)]
    lines += ["", "samples given to another intent (probability):"]
    lines += [
        f"  {found.sample.intent} -> {found.predicted} ({found.probability:.2f}): {found.sample.text}"
        for found in sorted(held, key=lambda found: (found.sample.intent, found.sample.text))
        if found.predicted != found.sample.intent
    ]
    return lines


def independent_classifier(model: dict[str, Any]) -> Callable[[str], str | None]:
    """A second opinion, for ``python -m tools evaluate``: plain TF-IDF over word unigrams and
    bigrams and logistic regression on the declared samples only (no built-in phrasings, no
    character n-grams), with a probability floor chosen by the same cross-validation.
    Returns a function giving the intent, or None when below the floor."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    samples = [sample for sample in training_samples(model) if sample.declared]
    texts = [sample.text for sample in samples]
    intents = [sample.intent for sample in samples]

    def pipeline() -> Any:
        return make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            LogisticRegression(C=REGULARISATION, max_iter=5000),
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
        probabilities = cross_val_predict(pipeline(), texts, intents, cv=folds, method="predict_proba")
    labels = sorted(set(intents))
    held = [
        Held(sample, labels[int(row.argmax())], float(row.max()), 1.0)
        for sample, row in zip(samples, probabilities, strict=True)
    ]
    floor = choose_thresholds(held)["probability"]
    trained = pipeline().fit(texts, intents)

    def predict(text: str) -> str | None:
        row = trained.predict_proba([text])[0]
        best = int(row.argmax())
        return str(trained.classes_[best]) if row[best] >= floor else None

    return predict
