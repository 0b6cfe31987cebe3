"""The load test's yardstick: a bare Flask app that parses the body and returns a fixed
response (the JSON our endpoint answers to a launch), with no verification and no skill.

``gunicorn -c web/gunicorn.conf.py 'bench.bare_flask:create_app_for("RESPONSE.json")'``
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask, Response, request


def create_app_for(response_file: str) -> Flask:
    answer = Path(response_file).read_text(encoding="utf-8")
    app = Flask("bare")

    @app.post("/")
    def alexa() -> Response:
        json.loads(request.get_data())
        return Response(answer, mimetype="application/json")

    @app.get("/healthz")
    def healthz() -> Response:
        return Response('{"status": "ok"}', mimetype="application/json")

    return app
