import subprocess
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from config.env import BASE_DIR
from littlelemon.accounts.models import User
from littlelemon.bookings.models import Booking, Table, TableCombination
from littlelemon.demo import data, regulars
from littlelemon.events.models import OutboxEvent
from littlelemon.menu import selectors as menu_selectors
from littlelemon.menu.models import Category, MenuItem
from littlelemon.restaurant.models import Closure, OpeningHours
from littlelemon.restaurant.selectors import restaurant_settings_get

pytestmark = pytest.mark.django_db


def counts():
    return Category.objects.count(), MenuItem.objects.count(), User.objects.count()


def test_seed_demo_is_believable_and_idempotent(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")

    # 8 categories and 40 dishes on the menu, plus the back office's hidden category with a dish
    # and an archived one (customers see neither), plus breakfast (3 dishes), weekend brunch (2),
    # lunch specials (2) and the daily special.
    # Users: the demo's, the cook invited (not yet active) and the regulars (history only).
    assert counts() == first == (12, 53, len(data.USERS) + 1 + regulars.REGULARS)
    # + the burger, the Lunch Deal and the Breakfast Deal (demo/options.py)
    assert menu_selectors.menu_item_list().count() == 51
    assert MenuItem.objects.get(slug="retired-lemon-cake").archived is True
    assert Category.objects.get(slug="autumn-specials").hidden is True
    assert Closure.objects.filter(reason="Staff training day").count() == 1
    windows = {
        slug: sorted(
            (w.weekday, f"{w.starts:%H:%M}-{w.ends:%H:%M}")
            for w in Category.objects.get(slug=slug).availability_windows.all()
        )
        for slug in ("breakfast", "brunch", "lunch-specials")
    }
    assert windows == {
        "breakfast": [(day, "08:00-11:00") for day in range(7)],
        "brunch": [(5, "11:00-14:00"), (6, "11:00-14:00")],
        "lunch-specials": [(day, "11:30-15:00") for day in range(5)],
    }
    assert MenuItem.objects.get(title__startswith="Chef's Daily Special").daily_portions == 12
    assert MenuItem.objects.filter(featured=True).count() >= 4
    assert MenuItem.objects.filter(vegan=True).exists()
    people = User.objects.exclude(username__startswith=regulars.REGULAR_PREFIX)
    roles = {u.username: (u.is_superuser, sorted(u.roles)) for u in people}
    diners = User.objects.filter(username__startswith=regulars.REGULAR_PREFIX)
    assert not diners.filter(groups__isnull=False).exists()
    assert not any(u.has_usable_password() for u in diners)
    assert roles == {
        "admin": (True, []),
        "manager": (False, ["manager"]),
        "kitchen": (False, ["kitchen"]),
        "driver": (False, ["delivery-crew"]),
        "customer": (False, []),
        "new.cook@littlelemon.localhost": (False, ["kitchen"]),
    }
    assert User.objects.get(username="manager").check_password("lemon-manager")
    assert OpeningHours.objects.count() == 11
    assert restaurant_settings_get().delivery_fee == Decimal("4.99")
    output = capsys.readouterr().out
    assert "manager    / lemon-manager" in output
    assert "Web site     http://127.0.0.1:8000/ " in output
    assert "Staff        http://127.0.0.1:8000/staff/ " in output
    assert "http://127.0.0.1:8000/api/docs/" in output


def test_seed_demo_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="Refusing"):
        call_command("seed_demo")
    assert counts() == (0, 0, 0)

    call_command("seed_demo", "--force", "--quiet-logins")
    assert counts()[1] == 53


