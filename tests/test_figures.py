"""The figures page is rendered from the figure files, so no figure in the docs is typed by hand."""

from __future__ import annotations

import json

import pytest

from tools.figures import FigureFileError, page_drifted, render_page


def test_the_committed_figures_page_matches_the_figure_files():
    assert not page_drifted(), "run `python -m tools figures` after measuring"


def test_a_figure_file_renders_its_tables_and_notes(tmp_path):
    figure = {
        "title": "Catch-all",
        "command": "python -m tools evaluate",
        "tables": [{"caption": "held-out", "columns": ["path", "correct"], "rows": [["catch-all", 0.93]]}],
        "notes": ["zero wrong answers"],
    }
    (tmp_path / "eval.json").write_text(json.dumps(figure))
    page = render_page(tmp_path)
    assert "## Catch-all" in page
    assert "| catch-all | 0.93 |" in page
    assert "- zero wrong answers" in page


def test_a_row_of_the_wrong_width_is_refused(tmp_path):
    figure = {"title": "Bad", "tables": [{"columns": ["a", "b"], "rows": [["only one"]]}]}
    (tmp_path / "bad.json").write_text(json.dumps(figure))
    with pytest.raises(FigureFileError, match="2 cells"):
        render_page(tmp_path)


def test_the_evaluation_counts_render_as_one_table_of_every_set_and_path(tmp_path):
    counts = {"answerable": 4, "right": 3, "wrong": 0, "unanswerable": 2, "answered_unanswerable": 0}
    counts |= {"right_intent": 3, "emergencies": 0, "reached_help": 0, "false_alarms": 0}
    document = {"locale": "en-US", "sets": {"natural_heldout": {"catch-all": counts, "simulator": counts}}}
    (tmp_path / "evaluation.json").write_text(json.dumps(document))
    page = render_page(tmp_path)
    assert "## Evaluation sets, every path in one run, now (en-US)" in page
    assert "| natural_heldout | catch-all | 3/4 (75.0%) | 0 | 0/2 (0.0%) | - | 0 |" in page
    assert "| natural_heldout | simulator |" in page
