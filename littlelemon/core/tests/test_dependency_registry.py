"""One registry of what an ETag depends on, checked against what runs.

- Every trigger the core migrations' SPECS describe (and the SQLite double-booking guard) exists
  after a full `migrate` (the test database is made by one), on SQLite and on PostgreSQL: a
  later migration that rebuilds a table on SQLite drops its triggers and must recreate them.
- Every endpoint and page that sends an ETag is rendered once with its queries captured: each
  table its SQL reads must be one whose writes bump a stamp the ETag was built from (the names in
  the stamps query it ran). The tables come from the SQL the view actually ran, the table→stamp
  map from the SPECS the triggers are made from: adding a table to a response without its stamp
  fails here.
"""

import importlib
import re
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.bookings.tests.factories import BookingFactory, TableFactory
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.models import OrderEvent
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.restaurant.tests.factories import OpeningHoursFactory

pytestmark = pytest.mark.django_db

MIGRATIONS = [
    importlib.import_module("littlelemon.core.migrations.0001_data_versions"),
    importlib.import_module("littlelemon.core.migrations.0003_menu_stamp"),
    importlib.import_module("littlelemon.bookings.migrations.0005_combination_stamps"),
    importlib.import_module("littlelemon.menu.migrations.0007_portions_and_windows"),
    importlib.import_module("littlelemon.recommendations.migrations.0002_recommendations_stamp"),
]
STAMPS_TABLE = "core_dataversion"
# Read by the machinery around every answer, not by what the answer shows.
NOT_SHOWN = {STAMPS_TABLE, "django_session"}


def specs() -> list[tuple[int, str, tuple[str, ...], tuple[str, ...] | None]]:
    """(trigger number, table, name expressions, columns) of every core migration's SPECS."""
    rows = []
    for module in MIGRATIONS:
        first = getattr(module, "FIRST", 0)
        rows += [(first + n, table, names, columns) for n, (table, names, columns) in enumerate(module.SPECS)]
    return rows


def stamp_kind(name: str) -> str:
    """`cart:12` and `'cart:' || {row}.user_id` are both `cart:*`; `'menu'` and `menu` are `menu`."""
    name = name.strip()
    if name.startswith("'"):
        literal = name[1:].split("'", 1)[0]
        return f"{literal}*" if literal.endswith(":") else literal
    return f"{name.split(':', 1)[0]}:*" if ":" in name else name


def table_stamps() -> dict[str, set[str]]:
    """Which stamps (by kind) the writes of each table bump, from the triggers' SPECS."""
    registry: dict[str, set[str]] = {}
    for _, table, names, _ in specs():
        registry.setdefault(table, set()).update(stamp_kind(name) for name in names)
    return registry


TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"?([a-z_][a-z0-9_]*)"?', re.IGNORECASE)


ROLES_TABLES = {"auth_group", "accounts_user_groups"}


def tables_read(queries, *, asker: set[str]) -> set[str]:
    """The tables the answer's own queries read: not those that say who asks (the queries the 304
    ran too, `asker`: the session, the user), nor the asker's roles."""
    tables = set()
    for query in queries:
        found = set(TABLE.findall(query["sql"]))
        if query["sql"] in asker or found <= ROLES_TABLES:  # the asker's roles: `user:<id>`, `roles`
            continue
        tables |= found
    return tables - NOT_SHOWN


def stamps_used(queries) -> set[str]:
    """The stamps the ETag was built from, as read; `user:<id>` vouches for the asker's own row and
    roles only, so it covers no table the answer shows."""
    [read] = [query["sql"] for query in queries if STAMPS_TABLE in query["sql"]]
    return {stamp_kind(name) for name in re.findall(r"'([^']*)'", read)} - {"user:*"}


def stamps_sql(queries) -> str:
    return next(query["sql"] for query in queries if STAMPS_TABLE in query["sql"])


def unstamped(tables: set[str], used: set[str]) -> set[str]:
    """The tables none of whose stamps is among `used`."""
    registry = table_stamps()
    return {table for table in tables if not registry.get(table, set()) & used}


