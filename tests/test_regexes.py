"""The data files' regular expressions, compiled ahead of time for the artifact: each stored
program makes exactly the pattern re.compile makes, and only its own interpreter uses it."""

from __future__ import annotations

import marshal
import re

from skill import regexes
from skill.safety import safety_rules
from tools.artifact import data_file_sources, regex_programs


def _stored(tmp_path, data: bytes) -> dict:
    path = tmp_path / regexes.PROGRAMS_FILE
    path.write_bytes(data)
    return regexes.load_programs(str(path))


def test_every_stored_program_is_the_pattern_re_compiles(tmp_path):
    sources = data_file_sources()
    assert {category.pattern.pattern for category in safety_rules().categories} <= sources
    programs = _stored(tmp_path, regex_programs(sources))
    assert set(programs) == sources
    for source, program in programs.items():
        pattern = regexes.from_program(source, program)
        assert pattern == re.compile(source)  # patterns compare by flags, source and program
        assert (pattern.groups, dict(pattern.groupindex)) == (re.compile(source).groups, {})


def test_a_program_matches_as_re_does(tmp_path):
    source = r"\b(?P<what>chest|heart)\b.{0,20}\b(pain|attack)\b"
    pattern = regexes.from_program(source, _stored(tmp_path, regex_programs([source]))[source])
    found = pattern.search("sudden heart, then a crushing attack")
    assert found is not None and found.group("what") == "heart" and found.span() == (7, 36)
    assert pattern.search("a heart shaped stone") is None


def test_programs_of_another_interpreter_or_no_file_are_not_used(tmp_path):
    other = marshal.dumps({"interpreter": "cpython 2.7", "programs": {"x": (32, b"", 0, {}, (None,))}})
    assert _stored(tmp_path, other) == {}
    assert regexes.load_programs(str(tmp_path / "absent.marshal")) == {}
