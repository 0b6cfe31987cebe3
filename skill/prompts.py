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
from typing import Literal, get_args

from skill.data_files import read_json

PromptKey = Literal[
    "skill_name",
    "example",
    "welcome",
    "ask_again",
    "help",
    "help_card_title",
    "fallback",
    "no_answer",
    "decline_offer",
    "decline_offer_covers",
    "offer_more",
    "offer_related",
    "declined",
    "nothing_to_repeat",
    "unsupported",
    "emergency",
    "emergency_card_title",
    "emergency_card",
    "error",
    "goodbye",
    "disclaimer",
    "screen_welcome",
    "screen_topics",
    "screen_related",
    "stale_touch",
]
PROMPT_KEYS: frozenset[str] = frozenset(get_args(PromptKey))

# Filled in for every prompt from the locale's facts and the copy itself.
SHARED_PLACEHOLDERS = frozenset({"emergency_number", "example", "skill_name"})
# Filled in by the dialogue for the prompts that need more.
PROMPT_PLACEHOLDERS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "help": frozenset({"count", "topics"}),
        "decline_offer": frozenset({"topic"}),
        "decline_offer_covers": frozenset({"topic", "covers"}),
        "offer_related": frozenset({"topic"}),
    }
)


class PromptsError(ValueError):
    """The prompt file breaks a rule; the message names the prompt."""


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def parse_prompts(raw: object) -> Mapping[str, str]:
    """The prompt copy as a read-only mapping, or PromptsError naming what is wrong."""
    if not isinstance(raw, dict):
        raise PromptsError("prompts: the file must hold one JSON object")
    missing, unknown = PROMPT_KEYS - raw.keys(), raw.keys() - PROMPT_KEYS
    if missing:
        raise PromptsError(f"prompts: missing {', '.join(sorted(missing))}")
    if unknown:
        raise PromptsError(f"prompts: unknown {', '.join(sorted(unknown))} (declare it in PromptKey)")
    for key, template in raw.items():
        if not isinstance(template, str) or not template.strip():
            raise PromptsError(f"prompt {key!r}: must be a non-empty string")
        try:
            names = placeholders(template)
        except ValueError as error:
            raise PromptsError(f"prompt {key!r}: {error}") from error
        allowed = SHARED_PLACEHOLDERS | PROMPT_PLACEHOLDERS.get(key, frozenset())
        if names - allowed:
            raise PromptsError(f"prompt {key!r}: unknown placeholder {', '.join(sorted(names - allowed))}")
    return MappingProxyType(dict(raw))


@cache
def bundled_prompts() -> Mapping[str, str]:
    return parse_prompts(read_json("prompts.json"))
