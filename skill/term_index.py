"""The catch-all's index, compact: flat arrays of term ids, not Python objects per entry.

Terms get ids; each term's labels (entries, or intents) are a sorted run in one array
(postings), and each label's distinct phrasings are runs of term ids with their IDF norm.
Terms held by at least 1/DENSE_SHARE of the labels also get a bitmask (a Python int, and
the same bits as bytes), so the memory they take is at most twice what their postings take.

The labels that explain the most of a query are found by visiting subsets of the query's
terms heaviest first: the first subset that a label holds entirely is exactly what it
explains. For subsets of common terms that is a few big-int ANDs; a subset with a rare
term can only be held by the few labels in that term's postings, whose explained subsets
are worked out once per query.
"""

from __future__ import annotations

import heapq
import marshal
import math
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, chain, islice, repeat
from typing import Any

Tokenizer = Callable[[str], frozenset[str]]
# What an index is built with: a label's phrasings -> their term sets, in order.
PhrasingsTokenizer = Callable[[Sequence[str]], Iterable[frozenset[str]]]

# Labels returned by the coverage search, and the most query terms it uses (the heaviest;
# the rest only dilute).
CANDIDATE_POOL = 4
MAX_QUERY_TERMS = 12
# The arrays an index is made of, as its constructor names them.
_ARRAYS = ("posting_starts", "postings", "label_starts", "phrase_starts", "phrase_terms", "phrase_norms")
# A term held by at least 1/DENSE_SHARE of the labels gets a bitmask: one bit per label
# costs no more than its postings' 32 bits per holder.
DENSE_SHARE = 32


