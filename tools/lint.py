"""Checks the declared models and the manifest against the rules Alexa's model build
enforces or certification rejects, the skill's code against the package (interfaces), and
both against Amazon's published schema, so a mistake is found here, not after ``ask
deploy``. Each finding names the file, the intent (or interface) and the utterance."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.text import normalize
from tools.invocation import ASK_VERBS, CONNECTING_WORDS, LAUNCH_VERBS, RESERVED_LAUNCH_WORDS

REQUIRED_BUILTINS = (
    "AMAZON.CancelIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent",
)
FORBIDDEN_WORDS = frozenset(("alexa", "amazon", "echo", "skill", "app", "computer"))
SEARCH_QUERY = "AMAZON.SearchQuery"
MAX_LAUNCH_PHRASES = 5  # Amazon's limit on skill launch phrases

_INVOCATION_CHARS = re.compile(r"^[a-z][a-z.' ]*[a-z.]$")
_SAMPLE_WORD = re.compile(r"^(?:[^\W\d_]+(?:'[^\W\d_]+)*|(?:[^\W\d_]\.)+|\{[A-Za-z_]\w*\})$")
_SLOT_REFERENCE = re.compile(r"\{([^{}]*)\}")
_MAX_SAMPLE_CHARS = 200


@dataclass(frozen=True)
class Finding:
    file: str
    intent: str
    utterance: str
    problem: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.intent}" if self.intent else self.file
        said = f' "{self.utterance}"' if self.utterance else ""
        return f"{where}{said}: {self.problem}"


def fold(utterance: str) -> str:
    """The normalised text of a sample, its slot references ({query}) kept as they are."""
    parts = _SLOT_REFERENCE.split(utterance)
    return " ".join(
        f"{{{part}}}" if index % 2 else normalize(part) for index, part in enumerate(parts) if part.strip()
    )


def _invocation_findings(file: str, name: str) -> Iterator[Finding]:
    def finding(problem: str) -> Finding:
        return Finding(file, "invocationName", name, problem)

    if not _INVOCATION_CHARS.match(name):
        yield finding("use lowercase letters and spaces only (periods for initialisms, apostrophes)")
    words = name.split()
    if len(words) < 2:
        yield finding("use at least two words")
    if words and (words[0] in RESERVED_LAUNCH_WORDS or words[-1] in RESERVED_LAUNCH_WORDS):
        yield finding("must not begin or end with a launch word (ask, open, start...)")
    if words and (words[0] in CONNECTING_WORDS or words[-1] in CONNECTING_WORDS):
        yield finding("must not begin or end with a connecting word (to, from, about...)")
    for word in sorted(FORBIDDEN_WORDS & set(words)):
        yield finding(f'must not contain "{word}"')
    if not 2 <= len(name) <= 50:
        yield finding("must be 2 to 50 characters long")


def _sample_findings(file: str, intent: dict[str, Any]) -> Iterator[Finding]:
    name = intent.get("name", "?")
    slots = {slot.get("name"): slot.get("type") for slot in intent.get("slots", [])}
    seen: set[str] = set()
    for sample in intent.get("samples", []):

        def finding(problem: str, sample: str = sample) -> Finding:
            return Finding(file, name, sample, problem)

        folded = fold(sample)
        if folded in seen:
            yield finding("appears twice in this intent")
        seen.add(folded)
        if len(sample) > _MAX_SAMPLE_CHARS:
            yield finding(f"longer than {_MAX_SAMPLE_CHARS} characters")
        bad_words = [word for word in sample.split() if not _SAMPLE_WORD.match(word)]
        if bad_words:
            yield finding(f"only letters, spaces, apostrophes and initialisms allowed: {' '.join(bad_words)}")
        referenced = _SLOT_REFERENCE.findall(sample)
        for slot in referenced:
            if slot not in slots:
                yield finding(f"refers to an undeclared slot {{{slot}}}")
        if any(slots.get(slot) == SEARCH_QUERY for slot in referenced):
            if len(referenced) > 1:
                yield finding("an AMAZON.SearchQuery slot cannot share a sample with another slot")
            if not _SLOT_REFERENCE.sub("", sample).strip():
                yield finding("an AMAZON.SearchQuery slot needs a carrier phrase around it")


def _carrier_patterns(intents: list[dict[str, Any]]) -> list[tuple[str, str, re.Pattern[str]]]:
    """(intent, carrier sample, regex) for every sample around an AMAZON.SearchQuery slot."""
    patterns = []
    for intent in intents:
        queries = {slot.get("name") for slot in intent.get("slots", []) if slot.get("type") == SEARCH_QUERY}
        for sample in intent.get("samples", []):
            if queries & set(_SLOT_REFERENCE.findall(sample)):
                patterns.append((intent.get("name", "?"), sample, _sample_regex(sample)))
    return patterns


def _carrier_findings(file: str, intents: list[dict[str, Any]]) -> Iterator[Finding]:
    """A sample that a catch-all carrier phrase also matches: Alexa may send either intent."""
    carriers = _carrier_patterns(intents)
    for intent in intents:
        for sample in intent.get("samples", []):
            for owner, carrier, regex in carriers:
                if owner != intent.get("name") and regex.match(fold(sample)):
                    yield Finding(
                        file,
                        intent.get("name", "?"),
                        sample,
                        f'collides with the carrier phrase "{carrier}" of {owner}',
                    )


def _ingress_findings(file: str, model: dict[str, Any], owner: dict[str, str]) -> Iterator[Finding]:
    """Name-free ingress points: known intents, at most five launch phrases, each a complete
    phrase that no other intent's sample (nor a carrier phrase) also claims."""
    points = model.get("interactionModel", {}).get("_nameFreeInteraction", {}).get("ingressPoints", [])
    intents = model.get("interactionModel", {}).get("languageModel", {}).get("intents", [])
    carriers = _carrier_patterns(intents)
    if sum(1 for point in points if point.get("type") == "LAUNCH") > MAX_LAUNCH_PHRASES:
        yield Finding(file, "_nameFreeInteraction", "", f"at most {MAX_LAUNCH_PHRASES} launch phrases")
    for point in points:
        name, value = point.get("name", "LAUNCH"), point.get("value", "")
        if point.get("type") == "INTENT" and name not in {intent.get("name") for intent in intents}:
            yield Finding(file, name, value, "ingress point for an intent the model does not declare")
        if not all(_SAMPLE_WORD.match(word) and "{" not in word for word in value.split()):
            yield Finding(file, name, value, "a complete phrase of letters, spaces and apostrophes, no slots")
        claimed = owner.get(fold(value))
        if claimed is not None and claimed != point.get("name"):
            yield Finding(file, name, value, f"also a sample of {claimed}")
        for carrier_owner, carrier, regex in carriers:
            if carrier_owner != point.get("name") and regex.match(fold(value)):
                yield Finding(file, name, value, f'collides with the carrier phrase "{carrier}"')


