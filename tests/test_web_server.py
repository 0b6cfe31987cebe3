"""The web endpoint as it runs in production (gunicorn with web/gunicorn.conf.py) on loopback,
under attack: slow clients, 200 simultaneous signed and unsigned requests, and what the
response headers give away (issue 19, findings 2 and 5). Every wait has a bound: a client
that would hang fails on its own timeout instead."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.load import checkout, run_load, signed_requests
from tests.helpers import require_tool
from tools.alexa_signing import Authority, Signer, write_authority
from tools.envelopes import LOCAL_SKILL_ID, envelope, launch_request
from tools.web_server import ROOT, free_port, gunicorn_server, running_server
from web.worker import IO_TIMEOUT_SECONDS

WORKERS, THREADS = 2, 4
CLIENT_TIMEOUT = 4 * IO_TIMEOUT_SECONDS  # well past what any request should wait


@pytest.fixture(scope="module")
def signer() -> Signer:
    return Authority.create("Server Test Root").issue()


@pytest.fixture(scope="module")
def server(signer, tmp_path_factory) -> Iterator[int]:
    """gunicorn, production configuration, trusting the test authority."""
    authority = write_authority(signer, tmp_path_factory.mktemp("authority"))
    port = free_port()
    app = f'tools.signed_endpoint:create_app_for("{authority}")'
    env = {"SKILL_ID": LOCAL_SKILL_ID, "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    with running_server(gunicorn_server(port, WORKERS, app, THREADS), port, env):
        yield port


def _request(port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _stalled_client(port: int, body_sent: bytes) -> socket.socket:
    """Announces a 1,000-byte body and sends a part of it (or of the headers), then stalls."""
    client = socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT)
    client.sendall(body_sent)
    return client


@pytest.mark.slow
def test_slow_clients_cannot_exhaust_the_workers(server, signer):
    """Finding 2: two clients sending ``Content-Length: 1000`` and one byte tied up both sync
    workers for about 31 s, then got 500. Here as many stalled clients as there are threads
    in all: each is cut off by the socket timeout (a stalled body gets 408 and the connection
    closed), and meanwhile a health check and a signed request are answered."""
    head = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    stalled = [
        _stalled_client(server, head + b"{") if number % 2 else _stalled_client(server, head[:30])
        for number in range(WORKERS * THREADS)
    ]
    try:
        status, _, _ = _request(server, "GET", "/healthz")
        assert status == 200
        body = json.dumps(envelope(launch_request())).encode()
        status, _, answer = _request(server, "POST", "/", body, signer.headers(body))
        assert status == 200, answer
        for client in stalled:  # each is answered or closed by the server, not left hanging
            received = client.recv(4096)
            assert received == b"" or received.startswith(b"HTTP/1.1 408"), received[:100]
    finally:
        for client in stalled:
            client.close()


def test_two_hundred_simultaneous_signed_and_unsigned_requests_get_no_5xx(server, signer):
    """Half signed (200 with an answer), half with a forged signature (400), all at once."""
    signed = signed_requests(signer, copies=17)[:100]
    forged = [
        (body, headers | {"Signature-256": base64.b64encode(bytes(256)).decode()}) for body, headers in signed
    ]
    jobs = [(body, headers, 200) for body, headers in signed] + [
        (body, headers, 400) for body, headers in forged
    ]
    start = threading.Barrier(len(jobs))
    outcomes: list[tuple[int, int]] = []

    def send(body: bytes, headers: dict[str, str], expected: int) -> None:
        start.wait(timeout=CLIENT_TIMEOUT)
        try:
            status, _, _ = _request(server, "POST", "/", body, headers)
        except OSError:
            status = 0
        outcomes.append((expected, status))

    threads = [threading.Thread(target=send, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == 200
    assert [status for _, status in outcomes if status >= 500 or status == 0] == []
    assert all(expected == status for expected, status in outcomes)


def test_responses_name_no_server_and_refusals_say_nothing(server, signer):
    """Finding 5: ``Server: gunicorn`` was sent and error bodies echoed the verifier."""
    body = json.dumps(envelope(launch_request())).encode()
    evil = signer.headers(body, "https://evil.example.com/echo.api/x.pem")
    for method, path, payload, headers in [
        ("GET", "/healthz", b"", {}),
        ("POST", "/", body, signer.headers(body)),
        ("POST", "/", body, evil),
        ("POST", "/", b"junk", {}),
        ("GET", "/nowhere", b"", {}),
    ]:
        status, response_headers, answer = _request(server, method, path, payload, headers)
        assert "server" not in {name.lower() for name in response_headers}
        if status == 400:
            assert json.loads(answer) == {"error": "verification failed"}


def test_the_server_refuses_to_start_without_a_skill_id(tmp_path: Path):
    """Finding 4, through gunicorn itself: a one-line reason and a non-zero exit."""
    port = free_port()
    result = subprocess.run(
        gunicorn_server(port, 1),
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    reasons = [line for line in result.stderr.splitlines() if "refusing to start" in line]
    assert reasons == [
        "refusing to start: SKILL_ID is not set: with verification on, any skill's signed requests "
        "would be answered (set SKILL_ID, or ALEXA_ANY_SKILL=1 to accept that)"
    ]


@pytest.mark.slow
def test_a_bounded_signed_load_next_to_bare_flask_and_before_loses_no_request(tmp_path):
    """The load test itself (`python -m bench.load --before COMMIT` writes the figures), with
    "before" served from a checkout of this commit."""
    require_tool((ROOT / ".git").exists(), "a git checkout (the load test's --before)")
    before = checkout("HEAD", tmp_path)
    assert (before / "web" / "app.py").is_file()
    result = run_load(requests=300, concurrency=4, workers=2, rounds=1, before=before)
    for name in ("ours", "before", "bare_flask"):
        assert result[name]["requests"] == 300
        assert result[name]["failures"] == 0, result[name]["failure_kinds"]
    assert result["before"]["throughput_ratio"] > 0
