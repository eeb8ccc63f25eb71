"""Every error has one shape: {"detail", "code"} plus "fields" for validation errors; a 5xx
too, under /api/, instead of an HTML page."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError
from django.test import Client
from rest_framework.test import APIClient

from littlelemon.api.middleware import ServerErrorMiddleware
from littlelemon.menu.models import Category, MenuItem
from littlelemon.menu.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_validation_error_shape(client_as, manager):
    response = client_as(manager).post("/api/v1/categories/", {"title": ""})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "title: This field may not be blank.",
        "code": "invalid",
        "fields": {"title": ["This field may not be blank."]},
        "request_id": response["X-Request-ID"],
    }


def test_malformed_json_is_a_400(client_as, manager):
    response = client_as(manager).generic("POST", "/api/v1/categories/", '{"title": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["detail"].startswith("JSON parse error")


def test_method_not_allowed_shape(api_client):
    response = api_client.delete("/api/v1/auth/jwt/create/")

    assert response.status_code == 405
    assert response.json() == {
        "detail": 'Method "DELETE" not allowed.',
        "code": "method_not_allowed",
        "request_id": response["X-Request-ID"],
    }


def test_unsupported_media_type_shape(client_as, manager):
    response = client_as(manager).generic("POST", "/api/v1/categories/", "title=x", content_type="text/plain")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_malformed_bearer_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")

    response = api_client.get("/api/v1/menu-items/")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert response.json()["detail"] == "Given token not valid for any token type"


def test_an_unknown_api_url_is_a_json_404_and_elsewhere_django_s_page(client):
    api = client.get("/api/v1/menu-items/1.5/")
    page = client.get("/no-such-page/")

    assert api.status_code == 404
    assert api.json() == {"detail": "Not found.", "code": "not_found", "request_id": api["X-Request-ID"]}
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("debug", [False, True], ids=["production", "DEBUG on (make run)"])
@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-thing/", "/api/v1/menu-items/1.5/", "/api/", "/api/v2/x", "/api/v1/x.json"]
)
def test_an_unknown_api_url_is_the_json_404_with_debug_on_too(client, settings, debug, path):
    settings.DEBUG = debug

    for method in ("get", "post", "delete"):
        response = getattr(client, method)(path)

        assert (response.status_code, response["Content-Type"]) == (404, "application/json"), method
        assert response.json() == {"detail": "Not found.", "code": "not_found", "request_id": response["X-Request-ID"]}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_to_no_route_is_the_json_404_not_the_csrf_page(method):
    """With CSRF enforced as for a browser (no token, no cookie): the catch-all route under /api/
    changes nothing, so it is exempt (schemathesis found DELETE /api/v1/bookings/-0.99999/ a 403
    HTML page)."""
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)("/api/v1/bookings/-0.99999/?format=xml")

    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {"detail": "Not found.", "code": "not_found", "request_id": response["X-Request-ID"]}


@pytest.mark.parametrize("debug", [False, True])
def test_an_api_url_without_its_slash_is_still_redirected_and_a_page_keeps_django_s_404(client, settings, debug):
    settings.DEBUG = debug

    redirected = client.get("/api/v1/menu-items?page=2")
    page = client.get("/no-such-page/")

    assert (redirected.status_code, redirected["Location"]) == (301, "/api/v1/menu-items/?page=2")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_an_unhandled_exception_under_the_api_is_a_logged_json_500(manager, caplog):
    client = APIClient(raise_request_exception=False)
    with mock.patch("littlelemon.menu.selectors.menu_item_list", side_effect=RuntimeError("a bug")):
        response = client.get("/api/v1/menu-items/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Something went wrong on our side. It has been logged.",
        "code": "server_error",
        "request_id": response["X-Request-ID"],
    }
    [record] = [r for r in caplog.records if r.name == "django.request" and r.levelname == "ERROR"]
    assert record.getMessage() == "Internal Server Error: /api/v1/menu-items/"
    assert record.exc_info[1].args == ("a bug",)


def test_a_database_that_does_not_answer_is_a_json_503_with_retry_after(caplog):
    client = APIClient(raise_request_exception=False)
    with mock.patch("littlelemon.menu.selectors.menu_item_list", side_effect=OperationalError("connection refused")):
        response = client.get("/api/v1/menu-items/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "detail": "The service is temporarily unavailable: its database does not answer. Try again shortly.",
        "code": "service_unavailable",
        "request_id": response["X-Request-ID"],
    }
    assert any(r.exc_info and isinstance(r.exc_info[1], OperationalError) for r in caplog.records)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/api/v1/menu-items/", "application/json"), ("/admin/", "text/plain; charset=utf-8")],
)
def test_the_503_is_json_under_the_api_and_plain_text_elsewhere(rf, path, content_type):
    middleware = ServerErrorMiddleware(lambda request: None)

    response = middleware.process_exception(rf.get(path), InterfaceError("connection already closed"))

    assert (response.status_code, response["Content-Type"], response["Retry-After"]) == (503, content_type, "30")


def test_other_exceptions_outside_the_api_are_left_to_django(rf):
    middleware = ServerErrorMiddleware(lambda request: None)

    assert middleware.process_exception(rf.get("/admin/"), RuntimeError("a bug")) is None


@pytest.mark.parametrize("fmt", ["yaml", "xml", "csv"])
def test_validation_errors_render_in_every_format(client_as, manager, fmt):
    response = client_as(manager).post(f"/api/v1/menu-items/?format={fmt}", {"title": "Soup"}, format="json")

    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body and "price" in body


def test_too_many_form_fields_is_a_400_not_a_crash(client_as, manager, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"field{n}=x" for n in range(11))

    response = client_as(manager).generic(
        "POST", "/api/v1/categories/", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert not Category.objects.exists()


def test_an_oversized_body_is_refused_before_anything_else_is_done(api_client, settings):
    body = '{"title": "' + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + '"}'

    response = api_client.generic("POST", "/api/v1/categories/", body, content_type="application/json")

    assert response.status_code == 413  # not the 401 an anonymous write gets: nothing was read or looked up
    assert response.json() == {
        "detail": f"The request body is {len(body)} bytes; this server accepts at most "
        f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE}.",
        "code": "request_too_large",
        "request_id": response["X-Request-ID"],
    }


def test_an_upload_over_its_own_limit_is_a_413(client_as, manager, settings):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    category = CategoryFactory()
    photo = SimpleUploadedFile("dish.jpg", b"\xff\xd8" + b"0" * 100 * 1024, content_type="image/jpeg")

    response = client_as(manager).post(
        "/api/v1/menu-items/",
        {"title": "Soup", "price": "6.50", "category": category.slug, "image": photo},
        format="multipart",
    )

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert not MenuItem.objects.exists()