def lint_model(file: str, model: dict[str, Any]) -> list[Finding]:
    language = model.get("interactionModel", {}).get("languageModel", {})
    findings = list(_invocation_findings(file, language.get("invocationName", "")))
    intents = language.get("intents", [])
    names = {intent.get("name") for intent in intents}
    findings += [
        Finding(file, name, "", "required built-in intent is missing")
        for name in REQUIRED_BUILTINS
        if name not in names
    ]
    findings += _carrier_findings(file, intents)
    owner: dict[str, str] = {}
    for intent in intents:
        findings += _sample_findings(file, intent)
        for sample in intent.get("samples", []):
            other = owner.setdefault(fold(sample), intent.get("name", "?"))
            if other != intent.get("name"):
                findings.append(Finding(file, intent.get("name", "?"), sample, f"also a sample of {other}"))
    findings += _ingress_findings(file, model, owner)
    return findings


def _sample_regex(sample: str) -> re.Pattern[str]:
    parts = _SLOT_REFERENCE.split(fold(sample))
    regex = "".join(".+" if index % 2 else re.escape(part) for index, part in enumerate(parts))
    return re.compile(f"^{regex}$")


def _sample_matchers(model: dict[str, Any]) -> list[re.Pattern[str]]:
    intents = model["interactionModel"]["languageModel"]["intents"]
    return [_sample_regex(sample) for intent in intents for sample in intent.get("samples", [])]


