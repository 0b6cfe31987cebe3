"""skill/model_reader.py builds exactly the request models the SDK's own deserialiser builds."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from hypothesis import HealthCheck, given, settings

from skill.model_reader import ModelReader
from tests.test_fuzz import envelopes
from tests.test_fuzz_mutations import _bases, _mutate, _paths

EVENTS = sorted((Path(__file__).resolve().parents[1] / "events").glob("*.json"))


def _sdk(data: Any) -> Any:
    return DefaultSerializer()._DefaultSerializer__deserialize(data, RequestEnvelope)  # type: ignore[attr-defined]


def assert_reads_as_the_sdk(reader: ModelReader, data: Any) -> None:
    try:
        expected = _sdk(data)  # neither changes what it reads
    except Exception:  # whatever the SDK refuses, the reader must refuse too
        with pytest.raises(SerializationException):
            reader.read(data, RequestEnvelope)
        return
    assert reader.read(data, RequestEnvelope) == expected


@pytest.mark.parametrize("path", EVENTS, ids=lambda path: path.stem)
def test_every_event_envelope_reads_as_the_sdk_reads_it(path: Path) -> None:
    event = json.loads(path.read_text())
    read = ModelReader().read(event, RequestEnvelope)
    assert read == _sdk(event)
    assert read.request.timestamp == _sdk(event).request.timestamp  # the date path too


def test_mutated_envelopes_read_as_the_sdk_reads_them() -> None:
    """Junk values, removed fields, unknown keys and deep nesting at every path of real envelopes."""
    rng = random.Random(13)
    reader = ModelReader()
    bases = _bases()
    for number in range(600):
        event = json.loads(bases[number % len(bases)])
        _mutate(event, rng, _paths(event))
        if isinstance(event.get("request"), dict):
            event["request"]["timestamp"] = None  # as the runtime gives it (parsed by shape instead)
        assert_reads_as_the_sdk(reader, event)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event=envelopes())
def test_any_envelope_reads_as_the_sdk_reads_it(event: dict[str, Any]) -> None:
    if isinstance(event.get("request"), dict):
        event["request"]["timestamp"] = None
    assert_reads_as_the_sdk(ModelReader(), event)


def test_a_wrong_scalar_or_an_unknown_discriminator_is_a_serialization_error() -> None:
    event = json.loads(EVENTS[0].read_text())
    for damage in ({"type": "NoSuchRequest"}, {"locale": ["en-US"]}, {"type": []}):
        broken = copy.deepcopy(event)
        broken["request"].update(damage)
        assert_reads_as_the_sdk(ModelReader(), broken)
    broken = copy.deepcopy(event)
    broken["request"]["type"] = "NoSuchRequest"
    with pytest.raises(SerializationException):
        ModelReader().read(broken, RequestEnvelope)


@pytest.mark.parametrize("payload", ["", [], "x", ["version"], 0, True, {}])
def test_a_model_given_something_other_than_an_object_reads_as_the_sdk_reads_it(payload: Any) -> None:
    """An object is read by its own keys; anything else takes the SDK's steps (an empty string
    or list is an empty model there, the rest fails)."""
    event = json.loads(EVENTS[0].read_text())
    event["request"]["timestamp"] = None
    for parent, key in ((event, "session"), (event["context"], "System"), (event, "request")):
        damaged = copy.deepcopy(event)
        (damaged if parent is event else damaged["context"])[key] = payload
        assert_reads_as_the_sdk(ModelReader(), damaged)
    assert_reads_as_the_sdk(ModelReader(), payload)


def test_each_read_makes_its_own_objects() -> None:
    """What one request's objects are given never shows in another's."""
    reader = ModelReader()
    event = json.loads(EVENTS[0].read_text())
    event["request"]["timestamp"] = None
    first = reader.read(event, RequestEnvelope)
    first.session.new = "changed"
    first.context.system.extra = "set after reading"
    second = reader.read(event, RequestEnvelope)
    assert second == _sdk(event)
    assert second.session is not first.session and second.context.system is not first.context.system
    assert not hasattr(second.context.system, "extra")


def test_a_request_imports_only_the_models_it_carries():
    """A cold launch used to import every model a field could hold (the whole APL package):
    a third more CPU before the first reply."""
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from ask_sdk_model import RequestEnvelope\n"
        "from skill.model_reader import ModelReader\n"
        "ModelReader().read(json.load(open('events/launch.json')), RequestEnvelope)\n"
        "print(sorted(name for name in sys.modules if '.presentation.apl' in name))\n"
    )
    root = Path(__file__).resolve().parents[1]
    run = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
