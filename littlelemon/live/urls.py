"""INTERIM: the live stream's URL (the live branch replaces this with the real async view)."""

from django.http import HttpResponse
from django.urls import path

app_name = "live"


def _stream(request):
    return HttpResponse(status=204)


urlpatterns = [path("stream/", _stream, name="stream")]
