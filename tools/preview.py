"""APL checks without a device: validation with apl-suggester and rendering with
apl-viewhost-web in headless Chromium, both through the node tools in ``tools/apl``."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.apl import datasources, document
from skill.dialogue import Dialogues, Screen
from skill.phrases import default_locale
from skill.store import AnswerStore
from tools.node_tools import ensure_installed

TOOLS_DIR = Path(__file__).parent / "apl"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    shape: str = "RECTANGLE"
    dpi: int = 160
    mode: str = "HUB"


ECHO_SHOW_8 = Viewport("echo-show-8", 1280, 800)
ECHO_SPOT = Viewport("echo-spot", 480, 480, shape="ROUND")
PREVIEW_VIEWPORTS = (ECHO_SHOW_8, ECHO_SPOT)


class ToolMissing(RuntimeError):
    """node, npm or Chromium is not installed."""


def ensure_tools() -> Path:
    try:
        return ensure_installed(TOOLS_DIR, "apl-suggester")
    except FileNotFoundError as missing:
        raise ToolMissing(f"{missing} for the APL tools") from missing


def screen_for(store: AnswerStore, name: str) -> Screen:
    """The screen for an answer id, or for "launch" / "help"."""
    dialogue = Dialogues(store).for_locale(default_locale())
    from skill.conversation import ConversationState

    state = ConversationState()
    if name == "launch":
        turn = dialogue.welcome(state)
    elif name == "help":
        turn = dialogue.help(state)
    else:
        entry = store.get(name)
        if entry is None:
            raise ValueError(f"no answer with id {name!r}")
        turn = dialogue.answer(entry, state)
    assert turn.reply.screen is not None
    return turn.reply.screen


def validate(screen: Screen) -> list[dict[str, Any]]:
    """apl-suggester's findings (errors and warnings) for the document with this screen's data."""
    tools = ensure_tools()
    job = json.dumps({"document": document(), "datasources": datasources(screen)})
    result = subprocess.run(
        ["node", "validate.js"], cwd=tools, input=job, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(result.stdout)


def render(screen: Screen, viewport: Viewport, out_png: Path) -> dict[str, Any]:
    """Render into ``out_png``; returns what the page showed (texts) and how much ink it has."""
    tools = ensure_tools()
    if not Path(CHROMIUM).exists():
        raise ToolMissing(f"Chromium is needed at {CHROMIUM} (Debian package chromium, or set CHROMIUM)")
    job = {"document": document(), "datasources": datasources(screen), "viewport": viewport.__dict__}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(job, handle)
    try:
        result = subprocess.run(
            ["node", "render.js", handle.name, str(out_png.resolve())],
            cwd=tools,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
            env={**os.environ, "CHROMIUM": CHROMIUM},
        )
    finally:
        os.unlink(handle.name)
    if result.returncode != 0:
        raise RuntimeError(f"rendering failed: {result.stderr.strip()[-500:]}")
    return json.loads(result.stdout)
