"""Cached answers given by CachedResponseFrontMiddleware, before every other middleware.

The first read renders; the second is answered from memory by CachedResponseMiddleware and goes
out through every middleware above it, which is when the front middleware learns its headers
(`Entry.finished`); the third is answered in front. Which one answered shows on the request:
the CORS middleware sets `_cors_enabled`, CSP's `csp_nonce`, `serve_from_memory`
`_answered_from`; a request answered in front has none of them.

These tests prove that an answer given in front is the one the whole stack would give (status,
bytes, every header), that it is never stale (the version is read first), that what the
middlewares above answer differently (an Origin, a body, changed settings) is never answered in
front, that throttles count each request once, and what each read costs in queries.
"""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.db import OperationalError, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from littlelemon.api import response_cache
from littlelemon.bookings.tests.clock import TODAY, TOMORROW, iso, local
from littlelemon.bookings.tests.factories import TableFactory
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.menu.models import MenuItem
from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory
from littlelemon.orders import services as order_services
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.restaurant.tests.factories import OpeningHoursFactory

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/menu-items/"
CATEGORIES = "/api/v1/categories/"
CART = "/api/v1/cart/"
ORDERS = "/api/v1/orders/"
AVAILABILITY = "/api/v1/bookings/availability/"
ALLOWED = "https://app.example.com"

FRONT = "front"  # CachedResponseFrontMiddleware, before every other middleware
MEMORY = "memory"  # CachedResponseMiddleware, after the middlewares above it
STACK = "stack"  # neither: the whole stack and the view

#: What the middlewares between the two cache middlewares leave on the requests they see.
MARKS = ("_cors_enabled", "csp_nonce", "_answered_from")

#: Every header of a menu page or cart answered from memory (the view's, the cache's, the stack's).
HEADERS_200 = {
    "Content-Type",
    "Vary",
    "Allow",
    "Content-Length",
    "ETag",
    "Cache-Control",
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
}
HEADERS_304 = HEADERS_200 - {"Content-Type", "Allow", "Content-Length"}
UNAVAILABLE = {
    "detail": "The service is temporarily unavailable: its database does not answer. Try again shortly.",
    "code": "service_unavailable",
}


def answered_by(response) -> str:
    marks = {name for name in MARKS if hasattr(response.wsgi_request, name)}
    if not marks:
        return FRONT
    if marks == set(MARKS):
        return MEMORY
    assert marks == {"_cors_enabled", "csp_nonce"}, marks
    return STACK


def headers(response) -> dict[str, str]:
    """The response's headers but its X-Request-ID, which each request has its own of."""
    return {name: value for name, value in response.items() if name != "X-Request-ID"}


