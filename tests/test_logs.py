"""Logs: one JSON line per request, unanswered questions recorded, and no secrets ever."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from skill.app import SkillRuntime, build_skill
from skill.config import Settings
from skill.envelope import InvalidRequest
from skill.logs import logger
from skill.store import AnswerStore
from tests.helpers import check_response_limits, run_cli, speech_of
from tools.envelopes import envelope, intent_request, launch_request, session_ended_request
from tools.unanswered import summarize

ROOT = Path(__file__).resolve().parents[1]
SECRETS = {
    "apiAccessToken": "SECRET-API-ACCESS-TOKEN-1234",
    "userId": "amzn1.ask.account.SECRET-USER-5678",
    "deviceId": "amzn1.ask.device.SECRET-DEVICE-9012",
    "personId": "amzn1.ask.person.SECRET-PERSON-3456",
    "personToken": "SECRET-PERSON-ACCESS-TOKEN",
    "linkToken": "SECRET-ACCOUNT-LINKING-TOKEN",
}


@pytest.fixture
def log_lines(caplog) -> Iterator[io.StringIO]:
    """Everything the skill logs at DEBUG, as it is written in production."""
    stream = io.StringIO()
    previous = logger.stream, logger.level
    logger.stream = stream
    logger.set_level("DEBUG")
    caplog.set_level(logging.DEBUG)  # and any library's records through the logging package
    yield stream
    logger.stream, logger.level = previous


def _secret_envelope(request: dict, skill_id: str | None = None) -> dict:
    event = envelope(request, skill_id=skill_id) if skill_id else envelope(request)
    system = event["context"]["System"]
    system["apiAccessToken"] = SECRETS["apiAccessToken"]
    system["user"] = {"userId": SECRETS["userId"], "accessToken": SECRETS["linkToken"]}
    system["device"]["deviceId"] = SECRETS["deviceId"]
    system["person"] = {"personId": SECRETS["personId"], "accessToken": SECRETS["personToken"]}
    event["session"]["user"] = dict(system["user"])
    return event


def test_no_secret_reaches_any_log_line(handler, log_lines, caplog, monkeypatch):
    monkeypatch.setenv("SKILL_ID", "amzn1.ask.skill.ours")
    ours = "amzn1.ask.skill.ours"
    broken = intent_request("AMAZON.YesIntent")
    del broken["intent"]
    bad_timestamp = launch_request()
    bad_timestamp["timestamp"] = {"x": 1}
    requests = [
        launch_request(),
        intent_request("NeckIntent"),
        intent_request("QuestionIntent", {"query": "kidney stones"}),
        intent_request("QuestionIntent", {"query": "I have chest pain"}),
        broken,
        session_ended_request("ERROR"),
    ]
    for request in requests:
        handler(_secret_envelope(request, ours), None)
    for refused in (
        _secret_envelope(launch_request(), "amzn1.ask.skill.theirs"),
        _secret_envelope(bad_timestamp, ours),
    ):
        with pytest.raises(InvalidRequest):
            handler(refused, None)
    output = log_lines.getvalue() + caplog.text
    assert output.count('"event": "request"') == len(requests)
    for secret in SECRETS.values():
        assert secret not in output
    assert "SECRET" not in output


def test_one_json_line_per_request_with_outcome_and_latency(handler, log_lines):
    handler(envelope(intent_request("NeckIntent")), None)
    handler(envelope(intent_request("QuestionIntent", {"query": "how do I bake bread"})), None)
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    requests = [line for line in lines if line["event"] == "request"]
    assert [(line["intent"], line["answer"]) for line in requests] == [
        ("NeckIntent", "neck"),
        ("QuestionIntent", "unanswered"),
    ]
    for line in requests:
        assert line["request_type"] == "IntentRequest"
        assert line["request_id"].startswith("amzn1.echo-api.request.")
        assert isinstance(line["latency_ms"], float)
        assert line["level"] == "INFO" and line["time"].endswith("Z")


def test_a_failed_request_is_logged_as_an_error(handler, log_lines):
    broken = intent_request("AMAZON.YesIntent")
    del broken["intent"]
    handler(envelope(broken), None)
    line = json.loads(log_lines.getvalue().splitlines()[-1])
    assert (line["event"], line["level"], line["error"]) == ("request", "ERROR", "AttributeError")


def test_unanswered_questions_are_logged_and_summarised(handler, log_lines, tmp_path):
    for query, locale in [
        ("kidney stones", "en-US"),
        ("Kidney  Stones", "en-GB"),
        ("bake bread", "en-US"),
        ("active and latent trigger points", "en-US"),
    ]:
        handler(envelope(intent_request("QuestionIntent", {"query": query}, locale)), None)
    text = log_lines.getvalue()
    unanswered = [json.loads(line) for line in text.splitlines() if '"unanswered_query"' in line]
    assert [(line["query"], line["locale"]) for line in unanswered] == [
        ("kidney stones", "en-US"),
        ("Kidney  Stones", "en-GB"),
        ("bake bread", "en-US"),
    ]
    assert all(isinstance(line["best_score"], float) for line in unanswered)
    summary = summarize(text.splitlines())
    assert [(s.query, s.count, sorted(s.locales)) for s in summary] == [
        ("kidney stones", 2, ["en-GB", "en-US"]),
        ("bake bread", 1, ["en-US"]),
    ]
    log_file = tmp_path / "export.log"
    log_file.write_text(
        "".join(f"2026-11-24T07:00:00Z abc {line}\n" for line in text.splitlines())
        + "START RequestId: 123 Version: $LATEST\n"
    )
    result = run_cli("unanswered", str(log_file))
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()
    assert rows[1].split()[0] == "2" and rows[1].endswith("kidney stones")
    assert rows[-1] == "3 unanswered queries, 2 distinct"


def test_an_over_long_entry_is_still_answered_within_limits(store):
    """The validator refuses such an entry; if one slipped through, the builder still copes."""
    huge = store.get("neck")._replace(speech="Rest & stretch. " * 1500, card_text="<b>x</b> " * 2000)
    entries = tuple(huge if entry.id == "neck" else entry for entry in store.entries)
    runtime = SkillRuntime(build_skill(AnswerStore(entries)), Settings())
    received = runtime.handle(envelope(intent_request("NeckIntent")))
    check_response_limits(received)
    assert speech_of(received).startswith("Rest & stretch.")
