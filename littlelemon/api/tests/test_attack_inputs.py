"""Attack and junk inputs against every endpoint that takes a body or a page of results.

The machinery is in attacks.py; this module declares the endpoints: the menu, settings, hours,
closures, accounts and roles, the cart, orders (placing, status, assignment) and bookings
(booking, changing, status) and webhooks (registering, changing) are rows of TARGETS (and LISTS).
"""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from conftest import api_client_for, user_with_role
from littlelemon.accounts.models import User
from littlelemon.accounts.tests.factories import PASSWORD, UserFactory
from littlelemon.bookings.models import Booking, Table
from littlelemon.bookings.tests.factories import BookingFactory, TableFactory, future_start
from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.events.models import OutboxEvent
from littlelemon.menu.models import Category, MenuItem
from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory
from littlelemon.notifications.models import WebhookEndpoint
from littlelemon.notifications.webhooks.services import webhook_endpoint_create
from littlelemon.orders.models import Order, OrderEvent, OrderItem
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.restaurant.models import Closure, OpeningHours, RestaurantSettings
from littlelemon.restaurant.tests.factories import ClosureFactory

from .attacks import (
    ACCEPTED_TEXT,
    HOSTILE_MARKUP,
    MALFORMED_BODIES,
    Call,
    Number,
    Target,
    call,
    database_state,
    duplicate_key_body,
    field_junk,
    over_the_limit_body,
)

pytestmark = pytest.mark.django_db

PRICE = Number("price", "decimal", refused=("0", "0.00", "-1", "-0.01", "100000.00"))
POSITION = Number("position", "integer", refused=(-1,))
MONEY_SETTING = ("-0.01", "100000.00")


def _category(user) -> dict:
    return {"category": CategoryFactory().slug}


def _dish(user) -> dict:
    return {"item": MenuItemFactory().pk}


def _someone(user) -> dict:
    return {"someone": UserFactory().pk}


def _cart_line(user) -> dict:
    return {"line": CartLineFactory(user=user, quantity=1).pk, "dish": MenuItemFactory().pk}


def _full_cart(user) -> dict:
    CartLineFactory(user=user, menuitem=MenuItemFactory(price="12.50"), quantity=2)
    return {}


def _placed_order(user) -> dict:
    return {"order": OrderFactory(status="placed", items=1).pk, "crew": UserFactory(roles=["delivery-crew"]).pk}


def _free_table(user) -> dict:
    return {"table": TableFactory(seats=4).pk, "start": future_start().isoformat()}


def _own_booking(user) -> dict:
    TableFactory(seats=6)
    booking = BookingFactory(customer=user, start=future_start(), party_size=2, table=TableFactory(seats=4))
    return {"booking": booking.pk}


def _someones_booking(user) -> dict:
    return {"booking": BookingFactory(start=future_start(), table=TableFactory()).pk}


def _someones_booking_starting_soon(user) -> dict:
    """A party can be seated from BOOKING_SEAT_EARLY_MINUTES before its booking."""
    return {"booking": BookingFactory(start=timezone.now() + timedelta(minutes=10), table=TableFactory()).pk}


QUANTITY = Number("quantity", "integer", refused=(0, -1, 100))
PARTY_SIZE = Number("party_size", "integer", refused=(0, -1))
ORDER_TABLES = (Order, OrderItem, OrderEvent, CartLine, OutboxEvent)
BOOKING_TABLES = (Booking, Table, OutboxEvent)


def _refresh_token(user) -> dict:
    return {"refresh": str(RefreshToken.for_user(UserFactory()))}


# An address literal: public, and checked without a DNS lookup (the tests use no network).
PUBLIC_WEBHOOK_URL = "https://93.184.215.14/little-lemon"


def _webhook(user) -> dict:
    return {"endpoint": webhook_endpoint_create(url=PUBLIC_WEBHOOK_URL, event_types=["order.placed"]).pk}


