"""The self-hosted endpoint: Alexa's request verification, refusals, and never a 500."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from tests.alexa_signing import CHAIN_URL, Authority
from tests.conftest import speech_of
from tools.envelopes import envelope, intent_request, launch_request
from web.app import MAX_BODY_BYTES, InsecureBindError, WebSettings, check_bind, create_app

OUR_SKILL = "amzn1.ask.web-test"


@pytest.fixture(scope="module")
def authority() -> Authority:
    return Authority.create("Test Alexa Root")


@pytest.fixture(scope="module")
def signer(authority):
    return authority.issue()


def _client(authority: Authority, chains: dict[str, bytes]):
    settings = WebSettings(skill_id=OUR_SKILL, trust_roots=(authority.der,), certificate_chains=chains)
    return create_app(settings).test_client()


def _body(request: dict | None = None, skill_id: str = OUR_SKILL, **changes) -> bytes:
    event = envelope(request or intent_request("NeckIntent"), skill_id=skill_id)
    event["request"].update(changes)
    return json.dumps(event).encode()


def test_a_correctly_signed_request_is_answered(authority, signer):
    client = _client(authority, {CHAIN_URL: signer.chain_pem})
    body = _body()
    response = client.post("/", data=body, headers=signer.headers(body))
    assert response.status_code == 200, response.get_json()
    assert speech_of(response.get_json()).startswith("Trigger points can occur in the back of the neck")


def test_a_tampered_body_is_refused(authority, signer):
    client = _client(authority, {CHAIN_URL: signer.chain_pem})
    body = _body()
    tampered = body.replace(b"NeckIntent", b"DoctorIntent")
    response = client.post("/", data=tampered, headers=signer.headers(body))
    assert response.status_code == 400
    assert "verification failed" in response.get_json()["error"]


@pytest.mark.parametrize(
    "chain_url",
    [
        "https://evil.example.com/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/other.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/echo.api/../evil/echo-api-cert-test.pem",
        "http://s3.amazonaws.com/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com:8443/echo.api/echo-api-cert-test.pem",
    ],
)
def test_a_certificate_url_off_amazons_host_or_path_is_refused(authority, signer, chain_url):
    client = _client(authority, {chain_url: signer.chain_pem})
    body = _body()
    response = client.post("/", data=body, headers=signer.headers(body, chain_url))
    assert response.status_code == 400
    assert "Signature Certificate URL" in response.get_json()["error"]


def test_a_signing_certificate_without_alexas_name_is_refused(authority):
    for unnamed in (authority.issue(None), authority.issue(["example.com"])):
        client = _client(authority, {CHAIN_URL: unnamed.chain_pem})
        body = _body()
        response = client.post("/", data=body, headers=unnamed.headers(body))
        assert response.status_code == 400
        assert "echo-api.amazon.com domain missing" in response.get_json()["error"]


def test_a_chain_from_an_untrusted_root_is_refused(authority):
    stranger = Authority.create("Someone Else's Root").issue()
    client = _client(authority, {CHAIN_URL: stranger.chain_pem})
    body = _body()
    response = client.post("/", data=body, headers=stranger.headers(body))
    assert response.status_code == 400
    assert "Certificate chain is not valid" in response.get_json()["error"]


def test_a_stale_timestamp_is_refused(authority, signer):
    client = _client(authority, {CHAIN_URL: signer.chain_pem})
    for age in (151, 3600):
        stamp = (datetime.now(UTC) - timedelta(seconds=age)).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = _body(timestamp=stamp)
        response = client.post("/", data=body, headers=signer.headers(body))
        assert response.status_code == 400
        assert "Timestamp verification failed" in response.get_json()["error"]
    fresh = (datetime.now(UTC) - timedelta(seconds=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = _body(timestamp=fresh)
    assert client.post("/", data=body, headers=signer.headers(body)).status_code == 200


def test_missing_or_garbled_signature_headers_are_refused(authority, signer):
    client = _client(authority, {CHAIN_URL: signer.chain_pem})
    body = _body()
    assert client.post("/", data=body).status_code == 400
    headers = signer.headers(body) | {"Signature-256": "not base64 at all!!"}
    assert client.post("/", data=body, headers=headers).status_code == 400


def test_another_skills_request_is_refused_not_failed(authority, signer):
    client = _client(authority, {CHAIN_URL: signer.chain_pem})
    body = _body(skill_id="amzn1.ask.skill.someone-else")
    response = client.post("/", data=body, headers=signer.headers(body))
    assert response.status_code == 400
    assert response.get_json() == {"error": "the request is for another skill"}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not json", 400),
        (b"\xff\xfe binary", 400),
        (b"[1, 2, 3]", 400),
        (b'{"version": "1.0"}', 400),
        (b"{" + b" " * MAX_BODY_BYTES + b"}", 413),
    ],
)
def test_bodies_that_are_not_alexa_envelopes(body, status):
    client = create_app(WebSettings(verify=False)).test_client()
    response = client.post("/", data=body, content_type="application/json")
    assert response.status_code == status
    assert "error" in response.get_json()


def test_health_and_methods():
    client = create_app(WebSettings(verify=False)).test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/").status_code == 405
    assert client.get("/nowhere").status_code == 404


def test_development_mode_answers_unsigned_requests_on_loopback_only():
    client = create_app(WebSettings(verify=False)).test_client()
    response = client.post("/", data=json.dumps(envelope(launch_request())))
    assert response.status_code == 200
    check_bind(WebSettings(verify=False), "127.0.0.1")
    check_bind(WebSettings(verify=False), "::1")
    check_bind(WebSettings(verify=True), "0.0.0.0")  # verified: anywhere
    for exposed in ("0.0.0.0", "192.168.1.20", "example.com"):
        with pytest.raises(InsecureBindError, match="refusing to listen"):
            check_bind(WebSettings(verify=False), exposed)


def test_the_web_package_imports_on_this_openssl():
    """In a fresh interpreter: the package's compatibility shim makes flask_ask_sdk import."""
    code = "import web.app, certvalidator, flask_ask_sdk.skill_adapter; print('ok')"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


def test_a_bounded_load_on_loopback_loses_no_request():
    from bench.load import run_load

    result = run_load(requests=300, concurrency=4, workers=2)
    assert result["requests"] == 300
    assert result["failures"] == 0, result["failure_kinds"]
