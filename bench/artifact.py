"""The two Lambda artifacts, built by the Makefile's sam-build targets, and their sizes."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lambda_python() -> str:
    """The interpreter ``sam build`` uses (the Makefile's PYTHON_LAMBDA: python3.13)."""
    found = subprocess.run(
        ["make", "-s", "--no-print-directory", "lambda-python"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not found:
        raise SystemExit(
            "python3.13 (the Lambda runtime's Python) is needed: see PYTHON_LAMBDA in the Makefile"
        )
    return found


def build(target: str, artifacts_dir: Path, python: str) -> Path:
    """Run ``make build-<target>`` (what ``sam build`` runs) into ``artifacts_dir``."""
    artifacts_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["make", "-s", f"build-{target}", f"ARTIFACTS_DIR={artifacts_dir}", f"PYTHON_LAMBDA={python}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return artifacts_dir


def size(artifacts_dir: Path) -> dict[str, int]:
    """Files, bytes unzipped, and bytes of the zip ``sam deploy`` would upload."""
    files = [path for path in sorted(artifacts_dir.rglob("*")) if path.is_file()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.relative_to(artifacts_dir))
    return {
        "files": len(files),
        "unzipped_bytes": sum(path.stat().st_size for path in files),
        "zipped_bytes": len(buffer.getvalue()),
    }
