"""The web endpoint's settings, from skill.config (the one module that reads the environment)."""

from __future__ import annotations

from skill.config import Settings
from web.app import WebSettings


def web_settings_from_environment() -> WebSettings:
    settings = Settings.from_environment()
    return WebSettings(
        skill_id=settings.skill_id,
        verify=settings.web_verify,
        any_skill=settings.web_any_skill,
        log_level=settings.log_level,
    )