TARGETS = [
    Target(
        "create a category",
        "POST",
        "/api/v1/categories/",
        "manager",
        valid=lambda ctx: {"title": "Mains", "position": 1},
        models=(Category,),
        text=("title",),
        strings=("slug",),
        numbers=(POSITION,),
        stored=lambda ctx, body: Category.objects.get(pk=body["id"]),
        listed_at="/api/v1/categories/",
    ),
    Target(
        "change a category",
        "PATCH",
        "/api/v1/categories/{slug}/",
        "manager",
        setup=lambda user: {"slug": CategoryFactory().slug},
        valid=lambda ctx: {"title": "Sides"},
        models=(Category,),
        text=("title",),
        strings=("slug",),
        numbers=(POSITION,),
        stored=lambda ctx, body: Category.objects.get(pk=body["id"]),
    ),
    Target(
        "create a dish",
        "POST",
        "/api/v1/menu-items/",
        "manager",
        setup=_category,
        valid=lambda ctx: {"title": "Soup", "price": "6.50", "category": ctx["category"], "description": "Hot."},
        models=(MenuItem,),
        text=("title", "description"),
        strings=("slug", "category"),
        numbers=(PRICE, POSITION),
        stored=lambda ctx, body: MenuItem.objects.get(pk=body["id"]),
        listed_at="/api/v1/menu-items/",
    ),
    Target(
        "change a dish",
        "PATCH",
        "/api/v1/menu-items/{item}/",
        "manager",
        setup=_dish,
        valid=lambda ctx: {"price": "7.25"},
        models=(MenuItem,),
        text=("title", "description"),
        strings=("slug", "category"),
        numbers=(PRICE, POSITION),
        stored=lambda ctx, body: MenuItem.objects.get(pk=ctx["item"]),
    ),
    Target(
        "change the restaurant settings",
        "PATCH",
        "/api/v1/settings/",
        "manager",
        valid=lambda ctx: {"name": "Little Lemon Chicago"},
        models=(RestaurantSettings,),
        text=("name", "address", "phone"),
        strings=("email", "currency"),
        numbers=(
            Number("tax_rate", "decimal", refused=("-0.001", "100.001", "1.0001")),
            Number("delivery_fee", "decimal", refused=MONEY_SETTING),
            Number("minimum_order", "decimal", refused=MONEY_SETTING),
            Number("order_cutoff_minutes", "integer", refused=(-1, 24 * 60 + 1)),
            Number("booking_slot_minutes", "integer", refused=(0, 4, 241)),
            Number("booking_max_party_size", "integer", refused=(0, 101)),
        ),
        stored=lambda ctx, body: RestaurantSettings.objects.get(pk=1),
    ),
    Target(
        "add an opening range",
        "POST",
        "/api/v1/opening-hours/",
        "manager",
        valid=lambda ctx: {"weekday": 0, "opens": "11:00", "closes": "15:00"},
        models=(OpeningHours,),
        strings=("opens", "closes"),
        numbers=(Number("weekday", "integer", refused=(-1, 7)),),
    ),
    Target(
        "add a closure",
        "POST",
        "/api/v1/closures/",
        "manager",
        valid=lambda ctx: {"date": "2031-12-25", "reason": "Christmas"},
        models=(Closure,),
        text=("reason",),
        strings=("date",),
        stored=lambda ctx, body: Closure.objects.get(pk=body["id"]),
        listed_at="/api/v1/closures/",
    ),
    Target(
        "change a closure",
        "PATCH",
        "/api/v1/closures/{closure}/",
        "manager",
        setup=lambda user: {"closure": ClosureFactory(date="2031-01-01").pk},
        valid=lambda ctx: {"reason": "Inventory"},
        models=(Closure,),
        text=("reason",),
        strings=("date",),
        stored=lambda ctx, body: Closure.objects.get(pk=ctx["closure"]),
    ),
    Target(
        "change my profile",
        "PATCH",
        "/api/v1/auth/users/me/",
        "customer",
        valid=lambda ctx: {"first_name": "Tilly"},
        models=(User,),
        text=("first_name", "last_name", "phone"),
        strings=("email",),
        stored=lambda ctx, body: User.objects.get(pk=body["id"]),
    ),
    Target(
        "sign up",
        "POST",
        "/api/v1/auth/users/",
        "anonymous",
        valid=lambda ctx: {"username": "tilly", "email": "tilly@example.com", "password": "a-Good-passphrase-1"},
        models=(User,),
        strings=("username", "email", "password"),
    ),
    Target(
        "log in",
        "POST",
        "/api/v1/auth/jwt/create/",
        "anonymous",
        setup=lambda user: {"user": UserFactory(username="tilly").pk},
        valid=lambda ctx: {"username": "tilly", "password": PASSWORD},
        models=(User, OutstandingToken),
        strings=("username", "password"),
        refusals=frozenset({400, 401}),  # a junk password is a wrong password
    ),
    Target(
        "refresh a token",
        "POST",
        "/api/v1/auth/jwt/refresh/",
        "anonymous",
        setup=_refresh_token,
        valid=lambda ctx: {"refresh": ctx["refresh"]},
        models=(OutstandingToken, BlacklistedToken),
        strings=("refresh",),
        refusals=frozenset({400, 401}),  # a junk token is an invalid token
    ),
    Target(
        "give someone the kitchen role",
        "POST",
        "/api/v1/groups/kitchen/users/",
        "manager",
        setup=_someone,
        valid=lambda ctx: {"user": ctx["someone"]},
        models=(User.groups.through, Group),
        numbers=(Number("user", "integer", refused=(0, -1)),),
    ),
    Target(
        "put a dish in the cart",
        "POST",
        "/api/v1/cart/items/",
        "customer",
        setup=_cart_line,
        valid=lambda ctx: {"menuitem": ctx["dish"], "quantity": 2},
        models=(CartLine,),
        numbers=(QUANTITY, Number("menuitem", "integer", refused=(0, -1))),
    ),
    Target(
        "change a cart line",
        "PATCH",
        "/api/v1/cart/items/{line}/",
        "customer",
        setup=_cart_line,
        valid=lambda ctx: {"quantity": 3},
        models=(CartLine,),
        numbers=(QUANTITY,),
    ),
    Target(
        "place an order",
        "POST",
        "/api/v1/orders/",
        "customer",
        setup=_full_cart,
        valid=lambda ctx: {"fulfilment": "delivery", "delivery_address": "1 Lemon St", "notes": "Ring", "tip": "2.00"},
        models=ORDER_TABLES,
        text=("delivery_address", "notes"),
        strings=("fulfilment", "payment_method", "scheduled_for"),
        numbers=(Number("tip", "decimal", refused=("-0.01", "10000.00", "1.001")),),
        stored=lambda ctx, body: Order.objects.get(pk=body["id"]),
        listed_at="/api/v1/orders/",
    ),
    Target(
        "move an order along",
        "POST",
        "/api/v1/orders/{order}/status/",
        "manager",
        setup=_placed_order,
        valid=lambda ctx: {"status": "accepted", "note": "20 minutes"},
        models=ORDER_TABLES,
        strings=("status", "note"),
        refusals=frozenset({400, 409}),  # a status that is one, but not a next one, is a 409
    ),
    Target(
        "assign a driver",
        "POST",
        "/api/v1/orders/{order}/assign/",
        "manager",
        setup=_placed_order,
        valid=lambda ctx: {"delivery_crew": ctx["crew"], "note": "Dana knows the way"},
        models=ORDER_TABLES,
        strings=("note",),
        numbers=(Number("delivery_crew", "integer", refused=(0, -1)),),
    ),
    Target(
        "book a table",
        "POST",
        "/api/v1/bookings/",
        "customer",
        setup=_free_table,
        valid=lambda ctx: {"start": ctx["start"], "party_size": 2, "notes": "Window seat"},
        models=BOOKING_TABLES,
        text=("notes",),
        strings=("start",),
        numbers=(Number("party_size", "integer", refused=(0, -1, 13)),),  # 13: above the online maximum
        stored=lambda ctx, body: Booking.objects.get(pk=body["id"]),
        listed_at="/api/v1/bookings/",
    ),
    Target(
        "book a table for a guest",
        "POST",
        "/api/v1/bookings/",
        "manager",
        setup=_free_table,
        valid=lambda ctx: {
            "start": ctx["start"],
            "party_size": 2,
            "guest_name": "Ada",
            "guest_phone": "+1 312 555 0100",
        },
        models=BOOKING_TABLES,
        text=("guest_name", "notes"),
        strings=("start", "guest_phone"),
        numbers=(PARTY_SIZE, Number("table", "integer", refused=(0, -1))),
        stored=lambda ctx, body: Booking.objects.get(pk=body["id"]),
    ),
    Target(
        "change my booking",
        "PATCH",
        "/api/v1/bookings/{booking}/",
        "customer",
        setup=_own_booking,
        valid=lambda ctx: {"notes": "A high chair, please", "party_size": 3},
        models=BOOKING_TABLES,
        text=("notes",),
        strings=("start",),
        numbers=(PARTY_SIZE,),
        stored=lambda ctx, body: Booking.objects.get(pk=ctx["booking"]),
    ),
    Target(
        "seat a party",
        "POST",
        "/api/v1/bookings/{booking}/status/",
        "manager",
        setup=_someones_booking_starting_soon,
        valid=lambda ctx: {"status": "seated"},
        models=BOOKING_TABLES,
        strings=("status",),
        refusals=frozenset({400, 409}),
    ),
    Target(
        "register a webhook",
        "POST",
        "/api/v1/webhooks/",
        "manager",
        valid=lambda ctx: {"url": PUBLIC_WEBHOOK_URL, "event_types": ["order.placed"], "description": "POS"},
        models=(WebhookEndpoint,),
        text=("description",),
        strings=("url",),
        stored=lambda ctx, body: WebhookEndpoint.objects.get(pk=body["id"]),
    ),
    Target(
        "change a webhook",
        "PATCH",
        "/api/v1/webhooks/{endpoint}/",
        "manager",
        setup=_webhook,
        valid=lambda ctx: {"url": PUBLIC_WEBHOOK_URL + "/v2", "description": "Kiosk"},
        models=(WebhookEndpoint,),
        text=("description",),
        strings=("url",),
        stored=lambda ctx, body: WebhookEndpoint.objects.get(pk=ctx["endpoint"]),
    ),
]

