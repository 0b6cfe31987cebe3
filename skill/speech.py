"""The one way speech leaves the skill: escaped SSML, kept inside Alexa's limits.

Every spoken string, from the store or from a user's own words echoed back, passes
through here, so nothing a user says can inject SSML and no response can grow past
what Alexa accepts.
"""

from __future__ import annotations

import re
from functools import lru_cache

from skill.limits import MAX_CARD_CHARS, MAX_SSML_CHARS

PAUSE = '<break time="300ms"/>'

_SPEAK_OPEN, _SPEAK_CLOSE = "<speak>", "</speak>"
# Characters XML 1.0 forbids; a slot value may carry them and they would break the SSML.
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SENTENCE_END = re.compile(r"[.!?](?=\s)")


def clean(text: str) -> str:
    """Drop characters XML cannot carry and fold white space."""
    return " ".join(_INVALID_XML_CHARS.sub(" ", text).split())


def escape(text: str) -> str:
    """Escape text for SSML element content, where only & < > are special."""
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut_to_fit(text: str, room: int) -> str:
    """The longest start of text, ending on a sentence or word, whose escaped form fits."""
    prefix = text[: max(room, 0)]
    while len(escape(prefix)) > room:
        prefix = prefix[: len(prefix) - (len(escape(prefix)) - room)]
    if len(prefix) == len(text):
        return prefix
    sentence_ends = [match.end() for match in _SENTENCE_END.finditer(prefix + " ")]
    if sentence_ends:
        return prefix[: sentence_ends[-1]]
    return prefix.rsplit(" ", 1)[0] if " " in prefix else ""


@lru_cache(maxsize=2048)
def to_ssml(segments: tuple[str, ...], limit: int = MAX_SSML_CHARS) -> str:
    """Speak the segments in order with a short pause between them, within ``limit``.

    Text that would not fit is cut at the last whole sentence that does, as a last
    resort: the store validator already refuses over-long answers. Cached: most of what
    the skill says is the same few hundred strings.
    """
    budget = limit - len(_SPEAK_OPEN) - len(_SPEAK_CLOSE)
    pieces: list[str] = []
    used = 0
    for segment in filter(None, (clean(segment) for segment in segments)):
        joiner = PAUSE if pieces else ""
        escaped = escape(segment)
        if used + len(joiner) + len(escaped) <= budget:
            pieces.append(joiner + escaped)
            used += len(joiner) + len(escaped)
            continue
        partial = _cut_to_fit(segment, budget - used - len(joiner))
        if partial:
            pieces.append(joiner + escape(partial))
        break
    return _SPEAK_OPEN + "".join(pieces) + _SPEAK_CLOSE


@lru_cache(maxsize=512)
def fit_card(title: str, content: str) -> tuple[str, str]:
    """Title and content of a card, cut so that together they stay within Alexa's limit."""
    title = clean(title)[:200]
    lines = [" ".join(line.split()) for line in _INVALID_XML_CHARS.sub(" ", content).split("\n")]
    content = "\n".join(lines).strip()
    room = MAX_CARD_CHARS - len(title)
    if len(content) > room:
        content = content[: room - 1].rstrip() + "…"
    return title, content
