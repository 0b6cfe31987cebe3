"""Simulated devices, and the context Alexa builds for them: a device reports a screen
(``Alexa.Presentation.APL`` and a ``Viewport``) only to a skill whose manifest declares
``ALEXA_PRESENTATION_APL``. The profiles are ``data/devices.json``; the manifest's
``supportedViewports`` are generated from the same profiles."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DEVICES_FILE = Path(__file__).parent / "data" / "devices.json"
SKILL_JSON = Path(__file__).resolve().parents[1] / "skill-package" / "skill.json"
APL_INTERFACE = "ALEXA_PRESENTATION_APL"
APL_CONTEXT_KEY = "Alexa.Presentation.APL"
_ARC_MINUTES_PER_DP = 221 / 1280  # an Echo Show 8 seen from a typical distance


@dataclass(frozen=True)
class Viewport:
    mode: str
    shape: str
    width: int  # dp
    height: int  # dp
    dpi: int

    @property
    def pixel_width(self) -> int:
        return self.width * self.dpi // 160

    @property
    def pixel_height(self) -> int:
        return self.height * self.dpi // 160

    def manifest_spec(self) -> dict[str, Any]:
        """The manifest's ``supportedViewports`` item for exactly this viewport."""
        return {
            "mode": self.mode,
            "shape": self.shape,
            "minWidth": self.width,
            "maxWidth": self.width,
            "minHeight": self.height,
            "maxHeight": self.height,
        }

    def request_context(self) -> dict[str, Any]:
        """``context.Viewport`` as the device sends it."""
        experience = {
            "arcMinuteWidth": round(self.width * _ARC_MINUTES_PER_DP),
            "arcMinuteHeight": round(self.height * _ARC_MINUTES_PER_DP),
            "canRotate": False,
            "canResize": False,
        }
        return {
            "experiences": [experience],
            "mode": self.mode,
            "shape": self.shape,
            "pixelWidth": self.pixel_width,
            "pixelHeight": self.pixel_height,
            "dpi": self.dpi,
            "currentPixelWidth": self.pixel_width,
            "currentPixelHeight": self.pixel_height,
            "touch": ["SINGLE"] if self.mode == "HUB" else [],
            "keyboard": [],
        }


@dataclass(frozen=True)
class Device:
    name: str
    viewport: Viewport | None
    apl_max_version: str

    def supported_interfaces(self, declared: frozenset[str]) -> dict[str, Any]:
        """What the request's ``supportedInterfaces`` holds for a skill declaring ``declared``."""
        if self.viewport is None or APL_INTERFACE not in declared:
            return {}
        return {APL_CONTEXT_KEY: {"runtime": {"maxVersion": self.apl_max_version}}}

    def viewport_context(self, declared: frozenset[str]) -> dict[str, Any] | None:
        if self.viewport is None or APL_INTERFACE not in declared:
            return None
        return self.viewport.request_context()


@cache
def _profiles() -> dict[str, Any]:
    return json.loads(DEVICES_FILE.read_text(encoding="utf-8"))


@cache
def devices() -> dict[str, Device]:
    profiles = _profiles()
    return {
        name: Device(
            name,
            Viewport(**profile["viewport"]) if profile["viewport"] else None,
            profiles["apl_max_version"],
        )
        for name, profile in profiles["devices"].items()
    }


def device(name: str | None = None) -> Device:
    """A device by name; the default is the screen device (``default_screen``)."""
    return devices()[name or _profiles()["default_screen"]]


def screen_viewports() -> list[Viewport]:
    return [found.viewport for found in devices().values() if found.viewport is not None]


def declared_interfaces(manifest: dict[str, Any]) -> frozenset[str]:
    custom = manifest.get("manifest", {}).get("apis", {}).get("custom", {})
    return frozenset(item.get("type", "") for item in custom.get("interfaces", []))


@cache
def committed_interfaces() -> frozenset[str]:
    """The interfaces ``skill-package/skill.json`` declares (what Alexa would go by)."""
    return declared_interfaces(json.loads(SKILL_JSON.read_text(encoding="utf-8")))
