"""The skill package Amazon would accept: interfaces declared because the code uses them,
Amazon's own schema, placeholders refused for a release, icons, and a simulated Echo Show
that draws a screen only because the manifest declares APL."""

from __future__ import annotations

import copy
import json
import struct
from pathlib import Path

import pytest

from skill.phrases import supported_locales
from tests.helpers import require_tool, run_cli, speech_of
from tools.devices import APL_INTERFACE, declared_interfaces, device, devices, screen_viewports
from tools.envelopes import LocalSession, intent_request
from tools.interfaces import SKILL_DIR, used_interfaces
from tools.lint import (
    lint_files,
    lint_interfaces,
    lint_model,
    lint_privacy,
    lint_privacy_policy,
    lint_release,
)
from tools.model import MODEL_DIR, model_path
from tools.node_tools import node_available
from tools.package import (
    ICON_SIZES,
    PACKAGE_DIR,
    build_manifest,
    drifted_icons,
    endpoint,
    icon_path,
    load_template,
    manifest_path,
)

RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument"


def _committed_manifest() -> dict:
    return json.loads(manifest_path().read_text(encoding="utf-8"))


def _without_apl(manifest: dict) -> dict:
    stripped = copy.deepcopy(manifest)
    custom = stripped["manifest"]["apis"]["custom"]
    custom["interfaces"] = [item for item in custom["interfaces"] if item["type"] != APL_INTERFACE]
    return stripped


def test_the_manifest_declares_apl_with_the_viewports_the_document_is_designed_for():
    interfaces = _committed_manifest()["manifest"]["apis"]["custom"]["interfaces"]
    apl = [item for item in interfaces if item["type"] == APL_INTERFACE]
    assert len(apl) == 1
    viewports = apl[0]["supportedViewports"]
    assert viewports == [viewport.manifest_spec() for viewport in screen_viewports()]
    shapes = {(item["mode"], item["shape"]) for item in viewports}
    assert shapes == {("HUB", "ROUND"), ("HUB", "RECTANGLE"), ("TV", "RECTANGLE")}
    assert any(item["minHeight"] > item["minWidth"] for item in viewports)  # a portrait hub
    assert device("echo-show-8").viewport.manifest_spec() in viewports


def test_the_code_uses_exactly_the_declared_interfaces():
    used = used_interfaces()
    assert APL_INTERFACE in used
    assert set(used) == declared_interfaces(_committed_manifest())


def test_the_linter_fails_on_an_undeclared_interface_and_an_unused_one(tmp_path):
    manifest = _without_apl(_committed_manifest())
    findings = lint_interfaces("skill.json", manifest, SKILL_DIR)
    assert [(f.intent, "does not declare it" in f.problem) for f in findings] == [(APL_INTERFACE, True)]
    assert "apl.py" in findings[0].problem

    manifest["manifest"]["apis"]["custom"]["interfaces"].append({"type": "AUDIO_PLAYER"})
    findings = lint_interfaces("skill.json", manifest, SKILL_DIR)
    assert any(f.intent == "AUDIO_PLAYER" and "nothing in skill/ uses it" in f.problem for f in findings)

    code = tmp_path / "skill"
    code.mkdir()
    (code / "music.py").write_text(
        "from ask_sdk_model.interfaces.audioplayer import PlayDirective\n", encoding="utf-8"
    )
    findings = lint_interfaces("skill.json", _without_apl(_committed_manifest()), code)
    undeclared = [f for f in findings if "does not declare it" in f.problem]
    assert [f.intent for f in undeclared] == ["AUDIO_PLAYER"]
    assert "music.py:1 imports ask_sdk_model.interfaces.audioplayer" in undeclared[0].problem


def test_linting_the_files_fails_when_skill_json_lacks_apl(tmp_path):
    bad = tmp_path / "skill.json"
    bad.write_text(json.dumps(_without_apl(_committed_manifest())), encoding="utf-8")
    findings = lint_files(sorted(MODEL_DIR.glob("*.json")), bad, code_dir=SKILL_DIR)
    assert [f.intent for f in findings] == [APL_INTERFACE]


def test_a_sample_colliding_with_a_carrier_phrase_is_found():
    model = json.loads(model_path("en-US").read_text(encoding="utf-8"))
    intents = model["interactionModel"]["languageModel"]["intents"]
    neck = next(intent for intent in intents if intent["name"] == "NeckIntent")
    neck["samples"].append("tell me about neck knots")
    findings = lint_model("en-US.json", model)
    assert {(f.intent, f.utterance) for f in findings} == {("NeckIntent", "tell me about neck knots")}
    assert any('carrier phrase "tell me about {query}" of QuestionIntent' in f.problem for f in findings)


