"""Object-level access to bookings: another customer's booking, through every endpoint that takes
its id, for every role.

The owner is a customer with an upcoming confirmed booking; the caller a fresh user in each role.
Only managers (and admins) see or change it; anyone else gets a 404 that does not confirm it
exists, the booking and the outbox stay as they were, and the owner's notes and name never
appear. The status action is for managers whatever the booking: its refusal is the same 403 for
every id (a role check), so it says nothing about the booking either.
"""

import pytest

from littlelemon.api.tests.matrix import (
    ADMIN,
    ANON,
    CREW,
    CUSTOMER,
    KITCHEN,
    MANAGER,
    ObjectRow,
    object_cell_ids,
    object_cells,
    run_object_row,
    signed_in,
)
from littlelemon.apikeys.scopes import BOOKINGS_READ, BOOKINGS_WRITE
from littlelemon.audit.models import AuditEntry
from littlelemon.bookings.models import Booking
from littlelemon.events.models import OutboxEvent

from .factories import BookingFactory, TableFactory, future_start

NOTES = "Proposal at dessert, keep it secret"
MANAGERS = frozenset({MANAGER, ADMIN})


def expect(manager: int, others: int = 404) -> dict[str, int]:
    return {ANON: 401, CUSTOMER: others, KITCHEN: others, CREW: others, MANAGER: manager, ADMIN: manager}


def _owners_booking(owner) -> dict:
    owner.first_name, owner.last_name = "Olive", "Owner"
    owner.save()
    TableFactory(seats=6)
    booking = BookingFactory(customer=owner, start=future_start(), party_size=2, notes=NOTES, table=TableFactory())
    return {"booking": booking.pk, "owner": owner.pk, "start": future_start(hour=20).isoformat()}


def _state(context) -> dict:
    return {
        "booking": Booking.objects.filter(pk=context["booking"]).values().get(),
        "outbox": list(OutboxEvent.objects.values()),
        "audit": list(AuditEntry.objects.values()),
    }


def _secrets(context) -> list[str]:
    return [NOTES, "Olive Owner"]


def row(method: str, path: str, expected: dict[str, int], payload=None) -> ObjectRow:
    return ObjectRow(
        method,
        path,
        expected,
        setup=_owners_booking,
        state=_state,
        secrets=_secrets,
        payload=payload,
        may_see=MANAGERS,
        may_change=MANAGERS,
        scope=BOOKINGS_READ if method == "GET" else BOOKINGS_WRITE,
    )


ROWS = [
    row("GET", "/api/v1/bookings/{booking}/", expect(200)),
    row(
        "PATCH",
        "/api/v1/bookings/{booking}/",
        expect(200),
        payload=lambda ctx: {"party_size": 6, "notes": "changed by someone else", "start": ctx["start"]},
    ),
    row("PATCH", "/api/v1/bookings/{booking}/", expect(200), payload=lambda ctx: {"notes": "hijacked"}),
    row("PUT", "/api/v1/bookings/{booking}/", signed_in(405), payload=lambda ctx: {"party_size": 6}),
    row("DELETE", "/api/v1/bookings/{booking}/", expect(204)),
    row(
        "POST",
        "/api/v1/bookings/{booking}/status/",
        expect(200, others=403),
        payload=lambda ctx: {"status": "cancelled"},
    ),
    # the list is the caller's own; ids in the query address nothing
    row("GET", "/api/v1/bookings/?customer={owner}&id={booking}&user={owner}", signed_in(200)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), object_cells(ROWS), ids=object_cell_ids(ROWS))
def test_no_role_but_managers_reaches_another_customers_booking(row, role):
    run_object_row(row, role)