def test_seed_demo_lays_out_the_floor_and_books_valid_upcoming_tables(settings):
    settings.DEBUG = True

    call_command("seed_demo", "--quiet-logins")
    call_command("seed_demo", "--quiet-logins")

    assert Table.objects.count() == len(data.TABLES) == 10
    assert sorted(set(Table.objects.values_list("seats", flat=True))) == [2, 4, 6]
    assert set(Table.objects.values_list("area", flat=True)) == {"Main room", "Terrace", "Window"}
    floor_guests = [guest for guest, *_ in data.FLOOR_TODAY]
    bookings = Booking.objects.select_related("customer", "table").exclude(guest_name__in=floor_guests)
    assert bookings.count() == len(data.BOOKINGS)  # the second run added nothing
    customer = User.objects.get(username="customer")
    assert sorted(b.party_size for b in bookings.filter(customer=customer)) == [2, 4]
    guests = bookings.filter(customer__isnull=True)
    assert sorted(guests.values_list("guest_name", flat=True)) == ["Maria Lopez", "Sam Chen"]
    assert all(b.created_by.username == "manager" for b in guests)
    now = timezone.now()
    for booking in bookings:
        assert booking.start > now
        assert booking.table.seats >= booking.party_size
        assert booking.end - booking.start == timedelta(minutes=90)
    # made through the services: one booking.created event each
    assert OutboxEvent.objects.filter(type="booking.created").count() == Booking.objects.count()


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 22, 5, 55, tzinfo=UTC),  # Saturday 23:55 in Chicago, after closing
        datetime(2026, 12, 24, 18, 0, tzinfo=UTC),  # the day before a closure
    ],
)
def test_seed_demo_finds_free_slots_late_at_night_and_around_closures(settings, monkeypatch, moment):
    from littlelemon.restaurant.models import Closure

    settings.DEBUG = True
    Closure.objects.create(date=(moment + timedelta(days=1)).date(), reason="Christmas")
    monkeypatch.setattr(timezone, "now", lambda: moment)

    call_command("seed_demo", "--quiet-logins")

    floor_guests = [guest for guest, *_ in data.FLOOR_TODAY]  # today's floor, earlier today
    starts = list(Booking.objects.exclude(guest_name__in=floor_guests).values_list("start", flat=True))
    assert len(starts) == len(data.BOOKINGS)
    local_days = {start.astimezone(timezone.get_default_timezone()).date() for start in starts}
    assert (moment + timedelta(days=1)).date() not in local_days
    assert min(starts) > moment + timedelta(hours=1)


def test_seed_demo_places_orders_in_several_states_through_the_services(settings):
    from littlelemon.cart.models import CartLine
    from littlelemon.events.models import OutboxEvent
    from littlelemon.orders.models import Order, OrderEvent

    settings.DEBUG = True
    call_command("seed_demo", "--quiet-logins")
    customer = User.objects.get(username="customer")
    kept = CartLine.objects.create(
        user=customer, menuitem=MenuItem.objects.get(title="Baklava"), quantity=2, price_when_added=Decimal("6.25")
    )
    Order.objects.filter(idempotency_key="demo-order-6").delete()  # one went missing: the next run makes it again
    call_command("seed_demo", "--quiet-logins")
    call_command("seed_demo", "--quiet-logins")

    guest_order = Order.objects.get(customer__isnull=True)  # the guest checkout's, made once
    assert (guest_order.guest_email, guest_order.fulfilment, guest_order.status) == (
        data.GUEST["email"],
        "pickup",
        "placed",
    )
    customers = (
        Order.objects.filter(customer__isnull=False)
        .exclude(customer__username__startswith=regulars.REGULAR_PREFIX)  # their past: history, not placed
        .select_related("customer", "delivery_crew")
    )
    orders = {order.idempotency_key: order for order in customers}
    assert {key: order.status for key, order in orders.items()} == {key: status for key, *_, status in data.ORDERS}
    assert {order.customer.username for order in orders.values()} == {"customer"}
    assert {key for key, order in orders.items() if order.delivery_crew} == {
        "demo-order-1",
        "demo-order-3",
        "demo-order-4",
        "demo-order-8",
    }
    assert {order.delivery_crew.username for order in orders.values() if order.delivery_crew} == {"driver"}
    delivered = orders["demo-order-1"]
    # The ledger: money collected in person on delivery and collection, one melted dessert refunded.
    from littlelemon.payments.models import Payment, Refund
    from littlelemon.payments.selectors import cash_to_hand_in

    assert Payment.objects.filter(order=delivered, method="card", status="partially_refunded").count() == 1
    assert list(Refund.objects.values_list("payment__order__idempotency_key", "reason")) == [
        ("demo-order-1", "Dessert arrived melted")
    ]
    assert [hand_in.driver_name for hand_in in cash_to_hand_in()] == [
        orders["demo-order-8"].delivery_crew.get_full_name() or "driver"
    ]
    # 2 × 12.99 + 2 × 5.00 = 35.98; + 4.99 delivery; 10.25% tax on 40.97 = 4.199... -> 4.20; + 4.00 tip
    assert (delivered.subtotal, delivered.tax, delivered.total, delivered.payment_status) == (
        Decimal("35.98"),
        Decimal("4.20"),
        Decimal("49.17"),
        "paid",
    )
    assert [
        e.to_status for e in OrderEvent.objects.filter(order=delivered).exclude(kind__in=("assigned", "payment"))
    ] == [
        "placed",
        "accepted",
        "preparing",
        "ready",
        "out_for_delivery",
        "delivered",
    ]
    # One was deleted; the regulars' past orders are history, written without events.
    regulars_orders = Order.objects.filter(customer__username__startswith=regulars.REGULAR_PREFIX).count()
    assert OutboxEvent.objects.filter(type="order.placed").count() == Order.objects.count() - regulars_orders + 1
    assert list(CartLine.objects.filter(user=customer).values_list("menuitem_id", "quantity")) == [
        (kept.menuitem_id, 2)
    ]


