"""Deployable with AWS SAM and the ASK CLI: the template, the built artifact, the events,
the skill package and the model linter."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from skill import regexes
from skill.packed_model import packed_name
from skill.phrases import supported_locales
from skill.ranking import QUESTION_INDEX_FILE
from skill.second_opinion import MODEL_FILE
from tests.helpers import lambda_python, require_tool, run_cli, speech_of
from tools.artifact import UNUSED_DEPENDENCY_FILES
from tools.events import EVENTS_DIR, drifted_events, write_events
from tools.lint import lint_files, lint_model
from tools.model import MODEL_DIR, model_path
from tools.package import ICON_SIZES, manifest_drifted, manifest_path, write_package

ROOT = Path(__file__).resolve().parents[1]
SAM = Path(sys.executable).parent / "sam"
AMAZON_DISCLAIMER = (
    "This tool does not provide medical advice, and is for informational and educational purposes only, "
    "and is not a substitute for professional medical advice, treatment or diagnosis. Call your doctor to "
    "receive medical advice. If you think you may have a medical emergency, please dial your local "
    "emergency response phone number."
)


def _sam(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    require_tool(SAM.exists(), "the AWS SAM CLI (aws-sam-cli)")
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0", "HOME": str(home), "AWS_DEFAULT_REGION": "us-east-1"}
    return subprocess.run(
        [str(SAM), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def template() -> dict:
    from samcli.yamlhelper import yaml_parse  # SAM's own reader, for its !Ref and !GetAtt tags

    return yaml_parse((ROOT / "template.yaml").read_text(encoding="utf-8"))


@pytest.mark.external
def test_the_function_is_locked_to_the_skill_and_inside_alexas_timeout(template):
    function = template["Resources"]["SkillFunction"]
    properties = function["Properties"]
    assert function["Type"] == "AWS::Serverless::Function"
    assert properties["Runtime"] == "python3.13"
    assert properties["Architectures"] == ["arm64"]
    assert properties["Handler"] == "lambda_function.handler"
    assert properties["Timeout"] < 8
    assert 128 <= properties["MemorySize"] <= 1024
    event = properties["Events"]["AlexaSkillEvent"]
    assert event == {"Type": "AlexaSkill", "Properties": {"SkillId": {"Ref": "SkillId"}}}
    assert properties["Environment"]["Variables"]["SKILL_ID"] == {"Ref": "SkillId"}
    assert properties["LoggingConfig"]["LogGroup"] == {"Ref": "SkillLogGroup"}
    log_group = template["Resources"]["SkillLogGroup"]
    assert log_group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert template["Outputs"]["SkillFunctionArn"]["Value"] == {"Fn::GetAtt": ["SkillFunction", "Arn"]}
    assert "SkillId" in template["Parameters"]


@pytest.mark.external
@pytest.mark.slow
def test_sam_validate_lint_passes_offline(tmp_path):
    result = _sam("validate", "--lint", "--region", "us-east-1", home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


@pytest.fixture(scope="module")
def artifact(tmp_path_factory) -> Path:
    require_tool(lambda_python() is not None, "python3.13 (the Lambda runtime's Python) for sam build")
    build_dir = tmp_path_factory.mktemp("sam-build")
    result = _sam("build", "--build-dir", str(build_dir), home=tmp_path_factory.mktemp("home"))
    assert result.returncode == 0, result.stdout + result.stderr
    return build_dir / "SkillFunction"


@pytest.mark.external
@pytest.mark.slow
def test_the_artifact_holds_only_what_runs(artifact):
    assert (artifact / "lambda_function.py").is_file()
    assert (artifact / "skill" / "data" / "answers.json").is_file()
    assert (artifact / "ask_sdk_core").is_dir()
    assert not (artifact / "tools").exists()
    assert not (artifact / "web").exists()
    assert not (artifact / "skill" / "__main__.py").exists()
    for absent in ("tests", "interaction_model", "events", "pytest", "_pytest", "ruff", "samcli", ".venv"):
        assert not (artifact / absent).exists(), absent
    # Lean: ask-sdk-core declares these, but nothing the skill runs imports them.
    for unused in ("requests", "urllib3", "charset_normalizer", "idna", "certifi", "tzdata"):
        assert not (artifact / unused).exists(), unused
    for unused_file in UNUSED_DEPENDENCY_FILES:
        assert not (artifact / unused_file).exists(), unused_file
    assert (artifact / "skill" / "data" / QUESTION_INDEX_FILE).is_file()
    assert (artifact / "skill" / "data" / regexes.PROGRAMS_FILE).is_file()
    assert (artifact / "skill" / "data" / packed_name(MODEL_FILE)).is_file()
    assert not (artifact / "skill" / "data" / MODEL_FILE).exists()  # the packed file replaces it


@pytest.mark.external
@pytest.mark.slow
def test_the_artifact_carries_bytecode_a_read_only_tree_uses(artifact):
    """Unchecked-hash pycs (flags 0b01) for every module: valid without writing, whatever
    the files' times become in the zip."""
    sources = [path for path in artifact.rglob("*.py") if path.parent.name != "bin"]
    assert len(sources) > 100
    for source in sources:
        cached = Path(
            importlib.util.cache_from_source(str(source)).replace(sys.implementation.cache_tag, "cpython-313")
        )
        assert cached.is_file(), source
        assert int.from_bytes(cached.read_bytes()[4:8], "little") == 0b01, cached


