"""Matching a free-form spoken question against the store, and knowing when not to.

A wrong health answer is worse than none, so the score that decides is *coverage*:
the share of the query's information (IDF-weighted content words) that one entry's
phrasings explain. Words the store has never seen weigh the most, so "what causes
kidney stones" explains almost nothing and gets no answer, while "knots between my
shoulder blades" is explained entirely by one entry.

The index itself (compact arrays, and the search for the entries that explain the most)
is skill/term_index.py; when the artifact was built with it (``sam build``), it is
loaded from a data file instead of being built on a request.
"""

from __future__ import annotations

import marshal
import math
import os
import zlib
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any, Generic, NamedTuple, TypeVar

from skill.data_files import data_path, read_json
from skill.store import AnswerStore, Entry
from skill.term_index import CompactIndex, Tokenizer
from skill.text import words, words_of_each

# Coverage an entry must reach before the skill answers with it, and the lead it must
# have over the runner-up; both chosen on tests/data/paraphrases.tsv.
ANSWER_THRESHOLD = 0.7
MIN_LEAD = 0.1
# Stems kept: every word of the store and of recent queries, but not every word anyone sends.
STEM_CACHE_SIZE = 8192
# The prebuilt index's data file (only in the Lambda artifact: tools/artifact.py writes it).
QUESTION_INDEX_FILE = "question_index.marshal"

Label = TypeVar("Label")


@lru_cache(maxsize=STEM_CACHE_SIZE)
def stem(word: str) -> str:
    """A deliberately small stemmer: both sides of a match use it, so it need only agree."""
    for suffix, replacement, min_length in (
        ("ies", "y", 5),
        ("ing", "", 6),
        ("ed", "", 5),
        ("es", "", 5),
        ("s", "", 4),
    ):
        if word.endswith(suffix) and len(word) >= min_length and not word.endswith("ss"):
            word = word[: len(word) - len(suffix)] + replacement
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


@cache
def vocabulary_document() -> dict[str, Any]:
    """data/vocabulary.json, read once per process for every part that uses it."""
    document: dict[str, Any] = read_json("vocabulary.json")
    return document


@cache
def _vocabulary() -> tuple[frozenset[str], dict[str, str], frozenset[str]]:
    """Stopwords, synonyms keyed by stem, and fillers, from data/vocabulary.json."""
    document = vocabulary_document()
    synonyms = {stem(word): stem(canonical) for word, canonical in document["synonyms"].items()}
    return frozenset(document["stopwords"]), synonyms, frozenset(document["fillers"])


def spoken_words(text: str) -> list[str]:
    """The words of an utterance, normalised, without the hesitations ("uh", "um") that
    people say and that carry nothing."""
    fillers = _vocabulary()[2]
    return [word for word in words(text) if word not in fillers]


@lru_cache(maxsize=STEM_CACHE_SIZE)
def word_term(word: str) -> str | None:
    """A word's term (None for a stopword or a filler); cached, as words recur far more than
    texts do."""
    stopwords, synonyms, fillers = _vocabulary()
    if word in stopwords or word in fillers:
        return None
    stemmed = stem(word)
    return synonyms.get(stemmed, stemmed)


def terms(text: str) -> frozenset[str]:
    """The content words of a text, stemmed, synonyms folded together (the words of
    ``spoken_words``: a filler has no term)."""
    return frozenset(filter(None, map(word_term, words(text))))


class StoreTerms(dict[str, "str | None"]):
    """``terms`` of each of a label's phrasings, for building an index: their words folded
    in one pass, and every word's term worked out once and kept for one build (a large store
    has more words than the bounded cache that serves queries holds, and would only churn
    it); dropped with the build."""

    def __missing__(self, word: str) -> str | None:
        term = self[word] = word_term.__wrapped__(word)
        return term

    def __call__(self, texts: Sequence[str]) -> list[frozenset[str]]:
        term_of = self.__getitem__
        return [frozenset(filter(None, map(term_of, found))) for found in words_of_each(texts)]


class Match(NamedTuple, Generic[Label]):
    label: Label
    coverage: float
    phrase_similarity: float

    @property
    def score(self) -> float:
        return self.coverage + self.phrase_similarity