def test_seed_demo_prints_the_links_for_the_address_it_is_given(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo", "--url", "http://127.0.0.1:8123/")

    output = capsys.readouterr().out
    assert "Web site     http://127.0.0.1:8123/ " in output
    assert "API docs     http://127.0.0.1:8123/api/docs/ " in output
    assert "Admin        http://127.0.0.1:8123/admin/\n" in output
    assert "API root     http://127.0.0.1:8123/api/v1/menu-items/\n" in output
    assert ":8000" not in output


@pytest.mark.parametrize(
    ("variables", "address"),
    [((), "127.0.0.1:8000"), (("PORT=8123",), "127.0.0.1:8123"), (("HOST=::1", "PORT=9000"), "[::1]:9000")],
)
def test_make_run_serves_and_prints_links_for_its_host_and_port(variables, address):
    commands = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "run", *variables],  # noqa: S607
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()

    seeds = [line.split("manage.py ", 1)[1] for line in commands if "seed_demo" in line]
    runs = [line for line in commands if "scripts/run.sh" in line]
    assert seeds == [f"seed_demo --url http://{address}"]
    assert len(runs) == 1 and runs[0].endswith(f'"{address}"')  # run.sh serves uvicorn on its ADDRESS
    script = (BASE_DIR / "scripts" / "run.sh").read_text()
    assert '-m uvicorn config.asgi:application --host "$host" --port "$port"' in script


def test_seed_demo_settles_its_events_so_the_worker_mails_nobody(settings, mailoutbox):
    """The demo's orders and bookings are history: the relay routes none of their events (no
    e-mail to the demo customer about an order "placed" long ago); later events go out as usual."""
    from littlelemon.events.models import Delivery
    from littlelemon.events.relay import relay_run
    from littlelemon.orders.models import Order
    from littlelemon.orders.transitions import order_status_change

    settings.DEBUG = True
    with transaction.atomic():
        from littlelemon.events.services import event_record

        earlier = event_record(type="order.placed", aggregate="order", aggregate_id=999, payload={"customer_id": None})
    call_command("seed_demo", "--quiet-logins")

    written = OutboxEvent.objects.exclude(pk=earlier.pk)
    assert written.filter(type="order.placed").count() == len(data.ORDERS) + 1  # and the guest's
    assert written.filter(type="booking.created").exists()
    assert not written.filter(routed_at__isnull=True).exists()
    assert not written.filter(delivered_at__isnull=True).exists()
    earlier.refresh_from_db()
    assert earlier.routed_at is None  # not the demo's: left to the relay

    report = relay_run()

    assert (report.delivered, report.failed, report.dead) == (0, 0, 0)
    assert mailoutbox == []
    assert not Delivery.objects.exists()

    # What happens after the seed is news: the demo customer hears of it.
    placed = Order.objects.get(idempotency_key="demo-order-6")
    order_status_change(
        order=placed, actor=User.objects.get(username="manager"), status="accepted", estimated_minutes=30
    )
    relay_run()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith(f"Order #{placed.pk} is accepted: with you around ")
    assert mailoutbox[0].to == [User.objects.get(username="customer").email]