def test_release_lint_refuses_each_leftover_placeholder():
    manifest = _committed_manifest()
    findings = lint_release("skill.json", manifest)
    names = {f.intent for f in findings if f.intent}
    assert names == {f"deployer_values.{name}" for name in load_template()["deployer_values"]}
    assert any(f.file == "skill.json" and "REPLACE-WITH-" in f.utterance for f in findings)

    template = load_template()
    template["deployer_values"]["PRIVACY_POLICY_URL"]["value"] = "https://guide.example.org/privacy"
    arn = "arn:aws:lambda:us-east-1:111122223333:function:trigger-point-guide-SkillFunction-abc"
    released = build_manifest(template, endpoint(arn))  # the endpoint: from `python -m tools deploy`
    assert lint_release("skill.json", released, template) == []
    assert released["manifest"]["apis"]["custom"]["endpoint"]["uri"].endswith("SkillFunction-abc")


def test_release_lint_command_exits_non_zero_while_a_placeholder_remains():
    result = run_cli("lint", "--release", "--no-schema")
    assert result.returncode == 1
    assert "deployer_values.PRIVACY_POLICY_URL" in result.stdout
    assert "still a placeholder" in result.stdout
    assert run_cli("lint", "--no-schema").returncode == 0


def test_every_deployer_value_is_named_in_the_template_only():
    """Nothing a deployer replaces is written anywhere but deployer_values."""
    template = load_template()
    text = json.dumps(
        {key: value for key, value in template.items() if key not in ("about", "deployer_values")}
    )
    assert "REPLACE-WITH-" not in text
    for name in template["deployer_values"]:
        assert f"${{{name}}}" in text


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_icons_are_present_for_every_locale_at_both_sizes():
    locales = _committed_manifest()["manifest"]["publishingInformation"]["locales"]
    assert set(locales) == set(supported_locales())
    for info in locales.values():
        for key, size in (("smallIconUri", 108), ("largeIconUri", 512)):
            uri = info[key]
            assert uri.startswith("file://")
            path = PACKAGE_DIR / uri.removeprefix("file://")
            assert path == icon_path(size) and _png_size(path) == (size, size)
    assert ICON_SIZES == (108, 512)


def test_committed_icons_are_what_the_svg_renders_to():
    assert drifted_icons() == []


def test_privacy_fields_say_no_personal_data_and_name_a_policy_for_every_locale():
    privacy = _committed_manifest()["manifest"]["privacyAndCompliance"]
    assert privacy["usesPersonalInfo"] is False and privacy["containsAds"] is False
    assert set(privacy["locales"]) == set(supported_locales())
    for info in privacy["locales"].values():
        assert info["privacyPolicyUrl"].startswith("https://")


def test_the_linter_checks_the_privacy_fields_against_the_code(tmp_path):
    manifest = _committed_manifest()
    assert lint_privacy("skill.json", manifest, SKILL_DIR) == []
    code = tmp_path / "skill"
    code.mkdir()
    (code / "profile.py").write_text(
        "def name(handler_input):\n"
        "    return handler_input.service_client_factory.get_ups_service().get_profile_name()\n",
        encoding="utf-8",
    )
    findings = lint_privacy("skill.json", manifest, code)
    assert [(f.intent, f.problem) for f in findings] == [
        ("usesPersonalInfo", "false, but the skill profile.py:2 calls get_ups_service")
    ]
    asking = copy.deepcopy(manifest)
    asking["manifest"]["permissions"] = [{"name": "alexa::profile:email:read"}]
    assert "asks for alexa::profile:email:read" in lint_privacy("skill.json", asking, SKILL_DIR)[0].problem
    asking["manifest"]["privacyAndCompliance"]["usesPersonalInfo"] = True
    del asking["manifest"]["privacyAndCompliance"]["locales"]["en-IN"]
    findings = lint_privacy("skill.json", asking, SKILL_DIR)
    assert [(f.intent, "without a privacyPolicyUrl" in f.problem) for f in findings] == [("en-IN", True)]


def test_the_privacy_fields_match_the_privacy_policy(tmp_path):
    manifest = _committed_manifest()
    root = SKILL_DIR.parent
    assert lint_privacy_policy("skill.json", manifest, root) == []
    manifest["manifest"]["privacyAndCompliance"]["containsAds"] = True
    (tmp_path / "docs").mkdir()
    policy = (root / "docs" / "privacy.md").read_text(encoding="utf-8")
    (tmp_path / "docs" / "privacy.md").write_text(policy.replace("not directed at children", "for all"))
    findings = {(f.intent, f.problem) for f in lint_privacy_policy("skill.json", manifest, tmp_path)}
    assert ("containsAds", "True, but docs/privacy.md says False") in findings
    assert ("isChildDirected", "the policy no longer says this") in findings


# -- The simulator's devices follow the manifest, as Alexa's do.


def _screen_session(handler, interfaces: frozenset[str] | None) -> tuple[dict, dict]:
    session = LocalSession(handler, on=device("echo-show-8"), interfaces=interfaces)
    return session.send(intent_request("NeckIntent"))


