"""Django's error handlers (config.urls `handler404`, `handler500`), JSON under /api/, and the
API's answer to a path under /api/ that no route matches.

A URL no route matches (`/api/v1/menu-items/1.5/`) and an exception raised outside a view
(in a middleware) would otherwise get Django's HTML pages, which an API client cannot read.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.template import loader
from django.urls import is_valid_path
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt, requires_csrf_token

from littlelemon.core.http import is_api_request
from littlelemon.observability.requests import current_request_id

from .exceptions import SERVER_ERROR, error_body


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return _not_found()
    return defaults.page_not_found(request, exception)


@csrf_exempt  # it changes nothing: a DELETE to no route is the JSON 404, never the CSRF page
def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """The last route under /api/ (config.urls): whatever no other route matched.

    With DEBUG on Django answers an unmatched URL with its HTML debug page, never handler404;
    as a route this answers the API's JSON 404 in development too. Being a match, it would stop
    CommonMiddleware from redirecting `/api/v1/menu-items` to `/api/v1/menu-items/`, so it
    makes that redirect itself (APPEND_SLASH), as CommonMiddleware would have.
    """
    if settings.APPEND_SLASH and not request.path_info.endswith("/"):
        match = is_valid_path(f"{request.path_info}/", getattr(request, "urlconf", None))
        if match and match.func is not api_not_found and getattr(match.func, "should_append_slash", True):
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return _not_found()


def _not_found() -> JsonResponse:
    return JsonResponse(error_body("Not found.", "not_found"), status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(error_body(*SERVER_ERROR), status=500)
    # As Django's own handler: the template with a plain context (no request, no context
    # processors, so no database query: the database may be what failed), plus the request's id
    # for the customer to quote.
    template = loader.get_template(defaults.ERROR_500_TEMPLATE_NAME)
    return HttpResponseServerError(template.render({"request_id": current_request_id()}))
