"""Conditional GETs for DRF views (see littlelemon/core/conditional.py for the rules).

A view's read handler (`list`, `retrieve`, `get`) returns `self.conditional_response(render,
stamps=...)`. It runs inside the handler, so after DRF's authentication, permissions, throttling
and content negotiation: every request is counted and checked as any other. It reads the stamps
(one query), answers 304 when `If-None-Match` matches, and otherwise renders and adds the ETag
and Cache-Control. Public answers are also kept in Django's cache (`caches["default"]`: local
memory, or Redis when scaled out), keyed by their ETag: a repeat with another ETag or none gets
the bytes without rendering. Never a per-user answer.

The browsable API (HTML) is never given an ETag: it shows the signed-in user and a CSRF token.
"""

from collections.abc import Callable, Hashable, Iterable

from django.core.cache import caches
from django.http import HttpResponse, HttpResponseBase

from littlelemon.core.conditional import etag_for, etag_version, not_modified, set_cache_headers

#: How long a public answer stays in Django's cache. Its key is its ETag, so it is never stale:
#: this only bounds the memory kept for answers nobody asks for any more.
KEPT_SECONDS = 600


class ConditionalGetMixin:
    def conditional_response(
        self,
        render: Callable[[], HttpResponseBase],
        *,
        stamps: Iterable[str] | None,
        public: bool = False,
        bucket: Hashable = None,
    ) -> HttpResponseBase:
        """`render()`'s answer, or a 304 without calling it. `stamps`: the names of the stamps
        the answer depends on (None: it depends on something without one; no ETag). `public`:
        the same bytes for every caller; else the user's id is in the ETag. `bucket`: what
        else the answer depends on (the minute it was computed for)."""
        request = self.request
        if (
            request.method not in ("GET", "HEAD")
            or stamps is None
            or request.accepted_renderer.media_type == "text/html"
        ):
            return render()
        user_id = None if public else request.user.pk
        if not public and getattr(request.user, "is_integration", False):
            # An API key has no user id: its answers (what it may do next) are the key's own.
            bucket = (bucket, "api-key", request.user.api_key.pk)
        version = etag_version(stamps, user_id=user_id)
        if version is None:
            return render()
        etag = etag_for(request, version, media_type=request.accepted_media_type, user_id=user_id, bucket=bucket)
        response = not_modified(request, etag, public=public)
        if response is not None:
            return response
        if not public:
            return self._with_headers(render(), etag, public=False)
        kept = caches["default"].get(f"response:{etag}")
        if kept is not None:
            content, content_type = kept
            return set_cache_headers(HttpResponse(content, content_type=content_type), etag, public=True)
        response = self._with_headers(render(), etag, public=True)
        if response.status_code == 200 and hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(lambda rendered: _keep(etag, rendered))
        return response

    @staticmethod
    def _with_headers(response: HttpResponseBase, etag: str, *, public: bool) -> HttpResponseBase:
        return set_cache_headers(response, etag, public=public) if response.status_code == 200 else response


def _keep(etag: str, response) -> None:
    caches["default"].set(f"response:{etag}", (response.content, response["Content-Type"]), KEPT_SECONDS)
