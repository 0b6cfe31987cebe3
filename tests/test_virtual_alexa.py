"""An independent client: virtual-alexa (npm) drives the running web server over HTTP."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import require_tool
from tools.display import ssml_to_text
from tools.model import model_path
from tools.node_tools import ensure_installed, node_available
from tools.web_server import development_server, free_port, running_server

pytestmark = [pytest.mark.external]

CLIENT_DIR = Path(__file__).parent / "virtual_alexa"
SKILL_ID = "amzn1.ask.skill.virtual-alexa-test"
# virtual-alexa treats ask/open/tell/launch anywhere in an utterance as a launch phrase.
LAUNCH_WORDS = {"ask", "open", "tell", "launch"}


@pytest.fixture(scope="module")
def client_dir() -> Path:
    require_tool(node_available(), "node and npm (the virtual-alexa client)")
    return ensure_installed(CLIENT_DIR, "virtual-alexa")


def _sample(store, entry_id: str) -> str:
    entry = store.get(entry_id)
    return next(sample for sample in entry.samples if not LAUNCH_WORDS & set(sample.lower().split()))


def test_a_scripted_conversation_over_http(client_dir, store, tmp_path):
    questions = ["causes_upper_back", "neck", "release_trapped_nerve"]
    script = [{"launch": True}]
    script += [{"utter": _sample(store, entry_id)} for entry_id in questions]
    script += [{"utter": "yes"}, {"utter": "repeat"}, {"utter": "stop"}]
    script_file = tmp_path / "script.json"
    script_file.write_text(json.dumps(script))
    port = free_port()
    with running_server(development_server(port), port, {"SKILL_ID": SKILL_ID}) as server:
        result = subprocess.run(
            ["node", "conversation.js", str(model_path("en-US")), server.url, SKILL_ID, str(script_file)],
            cwd=client_dir,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    spoken = [ssml_to_text(turn["response"]["response"]["outputSpeech"]["ssml"]) for turn in turns]
    intents = [turn["intent"] for turn in turns]

    assert intents == [
        "LaunchRequest",
        *(store.get(entry).intent_name for entry in questions),
        "AMAZON.YesIntent",
        "AMAZON.RepeatIntent",
        "AMAZON.StopIntent",
    ]
    assert spoken[0].startswith("Welcome to Trigger Point Guide")
    for said, entry_id in zip(spoken[1:4], questions, strict=True):
        assert said.startswith(store.get(entry_id).speech)
    assert said.endswith("Would you like to hear more?")  # the trapped-nerve answer has more
    assert spoken[4].startswith(store.get("release_trapped_nerve").more)
    assert spoken[5] == spoken[4]
    assert spoken[6] == "Take care. Goodbye!"
    assert turns[-1]["response"]["response"]["shouldEndSession"] is True
    assert all(turn["response"]["response"]["shouldEndSession"] is False for turn in turns[:-1])
