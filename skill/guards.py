"""Questions near the topic that the store does not answer, and what to say instead.

A dose question shares most of its words with the muscle relaxers answer, so word
overlap alone would answer it, and for health content a near answer is worse than
none. ``data/guards.json`` names each such category once: the model generator turns
its samples into guard intents, and the catch-all matches its patterns before it
trusts a ranking. Both paths then give the category's reply and offer the closest
thing the store does answer.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from skill import regexes
from skill.data_files import read_json
from skill.store import PLACEHOLDERS, SAMPLE_PATTERN, AnswerStore, Entry
from skill.text import normalize

FALLBACK_INTENT = "AMAZON.FallbackIntent"
COVERED_KEYWORDS = 2  # at most this many of the offered entry's keywords are named
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class GuardError(ValueError):
    """guards.json breaks a rule; the message names the category and the field."""

    def __init__(self, where: str, field: str, problem: str) -> None:
        super().__init__(f"guards {where!r}, field {field!r}: {problem}")


class Guard(NamedTuple):
    """One category of questions the store does not answer."""

    id: str
    intent: str | None  # None: its samples tune AMAZON.FallbackIntent instead
    reply: str
    offer: Entry  # offered when nothing closer is known
    offer_closest: bool
    samples: tuple[str, ...]
    pattern: re.Pattern[str]  # its patterns as one alternation

    def matches(self, normalized_query: str) -> bool:
        return self.pattern.search(normalized_query) is not None

    def strip(self, normalized_query: str) -> str:
        return self.pattern.sub(" ", normalized_query)


class QuestionKind(NamedTuple):
    """What a question asks ("how long"), and the store text that would answer it."""

    id: str
    asks: re.Pattern[str]
    answered_by: re.Pattern[str]
    reply: str


class Decline(NamedTuple):
    """Why the catch-all will not answer: the reply, the entry to offer instead, and the
    offered entry's keywords the question mentioned ("ice"), to say what it covers."""

    reply: str
    offer: Entry
    covers: tuple[str, ...] = ()
    source: str = ""  # the guard category or question kind whose reply this is


def covered(entry: Entry, query: str) -> tuple[str, ...]:
    """The entry's keywords that share a word with the query and that its topic does not
    already name, each adding a new word: what "which covers ..." says."""
    from skill.ranking import terms  # the catch-all's module, loaded with its first question

    asked = terms(query) - terms(entry.topic)
    named: list[str] = []
    seen: set[str] = set()
    for keyword in entry.keywords:
        shared = terms(keyword) & asked
        if shared and not shared & seen and len(named) < COVERED_KEYWORDS:
            named.append(keyword)
            seen |= shared
    return tuple(named)


def closest_offer(query: str, candidates: tuple[Entry, ...], default: Entry) -> Decline:
    """The best-ranked entry when one of its keywords shares a word with the query, else
    ``default``; ``query`` holds only the words that may count (not a guard's own)."""
    from skill.ranking import terms

    asked = terms(query)
    for entry in candidates[:1]:
        if any(asked & terms(keyword) for keyword in entry.keywords):
            return Decline("", entry, covered(entry, query))
    return Decline("", default, covered(default, query))


class Guards:
    """The categories in matching order, and the question kinds."""

    def __init__(self, categories: tuple[Guard, ...], kinds: tuple[QuestionKind, ...]) -> None:
        self.categories = categories
        self.kinds = kinds
        self._by_intent = {guard.intent: guard for guard in categories if guard.intent}

    def for_intent(self, intent_name: str) -> Guard | None:
        return self._by_intent.get(intent_name)

    def reply_of(self, source: str) -> str | None:
        """The reply of a category or question kind by id (ids come back in session data)."""
        replies = {found.id: found.reply for found in self.categories}
        replies.update((kind.id, kind.reply) for kind in self.kinds)
        return replies.get(source)

    @property
    def intent_names(self) -> frozenset[str]:
        return frozenset(self._by_intent)

    @property
    def fallback_samples(self) -> list[str]:
        """Samples of the categories without an intent: they tune Alexa's out-of-domain model."""
        return [sample for guard in self.categories if guard.intent is None for sample in guard.samples]

    def match(self, query: str) -> tuple[Guard, str] | None:
        """The first category whose patterns the query matches, and the query without the
        words that matched (a question about dry needling is not about pins and needles)."""
        text = normalize(query)
        guard = next((guard for guard in self.categories if guard.matches(text)), None)
        if guard is None:
            return None
        for category in self.categories:
            text = category.strip(text)
        return guard, text

    def unaddressed(self, query: str, entry: Entry) -> QuestionKind | None:
        """A kind of question the query asks that the entry's text gives no answer to."""
        text = normalize(query)
        entry_text = " ".join((entry.speech, entry.more or "", entry.card_text)).lower()
        return next(
            (
                kind
                for kind in self.kinds
                if kind.asks.search(text) and not kind.answered_by.search(entry_text)
            ),
            None,
        )

    def decline(self, query: str, answer: Entry | None, candidates: tuple[Entry, ...]) -> Decline | None:
        """Why not to answer with ``answer`` (the ranking's choice, or None), or None to answer.

        A guard category wins even over an answer the ranking was sure of; then a kind of
        question ("how long") that the answer, or the closest entry, does not address.
        """
        matched = self.match(query)
        if matched is not None:
            guard, rest = matched
            offer = closest_offer(rest, candidates if guard.offer_closest else (), guard.offer)
            return offer._replace(reply=guard.reply, source=guard.id)
        closest = answer or (candidates[0] if candidates else None)
        if closest is None:
            return None
        kind = self.unaddressed(query, closest)
        return Decline(kind.reply, closest, covered(closest, query), kind.id) if kind is not None else None


