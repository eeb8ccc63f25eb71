"""The cache of rendered public responses (response_cache.py), exercised on the menu.

Invalidation on every kind of menu change is proven in menu/tests/test_cache.py; here: what is
cached, under which key, with which headers, for whom, and that throttling still counts.
"""

from decimal import Decimal

import pytest
from rest_framework.exceptions import Throttled

from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/menu-items/"


@pytest.fixture
def menu():
    mains = CategoryFactory(slug="mains", title="Mains")
    return [MenuItemFactory(title=f"Dish {n}", price=Decimal("10.00") + n, category=mains) for n in range(3)]


def test_a_repeated_read_is_served_from_memory_with_one_query(api_client, menu, django_assert_num_queries):
    with django_assert_num_queries(3):  # the menu version, COUNT(*), the page
        first = api_client.get(ITEMS)
    with django_assert_num_queries(1):  # the menu version only
        second = api_client.get(ITEMS)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert [item["title"] for item in second.json()["results"]] == ["Dish 0", "Dish 1", "Dish 2"]
    assert second["Content-Type"] == "application/json"
    assert second["ETag"] == first["ETag"]
    assert second["ETag"].startswith('"') and len(second["ETag"]) == 34
    assert second["Cache-Control"] == first["Cache-Control"] == "public, no-cache"
    assert int(second["Content-Length"]) == len(second.content)


def test_cached_responses_keep_the_security_headers(api_client, menu):
    api_client.get(ITEMS)

    cached = api_client.get(ITEMS)

    assert cached["X-Frame-Options"] == "DENY"
    assert cached["X-Content-Type-Options"] == "nosniff"
    assert cached["Referrer-Policy"] == "same-origin"
    assert "Accept" in cached["Vary"]


@pytest.mark.parametrize("cached_first", [True, False], ids=["cached", "fresh"])
@pytest.mark.parametrize(
    "if_none_match", ["{etag}", "W/{etag}", '"other", {etag}', "*"], ids=["strong", "weak", "list", "star"]
)
def test_a_matching_if_none_match_is_304(api_client, menu, django_assert_num_queries, if_none_match, cached_first):
    etag = api_client.get(ITEMS)["ETag"]
    if not cached_first:
        from littlelemon.api import response_cache

        response_cache.clear()

    with django_assert_num_queries(1 if cached_first else 3):
        response = api_client.get(ITEMS, HTTP_IF_NONE_MATCH=if_none_match.format(etag=etag))

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, no-cache"
    assert "Accept" in response["Vary"]


def test_a_stale_etag_gets_the_full_response(api_client, menu):
    api_client.get(ITEMS)

    response = api_client.get(ITEMS, HTTP_IF_NONE_MATCH='"0123456789abcdef0123456789abcdef"')

    assert response.status_code == 200
    assert response.json()["count"] == 3


@pytest.mark.parametrize(
    ("request_headers", "query", "content_type", "starts"),
    [
        ({}, "", "application/json", b"{"),
        ({"HTTP_ACCEPT": "application/xml"}, "", "application/xml; charset=utf-8", b"<?xml"),
        ({"HTTP_ACCEPT": "text/csv"}, "", "text/csv; charset=utf-8", b"allergens"),
        ({}, "?format=yaml", "application/yaml; charset=utf-8", b"count: 3"),
    ],
    ids=["json", "xml", "csv", "yaml"],
)
def test_each_format_has_its_own_entry(api_client, menu, request_headers, query, content_type, starts):
    for accept in ({}, {"HTTP_ACCEPT": "application/xml"}, {"HTTP_ACCEPT": "text/csv"}):
        api_client.get(ITEMS, **accept)  # warm every format first, in another order
    api_client.get(f"{ITEMS}?format=yaml")

    first = api_client.get(f"{ITEMS}{query}", **request_headers)
    again = api_client.get(f"{ITEMS}{query}", **request_headers)

    assert first["Content-Type"] == again["Content-Type"] == content_type
    assert first.content == again.content
    assert again.content.startswith(starts)


def test_an_unacceptable_accept_is_still_406_once_cached(api_client, menu):
    api_client.get(ITEMS)

    assert api_client.get(ITEMS, HTTP_ACCEPT="application/pdf").status_code == 406
    assert api_client.get(f"{ITEMS}?format=pdf").status_code == 406


def test_parameter_order_shares_an_entry_and_other_queries_do_not(api_client, menu, django_assert_num_queries):
    api_client.get(f"{ITEMS}?ordering=-price&page_size=2")

    with django_assert_num_queries(1):
        reordered = api_client.get(f"{ITEMS}?page_size=2&ordering=-price")
    with django_assert_num_queries(3):
        other = api_client.get(f"{ITEMS}?page_size=2&ordering=price")

    assert [i["title"] for i in reordered.json()["results"]] == ["Dish 2", "Dish 1"]
    assert [i["title"] for i in other.json()["results"]] == ["Dish 0", "Dish 1"]


