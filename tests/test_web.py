"""The self-hosted endpoint in process: Alexa's request verification, in an order that makes
a forged request cheap to refuse, refusals that say nothing, and never a 500.

The certificate authority is made in the test and trusted only by the verifier under test.
Certificate downloads go to servers on loopback: one that serves the chain and counts, one
that accepts and never answers (issue 19, finding 1)."""

from __future__ import annotations

import base64
import http.server
import io
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from skill.logs import logger
from tests.helpers import speech_of
from tools.alexa_signing import CHAIN_URL, Authority
from tools.envelopes import envelope, intent_request, launch_request
from web.app import MAX_BODY_BYTES, StartupError, WebSettings, check_startup, create_app
from web.verification import (
    CACHED_CHAINS,
    FETCH_TIMEOUT_SECONDS,
    NORMALISED_URLS,
    VerificationException,
    normalised_chain_url,
)

OUR_SKILL = "amzn1.ask.web-test"
REFUSED = {"error": "verification failed"}
FORGED_SIGNATURE = base64.b64encode(b"\x01" * 256).decode()


@pytest.fixture(scope="module")
def authority() -> Authority:
    return Authority.create("Test Alexa Root")


@pytest.fixture(scope="module")
def signer(authority):
    return authority.issue()


@pytest.fixture
def refusals() -> Iterator[Callable[[], list[str]]]:
    """The reasons logged for refused requests so far (the bodies never carry them)."""
    stream = io.StringIO()
    previous = logger.stream, logger.level
    logger.stream, logger.level = stream, 0
    yield lambda: [
        json.loads(line)["reason"] for line in stream.getvalue().splitlines() if "request_refused" in line
    ]
    logger.stream, logger.level = previous


def _app(authority: Authority, chains: dict[str, bytes] | None = None, origin: str | None = None):
    settings = WebSettings(
        skill_id=OUR_SKILL,
        trust_roots=(authority.der,),
        certificate_chains=chains or {},
        **({"chain_origin": origin} if origin else {}),
    )
    return create_app(settings)


def _client(authority: Authority, chains: dict[str, bytes]):
    return _app(authority, chains).test_client()


def _body(request: dict | None = None, skill_id: str = OUR_SKILL, **changes) -> bytes:
    event = envelope(request or intent_request("NeckIntent"), skill_id=skill_id)
    event["request"].update(changes)
    return json.dumps(event).encode()


def _unsigned(chain_url: str = CHAIN_URL) -> dict[str, str]:
    """Headers of the right shape with a signature nobody made."""
    return {"Signature-256": FORGED_SIGNATURE, "SignatureCertChainUrl": chain_url}


def _refused(response) -> bool:
    return response.status_code == 400 and response.get_json() == REFUSED


def test_a_correctly_signed_request_is_answered(authority, signer):
    client = _client(authority, {CHAIN_URL: signer.chain_pem})
    body = _body()
    response = client.post("/", data=body, headers=signer.headers(body))
    assert response.status_code == 200, response.get_json()
    assert speech_of(response.get_json()).startswith("Trigger points can occur in the back of the neck")


def test_a_tampered_body_is_refused(authority, signer, refusals):
    client = _client(authority, {CHAIN_URL: signer.chain_pem})
    body = _body()
    tampered = body.replace(b"NeckIntent", b"DoctorIntent")
    assert _refused(client.post("/", data=tampered, headers=signer.headers(body)))
    assert refusals() == ["signature does not match the body"]


@pytest.mark.parametrize(
    "chain_url",
    [
        "https://evil.example.com/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/other.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/echo.api/../evil/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/echo.api/%2e%2e/evil/echo-api-cert-test.pem",
        "http://s3.amazonaws.com/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com:8443/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com@evil.example.com/echo.api/echo-api-cert-test.pem",
        "https://user@s3.amazonaws.com/echo.api/echo-api-cert-test.pem",
    ],
)
def test_a_certificate_url_off_amazons_host_or_path_is_refused(authority, signer, chain_url, refusals):
    client = _client(authority, {CHAIN_URL: signer.chain_pem})
    body = _body()
    assert _refused(client.post("/", data=body, headers=signer.headers(body, chain_url)))
    assert refusals() == ["certificate URL"]


def test_the_certificate_url_is_normalised_before_it_is_fetched_or_cached(authority, signer):
    client = _client(authority, {CHAIN_URL: signer.chain_pem})
    for chain_url in (
        "HTTPS://S3.AmazonAWS.com:443/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/echo.api/./x/../echo-api-cert-test.pem?n=1#top",
    ):
        body = _body()
        assert client.post("/", data=body, headers=signer.headers(body, chain_url)).status_code == 200


