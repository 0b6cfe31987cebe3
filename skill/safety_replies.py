"""The three safety replies: the names ``data/safety.json`` may give, and the prompts each
one speaks and writes. Apart from the rules themselves, so that a launch need not load them."""

from __future__ import annotations

from skill.prompts import PromptKey

EMERGENCY, POISONING, CRISIS = "emergency", "poisoning", "crisis"
REPLIES = frozenset({EMERGENCY, POISONING, CRISIS})

# Each safety reply's prompts: speech, card title, card text.
SAFETY_PROMPTS: dict[str, tuple[PromptKey, PromptKey, PromptKey]] = {
    EMERGENCY: ("emergency", "emergency_card_title", "emergency_card"),
    POISONING: ("poisoning", "poisoning_card_title", "poisoning_card"),
    CRISIS: ("crisis", "crisis_card_title", "crisis_card"),
}
