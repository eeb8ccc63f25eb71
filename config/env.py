"""The one place settings are read from the environment.

A `.env` file at the repository root (git-ignored) is read too, so an operator can keep
their variables next to the checkout; real environment variables win over it.
"""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def secret(name: str, default: str = "") -> str:
    """A secret read verbatim. django-environ treats a value starting with `$` as the name of
    another variable (so `$abc...`, which Django's key generator produces now and then, would
    read as empty); secrets must never be interpreted."""
    return os.environ.get(name, default)


def rate(name: str, default: str) -> str | None:
    """A DRF throttle rate such as ``20/min``; ``off`` (or empty) switches the scope off."""
    value = env.str(name, default=default).strip()
    return None if value.lower() in {"", "off", "none", "0"} else value