def test_a_signing_certificate_without_alexas_name_is_refused(authority, refusals):
    for unnamed in (authority.issue(None), authority.issue(["example.com"])):
        client = _client(authority, {CHAIN_URL: unnamed.chain_pem})
        body = _body()
        assert _refused(client.post("/", data=body, headers=unnamed.headers(body)))
    assert refusals() == ["echo-api.amazon.com missing in signing certificate"] * 2


def test_a_chain_from_an_untrusted_root_is_refused(authority, refusals):
    stranger = Authority.create("Someone Else's Root").issue()
    client = _client(authority, {CHAIN_URL: stranger.chain_pem})
    body = _body()
    assert _refused(client.post("/", data=body, headers=stranger.headers(body)))
    assert refusals() == ["certificate chain is not valid"]


def test_a_stale_timestamp_is_refused(authority, signer):
    client = _client(authority, {CHAIN_URL: signer.chain_pem})
    for age in (151, 3600, -151):
        stamp = (datetime.now(UTC) - timedelta(seconds=age)).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = _body(timestamp=stamp)
        assert _refused(client.post("/", data=body, headers=signer.headers(body)))
    fresh = (datetime.now(UTC) - timedelta(seconds=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = _body(timestamp=fresh)
    assert client.post("/", data=body, headers=signer.headers(body)).status_code == 200


def test_missing_or_garbled_signature_headers_are_refused(authority, signer):
    client = _client(authority, {CHAIN_URL: signer.chain_pem})
    body = _body()
    assert _refused(client.post("/", data=body))
    for garbled in ("not base64 at all!!", base64.b64encode(b"short").decode(), ""):
        assert _refused(
            client.post("/", data=body, headers=signer.headers(body) | {"Signature-256": garbled})
        )


def test_the_skill_id_is_checked_only_after_the_signature(authority, signer, refusals):
    """Finding 5: an unsigned request learned whether a skill id was right."""
    client = _client(authority, {CHAIN_URL: signer.chain_pem})
    responses = [
        client.post("/", data=_body(skill_id=skill_id), headers=_unsigned())
        for skill_id in (OUR_SKILL, "amzn1.ask.skill.someone-else")
    ]
    assert [(response.status_code, response.get_data()) for response in responses] == [
        (400, json.dumps(REFUSED).encode())
    ] * 2
    body = _body(skill_id="amzn1.ask.skill.someone-else")
    assert _refused(client.post("/", data=body, headers=signer.headers(body)))  # signed, another skill
    assert refusals() == ["signature does not match the body"] * 2 + ["the request is for another skill"]


def test_refusals_say_verification_failed_and_nothing_more(authority, signer):
    """Finding 5: error bodies echoed the verifier ("invalid hostname: evil.example.com ...")."""
    client = _client(authority, {CHAIN_URL: signer.chain_pem})
    body = _body()
    probes = [
        signer.headers(body, "https://evil.example.com/echo.api/x.pem"),
        signer.headers(body, "https://s3.amazonaws.com:8443/echo.api/x.pem"),
        signer.headers(body) | {"Signature-256": "!!"},
        {},
    ]
    for headers in probes:
        response = client.post("/", data=body, headers=headers)
        assert response.get_data() == json.dumps(REFUSED).encode()
    for raw in (b"not json", b"[1]", b'{"version": "1.0"}', b"\xff"):
        assert _refused(client.post("/", data=raw, headers=signer.headers(raw)))


def test_a_crafted_timestamp_is_refused_before_the_signature_or_any_fetch(authority):
    """Finding 3: a 63 KB body with the timestamp "1.1.1..." went to the slow date parser
    before anything else was checked. It is refused on the timestamp's shape, with no
    certificate download (the origin here accepts nothing, so a download would fail)."""
    app = _app(authority, origin="http://127.0.0.1:9")
    body = _body(timestamp="1." * 31_000)
    assert len(body) > 60_000
    assert _refused(app.test_client().post("/", data=body, headers=_unsigned()))
    stale = _body(timestamp="2020-01-01T00:00:00Z")
    assert _refused(app.test_client().post("/", data=stale, headers=_unsigned()))
    assert _verifier(app).fetches == 0


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not json", 400),
        (b"\xff\xfe binary", 400),
        (b"[1, 2, 3]", 400),
        (b'{"version": "1.0"}', 400),
        (b"[" * 50_000 + b"]" * 50_000, 413),
        (b"[" * 30_000 + b"]" * 30_000, 400),
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
    check_startup(WebSettings(verify=False), "127.0.0.1")
    check_startup(WebSettings(verify=False), "::1")
    check_startup(WebSettings(skill_id=OUR_SKILL), "0.0.0.0")  # verified: anywhere
    for exposed in ("0.0.0.0", "192.168.1.20", "example.com"):
        with pytest.raises(StartupError, match="refusing to listen"):
            check_startup(WebSettings(verify=False), exposed)


def test_skill_id_is_required_with_verification_on_unless_waived():
    """Finding 4: with SKILL_ID unset the server started silently and answered a correctly
    signed request for another skill."""
    with pytest.raises(StartupError, match="SKILL_ID is not set"):
        create_app(WebSettings())
    with pytest.raises(StartupError, match="SKILL_ID is not set"):
        check_startup(WebSettings(), "127.0.0.1")
    create_app(WebSettings(any_skill=True))
    result = subprocess.run(
        [sys.executable, "-c", "import web.wsgi"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "ALEXA_VERIFY": "1"},
    )
    assert result.returncode != 0
    assert "SKILL_ID is not set" in result.stderr


def test_the_web_package_imports_on_this_openssl():
    """In a fresh interpreter: the package's compatibility shim makes the verifier import."""
    code = "import web.app, certvalidator, ask_sdk_webservice_support.verifier; print('ok')"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


# Certificate downloads, against servers on loopback.


def _verifier(app):
    return app.view_functions["alexa"].__self__.verifier


@contextmanager
def _hanging_server() -> Iterator[tuple[str, list[socket.socket]]]:
    """Accepts connections and never answers (an outbound connection that hangs)."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    finally:
        listener.close()
        for connection in accepted:
            connection.close()


@contextmanager
def _chain_server(chain: bytes) -> Iterator[tuple[str, list[str]]]:
    """Serves ``chain`` at any path and records each path asked for."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", str(len(chain)))
            self.end_headers()
            self.wfile.write(chain)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def test_a_hanging_certificate_download_is_bounded_in_count_and_time(authority):
    """Finding 1: unsigned requests made the server download the chain with no timeout;
    two of them blocked both workers for about 30 s and then got 500. Now: one download per
    URL (query strings do not make new ones), cut at the fetch timeout, every request a 400
    well before the client gives up, and the failed URL not retried at once."""
    with _hanging_server() as (origin, accepted):
        app = _app(authority, origin=origin)

        def post(number: int):
            body = _body()
            chain_url = f"{CHAIN_URL}?n={number}"
            return app.test_client().post("/", data=body, headers=_unsigned(chain_url))

        with ThreadPoolExecutor(max_workers=20) as pool:
            futures = [pool.submit(post, number) for number in range(20)]
            responses = [future.result(timeout=FETCH_TIMEOUT_SECONDS * 5) for future in futures]
            assert app.test_client().get("/healthz").status_code == 200
        assert all(_refused(response) for response in responses)
        assert len(accepted) == 1
        assert _refused(post(99))  # the failure is remembered: no second download
        assert len(accepted) == 1 and _verifier(app).fetches == 1


def test_certificate_downloads_and_their_cache_are_bounded(authority, signer):
    """Finding 1: 2,000 unsigned requests with ?n=1..2000 made 2,000 downloads and kept 2,000
    cache entries. Now one download, and at most CACHED_CHAINS chains are ever kept."""
    with _chain_server(signer.chain_pem) as (origin, asked):
        app = _app(authority, origin=origin)
        client = app.test_client()
        for number in range(2000):
            assert _refused(client.post("/", data=_body(), headers=_unsigned(f"{CHAIN_URL}?n={number}")))
        assert asked == ["/echo.api/echo-api-cert-test.pem"]
        for number in range(3 * CACHED_CHAINS):
            chain_url = f"https://s3.amazonaws.com/echo.api/cert-{number}.pem"
            assert _refused(client.post("/", data=_body(), headers=_unsigned(chain_url)))
        assert len(asked) == 1 + 3 * CACHED_CHAINS
        assert len(_verifier(app).cached_urls()) == CACHED_CHAINS
        body = _body()
        assert (
            client.post("/", data=body, headers=signer.headers(body)).status_code == 200
        )  # downloaded again


def test_an_expired_signing_certificate_is_refused(authority, refusals):
    expired = authority.issue(expires_in=timedelta(hours=-1))
    client = _client(authority, {CHAIN_URL: expired.chain_pem})
    body = _body()
    assert _refused(client.post("/", data=body, headers=expired.headers(body)))
    assert refusals() == ["certificate chain is not valid"]  # the chain validator sees the dates first


@pytest.mark.slow
def test_a_cached_certificate_is_refused_once_it_expires(authority, refusals):
    """The chain is validated once and cached; its expiry is checked again on every request."""
    short_lived = authority.issue(expires_in=timedelta(seconds=2))
    client = _client(authority, {CHAIN_URL: short_lived.chain_pem})
    body = _body()
    assert client.post("/", data=body, headers=short_lived.headers(body)).status_code == 200
    time.sleep(3)
    assert _refused(client.post("/", data=body, headers=short_lived.headers(body)))
    assert refusals() == ["signing certificate expired"]


def test_log_level_is_honoured_by_the_web_endpoint():
    """Issue 13: the endpoint wrote a log line per request whatever LOG_LEVEL said."""
    stream = io.StringIO()
    previous = logger.stream, logger.level
    logger.stream = stream
    try:
        for level, expected in (("WARNING", 0), ("INFO", 1)):
            client = create_app(WebSettings(verify=False, log_level=level)).test_client()
            stream.seek(0)
            stream.truncate()
            assert client.post("/", data=json.dumps(envelope(launch_request()))).status_code == 200
            assert stream.getvalue().count('"event": "request"') == expected
    finally:
        logger.stream, logger.level = previous


def test_the_endpoint_is_flask_ask_sdks_skill_adapter_with_our_verifier(authority):
    from flask_ask_sdk.skill_adapter import EXTENSION_NAME, SkillAdapter

    app = _app(authority)
    adapter = app.view_functions["alexa"].__self__
    assert isinstance(adapter, SkillAdapter)
    assert app.extensions[EXTENSION_NAME][OUR_SKILL] is adapter
    assert _verifier(app) is not None


def test_a_signature_with_characters_outside_base64_is_refused_as_such(authority, signer, refusals):
    client = _client(authority, {CHAIN_URL: signer.chain_pem})
    body = _body()
    headers = {**signer.headers(body)}
    headers["Signature-256"] = "!" + headers["Signature-256"]  # a lenient decoder would skip the "!"
    assert _refused(client.post("/", data=body, headers=headers))
    assert refusals() == ["signature is not base64"]


def test_a_certificate_chain_longer_than_one_read_is_downloaded_whole(authority, signer):
    padded = b"# a comment line\n" * 200 + signer.chain_pem + b"# a comment line\n" * 300
    with _chain_server(padded) as (origin, _asked):
        client = _app(authority, origin=origin).test_client()
        body = _body()
        assert client.post("/", data=body, headers=signer.headers(body)).status_code == 200


def test_the_chain_cache_keeps_the_most_recent_urls(authority, signer):
    with _chain_server(signer.chain_pem) as (origin, _asked):
        app = _app(authority, origin=origin)
        client = app.test_client()
        urls = [f"https://s3.amazonaws.com/echo.api/cert-{number}.pem" for number in range(CACHED_CHAINS + 2)]
        for chain_url in urls:
            client.post("/", data=_body(), headers=_unsigned(chain_url))
        assert _verifier(app).cached_urls() == urls[2:]


def test_a_signed_body_longer_than_one_read_is_read_whole_and_a_short_one_refused(authority, signer):
    """The body is read in 16 KB chunks up to what Content-Length announced; one that stops
    short of it is a timed-out read (408), never an answer to part of a body."""
    client = _client(authority, {CHAIN_URL: signer.chain_pem})
    body = _body()[:-1] + b" " * 40_000 + b"}"  # three reads
    response = client.post("/", data=body, headers=signer.headers(body))
    assert response.status_code == 200, response.get_json()
    assert speech_of(response.get_json()).startswith("Trigger points can occur in the back of the neck")
    announced = {"CONTENT_LENGTH": str(len(body) + 10)}
    short = client.post("/", data=body, headers=signer.headers(body), environ_overrides=announced)
    assert short.status_code == 408


def test_a_refused_certificate_url_is_refused_every_time_and_few_are_kept():
    """Normal forms are kept for a few URLs; a refusal is never kept in place of one."""
    normalised_chain_url.cache_clear()
    for _ in range(2):
        with pytest.raises(VerificationException):
            normalised_chain_url("https://s3.amazonaws.com/elsewhere/chain.pem")
    for number in range(NORMALISED_URLS * 3):
        assert normalised_chain_url(f"{CHAIN_URL}?{number}") == CHAIN_URL
    assert normalised_chain_url.cache_info().currsize == NORMALISED_URLS
