"""The skill's part of the Lambda artifact, run by ``make build-SkillFunction`` under the
Lambda's Python: ``python3.13 -B -m tools.artifact ARTIFACTS_DIR``.

Copies the package's own files (its modules and data files, never a developer's
``__pycache__``), removes the dependencies' files that the skill never uses, builds the
catch-all's index into a data file, stores the compiled programs of the data files' regular
expressions (``skill/regexes.py``) and packs the second opinion's weights in place of their
JSON (``skill/packed_model.py``), so that no request pays for any of that.
The Makefile then compiles everything to bytecode.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # the C matcher behind re, without type stubs
import importlib
import marshal
import re
import shutil
import sys
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from skill import regexes
from skill.data_files import read_json
from skill.guards import load_guards
from skill.packed_model import pack, packed_name
from skill.ranking import QUESTION_INDEX_FILE, question_index_file
from skill.safety import parse_rules
from skill.second_opinion import MODEL_FILE
from skill.store import default_store

# re's pure-Python parser and code generator, as re.compile runs them (no type stubs either).
_PARSER: Any = importlib.import_module("re._parser")
_COMPILER: Any = importlib.import_module("re._compiler")

PACKAGE = Path(__file__).resolve().parents[1] / "skill"

# Files of the locked packages that nothing the skill runs imports or reads: dateutil's
# recurrence rules and Easter dates, and its own copy of the time zone database (about 150 KB
# that zipping cannot shrink; the SDK only parses timestamps, which carry their offset).
# tests/test_deploy.py runs every event through the artifact without them.
UNUSED_DEPENDENCY_FILES = (
    "dateutil/rrule.py",
    "dateutil/easter.py",
    "dateutil/zoneinfo/dateutil-zoneinfo.tar.gz",
)


def package_files(package: Path = PACKAGE) -> list[Path]:
    """The package's modules and everything under its data/ folder, relative to the package."""
    modules = sorted(path.relative_to(package) for path in package.glob("*.py"))
    data = sorted(path.relative_to(package) for path in (package / "data").rglob("*") if path.is_file())
    return modules + data


def regex_programs(sources: Iterable[str]) -> bytes:
    """Each source's program, as re.compile makes it under this interpreter, for
    ``skill/regexes.py``; refused unless the C matcher given it makes the very same pattern."""
    programs: dict[str, tuple[Any, ...]] = {}
    for source in sorted(sources):
        pattern = re.compile(source)
        indexgroup: list[str | None] = [None] * (pattern.groups + 1)
        for name, number in pattern.groupindex.items():
            indexgroup[number] = name
        code = _COMPILER._code(_PARSER.parse(source, 0), 0)
        program = (pattern.flags, code, pattern.groups, dict(pattern.groupindex), tuple(indexgroup))
        if _sre.compile(source, *program) != pattern:
            raise SystemExit(f"tools.artifact: the stored program of {source[:60]!r} differs from re's")
        programs[source] = (program[0], array(regexes.PROGRAM_TYPECODE, code).tobytes(), *program[2:])
    return marshal.dumps({"interpreter": regexes.interpreter(), "programs": programs})


def data_file_sources() -> set[str]:
    """The regular expressions the safety rules and the guards compile when they load."""
    regexes.compiled_sources.clear()
    parse_rules(read_json("safety.json"))
    load_guards(default_store())
    return set(regexes.compiled_sources)


def build(artifacts_dir: Path) -> None:
    target = artifacts_dir / PACKAGE.name
    for relative in package_files():
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PACKAGE / relative, target / relative)
    index_file = target / "data" / QUESTION_INDEX_FILE
    index_file.write_bytes(question_index_file(default_store()))
    (target / "data" / regexes.PROGRAMS_FILE).write_bytes(regex_programs(data_file_sources()))
    (target / "data" / packed_name(MODEL_FILE)).write_bytes(pack(MODEL_FILE))
    (target / "data" / MODEL_FILE).unlink()  # the packed file holds all of it
    for unused in UNUSED_DEPENDENCY_FILES:
        (artifacts_dir / unused).unlink()  # a new version that moved one fails the build here


if __name__ == "__main__":
    build(Path(sys.argv[1]))
