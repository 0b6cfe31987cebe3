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
from tools.devices import Viewport, devices
from tools.node_tools import ensure_installed

TOOLS_DIR = Path(__file__).parent / "apl"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def declared_viewports() -> dict[str, Viewport]:
    """Every viewport the manifest declares (``data/devices.json``), by device name."""
    return {name: found.viewport for name, found in devices().items() if found.viewport is not None}


@dataclass(frozen=True)
class Shown:
    """What one rendering showed: whether it finished, its texts, how much ink, and the fit
    check (lines crossing the visible edge; lines no scroll position shows whole)."""

    device: str
    png: Path
    rendered: str
    texts: list[str]
    ink_ratio: float
    colors: int
    crossing: list[dict[str, Any]]
    unreachable: list[str]

    @property
    def fits(self) -> bool:
        return self.rendered == "yes" and not self.crossing and not self.unreachable


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


def render(
    screen: Screen, out_dir: Path, name: str, viewports: dict[str, Viewport] | None = None
) -> list[Shown]:
    """Render on every declared viewport (or ``viewports``) into ``out_dir/<name>-<device>.png``
    (and ``-end.png``, scrolled to the end), in one Chromium."""
    tools = ensure_tools()
    if not Path(CHROMIUM).exists():
        raise ToolMissing(f"Chromium is needed at {CHROMIUM} (Debian package chromium, or set CHROMIUM)")
    chosen = declared_viewports() if viewports is None else viewports
    out_dir.mkdir(parents=True, exist_ok=True)
    pngs = {device: out_dir / f"{name}-{device}.png" for device in chosen}
    jobs: list[dict[str, Any]] = [
        {
            "document": document(),
            "datasources": datasources(screen),
            "viewport": {
                "width": viewport.pixel_width,
                "height": viewport.pixel_height,
                "shape": viewport.shape,
                "dpi": viewport.dpi,
                "mode": viewport.mode,
            },
            "out": str(pngs[device].resolve()),
            "outEnd": str((out_dir / f"{name}-{device}-end.png").resolve()),
        }
        for device, viewport in chosen.items()
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(jobs, handle)
    try:
        result = subprocess.run(
            ["node", "render.js", handle.name],
            cwd=tools,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            env={**os.environ, "CHROMIUM": CHROMIUM},
        )
    finally:
        os.unlink(handle.name)
    if result.returncode != 0:
        raise RuntimeError(f"rendering failed: {result.stderr.strip()[-500:]}")
    return [
        Shown(
            device,
            pngs[device],
            shown["rendered"],
            shown["texts"],
            shown["inkRatio"],
            shown["colors"],
            shown["fit"]["crossing"],
            shown["fit"]["unreachable"],
        )
        for device, shown in zip(chosen, json.loads(result.stdout), strict=True)
    ]


FIT_FIGURE = Path(__file__).resolve().parents[1] / "docs" / "figures" / "screens.json"


def write_fit_figure(shown: list[Shown], screens: int, path: Path = FIT_FIGURE) -> Path:
    """``docs/figures/screens.json``: per declared viewport, how every screen fitted."""
    rows = []
    for device, viewport in declared_viewports().items():
        mine = [item for item in shown if item.device == device]
        rows.append(
            [
                device,
                f"{viewport.width}x{viewport.height} dp {viewport.shape.lower()} {viewport.mode.lower()}",
                len(mine),
                sum(len(item.crossing) for item in mine),
                sum(len(item.unreachable) for item in mine),
            ]
        )
    figure = {
        "title": "Screens on every declared viewport",
        "command": "python -m tools preview all",
        "tables": [
            {
                "caption": f"{screens} screens (every answer, launch, help) rendered with apl-viewhost-web",
                "columns": [
                    "device",
                    "viewport",
                    "screens",
                    "lines crossing the visible edge",
                    "lines never whole",
                ],
                "rows": rows,
            }
        ],
        "notes": [
            "Visible edge: the screen, the inscribed circle on round screens, 5% margins on TVs.",
            "Never whole: at no scroll position (stepped by half a screen) is the line shown uncut.",
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figure, indent=2) + "\n", encoding="utf-8")
    return path
