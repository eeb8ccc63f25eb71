"""Version stamps (core migrations 0001, 0003): which writes change which stamps, and reading them.

Every row of the migration's SPECS gets an insert, an update and a delete through the ORM, and
the whole core_dataversion table is compared before and after: exactly the named stamps change.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from littlelemon.accounts.models import User
from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.bookings.models import Booking, Table
from littlelemon.bookings.tests.factories import BookingFactory, TableFactory
from littlelemon.cart.models import CartLine
from littlelemon.core.models import DataVersion
from littlelemon.core.stamps import stamps_read
from littlelemon.menu.models import (
    Category,
    ComboSlot,
    ComboSlotOption,
    MenuItem,
    MenuItemOptionGroup,
    OptionChoice,
    OptionGroup,
)
from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory
from littlelemon.orders.models import Order, OrderEvent, OrderItem
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.recommendations.models import ItemPair, ItemPopularity
from littlelemon.restaurant.models import Closure, OpeningHours, RestaurantSettings

SPECS = (
    importlib.import_module("littlelemon.core.migrations.0001_data_versions").SPECS
    + importlib.import_module("littlelemon.core.migrations.0003_menu_stamp").SPECS
    + importlib.import_module("littlelemon.recommendations.migrations.0002_recommendations_stamp").SPECS
    + importlib.import_module("littlelemon.core.migrations.0006_menu_options_stamp").SPECS
)

pytestmark = pytest.mark.django_db


def stamps() -> dict[str, int]:
    return dict(DataVersion.objects.values_list("name", "stamp"))


def changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """The names whose stamp was written (a new name, or a new value); a stamp is never removed."""
    assert set(before) <= set(after)
    return {name for name, stamp in after.items() if before.get(name) != stamp}


def changes(action: Callable[[], object]) -> set[str]:
    before = stamps()
    action()
    return changed(before, stamps())


def order_create(customer, delivery_crew=None) -> Order:
    return Order.objects.create(
        customer=customer,
        delivery_crew=delivery_crew,
        fulfilment="delivery",
        delivery_address="1 Lemon Street, Chicago",
        subtotal=Decimal("20.00"),
        delivery_fee=Decimal("5.00"),
        tax=Decimal("2.50"),
        tip=Decimal("0.00"),
        total=Decimal("27.50"),
    )


def item_create(order: Order, menuitem=None) -> OrderItem:
    """An item of `order` (make the dish before reading stamps: a new dish changes `menu`)."""
    menuitem = menuitem or MenuItemFactory(price=Decimal("4.00"))
    return OrderItem.objects.create(
        order=order,
        menuitem=menuitem,
        title=menuitem.title,
        unit_price=menuitem.price,
        quantity=1,
        price=menuitem.price,
    )


@dataclass(frozen=True)
class Case:
    """One SPECS row: `arrange()` makes what a row needs (before the stamps are read), `make(ctx)`
    inserts a row with Model.objects.create, `change` is the QuerySet.update of an update, and
    `names(row)` what an insert or a delete changes (`update_names(row)` an update, if different)."""

    spec: int
    model: type
    make: Callable[[dict], object]
    change: dict
    names: Callable[[object], set[str]]
    arrange: Callable[[], dict] = dict
    update_names: Callable[[object], set[str]] | None = None


def _crew_and_customer() -> dict:
    return {"customer": UserFactory(), "crew": UserFactory(roles=["delivery-crew"])}


CASES = [
    Case(
        0,
        RestaurantSettings,
        lambda ctx: RestaurantSettings.objects.create(pk=1),
        {"name": "Lemon"},
        lambda row: {"restaurant"},
        arrange=lambda: {"deleted": RestaurantSettings.objects.all().delete()},  # the migration made the one row
    ),
    Case(
        1,
        OpeningHours,
        lambda ctx: OpeningHours.objects.create(weekday=2, opens=time(11), closes=time(14)),
        {"closes": time(15)},
        lambda row: {"restaurant"},
    ),
    Case(
        2,
        Closure,
        lambda ctx: Closure.objects.create(date=timezone.localdate() + timedelta(days=3), reason="Holiday"),
        {"reason": "Private event"},
        lambda row: {"restaurant"},
    ),
    Case(3, Table, lambda ctx: Table.objects.create(label="W1", seats=4), {"active": False}, lambda row: {"bookings"}),
    Case(
        4,
        Booking,
        lambda ctx: Booking.objects.create(
            customer=ctx["customer"],
            table=ctx["table"],
            party_size=2,
            start=timezone.now() + timedelta(days=1),
            end=timezone.now() + timedelta(days=1, minutes=90),
        ),
        {"notes": "By the window"},
        lambda row: {"bookings"},
        arrange=lambda: {"customer": UserFactory(), "table": TableFactory()},
    ),
    Case(
        5,
        CartLine,
        lambda ctx: CartLine.objects.create(
            user=ctx["user"], menuitem=ctx["menuitem"], quantity=1, price_when_added=Decimal("10.00")
        ),
        {"quantity": 3},
        lambda row: {f"cart:{row.user_id}"},
        arrange=lambda: {"user": UserFactory(), "menuitem": MenuItemFactory()},
    ),
    Case(
        6,
        Order,
        lambda ctx: order_create(ctx["customer"], ctx["crew"]),
        {"status": "preparing"},
        lambda row: {"orders", f"orders:{row.customer_id}", f"orders:{row.delivery_crew_id}"},
        arrange=_crew_and_customer,
    ),
    Case(
        7,
        OrderItem,
        lambda ctx: item_create(ctx["order"], ctx["menuitem"]),
        {"quantity": 2, "price": Decimal("8.00")},
        lambda row: {"orders", f"orders:{row.order.customer_id}", f"orders:{row.order.delivery_crew_id}"},
        arrange=lambda: _order_with_crew(),
    ),
    # accounts_user appears twice: an insert or a delete changes both rows' names.
    Case(
        8,
        User,
        lambda ctx: User.objects.create(username="newcomer", first_name="New"),
        {"first_name": "Renamed"},
        lambda row: {"people", f"user:{row.pk}"},
        update_names=lambda row: {"people"},
    ),
    Case(
        9,
        User,
        lambda ctx: User.objects.create(username="newcomer", first_name="New"),
        {"is_staff": True},
        lambda row: {"people", f"user:{row.pk}"},
        update_names=lambda row: {f"user:{row.pk}"},
    ),
    # accounts_user_groups: tested with user.groups.add/remove below (it has no model of its own).
    Case(
        11,
        Group,
        lambda ctx: Group.objects.create(name="sommelier"),
        {"name": "wine"},
        lambda row: {"roles"},
    ),
]


def _order_with_crew() -> dict:
    people = _crew_and_customer()
    return {"order": order_create(people["customer"], people["crew"]), "menuitem": MenuItemFactory()}


def _event_create(order: Order) -> OrderEvent:
    return OrderEvent.objects.create(order=order, kind="status", from_status="placed", to_status="accepted")


CASES += [
    Case(
        12,
        Category,
        lambda ctx: Category.objects.create(slug="soups", title="Soups"),
        {"title": "Broths"},
        lambda row: {"menu"},
    ),
    Case(
        13,
        MenuItem,
        lambda ctx: MenuItem.objects.create(title="Soup", slug="soup", price=Decimal("5.00"), category=ctx["category"]),
        {"price": Decimal("6.00")},
        lambda row: {"menu"},
        arrange=lambda: {"category": CategoryFactory()},
    ),
    Case(
        14,
        OrderEvent,
        lambda ctx: _event_create(ctx["order"]),
        {"note": "Busy kitchen"},
        lambda row: {"orders", f"orders:{row.order.customer_id}", f"orders:{row.order.delivery_crew_id}"},
        arrange=lambda: _order_with_crew(),
    ),
    Case(
        15,
        ItemPair,
        lambda ctx: ItemPair.objects.create(item=ctx["item"], other=ctx["other"], score=1.2, support=4),
        {"score": 0.8},
        lambda row: {"recommendations"},
        arrange=lambda: {"item": MenuItemFactory(), "other": MenuItemFactory()},
    ),
    Case(
        16,
        ItemPopularity,
        lambda ctx: ItemPopularity.objects.create(item=ctx["item"], weekday=2, daypart=1, share=0.3),
        {"share": 0.4},
        lambda row: {"recommendations"},
        arrange=lambda: {"item": MenuItemFactory()},
    ),
]


def _group_and_dish() -> dict:
    return {"group": OptionGroup.objects.create(name="Size", min_choices=1), "menuitem": MenuItemFactory()}


def _combo_slot() -> dict:
    combo = MenuItemFactory(is_combo=True)
    return {"slot": ComboSlot.objects.create(combo=combo, name="A main"), "menuitem": MenuItemFactory()}


# Options and combos (core migration 0006): each bumps `menu`.
CASES += [
    Case(
        17,
        OptionGroup,
        lambda ctx: OptionGroup.objects.create(name="Extras"),
        {"name": "Toppings"},
        lambda row: {"menu"},
    ),  # fmt: skip
    Case(
        18,
        OptionChoice,
        lambda ctx: OptionChoice.objects.create(group=ctx["group"], name="Large", price_delta=Decimal("2.00")),
        {"available": False},
        lambda row: {"menu"},
        arrange=_group_and_dish,
    ),
    Case(
        19,
        MenuItemOptionGroup,
        lambda ctx: MenuItemOptionGroup.objects.create(menuitem=ctx["menuitem"], group=ctx["group"]),
        {"position": 3},
        lambda row: {"menu"},
        arrange=_group_and_dish,
    ),
    Case(
        20,
        ComboSlot,
        lambda ctx: ComboSlot.objects.create(combo=ctx["menuitem"], name="A side"),
        {"name": "A drink"},
        lambda row: {"menu"},
        arrange=lambda: {"menuitem": MenuItemFactory(is_combo=True)},
    ),
    Case(
        21,
        ComboSlotOption,
        lambda ctx: ComboSlotOption.objects.create(slot=ctx["slot"], menuitem=ctx["menuitem"]),
        {"supplement": Decimal("1.50")},
        lambda row: {"menu"},
        arrange=_combo_slot,
    ),
]


USER_GROUPS = 10


def test_every_spec_row_has_a_case():
    assert [table for table, _, _ in SPECS] == [
        "restaurant_restaurantsettings",
        "restaurant_openinghours",
        "restaurant_closure",
        "bookings_table",
        "bookings_booking",
        "cart_cartline",
        "orders_order",
        "orders_orderitem",
        "accounts_user",
        "accounts_user",
        "accounts_user_groups",
        "auth_group",
        "menu_category",
        "menu_menuitem",
        "orders_orderevent",
        "recommendations_itempair",
        "recommendations_itempopularity",
        "menu_optiongroup",
        "menu_optionchoice",
        "menu_menuitemoptiongroup",
        "menu_comboslot",
        "menu_comboslotoption",
    ]
    assert sorted([case.spec for case in CASES] + [USER_GROUPS]) == list(range(len(SPECS)))
    for case in CASES:
        assert case.model._meta.db_table == SPECS[case.spec][0]
        if SPECS[case.spec][2] is not None:
            assert set(case.change) <= set(SPECS[case.spec][2])
    assert User.groups.through._meta.db_table == SPECS[USER_GROUPS][0]


def _case_id(case: Case) -> str:
    return f"{case.spec}-{case.model._meta.db_table}"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
class TestEverySpec:
    def test_insert(self, case):
        ctx = case.arrange()
        before = stamps()

        row = case.make(ctx)

        assert case.model.objects.filter(pk=row.pk).exists()
        assert changed(before, stamps()) == case.names(row)

    def test_update(self, case):
        row = case.make(case.arrange())
        before = stamps()

        assert case.model.objects.filter(pk=row.pk).update(**case.change) == 1

        assert case.model.objects.filter(pk=row.pk, **case.change).exists()
        assert changed(before, stamps()) == (case.update_names or case.names)(row)

    def test_delete(self, case):
        row = case.make(case.arrange())
        names = case.names(row)
        pk = row.pk
        before = stamps()

        row.delete()

        assert not case.model.objects.filter(pk=pk).exists()
        assert changed(before, stamps()) == names

    def test_an_update_writing_the_same_values_changes_only_what_it_names(self, case):
        """Columns a spec lists are compared OLD to NEW: rewriting them unchanged changes nothing;
        tables without a column list change on any update."""
        row = case.make(case.arrange())
        columns = SPECS[case.spec][2]
        before = stamps()

        case.model.objects.filter(pk=row.pk).update(
            **{row._meta.pk.attname: row.pk, **({c: getattr(row, c) for c in columns or ()})}
        )

        assert changed(before, stamps()) == (set() if columns else case.names(row))


class TestUserGroups:
    def test_adding_and_removing_a_role_changes_only_that_users_stamp(self):
        user, other = UserFactory(), UserFactory(roles=["kitchen"])
        crew = Group.objects.get(name="delivery-crew")

        assert changes(lambda: user.groups.add(crew)) == {f"user:{user.pk}"}
        assert list(user.groups.values_list("name", flat=True)) == ["delivery-crew"]
        assert changes(lambda: user.groups.remove(crew)) == {f"user:{user.pk}"}
        assert not user.groups.exists()
        assert other.groups.get().name == "kitchen"

    def test_moving_a_membership_changes_both_users_and_a_role_change_the_user(self):
        user, other = UserFactory(roles=["kitchen"]), UserFactory()
        memberships = User.groups.through.objects.filter(user=user)

        assert changes(lambda: memberships.update(group=Group.objects.get(name="manager"))) == {f"user:{user.pk}"}
        assert user.groups.get().name == "manager"
        assert changes(lambda: User.groups.through.objects.filter(user=user).update(user=other)) == {
            f"user:{user.pk}",
            f"user:{other.pk}",
        }
        assert (user.groups.count(), other.groups.get().name) == (0, "manager")


class TestOrders:
    def test_reassigning_an_order_changes_both_drivers_and_its_customer_not_another_customer(self):
        customer, other = UserFactory(), UserFactory()
        old, new = UserFactory(roles=["delivery-crew"]), UserFactory(roles=["delivery-crew"])
        order = OrderFactory(customer=customer, delivery_crew=old, items=2)
        OrderFactory(customer=other)
        before = stamps()
        assert {f"orders:{customer.pk}", f"orders:{other.pk}", f"orders:{old.pk}"} <= set(before)

        Order.objects.filter(pk=order.pk).update(delivery_crew=new)

        assert Order.objects.get(pk=order.pk).delivery_crew == new
        assert changed(before, stamps()) == {"orders", f"orders:{customer.pk}", f"orders:{old.pk}", f"orders:{new.pk}"}

    def test_an_order_without_a_driver_changes_no_driver_name(self):
        customer = UserFactory()
        before = stamps()

        order = order_create(customer)

        assert order.delivery_crew_id is None
        assert changed(before, stamps()) == {"orders", f"orders:{customer.pk}"}
        assert not DataVersion.objects.filter(name__in=["orders:", "orders:None"]).exists()
        menuitem = MenuItemFactory()
        assert changes(lambda: item_create(order, menuitem)) == {"orders", f"orders:{customer.pk}"}

    @pytest.mark.parametrize("write", ["insert", "update"])
    def test_an_item_changes_its_orders_customer_and_no_other(self, write):
        customer, other = UserFactory(), UserFactory()
        order = order_create(customer)
        order_create(other)
        menuitem = MenuItemFactory()
        item = item_create(order, menuitem) if write == "update" else None
        before = stamps()

        if write == "insert":
            item = item_create(order, menuitem)
        else:
            OrderItem.objects.filter(pk=item.pk).update(quantity=5, price=Decimal("20.00"))

        assert OrderItem.objects.get(pk=item.pk).order == order
        assert changed(before, stamps()) == {"orders", f"orders:{customer.pk}"}

    def test_a_cart_line_moved_to_another_user_changes_both_carts(self):
        line = CartLine.objects.create(
            user=UserFactory(), menuitem=MenuItemFactory(), quantity=1, price_when_added=Decimal("10.00")
        )
        old, new = line.user, UserFactory()

        assert changes(lambda: CartLine.objects.filter(pk=line.pk).update(user=new)) == {
            f"cart:{old.pk}",
            f"cart:{new.pk}",
        }
        assert CartLine.objects.get().user == new


class TestUsers:
    @pytest.mark.parametrize(
        ("column", "value", "names"),
        [
            ("last_login", timezone.now, set),
            ("email", lambda: "someone.else@example.com", set),
            ("password", lambda: "pbkdf2_sha256$1$x$y", set),
            ("first_name", lambda: "Marta", lambda user: {"people"}),
            ("last_name", lambda: "Jones", lambda user: {"people"}),
            ("username", lambda: "renamed", lambda user: {"people"}),
            ("is_active", lambda: False, lambda user: {f"user:{user.pk}"}),
            ("is_staff", lambda: True, lambda user: {f"user:{user.pk}"}),
            ("is_superuser", lambda: True, lambda user: {f"user:{user.pk}"}),
        ],
    )
    @pytest.mark.parametrize("how", ["update", "save"])
    def test_only_the_columns_a_response_shows_change_stamps(self, column, value, names, how):
        user, other = UserFactory(), UserFactory()
        new = value()
        before = stamps()

        if how == "update":
            User.objects.filter(pk=user.pk).update(**{column: new})
        else:  # a full save rewrites every column, most of them unchanged
            setattr(user, column, new)
            user.save()

        assert getattr(User.objects.get(pk=user.pk), column) == new
        expected = set() if names is set else names(user)
        assert changed(before, stamps()) == expected
        assert f"user:{other.pk}" not in expected

    def test_signing_in_changes_nothing(self, api_client):
        user = UserFactory()
        before = stamps()

        response = api_client.post(
            "/api/v1/auth/jwt/create/", {"username": user.username, "password": "correct-horse-battery-staple"}
        )

        assert response.status_code == 200, response.content
        assert "access" in response.json()
        assert User.objects.get(pk=user.pk).last_login is not None  # UPDATE_LAST_LOGIN wrote it
        assert changed(before, stamps()) == set()


@pytest.mark.parametrize(
    "write",
    [
        lambda: TableFactory(),
        lambda: BookingFactory(),
        lambda: OpeningHours.objects.create(weekday=1, opens=time(9), closes=time(10)),
        lambda: RestaurantSettings.objects.update(name="Rolled back"),
        lambda: Group.objects.filter(name="kitchen").update(name="cooks"),
        lambda: User.objects.update(is_active=False),
    ],
    ids=["table", "booking", "hours", "settings", "group", "users"],
)
def test_a_rolled_back_write_leaves_the_stamps_as_they_were(write):
    UserFactory()
    before = stamps()
    rows = {model: model.objects.count() for model in (Table, Booking, OpeningHours, User)}

    with pytest.raises(RuntimeError), transaction.atomic():
        write()
        assert stamps() != before  # the triggers did write, inside the transaction
        raise RuntimeError("rolled back")

    assert stamps() == before
    assert {model: model.objects.count() for model in rows} == rows
    assert RestaurantSettings.objects.get().name == "Little Lemon"
    assert User.objects.filter(is_active=True).count() == rows[User]


class TestStampsRead:
    def test_returns_the_stored_stamps_of_the_names_that_exist_and_epoch(self):
        TableFactory()
        Closure.objects.create(date=timezone.localdate(), reason="")
        stored = stamps()

        assert stamps_read(["restaurant", "bookings", "never-written"]) == (
            ("bookings", stored["bookings"]),
            ("restaurant", stored["restaurant"]),
        )
        DataVersion.objects.update_or_create(name="epoch", defaults={"stamp": 42})
        assert stamps_read(["restaurant"]) == (("epoch", 42), ("restaurant", stored["restaurant"]))

    def test_the_menu_in_the_same_query(self, django_assert_num_queries):
        MenuItemFactory()
        stored = stamps()

        with django_assert_num_queries(1):
            read = stamps_read(["restaurant"], menu=True)

        assert read == (("menu", stored["menu"]), ("restaurant", stored["restaurant"]))


@pytest.mark.parametrize(
    ("table", "arrange", "names"),
    [
        (
            "restaurant_closure",
            lambda: Closure.objects.create(date=timezone.localdate(), reason=""),
            lambda row: {"restaurant"},
        ),
        ("bookings_booking", BookingFactory, lambda row: {"bookings"}),
        (
            "cart_cartline",
            lambda: CartLine.objects.create(
                user=UserFactory(),
                menuitem=MenuItemFactory(),
                quantity=1,
                price_when_added=Decimal("1"),
            ),
            lambda row: {f"cart:{row.user_id}"},
        ),
    ],
)
def test_emptying_a_table_changes_epoch_on_postgresql_and_the_row_stamps_on_sqlite(table, arrange, names):
    names = names(arrange())
    before = stamps()
    assert "epoch" not in before

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows were just inserted in this test's transaction: their deferred foreign key
            # checks must run before PostgreSQL lets the table be truncated.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # Row triggers do not see it: the statement trigger does. CASCADE: the tables that
            # reference it go too (a booking's per-table occupancy rows).
            cursor.execute(f"TRUNCATE {table} CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            # SQLite has no TRUNCATE: an unqualified DELETE is its equivalent (the row triggers fire).
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (a constant)
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (a constant)
        assert cursor.fetchone()[0] == 0

    after = stamps()
    if connection.vendor == "postgresql":
        assert changed(before, after) == {"epoch"}
        assert ("epoch", after["epoch"]) in stamps_read(["anything"])
    else:
        assert changed(before, after) == names
