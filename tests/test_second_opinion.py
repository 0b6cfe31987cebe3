"""The catch-all's second opinion: a classifier trained on the declared samples, checked
against coverage. Behaviour through the real Lambda handler; the weights against a fresh
training (drift) and against scikit-learn's own inference."""

from __future__ import annotations

import importlib.util
import json

import pytest

from skill.data_files import read_json
from skill.linear_model import LinearModel
from skill.ranking import question_matcher
from skill.second_opinion import MODEL_FILE, in_domain, question_features
from tests.helpers import ask, check_response_limits, require_tool, speech_of


def _require_sklearn() -> None:
    require_tool(importlib.util.find_spec("sklearn") is not None, "scikit-learn (requirements-dev.txt)")


def test_a_question_coverage_alone_declines_is_answered_when_both_agree(session, store):
    query = "how do i soothe a sore muscle knot"  # "soothe" is a word the store never uses
    assert question_matcher(store).decide(query).answer is None
    received = ask(session, "QuestionIntent", query=query)
    assert speech_of(received).startswith(store.get("relieve_pain").speech[:60])
    assert received["sessionAttributes"]["last"]["id"] == "relieve_pain"
    check_response_limits(received)


def test_someone_elses_knot_is_answered(session, store):
    received = ask(
        session, "QuestionIntent", query="my wife's got a knot in her upper back how do i help release it"
    )
    assert speech_of(received).startswith(store.get("release_upper_back").speech[:60])


@pytest.mark.parametrize(
    "query",
    ["how do i soothe a sore knee muscle knot", "how do i soothe a sore muscle knot in my lower back"],
)
def test_the_same_question_about_another_body_part_is_not_answered(session, store, query):
    """The classifier alone would say relieve_pain; the domain gate keeps it unanswered."""
    spoken = speech_of(ask(session, "QuestionIntent", query=query))
    assert not any(entry.speech[:40] in spoken for entry in store.entries)
    assert "don't" in spoken or "not sure" in spoken.lower()


def test_two_signals_that_disagree_are_not_an_answer(session, store):
    """Coverage alone would speak the pain relief answer to a question about whom to see."""
    query = "um who do i go to for muscle knots that won't go away"
    assert question_matcher(store).decide(query).answer is store.get("relieve_pain")
    received = ask(session, "QuestionIntent", query=query)
    spoken = speech_of(received)
    assert not any(entry.speech[:40] in spoken for entry in store.entries)
    assert received["sessionAttributes"]["pending"]["offer"] == "related"  # the closest offer instead


def test_a_runner_up_needs_a_surer_classifier(session, store):
    """Coverage ranks the meaning of the pain first; the classifier, unsure, prefers the release answer."""
    query = "my traps are absolutely killing me how do i get the knots out"
    ranked = question_matcher(store).decide(query)
    assert ranked.answer is None and [entry.id for entry in ranked.candidates[:2]] == [
        "top_of_back_hurts",
        "release_upper_back",
    ]
    spoken = speech_of(ask(session, "QuestionIntent", query=query))
    assert store.get("release_upper_back").speech[:40] not in spoken


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("where do knots in the traps come from", True),
        ("why does my upper back hurt", True),
        ("what causes gallstones", False),
        ("how do i treat knee pain", False),
        ("do muscle relaxers help lower back pain", False),
        ("what helps a migraine", False),
    ],
)
def test_the_domain_gate(query, expected):
    assert in_domain(query) is expected


def test_committed_weights_match_a_fresh_training(store):
    _require_sklearn()
    from tools.question_model import question_model_drifted

    assert not question_model_drifted(store)


def test_an_edited_weight_file_drifts(store, tmp_path):
    _require_sklearn()
    from tools.question_model import question_model_drifted

    document = read_json(MODEL_FILE)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert not question_model_drifted(store, path)
    feature = next(iter(document["features"]))
    document["features"][feature][1] += 0.01
    path.write_text(json.dumps(document), encoding="utf-8")
    assert question_model_drifted(store, path)


def test_pure_python_inference_equals_scikit_learn(store):
    _require_sklearn()
    from tools.question_model import fit_question_model, question_samples

    samples = question_samples(store)
    trained = fit_question_model(samples)
    model = LinearModel(read_json(MODEL_FILE))
    texts = [text for text, _ in samples[::7]] + [
        "uh my wife's traps are killing her",
        "what causes gallstones",
    ]
    expected = trained.predict_proba(texts)
    for text, row in zip(texts, expected, strict=True):
        found = model.probabilities(question_features(text))
        assert max(abs(a - b) for a, b in zip(found, row, strict=True)) < 1e-3, text


def test_a_malformed_weight_file_is_refused():
    with pytest.raises(ValueError, match="one coefficient per label"):
        LinearModel({"labels": ["a", "b"], "intercepts": [0.0, 0.0], "features": {"w:x": [1.0, 0.5]}})


def test_a_question_about_a_body_part_outside_the_topic_is_never_answered(session, store):
    """Coverage finds every word but one in an entry; the one it misses is what is asked."""
    query = "what helps lower back pain"
    assert question_matcher(store).decide(query).answer is not None
    spoken = speech_of(ask(session, "QuestionIntent", query=query))
    assert not [entry.id for entry in store.entries if entry.speech[:40] in spoken]


def test_a_body_part_the_answer_itself_names_is_not_outside_the_topic(session, store):
    """The neck entry covers trigger points near the knees and elbows (its keywords say so)."""
    spoken = speech_of(ask(session, "QuestionIntent", query="trigger points near my knees and elbows"))
    assert spoken.startswith(store.get("neck").speech[:40])
