"""Scripted conversations kept as data (``tools/data/conversations/*.json``), played turn by
turn through the real Lambda handler: what the demo plays, what the tests assert, and what
the deploy tooling turns into ``ask dialog`` replay files.

A file is ``{"about": ..., "locale": "en-US", "turns": [...]}``; each turn is either

- ``{"say": "what causes upper back trigger points", "intent": "CausesUpperBackIntent", ...}``:
  an utterance, resolved with the declared interaction model as Alexa would ("open ..."
  gives a LaunchRequest); ``intent``, if given, is what it must resolve to; or
- ``{"intent": "AMAZON.FallbackIntent", "slots": {...}, ...}``: that intent sent as is (for
  what a model cannot be made to produce on purpose, like Alexa's fallback);

and may expect ``speech`` (a fragment, or a list of fragments, the speech must hold),
``repeats`` (true: the speech is the previous turn's, word for word) and ``end`` (whether
the session ends; by default it must stay open).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tools.display import ssml_to_text
from tools.envelopes import LOCAL_SKILL_ID, Handler, intent_request
from tools.nlu import Resolution
from tools.simulator import Exchange, Simulator

CONVERSATIONS_DIR = Path(__file__).parent / "data" / "conversations"
LAUNCH = "LaunchRequest"
_TURN_KEYS = frozenset({"say", "intent", "slots", "speech", "repeats", "end"})
_LAST_SENTENCE = re.compile(r"[^.?!]+[.?!]*$")


class ConversationError(ValueError):
    """A conversation file breaks the format; the message names the file and the turn."""


@dataclass(frozen=True)
class Turn:
    say: str | None
    intent: str | None
    slots: dict[str, str] = field(default_factory=dict)
    speech: tuple[str, ...] = ()
    repeats: bool = False
    end: bool = False


@dataclass(frozen=True)
class Conversation:
    name: str
    about: str
    locale: str
    turns: tuple[Turn, ...]


def _turn(raw: object, where: str) -> Turn:
    if not isinstance(raw, dict) or not raw.keys() <= _TURN_KEYS:
        raise ConversationError(f"{where}: a turn is an object with keys among {sorted(_TURN_KEYS)}")
    say, intent, speech = raw.get("say"), raw.get("intent"), raw.get("speech", [])
    if say is None and intent is None:
        raise ConversationError(f"{where}: needs an utterance (say) or an intent")
    if say is not None and not (isinstance(say, str) and say.strip()):
        raise ConversationError(f"{where}: say must be a non-empty string")
    if intent is not None and not isinstance(intent, str):
        raise ConversationError(f"{where}: intent must be a string")
    fragments = [speech] if isinstance(speech, str) else speech
    if not isinstance(fragments, list) or not all(isinstance(item, str) for item in fragments):
        raise ConversationError(f"{where}: speech must be a string or a list of strings")
    slots = raw.get("slots", {})
    if not isinstance(slots, dict) or not all(isinstance(value, str) for value in slots.values()):
        raise ConversationError(f"{where}: slots must map slot names to strings")
    if not isinstance(raw.get("repeats", False), bool) or not isinstance(raw.get("end", False), bool):
        raise ConversationError(f"{where}: repeats and end must be true or false")
    return Turn(say, intent, dict(slots), tuple(fragments), raw.get("repeats", False), raw.get("end", False))


def load_conversation(path: Path) -> Conversation:
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("turns"), list) or not raw["turns"]:
        raise ConversationError(f"{path.name}: needs a non-empty list of turns")
    turns = tuple(_turn(turn, f"{path.name} turn {number}") for number, turn in enumerate(raw["turns"], 1))
    if turns[0].repeats:
        raise ConversationError(f"{path.name} turn 1: nothing said before it to repeat")
    return Conversation(path.stem, str(raw.get("about", "")), str(raw.get("locale", "en-US")), turns)


def conversation_files(directory: Path = CONVERSATIONS_DIR) -> list[Path]:
    return sorted(directory.glob("*.json"))


@dataclass(frozen=True)
class Played:
    """One turn as it went: the request's intent (or LaunchRequest), what was heard, and
    whether the session ended."""

    turn: Turn
    exchange: Exchange

    @property
    def intent(self) -> str:
        request = self.exchange.sent["request"]
        return str(request["intent"]["name"]) if request["type"] == "IntentRequest" else str(request["type"])

    @property
    def speech(self) -> str:
        output = (self.exchange.received.get("response") or {}).get("outputSpeech") or {}
        return ssml_to_text(output.get("ssml") or "")

    @property
    def reprompt(self) -> str:
        reprompt = (self.exchange.received.get("response") or {}).get("reprompt") or {}
        return ssml_to_text((reprompt.get("outputSpeech") or {}).get("ssml") or "")

    @property
    def ended(self) -> bool:
        return self.exchange.session_ended


def play(handler: Handler, conversation: Conversation, skill_id: str = LOCAL_SKILL_ID) -> Iterator[Played]:
    """Each turn through the handler in one device's sessions (a new one after the skill
    ends one), as it happens."""
    simulator = Simulator(handler, conversation.locale, skill_id)
    for turn in conversation.turns:
        if turn.say is not None:
            exchange = simulator.say(turn.say)
        else:
            assert turn.intent is not None  # checked on load
            request = intent_request(turn.intent, turn.slots or None, conversation.locale)
            sent, received = simulator.session.send(request)
            exchange = Exchange(turn.intent, Resolution(turn.intent, turn.slots, "sent"), sent, received)
        yield Played(turn, exchange)


def _last_sentence(text: str) -> str:
    found = _LAST_SENTENCE.search(text)
    return found.group(0).strip() if found else text


def problems(played: list[Played]) -> list[str]:
    """Every way the conversation went other than its file says, and any prompt said twice
    in a row word for word (a turn that asks for a repeat excepted)."""
    found = []
    for number, (now, before) in enumerate(zip(played, [None, *played[:-1]], strict=True), 1):
        turn = now.turn
        where = f"turn {number} ({turn.say or turn.intent})"
        if turn.intent is not None and now.intent != turn.intent:
            found.append(f"{where}: resolved to {now.intent}, expected {turn.intent}")
        found += [
            f"{where}: {text!r} not in {now.speech!r}" for text in turn.speech if text not in now.speech
        ]
        if now.ended != turn.end:
            found.append(f"{where}: the session {'ended' if now.ended else 'stayed open'}")
        if before is None or before.ended:
            continue
        if turn.repeats:
            if now.speech != before.speech:
                found.append(f"{where}: repeated {now.speech!r}, not {before.speech!r}")
        elif _last_sentence(now.speech) == _last_sentence(before.speech):
            found.append(f"{where}: said {_last_sentence(now.speech)!r} twice in a row")
        elif now.reprompt and now.reprompt == before.reprompt:
            found.append(f"{where}: reprompt {now.reprompt!r} twice in a row")
    return found
