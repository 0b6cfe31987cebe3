"""The skill's prompt copy (``data/prompts.json``), validated once when it is loaded.

Every key the code may ask for is a ``PromptKey``, so the type checker catches a typo, and the
loader refuses a file with a missing or unknown key or a placeholder the code never fills: a
broken prompt fails at build and test time, never in the middle of a conversation.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Literal, TypeGuard, get_args

from skill.data_files import read_json

PromptKey = Literal[
    "skill_name",
    "welcome",
    "ask_again",
    "help",
    "help_card_title",
    "menu",
    "miss_fallback",
    "miss_not_covered",
    "miss_not_health",
    "miss_unsupported",
    "miss_emergency",
    "miss_example",
    "miss_again",
    "miss_topics",
    "miss_close",
    "decline_offer",
    "decline_offer_covers",
    "offer_more",
    "offer_related",
    "declined",
    "nothing_to_repeat",
    "emergency",
    "emergency_card_title",
    "emergency_card",
    "emergency_mention",
    "poisoning",
    "poison_control",
    "poisoning_card_title",
    "poisoning_card",
    "crisis",
    "crisis_card_title",
    "crisis_card",
    "error",
    "goodbye",
    "disclaimer",
    "disclaimer_spoken",
    "screen_welcome",
    "screen_topics",
    "screen_related",
    "stale_touch",
]
PROMPT_KEYS: frozenset[str] = frozenset(get_args(PromptKey))
# The phrases prompts suggest saying ({example}), by the answer id each must reach.
EXAMPLES = "examples"
# A prompt is one text, or several phrasings of it (the dialogue never says one twice in a row).
Prompt = str | tuple[str, ...]

# Filled in for every prompt from the locale's facts (numbers and helplines) and the copy itself.
SHARED_PLACEHOLDERS = frozenset(
    {"emergency_number", "crisis_name", "crisis_how", "crisis_line", "poison_name", "poison_line"}
    | {"example", "skill_name"}
)
# Filled in by the dialogue for the prompts that need more.
PROMPT_PLACEHOLDERS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "help": frozenset({"count", "topics"}),
        "menu": frozenset({"suggestions", "first"}),
        "miss_topics": frozenset({"suggestions"}),
        "decline_offer": frozenset({"topic"}),
        "decline_offer_covers": frozenset({"topic", "covers"}),
        "offer_related": frozenset({"topic"}),
    }
)


class PromptsError(ValueError):
    """The prompt file breaks a rule; the message names the prompt."""


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _phrasings(key: str, value: object) -> Prompt:
    """A non-empty text, or a non-empty list of them (phrasings of one prompt)."""
    items: list[object] = list(value) if isinstance(value, list) and value else [value]
    texts = [item for item in items if isinstance(item, str) and item.strip()]
    if len(texts) != len(items):
        raise PromptsError(f"prompt {key!r}: must be a non-empty string or a non-empty list of them")
    return texts[0] if isinstance(value, str) else tuple(texts)


def parse_prompts(raw: object) -> Mapping[str, Prompt]:
    """The prompt copy as a read-only mapping, or PromptsError naming what is wrong."""
    if not isinstance(raw, dict):
        raise PromptsError("prompts: the file must hold one JSON object")
    missing, unknown = PROMPT_KEYS - raw.keys(), raw.keys() - PROMPT_KEYS - {EXAMPLES}
    if missing:
        raise PromptsError(f"prompts: missing {', '.join(sorted(missing))}")
    if unknown:
        raise PromptsError(f"prompts: unknown {', '.join(sorted(unknown))} (declare it in PromptKey)")
    parse_examples(raw.get(EXAMPLES))
    prompts: dict[str, Prompt] = {}
    for key, value in raw.items():
        if key == EXAMPLES:
            continue
        prompts[key] = _phrasings(key, value)
        for template in (value,) if isinstance(value, str) else value:
            try:
                names = placeholders(template)
            except ValueError as error:
                raise PromptsError(f"prompt {key!r}: {error}") from error
            allowed = SHARED_PLACEHOLDERS | PROMPT_PLACEHOLDERS.get(key, frozenset())
            if names - allowed:
                unknown_names = ", ".join(sorted(names - allowed))
                raise PromptsError(f"prompt {key!r}: unknown placeholder {unknown_names}")
    return MappingProxyType(prompts)


def parse_examples(raw: object) -> Mapping[str, str]:
    """``{answer id: phrase}``: what prompts suggest saying, and the answer it must reach."""
    if not isinstance(raw, dict) or not raw:
        raise PromptsError(f"prompts: {EXAMPLES!r} must map answer ids to phrases")
    for answer_id, phrase in raw.items():
        if not isinstance(phrase, str) or not phrase.strip():
            raise PromptsError(f"prompts: example for {answer_id!r} must be a non-empty string")
    return MappingProxyType(dict(raw))


def is_prompt_key(key: str) -> TypeGuard[PromptKey]:
    """For prompt keys that come back in session data (untrusted)."""
    return key in PROMPT_KEYS


@cache
def bundled_prompts() -> Mapping[str, Prompt]:
    return parse_prompts(read_json("prompts.json"))


@cache
def bundled_examples() -> Mapping[str, str]:
    """The example phrases, in the order prompts use them."""
    return parse_examples(read_json("prompts.json").get(EXAMPLES))
