"""The audit trail of every change the API can make today: who, what, before and after, from where.

A row per change: the menu, roles, settings, hours and closures; an order's status changes and
its delivery crew; every booking write (create, update, cancel, status). OrderEvent stays the
order's own timeline; the trail is the admin's record.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from conftest import api_client_for, user_with_role
from littlelemon.accounts.services import role_grant
from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.audit.models import AuditEntry
from littlelemon.bookings import services as booking_services
from littlelemon.bookings.models import Booking
from littlelemon.bookings.tests.factories import BookingFactory, TableFactory, future_start
from littlelemon.core.tests.faults import InjectedFault, fail_on, rows
from littlelemon.events.models import OutboxEvent
from littlelemon.menu import services as menu_services
from littlelemon.menu.models import MenuItem
from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory
from littlelemon.orders import transitions
from littlelemon.orders.models import Order, OrderEvent
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.restaurant.tests.factories import ClosureFactory, OpeningHoursFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Change:
    name: str
    role: str
    method: str
    path: str
    action: str
    object_type: str
    changes: Callable[[dict[str, Any]], dict[str, Any]]  # ctx -> the entry's changes (a subset)
    payload: Callable[[dict[str, Any]], Any] | None = None
    setup: Callable[[], dict[str, Any]] = field(default=lambda: {})

    def __str__(self) -> str:
        return self.name


def _dish() -> dict:
    item = MenuItemFactory(
        title="Soup", price=Decimal("6.50"), available=True, category=CategoryFactory(title="Starters")
    )
    return {"id": item.pk}


def _member(role: str) -> Callable[[], dict]:
    return lambda: {"id": UserFactory(roles=[role]).pk}


def _order(status: str = "placed", **fields) -> Callable[[], dict]:
    def setup() -> dict:
        return {"id": OrderFactory(status=status, **fields).pk}

    return setup


def _order_and_driver(previous: bool = False) -> Callable[[], dict]:
    def setup() -> dict:
        driver = UserFactory(username="dana-driver", roles=["delivery-crew"])
        before = UserFactory(username="pat-driver", roles=["delivery-crew"]) if previous else None
        return {"id": OrderFactory(status="accepted", delivery_crew=before).pk, "driver": driver.pk}

    return setup


def _table() -> dict:
    table = TableFactory(label="T7", seats=4)
    return {"table": table.pk, "start": future_start().isoformat()}


def _booking() -> dict:
    start = future_start()
    booking = BookingFactory(start=start, table=TableFactory(label="T7", seats=4), party_size=2, notes="Window, please")
    return {"id": booking.pk, "start": start}


def _booking_starting_soon() -> dict:
    """A booking a party can be seated for now (seating opens BOOKING_SEAT_EARLY_MINUTES before it)."""
    start = timezone.now() + timedelta(minutes=10)
    booking = BookingFactory(start=start, table=TableFactory(label="T7", seats=4), party_size=2)
    return {"id": booking.pk, "start": start}


def _utc(moment) -> str:
    """How the trail writes a datetime (DjangoJSONEncoder, UTC)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


