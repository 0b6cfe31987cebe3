"""Structured logging: one JSON object per line, so log queries can filter on fields."""

from __future__ import annotations

import json
import logging
from typing import Any

logger = logging.getLogger("skill")


def log_event(event: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one event as a JSON line; callers pass only fields that are safe to keep."""
    if logger.isEnabledFor(level):
        logger.log(level, json.dumps({"event": event, **fields}, default=str, ensure_ascii=False))
