"""gunicorn settings for the web endpoint (`make serve`); docs/security.md has the production set-up.

HOST, PORT, WEB_WORKERS and WEB_THREADS come from the environment (command-line options such
as -b, -w and --threads override them). Alexa needs HTTPS: run this behind a buffering
reverse proxy that terminates TLS (nginx, a cloud load balancer), never exposed directly.
"""

import os
import sys

# The repository root, so that `skill` and `web` import wherever gunicorn is started from.
pythonpath = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, pythonpath)

from skill.config import Settings  # noqa: E402 - after the path is set

_settings = Settings.from_environment()

bind = [f"{_settings.web_host}:{_settings.web_port}"]
workers = _settings.web_workers
# Threads with socket timeouts: a client that stalls loses its connection, not a worker.
worker_class = "web.worker.TimedThreadWorker"
threads = _settings.web_threads
timeout = 30
graceful_timeout = 10
keepalive = 5
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190


def on_starting(server) -> None:  # noqa: ANN001 - gunicorn's Arbiter
    """Refuse to start with settings that would answer what they should not (one-line reason)."""
    from web.app import StartupError, check_startup
    from web.settings import web_settings_from_environment

    settings = web_settings_from_environment()
    for address in server.cfg.bind:
        host = "127.0.0.1" if address.startswith("unix:") else address.rsplit(":", 1)[0]
        try:
            check_startup(settings, host.strip("[]"))
        except StartupError as error:
            raise SystemExit(f"refusing to start: {error}") from None


control_socket_disable = True  # no management socket in the home directory
