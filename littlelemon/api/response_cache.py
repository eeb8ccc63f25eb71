"""Rendered API responses answered from memory while what they show is unchanged.

For public reads whose bytes are the same for every caller (the menu). A view opts in with
`CachedReadMixin` and a `ResponseCache` that names a *version* function: something the
database changes, in the writing transaction, whenever the data behind the responses changes
(the menu's is `menu.selectors.menu_version`, changed by triggers on every write path).

Why it never shows a stale price:
  * An entry remembers the version it was rendered at and is only served while the version
    read for *this* request is the same. The version is read first, the data after, so an entry
    can hold data newer than its version (harmless: it is re-rendered at the next version),
    never older.
  * Entries live in each server process's memory (a small LRU, `RESPONSE_CACHE_ENTRIES`), the
    version in the database: a change made through any process, the admin or SQL is seen by
    every process at its next request. The cost is one primary-key read per request; with
    Redis or a file cache the version would cost a round trip too, and could miss writes that
    do not go through the code that bumps it.
  * Only 200 responses to GET/HEAD are stored, never one that sets a cookie or comes from the
    HTML (browsable API) renderer, which shows the signed-in user.

Keys: scheme, host, path, the query with its parameters in a canonical order (by name, values
in their original order) and the raw `Accept` header, so each format and each host (absolute
pagination links) has its own entry. Entries carry a strong ETag (a hash of the bytes) and
`Cache-Control: public, no-cache`: browsers and CDNs may keep them but must revalidate, and an
`If-None-Match` that matches is a 304 without rendering anything.

Two ways in:
  * `CachedReadMixin.list/retrieve`, inside DRF: after authentication, permissions and
    throttling, like any request. Misses render and store.
  * `CachedResponseMiddleware`, before the rest of the middleware and DRF, for requests without
    credentials (no `Authorization` header, no session cookie) whose entry exists and is
    current. It runs the view's throttles first, exactly as DRF would (every request counts;
    a refused one gets the API's 429). Everything else goes on to the view.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from .exceptions import exception_handler

CACHE_CONTROL = "public, no-cache"
_NOT_MODIFIED_HEADERS = ("Vary",)


@dataclass(frozen=True, slots=True)
class Entry:
    namespace: str
    version: int
    etag: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    throttle_classes: tuple[type, ...]
    renderer_class: type
    media_type: str


class _LRU:
    """A thread-safe least-recently-used map; each server process has its own."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return settings.RESPONSE_CACHE_ENTRIES

    def __bool__(self) -> bool:
        return bool(self._entries)

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def set(self, key: str, entry: Entry) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_entries = _LRU()
_versions: dict[str, Callable[[], int | None]] = {}


def clear() -> None:
    """Forget every entry of this process (tests; never needed for correctness)."""
    _entries.clear()


def request_key(request: HttpRequest) -> str:
    # The host as sent, not validated: an entry is only ever stored for a host the view accepted
    # (it builds absolute links with get_host()), so a host that is not allowed finds nothing and
    # goes on to the normal 400.
    query = request.META.get("QUERY_STRING", "")
    if "&" in query:
        query = "&".join(sorted(query.split("&"), key=lambda parameter: parameter.partition("=")[0]))
    host = request._get_raw_host()
    return f"{request.scheme}://{host}{request.path}?{query}\n{request.META.get('HTTP_ACCEPT', '')}"


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match == etag:
        return True
    bare = etag.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == bare for tag in parse_etags(if_none_match))


def _response_from(request: HttpRequest, entry: Entry) -> HttpResponse:
    if _etag_matches(request.META.get("HTTP_IF_NONE_MATCH"), entry.etag):
        response: HttpResponse = HttpResponseNotModified()
        for name, value in entry.headers:
            if name in _NOT_MODIFIED_HEADERS:
                response.headers[name] = value
    else:
        response = HttpResponse(entry.body)
        for name, value in entry.headers:
            response.headers[name] = value
        response.headers["Content-Length"] = str(len(entry.body))
    response.headers["ETag"] = entry.etag
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


