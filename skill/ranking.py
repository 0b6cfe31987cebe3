"""Matching a free-form spoken question against the store, and knowing when not to.

A wrong health answer is worse than none, so the score that decides is *coverage*:
the share of the query's information (IDF-weighted content words) that one entry's
phrasings explain. Words the store has never seen weigh the most, so "what causes
kidney stones" explains almost nothing and gets no answer, while "knots between my
shoulder blades" is explained entirely by one entry.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Generic, TypeVar

from skill.safety import normalize
from skill.store import DATA_DIR, AnswerStore, Entry

# Coverage an entry must reach before the skill answers with it, and the lead it must
# have over the runner-up; both chosen on tests/data/paraphrases.tsv.
ANSWER_THRESHOLD = 0.7
MIN_LEAD = 0.1

Label = TypeVar("Label")


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
def _vocabulary() -> tuple[frozenset[str], dict[str, str]]:
    """Stopwords, and synonyms keyed by stem, from data/vocabulary.json."""
    with (DATA_DIR / "vocabulary.json").open(encoding="utf-8") as handle:
        document = json.load(handle)
    synonyms = {stem(word): stem(canonical) for word, canonical in document["synonyms"].items()}
    return frozenset(document["stopwords"]), synonyms


def terms(text: str) -> frozenset[str]:
    """The content words of a text, stemmed, synonyms folded together."""
    stopwords, synonyms = _vocabulary()
    stems = (stem(word) for word in normalize(text).split() if word not in stopwords)
    return frozenset(synonyms.get(word, word) for word in stems)


def all_terms(text: str) -> frozenset[str]:
    """Every word of a text, stemmed and folded: for indexes whose IDF weighs common words."""
    _, synonyms = _vocabulary()
    return frozenset(synonyms.get(stem(word), stem(word)) for word in normalize(text).split())


Tokenizer = Callable[[str], frozenset[str]]


@dataclass(frozen=True)
class Match(Generic[Label]):
    label: Label
    coverage: float
    phrase_similarity: float

    @property
    def score(self) -> float:
        return self.coverage + self.phrase_similarity


@dataclass(frozen=True)
class Decision(Generic[Label]):
    """Answer with ``answer``, or (None) say it is unsure and offer ``candidates``."""

    answer: Label | None
    candidates: tuple[Label, ...]
    best_score: float = 0.0  # the top candidate's coverage


@dataclass(frozen=True)
class _Index:
    phrase_terms: list[list[frozenset[str]]]
    postings: dict[str, list[int]]
    idf: dict[str, float]
    unknown_idf: float

    @classmethod
    def build(cls, phrasings: Sequence[Sequence[str]], tokenize: Tokenizer) -> _Index:
        phrase_terms: list[list[frozenset[str]]] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for index, texts in enumerate(phrasings):
            phrases = [found for found in map(tokenize, texts) if found]
            phrase_terms.append(phrases)
            for term in frozenset().union(*phrases):
                postings[term].append(index)
        count = len(phrasings)
        idf = {term: math.log((count + 1) / len(ids)) + 1.0 for term, ids in postings.items()}
        return cls(phrase_terms, dict(postings), idf, math.log(count + 1) + 1.0)


class TermIndex(Generic[Label]):
    """An inverted index over labelled groups of phrasings (an entry's, or an intent's)."""

    def __init__(self, labelled: Sequence[tuple[Label, Sequence[str]]], tokenize: Tokenizer = terms) -> None:
        self._labelled = labelled
        self._tokenize = tokenize

    @cached_property
    def _index(self) -> _Index:
        """Built on first use, not when the skill starts."""
        return _Index.build([phrasings for _, phrasings in self._labelled], self._tokenize)

    def idf(self, term: str) -> float:
        return self._index.idf.get(term, self._index.unknown_idf)

    def _phrase_similarity(self, query: frozenset[str], index: int) -> float:
        """Best cosine (IDF-weighted, binary terms) between the query and one phrasing."""
        query_norm = math.sqrt(sum(self.idf(term) ** 2 for term in query))
        best = 0.0
        for phrase in self._index.phrase_terms[index]:
            shared = sum(self.idf(term) ** 2 for term in query & phrase)
            if shared:
                phrase_norm = math.sqrt(sum(self.idf(term) ** 2 for term in phrase))
                best = max(best, shared / (query_norm * phrase_norm))
        return best

    def rank(self, query: str, limit: int = 3) -> list[Match[Label]]:
        """Labels whose phrasings share any content word with the query, best first."""
        query_terms = self._tokenize(query)
        if not query_terms:
            return []
        total = sum(self.idf(term) for term in query_terms)
        explained: dict[int, float] = defaultdict(float)
        for term in query_terms:
            for index in self._index.postings.get(term, ()):
                explained[index] += self.idf(term)
        matches = [
            Match(self._labelled[index][0], weight / total, self._phrase_similarity(query_terms, index))
            for index, weight in explained.items()
        ]
        matches.sort(key=lambda match: (match.score, match.coverage), reverse=True)
        return matches[:limit]

    def decide(
        self, query: str, threshold: float = ANSWER_THRESHOLD, lead: float = MIN_LEAD
    ) -> Decision[Label]:
        """A label only when it explains the query and clearly beats the next one."""
        ranked = self.rank(query, limit=3)
        if not ranked:
            return Decision(None, ())
        candidates = tuple(match.label for match in ranked)
        best = round(ranked[0].coverage, 3)
        if best < threshold or (len(ranked) > 1 and ranked[0].score - ranked[1].score < lead):
            return Decision(None, candidates, best)
        return Decision(ranked[0].label, candidates, best)


def _phrasings(entry: Entry) -> list[str]:
    return [entry.question, entry.topic, *entry.samples, *entry.keywords]


def question_matcher(store: AnswerStore) -> TermIndex[Entry]:
    """The catch-all's index: every entry's question, topic, samples and keywords."""
    return TermIndex([(entry, _phrasings(entry)) for entry in store.entries])