@pytest.mark.external
@pytest.mark.slow
def test_every_event_answers_through_the_built_artifact_on_python_3_13(artifact, handler):
    """The artifact without a container (test_sam_local.py runs it in one): a fresh, isolated
    python3.13 imports only the artifact and runs every file in events/ through its handler."""
    runner = textwrap.dedent(
        """
        import json, pathlib, sys
        sys.path.insert(0, sys.argv[1])
        import lambda_function
        assert lambda_function.__file__.startswith(sys.argv[1])
        results = {}
        for path in sorted(pathlib.Path(sys.argv[2]).glob("*.json")):
            results[path.name] = lambda_function.handler(json.loads(path.read_text()), None)
        artifact = {name.split(".")[0] for name, module in sys.modules.items()
                    if (getattr(module, "__file__", None) or "").startswith(sys.argv[1])}
        import re
        from skill import regexes
        stored = regexes._programs()
        programs = {"stored": len(stored), "unstored": sorted(regexes.compiled_sources - set(stored)),
                    "as_re": all(regexes.compile(source) == re.compile(source) for source in stored)}
        from skill.packed_model import read_model
        from skill.second_opinion import MODEL_FILE
        output = {"python": sys.version_info[:2], "results": results, "imported": sorted(artifact),
                  "programs": programs, "weights": type(read_model(MODEL_FILE)["features"]).__name__}
        pathlib.Path(sys.argv[3]).write_text(json.dumps(output))
        """
    )
    result_file = artifact.parent / "results.json"
    # -B: Lambda's code is read-only, so nothing is compiled to disk there either.
    command = [
        lambda_python(),
        "-I",
        "-S",
        "-B",
        "-c",
        runner,
        str(artifact),
        str(EVENTS_DIR),
        str(result_file),
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=False, env={"PATH": "/usr/bin:/bin"}
    )
    assert completed.returncode == 0, completed.stderr
    log_lines = [json.loads(line) for line in completed.stdout.splitlines()]  # every log line is JSON
    event_files = sorted(EVENTS_DIR.glob("*.json"))
    assert [line["request_id"] for line in log_lines if line["event"] == "request"] == [
        json.loads(path.read_text())["request"]["requestId"] for path in event_files
    ]
    output = json.loads(result_file.read_text())
    assert output["python"] == [3, 13]
    # All the artifact holds besides the skill: the lock file's packages, each one used.
    assert output["imported"] == [
        "ask_sdk_core",
        "ask_sdk_model",
        "ask_sdk_runtime",
        "dateutil",
        "lambda_function",
        "six",
        "skill",
    ]
    # Every regular expression the events compiled came from a stored program, as re makes it.
    assert output["programs"]["stored"] > 30
    assert output["programs"]["unstored"] == []
    assert output["programs"]["as_re"] is True
    assert output["weights"] == "PackedRows"  # the second opinion's weights as the build packed them
    results = output["results"]
    assert sorted(results) == [path.name for path in event_files]
    for name, received in results.items():
        local = handler(json.loads((EVENTS_DIR / name).read_text()), None)
        assert received["response"] == local["response"], name
        assert received.get("sessionAttributes") == local.get("sessionAttributes"), name
    assert speech_of(results["launch.json"]).startswith("Welcome to Trigger Point Guide")
    assert speech_of(results["answer-neck.json"]).startswith(
        "Trigger points can occur in the back of the neck"
    )
    assert speech_of(results["question-emergency.json"]).startswith("Please call 9 1 1")
    assert speech_of(results["question-unanswered.json"]).startswith("Sorry, I don't have an answer")
    assert results["session-ended.json"]["response"] == {}
    assert results["name-free-answer.json"]["response"] == {"canFulfillIntent": {"canFulfill": "YES"}}
    assert results["name-free-question-unanswered.json"]["response"]["canFulfillIntent"]["canFulfill"] == "NO"


