"""The self-hosting container (Dockerfile, built offline by tools/container/web_image.sh): it
runs as a non-root user, its own healthcheck passes, and a request signed as Alexa signs gets
the skill's answer through gunicorn and the real verification path, while a tampered one is
refused. The signing authority is the tests' own (tools/alexa_signing.py): the container runs
the image's code with tools/signed_endpoint.py mounted to trust it. Needs a container engine;
skips without one, fails under CI."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import require_tool, speech_of
from tools.alexa_signing import Authority, write_authority
from tools.envelopes import LOCAL_SKILL_ID, envelope, launch_request
from tools.web_server import free_port

ROOT = Path(__file__).resolve().parents[1]
IMAGE = "trigger-point-guide:test"
pytestmark = [pytest.mark.external, pytest.mark.slow]


def _docker(*args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)


def _engine_answers() -> bool:
    try:
        return _docker("info", timeout=20).returncode == 0
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="module")
def image() -> str:
    require_tool(
        _engine_answers(), "a running container engine (`sudo tools/container/engine.sh` starts one)"
    )
    built = subprocess.run(
        ["bash", "tools/container/web_image.sh", IMAGE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return IMAGE


def _wait_until_serving(port: int, name: str) -> None:
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                assert json.loads(reply.read()) == {"status": "ok"}
                return
        except (ConnectionError, urllib.error.URLError):
            time.sleep(0.5)
    pytest.fail(f"the container did not serve: {_docker('logs', name).stderr[-2000:]}")


def _container(image: str, options: list[str], command: list[str]) -> Iterator[tuple[str, int]]:
    port = free_port()
    name = f"tpg-test-{port}"
    run = ["run", "-d", "--name", name, "-e", f"SKILL_ID={LOCAL_SKILL_ID}"]
    started = _docker(*run, "-p", f"127.0.0.1:{port}:8080", *options, image, *command)
    assert started.returncode == 0, started.stderr
    try:
        _wait_until_serving(port, name)
        yield name, port
    finally:
        _docker("rm", "-f", name)


@pytest.fixture
def production(image) -> Iterator[tuple[str, int]]:
    yield from _container(image, [], [])


@pytest.fixture
def trusting_test_authority(image, tmp_path) -> Iterator[tuple[str, int, object]]:
    signer = Authority.create("Container Test Root").issue()
    authority = write_authority(signer, tmp_path / "authority")
    authority.chmod(0o755)
    mounts = ["-v", f"{authority}:/authority:ro", "-v", f"{ROOT / 'tools'}:/app/tools:ro"]
    app = 'tools.signed_endpoint:create_app_for("/authority")'
    command = ["gunicorn", "--config", "web/gunicorn.conf.py", app]
    for name, port in _container(image, mounts, command):
        yield name, port, signer


def test_the_image_runs_gunicorn_as_a_non_root_user_and_its_healthcheck_passes(production):
    name, _ = production
    config = json.loads(_docker("inspect", name).stdout)[0]["Config"]
    assert config["User"] == "skill"
    assert config["Cmd"] == ["gunicorn", "--config", "web/gunicorn.conf.py", "web.wsgi:app"]
    healthcheck = config["Healthcheck"]["Test"]
    assert healthcheck[0] == "CMD"
    assert _docker("exec", name, *healthcheck[1:]).returncode == 0  # the image's own check
    assert _docker("exec", name, "id", "-u").stdout.strip() != "0"
    top = _docker("top", name).stdout
    assert "gunicorn" in top and "web.wsgi:app" in top
    assert _docker("exec", name, "test", "-e", "/app/tools").returncode != 0  # no developer tools


def _post(port: int, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_a_signed_request_gets_the_answer_and_a_tampered_one_400(trusting_test_authority):
    (_, port, signer) = trusting_test_authority
    body = json.dumps(envelope(launch_request())).encode()
    status, received = _post(port, body, signer.headers(body))
    assert status == 200, received
    assert speech_of(received).startswith("Welcome to Trigger Point Guide")
    tampered = body.replace(b"LaunchRequest", b"SessionEndedRequest")
    status, refused = _post(port, tampered, signer.headers(body))
    assert status == 400 and "error" in refused


def test_the_production_image_refuses_an_unsigned_request(production):
    _, port = production
    body = json.dumps(envelope(launch_request())).encode()
    status, refused = _post(port, body, {"Content-Type": "application/json"})
    assert status == 400 and "error" in refused
