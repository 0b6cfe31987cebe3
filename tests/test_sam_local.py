"""`sam local invoke` and `sam local start-lambda` for real: SAM CLI runs the built artifact
in a Lambda-compatible python3.13 container (tools/container/: Debian trixie's python3.13,
awslambdaric from PyPI, SAM's own runtime interface emulator) and every event in events/
must answer exactly as the handler does in process.

The template's function is arm64; this x86_64 machine runs it through a local template
override with ``Architectures: [x86_64]`` (no qemu emulation): the artifact's dependencies are
pure Python, so the same files run on both. Needs a running container engine
(tools/container/engine.sh, which .ci/run starts); skips without one, fails under CI."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from samcli.yamlhelper import yaml_dump, yaml_parse

from tests.helpers import lambda_python, require_tool, speech_of
from tools.envelopes import LOCAL_SKILL_ID
from tools.events import EVENTS_DIR

ROOT = Path(__file__).resolve().parents[1]
SAM = Path(sys.executable).parent / "sam"
BASE_IMAGES = ROOT / "tools" / "container" / "base_images.sh"
LAMBDA_IMAGE = "public.ecr.aws/lambda/python:3.13-x86_64"  # what SAM CLI looks up for x86_64
OVERRIDES = ["--parameter-overrides", f"SkillId={LOCAL_SKILL_ID}"]
pytestmark = [pytest.mark.external, pytest.mark.slow]


def _engine_answers() -> bool:
    try:
        result = subprocess.run(["docker", "info"], capture_output=True, timeout=20, check=False)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def _sam_env(home: Path) -> dict[str, str]:
    return {**os.environ, "SAM_CLI_TELEMETRY": "0", "HOME": str(home), "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def x86_template(tmp_path_factory) -> Path:
    """`sam build`, then the built template with the function on x86_64, beside it."""
    require_tool(
        _engine_answers(), "a running container engine (`sudo tools/container/engine.sh` starts one)"
    )
    require_tool(lambda_python() is not None, "python3.13 (the Lambda runtime's Python) for sam build")
    # Builds the base images once (about a minute); cached while the recipe is unchanged.
    images = subprocess.run(["bash", str(BASE_IMAGES)], capture_output=True, text=True, timeout=900)
    assert images.returncode == 0, images.stdout + images.stderr
    print(images.stdout)
    home = tmp_path_factory.mktemp("home")
    build_dir = tmp_path_factory.mktemp("sam-build")
    built = subprocess.run(
        [str(SAM), "build", "--build-dir", str(build_dir)],
        cwd=ROOT,
        env=_sam_env(home),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    template = yaml_parse((build_dir / "template.yaml").read_text(encoding="utf-8"))
    assert template["Resources"]["SkillFunction"]["Properties"]["Architectures"] == ["arm64"]
    template["Resources"]["SkillFunction"]["Properties"]["Architectures"] = ["x86_64"]
    override = build_dir / "template-x86_64.yaml"
    override.write_text(yaml_dump(template), encoding="utf-8")
    return override


def _invoke(template: Path, event: Path) -> subprocess.CompletedProcess[str]:
    command = [str(SAM), "local", "invoke", "SkillFunction", "--template", str(template)]
    command += ["--skip-pull-image", "--event", str(event), *OVERRIDES]
    return subprocess.run(
        command,
        cwd=template.parent,
        env=_sam_env(template.parent),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _same_answer(received: dict, local: dict, name: str) -> None:
    assert received["response"] == local["response"], name
    assert received.get("sessionAttributes") == local.get("sessionAttributes"), name


def test_sam_local_invoke_answers_every_event_as_the_handler_does(x86_template, handler):
    events = sorted(EVENTS_DIR.glob("*.json"))
    results = {}
    # A few at a time: each invoke mostly waits for its container to start and stop.
    with ThreadPoolExecutor(max_workers=4) as pool:
        invoked = dict(zip(events, pool.map(lambda path: _invoke(x86_template, path), events), strict=True))
    for path, completed in invoked.items():
        assert completed.returncode == 0, completed.stderr
        assert "REPORT RequestId:" in completed.stderr, completed.stderr  # the emulator ran it
        assert "python3.13" in completed.stderr
        results[path.name] = json.loads(completed.stdout.strip().splitlines()[-1])
        _same_answer(results[path.name], handler(json.loads(path.read_text()), None), path.name)
    assert len(results) == len(events) >= 20
    assert "Python/3.13" in results["launch.json"]["userAgent"]
    assert speech_of(results["answer-neck.json"]).startswith(
        "Trigger points can occur in the back of the neck"
    )
    assert speech_of(results["question-emergency.json"]).startswith("Please call 9 1 1")
    assert results["session-ended.json"]["response"] == {}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_sam_local_start_lambda_answers_over_http_on_loopback(x86_template, handler):
    port = _free_port()
    command = [str(SAM), "local", "start-lambda", "--template", str(x86_template), "--skip-pull-image"]
    command += ["--host", "127.0.0.1", "--port", str(port), *OVERRIDES]
    log = x86_template.parent / "start-lambda.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            command, cwd=x86_template.parent, env=_sam_env(x86_template.parent), stdout=output, stderr=output
        )
    try:
        event = (EVENTS_DIR / "answer-release-trapped-nerve.json").read_bytes()
        url = f"http://127.0.0.1:{port}/2015-03-31/functions/SkillFunction/invocations"
        received = None
        for _ in range(120):  # the server takes a few seconds to listen
            try:
                with urllib.request.urlopen(urllib.request.Request(url, data=event), timeout=60) as reply:
                    received = json.loads(reply.read())
                break
            except (ConnectionError, urllib.error.URLError):
                assert server.poll() is None, log.read_text()
                time.sleep(0.5)
        assert received is not None, log.read_text()
        _same_answer(received, handler(json.loads(event), None), "start-lambda")
        assert speech_of(received)
    finally:
        server.terminate()
        server.wait(timeout=30)
