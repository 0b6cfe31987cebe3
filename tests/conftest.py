"""Shared fixtures: the real Lambda handler, local Alexa sessions, the bundled store."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import settings

from skill.store import AnswerStore, default_store
from tools.envelopes import LocalSession
from tools.lambda_entry import load_lambda_handler

# CI runs the full property-based budget; a developer's run stays quick.
settings.register_profile("ci", max_examples=2000)
settings.register_profile("dev", max_examples=150)
settings.load_profile("ci" if os.environ.get("REQUIRE_ALL_TOOLS") == "1" else "dev")


def _clear_skill_caches() -> None:
    """Every functools cache of the runtime package: replies, SSML, parsed data files, the runtime.

    Each test then runs the skill's code, not what an earlier test left cached (which would also
    hide a mutant from `make mutation`, whose workers fork from the process that ran the suite)."""
    for name, module in list(sys.modules.items()):
        if name == "skill" or name.startswith("skill."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test builds the skill from its own environment (SKILL_ID may differ), cold."""
    monkeypatch.delenv("SKILL_ID", raising=False)
    _clear_skill_caches()
    yield
    _clear_skill_caches()


@pytest.fixture(scope="session")
def handler() -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    return load_lambda_handler()


@pytest.fixture
def session(handler) -> LocalSession:
    return LocalSession(handler)


@pytest.fixture(scope="session")
def store() -> AnswerStore:
    return default_store()