def test_events_cover_every_answer_and_request_kind(store):
    names = {path.name for path in EVENTS_DIR.glob("*.json")}
    assert {"launch.json", "help.json", "stop.json", "session-ended.json", "question-answered.json"} <= names
    assert len([name for name in names if name.startswith("answer-")]) == len(store.entries)


def test_committed_events_match_the_store(store, tmp_path):
    assert drifted_events(store) == []
    write_events(store, tmp_path)
    (tmp_path / "launch.json").write_text("{}")
    (tmp_path / "stale.json").write_text("{}")
    assert drifted_events(store, tmp_path) == ["launch.json", "stale.json"]


def test_the_manifest_is_generated_and_complete(tmp_path):
    assert not manifest_drifted()
    manifest = json.loads(manifest_path().read_text(encoding="utf-8"))["manifest"]
    publishing = manifest["publishingInformation"]
    assert (
        set(publishing["locales"])
        == set(supported_locales())
        == {"en-US", "en-GB", "en-CA", "en-AU", "en-IN"}
    )
    for info in publishing["locales"].values():
        assert AMAZON_DISCLAIMER in info["description"]
        assert info["name"] and info["summary"] and info["keywords"] and len(info["examplePhrases"]) == 3
    assert publishing["category"] == "HEALTH_AND_FITNESS"
    privacy = manifest["privacyAndCompliance"]
    assert privacy["usesPersonalInfo"] is False and privacy["isChildDirected"] is False
    assert privacy["allowsPurchases"] is False and privacy["containsAds"] is False
    assert "endpoint" not in manifest["apis"]["custom"]  # added only by `python -m tools deploy`
    written = write_package(tmp_path)
    assert (tmp_path / "interactionModels" / "custom" / "en-GB.json").read_text() == model_path(
        "en-GB"
    ).read_text()
    assert len(written) == 1 + len(ICON_SIZES) + len(supported_locales())


def test_every_committed_model_and_the_manifest_lint_clean():
    from tools.interfaces import SKILL_DIR

    assert lint_files(sorted(MODEL_DIR.glob("*.json")), manifest_path(), code_dir=SKILL_DIR) == []


def _model(invocation: str, intents: list[dict]) -> dict:
    return {"interactionModel": {"languageModel": {"invocationName": invocation, "intents": intents}}}


BUILTINS = [
    {"name": name, "samples": []}
    for name in (
        "AMAZON.CancelIntent",
        "AMAZON.HelpIntent",
        "AMAZON.StopIntent",
        "AMAZON.NavigateHomeIntent",
        "AMAZON.FallbackIntent",
    )
]


