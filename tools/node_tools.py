"""The project's small node projects (APL tools, the virtual-alexa client), installed from
their lock files on first use."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def node_available() -> bool:
    return bool(shutil.which("node") and shutil.which("npm"))


def ensure_installed(project: Path, package: str) -> Path:
    """``npm ci`` in ``project`` unless ``package`` is already in its node_modules."""
    if not node_available():
        raise FileNotFoundError("node and npm are needed")
    if not (project / "node_modules" / package).is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=project,
            check=True,
            capture_output=True,
            timeout=600,
        )
    return project
