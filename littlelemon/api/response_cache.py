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

Responses that depend on the signed-in user (a cart, an order list) use `PrivateResponseCache`:
  * Only for requests authenticated with a JWT (`Authorization: Bearer ...`); session requests
    (the web pages, the browsable API) always render.
  * The key adds the whole `Authorization` header, so an entry is only ever found by a request
    carrying the very token it was rendered for: no other user, and no forged token, can reach
    it. The entry keeps the token's expiry and is not served after it.
  * Its version is a tuple of named stamps (core.DataVersion, read in one query with the user's
    `is_active`): the view names what its bytes depend on (`cart:<id>` and the menu for a cart;
    `orders:<id>`, or `orders` for a manager, and `people` for an order list) and every entry
    also depends on `user:<id>` (active, admin, roles) and `roles` (the groups' names). Triggers
    change them in the writing transaction (core migration 0001). A deactivated or deleted
    user's entries are never served again.
  * `Cache-Control: private, no-cache`: a browser may keep it, a shared cache (CDN) may not.

Three ways in:
  * `CachedReadMixin.list/retrieve`, inside DRF: after authentication, permissions and
    throttling, like any request. Misses render and store.
  * `CachedResponseMiddleware`, before the rest of the middleware and DRF, for requests without
    credentials (no `Authorization` header, no session cookie) whose entry exists and is
    current, and for private entries found by their token (unexpired, stamps current, user
    active). It runs the view's throttles first, exactly as DRF would (every request counts;
    a refused one gets the API's 429). Everything else goes on to the view.
  * `CachedResponseFrontMiddleware`, before every middleware: the same requests, once the
    middleware above has answered one of them from the same entry with the same status. That
    answer's complete headers (security headers, CSP, CORS's Vary) are kept with the entry
    (`Entry.finished`, forgotten when settings change) and given again, without running the
    middlewares that added them. Only for requests those middlewares treat alike (no Origin,
    no body); the version is read and the throttles counted exactly as below.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt.authentication import JWTAuthentication

from littlelemon.core import stamps

from .exceptions import exception_handler

CACHE_CONTROL = "public, no-cache"
PRIVATE_CACHE_CONTROL = "private, no-cache"
_NOT_MODIFIED_HEADERS = ("Vary",)


@dataclass(frozen=True, slots=True)
class Entry:
    namespace: str
    version: object  # what the version function returned (an int, a tuple of stamps...), compared with ==
    etag: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    throttle_classes: tuple[type, ...]
    renderer_class: type
    media_type: str
    # Private entries (PrivateResponseCache): whose they are, until when, and what to re-read.
    user_id: int | None = None
    expires: float = 0.0
    stamp_names: tuple[str, ...] = ()
    menu: bool = False
    # The whole headers of this entry's answers (200, 304) as they left the middleware stack the
    # first time the middleware answered from it: what the front middleware answers with.
    finished: dict[int, tuple[tuple[str, str], ...]] = field(default_factory=dict, compare=False)

    @property
    def cache_control(self) -> str:
        return CACHE_CONTROL if self.user_id is None else PRIVATE_CACHE_CONTROL


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

    def forget_finished(self) -> None:
        with self._lock:
            for entry in self._entries.values():
                entry.finished.clear()


_entries = _LRU()
_versions: dict[str, Callable[[], object | None]] = {}


def clear() -> None:
    """Forget every entry of this process (tests; never needed for correctness)."""
    _entries.clear()


@receiver(setting_changed)
def _forget_finished_headers(**kwargs) -> None:
    """The headers the middlewares above add come from settings (tests override them)."""
    _entries.forget_finished()


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
    response.headers["Cache-Control"] = entry.cache_control
    return response


class ResponseCache:
    """The responses of one set of views, valid while `version()` returns the same stamp."""

    def __init__(self, namespace: str, *, version: Callable[[], object | None]):
        self.namespace = namespace
        self.version = version
        _versions[namespace] = version

    def serve(self, request: Request, view, render: Callable[[object], HttpResponseBase]) -> HttpResponseBase:
        """The cached response for this (already authenticated and throttled) request, or
        `render(version)`'s, stored on the way out if it may be. `render` gets the version read
        for the request (None: not cached), for responses that must be computed from it (the
        availability, from the minute in its version)."""
        if _entries.size <= 0:
            return render(None)
        version = _read_by_middleware(request, self.namespace)
        if version is None:
            version = self.version()
        if version is None:
            return render(None)
        return _serve(request, view, self.namespace, request_key(request._request), version, lambda: render(version))


