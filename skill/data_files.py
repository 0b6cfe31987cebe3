"""The bundled data files (answers, prompts, locales, vocabulary...), read by name.

Plain ``os.path`` rather than ``pathlib``: every import counts on a Lambda cold start.
"""

from __future__ import annotations

import json
import os
from typing import Any

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def data_path(name: str) -> str:
    return os.path.join(DATA_DIR, name)


def read_json(path: str) -> Any:
    """A JSON file: a bundled one by relative name (``"apl/document.json"``) or any by absolute path."""
    with open(path if os.path.isabs(path) else data_path(path), encoding="utf-8") as handle:
        return json.load(handle)
