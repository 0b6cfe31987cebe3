"""Which manifest interfaces the skill's code uses, read from its source (``skill/``) with
the rules of ``data/interfaces.json``: what the code can send or answer, whether or not a
test happens to exercise it."""

from __future__ import annotations

import ast
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INTERFACES_FILE = Path(__file__).parent / "data" / "interfaces.json"
SKILL_DIR = Path(__file__).resolve().parents[1] / "skill"


@dataclass(frozen=True)
class Rule:
    sdk_modules: tuple[str, ...]
    type_prefixes: tuple[str, ...]
    calls: tuple[str, ...]

    def imports(self, module: str) -> bool:
        return any(module == prefix or module.startswith(prefix + ".") for prefix in self.sdk_modules)


def _rule(rule: dict[str, list[str]]) -> Rule:
    return Rule(tuple(rule["sdk_modules"]), tuple(rule["type_prefixes"]), tuple(rule["calls"]))


def _document() -> dict[str, Any]:
    return dict(json.loads(INTERFACES_FILE.read_text(encoding="utf-8")))


def rules() -> dict[str, Rule]:
    return {name: _rule(rule) for name, rule in _document()["interfaces"].items()}


def _evidence(tree: ast.AST, rule: Rule) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and rule.imports(node.module):
            found.append((node.lineno, f"imports {node.module}"))
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if rule.imports(alias.name)]
            found += [(node.lineno, f"imports {name}") for name in names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if any(node.value.startswith(prefix) for prefix in rule.type_prefixes):
                found.append((node.lineno, f'names "{node.value}"'))
        elif isinstance(node, ast.Attribute) and node.attr in rule.calls:
            found.append((node.lineno, f"calls {node.attr}"))
    return found


def _uses(code_dir: Path, named_rules: dict[str, Rule]) -> dict[str, list[str]]:
    used: dict[str, list[str]] = defaultdict(list)
    for path in sorted(code_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, rule in named_rules.items():
            used[name] += [f"{path.name}:{line} {what}" for line, what in _evidence(tree, rule)]
    return {name: places for name, places in used.items() if places}


def used_interfaces(code_dir: Path = SKILL_DIR) -> dict[str, list[str]]:
    """Interface type to where the code uses it ("apl.py:87 imports ...")."""
    return _uses(code_dir, rules())


def personal_data_uses(code_dir: Path = SKILL_DIR) -> list[str]:
    """Where the code reads or keeps personal data (empty: it does not)."""
    return _uses(code_dir, {"personal": _rule(_document()["personal_data"])}).get("personal", [])
