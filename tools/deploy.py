"""``python -m tools deploy``: from a fresh clone to a live skill in one command.

The order matters because each service needs the other's id: the skill must exist before the
function (the template binds the function to ``SkillId``), and the function before the manifest
can name it as the endpoint. So: ``ask deploy`` the package without an endpoint (which creates
the skill the first time), ``sam build`` and ``sam deploy`` with that skill id, read the stack's
``SkillFunctionArn`` output, write the package again with that endpoint and ``ask deploy`` it.
The package goes to the ignored ``build/skill-package/`` (``ask-resources.json`` points there),
so no account value is ever written to a committed file. ``sam`` and ``ask`` are found on PATH
(``sam`` also beside this interpreter, in the venv)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

from tools.package import PACKAGE_DIR, endpoint, write_package

ROOT = PACKAGE_DIR.parent
DEPLOY_PACKAGE_DIR = ROOT / "build" / "skill-package"
ASK_STATES = ROOT / ".ask" / "ask-states.json"
SAMCONFIG = ROOT / "samconfig.toml"
STACK_OUTPUT = "SkillFunctionArn"  # template.yaml's output


class DeployError(RuntimeError):
    """A step failed; the message says which and what to do."""


def find_tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        hint = {"ask": "npm install -g ask-cli", "sam": "make test installs it into .venv"}[name]
        raise DeployError(f"`{name}` is not installed ({hint})")
    return found


def run_tool(command: Sequence[str]) -> str:
    """Run ``sam`` or ``ask`` at the process boundary: its output streamed, and returned."""
    print("$ " + " ".join(command), flush=True)
    lines = []
    with subprocess.Popen(
        [find_tool(command[0]), *command[1:]], cwd=ROOT, stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            lines.append(line)
    if process.returncode != 0:
        raise DeployError(f"`{' '.join(command[:2])}` failed (exit {process.returncode})")
    return "".join(lines)


def skill_id(profile: str, states: Path = ASK_STATES) -> str | None:
    """The skill id the ASK CLI saved after creating the skill (``.ask/``, ignored)."""
    if not states.exists():
        return None
    document = json.loads(states.read_text(encoding="utf-8"))
    found = document.get("profiles", {}).get(profile, {}).get("skillId")
    return found or None


def stack_name(config: Path = SAMCONFIG) -> str:
    """The stack ``sam deploy`` creates, as samconfig.toml names it."""
    with config.open("rb") as handle:
        return str(tomllib.load(handle)["default"]["global"]["parameters"]["stack_name"])


def stack_output(text: str, key: str = STACK_OUTPUT) -> str:
    """One output's value from ``sam list stack-outputs --output json``."""
    for output in json.loads(text):
        if output.get("OutputKey") == key:
            return str(output["OutputValue"])
    raise DeployError(f"the stack has no output {key}")


def deploy_package(skill_endpoint: dict[str, str] | None, profile: str) -> None:
    written = write_package(DEPLOY_PACKAGE_DIR, skill_endpoint=skill_endpoint)
    print(f"wrote {len(written)} files to {DEPLOY_PACKAGE_DIR.relative_to(ROOT)}", flush=True)
    run_tool(["ask", "deploy", "--target", "skill-metadata", "--profile", profile])


def deploy(profile: str = "default", https_endpoint: dict[str, str] | None = None) -> str:
    """Deploy everything; returns the endpoint the skill now calls."""
    if skill_id(profile) is None:
        deploy_package(None, profile)
    created = skill_id(profile)
    if created is None:
        raise DeployError(f"ask deploy did not record a skill id in {ASK_STATES.relative_to(ROOT)}")
    if https_endpoint is None:
        stack = stack_name()
        run_tool(["sam", "build"])
        run_tool(
            [
                "sam",
                "deploy",
                "--stack-name",
                stack,
                "--parameter-overrides",
                f"SkillId={created}",
                "--no-confirm-changeset",
                "--no-fail-on-empty-changeset",
            ]
        )
        outputs = run_tool(["sam", "list", "stack-outputs", "--stack-name", stack, "--output", "json"])
        skill_endpoint = endpoint(stack_output(outputs))
    else:
        skill_endpoint = https_endpoint
    deploy_package(skill_endpoint, profile)
    return skill_endpoint["uri"]


def main(profile: str, https_uri: str | None, ssl_certificate_type: str | None) -> int:
    try:
        https_endpoint = None if https_uri is None else endpoint(https_uri, ssl_certificate_type)
        uri = deploy(profile, https_endpoint)
    except (DeployError, ValueError) as error:
        print(f"deploy: {error}", file=sys.stderr)
        return 1
    print(f"deployed: skill {skill_id(profile)} calls {uri}")
    return 0
