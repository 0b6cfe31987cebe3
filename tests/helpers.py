"""Test helpers: running the CLI, tool requirements, and readers and checks for responses."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest

from skill.limits import MAX_CARD_CHARS, MAX_RESPONSE_BYTES, MAX_SSML_CHARS
from tools.display import ssml_to_text
from tools.envelopes import LocalSession, intent_request

ROOT = Path(__file__).resolve().parents[1]
PYENV_ROOT = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")


def run_cli(
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    module: str = "tools",
    cwd: Path = ROOT,
) -> subprocess.CompletedProcess[str]:
    """``python -m tools ...`` (or another module) from the repository root (or ``cwd``, a
    clone of it), as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def require_tool(available: bool, what: str) -> None:
    """Skip when a tool is missing on a user's machine; fail under CI (REQUIRE_ALL_TOOLS=1)."""
    if available:
        return
    if os.environ.get("REQUIRE_ALL_TOOLS") == "1":
        pytest.fail(f"{what} is required here (REQUIRE_ALL_TOOLS=1)")
    pytest.skip(f"{what} is not available on this machine")


def lambda_python() -> str | None:
    """A working python3.13 (the Lambda runtime's version): on PATH, else pyenv's copy."""
    candidates = [
        shutil.which("python3.13"),
        *sorted(glob.glob(os.path.join(PYENV_ROOT, "versions", "3.13*", "bin", "python3.13"))),
    ]
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "--version"], capture_output=True, check=False).returncode == 0:
            return candidate
    return None


def speech_of(received: dict[str, Any]) -> str:
    return ssml_to_text(received["response"]["outputSpeech"]["ssml"])


def reprompt_of(received: dict[str, Any]) -> str:
    return ssml_to_text(received["response"]["reprompt"]["outputSpeech"]["ssml"])


def ask(session: LocalSession, intent: str, **slots: str) -> dict[str, Any]:
    return session.send(intent_request(intent, slots or None))[1]


def check_response_limits(received: dict[str, Any]) -> None:
    """Valid SSML within Alexa's limits, a card within its limit, 24 KB in all."""
    response = received["response"]
    for output in (response.get("outputSpeech"), (response.get("reprompt") or {}).get("outputSpeech")):
        if output:
            ssml = output["ssml"]
            assert len(ssml) <= MAX_SSML_CHARS
            root = ElementTree.fromstring(ssml)
            assert root.tag == "speak"
            assert {element.tag for element in root.iter()} <= {"speak", "break"}
    card = response.get("card")
    if card:
        assert len(card["title"]) + len(card["content"]) <= MAX_CARD_CHARS
    assert len(json.dumps(received).encode("utf-8")) <= MAX_RESPONSE_BYTES
