"""INTERIM (replaced on this branch by the screen's real view before it merges)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..access import manager_required


@manager_required
def board(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/base.html", {})
