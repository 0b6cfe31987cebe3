"""Shared fixtures: the real Lambda handler, local Alexa sessions, the bundled store."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import settings

from skill.app import default_runtime
from skill.store import AnswerStore, default_store
from tools.envelopes import LocalSession
from tools.lambda_entry import load_lambda_handler

# CI runs the full property-based budget; a developer's run stays quick.
settings.register_profile("ci", max_examples=2000)
settings.register_profile("dev", max_examples=150)
settings.load_profile("ci" if os.environ.get("REQUIRE_ALL_TOOLS") == "1" else "dev")


@pytest.fixture(autouse=True)
def _fresh_runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test builds the skill from its own environment (SKILL_ID may differ)."""
    monkeypatch.delenv("SKILL_ID", raising=False)
    default_runtime.cache_clear()
    yield
    default_runtime.cache_clear()


@pytest.fixture(scope="session")
def handler() -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    return load_lambda_handler()


@pytest.fixture
def session(handler) -> LocalSession:
    return LocalSession(handler)


@pytest.fixture(scope="session")
def store() -> AnswerStore:
    return default_store()
