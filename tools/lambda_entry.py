"""Loading ``lambda/lambda_function.py`` by path, as Lambda does: ``lambda`` is a Python
keyword, so the folder cannot be imported as a package."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from tools.envelopes import Handler

LAMBDA_FILE = Path(__file__).resolve().parents[1] / "lambda" / "lambda_function.py"


def load_lambda_module(path: Path = LAMBDA_FILE) -> ModuleType:
    spec = importlib.util.spec_from_file_location("lambda_function", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_lambda_handler(path: Path = LAMBDA_FILE) -> Handler:
    return load_lambda_module(path).handler
