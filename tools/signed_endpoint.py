"""The web endpoint exactly as deployed, except that it trusts a local test authority instead
of Amazon's roots: what load and attack tests run on loopback, so that signed requests take
the real verification path. Never a way to serve Alexa.

``gunicorn -c web/gunicorn.conf.py 'tools.signed_endpoint:create_app_for("DIR")'`` with DIR
written by tools.alexa_signing.write_authority; ``origin`` (optional) makes the server
download the chain from there (a loopback server) instead of having it pre-loaded.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flask import Flask

from tools.alexa_signing import CHAIN_URL
from tools.envelopes import LOCAL_SKILL_ID
from web.app import create_app
from web.settings import web_settings_from_environment


def create_app_for(directory: str, origin: str | None = None) -> Flask:
    authority = Path(directory)
    settings = replace(
        web_settings_from_environment(),
        skill_id=LOCAL_SKILL_ID,
        verify=True,
        trust_roots=((authority / "root.der").read_bytes(),),
    )
    if origin is None:
        settings = replace(settings, certificate_chains={CHAIN_URL: (authority / "chain.pem").read_bytes()})
    else:
        settings = replace(settings, chain_origin=origin)
    return create_app(settings)
