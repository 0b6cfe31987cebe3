"""The simulator's NLU stand-in: trained from the declared model, inferred in pure Python."""

from __future__ import annotations

import importlib.util
import json

import pytest

from skill.phrases import supported_locales
from tests.helpers import run_cli
from tools.classifier import classifier_path, features, load_classifier
from tools.model import model_path
from tools.nlu import FALLBACK_INTENT, Resolver
from tools.training import Held, Sample, choose_thresholds


def _require_sklearn() -> None:
    from tests.helpers import require_tool

    require_tool(importlib.util.find_spec("sklearn") is not None, "scikit-learn (requirements-dev.txt)")


@pytest.fixture(scope="module")
def samples():
    from tools.training import training_samples

    return training_samples(json.loads(model_path("en-US").read_text(encoding="utf-8")))


@pytest.mark.slow
def test_committed_classifiers_match_a_fresh_training():
    """Retrained from the committed models (deterministic folds and solver), in every locale."""
    _require_sklearn()
    from tools.training import drifted_classifiers

    assert drifted_classifiers(list(supported_locales())) == []


def test_pure_python_inference_equals_scikit_learn(samples):
    _require_sklearn()
    from tools.training import fit

    trained = fit(samples)
    classifier = load_classifier(classifier_path("en-US"))
    texts = [sample.text for sample in samples]
    expected = trained.predict_proba(texts)
    for text, row in zip(texts, expected, strict=True):
        found = classifier.probabilities(text)
        assert max(abs(a - b) for a, b in zip(found, row, strict=True)) < 1e-3, text
        assert classifier.predict(text).intent == trained.classes_[row.argmax()], text


def test_an_edited_classifier_file_drifts(tmp_path):
    _require_sklearn()
    from tools.training import drifted_classifiers

    document = json.loads(classifier_path("en-US").read_text(encoding="utf-8"))
    (tmp_path / "en-US.json").write_text(json.dumps(document), encoding="utf-8")
    assert drifted_classifiers(["en-US"], out=tmp_path) == []
    document["features"]["w:knot"][1] += 0.01
    (tmp_path / "en-US.json").write_text(json.dumps(document), encoding="utf-8")
    assert drifted_classifiers(["en-US"], out=tmp_path) == [tmp_path / "en-US.json"]


def test_features_see_words_pairs_and_word_pieces():
    found = features("Uh, my TRAPS hurt")
    assert "w:traps" in found and "b:traps hurt" in found and "c: tra" in found
    assert not any("uh" in feature for feature in found)  # hesitations are left out


def test_unseen_phrasings_reach_their_intent_and_unrelated_ones_fall_back():
    resolver = Resolver.for_locale("en-US")
    found = resolver.resolve("what kind of doctor deals with trigger points")
    assert (found.intent, found.method) == ("DoctorIntent", "statistical")
    assert resolver.resolve("how do I fix a flat bicycle tire").intent == FALLBACK_INTENT


def test_a_classifier_file_decides_what_is_rejected(tmp_path):
    """The thresholds in the file are what the resolver uses (here: reject everything)."""
    document = json.loads(classifier_path("en-US").read_text(encoding="utf-8"))
    document["thresholds"] = {"probability": 1.01, "known": 0.0}
    strict = tmp_path / "strict.json"
    strict.write_text(json.dumps(document), encoding="utf-8")
    resolver = Resolver.for_locale("en-US", classifier_file=strict)
    assert resolver.resolve("which sort of doctor takes care of trigger points").intent == FALLBACK_INTENT
    assert resolver.resolve("what doctor treats trigger points").intent == "DoctorIntent"  # exact still wins


def test_coverage_cv_prints_accuracy_pairs_and_misattributed_samples():
    _require_sklearn()
    from tools.training import cross_validation_report

    out = "\n".join(cross_validation_report("en-US"))
    assert "10-fold cross-validation" in out and "accuracy:" in out
    assert "most confused intent pairs" in out and "samples given to another intent" in out


def test_coverage_needs_a_file_or_cv():
    result = run_cli("coverage")
    assert result.returncode == 2 and "--cv" in result.stderr


def test_the_rejection_threshold_follows_the_plateau_not_a_lone_peak():
    """Scores by threshold: a broad plateau (0.20 to 0.40) and one grid point above it
    (0.56), which a sample more or less would make or break: the choice is on the plateau."""
    right = Sample("where are the knots in my neck", "NeckIntent", True)

    def held(count: int, predicted: str, probability: float) -> list[Held]:
        return [Held(right, predicted, probability, 1.0)] * count

    samples = held(5, "NeckIntent", 0.40) + held(10, "DoctorIntent", 0.19)
    samples += held(6, "NeckIntent", 0.56) + held(3, "DoctorIntent", 0.55)
    assert 0.2 <= choose_thresholds(samples)["probability"] <= 0.4
