"""The web endpoint under load on loopback, next to a bare Flask app: ``python -m bench.load``.

All servers run under the same gunicorn configuration (web/gunicorn.conf.py, same workers
and threads). Ours runs with request verification on: the generator signs every request
with a local test authority that the server trusts (tools.signed_endpoint), so each request
takes the real path (size, one JSON parse, timestamp, signature, skill id, the skill). The
bare app parses the body and returns the JSON ours answers to a launch, with no
verification. The same signed bodies go to each over the same number of keep-alive
connections, each renewed every few requests (``--per-connection``), from this process's
threads: a process apart from the servers, whose CPU is not counted as theirs. ``--before
COMMIT`` also serves ours as it was at that commit (``git archive``), measured in the same
rounds, for honest before/after figures. Several runs (``--runs``, fresh servers each) and
their medians, since one run on a shared machine swings.

Writes bench/results/web-load.json and the figure file docs/figures/web-load.json, which
``python -m tools figures`` renders into docs/figures.md: no figure is typed by hand.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar

from bench.warm import percentile
from skill.app import SkillRuntime, build_skill
from skill.config import Settings
from skill.logs import logger
from skill.store import default_store
from tools.alexa_signing import Authority, Signer, write_authority
from tools.envelopes import LOCAL_SKILL_ID, envelope, intent_request, launch_request
from tools.web_server import RunningServer, free_port, gunicorn_server, running_server

ROOT = Path(__file__).resolve().parents[1]
RESULT_FILE = ROOT / "bench" / "results" / "web-load.json"
FIGURE_FILE = ROOT / "docs" / "figures" / "web-load.json"
TARGETS = {"throughput_ratio": 0.8, "p99_ratio": 1.5}
T = TypeVar("T")


def _events() -> list[dict[str, Any]]:
    requests = [
        launch_request(),
        intent_request("NeckIntent"),
        intent_request("CausesUpperBackIntent"),
        intent_request("QuestionIntent", {"query": "active and latent trigger points"}),
        intent_request("QuestionIntent", {"query": "kidney stones"}),
        intent_request("AMAZON.HelpIntent"),
    ]
    return [envelope(request) for request in requests]


def signed_requests(signer: Signer, copies: int) -> list[tuple[bytes, dict[str, str]]]:
    """Distinct signed requests (fresh timestamps and request ids), signed before the run."""
    signed = []
    for _ in range(copies):
        for event in _events():
            body = json.dumps(event).encode()
            signed.append((body, signer.headers(body)))
    return signed


def _client(
    port: int,
    requests: list[tuple[bytes, dict[str, str]]],
    count: int,
    offset: int,
    per_connection: int,
    latencies: list[float],
    failures: list[str],
) -> None:
    """``count`` requests, a new keep-alive connection every ``per_connection`` of them.

    gunicorn pins a connection to the worker that accepted it, and which worker that is is
    down to chance: 8 connections opened at once were found split 8/0, 7/1 or 5/3 between two
    workers, so a run measured whichever split it drew. Reconnecting now and then redraws it
    many times a round (and the idler worker tends to win the accept), so every server gets
    both its workers' share; the connect is part of the timed request, as for each server."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for number in range(count):
        if number and number % per_connection == 0:
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body, headers = requests[(offset + number) % len(requests)]
        started = time.perf_counter()
        try:
            connection.request("POST", "/", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(f"HTTP {response.status}")
        except (OSError, http.client.HTTPException) as error:
            failures.append(type(error).__name__)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies.append((time.perf_counter() - started) * 1000)
    connection.close()


class Measurement:
    """Latencies, failures and busy time of one server, accumulated over rounds."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.seconds = 0.0
        self.cpu_seconds = 0.0  # the server's own, so the machine's other load does not count

    def drive(
        self,
        server: RunningServer,
        requests: list[tuple[bytes, dict[str, str]]],
        total: int,
        concurrency: int,
        per_connection: int,
    ) -> None:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        cpu_before = server.cpu_seconds()
        per_client = total // concurrency
        threads = [
            threading.Thread(
                target=_client,
                args=(port, requests, per_client, index * 7, per_connection, self.latencies, self.failures),
            )
            for index in range(concurrency)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        self.seconds += time.perf_counter() - started
        self.cpu_seconds += server.cpu_seconds() - cpu_before

    def summary(self) -> dict[str, Any]:
        sent = len(self.latencies)
        return {
            "requests": sent,
            "seconds": round(self.seconds, 3),
            "throughput_rps": round(sent / self.seconds, 1),
            "p50_ms": round(percentile(self.latencies, 0.5), 2),
            "p99_ms": round(percentile(self.latencies, 0.99), 2),
            "mean_ms": round(statistics.fmean(self.latencies), 2),
            "server_cpu_us_per_request": round(self.cpu_seconds / sent * 1e6),
            "failures": len(self.failures),
            "failure_kinds": sorted(set(self.failures)),
        }


def round_order(servers: list[T], number: int) -> list[T]:
    """Round ``number``'s order: each round starts with the next server, so none always runs
    first (or right after the same neighbour) in a run."""
    start = number % len(servers)
    return servers[start:] + servers[:start]


def checkout(ref: str, directory: Path) -> Path:
    """The repository's files at ``ref`` (``git archive``), to serve the endpoint as it was."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(directory, filter="data")
    return directory


def run_load(
    requests: int,
    concurrency: int,
    workers: int,
    threads: int | None = None,
    rounds: int = 5,
    before: Path | None = None,
    per_connection: int = 10,
) -> dict[str, Any]:
    """Ours (verification on), the bare app and, given ``before`` (a checkout), ours as it was
    there: same config, same signed bodies, same connections, all running, measured in
    alternating rounds (each round starting with the next server) so that the machine's
    other load falls on each alike."""
    signer = Authority.create("Load Test Root").issue()
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as servers:
        authority = write_authority(signer, Path(scratch) / "authority")
        runtime = SkillRuntime(build_skill(default_store()), Settings())
        response_file = Path(scratch) / "launch-response.json"
        response_file.write_text(json.dumps(runtime.handle(envelope(launch_request()))))
        signed = signed_requests(signer, copies=20)
        ours = f'tools.signed_endpoint:create_app_for("{authority}")'
        apps = {
            "ours": (ours, {"SKILL_ID": LOCAL_SKILL_ID}, ROOT),
            "bare_flask": (
                f'bench.bare_flask:create_app_for("{response_file}")',
                {"ALEXA_VERIFY": "0"},
                ROOT,
            ),
        }
        if before is not None:
            apps["before"] = (ours, {"SKILL_ID": LOCAL_SKILL_ID}, before)
        running = {}
        for name, (app, extra, tree) in apps.items():
            port = free_port()
            env = {"LOG_LEVEL": "WARNING", "PYTHONPATH": str(tree)} | extra
            running[name] = servers.enter_context(
                running_server(gunicorn_server(port, workers, app, threads), port, env, cwd=tree)
            )
        measured = {name: Measurement() for name in apps}
        for server in running.values():  # warm-up, both workers of each (new connections)
            Measurement().drive(server, signed, min(requests // 10, 400), concurrency, per_connection)
        for number in range(rounds):
            for name, server in round_order(list(running.items()), number):
                measured[name].drive(server, signed, requests // rounds, concurrency, per_connection)
    servers_measured = {name: measurement.summary() for name, measurement in measured.items()}
    return {
        "date": datetime.date.today().isoformat(),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "workers": workers,
        "threads": threads or "config default",
        "concurrency": concurrency,
        "per_connection": per_connection,
        "rounds": rounds,
        **servers_measured,
        **{
            name: servers_measured[name] | ratios(servers_measured[name], servers_measured["bare_flask"])
            for name in ("ours", "before")
            if name in servers_measured
        },
        "targets": TARGETS,
    }


def ratios(ours: dict[str, Any], bare: dict[str, Any]) -> dict[str, float]:
    return {
        "throughput_ratio": round(ours["throughput_rps"] / bare["throughput_rps"], 2),
        "p99_ratio": round(ours["p99_ms"] / bare["p99_ms"], 2),
        "cpu_ratio": round(ours["server_cpu_us_per_request"] / bare["server_cpu_us_per_request"], 2),
    }


RUN_FIGURES = ("throughput_rps", "p50_ms", "p99_ms", "server_cpu_us_per_request")
RATIOS = ("throughput_ratio", "p99_ratio", "cpu_ratio")


def run_many(
    runs: int,
    requests: int,
    concurrency: int,
    workers: int,
    threads: int | None = None,
    before: str | None = None,
    per_connection: int = 10,
) -> dict[str, Any]:
    """``runs`` independent runs (fresh servers, freshly signed requests); each figure is the
    median over the runs, since one run on a shared machine swings with its neighbours."""
    with tempfile.TemporaryDirectory() as scratch:
        tree = checkout(before, Path(scratch)) if before else None
        results = [
            run_load(requests, concurrency, workers, threads, before=tree, per_connection=per_connection)
            for _ in range(runs)
        ]
    names = [name for name in ("ours", "before", "bare_flask") if name in results[0]]
    median = {
        name: {
            key: round(statistics.median(result[name][key] for result in results), 2)
            for key in RUN_FIGURES + (RATIOS if name != "bare_flask" else ())
        }
        | {"failures": sum(result[name]["failures"] for result in results)}
        for name in names
    }
    first = results[0]
    return {
        **{
            key: first[key]
            for key in (
                "date",
                "python",
                "machine",
                "workers",
                "threads",
                "concurrency",
                "per_connection",
                "rounds",
            )
        },
        "runs": runs,
        "before_ref": before,
        "requests_per_run": first["ours"]["requests"],
        "median": median,
        "per_run": {
            name: [{key: result[name][key] for key in RATIOS} for result in results]
            for name in names
            if name != "bare_flask"
        },
        "results": results,
        "targets": TARGETS,
    }


def figure(summary: dict[str, Any]) -> dict[str, Any]:
    """The medians in tools.figures' shape (docs/figures/web-load.json)."""
    median = summary["median"]
    ref = summary["before_ref"]
    names = ["ours", "before", "bare_flask"] if ref else ["ours", "bare_flask"]
    labels = {
        "ours": "ours (verification on)",
        "before": f"ours at {ref} (before)",
        "bare_flask": "bare Flask (no verification)",
    }
    compared = [name for name in names if name != "bare_flask"]

    def row(label: str, key: str, ratio: str | None = None, target: str = "") -> list[Any]:
        ratios = [median[name][ratio] if ratio else "" for name in compared]
        return [label, *(median[name][key] for name in names), *ratios, target]

    rows = [
        row("requests/s", "throughput_rps", "throughput_ratio", f"at least {TARGETS['throughput_ratio']}"),
        row("p50 ms", "p50_ms"),
        row("p99 ms", "p99_ms", "p99_ratio", f"at most {TARGETS['p99_ratio']}"),
        row("server CPU µs per request", "server_cpu_us_per_request", "cpu_ratio"),
        row("failures (all runs)", "failures", target="0"),
    ]
    each = "; ".join(
        f"{labels[name].split(' (')[0]}: "
        + ", ".join(f"{run['throughput_ratio']}x/{run['p99_ratio']}x" for run in summary["per_run"][name])
        for name in compared
    )
    return {
        "title": "Web endpoint under load, next to a bare Flask app",
        "command": "python -m bench.load" + (f" --before {ref}" if ref else ""),
        "tables": [
            {
                "caption": f"{summary['date']}, Python {summary['python']} on {summary['machine']}, "
                f"medians of {summary['runs']} runs",
                "columns": [
                    "",
                    *(labels[name] for name in names),
                    *(f"ratio to bare, {labels[name].split(' (')[0]}" for name in compared),
                    "target",
                ],
                "rows": rows,
            }
        ],
        "notes": [
            f"gunicorn with web/gunicorn.conf.py for every server, {summary['workers']} workers "
            f"({summary['threads']} threads); each run starts the servers, sends "
            f"{summary['requests_per_run']} requests to each over {summary['concurrency']} keep-alive "
            f"connections (each renewed every {summary['per_connection']} requests, so that both workers "
            f"get their share) in {summary['rounds']} alternating rounds, each round starting with the "
            "next server; the load generator shares the machine.",
            "Ours verifies every request (the generator signs with a test authority the server trusts); "
            "the bare app parses the body and returns the same JSON, without verification or skill.",
            "Each figure and ratio is the median over the runs (a ratio is the median of the runs' ratios); "
            f"throughput/p99 ratio of each run, {each}.",
            "Server CPU counts only each server's own processes, never the load generator's; a busy "
            "machine still slows every instruction, so compare the ratios within a run, not figures "
            "across days.",
        ]
        + (
            [f"Before: the endpoint as it was at commit {ref} (git archive), same venv, same requests."]
            if ref
            else []
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=4000, help="per server and run")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--per-connection", type=int, default=10, help="requests per keep-alive connection before a new one"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--before", metavar="COMMIT", help="also serve ours as it was at this commit")
    args = parser.parse_args(argv)
    logger.set_level("WARNING")  # the launch response it writes for the bare app is not news
    summary = run_many(
        args.runs,
        args.requests,
        args.concurrency,
        args.workers,
        args.threads,
        args.before,
        args.per_connection,
    )
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULT_FILE.write_text(json.dumps(summary, indent=2) + "\n")
    FIGURE_FILE.parent.mkdir(parents=True, exist_ok=True)
    FIGURE_FILE.write_text(json.dumps(figure(summary), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        json.dumps({key: summary[key] for key in ("runs", "requests_per_run", "median", "per_run")}, indent=2)
    )
    print(
        f"wrote {RESULT_FILE.relative_to(ROOT)} and {FIGURE_FILE.relative_to(ROOT)}; "
        "render the docs with python -m tools figures"
    )
    return 1 if any(figures["failures"] for figures in summary["median"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
