"""The demo restaurant's past: a few hundred finished orders of its regulars over the last weeks,
so that recommendations ("pairs well with", "your usuals", "popular now") have a history to learn
from on a fresh `make run`.

Written as history, not placed through the cart: finished orders (delivered or collected, paid,
with their payments in the ledger) in one bulk insert, dated in the past. What they hold, on
purpose: the pairs below are ordered together often (falafel with hummus, moussaka with a Greek
salad, ...), sparkling water goes with a third of all orders (and so with nothing in
particular), each regular has two or three favourite dishes, and the rest is drawn from the
menu.
"""

import random
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from littlelemon.accounts.models import User
from littlelemon.menu.models import MenuItem
from littlelemon.orders.enums import Fulfilment, OrderStatus, PaymentMethod, PaymentStatus
from littlelemon.orders.models import Order, OrderItem
from littlelemon.orders.pricing import line_price, order_totals
from littlelemon.restaurant.selectors import restaurant_settings_get

from .data import DEMO_ADDRESS
from .history import record_payments

REGULAR_PREFIX = "regular-"
REGULARS = 24
ORDERS = 360
DAYS = 56
PAIRS = [
    ("Falafel", "Hummus"),
    ("Moussaka", "Greek Salad"),
    ("Chicken Souvlaki", "Tzatziki"),
    ("Lamb Kofta", "Fattoush"),
    ("Baklava", "Greek Coffee"),
    ("Grilled Halloumi", "Watermelon Feta Salad"),
    ("Loukoumades", "Mint Tea"),
    ("Lamb Ragù Pappardelle", "Bruschetta"),
    ("Baked Sea Bass", "Tabbouleh"),
]
WATER = "Sparkling Water"
# Lunch and dinner, local hours with their weights.
HOURS = {12: 4, 13: 4, 14: 1, 18: 3, 19: 5, 20: 4, 21: 2}


def regulars_seed(*, now: datetime | None = None, seed: int = 2026) -> int:
    """Create the history once (the regulars' orders); returns how many orders it made."""
    if Order.objects.filter(customer__username__startswith=REGULAR_PREFIX).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 (demo data, not a secret)
    now = timezone.localtime(now)
    dishes = {dish.title: dish for dish in MenuItem.objects.all()}
    if not dishes:
        return 0
    partner = {a: b for a, b in PAIRS if a in dishes and b in dishes}
    partner |= {b: a for a, b in partner.items()}
    titles = sorted(dishes)
    settings = restaurant_settings_get()
    with transaction.atomic():
        regulars = _regulars(rng, titles)
        orders, lines = [], []
        for _ in range(ORDERS):
            customer, favourites = rng.choice(regulars)
            day = now - timedelta(days=rng.randrange(1, DAYS))
            hour = rng.choices(list(HOURS), weights=list(HOURS.values()))[0]
            at = day.replace(hour=hour, minute=rng.randrange(60), second=0, microsecond=0)
            chosen = [rng.choice(favourites)] if rng.random() < 0.6 else []
            chosen += rng.sample(titles, rng.choice((1, 1, 2)))
            chosen += [partner[title] for title in list(chosen) if title in partner and rng.random() < 0.7]
            if rng.random() < 0.33:
                chosen.append(WATER)
            chosen = [title for title in dict.fromkeys(chosen) if title in dishes]
            fulfilment = rng.choice((Fulfilment.DELIVERY, Fulfilment.PICKUP))
            quantities = [rng.choice((1, 1, 1, 2)) for _ in chosen]
            prices = [
                line_price(unit_price=dishes[t].price, quantity=q) for t, q in zip(chosen, quantities, strict=True)
            ]
            totals = order_totals(
                line_prices=prices, fulfilment=fulfilment, tip=rng.choice((0, 0, 2, 3)), settings=settings
            )
            orders.append(
                Order(
                    customer=customer,
                    status=OrderStatus.DELIVERED if fulfilment == Fulfilment.DELIVERY else OrderStatus.COLLECTED,
                    fulfilment=fulfilment,
                    delivery_address=DEMO_ADDRESS if fulfilment == Fulfilment.DELIVERY else "",
                    subtotal=totals.subtotal,
                    delivery_fee=totals.delivery_fee,
                    tax=totals.tax,
                    tip=totals.tip,
                    total=totals.total,
                    payment_method=rng.choice(PaymentMethod.values),
                    payment_status=PaymentStatus.PAID,
                    status_changed_at=at + timedelta(minutes=45),
                    finished_at=at + timedelta(minutes=45),
                )
            )
            lines.append((at, [(dishes[t], q, p) for t, q, p in zip(chosen, quantities, prices, strict=True)]))
        Order.objects.bulk_create(orders)
        OrderItem.objects.bulk_create(
            OrderItem(
                order=order, menuitem=dish, title=dish.title, unit_price=dish.price, quantity=quantity, price=price
            )
            for order, (_at, items) in zip(orders, lines, strict=True)
            for dish, quantity, price in items
        )
        record_payments(orders)  # the reports' sales are the ledger's
        # `created` is set on insert: date each order when it was placed.
        for order, (at, _items) in zip(orders, lines, strict=True):
            Order.objects.filter(pk=order.pk).update(created=at, updated=at + timedelta(minutes=45))
    return len(orders)


def _regulars(rng: random.Random, titles: list[str]) -> list[tuple[User, list[str]]]:
    """The demo's regular diners (customers who cannot log in), each with a few favourite dishes."""
    regulars = []
    unusable = make_password(None)
    for number in range(1, REGULARS + 1):
        user, _ = User.objects.get_or_create(
            username=f"{REGULAR_PREFIX}{number:02d}",
            defaults={"first_name": "Regular", "last_name": f"No. {number}", "password": unusable},
        )
        regulars.append((user, rng.sample(titles, rng.choice((2, 3)))))
    return regulars