def _bitmap(indexes: Sequence[int], count: int) -> bytes:
    bits = bytearray((count + 7) // 8)
    for index in indexes:
        bits[index >> 3] |= 1 << (index & 7)
    return bytes(bits)


def _bits(mask: int) -> Iterator[int]:
    """The positions of a mask's set bits, lowest first."""
    while mask:
        lowest = mask & -mask
        yield lowest.bit_length() - 1
        mask ^= lowest


class _TermIds(dict[str, int]):
    """Term -> its id; a new term gets the next id when first looked up."""

    def __missing__(self, term: str) -> int:
        number = self[term] = len(self)
        return number


class CompactIndex:
    """Terms, their IDF and postings, and every label's distinct phrasings as term ids."""

    def __init__(
        self,
        terms: list[str],
        posting_starts: array[int],
        postings: array[int],
        label_starts: array[int],
        phrase_starts: array[int],
        phrase_terms: array[int],
        phrase_norms: array[float],
        dense_share: int = DENSE_SHARE,
        derived: tuple[array[float], dict[int, bytes]] | None = None,
    ) -> None:
        """``derived``: the IDF and the dense terms' bitmaps as ``to_bytes`` stored them (else
        worked out here from the postings)."""
        self.term_ids = {term: number for number, term in enumerate(terms)}
        self.posting_starts = posting_starts  # term id -> its run in postings
        self.postings = postings
        self.label_starts = label_starts  # label -> its run of phrasings
        self.phrase_starts = phrase_starts  # phrasing -> its run in phrase_terms
        self.phrase_terms = phrase_terms
        self.phrase_norms = phrase_norms
        self.count = len(label_starts) - 1
        self.unknown_idf = math.log(self.count + 1) + 1.0
        self.idf = array("d")
        self.dense: dict[int, int] = {}  # term id -> bitmask of its labels, for common terms
        self.dense_bytes: dict[int, bytes] = {}  # the same bits as bytes: one label's bit is one index
        self._phrasings: dict[int, tuple[dict[int, int], list[float]]] = {}  # label -> _phrasings_of's
        if derived is not None:
            self.idf, self.dense_bytes = derived
            self.dense = {
                term_id: int.from_bytes(bitmap, "little") for term_id, bitmap in self.dense_bytes.items()
            }
            return
        for term_id in range(len(terms)):
            start, end = posting_starts[term_id], posting_starts[term_id + 1]
            self.idf.append(math.log((self.count + 1) / (end - start)) + 1.0)
            if (end - start) * dense_share >= self.count:
                bitmap = self.dense_bytes[term_id] = _bitmap(postings[start:end], self.count)
                self.dense[term_id] = int.from_bytes(bitmap, "little")

    @classmethod
    def build(
        cls, phrasings: Sequence[Sequence[str]], tokenize: PhrasingsTokenizer, dense_share: int = DENSE_SHARE
    ) -> CompactIndex:
        term_ids = _TermIds()
        holders: list[array[int]] = []  # term id -> its labels, while building
        label_starts, phrase_lengths, phrase_terms = array("I", [0]), array("I"), array("I")
        # Per label, not per term or phrasing: each step below runs its loop in C.
        for label, texts in enumerate(phrasings):
            found = list(filter(None, tokenize(texts)))
            distinct = dict(zip(found, found, strict=True))  # each set at its first place, as its last copy
            held = list(map(term_ids.__getitem__, frozenset().union(*distinct)))
            holders.extend(array("I") for _ in range(len(term_ids) - len(holders)))
            deque(map(array.append, map(holders.__getitem__, held), repeat(label)), 0)  # each gets this label
            # Term ids in each set's own order: the norm is summed in it.
            phrase_terms.extend(map(term_ids.__getitem__, chain.from_iterable(distinct.values())))
            phrase_lengths.extend(map(len, distinct.values()))
            label_starts.append(len(phrase_lengths))
        posting_starts, postings = array("I", [0]), array("I")
        for labels in holders:
            postings.extend(labels)
            posting_starts.append(len(postings))
        index = cls(
            list(term_ids),
            posting_starts,
            postings,
            label_starts,
            array("I", accumulate(phrase_lengths, initial=0)),
            phrase_terms,
            array("d"),
            dense_share,
        )
        squares = map([idf**2 for idf in index.idf].__getitem__, phrase_terms)
        index.phrase_norms.extend(map(math.sqrt, map(sum, map(islice, repeat(squares), phrase_lengths))))
        return index

    def to_bytes(self, source: int) -> bytes:
        """The index as the artifact carries it (``source``: a fingerprint of what it was built
        from), built once at ``sam build`` and loaded per container: its arrays as their raw
        bytes and its derived IDF and bitmaps, in marshal's format, so loading parses no text
        and works nothing out again (JSON and the derivation were about 3 ms of a first question)."""
        arrays = {name: getattr(self, name) for name in _ARRAYS}
        return marshal.dumps(
            {
                "source": source,
                "terms": list(self.term_ids),
                "arrays": {name: (found.typecode, found.tobytes()) for name, found in arrays.items()},
                "idf": self.idf.tobytes(),
                "dense": self.dense_bytes,
            }
        )

    @classmethod
    def from_bytes(cls, stored: dict[str, Any]) -> CompactIndex:
        """An index from ``marshal.loads`` of what ``to_bytes`` wrote."""
        arrays: dict[str, array[Any]] = {}
        for name, (typecode, raw) in stored["arrays"].items():
            arrays[name] = array(typecode)
            arrays[name].frombytes(raw)
        idf = array("d")
        idf.frombytes(stored["idf"])
        return cls(
            list(stored["terms"]),
            arrays["posting_starts"],
            arrays["postings"],
            arrays["label_starts"],
            arrays["phrase_starts"],
            arrays["phrase_terms"],
            arrays["phrase_norms"],
            derived=(idf, dict(stored["dense"])),
        )

    def term_idf(self, term: str) -> float:
        term_id = self.term_ids.get(term)
        return self.unknown_idf if term_id is None else self.idf[term_id]

    def _rare_holders(self, term_ids: list[int]) -> tuple[int, dict[int, list[int]]]:
        """The positions of the rare (not dense) terms, as bits, and every label holding a
        rare one grouped by the subset of positions (bits) it holds, labels in order."""
        rare = 0
        held: dict[int, int] = {}
        for position, term_id in enumerate(term_ids):
            if term_id not in self.dense:
                rare |= 1 << position
                start, end = self.posting_starts[term_id], self.posting_starts[term_id + 1]
                for label in self.postings[start:end]:
                    held[label] = held.get(label, 0) | 1 << position
        if held:  # which common terms those few labels hold: a byte lookup each, not a big-int walk
            for position, term_id in enumerate(term_ids):
                bitmap = self.dense_bytes.get(term_id)
                if bitmap is not None:
                    bit = 1 << position
                    for label in [label for label in held if bitmap[label >> 3] >> (label & 7) & 1]:
                        held[label] |= bit
        by_subset: dict[int, list[int]] = {}
        for label in sorted(held):
            by_subset.setdefault(held[label], []).append(label)
        return rare, by_subset

    def by_coverage(self, weights: dict[str, float]) -> tuple[list[tuple[int, float]], bool]:
        """Up to CANDIDATE_POOL (label, explained weight), most explained first, and whether
        more labels than the pool holds tie for the most explained (crowded)."""
        known = sorted((term for term in weights if term in self.term_ids), key=lambda term: -weights[term])
        known = known[:MAX_QUERY_TERMS]
        if not known:
            return [], False
        term_ids = [self.term_ids[term] for term in known]
        rare, by_subset = self._rare_holders(term_ids)
        found: list[tuple[int, float]] = []
        seen = 0
        heap = [(-sum(weights[term] for term in known), (1 << len(known)) - 1, 0)]
        while heap:
            negative_weight, subset, first_removable = heapq.heappop(heap)
            if len(found) >= CANDIDATE_POOL and -negative_weight < found[-1][1]:
                return found[:CANDIDATE_POOL], False  # a last subset's labels may have overfilled it
            if subset & rare:
                holders: Iterator[int] | list[int] = by_subset.get(subset, [])
            else:
                shared = -1
                for position in _bits(subset):
                    shared &= self.dense[term_ids[position]]
                holders = _bits(shared & ~seen)
            for label in holders:
                if len(found) > CANDIDATE_POOL:
                    # Cut short; crowded when even the best-explained labels are too many.
                    return found[:CANDIDATE_POOL], found[0][1] == -negative_weight
                found.append((label, -negative_weight))
                seen |= 1 << label
            for position in range(first_removable, len(known)):
                if subset >> position & 1 and subset != 1 << position:
                    child = subset & ~(1 << position)
                    heapq.heappush(heap, (negative_weight + weights[known[position]], child, position + 1))
        return found[:CANDIDATE_POOL], False

    def _phrasings_of(self, label: int) -> tuple[dict[int, int], list[float]]:
        """The label's phrasings in order of their norm, smallest first: per term id, the
        phrasings that hold it (as bits, in that order), and their norms. Worked out on the
        label's first query and kept (at most what phrase_terms holds for the labels queries
        reach)."""
        found = self._phrasings.get(label)
        if found is None:
            starts, terms, norms = self.phrase_starts, self.phrase_terms, self.phrase_norms
            phrasings = range(self.label_starts[label], self.label_starts[label + 1])
            by_norm = sorted(phrasings, key=norms.__getitem__)
            holding: dict[int, int] = {}
            for position, phrase in enumerate(by_norm):
                for term_id in terms[starts[phrase] : starts[phrase + 1]]:
                    holding[term_id] = holding.get(term_id, 0) | 1 << position
            found = self._phrasings[label] = holding, [norms[phrase] for phrase in by_norm]
        return found

    def phrase_similarities(self, query: Sequence[str], query_norm: float, labels: list[int]) -> list[float]:
        """Per label, the best cosine (IDF-weighted, binary terms) between the query and one
        of its phrasings. A label's phrasings are split by which query terms they share (a few
        big-int ANDs per term); each such set's tightest phrasing is the lowest bit of its part,
        and each set's weight is summed once per query."""
        bit_of: dict[int, int] = {}
        weight_of_bit: list[tuple[int, float]] = []
        for term in query:
            term_id = self.term_ids.get(term)
            if term_id is not None:
                bit_of[term_id] = 1 << len(weight_of_bit)
                weight_of_bit.append((bit_of[term_id], self.idf[term_id] ** 2))
        weight_of: dict[int, float] = {}  # shared query terms (bits) -> their weight
        similarities = []
        for label in labels:
            holding, norms = self._phrasings_of(label)
            parts = {0: -1}  # shared query terms -> the phrasings sharing exactly those
            for term_id, bit in bit_of.items():
                phrasings = holding.get(term_id, 0)
                if phrasings:
                    split: dict[int, int] = {}
                    for shared, members in parts.items():
                        if members & phrasings:
                            split[shared | bit] = members & phrasings
                        if members & ~phrasings:
                            split[shared] = members & ~phrasings
                    parts = split
            best = 0.0
            for shared, members in parts.items():
                if shared:
                    weight = weight_of.get(shared)
                    if weight is None:
                        weight = sum(weight for bit, weight in weight_of_bit if shared & bit)
                        weight_of[shared] = weight
                    best = max(best, weight / norms[(members & -members).bit_length() - 1])
            similarities.append(best / query_norm)
        return similarities
