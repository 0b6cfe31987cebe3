"""The curated answer store: loaded from a bundled JSON file and validated on load.

Health content must never reach a device half-formed, so every rule an entry must
follow is checked here and a broken store fails with the entry id and field named.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

from skill.data_files import data_path, read_json
from skill.limits import MAX_CARD_CHARS
from skill.text import normalize

DEFAULT_STORE_PATH = data_path("answers.json")

MAX_SPOKEN_WORDS = 80
# Room on the card for what the renderer adds to an entry's text (the disclaimer, the related questions).
CARD_FOOTER_ROOM = 1000
MAX_ENTRY_CARD_CHARS = MAX_CARD_CHARS - CARD_FOOTER_ROOM
MIN_SAMPLES = 20
MAX_SAFETY_WORDS = 35  # a safety addition is one or two short sentences
PLACEHOLDERS = frozenset({"emergency_number", "crisis_how", "crisis_line"})

_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
SAMPLE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z' .]*[A-Za-z]$")
_PLACEHOLDER_PATTERN = re.compile(r"\{([^{}]*)\}")


class StoreError(ValueError):
    """The answer store breaks a rule; the message names the entry and the field."""

    def __init__(self, entry_id: str, field: str, problem: str) -> None:
        super().__init__(f"answer store entry {entry_id!r}, field {field!r}: {problem}")
        self.entry_id = entry_id
        self.field = field


class Entry(NamedTuple):
    """One curated question and its answer, written for the ear and for the card."""

    id: str
    topic: str
    question: str
    keywords: tuple[str, ...]
    samples: tuple[str, ...]
    speech: str
    more: str | None
    card_title: str
    card_text: str
    related: tuple[str, ...]
    # The skill's own safety line, not from the seed: spoken after the answer, on the card.
    safety_addition: str | None = None

    @property
    def intent_name(self) -> str:
        """The answer's intent in the interaction model, e.g. ``NeckIntent``."""
        return "".join(part.capitalize() for part in self.id.split("_")) + "Intent"


class AnswerStore:
    """All entries, in store order, with look-ups by id and by intent name."""

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        self.entries = entries
        self._by_id = {entry.id: entry for entry in entries}
        self._by_intent = {entry.intent_name: entry for entry in entries}

    def get(self, entry_id: object) -> Entry | None:
        """The entry with this id, or None (ids may come from untrusted session data)."""
        return self._by_id.get(entry_id) if isinstance(entry_id, str) else None

    def for_intent(self, intent_name: str) -> Entry | None:
        return self._by_intent.get(intent_name)

    @property
    def intent_names(self) -> frozenset[str]:
        return frozenset(self._by_intent)


def _word_count(text: str) -> int:
    return len(text.split())


def _require_text(raw: dict[str, Any], entry_id: str, field: str) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        raise StoreError(entry_id, field, "is missing or not a non-empty string")
    for name in _PLACEHOLDER_PATTERN.findall(value):
        if name not in PLACEHOLDERS:
            raise StoreError(entry_id, field, f"unknown placeholder {{{name}}}")
    return value.strip()


def _require_list(raw: dict[str, Any], entry_id: str, field: str) -> tuple[str, ...]:
    value = raw.get(field)
    if not isinstance(value, list) or not value:
        raise StoreError(entry_id, field, "is missing or not a non-empty list")
    items = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise StoreError(entry_id, field, f"holds a non-string or empty item: {item!r}")
        items.append(item.strip())
    if len(set(items)) != len(items):
        raise StoreError(entry_id, field, "holds the same item twice")
    return tuple(items)


def _check_spoken_length(entry_id: str, field: str, text: str) -> None:
    words = _word_count(text)
    if words > MAX_SPOKEN_WORDS:
        raise StoreError(entry_id, field, f"has {words} words; spoken text is kept to {MAX_SPOKEN_WORDS}")


def parse_entry(raw: object, position: int) -> Entry:
    """Build one entry, checking each field on its own."""
    if not isinstance(raw, dict):
        raise StoreError(f"#{position}", "entry", "is not an object")
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not _ID_PATTERN.match(entry_id):
        raise StoreError(f"#{position}", "id", "must be lowercase letters, digits and _")

    def text(field: str) -> str:
        return _require_text(raw, entry_id, field)

    def texts(field: str) -> tuple[str, ...]:
        return _require_list(raw, entry_id, field)

    entry = Entry(
        id=entry_id,
        topic=text("topic"),
        question=text("question"),
        keywords=texts("keywords"),
        samples=texts("samples"),
        speech=text("speech"),
        more=text("more") if "more" in raw else None,
        card_title=text("card_title"),
        card_text=text("card_text"),
        related=texts("related"),
        safety_addition=text("safety_addition") if "safety_addition" in raw else None,
    )
    if entry.safety_addition is not None and _word_count(entry.safety_addition) > MAX_SAFETY_WORDS:
        raise StoreError(entry_id, "safety_addition", f"is over {MAX_SAFETY_WORDS} words")
    _check_spoken_length(entry_id, "speech", entry.speech)
    if entry.more is not None:
        _check_spoken_length(entry_id, "more", entry.more)
    if len(entry.card_title) + len(entry.card_text) > MAX_ENTRY_CARD_CHARS:
        raise StoreError(entry_id, "card_text", f"title and text exceed {MAX_ENTRY_CARD_CHARS} characters")
    if len(entry.samples) < MIN_SAMPLES:
        raise StoreError(entry_id, "samples", f"has {len(entry.samples)}; at least {MIN_SAMPLES} are needed")
    for sample in entry.samples:
        if not SAMPLE_PATTERN.match(sample):
            raise StoreError(entry_id, "samples", f"{sample!r} may hold only letters, spaces, ' and .")
    if entry_id in entry.related:
        raise StoreError(entry_id, "related", "an entry cannot be related to itself")
    return entry


def _check_store(entries: list[Entry]) -> None:
    """Rules that span entries: unique ids, related ids that exist, no shared samples."""
    seen_ids: set[str] = set()
    for entry in entries:
        if entry.id in seen_ids:
            raise StoreError(entry.id, "id", "is used by more than one entry")
        seen_ids.add(entry.id)
    owner_of_sample: dict[str, str] = {}
    for entry in entries:
        for related_id in entry.related:
            if related_id not in seen_ids:
                raise StoreError(entry.id, "related", f"names {related_id!r}, which does not exist")
        for sample in entry.samples:
            other = owner_of_sample.setdefault(normalize(sample), entry.id)
            if other != entry.id:
                raise StoreError(entry.id, "samples", f"{sample!r} is also a sample of {other!r}")


def parse_store(document: object) -> AnswerStore:
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise StoreError("(store)", "entries", "the store must be an object with an 'entries' list")
    entries = [parse_entry(raw, position) for position, raw in enumerate(document["entries"])]
    if not entries:
        raise StoreError("(store)", "entries", "the store has no entries")
    _check_store(entries)
    return AnswerStore(entries=tuple(entries))


def load_store(path: str = DEFAULT_STORE_PATH) -> AnswerStore:
    """Read and validate a store file; any rule it breaks raises StoreError."""
    return parse_store(read_json(path))


@cache
def default_store() -> AnswerStore:
    """The bundled store, read once per process (once per Lambda container)."""
    return load_store()
