"""The ASK CLI skill package: ``skill-package/skill.json`` and the skill icons (committed,
generated from ``data/manifest.json``, ``data/devices.json`` and ``data/icon.svg``) and
``skill-package/interactionModels/custom/`` (filled from ``interaction_model/`` just
before ``ask deploy``, not committed). The committed skill.json has no endpoint: the
deployed one (a Lambda ARN, or an HTTPS address) goes only into the package that
``python -m tools deploy`` writes to the ignored ``build/skill-package/``."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any

from skill.phrases import supported_locales
from tools.devices import APL_INTERFACE, screen_viewports
from tools.model import MODEL_DIR, model_path, render_model

PACKAGE_DIR = MODEL_DIR.parent / "skill-package"
MANIFEST_TEMPLATE = Path(__file__).parent / "data" / "manifest.json"
ICON_SOURCE = Path(__file__).parent / "data" / "icon.svg"
# Amazon's two icon sizes, each referenced from every locale as file://assets/images/...
ICON_SIZES = (108, 512)
PLACEHOLDER_MARKER = "REPLACE-WITH-"
_VALUE_REFERENCE = re.compile(r"\$\{([A-Z_]+)\}")
LAMBDA_ARN = re.compile(r"^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$")
# Alexa's certificate types for an HTTPS endpoint (the manifest's sslCertificateType).
SSL_CERTIFICATE_TYPES = ("Trusted", "Wildcard", "SelfSigned")


def load_template() -> dict[str, Any]:
    return json.loads(MANIFEST_TEMPLATE.read_text(encoding="utf-8"))


def deployer_values(template: dict[str, Any] | None = None) -> dict[str, dict[str, str]]:
    """Every value a deployer must replace, by name: ``{"value": ..., "how": ...}``."""
    return (template or load_template())["deployer_values"]


def _fill(node: Any, values: dict[str, str]) -> Any:
    """The template with each ``${NAME}`` replaced by that deployer value."""
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(value, values) for value in node]
    if isinstance(node, str):
        return _VALUE_REFERENCE.sub(lambda found: values[found.group(1)], node)
    return node


def _declare_viewports(interfaces: list[dict[str, Any]]) -> None:
    for interface in interfaces:
        if interface["type"] == APL_INTERFACE:
            interface["supportedViewports"] = [viewport.manifest_spec() for viewport in screen_viewports()]


def endpoint(uri: str, ssl_certificate_type: str | None = None) -> dict[str, str]:
    """The manifest's ``apis.custom.endpoint``: a Lambda ARN, or an HTTPS address with the
    type of certificate it serves (which Alexa needs to know before it calls it)."""
    if LAMBDA_ARN.match(uri):
        if ssl_certificate_type is not None:
            raise ValueError("a Lambda endpoint takes no certificate type")
        return {"uri": uri}
    if not uri.startswith("https://"):
        raise ValueError(f"the endpoint must be a Lambda function ARN or an https:// address, not {uri!r}")
    if ssl_certificate_type not in SSL_CERTIFICATE_TYPES:
        raise ValueError(
            f"an HTTPS endpoint needs a certificate type: one of {', '.join(SSL_CERTIFICATE_TYPES)}"
        )
    return {"uri": uri, "sslCertificateType": ssl_certificate_type}


def build_manifest(
    template: dict[str, Any] | None = None, skill_endpoint: dict[str, str] | None = None
) -> dict[str, Any]:
    template = template or load_template()
    manifest = copy.deepcopy(template["manifest"])
    locales = supported_locales()
    manifest["publishingInformation"]["locales"] = {locale: template["locale"] for locale in locales}
    manifest["privacyAndCompliance"]["locales"] = {locale: template["privacy_locale"] for locale in locales}
    _declare_viewports(manifest["apis"]["custom"]["interfaces"])
    if skill_endpoint is not None:
        manifest["apis"]["custom"]["endpoint"] = skill_endpoint
    values = {name: item["value"] for name, item in deployer_values(template).items()}
    return {"manifest": _fill(manifest, values)}


def render_manifest(skill_endpoint: dict[str, str] | None = None) -> str:
    return json.dumps(build_manifest(skill_endpoint=skill_endpoint), indent=2, ensure_ascii=False) + "\n"


def manifest_path(package_dir: Path = PACKAGE_DIR) -> Path:
    return package_dir / "skill.json"


def icon_path(size: int, package_dir: Path = PACKAGE_DIR) -> Path:
    return package_dir / "assets" / "images" / f"icon-{size}.png"


def render_icon(size: int) -> bytes:
    """The SVG rasterised at ``size`` x ``size`` (cairosvg, a developer dependency)."""
    import cairosvg

    png = cairosvg.svg2png(url=str(ICON_SOURCE), output_width=size, output_height=size)
    assert isinstance(png, bytes)
    return png


def write_package(
    package_dir: Path = PACKAGE_DIR, name_free: bool = False, skill_endpoint: dict[str, str] | None = None
) -> list[Path]:
    """skill.json, the icons and a copy of every locale's interaction model, ready for ``ask
    deploy`` (``name_free``: the models with their name-free ingress points)."""
    models = package_dir / "interactionModels" / "custom"
    models.mkdir(parents=True, exist_ok=True)
    manifest_path(package_dir).write_text(render_manifest(skill_endpoint), encoding="utf-8")
    written = [manifest_path(package_dir)]
    for size in ICON_SIZES:
        path = icon_path(size, package_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render_icon(size))
        written.append(path)
    for locale in supported_locales():
        target = models / f"{locale}.json"
        if name_free:
            from skill.store import default_store
            from tools.ingress import with_ingress_points

            model = json.loads(model_path(locale).read_text(encoding="utf-8"))
            target.write_text(render_model(with_ingress_points(model, default_store())), encoding="utf-8")
        else:
            shutil.copyfile(model_path(locale), target)
        written.append(target)
    return written


def manifest_drifted(package_dir: Path = PACKAGE_DIR) -> bool:
    path = manifest_path(package_dir)
    return not path.exists() or path.read_text(encoding="utf-8") != render_manifest()


def drifted_icons(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Committed icons that differ from what the SVG renders to."""
    return [
        icon_path(size, package_dir)
        for size in ICON_SIZES
        if not icon_path(size, package_dir).exists()
        or icon_path(size, package_dir).read_bytes() != render_icon(size)
    ]
