"""First look at an incoming request: is it an Alexa envelope, and is it for this skill?

Shared by every way the skill runs (Lambda, the web endpoint, the simulator), so a
malformed body or another skill's request is refused the same way everywhere.
"""

from __future__ import annotations

from typing import Any

from skill.conversation import readable_attributes


class InvalidRequest(ValueError):
    """The request is not one this skill will answer; the message says why, briefly."""


def _object(parent: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise InvalidRequest(f"{where}{key} must be an object")
    return value


def application_id(event: dict[str, Any]) -> str | None:
    """The skill id the request was sent for (context first, then the session)."""
    for path in (("context", "System", "application"), ("session", "application")):
        node: Any = event
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        value = node.get("applicationId") if isinstance(node, dict) else None
        if isinstance(value, str):
            return value
    return None


def check_envelope(event: object, skill_id: str | None) -> dict[str, Any]:
    """Return the event (state we did not write dropped) if it is an envelope meant for ``skill_id``.

    ``skill_id`` None (no SKILL_ID configured) accepts any application id, for
    local development only; a deployment always sets it.
    """
    if not isinstance(event, dict):
        raise InvalidRequest("the request body must be a JSON object")
    if not isinstance(event.get("version"), str):
        raise InvalidRequest("version must be a string")
    request = _object(event, "request", "")
    for key in ("type", "requestId"):
        if not isinstance(request.get(key), str) or not request[key]:
            raise InvalidRequest(f"request.{key} must be a non-empty string")
    session = event.get("session")
    if session is not None and not isinstance(session, dict):
        raise InvalidRequest("session must be an object")
    sent_for = application_id(event)
    if sent_for is None:
        raise InvalidRequest("the request names no application id")
    if skill_id and sent_for != skill_id:
        raise InvalidRequest("the request is for another skill")
    if session is None:
        return event
    # Conversation state is reduced to what we write before the SDK copies it: whatever
    # else arrived (unknown keys, wrong types, huge or deeply nested values) is dropped
    # (a fresh conversation), not refused.
    return {**event, "session": {**session, "attributes": readable_attributes(session.get("attributes"))}}