TRAIL = [
    Change(
        "a price change",
        "manager",
        "PATCH",
        "/api/v1/menu-items/{id}/",
        "menu_item.update",
        "menu.menuitem",
        payload=lambda ctx: {"price": "7.25"},
        setup=_dish,
        changes=lambda ctx: {"price": {"before": "6.50", "after": "7.25"}},
    ),
    Change(
        "a dish sold out",
        "manager",
        "PATCH",
        "/api/v1/menu-items/{id}/",
        "menu_item.update",
        "menu.menuitem",
        payload=lambda ctx: {"available": False},
        setup=_dish,
        changes=lambda ctx: {"available": {"before": True, "after": False}},
    ),
    Change(
        "a new dish",
        "manager",
        "POST",
        "/api/v1/menu-items/",
        "menu_item.create",
        "menu.menuitem",
        payload=lambda ctx: {"title": "Pie", "price": "5.00", "category": ctx["slug"]},
        setup=lambda: {"slug": CategoryFactory(slug="desserts", title="Desserts").slug},
        changes=lambda ctx: {
            "title": {"before": None, "after": "Pie"},
            "price": {"before": None, "after": "5.00"},
            "category": {"before": None, "after": "Desserts"},
        },
    ),
    Change(
        "a dish removed",
        "manager",
        "DELETE",
        "/api/v1/menu-items/{id}/",
        "menu_item.delete",
        "menu.menuitem",
        setup=_dish,
        changes=lambda ctx: {"title": {"before": "Soup", "after": None}, "price": {"before": "6.50", "after": None}},
    ),
    Change(
        "a new category",
        "manager",
        "POST",
        "/api/v1/categories/",
        "category.create",
        "menu.category",
        payload=lambda ctx: {"title": "Drinks"},
        changes=lambda ctx: {"title": {"before": None, "after": "Drinks"}},
    ),
    Change(
        "a category renamed",
        "manager",
        "PATCH",
        "/api/v1/categories/{slug}/",
        "category.update",
        "menu.category",
        payload=lambda ctx: {"title": "Cold drinks"},
        setup=lambda: {"slug": CategoryFactory(slug="drinks", title="Drinks").slug},
        changes=lambda ctx: {"title": {"before": "Drinks", "after": "Cold drinks"}},
    ),
    Change(
        "a category removed",
        "manager",
        "DELETE",
        "/api/v1/categories/{slug}/",
        "category.delete",
        "menu.category",
        setup=lambda: {"slug": CategoryFactory(slug="drinks", title="Drinks").slug},
        changes=lambda ctx: {"title": {"before": "Drinks", "after": None}},
    ),
    Change(
        "a manager appointed",
        "admin",
        "POST",
        "/api/v1/groups/manager/users/",
        "role.grant",
        "accounts.user",
        payload=lambda ctx: {"user": ctx["id"]},
        setup=_member("kitchen"),
        changes=lambda ctx: {"roles": {"before": ["kitchen"], "after": ["kitchen", "manager"]}},
    ),
    Change(
        "a cook removed from the kitchen",
        "manager",
        "DELETE",
        "/api/v1/groups/kitchen/users/{id}/",
        "role.revoke",
        "accounts.user",
        setup=_member("kitchen"),
        changes=lambda ctx: {"roles": {"before": ["kitchen"], "after": []}},
    ),
    Change(
        "the delivery fee raised",
        "manager",
        "PATCH",
        "/api/v1/settings/",
        "restaurant_settings.update",
        "restaurant.restaurantsettings",
        payload=lambda ctx: {"delivery_fee": "4.50"},
        changes=lambda ctx: {"delivery_fee": {"before": "0.00", "after": "4.50"}},
    ),
    Change(
        "opening hours added",
        "manager",
        "POST",
        "/api/v1/opening-hours/",
        "opening_hours.create",
        "restaurant.openinghours",
        payload=lambda ctx: {"weekday": 1, "opens": "11:00", "closes": "15:00"},
        changes=lambda ctx: {"opens": {"before": None, "after": "11:00:00"}},
    ),
    Change(
        "opening hours changed",
        "manager",
        "PATCH",
        "/api/v1/opening-hours/{id}/",
        "opening_hours.update",
        "restaurant.openinghours",
        payload=lambda ctx: {"closes": "23:00"},
        setup=lambda: {"id": OpeningHoursFactory(opens=time(11), closes=time(22)).pk},
        changes=lambda ctx: {"closes": {"before": "22:00:00", "after": "23:00:00"}},
    ),
    Change(
        "opening hours removed",
        "manager",
        "DELETE",
        "/api/v1/opening-hours/{id}/",
        "opening_hours.delete",
        "restaurant.openinghours",
        setup=lambda: {"id": OpeningHoursFactory().pk},
        changes=lambda ctx: {"weekday": {"before": 0, "after": None}},
    ),
    Change(
        "a closure added",
        "manager",
        "POST",
        "/api/v1/closures/",
        "closure.create",
        "restaurant.closure",
        payload=lambda ctx: {"date": "2031-12-25", "reason": "Christmas"},
        changes=lambda ctx: {"date": {"before": None, "after": "2031-12-25"}},
    ),
    Change(
        "a closure changed",
        "manager",
        "PATCH",
        "/api/v1/closures/{id}/",
        "closure.update",
        "restaurant.closure",
        payload=lambda ctx: {"reason": "Inventory"},
        setup=lambda: {"id": ClosureFactory(date="2031-01-02", reason="Holiday").pk},
        changes=lambda ctx: {"reason": {"before": "Holiday", "after": "Inventory"}},
    ),
    Change(
        "a closure removed",
        "manager",
        "DELETE",
        "/api/v1/closures/{id}/",
        "closure.delete",
        "restaurant.closure",
        setup=lambda: {"id": ClosureFactory(date="2031-01-02").pk},
        changes=lambda ctx: {"date": {"before": "2031-01-02", "after": None}},
    ),
    Change(
        "an order accepted",
        "manager",
        "POST",
        "/api/v1/orders/{id}/status/",
        "order.status_change",
        "orders.order",
        payload=lambda ctx: {"status": "accepted", "note": "20 minutes"},
        setup=_order(),
        changes=lambda ctx: {
            "status": {"before": "placed", "after": "accepted"},
            "note": {"before": None, "after": "20 minutes"},
        },
    ),
    Change(
        "an order marked ready by the kitchen",
        "kitchen",
        "POST",
        "/api/v1/orders/{id}/status/",
        "order.status_change",
        "orders.order",
        payload=lambda ctx: {"status": "ready"},
        setup=_order("preparing", fulfilment="pickup"),
        changes=lambda ctx: {"status": {"before": "preparing", "after": "ready"}},
    ),
    Change(
        "an order cancelled, its payment void",
        "manager",
        "POST",
        "/api/v1/orders/{id}/status/",
        "order.status_change",
        "orders.order",
        payload=lambda ctx: {"status": "cancelled"},
        setup=_order("accepted"),
        changes=lambda ctx: {
            "status": {"before": "accepted", "after": "cancelled"},
            "payment_status": {"before": "pending", "after": "void"},
        },
    ),
    Change(
        "a driver assigned",
        "manager",
        "POST",
        "/api/v1/orders/{id}/assign/",
        "order.assign",
        "orders.order",
        payload=lambda ctx: {"delivery_crew": ctx["driver"]},
        setup=_order_and_driver(),
        changes=lambda ctx: {"delivery_crew": {"before": None, "after": "dana-driver"}},
    ),
    Change(
        "an order handed to another driver",
        "manager",
        "POST",
        "/api/v1/orders/{id}/assign/",
        "order.assign",
        "orders.order",
        payload=lambda ctx: {"delivery_crew": ctx["driver"]},
        setup=_order_and_driver(previous=True),
        changes=lambda ctx: {"delivery_crew": {"before": "pat-driver", "after": "dana-driver"}},
    ),
    Change(
        "a table booked by a customer",
        "customer",
        "POST",
        "/api/v1/bookings/",
        "booking.create",
        "bookings.booking",
        payload=lambda ctx: {"start": ctx["start"], "party_size": 2, "notes": "Birthday"},
        setup=_table,
        changes=lambda ctx: {
            "party_size": {"before": None, "after": 2},
            "notes": {"before": None, "after": "Birthday"},
            "status": {"before": None, "after": "confirmed"},
            "table": {"before": None, "after": "T7 (4 seats)"},
        },
    ),
    Change(
        "a guest booked by a manager",
        "manager",
        "POST",
        "/api/v1/bookings/",
        "booking.create",
        "bookings.booking",
        payload=lambda ctx: {"start": ctx["start"], "party_size": 3, "guest_name": "Ada", "table": ctx["table"]},
        setup=_table,
        changes=lambda ctx: {
            "guest_name": {"before": None, "after": "Ada"},
            "party_size": {"before": None, "after": 3},
            "table": {"before": None, "after": "T7 (4 seats)"},
        },
    ),
    Change(
        "a booking moved and enlarged",
        "manager",
        "PATCH",
        "/api/v1/bookings/{id}/",
        "booking.update",
        "bookings.booking",
        payload=lambda ctx: {"party_size": 3, "start": (ctx["start"] + timedelta(hours=1)).isoformat()},
        setup=_booking,
        changes=lambda ctx: {
            "party_size": {"before": 2, "after": 3},
            "start": {"before": _utc(ctx["start"]), "after": _utc(ctx["start"] + timedelta(hours=1))},
        },
    ),
    Change(
        "a booking's notes changed",
        "manager",
        "PATCH",
        "/api/v1/bookings/{id}/",
        "booking.update",
        "bookings.booking",
        payload=lambda ctx: {"notes": "Terrace"},
        setup=_booking,
        changes=lambda ctx: {"notes": {"before": "Window, please", "after": "Terrace"}},
    ),
    Change(
        "a booking cancelled",
        "manager",
        "DELETE",
        "/api/v1/bookings/{id}/",
        "booking.cancel",
        "bookings.booking",
        setup=_booking,
        changes=lambda ctx: {"status": {"before": "confirmed", "after": "cancelled"}},
    ),
    Change(
        "a party seated",
        "manager",
        "POST",
        "/api/v1/bookings/{id}/status/",
        "booking.status_change",
        "bookings.booking",
        payload=lambda ctx: {"status": "seated"},
        setup=_booking_starting_soon,
        changes=lambda ctx: {"status": {"before": "confirmed", "after": "seated"}},
    ),
]


