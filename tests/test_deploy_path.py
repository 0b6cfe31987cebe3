"""The one deploy path (`python -m tools deploy`), run from a copy of the repository as a new
user would, with only the AWS and Amazon calls stubbed at the process boundary: fake `sam` and
`ask` executables first on PATH record their arguments and answer as the real ones do."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skill.phrases import supported_locales
from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
FAKE_SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
FAKE_ARN = "arn:aws:lambda:us-east-1:000000000000:function:trigger-point-guide-SkillFunction-TEST"
pytestmark = [pytest.mark.slow]  # each test copies the repository and runs the deploy command
COPY_IGNORES = shutil.ignore_patterns(
    ".git",
    ".venv*",
    "node_modules",
    ".aws-sam",
    "build",
    ".ask",
    "__pycache__",
    "*_cache",
    "preview",
    "mutants",
)

# Each fake appends {"tool", "args", "endpoint"} to $FAKE_LOG; "endpoint" is what the package
# that `ask deploy` would upload holds at that moment.
FAKE = """\
#!{python}
import json, os, pathlib, sys
tool, args = pathlib.Path(sys.argv[0]).name, sys.argv[1:]
manifest = pathlib.Path("build/skill-package/skill.json")
custom = json.loads(manifest.read_text())["manifest"]["apis"]["custom"] if manifest.exists() else {{}}
endpoint = custom.get("endpoint")
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps({{"tool": tool, "args": args, "endpoint": endpoint}}) + "\\n")
if tool == "ask" and args[0] == "deploy":
    states = pathlib.Path(".ask/ask-states.json")
    states.parent.mkdir(exist_ok=True)
    states.write_text(json.dumps({{"askcliStatesVersion": "2020-03-31",
                                   "profiles": {{"default": {{"skillId": "{skill_id}"}}}}}}))
if tool == "sam" and args[:2] == ["list", "stack-outputs"]:
    print(json.dumps([{{"OutputKey": "SkillFunctionArn", "OutputValue": "{arn}", "Description": "d"}}]))
"""


@pytest.fixture
def clone(tmp_path) -> Path:
    """The repository as a fresh clone has it (no build/, no .ask/), plus a bin/ of fakes."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=COPY_IGNORES)
    fakes = tmp_path / "bin"
    fakes.mkdir()
    for tool in ("sam", "ask"):
        path = fakes / tool
        path.write_text(FAKE.format(python=sys.executable, skill_id=FAKE_SKILL_ID, arn=FAKE_ARN))
        path.chmod(0o755)
    return repo


def _deploy(clone: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    log = clone.parent / "calls.jsonl"
    env = {**os.environ, "PATH": f"{clone.parent / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.update(FAKE_LOG=str(log))
    env.pop("ASK_DEFAULT_PROFILE", None)
    result = run_cli("deploy", *args, env=env, cwd=clone)
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return result, calls


def test_a_fresh_clone_deploys_skill_then_function_then_endpoint(clone):
    result, calls = _deploy(clone)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [(call["tool"], call["args"][0]) for call in calls] == [
        ("ask", "deploy"),
        ("sam", "build"),
        ("sam", "deploy"),
        ("sam", "list"),
        ("ask", "deploy"),
    ]
    first, _, sam_deploy, _, last = calls
    # The first `ask deploy` creates the skill from a package with no endpoint at all.
    assert first["args"] == ["deploy", "--target", "skill-metadata", "--profile", "default"]
    assert first["endpoint"] is None
    # The function is bound to the skill id the ASK CLI recorded.
    assert f"SkillId={FAKE_SKILL_ID}" in sam_deploy["args"]
    assert "--no-confirm-changeset" in sam_deploy["args"]
    assert sam_deploy["args"][sam_deploy["args"].index("--stack-name") + 1] == "trigger-point-guide"
    # The second one carries the stack's output as the endpoint.
    assert last["endpoint"] == {"uri": FAKE_ARN}
    assert f"deployed: skill {FAKE_SKILL_ID} calls {FAKE_ARN}" in result.stdout
    package = clone / "build" / "skill-package"
    for locale in supported_locales():
        assert (package / "interactionModels" / "custom" / f"{locale}.json").is_file()


def test_the_deployed_values_stay_out_of_committed_files(clone):
    committed_manifest = (clone / "skill-package" / "skill.json").read_text()
    assert _deploy(clone)[0].returncode == 0
    assert (clone / "skill-package" / "skill.json").read_text() == committed_manifest
    assert FAKE_ARN not in committed_manifest
    ignored = (clone / ".gitignore").read_text().split()
    assert "build/" in ignored and ".ask/" in ignored
    resources = json.loads((clone / "ask-resources.json").read_text())["profiles"]["default"]
    assert resources["skillMetadata"]["src"] == "./build/skill-package"


def test_a_second_deploy_reuses_the_skill(clone):
    assert _deploy(clone)[0].returncode == 0
    result, calls = _deploy(clone)
    assert result.returncode == 0, result.stderr
    # Five calls from the first run, four from the second: no skill-creating `ask deploy`.
    assert [call["tool"] for call in calls[5:]] == ["sam", "sam", "sam", "ask"]


def test_a_self_hosted_endpoint_needs_its_certificate_type(clone):
    result, calls = _deploy(clone, "--https-endpoint", "https://skill.example.org/")
    assert result.returncode == 1
    assert "needs a certificate type" in result.stderr and calls == []
    result, calls = _deploy(
        clone, "--https-endpoint", "https://skill.example.org/", "--ssl-certificate-type", "Wildcard"
    )
    assert result.returncode == 0, result.stderr
    assert [call["tool"] for call in calls] == ["ask", "ask"]
    assert calls[-1]["endpoint"] == {"uri": "https://skill.example.org/", "sslCertificateType": "Wildcard"}


def test_a_failing_aws_call_stops_the_deploy_before_the_endpoint(clone):
    fake_sam = clone.parent / "bin" / "sam"
    fake_sam.write_text(
        fake_sam.read_text() + "if args[0] == 'deploy':\n    sys.exit('Error: no credentials')\n"
    )
    result, calls = _deploy(clone)
    assert result.returncode == 1
    assert "deploy: `sam deploy` failed (exit 1)" in result.stderr
    assert [call["tool"] for call in calls] == ["ask", "sam", "sam"]


def test_ask_run_finds_runtime_handler_and_code_in_the_resources():
    """What `ask run` reads (skillInfrastructure.userConfig and code.default.src): a python
    runtime, and a handler naming a function in a file of the code folder."""
    profile = json.loads((ROOT / "ask-resources.json").read_text())["profiles"]["default"]
    user_config = profile["skillInfrastructure"]["userConfig"]
    assert "type" not in profile["skillInfrastructure"]  # SAM deploys the code, not the ASK CLI
    assert "python" in user_config["runtime"]
    module, function = user_config["handler"].rsplit(".", 1)
    source = (ROOT / profile["code"]["default"]["src"] / f"{module}.py").read_text()
    assert f"def {function}(" in source
    pinned = (ROOT / "requirements-debug.txt").read_text()
    assert "ask-sdk-local-debug==" in pinned and "-r lambda/requirements.txt" in pinned
    assert "ask-sdk-local-debug" not in (ROOT / "lambda" / "requirements.txt").read_text()
