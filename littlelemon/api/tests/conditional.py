"""Helpers for the ETag tests of every endpoint (littlelemon/core/conditional.py)."""

import re

STRONG = re.compile(r'^"[0-9a-f]{32}"$')
WEAK = re.compile(r'^W/"[0-9a-f]{32}"$')
PUBLIC = "public, max-age=5, stale-while-revalidate=30"
PRIVATE = "private, no-cache"


def assert_not_modified(response, etag: str, cache_control: str) -> None:
    """A 304 with nothing in its body and the headers its 200 carries."""
    assert response.status_code == 304, getattr(response, "content", b"")[:300]
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == cache_control


def vary(response) -> set[str]:
    return {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}
