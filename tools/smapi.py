"""Validation against Amazon's published SMAPI definitions, not only our own rules.

The npm package ``ask-smapi-model`` (pinned in ``smapi/package.json``, installed with
``npm ci`` on first use) ships ``spec.json``: Swagger 2.0 definitions of the skill
manifest and the interaction model. Swagger's polymorphism (``discriminator``, e.g. the
manifest's interface list) means nothing to a JSON Schema validator, so each
discriminated base becomes "type must be one of the known values, and then the matching
subtype's schema"; a subtype's ``allOf`` is flattened into one object. Objects reject
properties the definitions do not name, as Amazon's service does (a misspelt
``supportedViewport`` is an error, not ignored).

``_nameFreeInteraction`` (name-free ingress points) is documented by Amazon but absent
from the package; its schema, written from Amazon's page, is ``data/name_free_schema.json``.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from tools.node_tools import ensure_installed

SMAPI_DIR = Path(__file__).parent / "smapi"
PACKAGE = "ask-smapi-model"
NAME_FREE_SCHEMA = Path(__file__).parent / "data" / "name_free_schema.json"
MANIFEST_DEFINITION = "v1.skill.Manifest.SkillManifestEnvelope"
MODEL_DEFINITION = "v1.skill.interactionModel.InteractionModelData"
_MODEL_SCHEMA = "v1.skill.interactionModel.InteractionModelSchema"
_PREFIX = "#/definitions/"


def spec_path() -> Path:
    return ensure_installed(SMAPI_DIR, PACKAGE) / "node_modules" / PACKAGE / "spec.json"


def package_version() -> str:
    package = json.loads((spec_path().parents[0] / "package.json").read_text(encoding="utf-8"))
    return str(package["version"])


def _name(ref: str) -> str:
    return ref[len(_PREFIX) :]


def _object_parts(definitions: dict[str, Any], schema: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Properties and required names of an object schema, its ``allOf`` parts merged."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for part in schema.get("allOf", []):
        resolved = definitions[_name(part["$ref"])] if "$ref" in part else part
        more, needed = _object_parts(definitions, resolved)
        properties.update(more)
        required += needed
    properties.update(schema.get("properties", {}))
    required += schema.get("required", [])
    return properties, required


def _strict(definitions: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    properties, required = _object_parts(definitions, schema)
    flat: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        flat["required"] = sorted(set(required))
    return flat


def _discriminated(definitions: dict[str, Any], base_name: str) -> dict[str, Any]:
    """A base with a discriminator: a known type value, then that subtype's schema."""
    base = definitions[base_name]
    key = base["discriminator"]
    subtypes = {
        definition["x-discriminator-value"]: _PREFIX + name
        for name, definition in definitions.items()
        if any(part.get("$ref") == _PREFIX + base_name for part in definition.get("allOf", []))
        and "x-discriminator-value" in definition
    }
    values = set(subtypes) | set(definitions.get(base_name + "Type", {}).get("enum", []))
    branches = [
        {
            "if": {"properties": {key: {"const": value}}},
            "then": {"$ref": subtypes[value]} if value in subtypes else _strict(definitions, base),
        }
        for value in sorted(values)
    ]
    return {
        "type": "object",
        "required": [key],
        "properties": {key: {"enum": sorted(values)}},
        "allOf": branches,
    }


@cache
def _schema() -> dict[str, Any]:
    spec = json.loads(spec_path().read_text(encoding="utf-8"))
    definitions = spec["definitions"]
    converted: dict[str, Any] = {}
    for name, definition in definitions.items():
        if "discriminator" in definition:
            converted[name] = _discriminated(definitions, name)
        elif "allOf" in definition or (
            "properties" in definition and "additionalProperties" not in definition
        ):
            converted[name] = {
                **_strict(definitions, definition),
                "description": definition.get("description", ""),
            }
        else:
            converted[name] = copy.deepcopy(definition)
    name_free = json.loads(NAME_FREE_SCHEMA.read_text(encoding="utf-8"))
    converted["nameFree.NameFreeInteraction"] = name_free["schema"]
    converted[_MODEL_SCHEMA]["properties"]["_nameFreeInteraction"] = {
        "$ref": _PREFIX + "nameFree.NameFreeInteraction"
    }
    return {"$schema": "http://json-schema.org/draft-07/schema#", "definitions": converted}


def validate(document: dict[str, Any], definition: str) -> list[str]:
    """Every violation of ``definition`` in ``document``, each as "<path>: <message>"."""
    from jsonschema import Draft7Validator

    schema = {**_schema(), "$ref": _PREFIX + definition}
    validator = Draft7Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path)):
        path = "$" + "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
        )
        problems.append(f"{path}: {error.message}")
    return problems


def validate_manifest(manifest: dict[str, Any]) -> list[str]:
    return validate(manifest, MANIFEST_DEFINITION)


def validate_model(model: dict[str, Any]) -> list[str]:
    return validate(model, MODEL_DEFINITION)
