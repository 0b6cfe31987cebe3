"""Structured logs: one JSON object per line on stdout, which CloudWatch keeps as one event.

A few lines instead of the ``logging`` package: importing and formatting through it cost
more per cold start and per request than the whole rest of a request's own work (see
bench/). Only what the callers pass is logged: request ids and outcomes, never the
envelope, the user, the device or the API access token.

No input can make a write fail: lines are ASCII (``\\uXXXX`` escapes, so a lone surrogate
in a query is written, not an encoding error), and a value that cannot be written at all
is replaced by the error's name.
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import suppress
from typing import Any, TextIO

LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}
INFO, ERROR = LEVELS["INFO"], LEVELS["ERROR"]


class JsonLogger:
    """``{"time", "level", "event", ...fields}`` per line, at or above a level."""

    def __init__(self, stream: TextIO | None = None, level: str = "INFO") -> None:
        self.stream = stream
        self.set_level(level)

    def set_level(self, level: str) -> None:
        """Unknown names fall back to INFO rather than silencing the logs."""
        self.level = LEVELS.get(str(level).upper(), INFO)

    def enabled(self, level: int) -> bool:
        return level >= self.level

    def log(self, level: int, event: str, fields: dict[str, Any]) -> None:
        if not self.enabled(level):
            return
        now = time.time()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"
        name = "ERROR" if level >= ERROR else "INFO" if level >= INFO else "DEBUG"
        head = {"time": stamp, "level": name, "event": event}
        try:
            line = json.dumps({**head, **fields}, default=repr)
        except (ValueError, TypeError, RecursionError) as error:  # e.g. an int too long to print
            line = json.dumps({**head, "log_error": type(error).__name__})
        with suppress(OSError, ValueError):  # a closed or broken stream must not fail the request
            (self.stream or sys.stdout).write(line + "\n")


logger = JsonLogger()


def log_event(event: str, level: int = INFO, **fields: Any) -> None:
    """Log one event; callers pass only fields that are safe to keep."""
    logger.log(level, event, fields)