def _expand(template: str, lexicon: dict[str, list[str]], where: str) -> list[str]:
    """A sample with ``{name}`` placeholders, once per word of each named lexicon list."""
    found = _PLACEHOLDER.search(template)
    if found is None:
        return [template]
    name = found.group(1)
    if name not in lexicon:
        raise GuardError(where, "samples", f"unknown lexicon {{{name}}} in {template!r}")
    return [
        expanded
        for word in lexicon[name]
        for expanded in _expand(template[: found.start()] + word + template[found.end() :], lexicon, where)
    ]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


def _alternation_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """A guard's patterns as one pattern, compiled once when the guards load."""
    return regexes.compile("|".join(f"(?:{pattern})" for pattern in patterns))


def _patterns(raw: list[str], lexicon: dict[str, list[str]], where: str) -> tuple[str, ...]:
    patterns = []
    for pattern in raw:
        for name in _PLACEHOLDER.findall(pattern):
            if name not in lexicon:
                raise GuardError(where, "patterns", f"unknown lexicon {{{name}}}")
        text = _PLACEHOLDER.sub(lambda found: _alternation(lexicon[found.group(1)]), pattern)
        try:
            regexes.compile(text)
        except re.error as error:
            raise GuardError(where, "patterns", f"{pattern!r} is not a valid pattern: {error}") from None
        patterns.append(text)
    return tuple(patterns)


def _text(raw: dict[str, Any], where: str, field: str) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        raise GuardError(where, field, "is missing or not a non-empty string")
    return value.strip()


def _reply(raw: dict[str, Any], where: str) -> str:
    reply = _text(raw, where, "reply")
    for name in _PLACEHOLDER.findall(reply):
        if name not in PLACEHOLDERS:
            raise GuardError(where, "reply", f"unknown placeholder {{{name}}}")
    return reply


def _guard(raw: dict[str, Any], lexicon: dict[str, list[str]], store: AnswerStore) -> Guard:
    where = str(raw.get("id"))
    intent = raw.get("intent")
    if intent is not None and not (isinstance(intent, str) and intent.endswith("GuardIntent")):
        raise GuardError(where, "intent", "must be null or a name ending in GuardIntent")
    offer = store.get(raw.get("offer"))
    if offer is None:
        raise GuardError(where, "offer", f"{raw.get('offer')!r} is not an entry of the store")
    samples = [sample for template in raw.get("samples", []) for sample in _expand(template, lexicon, where)]
    if not samples or not raw.get("patterns"):
        raise GuardError(where, "samples", "a category needs samples and patterns")
    for sample in samples:
        if not SAMPLE_PATTERN.match(sample):
            raise GuardError(where, "samples", f"{sample!r} may hold only letters, spaces, ' and .")
    if len(set(samples)) != len(samples):
        raise GuardError(where, "samples", "holds the same sample twice")
    return Guard(
        id=where,
        intent=intent,
        reply=_reply(raw, where),
        offer=offer,
        offer_closest=bool(raw.get("offer_closest")),
        samples=tuple(samples),
        pattern=_alternation_of(_patterns(raw["patterns"], lexicon, where)),
    )


def _kind(raw: dict[str, Any]) -> QuestionKind:
    where = str(raw.get("id"))
    try:
        asks = regexes.compile(_text(raw, where, "asks"))
        answered_by = regexes.compile(_text(raw, where, "answered_by"))
    except re.error as error:
        raise GuardError(where, "asks", f"not a valid pattern: {error}") from None
    return QuestionKind(where, asks, answered_by, _text(raw, where, "reply"))


def parse_guards(document: dict[str, Any], store: AnswerStore) -> Guards:
    lexicon = document["lexicon"]
    categories = tuple(_guard(raw, lexicon, store) for raw in document["categories"])
    intents = [guard.intent for guard in categories if guard.intent]
    if len(set(intents)) != len(intents) or store.intent_names & set(intents):
        raise GuardError("(guards)", "intent", "each guard intent must be unique and not an answer's")
    return Guards(categories, tuple(_kind(raw) for raw in document["question_kinds"]))


def load_guards(store: AnswerStore) -> Guards:
    """The bundled guards, checked against the store whose entries they offer."""
    return parse_guards(read_json("guards.json"), store)
