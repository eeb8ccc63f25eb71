"""The one place settings are read from the environment.

A `.env` file at the repository root (git-ignored) is read too, so an operator can keep
their variables next to the checkout; real environment variables win over it.
"""

import os
import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def secret(name: str, default: str = "") -> str:
    """A secret exactly as set. django-environ reads a value that starts with `$` as the name of
    another variable, and Django's generated keys can start with `$` (one in fifty does)."""
    return os.environ.get(name, default)


_RATE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")


def rate(name: str, default: str) -> str | None:
    """A DRF throttle rate such as ``20/min``; ``off`` (or empty) switches the scope off.

    A malformed rate stops the process at start-up instead of failing every request later.
    """
    value = env.str(name, default=default).strip()
    if value.lower() in {"", "off", "none", "0"}:
        return None
    if not _RATE.match(value):
        raise ImproperlyConfigured(f"{name}={value!r}: use <number>/<s|min|hour|day>, e.g. 20/min, or off.")
    return value


_LOCKOUT_PARAMETERS = {"username", "ip_address", "user_agent"}


def lockout_parameters(name: str, default: str) -> list[str | list[str]]:
    """django-axes lockout parameters from e.g. ``username+ip_address`` (that account from that
    address) or ``username,ip_address`` (the account anywhere, and the address for any account)."""
    result: list[str | list[str]] = []
    for item in env.list(name, default=[default]):
        parts = [part.strip() for part in item.split("+") if part.strip()]
        unknown = set(parts) - _LOCKOUT_PARAMETERS
        if not parts or unknown:
            raise ImproperlyConfigured(f"{name}: use {', '.join(sorted(_LOCKOUT_PARAMETERS))}, joined by + or ,")
        result.append(parts if len(parts) > 1 else parts[0])
    return result
