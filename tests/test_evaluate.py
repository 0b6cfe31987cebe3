"""``python -m tools evaluate``: every evaluation set on every path, figures from one run."""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests.helpers import require_tool, run_cli
from tools.cli import EVAL_DIR, FIGURES
from tools.evaluate import (
    answer_intents,
    catch_all_path,
    classifier_path,
    eval_sets,
    evaluate,
    figures_document,
    simulator_path,
)


@pytest.fixture(scope="module")
def results(handler, store):
    require_tool(importlib.util.find_spec("sklearn") is not None, "scikit-learn (requirements-dev.txt)")
    paths = {
        "catch-all": catch_all_path(handler, "en-US"),
        "simulator": simulator_path(handler, "en-US"),
        "classifier": classifier_path(store, "en-US"),
    }
    return evaluate(eval_sets(EVAL_DIR), paths, answer_intents(store))


@pytest.mark.slow
def test_the_committed_figures_are_a_fresh_run(results):
    """What docs cite is what the code does now: run `python -m tools evaluate` after a change."""
    committed = json.loads(FIGURES.read_text(encoding="utf-8"))
    assert committed == figures_document(results, "en-US")


def test_every_set_is_measured_on_every_path(results):
    assert {"natural_dev", "natural_heldout", "near_miss_dev", "near_miss_heldout"} <= set(results)
    for by_path in results.values():
        assert set(by_path) == {"catch-all", "simulator", "classifier"}


@pytest.mark.slow
def test_the_command_prints_one_table_and_writes_json(tmp_path):
    require_tool(importlib.util.find_spec("sklearn") is not None, "scikit-learn (requirements-dev.txt)")
    sets = tmp_path / "sets"
    sets.mkdir()
    (sets / "tiny_dev.tsv").write_text(
        "# a comment\n"
        "what doctor treats trigger points\tdoctor\n"
        "how do I bake a cake\tnone\n"
        "I have crushing chest pain right now\tcardiac\n",
        encoding="utf-8",
    )
    out = tmp_path / "figures.json"
    result = run_cli("evaluate", "--sets", str(sets), "--out", str(out), "--misses", "tiny_dev")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["set", "path"]
    catch_all = next(line for line in lines if line.startswith("tiny_dev") and "catch-all" in line)
    assert "1/1 (100.0%)" in catch_all  # the doctor answer, and the emergency reached
    tiny = json.loads(out.read_text(encoding="utf-8"))["sets"]["tiny_dev"]
    assert tiny["catch-all"]["right"] == 1 and tiny["catch-all"]["reached_help"] == 1
    assert tiny["catch-all"]["answered_unanswerable"] == 0
    assert tiny["classifier"]["right_intent"] == 1