def test_an_echo_show_draws_the_screen_only_because_the_manifest_declares_apl(handler):
    declared = declared_interfaces(_committed_manifest())
    sent, received = _screen_session(handler, declared)
    assert "Alexa.Presentation.APL" in sent["context"]["System"]["device"]["supportedInterfaces"]
    assert sent["context"]["Viewport"]["pixelWidth"] == 1280
    assert [d["type"] for d in received["response"]["directives"]] == [RENDER_DOCUMENT]

    removed = declared_interfaces(_without_apl(_committed_manifest()))
    sent, received = _screen_session(handler, removed)
    assert sent["context"]["System"]["device"]["supportedInterfaces"] == {}
    assert "Viewport" not in sent["context"]
    assert "directives" not in received["response"]
    assert speech_of(received).startswith("Trigger points can occur in the back of the neck")


def test_a_speaker_never_reports_a_screen(handler):
    sent, received = LocalSession(handler, on=device("echo-dot")).send(intent_request("NeckIntent"))
    assert sent["context"]["System"]["device"]["supportedInterfaces"] == {}
    assert "directives" not in received["response"]


def test_every_screen_device_gets_the_screen(handler):
    for found in devices().values():
        if found.viewport is None:
            continue
        _, received = LocalSession(handler, on=found).send(intent_request("NeckIntent"))
        assert [d["type"] for d in received["response"]["directives"]] == [RENDER_DOCUMENT], found.name


def test_the_ask_command_shows_a_screen_only_with_a_manifest_that_declares_apl(tmp_path):
    with_apl = run_cli("ask", "--device", "echo-show-8", "where are the knots in my neck")
    assert "  screen: " in with_apl.stdout
    stripped = tmp_path / "skill.json"
    stripped.write_text(json.dumps(_without_apl(_committed_manifest())), encoding="utf-8")
    without = run_cli(
        "ask", "--device", "echo-show-8", "--manifest", str(stripped), "where are the knots in my neck"
    )
    assert without.returncode == 0 and "Trigger points can occur" in without.stdout
    assert "screen:" not in without.stdout


# -- Amazon's own schema (ask-smapi-model).


@pytest.fixture(scope="module")
def smapi() -> None:
    require_tool(node_available(), "node and npm (ask-smapi-model)")


def test_skill_json_and_all_five_models_pass_amazons_schema(smapi):
    from tools.smapi import package_version, validate_manifest, validate_model

    pinned = json.loads((Path(__file__).parents[1] / "tools/smapi/package.json").read_text())
    assert pinned["dependencies"]["ask-smapi-model"] == package_version()
    assert validate_manifest(_committed_manifest()) == []
    models = sorted(MODEL_DIR.glob("*.json"))
    assert len(models) == 5
    for path in models:
        assert validate_model(json.loads(path.read_text(encoding="utf-8"))) == [], path.name


def test_amazons_schema_reports_what_it_should(smapi):
    from tools.smapi import validate_manifest, validate_model

    manifest = _committed_manifest()
    custom = manifest["manifest"]["apis"]["custom"]
    custom["interfaces"][0]["supportedViewport"] = []
    custom["interfaces"].append({"type": "CAN_FULFILL"})
    custom["interfaces"][0]["supportedViewports"][0]["shape"] = "TRIANGLE"
    manifest["manifest"]["publishingInformation"]["locales"]["en-GB"]["summary"] = "x" * 161
    problems = "\n".join(validate_manifest(manifest))
    assert "'supportedViewport' was unexpected" in problems
    assert "'CAN_FULFILL' is not one of" in problems
    assert "supportedViewports[0].shape: 'TRIANGLE' is not one of" in problems
    assert "en-GB.summary" in problems and "too long" in problems

    model = json.loads(model_path("en-US").read_text(encoding="utf-8"))
    del model["interactionModel"]["languageModel"]["invocationName"]
    model["interactionModel"]["languageModel"]["intents"][0]["sample"] = ["typo"]
    problems = "\n".join(validate_model(model))
    assert "'invocationName' is a required property" in problems
    assert "'sample' was unexpected" in problems


def test_every_model_sets_the_fallback_sensitivity_amazon_accepts(smapi):
    """MEDIUM on purpose (model_template.json says why); a level Amazon does not know fails."""
    from tools.smapi import validate_model

    for path in sorted(MODEL_DIR.glob("*.json")):
        model = json.loads(path.read_text(encoding="utf-8"))
        configuration = model["interactionModel"]["languageModel"]["modelConfiguration"]
        assert configuration == {"fallbackIntentSensitivity": {"level": "MEDIUM"}}, path.name
    configuration["fallbackIntentSensitivity"]["level"] = "EXTREME"
    assert "'EXTREME' is not one of" in "\n".join(validate_model(model))


def test_the_lint_command_validates_against_amazons_schema(smapi, tmp_path):
    bad = tmp_path / "en-US.json"
    model = json.loads(model_path("en-US").read_text(encoding="utf-8"))
    model["interactionModel"]["languageModel"]["intents"][0]["slots"] = [{"type": "AMAZON.SearchQuery"}]
    bad.write_text(json.dumps(model), encoding="utf-8")
    result = run_cli("lint", str(bad), "--no-manifest")
    assert result.returncode == 1
    assert "SMAPI schema: $.interactionModel.languageModel.intents[0].slots[0]" in result.stdout
