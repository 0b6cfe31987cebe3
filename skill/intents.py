"""The catch-all question intent, as the model template declares it: the handler and the model
generator read the same definition, so the two can never disagree on its name or slot."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from skill.data_files import read_json


class CatchAllIntent(NamedTuple):
    name: str
    slot: str


@cache
def catch_all_intent() -> CatchAllIntent:
    declared = read_json("model_template.json")["question_intent"]
    name, slot = declared.get("name"), declared.get("slot")
    if not isinstance(name, str) or not isinstance(slot, str):
        raise ValueError("model_template.json: question_intent needs a name and a slot")
    return CatchAllIntent(name, slot)
