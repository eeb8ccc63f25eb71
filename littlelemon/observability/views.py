"""`/metrics` for Prometheus, behind a bearer token."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .metrics import Scrape


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics, for `Authorization: Bearer <METRICS_TOKEN>` only.

    Without a METRICS_TOKEN (or with METRICS_ENABLED off) there are no metrics to ask for: 404.
    With one, any other caller gets a 403: the numbers (orders, bookings, traffic) are the
    restaurant's business, so the rule is the same from inside and outside the network.
    """
    token = settings.METRICS_TOKEN
    if not settings.METRICS_ENABLED or not token:
        raise Http404("Metrics are not enabled.")
    if not constant_time_compare(request.headers.get("Authorization", ""), f"Bearer {token}"):
        response = HttpResponse("Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.\n", status=403)
        response["Content-Type"] = "text/plain; charset=utf-8"
        return response
    return HttpResponse(generate_latest(Scrape()), content_type=CONTENT_TYPE_LATEST)