class TestTriggers:
    def expected(self) -> set[str]:
        names = {f"core_dv_{number}_{table}_{event.lower()}" for number, table, _, _ in specs() for event in
                 ("INSERT", "UPDATE", "DELETE")}  # fmt: skip
        if connection.vendor == "postgresql":
            names |= {f"core_dv_{table}_truncate" for _, table, _, _ in specs()}
        else:
            names |= {"bookings_booking_no_overlap_insert", "bookings_booking_no_overlap_update"}
            names |= {"bookings_occupancy_no_overlap_insert", "bookings_occupancy_no_overlap_update"}
        return names

    def existing(self) -> dict[str, str]:
        """{trigger name: table} of the database's own triggers."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")
            else:
                cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
            return dict(cursor.fetchall())

    def test_every_trigger_exists_on_its_table_after_a_full_migrate(self):
        existing = self.existing()

        missing = self.expected() - set(existing)
        assert not missing, f"triggers missing after migrate: {sorted(missing)}"
        for number, table, _, _ in specs():
            assert existing[f"core_dv_{number}_{table}_insert"] == table

    def test_the_menus_old_stamp_and_triggers_are_gone(self):
        existing = self.existing()

        assert not [name for name in existing if "_version" in name]
        assert "menu_menuversion" not in connection.introspection.table_names()

    def test_no_two_specs_share_a_trigger_number(self):
        numbers = [number for number, *_ in specs()]
        assert len(numbers) == len(set(numbers)) == max(numbers) + 1


def test_the_checker_finds_a_table_without_its_stamp():
    assert unstamped({"menu_menuitem", "bookings_table", "orders_order"}, {"menu", "orders:*"}) == {"bookings_table"}
    assert stamp_kind("'orders:' || (SELECT customer_id FROM orders_order WHERE id = {row}.order_id)") == "orders:*"


@pytest.fixture
def world(db):
    """A bit of everything, so that every endpoint reads every table it can."""
    customer, crew, manager = UserFactory(), UserFactory(roles=["delivery-crew"]), UserFactory(roles=["manager"])
    dish = MenuItemFactory(category=CategoryFactory(slug="mains"), image="menu/dish.jpg")
    CartLineFactory(user=customer, menuitem=dish)
    order = OrderFactory(customer=customer, delivery_crew=crew, items=2)
    OrderEvent.objects.create(order=order, kind="status", from_status="placed", to_status=OrderStatus.PLACED)
    for weekday in range(7):
        OpeningHoursFactory(weekday=weekday, opens=time(0), closes=time(23, 59))
    table = TableFactory(seats=4)
    booking = BookingFactory(customer=customer, table=table, start=timezone.now() + timedelta(days=1))
    return {"customer": customer, "crew": crew, "manager": manager, "dish": dish, "order": order, "booking": booking}


DAY = (timezone.localdate() + timedelta(days=1)).isoformat()

# (who asks, path(world)); every API endpoint and page that sends an ETag.
ENDPOINTS = [
    (None, lambda w: "/api/v1/menu-items/"),
    (None, lambda w: f"/api/v1/menu-items/{w['dish'].pk}/"),
    (None, lambda w: "/api/v1/categories/"),
    (None, lambda w: "/api/v1/categories/mains/"),
    (None, lambda w: f"/api/v1/bookings/availability/?date={DAY}&party_size=2"),
    ("manager", lambda w: f"/api/v1/bookings/availability/?date={DAY}&party_size=2"),
    ("customer", lambda w: "/api/v1/cart/"),
    ("customer", lambda w: "/api/v1/orders/"),
    ("crew", lambda w: "/api/v1/orders/"),
    ("manager", lambda w: "/api/v1/orders/"),
    ("customer", lambda w: f"/api/v1/orders/{w['order'].pk}/"),
    ("manager", lambda w: f"/api/v1/orders/{w['order'].pk}/"),
    ("customer", lambda w: "/api/v1/bookings/"),
    ("manager", lambda w: "/api/v1/bookings/"),
    ("customer", lambda w: f"/api/v1/bookings/{w['booking'].pk}/"),
    ("page:customer", lambda w: reverse("web:order_status", args=[w["order"].pk]) + "?since=0"),
    (None, lambda w: "/api/v1/recommendations/"),
    ("customer", lambda w: "/api/v1/recommendations/"),
    (None, lambda w: f"/api/v1/menu-items/{w['dish'].pk}/pairs-well-with/"),
    ("customer", lambda w: f"/api/v1/menu-items/{w['dish'].pk}/pairs-well-with/"),
]


@pytest.mark.parametrize(("who", "path"), ENDPOINTS, ids=[f"{who}-{n}" for n, (who, _) in enumerate(ENDPOINTS)])
def test_every_table_an_etagged_answer_reads_bumps_a_stamp_its_etag_uses(world, client_as, client, who, path):
    path = path(world)
    if who is None:
        asker = client_as(None)
    elif who.startswith("page:"):
        client.force_login(world[who.removeprefix("page:")])
        asker = client
    else:
        asker = client_as(world[who])

    with CaptureQueriesContext(connection) as queries:
        response = asker.get(path)
    with CaptureQueriesContext(connection) as not_modified:
        assert asker.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    assert response.status_code == 200, response.content[:300]
    tables = tables_read(queries, asker={query["sql"] for query in not_modified} - {stamps_sql(not_modified)})
    assert tables, "nothing read: the check would prove nothing"
    missing = unstamped(tables, stamps_used(queries))
    assert not missing, f"{path} reads {sorted(missing)}, whose writes bump none of its ETag's stamps"
