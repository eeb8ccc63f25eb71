from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from .response_cache import serve_without_credentials


class CachedResponseMiddleware:
    """Answers anonymous reads of cached public responses before the rest of the stack.

    See response_cache.py. Sits after SecurityMiddleware and XFrameOptionsMiddleware (so its
    responses carry their headers) and WhiteNoise (static files first), before the session,
    CSRF and authentication middleware, which such a request does not need.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = serve_without_credentials(request)
        return response if response is not None else self.get_response(request)
