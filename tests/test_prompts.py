"""The prompt copy is checked when it loads: a missing key or a stray placeholder never reaches a user."""

from __future__ import annotations

import json

import pytest

from skill.data_files import data_path
from skill.prompts import PROMPT_KEYS, PromptsError, bundled_prompts, parse_prompts


def bundled() -> dict[str, str]:
    with open(data_path("prompts.json"), encoding="utf-8") as handle:
        return dict(json.load(handle))


def test_the_bundled_prompts_hold_every_key_the_code_asks_for():
    assert set(bundled_prompts()) == PROMPT_KEYS


def test_a_missing_prompt_fails_on_load_naming_it():
    prompts = bundled()
    del prompts["goodbye"]
    with pytest.raises(PromptsError, match="missing goodbye"):
        parse_prompts(prompts)


def test_an_undeclared_prompt_fails_on_load():
    with pytest.raises(PromptsError, match="unknown farewel"):
        parse_prompts({**bundled(), "farewel": "Bye."})


def test_a_placeholder_the_code_never_fills_fails_on_load():
    prompts = {**bundled(), "goodbye": "Goodbye, {name}."}
    with pytest.raises(PromptsError, match="'goodbye': unknown placeholder name"):
        parse_prompts(prompts)


def test_a_placeholder_of_another_prompt_is_refused():
    prompts = {**bundled(), "welcome": "Welcome. {topics}"}
    with pytest.raises(PromptsError, match="'welcome': unknown placeholder topics"):
        parse_prompts(prompts)


def test_a_broken_format_string_fails_on_load():
    with pytest.raises(PromptsError, match="'goodbye'"):
        parse_prompts({**bundled(), "goodbye": "Goodbye {"})


@pytest.mark.parametrize("value", ["", "   ", 3, None])
def test_an_empty_or_non_text_prompt_fails_on_load(value):
    with pytest.raises(PromptsError, match="'help': must be a non-empty string"):
        parse_prompts({**bundled(), "help": value})


def test_the_loaded_prompts_cannot_be_changed():
    with pytest.raises(TypeError):
        bundled_prompts()["goodbye"] = "changed"  # type: ignore[index]


def test_a_prompt_may_have_several_phrasings_but_not_an_empty_one():
    assert parse_prompts({**bundled(), "goodbye": ["Bye.", "Goodbye."]})["goodbye"] == ("Bye.", "Goodbye.")
    for value in ([], ["Bye.", ""], ["Bye.", 3]):
        with pytest.raises(PromptsError, match="'goodbye': must be a non-empty string"):
            parse_prompts({**bundled(), "goodbye": value})
