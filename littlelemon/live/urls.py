"""`live:stream`: the signed-in user's server-sent events (views.stream)."""

from django.urls import path

from . import views

app_name = "live"

urlpatterns = [path("stream/", views.stream, name="stream")]