#: Paginated lists: (path, role allowed to read it).
LISTS = [
    ("/api/v1/menu-items/", "anonymous"),
    ("/api/v1/categories/", "anonymous"),
    ("/api/v1/closures/", "anonymous"),
    ("/api/v1/groups/kitchen/users/", "manager"),
    ("/api/v1/orders/", "manager"),
    ("/api/v1/orders/", "customer"),
    ("/api/v1/bookings/", "manager"),
]


def ids(cases) -> list[str]:
    return [" / ".join(str(part) for part in case[:-1] if not isinstance(part, bytes)) for case in cases]


def assert_refused(sent: Call, target: Target, statuses=None) -> dict:
    response = sent.response
    expected = statuses or target.refusals
    assert response.status_code in expected, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    assert database_state(target) == sent.before, "a refused request changed the database"
    return body


# --- malformed bodies -------------------------------------------------------------------------

MALFORMED = [(target, what, body) for target in TARGETS for what, body in MALFORMED_BODIES.items()]


@pytest.mark.parametrize(("target", "what", "body"), MALFORMED, ids=ids(MALFORMED))
def test_malformed_bodies_are_a_400_that_changes_nothing(target, what, body):
    sent = call(target, lambda ctx: body)

    assert_refused(sent, target, statuses={400})


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_a_key_given_twice_is_refused(target):
    sent = call(target, lambda ctx: duplicate_key_body(target.valid(ctx)))

    body = assert_refused(sent, target, statuses={400})
    assert "duplicate key" in body["detail"]


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_a_body_over_the_size_limit_is_a_413_that_changes_nothing(target):
    sent = call(target, lambda ctx: over_the_limit_body())

    body = assert_refused(sent, target, statuses={413})
    assert body["code"] == "request_too_large"


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_an_unsupported_content_type_is_a_415(target):
    sent = call(target, lambda ctx: "<title>Soup</title>", content_type="application/xml")

    assert_refused(sent, target, statuses={415})


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_the_valid_body_is_accepted(target):
    """The control: what the junk tests vary is accepted when it is not junk."""
    sent = call(target, target.valid)

    assert sent.response.status_code in (200, 201), sent.response.content[:300]
    assert database_state(target) != sent.before


