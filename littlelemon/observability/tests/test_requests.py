"""One JSON log line per request, and the request id: generated, trusted from a proxy only when
TRUSTED_PROXIES says so, echoed in X-Request-ID, in the API's error bodies and on the 500 page."""

import io
import json
import logging
import re
from unittest import mock

import pytest
import structlog
from django.test import Client
from rest_framework.test import APIClient

from config.logs import formatter
from littlelemon.menu.tests.factories import MenuItemFactory

GENERATED = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def json_lines():
    """The lines the JSON formatter of settings.LOGGING writes, as parsed objects: a handler
    with that formatter on the root logger for the test."""
    options = formatter("json")
    factory = options.pop("()")
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(factory(**options))
    root = logging.getLogger()
    root.addHandler(handler)

    def read() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    yield read
    root.removeHandler(handler)


def request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["event"] == "request"]


@pytest.mark.django_db
class TestOneLinePerRequest:
    def test_an_anonymous_read(self, api_client, json_lines):
        MenuItemFactory(title="Hummus")

        response = api_client.get("/api/v1/menu-items/?search=hummus&page=1")

        assert response.status_code == 200
        [line] = request_lines(json_lines())
        request_id = response["X-Request-ID"]
        assert GENERATED.match(request_id)
        assert line["method"] == "GET"
        assert line["path"] == "/api/v1/menu-items/"  # no query string: it may carry secrets
        assert "hummus" not in json.dumps(line)
        assert line["status"] == 200
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert line["user_id"] is None
        assert line["client"] == "127.0.0.1"
        assert line["request_id"] == request_id
        assert line["level"] == "info" and line["logger"] == "littlelemon.request"
        assert line["timestamp"].endswith("Z")

    def test_a_signed_in_call_names_its_user(self, client_as, customer, json_lines):
        response = client_as(customer).get("/api/v1/cart/")

        assert response.status_code == 200
        [line] = request_lines(json_lines())
        assert (line["user_id"], line["status"], line["path"]) == (customer.pk, 200, "/api/v1/cart/")

    def test_a_web_page_signed_in_by_session(self, customer, json_lines):
        client = Client()
        client.force_login(customer)

        response = client.get("/account/")

        assert response.status_code == 200
        [line] = request_lines(json_lines())
        assert (line["method"], line["path"], line["user_id"]) == ("GET", "/account/", customer.pk)
        assert line["request_id"] == response["X-Request-ID"]

    def test_every_line_logged_during_the_request_carries_its_id(self, api_client, json_lines):
        response = api_client.get("/api/v1/menu-items/99999/")

        assert response.status_code == 404
        lines = json_lines()
        [warning] = [line for line in lines if line["logger"] == "django.request"]
        assert warning["event"] == "Not Found: /api/v1/menu-items/99999/"
        assert warning["request_id"] == response["X-Request-ID"] == request_lines(lines)[0]["request_id"]

    def test_a_server_error_is_logged_as_an_error(self, json_lines):
        client = APIClient(raise_request_exception=False)
        with mock.patch("littlelemon.menu.selectors.menu_item_list", side_effect=RuntimeError("a bug")):
            response = client.get("/api/v1/menu-items/")

        lines = json_lines()
        [line] = request_lines(lines)
        assert (line["status"], line["level"]) == (500, "error")
        [failure] = [line for line in lines if line["logger"] == "django.request"]
        assert failure["request_id"] == response["X-Request-ID"]
        assert "RuntimeError" in json.dumps(failure["exception"])  # the traceback, as data


@pytest.mark.django_db
class TestTheRequestId:
    def test_a_client_s_own_id_is_not_believed_without_a_trusted_proxy(self, api_client, settings):
        settings.TRUSTED_PROXIES = 0

        response = api_client.get("/health", HTTP_X_REQUEST_ID="support-ticket-42")

        assert response["X-Request-ID"] != "support-ticket-42"
        assert GENERATED.match(response["X-Request-ID"])

    def test_the_trusted_proxy_s_id_is_used_and_logged(self, api_client, settings, json_lines):
        settings.TRUSTED_PROXIES = 1

        response = api_client.get("/health", HTTP_X_REQUEST_ID="0af7651916cd43dd8448eb211c80319c")

        assert response["X-Request-ID"] == "0af7651916cd43dd8448eb211c80319c"
        assert request_lines(json_lines())[0]["request_id"] == "0af7651916cd43dd8448eb211c80319c"

    @pytest.mark.parametrize(
        "upstream", ["+0LTxGBM+tQmXA==", "/a1b2c3d4e5f6g7A=", "5a1e5c1b-2f1e-4a3b-9c8d-0123456789ab"]
    )
    def test_base64_and_uuid_ids_from_the_proxy_are_kept(self, api_client, settings, upstream):
        settings.TRUSTED_PROXIES = 1

        response = api_client.get("/health", HTTP_X_REQUEST_ID=upstream)

        assert response["X-Request-ID"] == upstream

    @pytest.mark.parametrize("bad", ["two words", "x" * 200, "-leading-dash", "semi;colon", ""])
    def test_a_malformed_id_from_the_proxy_is_replaced(self, api_client, settings, bad):
        settings.TRUSTED_PROXIES = 1

        response = api_client.get("/health", HTTP_X_REQUEST_ID=bad)

        assert GENERATED.match(response["X-Request-ID"])

    def test_each_request_gets_its_own(self, api_client):
        ids = {api_client.get("/health")["X-Request-ID"] for _ in range(3)}

        assert len(ids) == 3

    def test_every_answer_carries_it_those_of_other_middlewares_too(self, api_client, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
        response = api_client.post("/api/v1/cart/items/", {"menuitem": 1, "quantity": 1}, format="json")

        assert response.status_code == 413  # answered by RequestBodyLimitMiddleware
        assert response.json()["request_id"] == response["X-Request-ID"]

    def test_nothing_is_bound_after_the_request(self, api_client):
        api_client.get("/health")

        assert structlog.contextvars.get_contextvars() == {}


@pytest.mark.django_db
class TestErrorsCarryIt:
    def test_the_api_s_error_body(self, client_as, manager, settings, json_lines):
        settings.TRUSTED_PROXIES = 1

        response = client_as(manager).post(
            "/api/v1/categories/", {"title": "", "slug": "x"}, format="json", HTTP_X_REQUEST_ID="req-1234"
        )

        assert response.status_code == 400
        assert response.json()["request_id"] == "req-1234" == response["X-Request-ID"]
        assert request_lines(json_lines())[0]["request_id"] == "req-1234"

    def test_the_500_page(self, db):
        client = Client(raise_request_exception=False)
        with mock.patch("littlelemon.menu.selectors.menu_item_list", side_effect=RuntimeError("a bug")):
            response = client.get("/")

        assert response.status_code == 500
        assert response["Content-Type"].startswith("text/html")
        page = response.content.decode()
        assert "Something went wrong on our side" in page
        assert f"quote reference <code>{response['X-Request-ID']}</code>" in page
