"""gunicorn settings: HOST, PORT and WEB_WORKERS from the environment (command-line options
such as -b and -w override them). Alexa needs HTTPS: terminate TLS at a load balancer or
reverse proxy, or pass --certfile and --keyfile."""

import os

# The repository root, so that `skill` imports wherever gunicorn is started from.
pythonpath = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8080')}"]
workers = int(os.environ.get("WEB_WORKERS", "2"))
worker_class = "sync"
timeout = 30
graceful_timeout = 10
limit_request_line = 4094
limit_request_fields = 50


def on_starting(server) -> None:  # noqa: ANN001 - gunicorn's Arbiter
    """Refuse to start if verification is off and any bind address leaves this machine."""
    from web.app import check_bind
    from web.settings import web_settings_from_environment

    settings = web_settings_from_environment()
    for address in server.cfg.bind:
        host = "127.0.0.1" if address.startswith("unix:") else address.rsplit(":", 1)[0]
        check_bind(settings, host.strip("[]"))
