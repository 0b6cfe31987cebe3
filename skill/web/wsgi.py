"""The WSGI application for gunicorn: ``gunicorn -c skill/web/gunicorn.conf.py skill.web.wsgi:app``."""

from skill.web.app import create_app
from skill.web.settings import web_settings_from_environment

app = create_app(web_settings_from_environment())
