import pytest
import yaml

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
    assert "403" not in availability["responses"]  # public


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_documentation_pages_are_served_without_a_cdn(api_client, path):
    response = api_client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn.jsdelivr.net" not in html
    assert "/static/drf_spectacular_sidecar/" in html
