"""The catch-all's index as the Lambda artifact carries it: prebuilt into a data file at
``sam build``, loaded per container, deciding exactly as the index built in memory does."""

from __future__ import annotations

from pathlib import Path

from skill.ranking import question_index_file, question_matcher
from skill.store import AnswerStore
from tests.test_ranking import _paraphrases
from tools.artifact import package_files

QUERIES = [
    "knots between my shoulder blades",
    "what causes kidney stones",
    "muscle relaxers",
    "tingling and numbness from a pinched nerve",
    "back",
]


def _decisions(matcher, queries):
    return [
        (
            decision.answer and decision.answer.id,
            [entry.id for entry in decision.candidates],
            decision.best_score,
        )
        for decision in map(matcher.decide, queries)
    ]


def test_a_prebuilt_index_decides_as_one_built_in_memory(store, tmp_path):
    index_file = tmp_path / "question_index.marshal"
    index_file.write_bytes(question_index_file(store))
    prebuilt = question_matcher(store, str(index_file))
    assert prebuilt._built is not None  # loaded, not left to build on the first question
    queries = [query for query, _ in _paraphrases()] + QUERIES
    assert _decisions(prebuilt, queries) == _decisions(
        question_matcher(store, str(tmp_path / "none")), queries
    )


def test_an_index_built_from_another_store_is_not_used(store, tmp_path):
    index_file = tmp_path / "question_index.marshal"
    changed = store.entries[0]._replace(samples=("something else entirely", *store.entries[0].samples))
    index_file.write_bytes(question_index_file(AnswerStore((changed, *store.entries[1:]))))
    assert question_matcher(store, str(index_file))._built is None


def test_the_artifact_gets_the_packages_modules_and_data_only(tmp_path):
    package = tmp_path / "skill"
    (package / "data" / "apl").mkdir(parents=True)
    (package / "__pycache__").mkdir()
    for name in (
        "__init__.py",
        "app.py",
        "data/answers.json",
        "data/apl/document.json",
        "__pycache__/app.pyc",
    ):
        (package / name).write_text("")
    assert package_files(package) == [
        Path("__init__.py"),
        Path("app.py"),
        Path("data/answers.json"),
        Path("data/apl/document.json"),
    ]
