"""Structured logging: one JSON object per line, so log queries can filter on fields.

Only what the callers pass is logged: ids of the request, never the envelope, the user,
the device or the API access token.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

logger = logging.getLogger("skill")

_FIELDS = "fields"


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "event", ...fields}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
        }
        fields = getattr(record, _FIELDS, None)
        if fields is not None:
            document.update(fields)
        else:
            document["message"] = record.getMessage()
        if record.exc_info:
            document["error_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(document, default=str, ensure_ascii=False)


def configure_logging(level: str | int = "INFO") -> None:
    """Send the skill's logs to stdout as JSON lines (CloudWatch keeps one event per line)."""
    if any(isinstance(handler.formatter, JsonFormatter) for handler in logger.handlers):
        logger.setLevel(level)
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def log_event(event: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one event; callers pass only fields that are safe to keep."""
    if logger.isEnabledFor(level):
        logger.log(level, event, extra={_FIELDS: {"event": event, **fields}})