def lint_example_phrases(
    file: str, manifest: dict[str, Any], models: dict[str, dict[str, Any]]
) -> list[Finding]:
    """Each example phrase must invoke the skill and, after the invocation, match a sample."""
    findings = []
    locales = manifest["manifest"]["publishingInformation"]["locales"]
    for locale, info in locales.items():
        model = models.get(locale)
        if model is None:
            findings.append(Finding(file, locale, "", "no interaction model for this locale"))
            continue
        invocation = model["interactionModel"]["languageModel"]["invocationName"]
        matchers = _sample_matchers(model)
        for phrase in info.get("examplePhrases", []):
            spoken = normalize(phrase)
            launch = re.match(
                rf"^alexa ({'|'.join(LAUNCH_VERBS + ASK_VERBS)}) {re.escape(invocation)}( (.*))?$", spoken
            )
            if launch is None:
                findings.append(Finding(file, locale, phrase, f'must start "Alexa, open/ask {invocation}"'))
            elif launch.group(3) and not any(m.match(launch.group(3)) for m in matchers):
                findings.append(Finding(file, locale, phrase, "does not match any sample utterance"))
    return findings


def suggested_phrases() -> dict[str, str]:
    """What the skill tells people they can say, and the intent each must reach: the
    prompts' examples ({example}) and every question on the help card."""
    from skill.prompts import bundled_examples
    from skill.store import default_store

    store = default_store()
    phrases = {entry.question: entry.intent_name for entry in store.entries}
    for answer_id, phrase in bundled_examples().items():
        entry = store.get(answer_id)
        phrases[phrase] = entry.intent_name if entry is not None else f"(no answer {answer_id!r})"
    return phrases


def lint_suggested_phrases(
    models: dict[str, dict[str, Any]], suggestions: dict[str, str], file: str = "skill/data/prompts.json"
) -> list[Finding]:
    """Every phrase a prompt or card suggests must be, word for word, a sample of the intent
    it should reach in every locale's model: certification says each one out loud."""
    findings = []
    for locale, model in sorted(models.items()):
        samples = {
            fold(sample): intent.get("name", "?")
            for intent in model["interactionModel"]["languageModel"]["intents"]
            for sample in intent.get("samples", [])
        }
        for phrase, intent in suggestions.items():
            found = samples.get(fold(phrase))
            if found != intent:
                reached = f"a sample of {found}" if found else "no sample"
                findings.append(Finding(file, intent, phrase, f"suggested, but in {locale} it is {reached}"))
    return findings


def lint_interfaces(file: str, manifest: dict[str, Any], code_dir: Path) -> list[Finding]:
    """Every interface the code uses is declared, and every declared one is used."""
    from tools.devices import declared_interfaces
    from tools.interfaces import used_interfaces

    declared = declared_interfaces(manifest)
    used = used_interfaces(code_dir)
    findings = [
        Finding(file, name, "", f"the code uses it ({places[0]}) but the manifest does not declare it")
        for name, places in sorted(used.items())
        if name not in declared
    ]
    findings += [
        Finding(file, name, "", f"declared, but nothing in {code_dir.name}/ uses it")
        for name in sorted(declared - set(used))
    ]
    return findings


def lint_privacy(file: str, manifest: dict[str, Any], code_dir: Path) -> list[Finding]:
    """The privacy fields against the code: personal data read or kept, or permissions
    asked for, means usesPersonalInfo; personal data needs a privacy policy per locale."""
    from tools.interfaces import personal_data_uses

    body = manifest.get("manifest", {})
    privacy = body.get("privacyAndCompliance", {})
    uses = personal_data_uses(code_dir) + [f"asks for {p.get('name')}" for p in body.get("permissions", [])]
    findings = []
    if uses and not privacy.get("usesPersonalInfo"):
        findings.append(Finding(file, "usesPersonalInfo", "", f"false, but the skill {uses[0]}"))
    if privacy.get("usesPersonalInfo"):
        policies = privacy.get("locales", {})
        for locale in body.get("publishingInformation", {}).get("locales", {}):
            if not policies.get(locale, {}).get("privacyPolicyUrl"):
                findings.append(
                    Finding(file, locale, "", "uses personal information without a privacyPolicyUrl")
                )
    return findings


