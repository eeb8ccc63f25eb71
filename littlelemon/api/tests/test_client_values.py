"""Every date, time and number a client sends that reaches a database query, at its extremes.

The class of bug: a value Python accepts but the database does not. ISO 8601 allows UTC offsets
up to ±23:59 where PostgreSQL stops at ±15:59 (the fuzzer's 500 on the order filters); dates
near year 1 or 9999 overflow when shifted to UTC; ids beyond 64 bits overflow the column. Each
is either understood (the same instant, compared or stored in UTC) or a 4xx naming the field,
never a 500, on SQLite and on PostgreSQL (CI runs this module on both).
"""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from conftest import api_client_for, user_with_role
from littlelemon.bookings.models import Booking
from littlelemon.bookings.tests.factories import BookingFactory, TableFactory, future_start
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.orders.models import Order
from littlelemon.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

FAR_OFFSETS = ["+23:59", "-23:59", "+16:00", "-15:59"]
EXTREME_MOMENTS = [
    "9999-12-31T23:59:59-23:59",  # past year 9999 in UTC
    "0001-01-01T00:00:00+23:59",  # before year 1 in UTC
    "9999-12-31T23:59:59.999999+00:00",
    "0001-01-01T00:00:00+00:00",
]
HUGE_IDS = [2**63, 10**30]


def in_offset(moment, offset: str) -> str:
    """`moment` written in another UTC offset, e.g. +23:59 (the same instant)."""
    sign = 1 if offset[0] == "+" else -1
    hours, minutes = map(int, offset[1:].split(":"))
    shift = sign * timedelta(hours=hours, minutes=minutes)
    return (moment.astimezone(UTC) + shift).replace(tzinfo=None).isoformat() + offset


def refused(response, field: str) -> None:
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert field in body["fields"], body


# --- orders ------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", FAR_OFFSETS)
def test_a_scheduled_time_in_any_iso_offset_is_the_same_instant(offset):
    customer = user_with_role("customer")
    CartLineFactory(user=customer)
    moment = (timezone.now() + timedelta(days=2)).replace(microsecond=0)

    response = api_client_for(customer).post(
        "/api/v1/orders/", {"fulfilment": "pickup", "scheduled_for": in_offset(moment, offset)}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert Order.objects.get().scheduled_for == moment


@pytest.mark.parametrize("value", EXTREME_MOMENTS)
def test_a_scheduled_time_at_the_ends_of_the_calendar_is_a_400(value):
    customer = user_with_role("customer")
    CartLineFactory(user=customer)

    response = api_client_for(customer).post(
        "/api/v1/orders/", {"fulfilment": "pickup", "scheduled_for": value}, format="json"
    )

    refused(response, "scheduled_for")
    assert not Order.objects.exists()


@pytest.mark.parametrize("value", EXTREME_MOMENTS)
@pytest.mark.parametrize("name", ["created_after", "created_before"])
def test_order_date_filters_at_the_ends_of_the_calendar_never_fail(name, value):
    OrderFactory()

    response = api_client_for(user_with_role("manager")).get("/api/v1/orders/", {name: value})

    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 400:
        assert name in response.json()["fields"]


@pytest.mark.parametrize("value", [*HUGE_IDS, -1, 0])
def test_an_order_filter_by_a_driver_beyond_64_bits_is_a_400(value):
    response = api_client_for(user_with_role("manager")).get("/api/v1/orders/", {"delivery_crew": value})

    refused(response, "delivery_crew")


# --- bookings ----------------------------------------------------------------------------


@pytest.mark.parametrize("offset", FAR_OFFSETS)
def test_a_booking_start_in_any_iso_offset_is_the_same_instant(offset):
    TableFactory()
    start = future_start()

    response = api_client_for(user_with_role("customer")).post(
        "/api/v1/bookings/", {"start": in_offset(start, offset), "party_size": 2}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert Booking.objects.get().start == start


@pytest.mark.parametrize("offset", FAR_OFFSETS)
def test_moving_a_booking_in_any_iso_offset_is_the_same_instant(offset):
    customer = user_with_role("customer")
    booking = BookingFactory(customer=customer, start=future_start(), table=TableFactory())
    later = future_start(hour=21)

    response = api_client_for(customer).patch(
        f"/api/v1/bookings/{booking.pk}/", {"start": in_offset(later, offset)}, format="json"
    )

    assert response.status_code == 200, response.json()
    booking.refresh_from_db()
    assert booking.start == later


@pytest.mark.parametrize("role", ["customer", "manager"])
@pytest.mark.parametrize("value", EXTREME_MOMENTS)
def test_a_booking_start_at_the_ends_of_the_calendar_is_a_400(role, value):
    user = user_with_role(role)
    booking = BookingFactory(customer=user, start=future_start(), table=TableFactory())
    client = api_client_for(user)

    created = client.post("/api/v1/bookings/", {"start": value, "party_size": 2}, format="json")
    moved = client.patch(f"/api/v1/bookings/{booking.pk}/", {"start": value}, format="json")

    refused(created, "start")
    refused(moved, "start")
    assert list(Booking.objects.values_list("pk", "start")) == [(booking.pk, booking.start)]


@pytest.mark.parametrize("role", ["anonymous", "manager"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1970-01-01"])
def test_availability_at_the_ends_of_the_calendar_has_no_slots(role, day):
    TableFactory()

    response = api_client_for(user_with_role(role)).get(
        "/api/v1/bookings/availability/", {"date": day, "party_size": 2}
    )

    assert response.status_code == 200, response.content[:300]
    assert response.json()["slots"] == []


@pytest.mark.parametrize("role", ["anonymous", "manager"])
@pytest.mark.parametrize("party_size", HUGE_IDS)
def test_availability_for_a_party_beyond_64_bits_never_fails(role, party_size):
    TableFactory()

    response = api_client_for(user_with_role(role)).get(
        "/api/v1/bookings/availability/", {"date": future_start().date().isoformat(), "party_size": party_size}
    )

    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 200:
        assert response.json()["slots"] == []
    else:
        assert "party_size" in response.json()["fields"]


# --- ids in paths ------------------------------------------------------------------------

DETAIL_PATHS = [
    ("GET", "/api/v1/orders/{id}/"),
    ("GET", "/api/v1/orders/{id}/events/"),
    ("POST", "/api/v1/orders/{id}/status/"),
    ("POST", "/api/v1/orders/{id}/assign/"),
    ("GET", "/api/v1/bookings/{id}/"),
    ("PATCH", "/api/v1/bookings/{id}/"),
    ("DELETE", "/api/v1/bookings/{id}/"),
    ("POST", "/api/v1/bookings/{id}/status/"),
    ("PATCH", "/api/v1/cart/items/{id}/"),
    ("DELETE", "/api/v1/cart/items/{id}/"),
    ("GET", "/api/v1/tables/{id}/"),
]


@pytest.mark.parametrize("value", HUGE_IDS)
@pytest.mark.parametrize(("method", "path"), DETAIL_PATHS)
def test_an_id_beyond_64_bits_in_a_path_is_a_json_404(method, path, value):
    response = api_client_for(user_with_role("manager")).generic(
        method, path.format(id=value), '{"status": "accepted", "quantity": 2}', content_type="application/json"
    )

    assert response.status_code == 404, response.content[:300]
    assert response.json()["code"] == "not_found"
