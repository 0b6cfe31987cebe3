"""Warm latency: many requests through one Lambda entry point's ``handler``, in a process
of the Lambda's Python over the built artifact.

Run as ``python3.13 -I -S -B bench/warm.py ARTIFACT EVENTS RESULT``: standard library only,
so it can run inside an artifact that holds nothing else.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from typing import Any


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(values: list[list[float]]) -> dict[str, float]:
    """Percentiles of [CPU ms, wall ms] pairs: CPU time is what a request costs, whatever
    else the machine runs; wall time also counts the neighbours on a shared machine."""
    cpu, wall = [pair[0] for pair in values], [pair[1] for pair in values]
    return {
        "p50_ms": percentile(cpu, 0.5),
        "p99_ms": percentile(cpu, 0.99),
        "wall_p50_ms": percentile(wall, 0.5),
        "wall_p99_ms": percentile(wall, 0.99),
        "n": len(values),
    }


def measure(handler: Any, workload: dict[str, Any]) -> dict[str, list[list[float]]]:
    """[CPU ms, wall ms] per request, by kind: every event once to warm up, then each group
    of events (``workload["groups"]``: name -> [kind, event] pairs) cycled for its count."""
    groups: dict[str, list[list[Any]]] = workload["groups"]
    for events in groups.values():
        for _, event in events:
            handler(event, None)
    timings: dict[str, list[list[float]]] = {}
    for name, events in groups.items():
        for kind, event in itertools.islice(itertools.cycle(events), workload["counts"][name]):
            started_cpu, started = time.thread_time_ns(), time.perf_counter_ns()
            handler(event, None)
            wall, cpu = time.perf_counter_ns() - started, time.thread_time_ns() - started_cpu
            timings.setdefault(kind, []).append([cpu / 1e6, wall / 1e6])
    return timings


def main(artifact: str, events_file: str, result_file: str) -> None:
    sys.path.insert(0, artifact)
    import lambda_function  # from the artifact just put first on the path

    with open(events_file, encoding="utf-8") as handle:
        workload = json.load(handle)
    timings = measure(lambda_function.handler, workload)
    with open(result_file, "w", encoding="utf-8") as handle:
        json.dump(timings, handle)


if __name__ == "__main__":
    main(*sys.argv[1:4])
