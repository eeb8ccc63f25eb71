from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from ..access import staff_home_url


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """`/staff/`: the signed-in staff member's own screen; a customer is refused."""
    url = staff_home_url(request.user)
    if url is None:
        raise PermissionDenied("The staff pages are for the restaurant's staff.")
    return redirect(url)