@pytest.mark.parametrize("change", TRAIL, ids=str)
def test_every_change_is_recorded_with_who_what_and_where(change):
    context = change.setup()
    user = user_with_role(change.role)
    client = api_client_for(user)
    payload = change.payload(context) if change.payload else None

    response = client.generic(
        change.method,
        change.path.format(**context),
        "" if payload is None else json.dumps(payload),
        content_type="application/json",
        REMOTE_ADDR="198.51.100.23",
        HTTP_USER_AGENT="LemonTill/2.1",
    )

    assert response.status_code in (200, 201, 204), response.content
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_name, entry.action, entry.object_type) == (
        user,
        user.username,
        change.action,
        change.object_type,
    )
    assert (entry.ip_address, entry.user_agent) == ("198.51.100.23", "LemonTill/2.1")
    expected = change.changes(context)
    assert {name: entry.changes.get(name) for name in expected} == expected


def test_a_change_that_changes_nothing_is_not_recorded(client_as, manager):
    item = MenuItemFactory(price=Decimal("6.50"))

    response = client_as(manager).patch(f"/api/v1/menu-items/{item.pk}/", {"price": "6.50"}, format="json")

    assert response.status_code == 200
    assert not AuditEntry.objects.exists()


def test_changes_made_by_scripts_are_recorded_without_an_actor():
    menu_services.menu_item_create(title="Soup", price=Decimal("6.50"), category=CategoryFactory())

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_name, entry.action) == (None, "", "menu_item.create")


