"""Conversation state carried between turns in Alexa session attributes.

Session attributes come back to us inside the request, so they are untrusted input:
anything that is not exactly what we wrote (an unknown key or answer id, a wrong type,
an over-long value) is dropped on load instead of crashing or misrouting the turn, and
only what we wrote is ever sent back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from skill.store import AnswerStore, Entry

# What we write is a few short ids; anything longer or larger is not ours. Caps applied
# before anything walks the value, so a huge or deeply nested one costs nothing.
MAX_ID_CHARS = 64
MAX_HEARD_IDS = 64


class Part(StrEnum):
    """Which part of an answer was spoken last."""

    ANSWER = "answer"
    MORE = "more"


class Offer(StrEnum):
    """What a "yes" would accept."""

    MORE = "more"
    RELATED = "related"


@dataclass(frozen=True)
class Spoken:
    entry: Entry
    part: Part


@dataclass(frozen=True)
class Pending:
    entry: Entry
    offer: Offer


@dataclass(frozen=True)
class ConversationState:
    """What was said last, what was offered next, and which answers were heard."""

    last: Spoken | None = None
    pending: Pending | None = None
    heard: tuple[str, ...] = field(default=())

    @classmethod
    def from_attributes(cls, attributes: object, store: AnswerStore) -> ConversationState:
        attributes = readable_attributes(attributes)
        return cls(
            last=_load_spoken(attributes.get("last"), store),
            pending=_load_pending(attributes.get("pending"), store),
            heard=tuple(dict.fromkeys(_known_ids(attributes.get("heard"), store))),
        )

    def to_attributes(self) -> dict[str, Any]:
        attributes: dict[str, Any] = {"heard": list(self.heard)}
        if self.last is not None:
            attributes["last"] = {"id": self.last.entry.id, "part": self.last.part.value}
        if self.pending is not None:
            attributes["pending"] = {"id": self.pending.entry.id, "offer": self.pending.offer.value}
        return attributes

    def after_speaking(self, entry: Entry, part: Part, pending: Pending | None) -> ConversationState:
        heard = self.heard if entry.id in self.heard else (*self.heard, entry.id)
        return ConversationState(last=Spoken(entry, part), pending=pending, heard=heard)

    def with_pending(self, pending: Pending | None) -> ConversationState:
        return ConversationState(last=self.last, pending=pending, heard=self.heard)


def _short_id(value: object) -> str | None:
    return value if isinstance(value, str) and len(value) <= MAX_ID_CHARS else None


def _id_and(value: object, key: str) -> dict[str, str] | None:
    """``{"id": <short string>, key: <short string>}``, nothing else kept."""
    if not isinstance(value, dict):
        return None
    found, kind = _short_id(value.get("id")), _short_id(value.get(key))
    return {"id": found, key: kind} if found is not None and kind is not None else None


def readable_attributes(raw: object) -> dict[str, Any]:
    """Session attributes reduced to the keys and shapes we write (without the store: ids
    are checked against it on load), so nothing else is deserialized, copied or echoed.

    Only fixed paths are looked at and lists are cut before they are read: neither the
    size nor the nesting depth of what arrived changes the cost."""
    if not isinstance(raw, dict):
        return {}
    readable: dict[str, Any] = {}
    heard = raw.get("heard")
    if isinstance(heard, list):
        readable["heard"] = [item for item in heard[:MAX_HEARD_IDS] if _short_id(item) is not None]
    for key, kind in (("last", "part"), ("pending", "offer")):
        found = _id_and(raw.get(key), kind)
        if found is not None:
            readable[key] = found
    return readable


def _known_ids(value: object, store: AnswerStore) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if store.get(item) is not None]


Kind = TypeVar("Kind", Part, Offer)


def _entry_and(value: object, store: AnswerStore, key: str, kinds: type[Kind]) -> tuple[Entry, Kind] | None:
    """``{"id": <known answer>, key: <one of kinds>}``, or None for anything else, including
    a "more" for an answer that has no more to say."""
    if not isinstance(value, dict):
        return None
    entry = store.get(value.get("id"))
    raw = value.get(key)
    if entry is None or raw not in {kind.value for kind in kinds}:
        return None
    kind = kinds(raw)
    if kind.value == "more" and entry.more is None:
        return None
    return entry, kind


def _load_spoken(value: object, store: AnswerStore) -> Spoken | None:
    found = _entry_and(value, store, "part", Part)
    return Spoken(*found) if found else None


def _load_pending(value: object, store: AnswerStore) -> Pending | None:
    found = _entry_and(value, store, "offer", Offer)
    return Pending(*found) if found else None