# --- junk in one field ------------------------------------------------------------------------

FIELD_JUNK = [(target, name, what, value) for target in TARGETS for name, what, value in field_junk(target)]


@pytest.mark.parametrize(("target", "name", "what", "value"), FIELD_JUNK, ids=ids(FIELD_JUNK))
def test_junk_in_a_field_is_refused_naming_the_field(target, name, what, value):
    sent = call(target, lambda ctx: {**target.valid(ctx), name: value})

    body = assert_refused(sent, target)
    if sent.response.status_code == 400:
        assert name in body.get("fields", {}), body


# --- text that is accepted and stored as sent -------------------------------------------------

TEXT = [
    (target, name, what, text) for target in TARGETS for name in target.text for what, text in ACCEPTED_TEXT.items()
]


@pytest.mark.parametrize(("target", "name", "what", "text"), TEXT, ids=ids(TEXT))
def test_any_text_is_stored_exactly_as_sent(target, name, what, text):
    sent = call(target, lambda ctx: {**target.valid(ctx), name: text})

    assert sent.response.status_code in (200, 201), sent.response.content[:300]
    assert sent.body()[name] == text
    assert getattr(target.stored(sent.context, sent.body()), name) == text


SHOWN = [target for target in TARGETS if target.text and target.stored]


@pytest.mark.parametrize("target", SHOWN, ids=str)
def test_markup_is_escaped_in_the_admin(target, client):
    name = target.text[0]
    sent = call(target, lambda ctx: {**target.valid(ctx), name: HOSTILE_MARKUP})
    stored = target.stored(sent.context, sent.body())
    client.force_login(user_with_role("admin"))
    meta = stored._meta

    pages = [
        client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[stored.pk])),
        client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"), follow=True),
        client.get(reverse("admin:audit_auditentry_changelist")),
    ]

    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert HOSTILE_MARKUP not in html
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in pages[0].content.decode()


