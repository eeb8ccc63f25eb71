"""Django's error handlers (config.urls `handler404`, `handler500`), JSON under /api/.

A URL no route matches (`/api/v1/menu-items/1.5/`) and an exception raised outside a view
(in a middleware) would otherwise get Django's HTML pages, which an API client cannot read.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from littlelemon.core.http import is_api_request
from littlelemon.observability.requests import current_request_id

from .exceptions import SERVER_ERROR, error_body


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(error_body("Not found.", "not_found"), status=404)
    return defaults.page_not_found(request, exception)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(error_body(*SERVER_ERROR), status=500)
    # As Django's own handler: the template with a plain context (no request, no context
    # processors, so no database query: the database may be what failed), plus the request's id
    # for the customer to quote.
    template = loader.get_template(defaults.ERROR_500_TEMPLATE_NAME)
    return HttpResponseServerError(template.render({"request_id": current_request_id()}))
