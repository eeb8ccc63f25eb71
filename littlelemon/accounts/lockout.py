"""The answer to a log-in attempt while its account and address are locked out (django-axes).

One message and one wait for every log-in: the API's JWT log-in (littlelemon.accounts.apis)
and every form that logs in through Django's `authenticate()` (the admin now, the web log-in
page later), which axes' middleware answers with `lockout_response`.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone

from littlelemon.api.exceptions import error_body
from littlelemon.core.http import is_api_request


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the username failures are counted for, cut to the width of axes'
    column (255). A longer one is junk (usernames have at most 150 characters), but saving it
    would fail on PostgreSQL, turning a wrong log-in into a 500."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return None if username is None else str(username)[:255]


def lockout_seconds() -> int:
    """How long the lockout lasts from now: every attempt while locked starts the wait again."""
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message() -> str:
    minutes = math.ceil(lockout_seconds() / 60)
    return f"Too many failed log-in attempts. Log-in is locked for {minutes} minutes: try again later."


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After; JSON under /api/, a page otherwise."""
    if is_api_request(request):
        response = JsonResponse(error_body(lockout_message(), "locked_out"), status=429)
    else:
        # `retry_at`: when the wait ends, for a page that says when to try again.
        retry_at = timezone.now() + timedelta(seconds=lockout_seconds())
        context = {"message": lockout_message(), "retry_at": retry_at}
        html = render_to_string("accounts/locked_out.html", context, request=request)
        response = HttpResponse(html, status=429)
    response["Retry-After"] = str(lockout_seconds())
    return response
