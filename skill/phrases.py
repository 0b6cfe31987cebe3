"""What the skill says, per locale: prompt copy from data files, with locale facts filled in.

The copy lives in ``data/prompts.json`` and the per-locale facts (the emergency number,
crisis line and poison control) in ``data/locales.json``, so wording changes never touch the handlers.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from skill.data_files import read_json
from skill.prompts import Prompt, PromptKey, bundled_examples, bundled_prompts
from skill.store import PLACEHOLDERS


class Line(NamedTuple):
    """A helpline: its name, how to reach it ("call or text"), the number written and spoken."""

    name: str
    number: str
    spoken: str
    how: str = "call"


class LocaleFacts(NamedTuple):
    locale: str
    emergency_number: str
    emergency_number_spoken: str
    crisis_line: Line
    poison_control: Line | None


_LINE_FIELDS = ("name", "number", "spoken", "source")


def _line(raw: Any, where: str) -> Line:
    """A helpline from locales.json; each must name the official source it was checked against."""
    if not isinstance(raw, dict) or any(not isinstance(raw.get(key), str) for key in _LINE_FIELDS):
        raise ValueError(f"locales.json {where}: needs {', '.join(_LINE_FIELDS)}")
    return Line(raw["name"], raw["number"], raw["spoken"], raw.get("how", "call"))


@cache
def _locales_document() -> dict[str, Any]:
    document: dict[str, Any] = read_json("locales.json")
    return document


def _pick(prompt: Prompt, variant: int) -> str:
    """One phrasing of a prompt: consecutive variants give different phrasings."""
    return prompt if isinstance(prompt, str) else prompt[variant % len(prompt)]


def supported_locales() -> tuple[str, ...]:
    return tuple(_locales_document()["locales"])


def default_locale() -> str:
    return str(_locales_document()["default"])


def supported_locale(locale: object) -> str:
    """The request's locale if we support it, else the default: what every per-locale cache
    is keyed by, so a client cannot grow one by sending new locale strings."""
    document = _locales_document()
    return locale if isinstance(locale, str) and locale in document["locales"] else str(document["default"])


def locale_facts(locale: object) -> LocaleFacts:
    """Facts for the request's locale; an unknown or missing locale gets the default's."""
    chosen = supported_locale(locale)
    raw = _locales_document()["locales"][chosen]
    poison = raw.get("poison_control")
    return LocaleFacts(
        locale=chosen,
        emergency_number=raw["emergency_number"],
        emergency_number_spoken=raw["emergency_number_spoken"],
        crisis_line=_line(raw.get("crisis_line"), f"{chosen} crisis_line"),
        poison_control=None if poison is None else _line(poison, f"{chosen} poison_control"),
    )


class Phrases(NamedTuple):
    """Prompt copy for one locale, in a spoken form and a written (card) form."""

    facts: LocaleFacts

    def say(self, key: PromptKey, variant: int = 0, **values: str) -> str:
        """A prompt for the ear: numbers in their spoken form; ``variant`` picks the
        phrasing (and the example) of a prompt that has several."""
        return self._fill(key, variant, True, values)

    def write(self, key: PromptKey, variant: int = 0, **values: str) -> str:
        """A prompt for a card: numbers as they are written."""
        return self._fill(key, variant, False, values)

    def _numbers(self, spoken: bool) -> dict[str, str]:
        """The locale's numbers and lines, spoken or written: one definition for prompts and store text."""
        facts = self.facts
        crisis, poison = facts.crisis_line, facts.poison_control
        return {
            "emergency_number": facts.emergency_number_spoken if spoken else facts.emergency_number,
            "crisis_name": crisis.name,
            "crisis_how": crisis.how,
            "crisis_line": crisis.spoken if spoken else crisis.number,
            "poison_name": poison.name if poison else "",
            "poison_line": (poison.spoken if poison and spoken else poison.number if poison else ""),
        }

    def _fill(self, key: PromptKey, variant: int, spoken: bool, values: dict[str, str]) -> str:
        prompts = bundled_prompts()
        return _pick(prompts[key], variant).format(
            **self._numbers(spoken),
            example=_pick(tuple(bundled_examples().values()), variant),
            skill_name=_pick(prompts["skill_name"], 0),
            **values,
        )

    def spoken(self, store_text: str) -> str:
        """Store text (which may hold the store's placeholders, skill.store.PLACEHOLDERS) for the ear."""
        return self._fill_store_text(store_text, spoken=True)

    def written(self, store_text: str) -> str:
        return self._fill_store_text(store_text, spoken=False)

    def _fill_store_text(self, store_text: str, spoken: bool) -> str:
        numbers = self._numbers(spoken)
        for name in PLACEHOLDERS:
            store_text = store_text.replace(f"{{{name}}}", numbers[name])
        return store_text


def phrases_for(locale: object) -> Phrases:
    return _phrases_for_supported(supported_locale(locale))


@cache
def _phrases_for_supported(locale: str) -> Phrases:
    return Phrases(locale_facts(locale))


def join_naturally(items: list[str], conjunction: str = "and") -> str:
    """ "a", "a and b", "a, b, and c": a list as it is spoken."""
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    return ", ".join(items[:-1]) + f", {conjunction} " + items[-1]
