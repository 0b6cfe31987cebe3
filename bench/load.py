"""A bounded load test of the web endpoint on loopback: ``python -m bench.load``.

Starts gunicorn (request verification off: this measures the skill and the server, and
the load generator cannot sign as Alexa does), sends a fixed number of requests from this
separate process over keep-alive connections, reports throughput and latency, and stops.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.warm import percentile
from tools.envelopes import envelope, intent_request, launch_request
from tools.web_server import free_port, gunicorn_server, running_server

ROOT = Path(__file__).resolve().parents[1]


def _bodies() -> list[bytes]:
    requests = [
        launch_request(),
        intent_request("NeckIntent"),
        intent_request("CausesUpperBackIntent"),
        intent_request("QuestionIntent", {"query": "active and latent trigger points"}),
        intent_request("QuestionIntent", {"query": "kidney stones"}),
        intent_request("AMAZON.HelpIntent"),
    ]
    return [json.dumps(envelope(request)).encode() for request in requests]


def _client(port: int, bodies: list[bytes], count: int, latencies: list[float], failures: list[str]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for number in range(count):
        body = bodies[number % len(bodies)]
        started = time.perf_counter()
        try:
            connection.request("POST", "/", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(f"HTTP {response.status}")
        except (OSError, http.client.HTTPException) as error:
            failures.append(type(error).__name__)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        latencies.append((time.perf_counter() - started) * 1000)
    connection.close()


def run_load(requests: int, concurrency: int, workers: int) -> dict[str, Any]:
    port = free_port()
    env = {"ALEXA_VERIFY": "0", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    with running_server(gunicorn_server(port, workers), port, env):
        bodies = _bodies()
        latencies: list[float] = []
        failures: list[str] = []
        per_client = requests // concurrency
        threads = [
            threading.Thread(target=_client, args=(port, bodies, per_client, latencies, failures))
            for _ in range(concurrency)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        elapsed = time.perf_counter() - started
    sent = per_client * concurrency
    return {
        "requests": sent,
        "concurrency": concurrency,
        "workers": workers,
        "seconds": round(elapsed, 3),
        "throughput_rps": round(sent / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.5), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "mean_ms": round(statistics.fmean(latencies), 2),
        "failures": len(failures),
        "failure_kinds": sorted(set(failures)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    result = run_load(args.requests, args.concurrency, args.workers)
    print(json.dumps(result, indent=2))
    return 0 if result["failures"] == 0 else 1


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.exit(main())
