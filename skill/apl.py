"""Screens for devices with APL (Echo Show, Echo Spot, Fire TV): one document from
``data/apl/document.json``, filled per answer through its datasource.

The document never changes; only the datasource does. Written text becomes a list of
paragraphs and list items ("• ..." and "1. ..." lines), so lists show as lists.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from skill.data_files import read_json
from skill.serialized import Serialized

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput

    from skill.dialogue import Screen

TOKEN = "triggerPointGuide"
ASK_EVENT = "ask"  # SendEvent arguments: ["ask", <answer id>]

# Screens kept serialised: every answer's, per locale, with room to spare.
RENDERED_SCREENS = 512

_NUMBERED = re.compile(r"^(\d+)\.\s+(.*)$")


@cache
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = read_json("apl/document.json")
    return loaded


def _markup_safe(text: str) -> str:
    """APL Text reads a little markup (<b>, <br>...); show our text as it is written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def body_items(text: str) -> list[dict[str, str]]:
    """Paragraphs and list items, each with its marker ("•", "3." or none)."""
    items = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        numbered = _NUMBERED.match(line)
        if line.startswith("• "):
            marker, line = "•", line[2:]
        elif numbered:
            marker, line = f"{numbered.group(1)}.", numbered.group(2)
        else:
            marker = ""
        items.append({"marker": marker, "text": _markup_safe(line)})
    return items


def datasources(screen: Screen) -> dict[str, Any]:
    return {
        "screen": {
            "type": "object",
            "properties": {
                "headline": _markup_safe(screen.headline),
                "body": body_items(screen.text),
                "disclaimer": _markup_safe(screen.disclaimer),
                "buttonsTitle": _markup_safe(screen.buttons_title),
                "buttons": [
                    {"label": _markup_safe(entry.question), "id": entry.id} for entry in screen.buttons
                ],
            },
        }
    }


def supports_apl(handler_input: HandlerInput) -> bool:
    """Whether the requesting device says it renders APL."""
    system = getattr(handler_input.request_envelope.context, "system", None)
    device = getattr(system, "device", None)
    interfaces = getattr(device, "supported_interfaces", None)
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


@lru_cache(maxsize=RENDERED_SCREENS)
def render_directive(screen: Screen) -> Any:
    """The RenderDocument directive for a screen, already in the form the SDK's model would
    serialise to (so it stands where a Directive goes), built once per screen: screens come
    from the store and the prompts, so there are only so many."""
    return Serialized(
        type="Alexa.Presentation.APL.RenderDocument",
        token=TOKEN,
        document=document(),
        datasources=datasources(screen),
    )


def touched_answer_id(arguments: object) -> str | None:
    """The answer id a touch asks for, from a UserEvent's arguments (untrusted)."""
    if isinstance(arguments, list) and len(arguments) == 2 and arguments[0] == ASK_EVENT:
        return arguments[1] if isinstance(arguments[1], str) else None
    return None