def test_a_customer_cancelling_their_own_booking_is_recorded_as_them(customer):
    booking = BookingFactory(customer=customer, start=future_start(), table=TableFactory())

    booking_services.booking_cancel(booking=booking, actor=customer)

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_type, entry.object_id) == (
        customer,
        "booking.cancel",
        "bookings.booking",
        str(booking.pk),
    )
    assert entry.changes == {"status": {"before": "confirmed", "after": "cancelled"}}


def test_a_refused_status_change_records_nothing(client_as, customer):
    order = OrderFactory(customer=customer, status="accepted")

    response = client_as(customer).post(f"/api/v1/orders/{order.pk}/status/", {"status": "cancelled"})

    assert response.status_code == 403
    assert not AuditEntry.objects.exists()


class TestAtomicity:
    """The entry is written in the change's transaction: when recording fails, the change is undone."""

    def test_a_price_change_is_undone_when_its_entry_cannot_be_written(self, manager):
        item = MenuItemFactory(price=Decimal("6.50"))
        before = rows(MenuItem, AuditEntry)

        with fail_on("littlelemon.menu.services.audit_record"), pytest.raises(InjectedFault):
            menu_services.menu_item_update(item=item, data={"price": Decimal("1.00")}, actor=manager)

        assert rows(MenuItem, AuditEntry) == before

    def test_a_role_grant_is_undone_when_its_entry_cannot_be_written(self, admin_user):
        user = UserFactory()

        with fail_on("littlelemon.accounts.services.audit_record"), pytest.raises(InjectedFault):
            role_grant(actor=admin_user, role="manager", user=user)

        assert not user.groups.exists()
        assert not Group.objects.get(name="manager").user_set.exists()

    def test_an_order_status_change_is_undone_when_its_entry_cannot_be_written(self, manager):
        order = OrderFactory(status="placed")
        before = rows(Order, OrderEvent, OutboxEvent, AuditEntry)

        with fail_on("littlelemon.orders.transitions.audit_record"), pytest.raises(InjectedFault):
            transitions.order_status_change(order=order.pk, actor=manager, status="accepted")

        assert rows(Order, OrderEvent, OutboxEvent, AuditEntry) == before

    def test_an_assignment_is_undone_when_its_entry_cannot_be_written(self, manager):
        order = OrderFactory(status="accepted")
        driver = UserFactory(roles=["delivery-crew"])
        before = rows(Order, OrderEvent, OutboxEvent, AuditEntry)

        with fail_on("littlelemon.orders.transitions.audit_record"), pytest.raises(InjectedFault):
            transitions.order_assign(order=order.pk, actor=manager, delivery_crew=driver)

        assert rows(Order, OrderEvent, OutboxEvent, AuditEntry) == before

    @pytest.mark.parametrize("write", ["create", "update", "cancel", "status"])
    def test_a_booking_write_is_undone_when_its_entry_cannot_be_written(self, manager, write):
        table = TableFactory(seats=6)
        booking = BookingFactory(start=timezone.now() + timedelta(minutes=10), table=table)  # seatable now
        before = rows(Booking, OutboxEvent, AuditEntry)
        call = {
            "create": lambda: booking_services.booking_create(
                actor=manager, start=future_start(hour=21), party_size=2, guest_name="Ada"
            ),
            "update": lambda: booking_services.booking_update(booking=booking, actor=manager, data={"party_size": 5}),
            "cancel": lambda: booking_services.booking_cancel(booking=booking, actor=manager),
            "status": lambda: booking_services.booking_status_change(booking=booking, actor=manager, status="seated"),
        }[write]

        with fail_on("littlelemon.bookings.services.audit_record"), pytest.raises(InjectedFault):
            call()

        assert rows(Booking, OutboxEvent, AuditEntry) == before

    def test_through_the_api_the_failure_is_a_json_500_and_nothing_changes(self, manager):
        item = MenuItemFactory(price=Decimal("6.50"))
        client = api_client_for(manager)
        client.raise_request_exception = False

        with fail_on("littlelemon.menu.services.audit_record"):
            response = client.patch(f"/api/v1/menu-items/{item.pk}/", {"price": "1.00"}, format="json")

        assert response.status_code == 500 and response.json()["code"] == "server_error"
        item.refresh_from_db()
        assert item.price == Decimal("6.50")


