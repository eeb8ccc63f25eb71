"""The stream view in-process (Django's test client is WSGI): who is refused, and what a WSGI
server answers (a short stream that makes the page poll). Streaming itself: test_stream_http.py."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_url():
    assert reverse("live:stream") == "/live/stream/"


def test_anonymous_is_refused_without_a_stream(client):
    response = client.get("/live/stream/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")


def test_only_get(client, customer):
    client.force_login(customer)
    assert client.post("/live/stream/").status_code == 405


def test_under_wsgi_the_answer_is_short_and_makes_the_page_poll(client, customer, settings):
    settings.LIVE_POLL_SECONDS = 4
    client.force_login(customer)
    response = client.get("/live/stream/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache" and response["X-Accel-Buffering"] == "no"
    assert response.content == b"retry: 4000\n\nevent: refresh\ndata: {}\n\n"