@pytest.mark.parametrize(
    ("invocation", "problem"),
    [
        ("Trigger Point Guide", "lowercase"),
        ("guide", "two words"),
        ("ask trigger points", "launch word"),
        ("trigger points for", "connecting word"),
        ("trigger point skill", '"skill"'),
        ("alexa back guide", '"alexa"'),
    ],
)
def test_invocation_name_rules(invocation, problem):
    findings = lint_model("m.json", _model(invocation, BUILTINS))
    assert any(problem in finding.problem and finding.intent == "invocationName" for finding in findings)


@pytest.mark.parametrize(
    ("samples", "slots", "problem"),
    [
        (["what is 3 plus 4"], [], "only letters"),
        (["what is this?"], [], "only letters"),
        (["tell me about {topic}"], [], "undeclared slot {topic}"),
        (["{query}"], [{"name": "query", "type": "AMAZON.SearchQuery"}], "carrier phrase"),
        (
            ["find {query} near {city}"],
            [{"name": "query", "type": "AMAZON.SearchQuery"}, {"name": "city", "type": "AMAZON.City"}],
            "another slot",
        ),
        (["go", "Go "], [], "appears twice"),
    ],
)
def test_sample_rules_name_intent_and_utterance(samples, slots, problem):
    intent = {"name": "BadIntent", "slots": slots, "samples": samples}
    findings = lint_model("m.json", _model("back guide", [*BUILTINS, intent]))
    matching = [finding for finding in findings if problem in finding.problem]
    assert matching and matching[0].intent == "BadIntent" and matching[0].utterance in samples
    assert str(matching[0]).startswith("m.json: BadIntent")


def test_shared_utterances_and_missing_builtins_are_found():
    intents = [
        {"name": "AIntent", "samples": ["hello there"]},
        {"name": "BIntent", "samples": ["Hello  there"]},
    ]
    findings = lint_model("m.json", _model("back guide", intents))
    assert any(f.intent == "BIntent" and "also a sample of AIntent" in f.problem for f in findings)
    assert any(f.intent == "AMAZON.FallbackIntent" and "missing" in f.problem for f in findings)


def test_example_phrases_must_match_the_model(tmp_path):
    manifest = json.loads(manifest_path().read_text())
    phrases = manifest["manifest"]["publishingInformation"]["locales"]["en-US"]["examplePhrases"]
    phrases[1] = "Alexa, ask trigger point guide how do I juggle"
    phrases[2] = "Open trigger point guide"
    bad = tmp_path / "skill.json"
    bad.write_text(json.dumps(manifest))
    findings = lint_files([model_path("en-US")], bad)
    problems = {(f.intent, f.utterance): f.problem for f in findings}
    assert "does not match" in problems[("en-US", "Alexa, ask trigger point guide how do I juggle")]
    assert "must start" in problems[("en-US", "Open trigger point guide")]


def test_the_lint_command_exits_non_zero_on_findings(tmp_path):
    bad = tmp_path / "en-US.json"
    bad.write_text(json.dumps(_model("guide", BUILTINS)))
    result = run_cli("lint", str(bad), "--no-manifest", "--no-schema")
    assert result.returncode == 1
    assert f'{bad}: invocationName "guide": use at least two words' in result.stdout


def test_the_lock_file_pins_and_hashes_what_the_tests_run():
    """The artifact installs lambda/requirements.lock; the dev environment must hold the same
    versions, or the tests and benchmarks describe something else."""
    lock = (ROOT / "lambda" / "requirements.lock").read_text(encoding="utf-8")
    locked = dict(re.findall(r"^([a-z0-9-]+)==(\S+) \\\n\s+--hash=sha256:[0-9a-f]{64}$", lock, re.MULTILINE))
    assert set(locked) == {"ask-sdk-core", "ask-sdk-model", "ask-sdk-runtime", "python-dateutil", "six"}
    for name, version in locked.items():
        assert importlib.metadata.version(name) == version, name
    requested = (ROOT / "lambda" / "requirements.txt").read_text(encoding="utf-8")
    for name, version in re.findall(r"^([a-z0-9-]+)==(\S+)$", requested, re.MULTILINE):
        assert locked[name] == version, name
