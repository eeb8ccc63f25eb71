"""A minimal Django project: no apps, no middleware, the same database as the product."""

import os

import environ

env = environ.Env()

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
ROOT_URLCONF = "bench.bare.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
USE_TZ = True
DATABASES = {"default": env.db("DATABASE_URL")}
# Persistent connections, as the product has (config/settings/base.py): a fair baseline.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
BARE_CONST_FILE = os.environ.get("BARE_CONST_FILE", "")
LOGGING = {"version": 1, "disable_existing_loggers": False}