def _serve(request: Request, view, namespace: str, key: str, version, render, **private) -> HttpResponseBase:
    """The entry under `key` if it is `namespace`'s at `version`; else `render()`'s response,
    stored at that version once rendered (with the private entry's fields, if any)."""
    entry = _entries.get(key)
    if entry is not None and entry.namespace == namespace and entry.version == version:
        return _response_from(request._request, entry)
    response = render()
    if response.status_code == 200 and hasattr(response, "add_post_render_callback"):
        throttles = view.get_throttles()
        response.add_post_render_callback(
            lambda rendered: _store(namespace, request._request, key, version, throttles, rendered, **private)
        )
    return response


def _store(namespace: str, request: HttpRequest, key: str, version, throttles: list, response, **private):
    """Keep a rendered 200 (the post-render callback of `serve`); a 304 if it matches If-None-Match."""
    renderer = response.accepted_renderer
    if response.cookies or renderer.media_type == "text/html" or response.has_header("Cache-Control"):
        return None
    if private:
        patch_vary_headers(response, ["Authorization"])
    entry = Entry(
        namespace=namespace,
        version=version,
        etag=f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"',
        headers=tuple(response.items()),
        body=response.content,
        throttle_classes=tuple(type(throttle) for throttle in throttles),
        renderer_class=type(renderer),
        media_type=response.accepted_media_type,
        **private,
    )
    if any(issubclass(cls, ScopedRateThrottle) for cls in entry.throttle_classes):
        raise ImproperlyConfigured("A cached view cannot use scoped throttles: the middleware throttles without it.")
    _entries.set(key, entry)
    if _etag_matches(request.META.get("HTTP_IF_NONE_MATCH"), entry.etag):
        return _response_from(request, entry)
    response.headers["ETag"] = entry.etag
    response.headers["Cache-Control"] = entry.cache_control
    return None


class PrivateResponseCache:
    """Responses that depend on the signed-in user, valid while the stamps `stamps(user)` names
    (and the menu's, with `menu=True`) are unchanged. `stamps` returns None for a user whose
    responses must not be cached (they depend on something without a stamp, such as the clock).
    """

    def __init__(self, namespace: str, *, stamps: Callable[[object], Iterable[str] | None], menu: bool = False):
        self.namespace = namespace
        self.stamps = stamps
        self.menu = menu

    def serve(self, request: Request, view, render: Callable[[], HttpResponseBase]) -> HttpResponseBase:
        user = request.user
        if _entries.size <= 0 or not isinstance(request.successful_authenticator, JWTAuthentication):
            return render()
        names = self.stamps(user)
        if names is None:
            return render()
        names = tuple(sorted({*names, f"user:{user.pk}", "roles"}))
        version = _read_by_middleware(request, (self.namespace, names, self.menu, user.pk))
        if version is None:
            version = stamps.stamps_read(names, menu=self.menu, user_id=user.pk)
        if version is None:
            return render()
        return _serve(
            request,
            view,
            self.namespace,
            private_key(request._request),
            version,
            render,
            user_id=user.pk,
            expires=float(request.auth["exp"]),
            stamp_names=names,
            menu=self.menu,
        )


def _read_by_middleware(request: Request, what) -> object | None:
    """The version the middleware read for this request, when it found a stale entry for the
    same `what`: read before the data like any version read, so the view need not read it again."""
    read = getattr(request._request, "_cache_version_read", None)
    return read[1] if read is not None and read[0] == what else None


def private_key(request: HttpRequest) -> str:
    return f"{request_key(request)}\n{request.META.get('HTTP_AUTHORIZATION', '')}"


class CachedReadMixin:
    """For a DRF viewset whose reads are the same for every caller: `response_cache = ResponseCache(...)`.

    Never use it for a view whose output depends on the user (their orders, cart, a field
    such as "is favourite"): every caller would be served the first caller's bytes.
    """

    response_cache: ResponseCache

    def list(self, request, *args, **kwargs):
        return self.response_cache.serve(
            request, self, lambda version: super(CachedReadMixin, self).list(request, *args, **kwargs)
        )

    def retrieve(self, request, *args, **kwargs):
        return self.response_cache.serve(
            request, self, lambda version: super(CachedReadMixin, self).retrieve(request, *args, **kwargs)
        )


