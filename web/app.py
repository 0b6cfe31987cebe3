"""The web endpoint: POST / for Alexa, GET /healthz for load balancers.

The same skill runtime as on Lambda, behind Alexa's request verification, in the order
that makes a forged request cheap to refuse:

1. size (413 over 64 KB) and a body read with a deadline (408 for a client that stalls);
2. one JSON parse, then the timestamp (web.verification.check_timestamp);
3. the signature (web.verification), which may download Amazon's certificate chain;
4. only then the envelope and the skill id, so an unsigned request learns nothing about
   which skill id is right;
5. the runtime, given the parsed event (no second parse).

Every refusal is answered with the same body, ``{"error": "verification failed"}``; the
reason goes to the log only. Nothing a client sends can make it answer 500 or show a trace.
"""

from __future__ import annotations

import ipaddress
import json
import time
from dataclasses import dataclass, field
from typing import Any

from ask_sdk_webservice_support.verifier import VerificationException
from flask import Flask, Response, request
from flask_ask_sdk.skill_adapter import (
    VERIFY_SIGNATURE_APP_CONFIG,
    VERIFY_TIMESTAMP_APP_CONFIG,
    SkillAdapter,
)
from werkzeug.exceptions import ClientDisconnected, HTTPException

from skill.app import SkillRuntime, build_skill
from skill.config import Settings
from skill.envelope import InvalidRequest
from skill.logs import ERROR, log_event, logger
from skill.store import AnswerStore, default_store
from web.verification import AMAZON_ORIGIN, AlexaRequestVerifier, check_timestamp

MAX_BODY_BYTES = 64 * 1024  # Alexa's requests are a few kilobytes
BODY_SECONDS = 10.0  # the whole body, however it trickles in (each read also times out)
REFUSED = json.dumps({"error": "verification failed"})


class StartupError(RuntimeError):
    """The settings would expose an endpoint that answers what it should not; one-line reason."""


@dataclass(frozen=True)
class WebSettings:
    skill_id: str | None = None
    verify: bool = True  # off only for local development, on loopback
    any_skill: bool = False  # verification on without SKILL_ID: an explicit opt-out
    trust_roots: tuple[bytes, ...] | None = None  # DER; None: the system's
    certificate_chains: dict[str, bytes] = field(default_factory=dict)  # pre-loaded PEM by URL
    chain_origin: str = AMAZON_ORIGIN  # where chains are downloaded from (tests: loopback)
    log_level: str | None = None  # LOG_LEVEL; None leaves the logger as it is


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_skill_id(settings: WebSettings) -> None:
    if settings.verify and settings.skill_id is None and not settings.any_skill:
        raise StartupError(
            "SKILL_ID is not set: with verification on, any skill's signed requests would be "
            "answered (set SKILL_ID, or ALEXA_ANY_SKILL=1 to accept that)"
        )


def check_startup(settings: WebSettings, host: str) -> None:
    """Refuse settings that would answer requests we cannot trust, and say why in one line."""
    check_skill_id(settings)
    if settings.verify:
        return
    if not is_loopback(host):
        raise StartupError(
            f"request verification is off; refusing to listen on {host} "
            "(use 127.0.0.1, or turn verification on)"
        )
    log_event(
        "verification_disabled",
        level=ERROR,
        warning="ALEXA REQUEST VERIFICATION IS OFF: local development only, never expose this server",
        host=host,
    )


class _Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _json(body: str, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="application/json")


class AlexaSkillAdapter(SkillAdapter):
    """flask-ask-sdk's adapter, registered at POST /, with its dispatch in a cheaper, stricter order.

    The SDK's ``WebserviceSkillHandler`` deserialises the whole body (with dateutil's general
    timestamp parser) before any verifier runs, and answers some failures with 500. Here the
    adapter's own verifiers are switched off (app config) and ``dispatch_request`` does: size,
    one JSON parse, the timestamp by shape, the signature (``web/verification.py``, a subclass of
    the SDK's verifier), then the skill runtime, the same one Lambda runs. Every refusal is a 400.
    """

    def __init__(self, runtime: SkillRuntime, settings: WebSettings, app: Flask) -> None:
        app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
        app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
        super().__init__(skill=runtime.skill, skill_id=settings.skill_id or "any", verifiers=[], app=app)
        self.runtime = runtime
        self.verifier = (
            AlexaRequestVerifier(settings.trust_roots, settings.certificate_chains, settings.chain_origin)
            if settings.verify
            else None
        )

    def dispatch_request(self) -> Response:
        try:
            raw = _read_body()
            event = _parse(raw)
            if self.verifier is not None:
                check_timestamp(event.get("request"))
                self.verifier.verify(request.headers, raw)
            answer = self.runtime.handle(event)
        except _Refused as refusal:
            return _refuse(refusal.status, refusal.reason)
        except (VerificationException, InvalidRequest) as failure:
            return _refuse(400, str(failure) or type(failure).__name__)
        return _json(json.dumps(answer))


def _read_body() -> bytes:
    """At most MAX_BODY_BYTES, within BODY_SECONDS (each read also has the server's timeout)."""
    announced = request.content_length
    if announced is not None and announced > MAX_BODY_BYTES:
        raise _Refused(413, "body too large")
    deadline = time.monotonic() + BODY_SECONDS
    stream = request.stream
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := stream.read(16 * 1024):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise _Refused(413, "body too large")
            if time.monotonic() > deadline:
                raise _Refused(408, "body too slow")
            if size == announced:  # all of it: no further read just to find the end
                break
    except (TimeoutError, ClientDisconnected) as error:  # werkzeug reports a timeout as a disconnect
        raise _Refused(408, "body read timed out") from error
    return b"".join(chunks)


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        event = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise _Refused(400, "body is not JSON") from error
    if not isinstance(event, dict):
        raise _Refused(400, "body is not a JSON object")
    return event


def _refuse(status: int, reason: str) -> Response:
    log_event("request_refused", status=status, reason=reason)
    return _json(REFUSED if status == 400 else json.dumps({"error": reason}), status)


def create_app(settings: WebSettings, store: AnswerStore | None = None) -> Flask:
    check_skill_id(settings)  # also when served without web/gunicorn.conf.py
    if settings.log_level is not None:
        logger.set_level(settings.log_level)
    app = Flask("web")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    runtime = SkillRuntime(build_skill(store or default_store()), Settings(skill_id=settings.skill_id))
    AlexaSkillAdapter(runtime, settings, app).register(app, "/", endpoint="alexa")

    @app.get("/healthz")
    def healthz() -> Response:
        return _json('{"status": "ok"}')

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return _json(json.dumps({"error": error.name}), error.code or 400)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:  # never a 500 page or a trace
        log_event("web_error", level=ERROR, error=type(error).__name__)
        return _json(REFUSED, 400)

    return app
