"""Production: gunicorn/uvicorn via config.wsgi / config.asgi.

DEBUG is off unless set, so base.py requires SECRET_KEY and ALLOWED_HOSTS and turns HTTPS,
HSTS and secure cookies on. `manage.py check --deploy` is clean with only those two set.
"""

from .base import *  # noqa: F403
