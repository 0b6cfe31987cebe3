"""The scripted conversations in tools/data/conversations/ played turn by turn through the
Lambda handler: each file is a test (add a file, add a test)."""

from __future__ import annotations

import json

import pytest

from tools.conversations import (
    ConversationError,
    conversation_files,
    load_conversation,
    play,
    problems,
)

FILES = conversation_files()


def test_the_scripted_dialogues_are_there():
    names = {path.stem for path in FILES}
    assert {"demo", "no_match_escalation", "repeat_everywhere", "safety", "declines"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_a_conversation_goes_as_its_file_says(handler, path):
    played = list(play(handler, load_conversation(path)))
    assert problems(played) == []


def test_the_player_finds_a_wrong_turn_and_a_prompt_said_twice(handler, tmp_path):
    """The checks can fail: a wrong intent, missing words, a session that stays open, a
    repeat that is not one, and the same words twice in a row."""
    script = {
        "turns": [
            {"say": "open trigger point guide", "intent": "AMAZON.HelpIntent", "speech": "Goodbye"},
            {"say": "help", "end": True},
            {"say": "no", "repeats": True},
            {"intent": "AMAZON.HelpIntent"},
            {"intent": "AMAZON.HelpIntent"},
        ]
    }
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(script))
    found = problems(list(play(handler, load_conversation(path))))
    assert any("resolved to LaunchRequest, expected AMAZON.HelpIntent" in line for line in found)
    assert any("'Goodbye' not in" in line for line in found)
    assert any("turn 2 (help): the session stayed open" in line for line in found)
    assert any("turn 3 (no): repeated" in line for line in found)
    assert any("turn 5 (AMAZON.HelpIntent): said" in line and "twice in a row" in line for line in found)


@pytest.mark.parametrize(
    "turns",
    [[], [{"speech": "x"}], [{"say": ""}], [{"say": "help", "end": "yes"}], [{"say": "help", "spoken": "x"}]],
)
def test_a_malformed_conversation_file_is_refused(tmp_path, turns):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"turns": turns}))
    with pytest.raises(ConversationError, match=r"bad\.json"):
        load_conversation(path)
