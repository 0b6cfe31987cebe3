"""Catch-all retrieval as the store grows: build time, memory kept and peak, time per query.

Each size runs in a fresh interpreter (``python -m bench.retrieval SIZE REPEATS``, printing
JSON), so that the peak is this build's and not an earlier one's.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from typing import Any

from bench.synthetic import synthetic_store
from skill.ranking import question_matcher
from skill.term_index import CompactIndex


def kept_bytes(index: CompactIndex) -> int:
    """Everything the index holds on to: its arrays, its term table and the bitmasks (as ints and bytes)."""
    arrays = (
        index.posting_starts,
        index.postings,
        index.label_starts,
        index.phrase_starts,
        index.phrase_terms,
        index.phrase_norms,
        index.idf,
    )
    total = sum(map(sys.getsizeof, arrays))
    total += sys.getsizeof(index.term_ids) + sum(map(sys.getsizeof, index.term_ids))
    total += sum(sys.getsizeof(number) for number in index.term_ids.values() if number > 256)
    total += sys.getsizeof(index.dense) + sum(map(sys.getsizeof, index.dense.values()))
    total += sys.getsizeof(index.dense_bytes) + sum(map(sys.getsizeof, index.dense_bytes.values()))
    return total


def retrieval_scale(size: int, repeats: int) -> dict[str, Any]:
    """CPU times (what the work costs, whatever else the machine runs) and memory."""
    store, queries = synthetic_store(size)
    matcher = question_matcher(store, index_file="")  # never a prebuilt file: the build is measured
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    index = matcher._index
    build_ms = (time.process_time() - started) * 1000
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    per_query = []
    for _ in range(repeats):
        started = time.process_time()
        for query in queries:
            matcher.decide(query)
        per_query.append((time.process_time() - started) * 1000 / len(queries))
    return {
        "entries": size,
        "queries": len(queries),
        "index_build_ms": build_ms,
        "kept_mib": kept_bytes(index) / 2**20,
        "peak_mib": peak_kib / 2**10,
        "ms_per_query": statistics.median(per_query),
    }


if __name__ == "__main__":
    print(json.dumps(retrieval_scale(int(sys.argv[1]), int(sys.argv[2]))))
