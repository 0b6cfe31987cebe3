"""The data files' regular expressions, compiled once per process, and ahead of time in the artifact.

Python's ``re`` compiler is pure Python: compiling the safety rules and the guards was most of
what a cold start's first question cost beyond a launch. What it produces is a list of integers
for the C matcher (``_sre``), so the Lambda build (``tools/artifact.py``) stores each pattern's
program, made by the same interpreter version, in ``data/regexes.marshal``, and here it is
handed straight to the C matcher. A stored program serves only the exact source it was made
from and only under the interpreter (version and ``_sre`` magic) that made it; every other
source is compiled as usual, as in the development tree, which has no such file. The build
refuses a program whose pattern differs from ``re.compile``'s (patterns compare by program).
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # the C matcher behind re, without type stubs
import marshal
import re
import sys
from array import array
from functools import cache
from typing import Any

from skill.data_files import data_path

PROGRAMS_FILE = "regexes.marshal"
# Program words as stored: _sre's code units are CODESIZE bytes, which the interpreter key holds.
PROGRAM_TYPECODE = "I"

# Every source asked for since the build last cleared it: what the build stores programs for.
compiled_sources: set[str] = set()


def interpreter() -> str:
    """What a stored program depends on: the exact interpreter and its matcher's format."""
    return f"{sys.implementation.name} {sys.version} {_sre.MAGIC} {_sre.CODESIZE}"


def load_programs(path: str) -> dict[str, tuple[Any, ...]]:
    """Source -> (flags, code bytes, groups, groupindex, indexgroup) from a programs file,
    or nothing when there is no file or another interpreter made it."""
    try:
        with open(path, "rb") as handle:
            document = marshal.loads(handle.read())  # load(handle) reads the file in small pieces
    except FileNotFoundError:
        return {}
    if document.get("interpreter") != interpreter():
        return {}
    programs: dict[str, tuple[Any, ...]] = document["programs"]
    return programs


@cache
def _programs() -> dict[str, tuple[Any, ...]]:
    return load_programs(data_path(PROGRAMS_FILE))


def from_program(source: str, program: tuple[Any, ...]) -> re.Pattern[str]:
    """The pattern the C matcher makes of a stored program: what re.compile(source) made."""
    flags, code, groups, groupindex, indexgroup = program
    pattern: re.Pattern[str] = _sre.compile(
        source, flags, array(PROGRAM_TYPECODE, code).tolist(), groups, groupindex, indexgroup
    )
    return pattern


def compile(source: str) -> re.Pattern[str]:
    """``re.compile(source)``, from the stored program when the artifact has one."""
    compiled_sources.add(source)
    return _compiled(source)


@cache
def _compiled(source: str) -> re.Pattern[str]:
    program = _programs().get(source)
    return re.compile(source) if program is None else from_program(source, program)
