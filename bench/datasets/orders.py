"""The orders part of the benchmark dataset (see bench/datasets/__init__.py).

20,000 orders a scale of 1 to 6 dishes each, placed over the year before `dataset.epoch`,
mostly finished (delivered, collected, a few cancelled or rejected) and the latest few hundred
still open, a third of the deliveries with a driver assigned. Totals are computed as
`placement.order_place` computes them, so the database's checks hold.

What the scenarios rely on:
- `bench-customer-00001` has exactly 50 orders (the `orders_customer` scenario);
- `PLACERS` more customers, `bench-placer-00001` on, each with a 3-line cart and no order:
  `order_place` places each of those carts once (a request per customer, never two), so the
  load measures placements alone, and the check after it finds every order is one whole cart.
"""

import random
from datetime import timedelta
from decimal import Decimal

from bench.datasets import Dataset, dataset_part
from littlelemon.accounts.models import User
from littlelemon.cart.models import CartLine
from littlelemon.core.money import ZERO, percent_of, to_money
from littlelemon.menu.models import MenuItem
from littlelemon.orders.enums import Fulfilment, OrderStatus, PaymentMethod, PaymentStatus
from littlelemon.orders.models import Order, OrderItem

ORDERS_CUSTOMER = 1  # bench-customer-00001: 50 orders
ORDERS_CUSTOMER_COUNT = 50
PLACERS = 12_000  # at every scale: more carts than a run places (it fails loudly if it runs out)
PLACER_PREFIX = "bench-placer-"
CHUNK = 5000
FINISHED = [OrderStatus.DELIVERED] * 12 + [OrderStatus.COLLECTED] * 6 + [OrderStatus.CANCELLED, OrderStatus.REJECTED]
OPEN = (OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.PREPARING, OrderStatus.READY)
STREETS = ("Lemon Grove", "Harbour Road", "Olive Lane", "Market Street", "Cedar Avenue", "Station Road")


@dataset_part(
    "orders", models=("orders.Order", "orders.OrderItem", "orders.OrderEvent"), after=("users", "menu", "restaurant")
)
def seed_orders(dataset: Dataset) -> None:
    """Publishes nothing: scenarios find orders through their customers."""
    rng = dataset.rng
    customers = dataset.ids("users", "customers")
    drivers = dataset.ids("users", "drivers")
    tax_rate = dataset.ids("restaurant", "tax_rate")
    delivery_fee = dataset.ids("restaurant", "delivery_fee")
    items = list(MenuItem.objects.order_by("id").values_list("id", "title", "price"))
    others = [pk for pk in customers if pk != customers[ORDERS_CUSTOMER - 1]]

    total = dataset.count(20_000)
    owners = [customers[ORDERS_CUSTOMER - 1]] * ORDERS_CUSTOMER_COUNT
    owners += [rng.choice(others) for _ in range(total - len(owners))]
    rng.shuffle(owners)
    span = timedelta(days=365).total_seconds()

    for first in range(0, total, CHUNK):
        orders, lines = [], []
        for n in range(first, min(first + CHUNK, total)):
            # Spread evenly over the year, oldest first: the last orders are the open ones.
            created = dataset.epoch - timedelta(seconds=span * (total - n) / total)
            status = rng.choice(OPEN) if total - n <= 300 else rng.choice(FINISHED)
            fulfilment = Fulfilment.DELIVERY if rng.random() < 0.6 else Fulfilment.PICKUP
            dishes = rng.sample(items, rng.randrange(1, 7))
            quantities = [rng.choice((1, 1, 1, 2, 2, 3)) for _ in dishes]
            prices = [to_money(price * quantity) for (_, _, price), quantity in zip(dishes, quantities, strict=True)]
            subtotal = to_money(sum(prices, ZERO))
            fee = delivery_fee if fulfilment == Fulfilment.DELIVERY else ZERO
            tax = percent_of(subtotal + fee, tax_rate)
            tip = to_money(Decimal(rng.choice((0, 0, 100, 200, 350))) / 100)
            finished = status not in OPEN
            orders.append(
                Order(
                    customer_id=owners[n],
                    status=status,
                    fulfilment=fulfilment,
                    delivery_address=f"{rng.randrange(1, 200)} {rng.choice(STREETS)}"
                    if fulfilment == Fulfilment.DELIVERY
                    else "",
                    delivery_crew_id=rng.choice(drivers)
                    if fulfilment == Fulfilment.DELIVERY and rng.random() < 0.33
                    else None,
                    subtotal=subtotal,
                    delivery_fee=fee,
                    tax=tax,
                    tip=tip,
                    total=subtotal + fee + tax + tip,
                    payment_method=rng.choice((PaymentMethod.CASH, PaymentMethod.CARD)),
                    payment_status=(
                        PaymentStatus.VOID
                        if status in (OrderStatus.CANCELLED, OrderStatus.REJECTED)
                        else PaymentStatus.PAID
                        if finished
                        else PaymentStatus.PENDING
                    ),
                    finished_at=created + timedelta(minutes=45) if finished else None,
                    created=created,
                    updated=created + timedelta(minutes=45 if finished else 5),
                )
            )
            lines.append(
                [(dish, quantity, price) for dish, quantity, price in zip(dishes, quantities, prices, strict=True)]
            )
        dataset.bulk_create(Order, orders)
        dataset.bulk_create(
            OrderItem,
            (
                OrderItem(
                    order_id=order.pk, menuitem_id=pk, title=title, unit_price=unit, quantity=quantity, price=price
                )
                for order, order_lines in zip(orders, lines, strict=True)
                for (pk, title, unit), quantity, price in order_lines
            ),
        )


@dataset_part("placers", models=(), after=("users", "menu", "cart"))
def seed_placers(dataset: Dataset) -> None:
    """`PLACERS` customers with a cart of three dishes on sale (1 or 2 of each) and no order.
    Their rows go into the users' and carts' tables, which those parts empty."""
    rng = dataset.rng
    password = User.objects.filter(username__startswith="bench-customer-").values_list("password", flat=True)[0]
    placers = dataset.bulk_create(
        User,
        (
            User(
                username=f"{PLACER_PREFIX}{n:05d}",
                email=f"{PLACER_PREFIX}{n:05d}@example.com",
                password=password,
                date_joined=dataset.epoch,
            )
            for n in range(1, PLACERS + 1)
        ),
    )
    carts = placer_carts(rng)
    dataset.bulk_create(
        CartLine,
        (
            CartLine(
                user_id=placer.pk,
                menuitem_id=pk,
                quantity=quantity,
                price_when_added=price,
                created=dataset.epoch,
                updated=dataset.epoch,
            )
            for placer, cart in zip(placers, carts, strict=True)
            for pk, quantity, price in cart
        ),
    )


def placer_carts(rng: random.Random) -> list[list[tuple[int, int, Decimal]]]:
    """Each placer's cart: three dishes on sale, 1 or 2 of each, as (dish id, quantity, price).
    The check after the load calls it again with the same seed to know what each cart held."""
    dishes = list(MenuItem.objects.filter(available=True).order_by("id").values_list("id", "price"))
    carts = []
    for _ in range(PLACERS):
        carts.append([(pk, rng.randrange(1, 3), price) for pk, price in rng.sample(dishes, 3)])
    return carts
