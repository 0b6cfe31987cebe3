"""The web endpoint's settings from the environment, shared by gunicorn and ``serve``."""

from __future__ import annotations

import os

from skill.config import Settings
from web.app import WebSettings

VERIFY_VARIABLE = "ALEXA_VERIFY"  # "0" turns request verification off (local development only)


def web_settings_from_environment() -> WebSettings:
    verify = os.environ.get(VERIFY_VARIABLE, "1").strip().lower() not in {"0", "false", "no", "off"}
    return WebSettings(skill_id=Settings.from_environment().skill_id, verify=verify)
