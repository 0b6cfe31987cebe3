"""Real Alexa request envelopes, built locally, and a session that carries state between
turns the way Alexa does. Used by the demo, the simulator, the event files and tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

LOCAL_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
LOCAL_USER_ID = "amzn1.ask.account.LOCAL-USER"
LOCAL_DEVICE_ID = "amzn1.ask.device.LOCAL-DEVICE"
API_ENDPOINT = "https://api.amazonalexa.com"

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

# An Echo Show 8: what a device with a screen adds to every request's context.
SCREEN_INTERFACES = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "1.4"}}}
SCREEN_VIEWPORT = {
    "experiences": [{"arcMinuteWidth": 221, "arcMinuteHeight": 162, "canRotate": False, "canResize": False}],
    "mode": "HUB",
    "shape": "RECTANGLE",
    "pixelWidth": 1280,
    "pixelHeight": 800,
    "dpi": 160,
    "currentPixelWidth": 1280,
    "currentPixelHeight": 800,
    "touch": ["SINGLE"],
    "keyboard": [],
}


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def launch_request(locale: str = "en-US") -> dict[str, Any]:
    return {"type": "LaunchRequest", "requestId": _request_id(), "timestamp": _timestamp(), "locale": locale}


def intent_request(name: str, slots: dict[str, str] | None = None, locale: str = "en-US") -> dict[str, Any]:
    return {
        "type": "IntentRequest",
        "requestId": _request_id(),
        "timestamp": _timestamp(),
        "locale": locale,
        "dialogState": "COMPLETED",
        "intent": {
            "name": name,
            "confirmationStatus": "NONE",
            "slots": {
                slot: {
                    "name": slot,
                    "value": value,
                    "confirmationStatus": "NONE",
                    "source": "USER",
                    "slotValue": {"type": "Simple", "value": value},
                }
                for slot, value in (slots or {}).items()
            },
        },
    }


def session_ended_request(reason: str = "USER_INITIATED", locale: str = "en-US") -> dict[str, Any]:
    return {
        "type": "SessionEndedRequest",
        "requestId": _request_id(),
        "timestamp": _timestamp(),
        "locale": locale,
        "reason": reason,
    }


def _request_id() -> str:
    return f"amzn1.echo-api.request.{uuid.uuid4()}"


def envelope(
    request: dict[str, Any],
    *,
    skill_id: str = LOCAL_SKILL_ID,
    session_id: str | None = None,
    new_session: bool = True,
    attributes: dict[str, Any] | None = None,
    screen: bool = False,
) -> dict[str, Any]:
    """A complete request envelope, as Alexa sends it to a skill endpoint (``screen``: from
    a device that renders APL)."""
    application = {"applicationId": skill_id}
    user = {"userId": LOCAL_USER_ID}
    event: dict[str, Any] = {
        "version": "1.0",
        "session": {
            "new": new_session,
            "sessionId": session_id or f"amzn1.echo-api.session.{uuid.uuid4()}",
            "application": application,
            "attributes": attributes or {},
            "user": user,
        },
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {
                    "deviceId": LOCAL_DEVICE_ID,
                    "supportedInterfaces": dict(SCREEN_INTERFACES) if screen else {},
                },
                "apiEndpoint": API_ENDPOINT,
                "apiAccessToken": "local-api-access-token",
            }
        },
        "request": request,
    }
    if screen:
        event["context"]["Viewport"] = dict(SCREEN_VIEWPORT)
    return event


def touch_event(arguments: list[Any], locale: str = "en-US") -> dict[str, Any]:
    """What a device sends when an APL SendEvent fires (a touch on the screen)."""
    return {
        "type": "Alexa.Presentation.APL.UserEvent",
        "requestId": _request_id(),
        "timestamp": _timestamp(),
        "locale": locale,
        "token": "triggerPointGuide",
        "arguments": arguments,
        "source": {"type": "TouchWrapper", "handler": "Press"},
    }


class LocalSession:
    """One Alexa session against a handler: same session id, attributes carried over,
    closed when the skill ends it (the next request then starts a new session)."""

    def __init__(self, handler: Handler, skill_id: str = LOCAL_SKILL_ID, screen: bool = False) -> None:
        self.handler = handler
        self.skill_id = skill_id
        self.screen = screen
        self._start()

    def _start(self) -> None:
        self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
        self.attributes: dict[str, Any] = {}
        self.new = True
        self.ended = False

    def send(self, request: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Send one request; returns the request envelope and the response envelope."""
        if self.ended:
            self._start()
        sent = envelope(
            request,
            skill_id=self.skill_id,
            session_id=self.session_id,
            new_session=self.new,
            attributes=self.attributes,
            screen=self.screen,
        )
        received = self.handler(sent, None)
        self.new = False
        self.attributes = received.get("sessionAttributes") or {}
        response = received.get("response") or {}
        if request["type"] == "SessionEndedRequest" or response.get("shouldEndSession", True):
            self.ended = True
        return sent, received
