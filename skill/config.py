"""Settings from the environment: the one module that reads it, for every host and tool.

Lambda sets ``SKILL_ID`` and ``LOG_LEVEL`` from template.yaml; the web host adds its own
knobs. Each is parsed here once, so a name or a default is never written twice.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NamedTuple

_FALSE = frozenset({"0", "false", "no", "off"})


class Settings(NamedTuple):
    """``skill_id``: the only Alexa skill allowed to call us (None: any, for local use)."""

    skill_id: str | None = None
    log_level: str = "INFO"
    web_verify: bool = True
    web_any_skill: bool = False  # verification on without SKILL_ID, said explicitly
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    web_workers: int = 2
    web_threads: int = 8

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        default = cls._field_defaults
        return cls(
            skill_id=env.get("SKILL_ID", "").strip() or None,
            log_level=env.get("LOG_LEVEL", "").strip().upper() or default["log_level"],
            web_verify=env.get("ALEXA_VERIFY", "1").strip().lower() not in _FALSE,
            web_any_skill=env.get("ALEXA_ANY_SKILL", "0").strip().lower() not in _FALSE,
            web_host=env.get("HOST", "").strip() or default["web_host"],
            web_port=int(env.get("PORT", "").strip() or default["web_port"]),
            web_workers=int(env.get("WEB_WORKERS", "").strip() or default["web_workers"]),
            web_threads=int(env.get("WEB_THREADS", "").strip() or default["web_threads"]),
        )
