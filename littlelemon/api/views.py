"""Django's error handlers (config.urls `handler404`, `handler500`), JSON under /api/.

A URL no route matches (`/api/v1/menu-items/1.5/`) and an exception raised outside a view
(in a middleware) would otherwise get Django's HTML pages, which an API client cannot read.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from littlelemon.core.http import is_api_request

from .exceptions import SERVER_ERROR, error_body


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(error_body("Not found.", "not_found"), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(error_body(*SERVER_ERROR), status=500)
    return defaults.server_error(request)
