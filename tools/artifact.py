"""The skill's part of the Lambda artifact, run by ``make build-SkillFunction`` under the
Lambda's Python: ``python3.13 -B -m tools.artifact ARTIFACTS_DIR``.

Copies the package's own files (its modules and data files, never a developer's
``__pycache__``) and builds the catch-all's index into a data file, so that no request
pays for building it. The Makefile then compiles everything to bytecode.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from skill.ranking import QUESTION_INDEX_FILE, question_index_document
from skill.store import default_store

PACKAGE = Path(__file__).resolve().parents[1] / "skill"


def package_files(package: Path = PACKAGE) -> list[Path]:
    """The package's modules and everything under its data/ folder, relative to the package."""
    modules = sorted(path.relative_to(package) for path in package.glob("*.py"))
    data = sorted(path.relative_to(package) for path in (package / "data").rglob("*") if path.is_file())
    return modules + data


def build(artifacts_dir: Path) -> None:
    target = artifacts_dir / PACKAGE.name
    for relative in package_files():
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PACKAGE / relative, target / relative)
    index_file = target / "data" / QUESTION_INDEX_FILE
    index_file.write_text(question_index_document(default_store()), encoding="utf-8")


if __name__ == "__main__":
    build(Path(sys.argv[1]))
