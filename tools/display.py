"""What a person would hear and see for one response envelope, as terminal text."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

_TAG = re.compile(r"<[^>]+>")


def ssml_to_text(ssml: str) -> str:
    """What a listener hears, as plain text: tags removed, entities decoded."""
    return " ".join(unescape(_TAG.sub(" ", ssml)).split())


def _speech(output: dict[str, Any] | None) -> str:
    if not output:
        return ""
    return ssml_to_text(output.get("ssml") or "") if output.get("type") == "SSML" else output.get("text", "")


def describe_response(received: dict[str, Any]) -> list[str]:
    response = received.get("response") or {}
    lines = []
    spoken = _speech(response.get("outputSpeech"))
    lines.append(f"Alexa: {spoken}" if spoken else "Alexa: (says nothing)")
    reprompt = _speech((response.get("reprompt") or {}).get("outputSpeech"))
    if reprompt:
        lines.append(f"  reprompt: {reprompt}")
    card = response.get("card")
    if card:
        lines.append(f"  card: {card.get('title', '')}")
        lines.extend(f"    {line}" for line in (card.get("content") or "").splitlines())
    for directive in response.get("directives") or []:
        properties = ((directive.get("datasources") or {}).get("screen") or {}).get("properties") or {}
        buttons = [button.get("label", "") for button in properties.get("buttons", [])]
        lines.append(f"  screen: {properties.get('headline', directive.get('type'))}")
        lines.extend(f"    [touch] {label}" for label in buttons)
    ends = response.get("shouldEndSession", True)
    lines.append("  [session ended]" if ends else "  [microphone open]")
    return lines
