"""``python -m tools mutation-report``: mutmut's results as docs/figures/mutation.json.

mutmut keeps each mutant's fate as an exit code in ``mutants/<module>.py.meta``. This reads
them, counts them per module, and joins every mutant that was not killed to its explanation
in docs/mutation-survivors.json (a kind and one line, or the test that kills it since the
run). A mutant without one is an error, so `make mutation` fails while any survivor is
unexplained; the figures page then shows the counts and every row, none typed by hand.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXPLAINED = ROOT / "docs" / "mutation-survivors.json"
FIGURE = ROOT / "docs" / "figures" / "mutation.json"

# mutmut 3's exit codes (mutmut/stats.py), the ones a run of ours can leave.
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests"}
STATUS |= dict.fromkeys((-24, 24, 36, 152, 255), "timeout")
NOT_KILLED = ("survived", "timeout", "no tests")


class MutationReportError(ValueError):
    """A mutant without an explanation, or an explanation of an unknown kind."""


def mutant_statuses(mutants_dir: Path) -> dict[str, str]:
    """Every mutant's status, by name, from the .meta files a run left in ``mutants_dir``."""
    statuses: dict[str, str] = {}
    for meta in sorted(mutants_dir.rglob("*.py.meta")):
        for name, code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items():
            statuses[name] = STATUS.get(code, f"exit code {code}")
    if not statuses:
        raise MutationReportError(f"no mutmut results under {mutants_dir} (run `make mutation`)")
    return statuses


def module_of(name: str) -> str:
    """``skill.safety.x_assess__mutmut_3`` -> ``skill/safety.py`` (mutmut's function part has no dot)."""
    return name.rsplit(".", 1)[0].replace(".", "/") + ".py"


def _summary(statuses: dict[str, str]) -> dict[str, Any]:
    by_module: dict[str, Counter[str]] = {}
    for name, status in statuses.items():
        by_module.setdefault(module_of(name), Counter())[status] += 1
    by_module["all"] = sum(by_module.values(), Counter())
    rows: list[list[str | int]] = []
    for module, counts in by_module.items():
        total, killed = sum(counts.values()), counts["killed"]
        left = [counts[status] for status in NOT_KILLED]
        rows.append([module, total, killed, *left, f"{100 * killed / total:.1f}%"])
    columns = ["module", "mutants", "killed", *NOT_KILLED, "killed share"]
    return {"caption": "Mutants per module", "columns": columns, "rows": rows}


def report(statuses: dict[str, str], explained: dict[str, Any], commit: str) -> dict[str, Any]:
    """The figure document: counts per module, per kind, and every mutant that was not killed."""
    kinds: dict[str, str] = explained["kinds"]
    notes: dict[str, list[str]] = explained["mutants"]
    left = {name: status for name, status in statuses.items() if status != "killed"}
    unknown = sorted(set(left.values()) - set(NOT_KILLED))
    if unknown:
        raise MutationReportError(f"mutants with a status this report does not know: {unknown}")
    missing = sorted(name for name in left if name not in notes)
    if missing:
        raise MutationReportError(
            f"{len(missing)} mutants not killed and not explained: {', '.join(missing)}"
        )
    bad = sorted(name for name in left if notes[name][0] not in kinds or not notes[name][1].strip())
    if bad:
        raise MutationReportError(f"explanations without a known kind or a line: {', '.join(bad)}")
    per_kind = {kind: sum(1 for name in left if notes[name][0] == kind) for kind in kinds}
    stale = sorted(set(notes) - set(left))
    return {
        "title": "Mutation testing (mutmut) of the safety-critical modules",
        "command": "make mutation",
        "tables": [
            _summary(statuses),
            {
                "caption": "Mutants not killed, by kind (docs/mutation.md says what each kind means)",
                "columns": ["kind", "meaning", "mutants"],
                "rows": [[kind, meaning, per_kind[kind]] for kind, meaning in kinds.items()],
            },
            {
                "caption": "Every mutant not killed by the run, explained",
                "columns": ["mutant", "status", "kind", "why"],
                "rows": [[name, left[name], *notes[name]] for name in sorted(left)],
            },
        ],
        "notes": [
            f"The run was on commit {commit}; mutmut's diff of a mutant: "
            "`.venv-mutation/bin/python -m mutmut show <mutant>`.",
            "Kind 'killed since': the test named was added after the run; applied by hand, "
            "the mutant makes it fail.",
            *([f"Explained but not left by this run (killed now?): {', '.join(stale)}"] if stale else []),
        ],
    }


def _commit(root: Path) -> str:
    found = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return found.stdout.strip() or "unknown"


def write_report(root: Path = ROOT, explained: Path = EXPLAINED, out: Path = FIGURE) -> Path:
    """Read the run in ``root``/mutants, write ``out``; raises while a mutant is unexplained."""
    document = report(
        mutant_statuses(root / "mutants"), json.loads(explained.read_text(encoding="utf-8")), _commit(root)
    )
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out
