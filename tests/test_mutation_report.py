"""`make mutation`'s report: every mutant left by a run is explained, or the report fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.mutation_report import EXPLAINED, MutationReportError, module_of, mutant_statuses, report

KINDS = {"message": "only the reason's text", "equivalent": "the same behaviour"}


def _run(directory: Path, codes: dict[str, int]) -> dict[str, str]:
    """A run's results as mutmut leaves them: one .meta file per mutated module."""
    (directory / "skill").mkdir(parents=True)
    (directory / "skill" / "safety.py.meta").write_text(json.dumps({"exit_code_by_key": codes}))
    return mutant_statuses(directory)


def test_counts_per_module_and_every_survivor_explained(tmp_path):
    statuses = _run(
        tmp_path,
        {"skill.safety.x_a__mutmut_1": 1, "skill.safety.x_a__mutmut_2": 0, "skill.safety.x_a__mutmut_3": -24},
    )
    explained = {
        "kinds": KINDS,
        "mutants": {
            "skill.safety.x_a__mutmut_2": ["message", "the reason's text"],
            "skill.safety.x_a__mutmut_3": ["equivalent", "the same"],
        },
    }
    document = report(statuses, explained, "abc1234")
    summary, per_kind, rows = document["tables"]
    assert summary["rows"][0] == ["skill/safety.py", 3, 1, 1, 1, 0, "33.3%"]
    assert per_kind["rows"] == [["message", KINDS["message"], 1], ["equivalent", KINDS["equivalent"], 1]]
    assert [row[:3] for row in rows["rows"]] == [
        ["skill.safety.x_a__mutmut_2", "survived", "message"],
        ["skill.safety.x_a__mutmut_3", "timeout", "equivalent"],
    ]


def test_a_survivor_without_an_explanation_fails_the_report(tmp_path):
    statuses = _run(tmp_path, {"skill.safety.x_a__mutmut_1": 0, "skill.safety.x_a__mutmut_2": 33})
    explained = {"kinds": KINDS, "mutants": {"skill.safety.x_a__mutmut_1": ["message", "text"]}}
    with pytest.raises(MutationReportError, match=r"^1 mutants not killed and not explained: .*mutmut_2$"):
        report(statuses, explained, "abc1234")


def test_an_explanation_of_an_unknown_kind_fails_the_report(tmp_path):
    statuses = _run(tmp_path, {"skill.safety.x_a__mutmut_1": 0})
    with pytest.raises(MutationReportError, match="known kind"):
        report(statuses, {"kinds": KINDS, "mutants": {"skill.safety.x_a__mutmut_1": ["probably", "x"]}}, "x")


def test_the_explanations_file_names_mutants_of_the_mutated_modules_only():
    explained = json.loads(EXPLAINED.read_text(encoding="utf-8"))
    modules = {module_of(name) for name in explained["mutants"]}
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert all(f'"{module}"' in pyproject.split("only_mutate")[1].split("\n")[0] for module in modules)
    assert {kind for kind, _why in explained["mutants"].values()} <= set(explained["kinds"])