def test_the_host_is_part_of_the_key(api_client):
    MenuItemFactory.create_batch(3)

    testserver = api_client.get(f"{ITEMS}?page_size=1", HTTP_HOST="testserver").json()["next"]
    localhost = api_client.get(f"{ITEMS}?page_size=1", HTTP_HOST="localhost").json()["next"]

    assert testserver.startswith("http://testserver/")
    assert localhost.startswith("http://localhost/")


def test_a_host_not_allowed_is_still_400(api_client, menu):
    api_client.get(ITEMS)

    assert api_client.get(ITEMS, HTTP_HOST="evil.example.com").status_code == 400


def test_signed_in_callers_get_the_same_bytes_from_the_same_entry(
    api_client, client_as, manager, customer, menu, django_assert_num_queries
):
    anonymous = api_client.get(ITEMS)

    with django_assert_num_queries(2):  # the user (JWT authentication), the menu version
        as_manager = client_as(manager).get(ITEMS)
    as_customer = client_as(customer).get(ITEMS)

    assert as_manager.content == as_customer.content == anonymous.content
    assert as_manager["ETag"] == anonymous["ETag"]


def test_a_session_caller_goes_through_authentication(client, customer, menu):
    client.get(ITEMS)
    client.force_login(customer)

    response = client.get(ITEMS)

    assert response.status_code == 200
    assert response.wsgi_request.user == customer  # authenticated by the view, not answered before it
    assert response.json()["count"] == 3


def test_a_bad_token_is_still_refused_when_the_response_is_cached(api_client, menu):
    api_client.get(ITEMS)
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")

    response = api_client.get(ITEMS)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_errors_are_not_cached(api_client, menu):
    assert api_client.get(f"{ITEMS}?page=2&page_size=3").status_code == 404

    MenuItemFactory()

    assert api_client.get(f"{ITEMS}?page=2&page_size=3").json()["count"] == 4


def test_writes_are_never_answered_from_the_cache(client_as, manager, menu):
    client = client_as(manager)
    client.get(ITEMS)

    response = client.post(ITEMS, {"title": "Soup", "price": "4.00", "category": "mains"})

    assert response.status_code == 201
    assert client.get(ITEMS).json()["count"] == 4


def test_zero_entries_turns_the_cache_off(api_client, menu, settings, django_assert_num_queries):
    settings.RESPONSE_CACHE_ENTRIES = 0
    api_client.get(ITEMS)

    with django_assert_num_queries(2):
        response = api_client.get(ITEMS)

    assert response.json()["count"] == 3
    assert not response.has_header("ETag")


class TestThrottling:
    """Every request counts, also those answered from memory (DESIGN: throttling)."""

    def test_anonymous_cached_reads_are_counted_and_refused_over_the_rate(
        self, api_client, menu, throttle_rates, django_assert_num_queries
    ):
        throttle_rates(anon="3/min")
        api_client.get(ITEMS)  # rendered: counted by DRF

        with django_assert_num_queries(1):
            second = api_client.get(ITEMS)  # from memory: counted before it is served
        statuses = [api_client.get(ITEMS).status_code for _ in range(2)]
        refused = api_client.get(ITEMS, HTTP_ACCEPT="application/json")

        assert second.status_code == 200
        assert statuses == [200, 429]
        assert refused.status_code == 429
        assert refused.json()["code"] == Throttled.default_code
        assert refused.json()["detail"].startswith("Request was throttled.")
        assert 0 < int(refused["Retry-After"]) <= 60

    def test_a_conditional_request_counts_too(self, api_client, menu, throttle_rates):
        throttle_rates(anon="2/min")
        etag = api_client.get(ITEMS)["ETag"]

        statuses = [api_client.get(ITEMS, HTTP_IF_NONE_MATCH=etag).status_code for _ in range(2)]

        assert statuses == [304, 429]

    def test_the_refusal_is_in_the_callers_format(self, api_client, menu, throttle_rates):
        throttle_rates(anon="1/min")
        api_client.get(ITEMS, HTTP_ACCEPT="application/xml")

        refused = api_client.get(ITEMS, HTTP_ACCEPT="application/xml")

        assert refused.status_code == 429
        assert refused["Content-Type"].startswith("application/xml")
        assert b"<code>throttled</code>" in refused.content

    def test_signed_in_cached_reads_are_counted_per_user(
        self, client_as, customer, other_customer, menu, throttle_rates
    ):
        throttle_rates(user="2/min")
        client_as(customer).get(ITEMS)

        mine = [client_as(customer).get(ITEMS).status_code for _ in range(2)]
        theirs = client_as(other_customer).get(ITEMS).status_code

        assert mine == [200, 429]
        assert theirs == 200
