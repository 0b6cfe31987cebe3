"""The web endpoint: POST / for Alexa, GET /healthz for load balancers.

The same skill object as on Lambda, behind flask-ask-sdk's SkillAdapter with Alexa's
signature and timestamp verification on. Every failure is a 4xx with a short reason:
a bad body, a failed verification, another skill's request. Nothing a client sends can
make it answer 500 or show a trace.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass, field
from typing import Any

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_webservice_support.verifier import AbstractVerifier, TimestampVerifier, VerificationException
from flask import Flask, Response, jsonify, request
from flask_ask_sdk.skill_adapter import VERIFY_SIGNATURE_APP_CONFIG, VERIFY_TIMESTAMP_APP_CONFIG, SkillAdapter
from werkzeug.exceptions import HTTPException

from skill.app import build_skill
from skill.envelope import InvalidRequest, check_envelope
from skill.logs import ERROR, log_event
from skill.store import AnswerStore, default_store
from web.verification import AlexaRequestVerifier

MAX_BODY_BYTES = 64 * 1024  # Alexa's requests are a few kilobytes


class InsecureBindError(RuntimeError):
    """Verification is off and the server was asked to listen beyond this machine."""


@dataclass(frozen=True)
class WebSettings:
    skill_id: str | None = None
    verify: bool = True  # off only for local development, on loopback
    trust_roots: tuple[bytes, ...] | None = None  # DER; None: the system's
    certificate_chains: dict[str, bytes] = field(default_factory=dict)  # pre-loaded PEM by URL


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(settings: WebSettings, host: str) -> None:
    """Refuse to serve unverified requests anywhere but on this machine, and say so loudly."""
    if settings.verify:
        return
    if not is_loopback(host):
        raise InsecureBindError(
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


class CheckedSkillAdapter(SkillAdapter):
    """flask-ask-sdk's adapter, with the body checked before the SDK sees it and every
    failure answered 400 with a reason, where the SDK would answer 500 for some."""

    def __init__(
        self, skill: Any, settings: WebSettings, verifiers: list[AbstractVerifier], app: Flask
    ) -> None:
        self._settings = settings
        super().__init__(skill=skill, skill_id=settings.skill_id or "local", verifiers=verifiers, app=app)

    def dispatch_request(self) -> Response:
        try:
            body = self._checked_body()
            handler = self._webservice_handler
            response = handler.verify_request_and_dispatch(
                http_request_headers=dict(request.headers), http_request_body=body
            )
        except _Refused as refusal:
            return self._refuse(refusal.status, refusal.reason)
        except VerificationException as failure:
            return self._refuse(
                400, f"request verification failed: {failure.args[0] if failure.args else ''}"
            )
        except (AskSdkException, ValueError, TypeError, AttributeError, KeyError) as error:
            return self._refuse(400, f"the request could not be processed ({type(error).__name__})")
        return jsonify(response)

    def _checked_body(self) -> str:
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            raise _Refused(413, "request body too large")
        raw = request.get_data(cache=False)
        if len(raw) > MAX_BODY_BYTES:
            raise _Refused(413, "request body too large")
        try:
            body = raw.decode("utf-8")
            event = json.loads(body)
        except (UnicodeDecodeError, ValueError) as error:
            raise _Refused(400, "the body is not JSON") from error
        try:
            check_envelope(event, self._settings.skill_id)
        except InvalidRequest as refusal:
            raise _Refused(400, str(refusal)) from refusal
        return body

    @staticmethod
    def _refuse(status: int, reason: str) -> Response:
        log_event("request_refused", status=status, reason=reason)
        response = jsonify({"error": reason})
        response.status_code = status
        return response


def create_app(settings: WebSettings, store: AnswerStore | None = None) -> Flask:
    app = Flask("web")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    # Our verifier list below replaces the SDK's defaults (which cannot take trust roots).
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
    verifiers: list[AbstractVerifier] = []
    if settings.verify:
        verifiers = [
            AlexaRequestVerifier(settings.trust_roots, settings.certificate_chains),
            TimestampVerifier(),
        ]
    adapter = CheckedSkillAdapter(build_skill(store or default_store()), settings, verifiers, app)
    app.add_url_rule("/", "alexa", adapter.dispatch_request, methods=["POST"])

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify({"status": "ok"})

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        response = jsonify({"error": error.description or error.name})
        response.status_code = error.code or 400
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:  # never a 500 page or a trace
        log_event("web_error", level=ERROR, error=type(error).__name__)
        response = jsonify({"error": "the request could not be processed"})
        response.status_code = 400
        return response

    return app
