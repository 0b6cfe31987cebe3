"""The skill object, built once per process, and the envelope-in, envelope-out runtime
that every host (Lambda, the web endpoint, the simulator) calls."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope

from skill.config import Settings
from skill.dialogue import Dialogues
from skill.envelope import InvalidRequest, check_envelope
from skill.handlers import CatchAllExceptionHandler, request_handlers
from skill.interceptors import ConversationInterceptor, RequestLogInterceptor
from skill.logs import log_event
from skill.model_reader import ModelReader
from skill.name_free import CanFulfillExceptionHandler
from skill.serialized import StaticPartsSerializer
from skill.store import AnswerStore, default_store


def build_skill(store: AnswerStore) -> CustomSkill:
    dialogues = Dialogues(store)
    builder = SkillBuilder()
    for handler in request_handlers():
        builder.add_request_handler(handler)
    builder.add_exception_handler(CanFulfillExceptionHandler())
    builder.add_exception_handler(CatchAllExceptionHandler(dialogues))
    builder.add_global_request_interceptor(ConversationInterceptor(dialogues))
    builder.add_global_response_interceptor(RequestLogInterceptor())
    skill = builder.create()
    skill.serializer = StaticPartsSerializer()  # every host serialises with the skill's own
    return skill


class SkillRuntime:
    """Checks an event, runs the skill on it, and returns the response as plain JSON data."""

    def __init__(self, skill: CustomSkill, settings: Settings) -> None:
        self.skill = skill
        self.settings = settings
        self.reader = ModelReader()  # the SDK's deserialising step, planned once per type

    def handle(self, event: object, context: Any = None) -> dict[str, Any]:
        """Raises InvalidRequest (with a short reason) for anything that is not our request."""
        envelope = self._deserialize(check_envelope(event, self.settings.skill_id))
        response = self.skill.invoke(request_envelope=envelope, context=context)
        serialized: dict[str, Any] = self.skill.serializer.serialize(response)  # type: ignore[assignment]
        return serialized

    def _deserialize(self, event: dict[str, Any]) -> RequestEnvelope:
        """The SDK's model of the request, with its ISO 8601 timestamp parsed by the standard
        library: the SDK's own path (dateutil) costs a large import on the first request,
        about a fifth of every warm request (bench/), and grows faster than linearly with a
        crafted value (a 500 KB "1.1.1..." took 13 s), so it is never given one."""
        request = event["request"]
        timestamp = iso_timestamp(request.get("timestamp"))
        event = {**event, "request": {**request, "timestamp": None}}
        try:
            envelope: RequestEnvelope = self.reader.read(event, RequestEnvelope)
        except _UNREADABLE as error:
            log_event("invalid_request", reason="envelope does not deserialize")
            raise InvalidRequest("the request is not a valid Alexa envelope") from error
        if envelope.request is not None:
            envelope.request.timestamp = timestamp
        return envelope


_UNREADABLE = (AskSdkException, ValueError, TypeError, AttributeError, OverflowError, RecursionError)


MAX_TIMESTAMP_CHARS = 40  # "2026-11-24T07:00:00.123456+00:00" and the like


def iso_timestamp(value: object) -> datetime | None:
    """Alexa's "2026-11-24T07:00:00Z" (None when the request has none); anything else is
    refused here, cheaply, instead of reaching a general date parser."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) <= MAX_TIMESTAMP_CHARS:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    log_event("invalid_request", reason="timestamp is not ISO 8601")
    raise InvalidRequest("request.timestamp must be an ISO 8601 time")


@cache
def default_runtime() -> SkillRuntime:
    """The bundled store and the environment's settings, built on first use per process."""
    return SkillRuntime(build_skill(default_store()), Settings.from_environment())
