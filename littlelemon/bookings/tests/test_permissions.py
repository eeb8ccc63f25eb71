"""Every new endpoint x every method x all six roles and an API key of each scope, on one's own bookings and on
someone else's."""

from dataclasses import replace

import pytest

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.api.tests.matrix import ADMIN, ANON, CREW, CUSTOMER, KITCHEN, MANAGER, Row, cell_ids, cells, run_row
from littlelemon.api.tests.matrix import everyone as everyone_gets
from littlelemon.api.tests.matrix import managers as managers_get
from littlelemon.api.tests.matrix import signed_in as signed_in_gets
from littlelemon.apikeys.scopes import BOOKINGS_READ, BOOKINGS_WRITE
from littlelemon.bookings.models import Booking

from .clock import TOMORROW, iso
from .factories import BookingFactory, TableFactory


def staff(status: int) -> dict[str, int]:
    return {ANON: 401, CUSTOMER: 403, KITCHEN: status, CREW: status, MANAGER: status, ADMIN: status}


def own_or_manager(status: int) -> dict[str, int]:
    """On someone else's booking: anonymous 401, other users 404 (they may not know it exists)."""
    return {ANON: 401, CUSTOMER: 404, KITCHEN: 404, CREW: 404, MANAGER: status, ADMIN: status}


def manager_only_action(status: int) -> dict[str, int]:
    return managers_get(status)


def _table(user):
    return {"table": TableFactory(label="M1").pk}


def _own_booking(user):
    """A booking of the caller's (of a stranger's for anonymous) and a free table."""
    owner = user or UserFactory()
    TableFactory()
    return {"booking": BookingFactory(customer=owner).pk}


def _others_booking(user):
    TableFactory()
    return {"booking": BookingFactory(customer=UserFactory()).pk}


def _floor(user):
    TableFactory(seats=4)
    return {}


BOOKING = {"start": iso(TOMORROW, 19), "party_size": 2}

ROWS = [
    Row("GET", "/api/v1/tables/", staff(200), scope=BOOKINGS_READ),
    Row("POST", "/api/v1/tables/", managers_get(201), payload=lambda ctx: {"label": "T9", "seats": 4}),
    Row("GET", "/api/v1/tables/{table}/", staff(200), setup=_table, scope=BOOKINGS_READ),
    Row(
        "PUT",
        "/api/v1/tables/{table}/",
        managers_get(200),
        setup=_table,
        payload=lambda ctx: {"label": "M1", "seats": 6, "area": "Main room", "active": True},
    ),
    Row("PATCH", "/api/v1/tables/{table}/", managers_get(200), setup=_table, payload=lambda ctx: {"seats": 2}),
    Row("DELETE", "/api/v1/tables/{table}/", managers_get(204), setup=_table),
    Row(
        "GET",
        "/api/v1/bookings/availability/?date=2026-06-02&party_size=2",
        everyone_gets(200),
        setup=_floor,
        scope=BOOKINGS_READ,
    ),
    Row("GET", "/api/v1/bookings/", signed_in_gets(200), scope=BOOKINGS_READ),
    # An integration books for guests only: without a guest's name it is a 400.
    Row(
        "POST",
        "/api/v1/bookings/",
        signed_in_gets(201),
        setup=_floor,
        payload=lambda ctx: BOOKING,
        scope=BOOKINGS_WRITE,
        key_status=400,
    ),
    Row(
        "POST",
        "/api/v1/bookings/",
        manager_only_action(201),
        setup=_floor,
        payload=lambda ctx: BOOKING | {"guest_name": "Ana Lima", "guest_phone": "+1 312 555 0100"},
        scope=BOOKINGS_WRITE,
    ),
    Row("GET", "/api/v1/bookings/{booking}/", signed_in_gets(200), setup=_own_booking, scope=BOOKINGS_READ),
    Row("GET", "/api/v1/bookings/{booking}/", own_or_manager(200), setup=_others_booking, scope=BOOKINGS_READ),
    Row(
        "PATCH",
        "/api/v1/bookings/{booking}/",
        signed_in_gets(200),
        setup=_own_booking,
        payload=lambda ctx: {"notes": "Hi"},
        scope=BOOKINGS_WRITE,
    ),
    Row(
        "PATCH",
        "/api/v1/bookings/{booking}/",
        own_or_manager(200),
        setup=_others_booking,
        payload=lambda ctx: {"notes": "Hi"},
        scope=BOOKINGS_WRITE,
    ),
    Row("DELETE", "/api/v1/bookings/{booking}/", signed_in_gets(204), setup=_own_booking, scope=BOOKINGS_WRITE),
    Row("DELETE", "/api/v1/bookings/{booking}/", own_or_manager(204), setup=_others_booking, scope=BOOKINGS_WRITE),
    Row(
        "POST",
        "/api/v1/bookings/{booking}/status/",
        manager_only_action(200),
        setup=_own_booking,
        payload=lambda ctx: {"status": "cancelled"},  # allowed at any time
        scope=BOOKINGS_WRITE,
    ),
    Row(
        "POST",
        "/api/v1/bookings/{booking}/status/",
        manager_only_action(200),
        setup=_others_booking,
        payload=lambda ctx: {"status": "cancelled"},  # allowed at any time
        scope=BOOKINGS_WRITE,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), cells(ROWS), ids=cell_ids(ROWS))
def test_permission_matrix(row, role, now):
    state = {}

    def setup(user):
        context = row.setup(user)
        state["before"] = bookings()
        return context

    response = run_row(replace(row, setup=setup), role)

    if response.status_code >= 400:
        assert bookings() == state["before"]  # a refusal changed nothing


def bookings():
    return set(Booking.objects.values_list("pk", "status", "notes", "customer_id"))
