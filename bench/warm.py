"""Warm latency: many requests through ``handler(event, context)`` in one process."""

from __future__ import annotations

import importlib.util
import itertools
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools.envelopes import LocalSession, envelope, intent_request, launch_request

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def load_handler(entry_file: Path, module_name: str) -> Handler:
    spec = importlib.util.spec_from_file_location(module_name, entry_file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


def realistic_mix(handler: Handler) -> list[tuple[str, dict[str, Any]]]:
    """(kind, event) pairs, weighted roughly as people use the skill."""
    session = LocalSession(handler)
    session.send(intent_request("NeckIntent"))
    attributes = session.attributes
    in_session: dict[str, Any] = {"new_session": False, "attributes": attributes}
    answers = [
        "CausesUpperBackIntent",
        "ReleaseUpperBackIntent",
        "NeckIntent",
        "ReleaseTrappedNerveIntent",
        "PinchedNerveSymptomsIntent",
        "RelievePainIntent",
    ]
    queries = [
        "active and latent trigger points",
        "kidney stones",
        "tingling and numbness from a pinched nerve",
        "acupressure spot for upper back pain",
    ]
    mix = [("launch", envelope(launch_request()))] * 2
    mix += [("answer", envelope(intent_request(name))) for name in answers] * 1
    mix += [("catch-all", envelope(intent_request("QuestionIntent", {"query": query}))) for query in queries]
    mix += [("help", envelope(intent_request("AMAZON.HelpIntent")))]
    mix += [("yes", envelope(intent_request("AMAZON.YesIntent"), **in_session))] * 2
    mix += [("repeat", envelope(intent_request("AMAZON.RepeatIntent"), **in_session))]
    mix += [("stop", envelope(intent_request("AMAZON.StopIntent"), **in_session))] * 2
    return mix


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _summary(values: list[float]) -> dict[str, float]:
    return {"p50_ms": percentile(values, 0.5), "p99_ms": percentile(values, 0.99), "n": len(values)}


def measure_interleaved(
    contenders: dict[str, tuple[Handler, list[tuple[str, dict[str, Any]]]]], total: int, block: int = 50
) -> dict[str, dict[str, Any]]:
    """p50/p99 in ms per contender, overall and per kind. The contenders take turns in
    blocks of requests, so machine noise falls on all of them alike; one warm-up pass first."""
    for handler, events in contenders.values():
        for _, event in events:
            handler(event, None)
    cycles = {name: itertools.cycle(events) for name, (_, events) in contenders.items()}
    timings: dict[str, dict[str, list[float]]] = {name: {} for name in contenders}
    for _ in range(0, total, block):
        for name, (handler, _) in contenders.items():
            for kind, event in itertools.islice(cycles[name], block):
                started = time.perf_counter()
                handler(event, None)
                timings[name].setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    results = {}
    for name, by_kind in timings.items():
        every = [value for values in by_kind.values() for value in values]
        results[name] = {"all": _summary(every)} | {
            kind: _summary(values) for kind, values in by_kind.items()
        }
    return results


def quiet_logs() -> None:
    """Keep the skill's request logs (their cost is part of a request) out of the report."""
    from skill.logs import logger

    logger.stream = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
