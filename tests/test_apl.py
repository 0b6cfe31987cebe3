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
from tools.preview import CHROMIUM, declared_viewports, render, screen_for, validate

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
    broken["mainTemplate"]["item"]["item"]["item"]["item"]["items"][0]["textAlgin"] = "left"
    monkeypatch.setattr(skill.apl, "document", lambda: broken)
    monkeypatch.setattr("tools.preview.document", lambda: broken)
    findings = validate(screen_for(store, "neck"))
    assert any("textAlgin" in finding["errorMessage"] for finding in findings)


@pytest.fixture(scope="module")
def chromium(node_tools) -> None:
    from tests.helpers import require_tool

    require_tool(
        Path(CHROMIUM).exists() or bool(shutil.which("chromium")), "Chromium (Debian package chromium)"
    )


def test_the_preview_renders_every_viewport_the_manifest_declares():
    names = set(declared_viewports())
    assert {"echo-spot", "echo-show-5", "echo-show-15-portrait", "fire-tv"} <= names
    assert declared_viewports()["echo-spot"].shape == "ROUND"


@pytest.mark.external
@pytest.mark.slow
def test_the_longest_answer_and_help_fit_every_declared_viewport(chromium, store, tmp_path):
    """No line of text crosses the visible edge (the inscribed circle on the Echo Spot, the
    5% margins of a TV), and every line, the disclaimer and the related questions included,
    is shown whole at some scroll position."""
    longest = max(store.entries, key=lambda entry: len(entry.card_text) + len(entry.related))
    for name in (longest.id, "help"):
        screen = screen_for(store, name)
        for shown in render(screen, tmp_path, name):
            assert shown.rendered == "yes", shown.device
            assert shown.png.stat().st_size > 5000 and shown.png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert shown.ink_ratio > 0.02 and shown.colors > 20  # not blank
            assert screen.headline in " ".join(shown.texts)
            assert shown.crossing == [] and shown.unreachable == [], shown.device
            words = " ".join(shown.texts)
            assert "not medical advice" in words
            assert all(button.question in words for button in screen.buttons)


@pytest.mark.external
def test_the_fit_check_finds_text_cut_by_the_round_edge(chromium, store, tmp_path, monkeypatch):
    """The check can fail: with the scrolling area as large as the screen (the layout
    before), the Echo Spot's circle cuts the disclaimer and the lines near the edge."""
    full = json.loads(json.dumps(document()))
    for resource in full["resources"]:
        resource.get("dimensions", {}).pop("scrollWidth", None)
        resource.get("dimensions", {}).pop("scrollHeight", None)
    full["resources"][0]["dimensions"].update(scrollWidth="100%", scrollHeight="100%")
    monkeypatch.setattr("tools.preview.document", lambda: full)
    spot = {"echo-spot": declared_viewports()["echo-spot"]}
    [shown] = render(screen_for(store, "causes_upper_back"), tmp_path, "causes_upper_back", spot)
    assert shown.crossing
    assert any("medical emergency" in line["text"] for line in shown.crossing)


def test_the_fit_figure_counts_per_declared_viewport(tmp_path):
    from tools.figures import render_figure
    from tools.preview import Shown, write_fit_figure

    crossing = [{"text": "call 911.", "box": [0, 0, 1, 1]}]
    shown = [Shown("echo-spot", tmp_path / "a.png", "yes", [], 0.1, 30, crossing, ["x"])]
    figure = json.loads(write_fit_figure(shown, 1, tmp_path / "screens.json").read_text())
    rows = {row[0]: row[2:] for row in figure["tables"][0]["rows"]}
    assert rows.keys() == declared_viewports().keys()
    assert rows["echo-spot"] == [1, 1, 1] and rows["fire-tv"] == [0, 0, 0]
    assert "| echo-spot |" in "\n".join(render_figure(figure, "screens.json"))
