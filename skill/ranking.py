"""Matching a free-form spoken question against the store, and knowing when not to.

A wrong health answer is worse than none, so the score that decides is *coverage*:
the share of the query's information (IDF-weighted content words) that one entry's
phrasings explain. Words the store has never seen weigh the most, so "what causes
kidney stones" explains almost nothing and gets no answer, while "knots between my
shoulder blades" is explained entirely by one entry.

Each term's entries are a bitmask (a Python int), and the entries that explain the
most are found by visiting subsets of the query's terms heaviest first: the first
subset whose masks intersect on an entry is exactly what that entry explains. A query
costs a few big-int ANDs per subset, whatever the store's size.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import Generic, TypeVar

from skill.data_files import read_json
from skill.store import AnswerStore, Entry
from skill.text import normalize

# Coverage an entry must reach before the skill answers with it, and the lead it must
# have over the runner-up; both chosen on tests/data/paraphrases.tsv.
ANSWER_THRESHOLD = 0.7
MIN_LEAD = 0.1
# Entries whose phrasings are compared with the query (after the coverage search), and
# the most query terms the subset search uses (the heaviest; the rest only dilute).
CANDIDATE_POOL = 4
MAX_QUERY_TERMS = 12
# Stems kept: every word of the store and of recent queries, but not every word anyone sends.
STEM_CACHE_SIZE = 8192

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
def _vocabulary() -> tuple[frozenset[str], dict[str, str]]:
    """Stopwords, and synonyms keyed by stem, from data/vocabulary.json."""
    document = read_json("vocabulary.json")
    synonyms = {stem(word): stem(canonical) for word, canonical in document["synonyms"].items()}
    return frozenset(document["stopwords"]), synonyms


def terms(text: str) -> frozenset[str]:
    """The content words of a text, stemmed, synonyms folded together."""
    stopwords, synonyms = _vocabulary()
    stems = (stem(word) for word in normalize(text).split() if word not in stopwords)
    return frozenset(synonyms.get(word, word) for word in stems)


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
    torn: bool = False  # explained well enough, but no entry clearly leads


def _bitmask(indexes: list[int], count: int) -> int:
    if len(indexes) < 64:
        return sum(1 << index for index in indexes)
    bits = bytearray((count + 7) // 8)
    for index in indexes:
        bits[index >> 3] |= 1 << (index & 7)
    return int.from_bytes(bits, "little")


@dataclass(frozen=True)
class _LabelPhrases:
    """One label's phrasings as bitmasks over the label's own terms, each with its IDF norm."""

    bits: dict[str, int]  # term -> its bit
    phrases: tuple[tuple[int, float], ...]  # distinct (term bits, norm)

    @classmethod
    def build(cls, phrase_terms: list[frozenset[str]], idf: dict[str, float]) -> _LabelPhrases:
        bits = {term: 1 << position for position, term in enumerate(sorted(frozenset().union(*phrase_terms)))}
        masks = {sum(bits[term] for term in found): found for found in phrase_terms}
        phrases = tuple(
            (mask, math.sqrt(sum(idf[term] ** 2 for term in found))) for mask, found in masks.items()
        )
        return cls(bits, phrases)


@dataclass(frozen=True)
class _Index:
    masks: dict[str, int]  # term -> the labels (bits) whose phrasings hold it
    idf: dict[str, float]
    unknown_idf: float
    phrases: list[_LabelPhrases]

    @classmethod
    def build(cls, phrasings: Sequence[Sequence[str]], tokenize: Tokenizer) -> _Index:
        phrase_terms: list[list[frozenset[str]]] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for index, texts in enumerate(phrasings):
            found = [found for found in map(tokenize, texts) if found]
            phrase_terms.append(found)
            for term in frozenset().union(*found):
                postings[term].append(index)
        count = len(phrasings)
        idf = {term: math.log((count + 1) / len(ids)) + 1.0 for term, ids in postings.items()}
        phrases = [_LabelPhrases.build(label_phrases, idf) for label_phrases in phrase_terms]
        masks = {term: _bitmask(ids, count) for term, ids in postings.items()}
        return cls(masks, idf, math.log(count + 1) + 1.0, phrases)


class TermIndex(Generic[Label]):
    """An index over labelled groups of phrasings (an entry's, or an intent's)."""

    def __init__(self, labelled: Sequence[tuple[Label, Sequence[str]]], tokenize: Tokenizer = terms) -> None:
        self._labelled = labelled
        self._tokenize = tokenize

    @cached_property
    def _index(self) -> _Index:
        """Built on first use, not when the skill starts."""
        return _Index.build([phrasings for _, phrasings in self._labelled], self._tokenize)

    def idf(self, term: str) -> float:
        return self._index.idf.get(term, self._index.unknown_idf)

    def _phrase_similarity(self, query: frozenset[str], query_norm: float, index: int) -> float:
        """Best cosine (IDF-weighted, binary terms) between the query and one phrasing."""
        label = self._index.phrases[index]
        weight_of_bit = {label.bits[term]: self._index.idf[term] ** 2 for term in query if term in label.bits}
        query_bits = sum(weight_of_bit)
        smallest_norm: dict[int, float] = {}  # per shared term set, its tightest phrasing
        for mask, norm in label.phrases:
            shared = mask & query_bits
            if shared and norm < smallest_norm.get(shared, math.inf):
                smallest_norm[shared] = norm
        best = 0.0
        for shared, norm in smallest_norm.items():
            weight = sum(weight for bit, weight in weight_of_bit.items() if shared & bit)
            best = max(best, weight / norm)
        return best / query_norm

    def _by_coverage(self, weights: dict[str, float]) -> tuple[list[tuple[int, float]], bool]:
        """Up to CANDIDATE_POOL (label index, explained weight), most explained first, and
        whether more labels than the pool holds tie for the most explained (crowded)."""
        masks = self._index.masks
        known = sorted((term for term in weights if term in masks), key=lambda term: -weights[term])
        known = known[:MAX_QUERY_TERMS]
        found: list[tuple[int, float]] = []
        seen = 0
        full = (1 << len(known)) - 1
        heap = [(-sum(weights[term] for term in known), full, 0)] if known else []
        while heap:
            negative_weight, subset, first_removable = heapq.heappop(heap)
            if len(found) >= CANDIDATE_POOL and -negative_weight < found[-1][1]:
                return found, False
            shared = -1
            for position, term in enumerate(known):
                if subset >> position & 1:
                    shared &= masks[term]
            shared &= ~seen
            while shared:
                if len(found) > CANDIDATE_POOL:
                    # Cut short; crowded when even the best-explained labels are too many.
                    return found[:CANDIDATE_POOL], found[0][1] == -negative_weight
                lowest = shared & -shared
                found.append((lowest.bit_length() - 1, -negative_weight))
                seen |= lowest
                shared ^= lowest
            for position in range(first_removable, len(known)):
                if subset >> position & 1 and subset != 1 << position:
                    child = subset & ~(1 << position)
                    heapq.heappush(heap, (negative_weight + weights[known[position]], child, position + 1))
        return found, False

    def _matches(self, query: str) -> tuple[list[Match[Label]], bool]:
        query_terms = self._tokenize(query)
        if not query_terms:
            return [], False
        weights = {term: self.idf(term) for term in query_terms}
        total = sum(weights.values())
        query_norm = math.sqrt(sum(weight**2 for weight in weights.values()))
        candidates, crowded = self._by_coverage(weights)
        matches = [
            Match(
                self._labelled[index][0],
                weight / total,
                self._phrase_similarity(query_terms, query_norm, index),
            )
            for index, weight in candidates
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


def question_matcher(store: AnswerStore) -> TermIndex[Entry]:
    """The catch-all's index: every entry's question, topic, samples and keywords."""
    return TermIndex([(entry, _phrasings(entry)) for entry in store.entries])