class TestAdmin:
    def test_the_trail_is_listed_for_the_admin_with_its_filters(self, client_as, manager, admin_user):
        client_as(manager).patch(f"/api/v1/menu-items/{MenuItemFactory(title='Soup').pk}/", {"price": "9.99"})
        client = Client()
        client.force_login(admin_user)

        page = client.get("/admin/audit/auditentry/?action=menu_item.update")

        html = page.content.decode()
        assert page.status_code == 200
        assert "menu_item.update" in html and "Soup" in html and manager.username in html
        assert "price: &#x27;10.00&#x27; → &#x27;9.99&#x27;" in html
        for filter_name in ("action", "object_type", "actor", "created"):
            assert f"By {filter_name.replace('_', ' ')}" in html or filter_name in html

    def test_order_and_booking_changes_are_listed_for_the_admin(self, client_as, manager, admin_user):
        order = OrderFactory(status="placed")
        booking = BookingFactory(
            start=timezone.now() + timedelta(minutes=10), table=TableFactory(), guest_name="<b>Ada</b>", customer=None
        )
        client_as(manager).post(f"/api/v1/orders/{order.pk}/status/", {"status": "accepted"})
        client_as(manager).post(f"/api/v1/bookings/{booking.pk}/status/", {"status": "seated"})
        client = Client()
        client.force_login(admin_user)

        orders = client.get("/admin/audit/auditentry/?object_type=orders.order").content.decode()
        bookings = client.get("/admin/audit/auditentry/?action=booking.status_change").content.decode()
        entry = AuditEntry.objects.get(action="booking.status_change")
        detail = client.get(f"/admin/audit/auditentry/{entry.pk}/change/").content.decode()

        assert "order.status_change" in orders and f"Order #{order.pk}" in orders and manager.username in orders
        assert "status: &#x27;placed&#x27; → &#x27;accepted&#x27;" in orders
        assert "booking.status_change" in bookings and "status: &#x27;confirmed&#x27; → &#x27;seated&#x27;" in bookings
        assert "<b>Ada</b>" not in bookings + detail and "&lt;b&gt;Ada&lt;/b&gt;" in detail

    def test_the_trail_cannot_be_added_to_changed_or_deleted(self, client_as, manager, admin_user):
        client_as(manager).patch(f"/api/v1/menu-items/{MenuItemFactory().pk}/", {"price": "9.99"})
        entry = AuditEntry.objects.get()
        client = Client()
        client.force_login(admin_user)

        add = client.get("/admin/audit/auditentry/add/")
        change = client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"action": "forged"})
        delete = client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
        view = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")

        assert (add.status_code, change.status_code, delete.status_code, view.status_code) == (403, 403, 403, 200)
        entry.refresh_from_db()
        assert entry.action == "menu_item.update"

    def test_only_admins_see_the_trail(self, manager):
        manager.is_staff = True
        manager.save()
        client = Client()
        client.force_login(manager)

        assert client.get("/admin/audit/auditentry/").status_code == 403
