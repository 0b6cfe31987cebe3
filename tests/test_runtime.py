"""What reaches the skill at all: the skill id is enforced and malformed envelopes are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.envelope import InvalidRequest
from tests.helpers import run_cli, speech_of
from tools.envelopes import envelope, launch_request

OUR_SKILL = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
ROOT = Path(__file__).resolve().parents[1]


def test_the_configured_skill_id_is_answered(handler, monkeypatch):
    monkeypatch.setenv("SKILL_ID", OUR_SKILL)
    received = handler(envelope(launch_request(), skill_id=OUR_SKILL), None)
    assert speech_of(received).startswith("Welcome")


def test_another_skills_request_is_refused(handler, monkeypatch):
    monkeypatch.setenv("SKILL_ID", OUR_SKILL)
    with pytest.raises(InvalidRequest, match="another skill"):
        handler(envelope(launch_request(), skill_id="amzn1.ask.skill.someone-else"), None)


def test_without_skill_id_any_application_is_answered(handler):
    received = handler(envelope(launch_request(), skill_id="amzn1.ask.skill.anything"), None)
    assert speech_of(received).startswith("Welcome")


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ("not json", "JSON object"),
        ([], "JSON object"),
        ({}, "version"),
        ({"version": "1.0"}, "request"),
        ({"version": "1.0", "request": {"type": "LaunchRequest"}}, "requestId"),
        ({"version": "1.0", "request": {"type": 5, "requestId": "r"}}, "request.type"),
        ({"version": "1.0", "request": {"type": "LaunchRequest", "requestId": "r"}}, "application id"),
        (
            {"version": "1.0", "session": "x", "request": {"type": "LaunchRequest", "requestId": "r"}},
            "session",
        ),
    ],
)
def test_malformed_envelopes_get_a_clean_error(handler, event, reason):
    with pytest.raises(InvalidRequest, match=reason):
        handler(event, None)


def test_an_envelope_of_wrong_types_gets_a_clean_error(handler):
    event = envelope(launch_request())
    event["request"]["intent"] = "not an intent"
    event["request"]["type"] = "IntentRequest"
    with pytest.raises(InvalidRequest, match="not a valid Alexa envelope"):
        handler(event, None)


@pytest.mark.parametrize(
    "timestamp", [{"not": "a timestamp"}, "1.1." * 30_000, "yesterday", "2026-11-24T07:00:00Z" * 3]
)
def test_a_timestamp_that_is_not_iso_8601_is_refused_before_any_date_parser(handler, timestamp):
    """Issue 19, finding 3: the SDK's general date parser took 1.1 s on a 125 KB "1.1.1..."
    (13 s at 500 KB); such a value is refused by its shape instead."""
    event = envelope(launch_request())
    event["request"]["timestamp"] = timestamp
    with pytest.raises(InvalidRequest, match="timestamp must be an ISO 8601 time"):
        handler(event, None)


def test_the_demo_runs_end_to_end():
    result = run_cli("demo")
    assert result.returncode == 0, result.stderr
    assert "Alexa: Welcome to Trigger Point Guide" in result.stdout
    assert "Please call 9 1 1" in result.stdout
    assert "Traceback" not in result.stderr


CATCH_ALL_MODULES = ("skill.guards", "skill.ranking", "skill.safety", "skill.second_opinion")


def _catch_all_modules_loaded(event_file: str) -> list[str]:
    """Which of them a fresh interpreter has loaded after the Lambda handler answered the event."""
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "sys.path.insert(0, 'lambda')\n"
        "from lambda_function import handler\n"
        "handler(json.load(open(sys.argv[1])), None)\n"
        f"print('loaded:' + ','.join(name for name in {CATCH_ALL_MODULES!r} if name in sys.modules))\n"
    )
    root = Path(__file__).resolve().parents[1]
    run = subprocess.run([sys.executable, "-c", code, event_file], cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    (loaded,) = [line for line in run.stdout.splitlines() if line.startswith("loaded:")]
    return [name for name in loaded.removeprefix("loaded:").split(",") if name]


def test_a_cold_launch_loads_no_catch_all_machinery_and_a_question_does():
    """A launch needs none of the safety rules, guards, ranking or second opinion: importing
    them (their data classes, their patterns) was about a twentieth of a cold launch."""
    assert _catch_all_modules_loaded("events/launch.json") == []
    assert _catch_all_modules_loaded("events/question-answered.json") == list(CATCH_ALL_MODULES)


def test_the_runtime_package_defines_no_dataclass():
    """A dataclass compiles generated methods when its module is imported, about a millisecond
    per class on a cold start: the runtime's records are NamedTuples or plain classes."""
    import dataclasses
    import importlib
    import pkgutil

    import skill

    defined = [
        f"{module.__name__}.{name}"
        for info in pkgutil.iter_modules(skill.__path__)
        for module in [importlib.import_module(f"skill.{info.name}")]
        for name, value in vars(module).items()
        if isinstance(value, type) and value.__module__ == module.__name__ and dataclasses.is_dataclass(value)
    ]
    assert defined == []


def test_an_unknown_key_named_like_an_attribute_is_ignored(handler):
    """Unknown keys are kept on the model, as the SDK keeps them, but never one that would
    replace the object's own attributes ("__dict__" lost every field: found by the fuzz test)."""
    event = envelope(launch_request())
    received = handler(
        {**event, "__dict__": {}, "to_dict": 1, "request": {**event["request"], "__class__": 1}}, None
    )
    assert speech_of(received).startswith("Welcome")