def test_seed_demo_does_not_make_its_orders_again_once_their_keys_expired(settings):
    from littlelemon.orders.housekeeping import idempotency_keys_purge
    from littlelemon.orders.models import Order

    settings.DEBUG = True
    call_command("seed_demo", "--quiet-logins")
    count = Order.objects.count()
    idempotency_keys_purge(now=timezone.now() + timedelta(days=2))
    assert not Order.objects.exclude(idempotency_key="").exists()

    call_command("seed_demo", "--quiet-logins")

    assert Order.objects.count() == count


def test_seed_demo_fills_todays_floor_with_every_status(settings, freeze):
    from zoneinfo import ZoneInfo

    settings.DEBUG = True
    freeze(datetime(2026, 6, 3, 19, 10, tzinfo=ZoneInfo("America/Chicago")))  # a Wednesday evening

    call_command("seed_demo", "--quiet-logins")
    call_command("seed_demo", "--quiet-logins")

    floor = {
        b.guest_name: (f"{b.start.astimezone(ZoneInfo('America/Chicago')):%H:%M}", b.status)
        for b in Booking.objects.filter(guest_name__in=[guest for guest, *_ in data.FLOOR_TODAY])
    }
    assert floor == {
        "Alice Moreau": ("11:30", "completed"),
        "Ben Okafor": ("12:30", "completed"),
        "Chloe Park": ("13:00", "no_show"),
        "Dev Patel": ("18:00", "seated"),
        "Elena Rossi": ("19:00", "seated"),
        "Farid Haddad": ("19:30", "confirmed"),
        "Grace Liu": ("20:00", "confirmed"),
        "Ivan Novak": ("19:30", "confirmed"),
        "Hugo Martin": ("18:30", "cancelled"),
    }
    combinations = {c.name: sorted(c.tables.values_list("label", flat=True)) for c in TableCombination.objects.all()}
    assert combinations == {"M2+M3": ["M2", "M3"], "T1+T2": ["T1", "T2"]}
    assert Booking.objects.get(guest_name="Ivan Novak").combination.name in combinations


def test_the_demo_menu_has_a_burger_with_options_and_a_meal_deal(settings):
    settings.DEBUG = True

    call_command("seed_demo", quiet_logins=True)
    call_command("seed_demo", quiet_logins=True)

    burger = MenuItem.objects.get(title="Lemon Burger")
    groups = {group.name: group for group in burger.option_groups.all()}
    assert (groups["Size"].min_choices, groups["Size"].max_choices) == (1, 1)
    assert (groups["Extras"].min_choices, groups["Extras"].max_choices) == (0, 3)
    assert groups["Extras"].choices.count() == 4  # not duplicated by the second run
    combo = MenuItem.objects.get(title="Lunch Deal", is_combo=True)
    assert [slot.name for slot in combo.slots.all()] == ["A main", "A side", "A drink"]
    assert all(slot.options.count() == 3 for slot in combo.slots.all())
    breakfast = MenuItem.objects.get(title="Breakfast Deal", is_combo=True)
    assert breakfast.category.slug == "breakfast"  # served with breakfast, as are its breakfast dishes
    assert [slot.name for slot in breakfast.slots.all()] == ["A breakfast", "A drink"]
    assert all(slot.options.count() == 3 for slot in breakfast.slots.all())


