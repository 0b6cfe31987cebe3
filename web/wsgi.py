"""The WSGI application for gunicorn: ``gunicorn -c web/gunicorn.conf.py web.wsgi:app``."""

from web.app import create_app
from web.settings import web_settings_from_environment

app = create_app(web_settings_from_environment())
