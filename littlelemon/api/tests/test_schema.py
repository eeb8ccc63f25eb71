import re

import pytest
import yaml

from conftest import api_client_for, user_with_role

pytestmark = pytest.mark.django_db


def test_schema_lists_every_endpoint_with_error_responses(api_client):
    response = api_client.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    for path in (
        "/api/v1/auth/users/",
        "/api/v1/auth/users/me/",
        "/api/v1/auth/jwt/create/",
        "/api/v1/auth/jwt/refresh/",
        "/api/v1/auth/jwt/verify/",
        "/api/v1/auth/jwt/blacklist/",
        "/api/v1/groups/manager/users/",
        "/api/v1/groups/kitchen/users/{user_id}/",
        "/api/v1/categories/{slug}/",
        "/api/v1/menu-items/",
        "/api/v1/menu-items/{id}/",
    ):
        assert path in paths, path
    create = paths["/api/v1/menu-items/"]["post"]
    assert {"201", "400", "401", "403", "429"} <= set(create["responses"])
    assert create["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert "jwtAuth" in schema["components"]["securitySchemes"]


def test_bookings_document_their_conflicts(api_client):
    paths = yaml.safe_load(api_client.get("/api/schema/").content)["paths"]

    for path, method in [
        ("/api/v1/bookings/", "post"),
        ("/api/v1/bookings/{id}/", "patch"),
        ("/api/v1/bookings/{id}/", "delete"),
        ("/api/v1/bookings/{id}/status/", "post"),
        ("/api/v1/tables/{id}/", "patch"),
        ("/api/v1/tables/{id}/", "delete"),
    ]:
        assert "409" in paths[path][method]["responses"], (method, path)
    availability = paths["/api/v1/bookings/availability/"]["get"]
    assert {p["name"] for p in availability["parameters"] if p.get("required")} == {"date", "party_size"}
    # Public, but an API key without bookings:read is refused (littlelemon.apikeys).
    assert "403" in availability["responses"]


def test_the_api_key_scheme_is_offered_only_where_keys_are_taken(api_client):
    paths = yaml.safe_load(api_client.get("/api/schema/").content)["paths"]

    def offers_api_key(path, method):
        return any("apiKeyAuth" in requirement for requirement in paths[path][method].get("security", []))

    assert offers_api_key("/api/v1/orders/{id}/status/", "post")
    assert offers_api_key("/api/v1/orders/", "get")
    assert offers_api_key("/api/v1/menu-items/", "post")
    assert offers_api_key("/api/v1/bookings/availability/", "get")
    assert not offers_api_key("/api/v1/orders/", "post")  # placing an order is a customer's
    assert not offers_api_key("/api/v1/cart/", "get")
    assert not offers_api_key("/api/v1/tables/{id}/", "patch")
    assert not offers_api_key("/api/v1/api-keys/", "post")
    assert not offers_api_key("/api/v1/auth/users/me/", "get")


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_documentation_pages_are_served_without_a_cdn(api_client, path):
    response = api_client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn.jsdelivr.net" not in html
    assert "/static/drf_spectacular_sidecar/" in html


def test_links_lead_from_lists_and_creates_to_existing_operations_on_one_object(api_client):
    schema = yaml.safe_load(api_client.get("/api/schema/").content)
    operations = {
        operation["operationId"]: {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        for operations in schema["paths"].values()
        for operation in operations.values()
    }
    links = {
        (path, method, status): response["links"]
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        for status, response in operation["responses"].items()
        if "links" in response
    }

    assert set(links["/api/v1/bookings/", "get", "200"]) == {
        "bookings_retrieve",
        "bookings_partial_update",
        "bookings_destroy",
        "bookings_status_create",
    }
    assert set(links["/api/v1/groups/kitchen/users/", "get", "200"]) == {"groups_kitchen_users_destroy"}
    assert set(links["/api/v1/orders/", "post", "201"]) >= {"orders_retrieve", "orders_status_create"}
    assert set(links["/api/v1/cart/items/", "post", "201"]) == {"cart_items_partial_update", "cart_items_destroy"}
    assert "closures_destroy" in links["/api/v1/closures/", "post", "201"]
    for found in links.values():
        for name, link in found.items():
            assert (set(link["parameters"]) == operations[link["operationId"]]) and name == link["operationId"]


@pytest.mark.parametrize("role", ["anonymous", "customer", "manager", "admin"])
def test_every_operation_answers_options_with_its_description(api_client, role):
    """OPTIONS is DRF's self-description of a view; the fuzzer found one view it crashed on."""
    schema = yaml.safe_load(api_client.get("/api/schema/").content)
    client = api_client_for(user_with_role(role))
    client.raise_request_exception = False

    answers = {path: client.options(re.sub(r"\{[^}]+\}", "1", path)).status_code for path in schema["paths"]}

    assert {path: code for path, code in answers.items() if code >= 500} == {}
    assert answers["/api/v1/cart/guest/"] == 200
    guest = client.options("/api/v1/cart/guest/").json()
    assert guest["name"] == "Guest Cart Api" and "POST" in client.options("/api/v1/cart/guest/")["Allow"]
