"""Whose request is it: the skill id is read from the context first, then the session, and
refused when either path names another skill."""

from __future__ import annotations

import pytest

from skill.envelope import InvalidRequest, application_id, check_envelope
from tools.envelopes import envelope, launch_request

OURS = "amzn1.ask.skill.ours"
THEIRS = "amzn1.ask.skill.theirs"


def _event(context_id: str | None, session_id: str | None) -> dict:
    event = envelope(launch_request(), skill_id=OURS)
    if context_id is None:
        del event["context"]["System"]["application"]
    else:
        event["context"]["System"]["application"] = {"applicationId": context_id}
    if session_id is None:
        del event["session"]
    else:
        event["session"]["application"] = {"applicationId": session_id}
    return event


def test_the_context_names_the_skill_before_the_session():
    assert application_id(_event(THEIRS, OURS)) == THEIRS
    with pytest.raises(InvalidRequest, match="another skill"):
        check_envelope(_event(THEIRS, OURS), OURS)


def test_without_a_session_the_context_decides():
    assert check_envelope(_event(OURS, None), OURS)["request"]["type"] == "LaunchRequest"
    with pytest.raises(InvalidRequest, match="another skill"):
        check_envelope(_event(THEIRS, None), OURS)


def test_without_the_context_application_the_session_decides():
    assert application_id(_event(None, OURS)) == OURS
    with pytest.raises(InvalidRequest, match="another skill"):
        check_envelope(_event(None, THEIRS), OURS)


def test_a_request_naming_no_skill_is_refused():
    with pytest.raises(InvalidRequest, match="no application id"):
        check_envelope(_event(None, None), OURS)


def test_a_request_field_that_is_empty_is_refused():
    event = _event(OURS, OURS)
    event["request"]["type"] = ""
    with pytest.raises(InvalidRequest, match=r"request\.type must be a non-empty string"):
        check_envelope(event, OURS)
