"""Real Alexa request envelopes, built locally, and a session that carries state between
turns the way Alexa does. Used by the demo, the simulator, the event files and tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tools.devices import Device, committed_interfaces, device

LOCAL_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
LOCAL_USER_ID = "amzn1.ask.account.LOCAL-USER"
LOCAL_DEVICE_ID = "amzn1.ask.device.LOCAL-DEVICE"
API_ENDPOINT = "https://api.amazonalexa.com"

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


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


def can_fulfill_request(
    name: str, slots: dict[str, str] | None = None, locale: str = "en-US"
) -> dict[str, Any]:
    """Alexa's question before routing a request that did not name the skill (name-free)."""
    request = intent_request(name, slots, locale)
    request["type"] = "CanFulfillIntentRequest"
    del request["dialogState"]
    return request


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
    on: Device | None = None,
    interfaces: frozenset[str] | None = None,
) -> dict[str, Any]:
    """A complete request envelope, as Alexa sends it to a skill endpoint, from the device
    ``on`` (``screen``: the default screen device; else a speaker). The device reports its
    screen only if ``interfaces`` (default: the committed skill.json's) declare APL."""
    sender = (on or device()) if screen else on
    declared = committed_interfaces() if interfaces is None else interfaces
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
                    "supportedInterfaces": sender.supported_interfaces(declared) if sender else {},
                },
                "apiEndpoint": API_ENDPOINT,
                "apiAccessToken": "local-api-access-token",
            }
        },
        "request": request,
    }
    viewport = sender.viewport_context(declared) if sender else None
    if viewport is not None:
        event["context"]["Viewport"] = viewport
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

    def __init__(
        self,
        handler: Handler,
        skill_id: str = LOCAL_SKILL_ID,
        screen: bool = False,
        on: Device | None = None,
        interfaces: frozenset[str] | None = None,
    ) -> None:
        self.handler = handler
        self.skill_id = skill_id
        self.device = (on or device()) if screen else on
        self.interfaces = interfaces
        self._start()

    @property
    def declared_interfaces(self) -> frozenset[str]:
        """What the skill's manifest declares, as this device's Alexa sees it."""
        return committed_interfaces() if self.interfaces is None else self.interfaces

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
            on=self.device,
            interfaces=self.interfaces,
        )
        received = self.handler(sent, None)
        self.new = False
        self.attributes = received.get("sessionAttributes") or {}
        response = received.get("response") or {}
        if request["type"] == "SessionEndedRequest" or response.get("shouldEndSession", True):
            self.ended = True
        return sent, received
