"""AWS Lambda entry point: ``lambda_function.handler``.

The skill is built on the first invocation of each container and reused after that.
"""

from __future__ import annotations

from typing import Any

from skill.app import default_runtime
from skill.config import Settings
from skill.envelope import InvalidRequest
from skill.logs import log_event, logger

logger.set_level(Settings.from_environment().log_level)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one Alexa request; a request that is not ours raises InvalidRequest."""
    try:
        return default_runtime().handle(event, context)
    except InvalidRequest as refusal:
        log_event("request_refused", reason=str(refusal))
        raise