class ResponseCache:
    """The responses of one set of views, valid while `version()` returns the same stamp."""

    def __init__(self, namespace: str, *, version: Callable[[], int | None]):
        self.namespace = namespace
        self.version = version
        _versions[namespace] = version

    def serve(self, request: Request, view, render: Callable[[], HttpResponseBase]) -> HttpResponseBase:
        """The cached response for this (already authenticated and throttled) request, or
        `render()`'s, stored on the way out if it may be."""
        if _entries.size <= 0:
            return render()
        version = self.version()
        if version is None:
            return render()
        key = request_key(request._request)
        entry = _entries.get(key)
        if entry is not None and entry.namespace == self.namespace and entry.version == version:
            return _response_from(request._request, entry)
        response = render()
        if response.status_code == 200 and hasattr(response, "add_post_render_callback"):
            throttles = view.get_throttles()
            response.add_post_render_callback(
                lambda rendered: self._store(request._request, key, version, throttles, rendered)
            )
        return response

    def _store(self, request: HttpRequest, key: str, version: int, throttles: list, response) -> HttpResponse | None:
        renderer = response.accepted_renderer
        if response.cookies or renderer.media_type == "text/html" or response.has_header("Cache-Control"):
            return None
        entry = Entry(
            namespace=self.namespace,
            version=version,
            etag=f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"',
            headers=tuple(response.items()),
            body=response.content,
            throttle_classes=tuple(type(throttle) for throttle in throttles),
            renderer_class=type(renderer),
            media_type=response.accepted_media_type,
        )
        if any(issubclass(cls, ScopedRateThrottle) for cls in entry.throttle_classes):
            raise ImproperlyConfigured(
                "A cached view cannot use scoped throttles: the middleware throttles without it."
            )
        _entries.set(key, entry)
        if _etag_matches(request.META.get("HTTP_IF_NONE_MATCH"), entry.etag):
            return _response_from(request, entry)
        response.headers["ETag"] = entry.etag
        response.headers["Cache-Control"] = CACHE_CONTROL
        return None


class CachedReadMixin:
    """For a DRF viewset whose reads are the same for every caller: `response_cache = ResponseCache(...)`.

    Never use it for a view whose output depends on the user (their orders, cart, a field
    such as "is favourite"): every caller would be served the first caller's bytes.
    """

    response_cache: ResponseCache

    def list(self, request, *args, **kwargs):
        return self.response_cache.serve(
            request, self, lambda: super(CachedReadMixin, self).list(request, *args, **kwargs)
        )

    def retrieve(self, request, *args, **kwargs):
        return self.response_cache.serve(
            request, self, lambda: super(CachedReadMixin, self).retrieve(request, *args, **kwargs)
        )


def serve_without_credentials(request: HttpRequest) -> HttpResponseBase | None:
    """The middleware's fast path: an entry for an anonymous GET/HEAD, after its throttles, or None."""
    if not _entries or request.method not in ("GET", "HEAD"):
        return None
    meta = request.META
    if "HTTP_AUTHORIZATION" in meta or ("HTTP_COOKIE" in meta and settings.SESSION_COOKIE_NAME in request.COOKIES):
        return None
    entry = _entries.get(request_key(request))
    if entry is None or _versions[entry.namespace]() != entry.version:
        return None
    throttled = _check_throttles(request, entry)
    return throttled if throttled is not None else _response_from(request, entry)


def _check_throttles(request: HttpRequest, entry: Entry) -> HttpResponseBase | None:
    """What DRF's APIView.check_throttles does, for an anonymous request: every throttle counts it."""
    throttles = [throttle for throttle in (cls() for cls in entry.throttle_classes) if throttle.rate is not None]
    if not throttles:
        return None
    api_request = Request(request, authenticators=())
    waits = [throttle.wait() for throttle in throttles if not throttle.allow_request(api_request, None)]
    if not waits:
        return None
    wait = max((seconds for seconds in waits if seconds is not None), default=None)
    response = exception_handler(exceptions.Throttled(wait), {"request": api_request, "view": None})
    response.accepted_renderer = entry.renderer_class()
    response.accepted_media_type = entry.media_type
    response.renderer_context = {"request": api_request, "response": response, "view": None}
    patch_vary_headers(response, ["Accept"])
    return response.render()
