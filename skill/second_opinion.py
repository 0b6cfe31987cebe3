"""A second opinion for the catch-all: a linear classifier trained on the declared samples.

Coverage alone declines whenever a few words it has never seen ("my wife's", "flared up")
outweigh the ones it knows, which turns away most people who do not speak like the
samples. A classifier trained at generate time on every sample of the model (answers,
guards, the fallback's and the emergency intents') sees the shape of a question as well as
its topic words. The two signals must agree before it changes anything:

- a decline becomes an answer only when the classifier's choice is one of coverage's
  candidates (surer when it is not coverage's first), both are confident enough, and the
  query is in the skill's domain (a word of the topic, and no body part or condition
  outside it);
- an answer becomes a clarifying decline when the classifier is confident of a different
  entry: two signals that disagree are not an answer for health content;
- an answer to a query that names a body part or condition outside the topic ("what helps
  lower back pain") becomes a plain decline: the words it shares with an entry are not
  what it asks about.

It is also the net under the safety patterns: the safety intents' samples are labelled by
the reply they get, so a statement of a present emergency that no pattern matched and no
entry answers still reaches help (``alarm``). The guards and the safety patterns run
around it, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from itertools import pairwise

from skill.linear_model import LinearModel
from skill.packed_model import read_model
from skill.ranking import (
    Decision,
    TermIndex,
    question_matcher,
    spoken_words,
    stem,
    terms,
    vocabulary_document,
    word_term,
)
from skill.store import AnswerStore, Entry
from skill.text import normalize

MODEL_FILE = "question_model.json"
# Chosen on the *_dev evaluation sets (tests/data/eval), never on the held-out ones.
MIN_PROBABILITY = 0.4  # the classifier's probability for the entry it would answer with
MIN_COVERAGE = 0.3  # coverage's own score for the query, even when it declined
CANDIDATES = 3  # the classifier's entry must be among coverage's first candidates
RUNNER_UP_PROBABILITY = 0.5  # ... and this sure of it when it is not coverage's first
VETO_PROBABILITY = 0.3  # confident of another entry: coverage's answer is not trusted
SAFETY_PREFIX = "safety:"  # the labels of the safety intents' samples, by the reply they get
SAFETY_NET_PROBABILITY = 0.3  # this sure that a statement nothing answers is an emergency (dev sets)


def question_features(text: str) -> list[str]:
    """Word stems and stem bigrams (question shape: "who do i see", "why does"), and the
    catch-all's own terms (synonyms folded), for training and inference alike."""
    words = spoken_words(text)
    stems = [stem(word) for word in words]
    features = [f"w:{word}" for word in stems]
    features += [f"b:{first} {second}" for first, second in pairwise(stems)]
    features += [f"t:{term}" for term in map(word_term, words) if term]
    return features


@cache
def _domain() -> tuple[frozenset[str], tuple[str, ...]]:
    """The topic's anchor words (stemmed) and the phrases of what lies outside it."""
    document = vocabulary_document()["domain"]
    return frozenset(map(stem, document["anchors"])), tuple(document["outside"])


def safety_label(reply: str) -> str:
    return SAFETY_PREFIX + reply


def names_outside(query: str, covered: Iterable[str] = ()) -> bool:
    """A body part or condition outside the topic ("lower back", "knee", "migraines") that
    none of the ``covered`` phrases (an entry's keywords: the neck entry's "knees") names."""
    padded = f" {normalize(query)} "
    known = frozenset().union(*map(terms, covered))
    return any(f" {phrase} " in padded and not terms(phrase) <= known for phrase in _domain()[1])


def in_domain(query: str) -> bool:
    """A word of the topic, and nothing outside it."""
    anchors = _domain()[0]
    return not names_outside(query) and any(stem(word) in anchors for word in normalize(query).split())


class SecondOpinion:
    """Reviews the coverage decision with the classifier (``data/question_model.json``)."""

    def __init__(self, store: AnswerStore, model: LinearModel) -> None:
        self._entries = {entry.id: entry for entry in store.entries}
        self._model = model

    def review(self, query: str, decision: Decision[Entry]) -> Decision[Entry]:
        if not decision.candidates:
            return decision
        if decision.answer is not None and names_outside(query, decision.answer.keywords):
            return decision._replace(answer=None)
        label, probability = self._model.best(question_features(query))
        chosen = self._entries.get(label)
        if decision.answer is not None:
            disagrees = chosen is not None and chosen is not decision.answer
            if disagrees and probability >= VETO_PROBABILITY:
                return decision._replace(answer=None, torn=True)
            return decision
        if chosen is None or chosen not in decision.candidates[:CANDIDATES]:
            return decision
        floor = MIN_PROBABILITY if chosen is decision.candidates[0] else RUNNER_UP_PROBABILITY
        if probability >= floor and decision.best_score >= MIN_COVERAGE and in_domain(query):
            return decision._replace(answer=chosen, torn=False)
        return decision

    def alarm(self, query: str) -> str | None:
        """The safety reply (emergency, poisoning, crisis) the classifier hears in a query
        that the patterns did not catch, when it is sure enough; the net under the patterns."""
        label, probability = self._model.best(question_features(query))
        if label.startswith(SAFETY_PREFIX) and probability >= SAFETY_NET_PROBABILITY:
            return label.removeprefix(SAFETY_PREFIX)
        return None


class ReviewedMatcher:
    """The catch-all's decision: coverage over the store, reviewed by the second opinion."""

    def __init__(self, index: TermIndex[Entry], opinion: SecondOpinion) -> None:
        self._index = index
        self._opinion = opinion

    def decide(self, query: str) -> Decision[Entry]:
        return self._opinion.review(query, self._index.decide(query))

    def alarm(self, query: str) -> str | None:
        return self._opinion.alarm(query)


def reviewed_matcher(store: AnswerStore) -> ReviewedMatcher:
    return ReviewedMatcher(question_matcher(store), SecondOpinion(store, LinearModel(read_model(MODEL_FILE))))