def lint_privacy_policy(file: str, manifest: dict[str, Any], root: Path) -> list[Finding]:
    """Each privacy field has the value the privacy policy states, and the policy still says it."""
    from tools.package import load_template

    policy = load_template()["privacy_policy"]
    text = " ".join((root / policy["file"]).read_text(encoding="utf-8").split())
    privacy = manifest.get("manifest", {}).get("privacyAndCompliance", {})
    findings = []
    for field, (value, statement) in policy["claims"].items():
        if privacy.get(field) != value:
            findings.append(
                Finding(file, field, "", f"{privacy.get(field)}, but {policy['file']} says {value}")
            )
        if statement not in text:
            findings.append(Finding(policy["file"], field, statement, "the policy no longer says this"))
    return findings


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def lint_release(
    file: str, manifest: dict[str, Any], template: dict[str, Any] | None = None
) -> list[Finding]:
    """Before a release: no deployer value (``template``: the manifest template's) and
    nothing in skill.json may still be a placeholder."""
    from tools.package import MANIFEST_TEMPLATE, PLACEHOLDER_MARKER, deployer_values

    findings = [
        Finding(
            str(MANIFEST_TEMPLATE),
            f"deployer_values.{name}",
            item["value"],
            f"still a placeholder: replace it with {item['how']}, then run python -m tools package",
        )
        for name, item in deployer_values(template).items()
        if PLACEHOLDER_MARKER in item["value"]
    ]
    findings += [
        Finding(file, "", text, f"holds a placeholder ({PLACEHOLDER_MARKER}...)")
        for text in sorted(set(_strings(manifest)))
        if PLACEHOLDER_MARKER in text
    ]
    return findings


def lint_schema(
    models: dict[str, dict[str, Any]], manifest: tuple[str, dict[str, Any]] | None
) -> list[Finding]:
    """Amazon's SMAPI definitions (ask-smapi-model) for skill.json and every model."""
    from tools.smapi import validate_manifest, validate_model

    findings = [
        Finding(file, "", "", f"SMAPI schema: {problem}")
        for file, model in models.items()
        for problem in validate_model(model)
    ]
    if manifest is not None:
        findings += [
            Finding(manifest[0], "", "", f"SMAPI schema: {p}") for p in validate_manifest(manifest[1])
        ]
    return findings


def lint_files(
    model_files: Iterable[Path],
    manifest_file: Path | None,
    *,
    code_dir: Path | None = None,
    release: bool = False,
    schema: bool = False,
    suggestions: dict[str, str] | None = None,
) -> list[Finding]:
    """All the rules; ``code_dir`` (the skill's source) checks interfaces, ``release`` the
    placeholders, ``schema`` Amazon's definitions (needs node and npm), ``suggestions``
    the phrases prompts and cards suggest saying (``suggested_phrases()``)."""
    findings: list[Finding] = []
    models: dict[str, dict[str, Any]] = {}
    by_file: dict[str, dict[str, Any]] = {}
    for path in model_files:
        model = json.loads(path.read_text(encoding="utf-8"))
        models[path.stem] = by_file[str(path)] = model
        findings += lint_model(str(path), model)
    if suggestions is not None:
        findings += lint_suggested_phrases(models, suggestions)
    manifest = None
    if manifest_file is not None:
        manifest = (str(manifest_file), json.loads(manifest_file.read_text(encoding="utf-8")))
        findings += lint_example_phrases(*manifest, models)
        if code_dir is not None:
            findings += lint_interfaces(*manifest, code_dir)
            findings += lint_privacy(*manifest, code_dir)
            findings += lint_privacy_policy(*manifest, code_dir.parent)
        if release:
            findings += lint_release(*manifest)
    if schema:
        findings += lint_schema(by_file, manifest)
    return findings