LISTED = [target for target in TARGETS if target.listed_at]


@pytest.mark.parametrize("target", LISTED, ids=str)
def test_csv_exports_carry_markup_as_text_and_neutralise_formulas(target):
    name = target.text[0]
    call(target, lambda ctx: {**target.valid(ctx), name: HOSTILE_MARKUP})
    call(target, lambda ctx: {**target.valid(ctx), name: "=1+2", **_distinct(target)})

    response = api_client_for(user_with_role("manager")).get(f"{target.listed_at}?format=csv&page_size=100")

    assert response["Content-Type"].startswith("text/csv")
    assert response["X-Content-Type-Options"] == "nosniff"
    cells = {row[name] for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert {HOSTILE_MARKUP, "'=1+2"} <= cells


def _distinct(target: Target) -> dict:
    """Fields that must differ between two rows created from the same valid body."""
    return {"date": "2032-01-01"} if "date" in target.strings else {}


# --- query strings on every paginated list ----------------------------------------------------


@pytest.fixture
def some_rows():
    MenuItemFactory.create_batch(3)
    ClosureFactory(date="2031-05-01")
    UserFactory(roles=["kitchen"])
    OrderFactory.create_batch(3)
    for hour in (18, 19, 20):
        BookingFactory(start=future_start(hour=hour), table=TableFactory())


def _get(path: str, role: str, query: str):
    return api_client_for(user_with_role(role)).get(f"{path}?{query}")


@pytest.mark.parametrize(("path", "role"), LISTS)
@pytest.mark.parametrize("page", ["-1", "0", "abc", str(10**30), "1e3", "1.5", "%00"])
def test_a_page_that_does_not_exist_is_a_json_404(some_rows, path, role, page):
    response = _get(path, role, f"page={page}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(("path", "role"), LISTS)
@pytest.mark.parametrize(
    ("page_size", "expected"),
    [(str(10**9), 100), (str(10**30), 100), ("-1", 20), ("0", 20), ("abc", 20), ("%00", 20), ("1.5", 20)],
)
def test_page_size_is_capped_and_junk_falls_back_to_the_default(some_rows, path, role, page_size, expected):
    baseline = _get(path, role, "").json()

    response = _get(path, role, f"page_size={page_size}")

    assert response.status_code == 200
    assert response.json()["results"] == baseline["results"][:expected]


@pytest.mark.parametrize(("path", "role"), LISTS)
def test_unknown_query_parameters_are_ignored(some_rows, path, role):
    baseline = _get(path, role, "")

    response = _get(path, role, "evil=1&__proto__[admin]=1&id=1%20OR%201=1&format=json&page_size=")

    assert response.status_code == 200
    assert response.json() == baseline.json()


@pytest.mark.parametrize(
    "search",
    ["' OR '1'='1", "'; DROP TABLE menu_menuitem; --", "%", "_", "\\", "<script>", "%27%20OR%201=1--", "🍋" * 50],
)
def test_hostile_searches_find_nothing_and_break_nothing(some_rows, search):
    response = _get("/api/v1/menu-items/", "anonymous", f"search={search}")

    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert MenuItem.objects.count() == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("search=%00", "search"),
        ("search=" + "x" * 201, "search"),
        ("price_min=abc", "price_min"),
        ("price_min=-1", "price_min"),
        ("price_max=1e400", "price_max"),
        ("price_max=1.1234567890", "price_max"),
        ("ordering=password", "ordering"),
        ("dietary=poison", "dietary"),
    ],
)
def test_invalid_filters_are_a_400_naming_the_filter(some_rows, query, field):
    response = _get("/api/v1/menu-items/", "anonymous", query)

    assert response.status_code == 400
    assert field in response.json()["fields"]
