"""The benchmark machinery, on tiny inputs (no timing is asserted: figures live in docs/figures/)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.__main__ import document
from bench.artifact import size
from bench.load import _client, round_order
from bench.mix import baseline_requests, realistic_mix, screen_answers
from bench.retrieval import retrieval_scale
from bench.synthetic import synthetic_store
from bench.warm import measure
from skill.ranking import question_matcher
from tests.helpers import lambda_python, require_tool, run_cli


def _results(ours_cold: float, ours_p50: float) -> dict:
    warm = {"p50_ms": ours_p50, "p99_ms": 2 * ours_p50, "wall_p50_ms": ours_p50, "wall_p99_ms": 9.0, "n": 10}
    launch = {"p50_ms": 0.1, "p99_ms": 0.2, "wall_p50_ms": 0.1, "wall_p99_ms": 3.0, "n": 10}
    cold = {"cpu_ms": ours_cold, "wall_ms": ours_cold, "runs": 3}
    return {
        "python": "3.13.0",
        "machine": "x86_64",
        "artifact": {
            name: {"files": 10, "unzipped_bytes": 100, "zipped_bytes": 50} for name in ("ours", "baseline")
        },
        "cold_start": {
            "ours launch": cold,
            "ours question": cold,
            "baseline launch": {**cold, "cpu_ms": 100.0},
        },
        "warm": {
            "ours": {"mix": warm, "answer on a screen": warm, "launch": warm},
            "baseline": {"launch": launch},
        },
        "retrieval": [
            {
                "entries": 10_000,
                "index_build_ms": 900.0,
                "kept_mib": 12.0,
                "peak_mib": 90.0,
                "ms_per_query": 0.3,
            }
        ],
    }


def test_the_figure_file_says_which_targets_are_met():
    figure = document(_results(ours_cold=104.0, ours_p50=0.2), "2026-11-25")
    rows = {row[0]: row for row in figure["tables"][0]["rows"]}
    launch = rows["cold start CPU ms, first request a launch (median of 3)"]
    assert launch[1:] == [104.0, 100.0, "1.04x", "≤ 1.05x", "yes"]
    question = rows["cold start CPU ms, first request a one-shot question, vs their launch"]
    assert question[-1] == "yes"
    assert rows["warm p99 wall ms, the request mix, vs their launch"][3:] == ["3.00x", "", ""]
    assert rows["warm p50 CPU ms, an answer on an APL device, vs their launch"][3:] == [
        "2.00x",
        "≤ 1.3x",
        "**no**",
    ]
    assert rows["artifact MB, zipped"][3:] == ["1.00x", "≤ 0.8x", "**no**"]
    assert figure["tables"][1]["rows"] == [[10_000, 900.0, 12.0, 90.0, 0.3, "**no**"]]  # 0.3 ms a query
    assert figure["results"]["python"] == "3.13.0"


def test_the_warm_worker_times_every_kind_for_its_count(handler):
    workload = {
        "groups": {"mix": realistic_mix(), "screen": screen_answers()},
        "counts": {"mix": 30, "screen": 4},
    }
    timings = measure(handler, json.loads(json.dumps(workload)))
    assert sum(map(len, timings.values())) == 34
    assert len(timings["answer on a screen"]) == 4 and {"launch", "catch-all", "stop"} <= set(timings)


def test_the_baseline_answers_its_requests():
    assert [kind for kind, _ in baseline_requests()] == ["launch", "hello"]


def test_retrieval_scale_reports_time_and_memory():
    result = retrieval_scale(200, 1)
    assert result["entries"] == 200 and result["queries"] > 0
    assert 0 < result["kept_mib"] < 5 and result["index_build_ms"] > 0 and result["ms_per_query"] > 0


def test_synthetic_stores_are_searchable():
    store, queries = synthetic_store(300)
    assert len(store.entries) == 300 and queries
    matcher = question_matcher(store)
    answered = [query for query in queries[::2] if matcher.decide(query).answer is not None]
    assert answered  # paraphrases of entries find their entry


def test_artifact_size_counts_files_and_zip(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n" * 100)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "b.json").write_text("{}")
    measured = size(tmp_path)
    assert measured["files"] == 2 and measured["unzipped_bytes"] == 602
    assert 0 < measured["zipped_bytes"] < 602 + 400


@pytest.mark.slow
@pytest.mark.external
def test_the_benchmark_builds_both_artifacts_and_writes_its_figures(tmp_path):
    require_tool(lambda_python() is not None, "python3.13 (the Lambda runtime's Python)")
    output = tmp_path / "performance.json"
    quick = (
        "--cold-runs",
        "1",
        "--requests",
        "40",
        "--rounds",
        "2",
        "--sizes",
        "13",
        "--retrieval-repeats",
        "1",
    )
    result = run_cli(*quick, "--output", str(output), module="bench")
    assert result.returncode == 0, result.stderr
    figure = json.loads(output.read_text())
    assert figure["results"]["python"].startswith("3.13")
    assert figure["results"]["warm"]["ours"]["mix"]["n"] == 20 * 2
    assert "| cold start CPU ms, first request a launch (median of 1) |" in result.stdout
    sizes = figure["results"]["artifact"]
    assert sizes["ours"]["zipped_bytes"] < sizes["baseline"]["zipped_bytes"]


def test_each_load_round_starts_with_the_next_server():
    servers = ["ours", "bare_flask", "before"]
    orders = [round_order(servers, number) for number in range(6)]
    assert orders[:3] == [servers, ["bare_flask", "before", "ours"], ["before", "ours", "bare_flask"]]
    assert orders[3:] == orders[:3]
    for position in range(3):  # every server in every place, once per three rounds
        assert sorted(order[position] for order in orders[:3]) == sorted(servers)


def test_the_load_client_renews_its_keep_alive_connection_every_few_requests():
    """So that a run does not measure one chance split of connections between gunicorn's workers."""
    seen = {"connections": 0, "requests": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive

        def setup(self) -> None:
            seen["connections"] += 1
            super().setup()

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            seen["requests"] += 1
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    latencies: list[float] = []
    failures: list[str] = []
    try:
        _client(server.server_address[1], [(b"{}", {})], 25, 0, 10, latencies, failures)
    finally:
        server.shutdown()
        server.server_close()
    assert failures == []
    assert len(latencies) == 25 and seen["requests"] == 25
    assert seen["connections"] == 3  # 10 + 10 + 5