def serve_from_memory(request: HttpRequest) -> HttpResponseBase | None:
    """The middleware's fast path: a current entry for this GET/HEAD, after its throttles, or None
    (the request goes on to the view). Anonymous requests may get public entries; requests with
    a bearer token only the private entries rendered for that very token."""
    if hasattr(request, "_cache_version_read"):
        return None  # the front middleware found the entry stale: the view renders
    throttled = getattr(request, "_throttled_in_front", None)
    if throttled is not None:
        return throttled  # counted there; answered here, to get the headers of the stack above
    entry = _entry_for(request)
    if entry is None or not _is_current(request, entry):
        return None
    throttled = _check_throttles(request, entry)
    if throttled is not None:
        return throttled
    request._answered_from = entry  # for `learn_finished_headers`, on the way out
    return _response_from(request, entry)


def serve_in_front(request: HttpRequest) -> HttpResponseBase | None:
    """The front middleware's path, before every other middleware: what `serve_from_memory`
    would answer, with the headers the middlewares between them added to that same answer
    before (`Entry.finished`), or None. Only for requests those middlewares treat alike: no
    `Origin` (CORS answers it) and no body (the body limit)."""
    if not _alike_above(request):
        return None
    entry = _entry_for(request)
    if entry is None:
        return None
    status = 304 if _etag_matches(request.META.get("HTTP_IF_NONE_MATCH"), entry.etag) else 200
    headers = entry.finished.get(status)
    if headers is None or not _is_current(request, entry):
        return None
    throttled = _check_throttles(request, entry)
    if throttled is not None:
        request._throttled_in_front = throttled  # answered by `serve_from_memory`, below
        return None
    response: HttpResponse = HttpResponseNotModified() if status == 304 else HttpResponse(entry.body)
    for name, value in headers:
        response.headers[name] = value
    return response


def learn_finished_headers(request: HttpRequest, response: HttpResponseBase) -> None:
    """After the whole stack: keep the headers of an answer `serve_from_memory` gave, as every
    middleware left them, for `serve_in_front` to answer the next such request with."""
    entry = getattr(request, "_answered_from", None)
    if entry is not None and response.status_code in (200, 304) and not response.cookies and _alike_above(request):
        entry.finished.setdefault(response.status_code, tuple(response.items()))


def _alike_above(request: HttpRequest) -> bool:
    """Whether the middlewares above the cache treat this request as they treat every request
    for the same entry: no `Origin` (CORS adds its headers) and no body (the body limit)."""
    meta = request.META
    return "HTTP_ORIGIN" not in meta and meta.get("CONTENT_LENGTH", "0") in ("", "0")


def _entry_for(request: HttpRequest) -> Entry | None:
    """The entry this GET/HEAD may be answered from if it is current: public ones for requests
    without credentials, private ones for the bearer token they were rendered for."""
    if not _entries or request.method not in ("GET", "HEAD"):
        return None
    meta = request.META
    authorization = meta.get("HTTP_AUTHORIZATION")
    if authorization is not None:
        if not authorization.startswith("Bearer "):
            return None
        entry = _entries.get(private_key(request))
        return entry if entry is not None and entry.user_id is not None and time.time() < entry.expires else None
    if "HTTP_COOKIE" in meta and settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    entry = _entries.get(request_key(request))
    return entry if entry is not None and entry.user_id is None else None


def _is_current(request: HttpRequest, entry: Entry) -> bool:
    """Whether `entry` is at the version read now; if not, the view renders at that version
    without reading it again (`_read_by_middleware`)."""
    if entry.user_id is None:
        version = _versions[entry.namespace]()
        what = entry.namespace
    else:
        version = stamps.stamps_read(entry.stamp_names, menu=entry.menu, user_id=entry.user_id)
        what = (entry.namespace, entry.stamp_names, entry.menu, entry.user_id)
    if version != entry.version:
        request._cache_version_read = (what, version)
        return False
    return True


class _TokenUser:
    """Who a private entry's request is, for the throttles (they count by `pk`)."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, pk: int):
        self.pk = self.id = pk


def _check_throttles(request: HttpRequest, entry: Entry) -> HttpResponseBase | None:
    """What DRF's APIView.check_throttles does, for the entry's user (None: anonymous): every
    throttle counts it."""
    throttles = [throttle for throttle in (cls() for cls in entry.throttle_classes) if throttle.rate is not None]
    if not throttles:
        return None
    api_request = Request(request, authenticators=())
    if entry.user_id is not None:
        api_request.user = _TokenUser(entry.user_id)
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
