"""Conversation state carried between turns in Alexa session attributes.

Session attributes come back to us inside the request, so they are untrusted input:
anything that is not exactly what we wrote (an unknown key or answer id, a wrong type,
an over-long value) is dropped on load instead of crashing or misrouting the turn, and
only what we wrote is ever sent back.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar

from skill.store import AnswerStore, Entry

# What we write is a few short ids; anything longer or larger is not ours. Caps applied
# before anything walks the value, so a huge or deeply nested one costs nothing.
MAX_ID_CHARS = 64
MAX_HEARD_IDS = 64
MAX_SAID_IDS = 3


class Part(StrEnum):
    """Which part of an answer was spoken last."""

    ANSWER = "answer"
    MORE = "more"


class Offer(StrEnum):
    """What a "yes" would accept."""

    MORE = "more"
    RELATED = "related"


class Spoken(NamedTuple):
    entry: Entry
    part: Part


class Pending(NamedTuple):
    entry: Entry
    offer: Offer


class Kind(StrEnum):
    """The kinds of reply "repeat" can rebuild (replies that end the session need none)."""

    WELCOME = "welcome"
    HELP = "help"
    ANSWER = "answer"
    DECLINED = "declined"
    MENU = "menu"
    MISS = "miss"
    NOTICE = "notice"  # a fixed prompt: stale touch, unsupported request


MAX_VARIANT = 10_000
MAX_MISSES = 3  # the third miss in a row closes the session
_REASON = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


class Said(NamedTuple):
    """What the skill said last, as a reference it can be rebuilt from word for word.

    Never the text itself: session attributes come back as untrusted input, and a
    reference can be checked (known kind, known answer ids) where text cannot.
    """

    kind: Kind
    variant: int = 0  # which phrasing of the varied prompts; the next turn uses the next one
    ids: tuple[str, ...] = ()  # the answers the reply names, in order
    reason: str = ""  # MISS: why (a prompt key); NOTICE: the prompt key
    level: int = 0  # MISS: 1 or 2 (the third miss closes the session)
    warned: bool = False  # MISS: the emergency sentence was part of it
    covers: tuple[str, ...] = ()  # MISS: keywords of the offered answer the question named


class ConversationState(NamedTuple):
    """What was said last, what was offered next, which answers were heard, and how many
    requests in a row the skill could not help with."""

    last: Spoken | None = None
    pending: Pending | None = None
    heard: tuple[str, ...] = ()
    said: Said | None = None
    misses: int = 0
    warned: bool = False  # the emergency sentence was said on a miss in this session

    @classmethod
    def from_attributes(cls, attributes: object, store: AnswerStore) -> ConversationState:
        attributes = readable_attributes(attributes)
        misses = attributes.get("misses")
        return cls(
            last=_load_spoken(attributes.get("last"), store),
            pending=_load_pending(attributes.get("pending"), store),
            heard=tuple(dict.fromkeys(_known_ids(attributes.get("heard"), store))),
            said=_load_said(attributes.get("said"), store),
            misses=misses if type(misses) is int and 0 <= misses <= MAX_MISSES else 0,
            warned=attributes.get("warned") is True,
        )

    def to_attributes(self) -> dict[str, Any]:
        attributes: dict[str, Any] = {"heard": list(self.heard)}
        if self.last is not None:
            attributes["last"] = {"id": self.last.entry.id, "part": self.last.part.value}
        if self.pending is not None:
            attributes["pending"] = {"id": self.pending.entry.id, "offer": self.pending.offer.value}
        if self.said is not None:
            attributes["said"] = _said_attributes(self.said)
        if self.misses:
            attributes["misses"] = self.misses
        if self.warned:
            attributes["warned"] = True
        return attributes

    @property
    def next_variant(self) -> int:
        """The phrasing for this turn's varied prompts: never the one used last turn."""
        return (self.said.variant + 1) % MAX_VARIANT if self.said is not None else 0

    def after_speaking(self, entry: Entry, part: Part, pending: Pending | None) -> ConversationState:
        heard = self.heard if entry.id in self.heard else (*self.heard, entry.id)
        return self._replace(last=Spoken(entry, part), pending=pending, heard=heard)

    def with_pending(self, pending: Pending | None) -> ConversationState:
        return self._replace(pending=pending)

    def saying(self, said: Said) -> ConversationState:
        """After a turn that helped: remember what was said; the run of misses is over."""
        return self._replace(said=said, misses=0)

    def missing(self, said: Said) -> ConversationState:
        """After a turn that could not help: one more miss in a row."""
        return self._replace(
            said=said, misses=min(self.misses + 1, MAX_MISSES), warned=self.warned or said.warned
        )


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
    said = _readable_said(raw.get("said"))
    if said is not None:
        readable["said"] = said
    for key, type_ in (("misses", int), ("warned", bool)):
        if type(raw.get(key)) is type_:
            readable[key] = raw[key]
    return readable


def _readable_said(value: object) -> dict[str, Any] | None:
    """The fields a Said is written with, each of the type we write, or None."""
    if not isinstance(value, dict):
        return None
    readable: dict[str, Any] = {}
    for key in ("kind", "reason"):
        if _short_id(value.get(key)) is not None:
            readable[key] = value[key]
    for key, type_ in (("variant", int), ("level", int), ("warned", bool)):
        if type(value.get(key)) is type_:
            readable[key] = value[key]
    for key in ("ids", "covers"):
        items = value.get(key)
        if isinstance(items, list):
            if len(items) > MAX_SAID_IDS or any(_short_id(item) is None for item in items):
                return None
            readable[key] = list(items)
    return readable


def _known_ids(value: object, store: AnswerStore) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if store.get(item) is not None]


PartOrOffer = TypeVar("PartOrOffer", Part, Offer)


def _entry_and(
    value: object, store: AnswerStore, key: str, kinds: type[PartOrOffer]
) -> tuple[Entry, PartOrOffer] | None:
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


def _said_attributes(said: Said) -> dict[str, Any]:
    attributes: dict[str, Any] = {"kind": said.kind.value, "variant": said.variant}
    if said.ids:
        attributes["ids"] = list(said.ids)
    if said.reason:
        attributes["reason"] = said.reason
    if said.level:
        attributes["level"] = said.level
    if said.warned:
        attributes["warned"] = True
    if said.covers:
        attributes["covers"] = list(said.covers)
    return attributes


def _load_said(value: object, store: AnswerStore) -> Said | None:
    """A Said exactly as we write it, or None: unknown kinds and ids drop it whole."""
    if not isinstance(value, dict) or value.get("kind") not in {kind.value for kind in Kind}:
        return None
    variant, ids, reason = value.get("variant", 0), value.get("ids", []), value.get("reason", "")
    covers = value.get("covers", [])
    level = value.get("level", 0)
    if type(variant) is not int or not 0 <= variant < MAX_VARIANT:
        return None
    if not isinstance(ids, list) or len(_known_ids(ids, store)) != len(ids):
        return None
    if not isinstance(reason, str) or (reason and not _REASON.match(reason)):
        return None
    if type(level) is not int or not 0 <= level < MAX_MISSES:
        return None
    if not isinstance(covers, list) or not all(isinstance(cover, str) for cover in covers):
        return None
    return Said(
        Kind(value["kind"]), variant, tuple(ids), reason, level, value.get("warned") is True, tuple(covers)
    )
