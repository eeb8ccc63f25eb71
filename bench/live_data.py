"""The live benchmarks' people and orders, made inside Django against the benchmark database
(with the server's settings) before the load, written as JSON for the driver.

    python -m bench.live_data fanout --out fanout.json [--quick]
    python -m bench.live_data rush --out rush.json --customers 5000

Users are new each run (`bench-live-<tag>-...`, a tag of the run's own), so a run never meets
an earlier run's carts, orders, bookings or throttle counts, even with `--no-seed`. Each gets a
real session (the stream and the web pages are session-authenticated; rows written through
Django's session engine as a log-in writes them) and, for the API, a real JWT. Orders of the
fanout are placed through the services (cart_item_add, order_place), so their events are the
ones the product writes. Nothing here is in a domain app: it is the benchmark's set-up.
"""

import argparse
import json
import secrets
import sys
from pathlib import Path

FANOUT = {"customers": 150, "kitchen": 15, "managers": 10, "drivers": 25}  # 200 streams
FANOUT_QUICK = FANOUT
DELIVERY_ADDRESS = "1 Lemon Grove, Chicago"
BOOKING_DAYS = range(2, 58)  # days ahead a rush booking is for (the availability's grid, no opening hours)
BOOKING_MINUTES = [45 + 90 * n for n in range(15)]  # 00:45, 02:15, ... 21:45 local: beside booking_create's


def _users(tag: str, role: str | None, count: int, kind: str):
    from django.contrib.auth.models import Group

    from littlelemon.accounts.models import User

    password = User.objects.filter(username__startswith="bench-customer-").values_list("password", flat=True).first()
    names = [f"bench-live-{tag}-{kind}-{n:05d}" for n in range(1, count + 1)]
    User.objects.bulk_create(
        User(
            username=name,
            email=f"{name}@example.com",
            first_name="Rush",
            last_name=kind.title(),
            phone="+1 312 555 0100",
            password=password or "!",
        )
        for name in names
    )
    users = list(User.objects.filter(username__in=names).order_by("username"))
    if role:
        group = Group.objects.get(name=role)
        User.groups.through.objects.bulk_create(User.groups.through(user_id=u.pk, group_id=group.pk) for u in users)
    return users


def _session_cookies(users) -> dict[int, str]:
    """A real session per user, in the session engine's store, as django.contrib.auth.login
    leaves it: the user's id, the back-end and the password hash it is checked against."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import transaction

    engine = import_module(settings.SESSION_ENGINE)
    backend = "django.contrib.auth.backends.ModelBackend"
    cookies = {}
    with transaction.atomic():
        for user in users:
            store = engine.SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = backend
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            cookies[user.pk] = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    return cookies


def _bearer(user) -> str:
    from rest_framework_simplejwt.tokens import AccessToken

    return f"Bearer {AccessToken.for_user(user)}"


def _person(user, cookies) -> dict:
    return {"id": user.pk, "username": user.username, "cookie": cookies[user.pk], "token": _bearer(user)}


def _dishes(count: int) -> list[int]:
    from littlelemon.menu.models import MenuItem

    return list(MenuItem.objects.filter(available=True).order_by("id").values_list("id", flat=True)[:count])


def _dish_pages(count: int) -> list[tuple[int, str]]:
    from littlelemon.menu.models import MenuItem

    return list(MenuItem.objects.filter(available=True).order_by("id").values_list("id", "slug")[:count])


def fanout(args) -> dict:
    """Customers with one delivery order each, just placed (through the services), and the staff
    whose screens follow them: kitchen, managers, drivers."""
    from littlelemon.accounts.enums import Role
    from littlelemon.cart.services import cart_item_add
    from littlelemon.orders.placement import order_place

    tag = secrets.token_hex(3)
    counts = FANOUT_QUICK if args.quick else FANOUT
    customers = _users(tag, None, counts["customers"], "customer")
    kitchen = _users(tag, Role.KITCHEN, counts["kitchen"], "kitchen")
    managers = _users(tag, Role.MANAGER, counts["managers"], "manager")
    drivers = _users(tag, Role.DELIVERY_CREW, counts["drivers"], "driver")
    cookies = _session_cookies([*customers, *kitchen, *managers, *drivers])
    dishes = _dishes(40)
    orders = []
    for number, customer in enumerate(customers):
        for step in range(2):
            cart_item_add(owner=customer, menuitem_id=dishes[(number + step * 7) % len(dishes)], quantity=1)
        order, _ = order_place(customer=customer, fulfilment="delivery", delivery_address=DELIVERY_ADDRESS)
        orders.append({"id": order.pk, "customer": customer.pk})
    return {
        "tag": tag,
        "customers": [_person(u, cookies) for u in customers],
        "kitchen": [_person(u, cookies) for u in kitchen],
        "managers": [_person(u, cookies) for u in managers],
        "drivers": [_person(u, cookies) for u in drivers],
        "orders": orders,
    }


def rush(args) -> dict:
    """`--customers` customers with empty carts (each places one order), the staff whose
    screens are open (two kitchen displays, a manager's board), the dishes to add, and a start
    per booking (each a table's 90 minutes on its own day and time)."""
    from datetime import timedelta

    from bench.datasets.bookings import local_start
    from littlelemon.accounts.enums import Role
    from littlelemon.restaurant.selectors import restaurant_today, restaurant_tz

    tag = secrets.token_hex(3)
    customers = _users(tag, None, args.customers, "customer")
    kitchen = _users(tag, Role.KITCHEN, 2, "kitchen")
    managers = _users(tag, Role.MANAGER, 1, "manager")
    cookies = _session_cookies([*customers, *kitchen, *managers])
    today = restaurant_today()
    starts = [
        local_start(today + timedelta(days=day), minutes).astimezone(restaurant_tz()).isoformat()
        for minutes in BOOKING_MINUTES
        for day in BOOKING_DAYS
    ]
    return {
        "tag": tag,
        "customers": [_person(u, cookies) for u in customers],
        "kitchen": [_person(u, cookies) for u in kitchen],
        "managers": [_person(u, cookies) for u in managers],
        "dishes": _dishes(200),
        "dish_pages": _dish_pages(200),
        "booking_starts": starts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("fanout", "rush"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--customers", type=int, default=1000)
    args = parser.parse_args(argv)

    import logging

    import django

    django.setup()
    logging.getLogger("littlelemon").setLevel(logging.WARNING)  # not a log line per placement
    made = fanout(args) if args.what == "fanout" else rush(args)
    args.out.write_text(json.dumps(made))
    return 0


if __name__ == "__main__":
    sys.exit(main())
