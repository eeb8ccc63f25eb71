"""Conditional GETs from the version stamps: ETags, Cache-Control and 304 Not Modified.

An answer's ETag is a hash of what the answer is made of: the version stamps of the data it
shows (core.DataVersion, changed by database triggers on every write), the representation (the
absolute URL of the path, the query as Django decodes it, the negotiated media type), the
release (settings.RELEASE, so a deploy never leaves a stale 304), the user for a per-user answer
and a time bucket for one that depends on the clock. Reading the stamps is one query; when the
client's `If-None-Match` matches (Django's `get_conditional_response`), the answer is a 304 and
nothing else is read or rendered.

- Public answers (the same bytes for every caller: the menu, the availability): a strong ETag,
  `Cache-Control: public, max-age=HTTP_CACHE_MAX_AGE, stale-while-revalidate=...`, so a browser,
  the proxy in front or a CDN serves repeats and revalidates cheaply.
- Per-user answers (a cart, orders, bookings, an order page's status): the user's id is in the
  ETag, `Cache-Control: private, no-cache`: only the user's own browser keeps them, and it asks
  every time. No user's response is kept on the server.
- HTML that carries a CSRF token or a CSP nonce differs byte for byte on every render: weak ETags.

For DRF views see littlelemon/api/conditional.py; plain Django views call `etag_for` and
`not_modified` themselves, after their own authentication.
"""

import hashlib
from collections.abc import Hashable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control

from . import stamps


def etag_for(
    request: HttpRequest,
    version: stamps.Version,
    *,
    media_type: str = "",
    user_id: int | None = None,
    bucket: Hashable = None,
    weak: bool = False,
) -> str:
    """The ETag of the answer to `request` made from data at `version` (see the module)."""
    parts = (
        settings.RELEASE,
        user_id,
        version,
        request.build_absolute_uri(request.path),
        sorted(request.GET.lists()),
        media_type,
        bucket,
    )
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f'W/"{digest}"' if weak else f'"{digest}"'


def etag_version(names: Iterable[str], *, user_id: int | None = None) -> stamps.Version | None:
    """The stamps an ETag is built from: `names`, and for a per-user answer the user's own
    (`user:<id>`: active, admin, roles) and the roles' names. One query. None: no triggers here."""
    if user_id is not None:
        names = (*names, f"user:{user_id}", "roles")
    return stamps.stamps_read(names)


def set_cache_headers(response: HttpResponseBase, etag: str, *, public: bool) -> HttpResponseBase:
    response["ETag"] = etag
    if public:
        patch_cache_control(
            response,
            public=True,
            max_age=settings.HTTP_CACHE_MAX_AGE,
            stale_while_revalidate=settings.HTTP_CACHE_STALE_WHILE_REVALIDATE,
        )
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response


def not_modified(request: HttpRequest, etag: str, *, public: bool) -> HttpResponseBase | None:
    """The 304 (or 412 for a failed `If-Match`) for `request` if its preconditions say so, with
    the ETag and Cache-Control a 200 would carry; else None: render the answer."""
    response = get_conditional_response(request, etag=etag)
    return None if response is None else set_cache_headers(response, etag, public=public)
