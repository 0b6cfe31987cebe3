"""The ASK CLI skill package: ``skill-package/skill.json`` (committed, generated from
``data/manifest.json``) and ``skill-package/interactionModels/custom/`` (filled from
``interaction_model/`` just before ``ask deploy``, not committed)."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

from skill.phrases import supported_locales
from tools.model import MODEL_DIR, model_path

PACKAGE_DIR = MODEL_DIR.parent / "skill-package"
MANIFEST_TEMPLATE = Path(__file__).parent / "data" / "manifest.json"


def build_manifest() -> dict[str, Any]:
    template = json.loads(MANIFEST_TEMPLATE.read_text(encoding="utf-8"))
    manifest = copy.deepcopy(template["manifest"])
    locales = supported_locales()
    manifest["publishingInformation"]["locales"] = {locale: template["locale"] for locale in locales}
    return {"manifest": manifest}


def render_manifest() -> str:
    return json.dumps(build_manifest(), indent=2, ensure_ascii=False) + "\n"


def manifest_path(package_dir: Path = PACKAGE_DIR) -> Path:
    return package_dir / "skill.json"


def write_package(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """skill.json and a copy of every locale's interaction model, ready for ``ask deploy``."""
    models = package_dir / "interactionModels" / "custom"
    models.mkdir(parents=True, exist_ok=True)
    manifest_path(package_dir).write_text(render_manifest(), encoding="utf-8")
    written = [manifest_path(package_dir)]
    for locale in supported_locales():
        written.append(Path(shutil.copyfile(model_path(locale), models / f"{locale}.json")))
    return written


def manifest_drifted(package_dir: Path = PACKAGE_DIR) -> bool:
    path = manifest_path(package_dir)
    return not path.exists() or path.read_text(encoding="utf-8") != render_manifest()
