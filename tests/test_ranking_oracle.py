"""The catch-all's optimised ranking, held against a plain scan over every label (the oracle).

Whatever index the ranking uses (bitmasks, arrays, a prebuilt file), what it reports for a
label must be what a slow, obvious computation over that label's phrasings gives.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from skill.ranking import TermIndex
from skill.term_index import CANDIDATE_POOL, DENSE_SHARE, MAX_QUERY_TERMS, CompactIndex

WORDS = [f"w{number}" for number in range(14)]
phrasing = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)
labelled = st.lists(st.lists(phrasing, min_size=1, max_size=4), min_size=1, max_size=9)
query = st.lists(st.sampled_from([*WORDS, "unknown1", "unknown2"]), min_size=1, max_size=8).map(" ".join)


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def oracle(groups: list[list[str]], text: str) -> dict[int, tuple[float, float]]:
    """Per label: (coverage, best phrase similarity), computed the long way."""
    count = len(groups)
    holders = {word: sum(1 for group in groups if any(word in words(p) for p in group)) for word in WORDS}
    idf = {word: math.log((count + 1) / n) + 1.0 for word, n in holders.items() if n}
    unknown = math.log(count + 1) + 1.0
    query_terms = words(text)
    weight = {term: idf.get(term, unknown) for term in query_terms}
    total = sum(weight.values())
    norm = math.sqrt(sum(value**2 for value in weight.values()))
    known = sorted((term for term in query_terms if term in idf), key=lambda term: -weight[term])
    counted = set(known[:MAX_QUERY_TERMS])
    result = {}
    for index, group in enumerate(groups):
        vocabulary = frozenset().union(*(words(p) for p in group))
        coverage = sum(weight[term] for term in counted & vocabulary) / total
        similarity = 0.0
        for p in group:
            shared = words(p) & query_terms
            if shared:
                phrase_norm = math.sqrt(sum(idf[term] ** 2 for term in words(p)))
                similarity = max(similarity, sum(idf[term] ** 2 for term in shared) / phrase_norm)
        result[index] = (coverage, similarity / norm)
    return result


# Common terms are searched as bitmasks, rare ones through their postings: both ways are checked.
@pytest.mark.parametrize("dense_share", [DENSE_SHARE, 2], ids=["bitmasks", "bitmasks-and-postings"])
@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(labelled, query)
# Found by this test: the last subset's labels overfilled the pool (five for four), and ranking
# by score then left the best-explained label out.
@example([["w0"], ["w2"], ["w0 w1 w3"], ["w0 w2"], ["w0 w2"], ["w1 w2"], ["w1 w2"]], "w0 w1 w2")
def test_every_reported_match_is_what_a_plain_scan_computes(dense_share, groups, text):
    compact = CompactIndex.build(groups, lambda texts: map(words, texts), dense_share)
    index = TermIndex([(position, group) for position, group in enumerate(groups)], words, compact)
    expected = oracle(groups, text)
    pool = index.rank(text, limit=CANDIDATE_POOL)
    for match in pool:
        coverage, similarity = expected[match.label]
        assert match.coverage == pytest.approx(coverage)
        assert match.phrase_similarity == pytest.approx(similarity)
    explained = sorted((coverage for coverage, _ in expected.values() if coverage > 0), reverse=True)
    assert len(pool) == min(len(explained), CANDIDATE_POOL) or len(pool) == CANDIDATE_POOL
    if explained:
        # The pool holds the best-explained labels: none left out explains more than one kept.
        assert max(match.coverage for match in pool) == pytest.approx(explained[0])
        assert min(match.coverage for match in pool) >= explained[len(pool) - 1] - 1e-9
    scores = [match.score for match in pool]
    assert scores == sorted(scores, reverse=True)
