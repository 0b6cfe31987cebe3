"""Catch-all retrieval: ranking time per query as the store grows."""

from __future__ import annotations

import statistics
import time

from bench.synthetic import synthetic_store
from skill.ranking import question_matcher


def retrieval_scale(size: int, repeats: int) -> dict[str, float]:
    store, queries = synthetic_store(size)
    matcher = question_matcher(store)
    started = time.perf_counter()
    matcher.decide(queries[0])  # builds the index
    build_ms = (time.perf_counter() - started) * 1000
    per_query = []
    for _ in range(repeats):
        started = time.perf_counter()
        for query in queries:
            matcher.decide(query)
        per_query.append((time.perf_counter() - started) * 1000 / len(queries))
    return {
        "entries": size,
        "queries": len(queries),
        "ms_per_query": statistics.median(per_query),
        "index_build_ms": build_ms,
    }
