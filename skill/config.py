"""Deployment settings, read from the environment once when the skill is built."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """``skill_id``: the only Alexa skill allowed to call us (None: any, for local use)."""

    skill_id: str | None = None

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(skill_id=os.environ.get("SKILL_ID", "").strip() or None)
