"""The benchmark runs and writes its report (a smoke test: no timing is asserted here)."""

from __future__ import annotations

import json
import sys

import pytest

from bench.artifact import size
from bench.synthetic import synthetic_store
from skill.ranking import question_matcher
from tests.helpers import run_cli

pytestmark = [pytest.mark.slow]

QUICK = ("--cold-runs", "1", "--retrieval-repeats", "1", "--skip-size")


def test_the_benchmark_runs_and_reports_side_by_side(tmp_path):
    output = tmp_path / "result.json"
    result = run_cli(
        *QUICK, "--requests", "100", "--sizes", "13", "200", "--output", str(output), module="bench"
    )
    assert result.returncode == 0, result.stderr
    assert "cold start, median ms" in result.stdout and "catch-all ms/query, 200 entries" in result.stdout
    report = json.loads(output.read_text())
    labels = {row["label"] for row in report["rows"]}
    assert {
        "cold start, median ms",
        "warm p50 ms, our mix vs their launch",
        "warm p50 ms, catch-all",
    } <= labels
    assert report["results"]["warm"]["ours"]["all"]["n"] == 100
    assert report["python"] == ".".join(map(str, sys.version_info[:3]))

    again = run_cli(
        *QUICK,
        "--requests",
        "50",
        "--sizes",
        "13",
        "--output",
        str(tmp_path / "b.json"),
        "--compare",
        str(output),
        module="bench",
    )
    assert again.returncode == 0, again.stderr
    assert "previous" in again.stdout.splitlines()[1]


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
