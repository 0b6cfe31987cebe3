"""Settings come from the environment in one place, with the defaults a local run needs."""

from __future__ import annotations

from skill.config import Settings


def test_an_empty_environment_gives_local_defaults():
    settings = Settings.from_environment({})
    assert settings == Settings(skill_id=None, log_level="INFO", web_verify=True)


def test_deployment_values_are_read_and_cleaned():
    settings = Settings.from_environment(
        {"SKILL_ID": " amzn1.ask.skill.x ", "LOG_LEVEL": "warning", "ALEXA_VERIFY": "off", "PORT": "9000"}
    )
    assert (settings.skill_id, settings.log_level, settings.web_verify, settings.web_port) == (
        "amzn1.ask.skill.x",
        "WARNING",
        False,
        9000,
    )


def test_blank_values_fall_back_to_defaults():
    settings = Settings.from_environment({"SKILL_ID": "  ", "LOG_LEVEL": "", "WEB_WORKERS": ""})
    assert (settings.skill_id, settings.log_level, settings.web_workers) == (None, "INFO", 2)