@pytest.mark.parametrize(
    ("local", "served", "later", "until"),
    [
        # Monday 09:00: breakfast until 11:00; the lunch specials from 11:30; brunch on Saturday.
        ((2026, 6, 1, 9, 0), {"Sesame Koulouri", "Breakfast Deal"}, {"Chicken Gyro Plate": "from 11:30"}, "11:00"),
        # Monday 12:00: lunch until 15:00; breakfast again tomorrow.
        ((2026, 6, 1, 12, 0), {"Chicken Gyro Plate"}, {"Sesame Koulouri": "tomorrow from 08:00"}, "15:00"),
        # Saturday 12:00: brunch until 14:00, no lunch specials until Monday.
        ((2026, 6, 6, 12, 0), {"Shakshuka"}, {"Chicken Gyro Plate": "Monday from 11:30"}, "14:00"),
    ],
)
def test_the_demo_menu_is_served_by_the_time_of_day(settings, freeze, client, local, served, later, until):
    from zoneinfo import ZoneInfo

    from littlelemon.cart import services as cart_services
    from littlelemon.orders import placement

    settings.DEBUG = True
    call_command("seed_demo", "--quiet-logins")
    now = freeze(datetime(*local, tzinfo=ZoneInfo("America/Chicago")))

    items = menu_selectors.menu_items_timed(
        menu_selectors.menu_item_list(), windows=menu_selectors.windows_load(), now=now
    )
    timed = {item.title: item for item in items}
    assert all(timed[title].orderable_now for title in served)
    assert {title: timed[title].orderable_from_label for title in later} == later
    page = client.get("/menu/").content.decode()
    for label in later.values():
        assert f"Served {label}" in page
    assert {timed[title].orderable_until_label for title in served} == {f"until {until}"}
    assert f"Served until {until}" in page
    # What is served now can be ordered now, through the services: a combo's dishes too.
    customer = User.objects.get(username="customer")
    deal = MenuItem.objects.get(title="Breakfast Deal")
    cart_services.cart_clear(owner=customer)
    if "Breakfast Deal" in served:
        breakfast, drink = deal.slots.all()
        cart_services.cart_item_add(
            owner=customer,
            menuitem_id=deal.pk,
            quantity=1,
            slots=[
                {"slot": breakfast.pk, "dish": MenuItem.objects.get(title="Sesame Koulouri").pk},
                {"slot": drink.pk, "dish": MenuItem.objects.get(title="Greek Coffee").pk},
            ],
        )
    for title in served - {"Breakfast Deal"}:
        cart_services.cart_item_add(owner=customer, menuitem_id=timed[title].pk, quantity=2)
    order, created = placement.order_place(customer=customer, fulfilment="pickup", now=now)
    assert created and order.items.count() == len(served)


def test_seed_demo_gives_the_regulars_a_history_the_recommendations_learn_from(settings):
    from littlelemon.orders.models import Order
    from littlelemon.recommendations import selectors
    from littlelemon.recommendations.models import RecommendationState

    settings.DEBUG = True
    call_command("seed_demo", "--quiet-logins")
    call_command("seed_demo", "--quiet-logins")

    past = Order.objects.filter(customer__username__startswith=regulars.REGULAR_PREFIX)
    assert past.count() == regulars.ORDERS
    assert not past.exclude(status__in=["delivered", "collected"]).exists()
    # Their money is in the ledger (the reports' sales), captured when they finished, handed in.
    from littlelemon.payments.models import Payment

    ledger = Payment.objects.filter(order__in=past, status="succeeded", handed_in_at__isnull=False)
    assert sorted(ledger.values_list("order_id", "captured_at")) == sorted(past.values_list("pk", "finished_at"))
    now = timezone.now()
    assert not past.filter(created__gte=now).exists()
    assert not past.filter(created__lt=now - timedelta(days=regulars.DAYS + 1)).exists()
    assert RecommendationState.objects.get().orders_seen >= regulars.ORDERS
    for dish, partner in [("Falafel", "Hummus"), ("Moussaka", "Greek Salad"), ("Baklava", "Greek Coffee")]:
        pairs = selectors.pairs_well_with(MenuItem.objects.get(title=dish).pk, limit=4)
        assert partner in [item.title for item in pairs.items]
