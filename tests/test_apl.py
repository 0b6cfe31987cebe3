"""Screens (APL): shown exactly on devices that render them, touchable, valid, within limits,
and rendered offline by Amazon's own viewhost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from skill.apl import body_items, document
from skill.limits import MAX_RESPONSE_BYTES
from tests.helpers import check_response_limits, speech_of
from tools.envelopes import LocalSession, envelope, intent_request, launch_request, touch_event
from tools.node_tools import node_available
from tools.preview import CHROMIUM, ECHO_SHOW_8, ECHO_SPOT, render, screen_for, validate

RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument"


def _directives(received: dict) -> list[dict]:
    return received["response"].get("directives", [])


def _requests(store) -> list[dict]:
    return [
        launch_request(),
        intent_request("AMAZON.HelpIntent"),
        *(intent_request(entry.intent_name) for entry in store.entries),
        intent_request("QuestionIntent", {"query": "I have chest pain"}),
    ]


def test_screens_only_for_devices_that_render_apl(handler, store):
    for request in _requests(store):
        with_screen = handler(envelope(request, screen=True), None)
        without = handler(envelope(request), None)
        assert [d["type"] for d in _directives(with_screen)] == [RENDER_DOCUMENT]
        assert "directives" not in without["response"]
        # Apart from the directive, a screen device gets exactly what a speaker gets.
        with_screen["response"].pop("directives")
        assert with_screen["response"] == without["response"]
        assert with_screen["sessionAttributes"] == without["sessionAttributes"]


def test_prompts_without_content_show_no_screen(handler):
    for intent in ("AMAZON.FallbackIntent", "AMAZON.StopIntent", "AMAZON.NoIntent"):
        assert not _directives(handler(envelope(intent_request(intent), screen=True), None))


def test_an_answer_screen_carries_question_text_lists_disclaimer_and_related(handler, store):
    entry = store.get("release_trapped_nerve")
    received = handler(envelope(intent_request(entry.intent_name), screen=True), None)
    directive = _directives(received)[0]
    assert directive["document"] == document()
    properties = directive["datasources"]["screen"]["properties"]
    assert properties["headline"] == entry.question
    assert [item["marker"] for item in properties["body"]] == ["", *(f"{n}." for n in range(1, 9))]
    assert "not medical advice" in properties["disclaimer"]
    assert [button["id"] for button in properties["buttons"]] == list(entry.related)
    assert properties["buttons"][0]["label"] == store.get(entry.related[0]).question


def test_launch_and_help_list_every_topic_as_touchable(handler, store):
    for request in (launch_request(), intent_request("AMAZON.HelpIntent")):
        properties = _directives(handler(envelope(request, screen=True), None))[0]["datasources"]["screen"][
            "properties"
        ]
        assert [button["id"] for button in properties["buttons"]] == [entry.id for entry in store.entries]


def test_a_touch_is_answered_like_the_spoken_question(handler, store):
    session = LocalSession(handler, screen=True)
    session.send(launch_request())
    _, received = session.send(touch_event(["ask", "pressure_point"]))
    assert speech_of(received).startswith(store.get("pressure_point").speech)
    assert received["sessionAttributes"]["last"] == {"id": "pressure_point", "part": "answer"}
    assert (
        _directives(received)[0]["datasources"]["screen"]["properties"]["headline"]
        == store.get("pressure_point").question
    )
    _, after = session.send(intent_request("AMAZON.RepeatIntent"))
    assert speech_of(after) == speech_of(received)


@pytest.mark.parametrize(
    "arguments",
    [["ask", "answer_that_was_removed"], ["ask"], ["play", "neck"], [], ["ask", 7], "ask neck", None],
)
def test_a_stale_or_unknown_touch_gets_a_polite_reply(handler, arguments):
    attributes = {"last": {"id": "neck", "part": "answer"}, "heard": ["neck"]}
    request = touch_event(arguments)
    received = handler(envelope(request, new_session=False, attributes=attributes, screen=True), None)
    assert speech_of(received).startswith("Sorry, that is no longer available.")
    assert received["response"]["shouldEndSession"] is False
    assert received["sessionAttributes"]["last"] == attributes["last"]


def test_every_response_with_its_screen_stays_within_alexas_limits(handler, store):
    sizes = []
    for request in _requests(store):
        received = handler(envelope(request, screen=True), None)
        check_response_limits(received)
        sizes.append(len(json.dumps(received).encode()))
    assert max(sizes) <= MAX_RESPONSE_BYTES


def test_the_document_adapts_to_round_portrait_and_tv_viewports():
    conditions = " ".join(resource.get("when", "") for resource in document()["resources"])
    for viewport_test in (
        "viewport.shape == 'round'",
        "viewport.height > viewport.width",
        "viewport.mode == 'tv'",
    ):
        assert viewport_test in conditions


def test_written_lists_become_list_items():
    assert body_items("Intro:\n• one & two\n2. <b>bold</b>\n\nlast") == [
        {"marker": "", "text": "Intro:"},
        {"marker": "•", "text": "one &amp; two"},
        {"marker": "2.", "text": "&lt;b&gt;bold&lt;/b&gt;"},
        {"marker": "", "text": "last"},
    ]


@pytest.fixture(scope="module")
def node_tools() -> None:
    from tests.helpers import require_tool

    require_tool(node_available(), "node and npm (apl-suggester, apl-viewhost-web)")


@pytest.mark.external
def test_apl_suggester_finds_nothing_in_any_screen(node_tools, store):
    for name in ["launch", "help", *(entry.id for entry in store.entries)]:
        assert validate(screen_for(store, name)) == [], name


@pytest.mark.external
def test_apl_suggester_does_report_a_broken_document(node_tools, store, monkeypatch):
    """The validation can fail: a misspelt property is reported."""
    import skill.apl

    broken = json.loads(json.dumps(document()))
    broken["mainTemplate"]["item"]["item"]["item"]["items"][0]["textAlgin"] = "left"
    monkeypatch.setattr(skill.apl, "document", lambda: broken)
    monkeypatch.setattr("tools.preview.document", lambda: broken)
    findings = validate(screen_for(store, "neck"))
    assert any("textAlgin" in finding["errorMessage"] for finding in findings)


@pytest.mark.external
def test_a_rendered_answer_shows_its_headline_on_show_and_spot(node_tools, store, tmp_path):
    from tests.helpers import require_tool

    require_tool(
        Path(CHROMIUM).exists() or bool(shutil.which("chromium")), "Chromium (Debian package chromium)"
    )
    entry = store.get("causes_upper_back")
    screen = screen_for(store, entry.id)
    for viewport in (ECHO_SHOW_8, ECHO_SPOT):
        png = tmp_path / f"{viewport.name}.png"
        shown = render(screen, viewport, png)
        assert shown["rendered"] == "yes"
        assert png.stat().st_size > 5000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert shown["inkRatio"] > 0.02 and shown["colors"] > 20  # not blank
        assert " ".join(shown["texts"]).startswith(entry.question.split()[0])
        assert entry.question in " ".join(shown["texts"])