def queries_of(call):
    """`call()`'s response and the number of queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = call()
    return response, len(queries)


def warm(client, path: str, **extra) -> list:
    """Three identical reads: rendered, answered from memory (1 query) and learnt, answered in
    front (1 query), with the same status, bytes and headers as the second. Returns them."""
    first = client.get(path, **extra)
    second, second_queries = queries_of(lambda: client.get(path, **extra))
    third, third_queries = queries_of(lambda: client.get(path, **extra))
    assert [answered_by(r) for r in (first, second, third)] == [STACK, MEMORY, FRONT]
    assert (second_queries, third_queries) == (1, 1)
    assert first.status_code == second.status_code == third.status_code == 200
    assert third.content == second.content == first.content
    assert headers(third) == headers(second)
    return [first, second, third]


def titles_and_prices(response) -> list[tuple[str, str]]:
    return [(item["title"], item["price"]) for item in response.json()["results"]]


def bearer(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


@pytest.fixture
def menu(db):
    mains = CategoryFactory(slug="mains", title="Mains")
    return [
        MenuItemFactory(title="Moussaka", price=Decimal("18.50"), category=mains),
        MenuItemFactory(title="Hummus", price=Decimal("6.50"), category=mains),
    ]


@pytest.fixture
def cors(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]


class DatabaseDown:
    """`with database_down:` every query of this thread fails as an unreachable database's do;
    `refused` lists them."""

    def __init__(self):
        self.refused: list[str] = []

    def __enter__(self):
        self.refused.clear()
        self._wrapper = connection.execute_wrapper(self._refuse)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc_info):
        return self._wrapper.__exit__(*exc_info)

    def _refuse(self, execute, sql, params, many, context):
        self.refused.append(sql)
        raise OperationalError("unable to open database file")


@pytest.fixture
def database_down():
    return DatabaseDown()


class TestTheThirdReadIsAnsweredInFront:
    def test_menu_list_same_status_bytes_and_every_header_as_the_second_for_one_query(
        self, api_client, menu, django_assert_num_queries
    ):
        with django_assert_num_queries(3):  # the menu version, COUNT(*), the page
            first = api_client.get(ITEMS)
        with django_assert_num_queries(1):  # the menu version, by CachedResponseMiddleware
            second = api_client.get(ITEMS)
        with django_assert_num_queries(1):  # the menu version, by the front middleware
            third = api_client.get(ITEMS)

        assert [answered_by(r) for r in (first, second, third)] == [STACK, MEMORY, FRONT]
        assert third.status_code == second.status_code == 200
        assert third.content == second.content == first.content
        assert titles_and_prices(third) == [("Moussaka", "18.50"), ("Hummus", "6.50")]
        assert headers(third) == headers(second)
        assert set(headers(third)) == HEADERS_200
        assert third["Content-Type"] == "application/json"
        assert third["Content-Length"] == str(len(third.content))
        assert third["ETag"] == first["ETag"]
        assert third["Cache-Control"] == "public, no-cache"
        assert third["Vary"] == "Accept, origin"
        assert third["Allow"] == "GET, POST, HEAD, OPTIONS"
        assert third["X-Frame-Options"] == "DENY"
        assert third["X-Content-Type-Options"] == "nosniff"
        assert third["Referrer-Policy"] == "same-origin"
        assert third["Cross-Origin-Opener-Policy"] == "same-origin"
        assert third["Content-Security-Policy"] == first["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in third["Content-Security-Policy"]

    @pytest.mark.parametrize("path", [ITEMS + "{pk}/", CATEGORIES, CATEGORIES + "mains/", ITEMS + "?ordering=-price"])
    def test_every_public_menu_read(self, api_client, menu, path):
        *_, third = warm(api_client, path.format(pk=menu[0].pk))

        assert set(headers(third)) - {"Allow"} == HEADERS_200 - {"Allow"}
        assert third["Cache-Control"] == "public, no-cache"
        assert third["X-Frame-Options"] == "DENY"

    @pytest.mark.parametrize("order", ["200 first", "304 first"])
    def test_a_304_is_learnt_apart_from_the_200(self, api_client, menu, order, django_assert_num_queries):
        etag = api_client.get(ITEMS)["ETag"]  # rendered

        def read(status: int):
            conditional = {"HTTP_IF_NONE_MATCH": etag} if status == 304 else {}
            with django_assert_num_queries(1):
                response = api_client.get(ITEMS, **conditional)
            assert response.status_code == status
            return response

        answers = {}
        for status in (200, 304) if order == "200 first" else (304, 200):
            # Knowing the other status's headers does not answer this one in front: it goes
            # through the stack once, and is answered in front from then on.
            answers[status] = [read(status) for _ in range(3)]
            assert [answered_by(r) for r in answers[status]] == [MEMORY, FRONT, FRONT]

        learnt, *in_front = answers[304]
        for response in in_front:
            assert headers(response) == headers(learnt)
            assert response.content == b""
        assert set(headers(learnt)) == HEADERS_304
        assert learnt["ETag"] == etag
        assert learnt["Cache-Control"] == "public, no-cache"
        assert learnt["Vary"] == "Accept, origin"
        assert learnt["X-Frame-Options"] == "DENY"
        assert headers(answers[200][2]) == headers(answers[200][0])
        assert answers[200][2].json()["count"] == 2

    def test_head_too_and_a_get_after_it_gets_the_body(self, api_client, menu, django_assert_num_queries):
        full = api_client.get(ITEMS)  # rendered and kept: the entry HEAD and GET share
        response_cache.clear()
        first = api_client.head(ITEMS)
        with django_assert_num_queries(1):
            second = api_client.head(ITEMS)
        with django_assert_num_queries(1):
            third = api_client.head(ITEMS)
        with django_assert_num_queries(1):
            get = api_client.get(ITEMS)

        assert [answered_by(r) for r in (first, second, third, get)] == [STACK, MEMORY, FRONT, FRONT]
        assert first.status_code == second.status_code == third.status_code == 200
        assert first.content == second.content == third.content == b""
        assert headers(third) == headers(second)
        assert third["Content-Length"] == str(len(full.content))
        assert third["ETag"] == full["ETag"]
        assert get.content == full.content
        assert headers(get) == headers(second)

    def test_the_availability(self, api_client, monkeypatch):
        monkeypatch.setattr(timezone, "now", lambda: local(TODAY, 9))
        for weekday in range(7):
            OpeningHoursFactory(weekday=weekday, opens=time(17), closes=time(22))
        TableFactory(seats=2)

        *_, third = warm(api_client, AVAILABILITY, data={"date": TOMORROW.isoformat(), "party_size": 2})

        assert {slot["start"]: slot["tables_free"] for slot in third.json()["slots"]}[iso(TOMORROW, 19)] == 1
        assert third["Cache-Control"] == "public, no-cache"
        assert third["X-Frame-Options"] == "DENY"


class TestNeverStale:
    def test_a_price_changed_with_the_orm_shows_at_once_and_is_learnt_again(self, api_client, menu):
        old = warm(api_client, ITEMS)[2]

        MenuItem.objects.filter(pk=menu[0].pk).update(price=Decimal("19.75"))
        answers, counts = zip(*(queries_of(lambda: api_client.get(ITEMS)) for _ in range(3)), strict=True)

        changed, learnt, in_front = answers
        for response in answers:
            assert titles_and_prices(response) == [("Moussaka", "19.75"), ("Hummus", "6.50")]
        assert [answered_by(r) for r in answers] == [STACK, MEMORY, FRONT]
        # The front middleware reads the version and finds the entry stale; the view renders at
        # that version without reading it again: the version, COUNT(*), the page.
        assert counts == (3, 1, 1)
        assert changed.wsgi_request._cache_version_read[0] == "menu"
        assert changed["ETag"] != old["ETag"]
        assert in_front["ETag"] == learnt["ETag"] == changed["ETag"]
        assert headers(in_front) == headers(learnt)
        assert in_front["Content-Length"] == str(len(in_front.content))

    def test_a_price_changed_by_a_manager_through_the_api_shows_on_every_page(
        self, api_client, client_as, manager, menu
    ):
        detail = f"{ITEMS}{menu[0].pk}/"
        warm(api_client, ITEMS)
        warm(api_client, detail)

        assert client_as(manager).patch(detail, {"price": "21.00"}).status_code == 200

        for path in (ITEMS, detail):
            answers = [api_client.get(path) for _ in range(3)]
            assert [answered_by(r) for r in answers] == [STACK, MEMORY, FRONT], path
            assert answers[2].content == answers[0].content
        assert titles_and_prices(api_client.get(ITEMS)) == [("Moussaka", "21.00"), ("Hummus", "6.50")]
        assert api_client.get(detail).json()["price"] == "21.00"

    def test_a_304_for_the_old_etag_is_not_given_after_a_change(self, api_client, menu):
        etag = api_client.get(ITEMS)["ETag"]
        conditional = [api_client.get(ITEMS, HTTP_IF_NONE_MATCH=etag) for _ in range(2)]
        assert [(r.status_code, answered_by(r)) for r in conditional] == [(304, MEMORY), (304, FRONT)]

        MenuItem.objects.filter(pk=menu[1].pk).update(title="Baba ganoush")
        response = api_client.get(ITEMS, HTTP_IF_NONE_MATCH=etag)

        assert (response.status_code, answered_by(response)) == (200, STACK)
        assert titles_and_prices(response) == [("Moussaka", "18.50"), ("Baba ganoush", "6.50")]
        assert response["ETag"] != etag


class TestOrigin:
    def test_an_origin_request_is_never_answered_in_front(self, api_client, menu, cors):
        warm(api_client, ITEMS)

        cross = [api_client.get(ITEMS, HTTP_ORIGIN=ALLOWED) for _ in range(2)]
        plain = api_client.get(ITEMS)

        for response in cross:
            assert answered_by(response) == MEMORY
            assert response["Access-Control-Allow-Origin"] == ALLOWED
            assert response["Access-Control-Expose-Headers"] == "Retry-After"
            assert response.content == plain.content
        assert answered_by(plain) == FRONT
        assert "Access-Control-Allow-Origin" not in plain
        assert "Access-Control-Expose-Headers" not in plain
        assert "origin" in plain["Vary"].split(", ")

    @pytest.mark.parametrize("origin", [ALLOWED, "https://evil.example.net"])
    def test_the_cors_headers_of_an_origin_request_are_never_given_to_one_without(self, api_client, menu, cors, origin):
        api_client.get(ITEMS)  # rendered and kept
        cross = [api_client.get(ITEMS, HTTP_ORIGIN=origin) for _ in range(2)]  # answered from memory

        plain = [api_client.get(ITEMS) for _ in range(3)]

        assert [answered_by(r) for r in cross] == [MEMORY, MEMORY]
        assert [r.get("Access-Control-Allow-Origin") for r in cross] == [ALLOWED if origin == ALLOWED else None] * 2
        assert answered_by(plain[-1]) == FRONT
        for response in plain:
            assert response.status_code == 200
            assert "origin" in response["Vary"].split(", ")
            assert response.get("Access-Control-Allow-Origin") is None, answered_by(response)
            assert response.get("Access-Control-Expose-Headers") is None, answered_by(response)


class TestBody:
    def test_a_get_with_a_body_is_not_answered_in_front(self, api_client, menu, django_assert_num_queries):
        *_, in_front = warm(api_client, ITEMS)

        with django_assert_num_queries(1):
            with_body = api_client.generic("GET", ITEMS, data="x" * 10)

        assert answered_by(with_body) == MEMORY
        assert with_body.content == in_front.content
        assert headers(with_body) == headers(in_front)

    def test_a_body_over_the_limit_is_a_413_though_the_entry_is_learnt(
        self, api_client, menu, settings, django_assert_num_queries
    ):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5
        *_, in_front = warm(api_client, ITEMS)

        with django_assert_num_queries(0):
            refused = api_client.generic("GET", ITEMS, data="x" * 10)
        after = api_client.get(ITEMS)

        assert refused.status_code == 413
        assert refused["Content-Type"] == "application/json"
        assert refused.json() == {
            "detail": "The request body is 10 bytes; this server accepts at most 5.",
            "code": "request_too_large",
            "request_id": refused["X-Request-ID"],
        }
        assert refused["X-Frame-Options"] == "DENY"
        assert refused.wsgi_request._cors_enabled is True  # the middlewares above the limit saw it
        assert not hasattr(refused.wsgi_request, "_answered_from")
        assert (answered_by(after), after.content) == (FRONT, in_front.content)


class TestSettings:
    @pytest.mark.parametrize(
        ("setting", "value", "header", "before", "after"),
        [
            ("X_FRAME_OPTIONS", "SAMEORIGIN", "X-Frame-Options", "DENY", "SAMEORIGIN"),
            ("SECURE_REFERRER_POLICY", "no-referrer", "Referrer-Policy", "same-origin", "no-referrer"),
            (
                "SECURE_CROSS_ORIGIN_OPENER_POLICY",
                "same-origin-allow-popups",
                "Cross-Origin-Opener-Policy",
                "same-origin",
                "same-origin-allow-popups",
            ),
            (
                "CONTENT_SECURITY_POLICY",
                {"DIRECTIVES": {"default-src": ["'self'"]}},
                "Content-Security-Policy",
                None,
                "default-src 'self'",
            ),
        ],
        ids=["x-frame-options", "referrer-policy", "coop", "csp"],
    )
    def test_a_changed_setting_is_in_the_next_answers_and_the_old_value_after_it(
        self, api_client, menu, setting, value, header, before, after
    ):
        *_, in_front = warm(api_client, ITEMS)
        before = before or in_front[header]
        assert in_front[header] == before

        # A new client for each settings value: SecurityMiddleware reads its settings once, when
        # the client (as a server process starting) builds its middleware chain.
        with override_settings(**{setting: value}):
            client = APIClient()
            changed = [client.get(ITEMS) for _ in range(3)]
        client = APIClient()
        restored = [client.get(ITEMS) for _ in range(2)]

        assert [answered_by(r) for r in changed] == [MEMORY, FRONT, FRONT]
        assert [r[header] for r in changed] == [after] * 3
        assert [answered_by(r) for r in restored] == [MEMORY, FRONT]
        assert [r[header] for r in restored] == [before] * 2
        assert {r.content for r in changed + restored} == {in_front.content}

    def test_the_settings_fixture_too(self, api_client, menu, settings):
        warm(api_client, ITEMS)

        settings.X_FRAME_OPTIONS = "SAMEORIGIN"
        settings.SECURE_REFERRER_POLICY = "strict-origin"
        client = APIClient()  # a middleware chain built with the new settings
        answers = [client.get(ITEMS) for _ in range(2)]

        assert [answered_by(r) for r in answers] == [MEMORY, FRONT]
        assert [(r["X-Frame-Options"], r["Referrer-Policy"]) for r in answers] == [("SAMEORIGIN", "strict-origin")] * 2


class TestThrottling:
    @pytest.mark.parametrize("allowed", [3, 5])
    def test_each_anonymous_request_counts_once_and_the_429_has_the_stacks_headers(
        self, api_client, menu, throttle_rates, allowed
    ):
        # Rendered, from memory, then in front: with 5 allowed, 3 of them in front.
        throttle_rates(anon=f"{allowed}/min")

        answers = [api_client.get(ITEMS) for _ in range(allowed + 2)]

        assert [r.status_code for r in answers] == [200] * allowed + [429, 429]
        assert [answered_by(r) for r in answers[:allowed]] == [STACK, MEMORY] + [FRONT] * (allowed - 2)
        refused = answers[allowed]
        # Counted in front, answered by CachedResponseMiddleware: out through the stack above it.
        assert hasattr(refused.wsgi_request, "_throttled_in_front")
        assert refused.wsgi_request._cors_enabled is True
        assert refused["Content-Type"] == "application/json"
        assert refused.json()["code"] == "throttled"
        assert refused.json()["detail"].startswith("Request was throttled.")
        assert set(refused.json()) == {"detail", "code", "request_id"}
        assert 0 < int(refused["Retry-After"]) <= 60
        assert refused["X-Content-Type-Options"] == "nosniff"
        assert refused["X-Frame-Options"] == "DENY"
        assert refused["Referrer-Policy"] == "same-origin"
        assert refused["Content-Security-Policy"] == answers[allowed - 1]["Content-Security-Policy"]
        assert refused["Vary"] == "Accept, origin"
        assert "Cache-Control" not in refused and "ETag" not in refused

    def test_conditional_requests_in_front_count_once_too(self, api_client, menu, throttle_rates):
        throttle_rates(anon="4/min")
        etag = api_client.get(ITEMS)["ETag"]

        answers = [api_client.get(ITEMS, HTTP_IF_NONE_MATCH=etag) for _ in range(4)]

        assert [r.status_code for r in answers] == [304, 304, 304, 429]
        assert [answered_by(r) for r in answers[:3]] == [MEMORY, FRONT, FRONT]

    def test_each_token_request_counts_once(self, customer, throttle_rates):
        throttle_rates(user="3/min")
        client = bearer(customer)

        answers = [client.get(CART) for _ in range(4)]

        assert [r.status_code for r in answers] == [200, 200, 200, 429]
        assert [answered_by(r) for r in answers[:3]] == [STACK, MEMORY, FRONT]
        assert answers[3].json()["code"] == "throttled"
        assert answers[3]["X-Frame-Options"] == "DENY"


class TestPrivate:
    def test_the_third_cart_read_is_answered_in_front_with_the_private_headers(
        self, customer, django_assert_num_queries
    ):
        CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Hummus", price=Decimal("6.50")), quantity=2)
        client = bearer(customer)
        with django_assert_num_queries(3):  # the stamps, the user, the lines
            first = client.get(CART)
        with django_assert_num_queries(1):  # the stamps with the user's being active
            second = client.get(CART)
        with django_assert_num_queries(1):
            third = client.get(CART)

        assert [answered_by(r) for r in (first, second, third)] == [STACK, MEMORY, FRONT]
        assert third.content == second.content == first.content
        assert [(line["title"], line["quantity"]) for line in third.json()["items"]] == [("Hummus", 2)]
        assert headers(third) == headers(second)
        assert third["Cache-Control"] == "private, no-cache"
        assert third["Vary"] == "Accept, Authorization, origin"
        assert third["ETag"] == first["ETag"]
        assert third["X-Frame-Options"] == "DENY"

    def test_the_order_list_too(self, customer):
        order = OrderFactory(customer=customer)

        *_, third = warm(bearer(customer), ORDERS)

        assert [o["id"] for o in third.json()["results"]] == [order.pk]
        assert third["Cache-Control"] == "private, no-cache"

    def test_another_users_token_never_gets_the_first_users_bytes(self, customer, other_customer):
        CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Mine"))
        CartLineFactory(user=other_customer, menuitem=MenuItemFactory(title="Theirs"))
        mine = bearer(customer)
        warm(mine, CART)

        theirs = warm(bearer(other_customer), CART)
        forged = APIClient()
        token = mine._credentials["HTTP_AUTHORIZATION"]
        forged.credentials(HTTP_AUTHORIZATION=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
        refused = forged.get(CART)
        anonymous = APIClient().get(CART)

        for response in theirs:
            assert [line["title"] for line in response.json()["items"]] == ["Theirs"]
        assert (refused.status_code, answered_by(refused)) == (401, STACK)
        assert (anonymous.status_code, answered_by(anonymous)) == (401, STACK)
        for response in (refused, anonymous):
            assert b"Mine" not in response.content
        again = mine.get(CART)
        assert (answered_by(again), [line["title"] for line in again.json()["items"]]) == (FRONT, ["Mine"])

    def test_a_line_added_through_the_api_shows_at_once(self, customer):
        hummus = MenuItemFactory(title="Hummus", price=Decimal("6.50"))
        client = bearer(customer)
        assert warm(client, CART)[2].json()["items"] == []

        assert client.post(f"{CART}items/", {"menuitem": hummus.pk, "quantity": 2}).status_code == 201
        answers, counts = zip(*(queries_of(lambda: client.get(CART)) for _ in range(3)), strict=True)

        for response in answers:
            assert [(li["title"], li["quantity"], li["unit_price"]) for li in response.json()["items"]] == [
                ("Hummus", 2, "6.50")
            ]
        assert [answered_by(r) for r in answers] == [STACK, MEMORY, FRONT]
        assert counts == (3, 1, 1)  # the stamps (by the front middleware, stale), the user, the lines; then 1, 1
        assert headers(answers[2]) == headers(answers[1])

    def test_a_menu_price_change_shows_in_the_cart_at_once(self, customer):
        dish = MenuItemFactory(title="Hummus", price=Decimal("6.50"))
        CartLineFactory(user=customer, menuitem=dish, quantity=1)
        client = bearer(customer)
        warm(client, CART)

        MenuItem.objects.filter(pk=dish.pk).update(price=Decimal("7.25"))
        changed, count = queries_of(lambda: client.get(CART))

        assert changed.json()["items"][0]["unit_price"] == "7.25"
        assert (answered_by(changed), count) == (STACK, 3)

    def test_a_status_change_shows_in_the_order_list_at_once(self, customer, manager):
        order = OrderFactory(customer=customer)
        client = bearer(customer)
        _, first_render = queries_of(lambda: client.get(ORDERS))
        response_cache.clear()
        warm(client, ORDERS)

        order_services.order_status_change(order=order, actor=manager, status="accepted")
        changed, count = queries_of(lambda: client.get(ORDERS))

        assert [o["status"] for o in changed.json()["results"]] == ["accepted"]
        assert answered_by(changed) == STACK
        # The stamps (read by the front middleware, found stale; the view does not read them
        # again), the user, their groups, COUNT(*), the page, its items: what a first render costs.
        assert count == first_render == 6

    @pytest.mark.parametrize("change", ["deactivated", "deleted"])
    def test_a_deactivated_or_deleted_user_is_refused_at_once(self, customer, change):
        CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Hummus"))
        client = bearer(customer)
        warm(client, CART)

        if change == "deleted":
            customer.delete()
        else:
            type(customer).objects.filter(pk=customer.pk).update(is_active=False)
        refused, count = queries_of(lambda: client.get(CART))
        again = client.get(CART)

        for response in (refused, again):
            assert b"Hummus" not in response.content
            assert (response.status_code, answered_by(response)) == (401, STACK)
            assert response.json()["code"] == ("user_inactive" if change == "deactivated" else "user_not_found")
        assert count == 2  # the stamps (no active user: stale), the user (JWT authentication: refused)

    def test_a_session_request_is_never_answered_from_memory(self, customer, django_assert_num_queries):
        CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Hummus"))
        warm(bearer(customer), CART)  # the user's token entry, learnt
        client = APIClient()
        client.force_login(customer)

        answers = []
        for _ in range(3):
            with django_assert_num_queries(3):  # the session, the user, the lines
                answers.append(client.get(CART))

        assert [answered_by(r) for r in answers] == [STACK] * 3
        for response in answers:
            assert response.json()["items"][0]["title"] == "Hummus"
            assert "Cache-Control" not in response


class TestAStaleEntryCostsNoExtraVersionRead:
    def test_the_availability_after_a_change_and_at_the_next_minute(self, api_client, monkeypatch):
        for weekday in range(7):
            OpeningHoursFactory(weekday=weekday, opens=time(17), closes=time(22))
        TableFactory(seats=2)
        query = {"date": TOMORROW.isoformat(), "party_size": 2}
        monkeypatch.setattr(timezone, "now", lambda: local(TODAY, 9))
        warm(api_client, AVAILABILITY, data=query)

        TableFactory(seats=2)
        changed, count = queries_of(lambda: api_client.get(AVAILABILITY, query))
        assert {slot["start"]: slot["tables_free"] for slot in changed.json()["slots"]}[iso(TOMORROW, 19)] == 2
        assert answered_by(changed) == STACK
        assert count == 6  # the stamps (by the front middleware, stale); the five reads
        warm_again = [api_client.get(AVAILABILITY, query) for _ in range(2)]
        assert [answered_by(r) for r in warm_again] == [MEMORY, FRONT]

        monkeypatch.setattr(timezone, "now", lambda: local(TODAY, 9) + timedelta(minutes=1))
        later, count = queries_of(lambda: api_client.get(AVAILABILITY, query))
        assert answered_by(later) == STACK  # the next minute: a new version, read once
        assert count == 6
        assert later.content == changed.content  # the same slots, tomorrow, rendered again


class TestDatabaseDown:
    @pytest.mark.parametrize("who", ["anonymous menu", "token cart"])
    def test_the_same_503_as_without_the_cache(self, customer, database_down, who):
        if who == "anonymous menu":
            MenuItemFactory(title="Hummus")
            client, path = APIClient(), ITEMS
        else:
            CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Hummus"))
            client, path = bearer(customer), CART
        client.raise_request_exception = False
        with database_down:
            uncached = client.get(path)
        *_, in_front = warm(client, path)

        with database_down:
            down = client.get(path)
        back = client.get(path)

        # The front middleware tried the version read (the entry is learnt) and let the request go on.
        version_table = "menu_menuversion" if path == ITEMS else "core_dataversion"
        assert version_table in database_down.refused[0]
        assert len(database_down.refused) > 1
        assert (down.status_code, answered_by(down)) == (503, STACK)
        assert down.json() == UNAVAILABLE | {"request_id": down["X-Request-ID"]}
        assert uncached.json() == UNAVAILABLE | {"request_id": uncached["X-Request-ID"]}
        assert headers(down) == headers(uncached)
        assert down["Content-Type"] == "application/json"
        assert down["Retry-After"] == "30"
        assert down["X-Frame-Options"] == "DENY"
        assert (back.status_code, answered_by(back), back.content) == (200, FRONT, in_front.content)