class Decision(NamedTuple, Generic[Label]):
    """Answer with ``answer``, or (None) say it is unsure and offer ``candidates``."""

    answer: Label | None
    candidates: tuple[Label, ...]
    best_score: float = 0.0  # the top candidate's coverage
    torn: bool = False  # explained well enough, but no entry clearly leads


class TermIndex(Generic[Label]):
    """An index over labelled groups of phrasings (an entry's, or an intent's)."""

    def __init__(
        self,
        labelled: Sequence[tuple[Label, Sequence[str]]],
        tokenize: Tokenizer = terms,
        index: CompactIndex | None = None,
    ) -> None:
        self._labelled = labelled
        self._tokenize = tokenize
        self._built = index

    @property
    def _index(self) -> CompactIndex:
        """Built on first use, not when the skill starts (unless it was given, prebuilt)."""
        if self._built is None:
            tokenize = self._tokenize
            each = StoreTerms() if tokenize is terms else lambda texts: map(tokenize, texts)  # the same terms
            self._built = CompactIndex.build([phrasings for _, phrasings in self._labelled], each)
        return self._built

    def idf(self, term: str) -> float:
        return self._index.term_idf(term)

    def _matches(self, query: str) -> tuple[list[Match[Label]], bool]:
        # In a fixed order: float sums over a set's order would follow PYTHONHASHSEED, and
        # two Lambda containers could then break a tie differently for the same question.
        query_terms = sorted(self._tokenize(query))
        if not query_terms:
            return [], False
        weights = {term: self.idf(term) for term in query_terms}
        total = sum(weights.values())
        query_norm = math.sqrt(sum(weight**2 for weight in weights.values()))
        candidates, crowded = self._index.by_coverage(weights)
        labels = [index for index, _ in candidates]
        similarities = self._index.phrase_similarities(query_terms, query_norm, labels)
        matches = [
            Match(self._labelled[index][0], weight / total, similarity)
            for (index, weight), similarity in zip(candidates, similarities, strict=True)
        ]
        matches.sort(key=lambda match: (match.score, match.coverage), reverse=True)
        return matches, crowded

    def rank(self, query: str, limit: int = 3) -> list[Match[Label]]:
        """The labels that explain most of the query, best first."""
        return self._matches(query)[0][:limit]

    def decide(
        self, query: str, threshold: float = ANSWER_THRESHOLD, lead: float = MIN_LEAD
    ) -> Decision[Label]:
        """A label only when it explains the query and clearly beats the next one."""
        ranked, crowded = self._matches(query)
        if not ranked:
            return Decision(None, ())
        candidates = tuple(match.label for match in ranked[:3])
        best = round(ranked[0].coverage, 3)
        ambiguous = len(ranked) > 1 and ranked[0].score - ranked[1].score < lead
        if best < threshold or ambiguous or crowded:
            return Decision(None, candidates, best, torn=best >= threshold)
        return Decision(ranked[0].label, candidates, best)


def _phrasings(entry: Entry) -> list[str]:
    return [entry.question, entry.topic, *entry.samples, *entry.keywords]


def _fingerprint(store: AnswerStore) -> int:
    """What a prebuilt index was built from: the entries' ids and phrasings."""
    return zlib.crc32(
        "\n".join(text for entry in store.entries for text in (entry.id, *_phrasings(entry))).encode()
    )


def question_index_file(store: AnswerStore) -> bytes:
    """The catch-all's index as a data file, written into the artifact at ``sam build``."""
    index = CompactIndex.build([_phrasings(entry) for entry in store.entries], StoreTerms())
    return index.to_bytes(_fingerprint(store))


def question_matcher(
    store: AnswerStore, index_file: str = data_path(QUESTION_INDEX_FILE)
) -> TermIndex[Entry]:
    """The catch-all's index: every entry's question, topic, samples and keywords. Loaded
    from ``index_file`` when it holds this store's index, else built on first use."""
    prebuilt = None
    if os.path.exists(index_file):
        with open(index_file, "rb") as handle:
            stored = marshal.loads(handle.read())  # load(handle) reads the file in small pieces
        if stored["source"] == _fingerprint(store):
            prebuilt = CompactIndex.from_bytes(stored)
    return TermIndex([(entry, _phrasings(entry)) for entry in store.entries], index=prebuilt)
