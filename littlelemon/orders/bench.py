"""The orders part of the benchmark dataset (see littlelemon/demo/benchdata.py).

20,000 orders a scale of 1 to 6 dishes each, placed over the year before `dataset.epoch`,
mostly finished (delivered, collected, a few cancelled or rejected) and the latest few hundred
still open, a third of the deliveries with a driver assigned. Totals are computed as
`services.order_place` computes them, so the database's checks hold.

What the scenarios rely on:
- `bench-customer-00001` has exactly 50 orders (the `orders_customer` scenario);
- customers from `ORDER_PLACE_FIRST` on have none: `order_place` places theirs during the run,
  and the check after the load counts every order they have.
"""

from datetime import timedelta
from decimal import Decimal

from littlelemon.core.money import ZERO, percent_of, to_money
from littlelemon.demo.benchdata import Dataset, dataset_part
from littlelemon.menu.models import MenuItem

from .enums import Fulfilment, OrderStatus, PaymentMethod, PaymentStatus
from .models import Order, OrderItem

ORDERS_CUSTOMER = 1  # bench-customer-00001: 50 orders
ORDERS_CUSTOMER_COUNT = 50
ORDER_PLACE_FIRST = 901  # bench-customer-00901 to 00932: no seeded orders (at every scale)
ORDER_PLACE_COUNT = 32  # one per wrk connection
CHUNK = 5000
FINISHED = [OrderStatus.DELIVERED] * 12 + [OrderStatus.COLLECTED] * 6 + [OrderStatus.CANCELLED, OrderStatus.REJECTED]
OPEN = (OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.PREPARING, OrderStatus.READY)
STREETS = ("Lemon Grove", "Harbour Road", "Olive Lane", "Market Street", "Cedar Avenue", "Station Road")


def order_place_customers() -> range:
    """The customer numbers `order_place` uses (they have no seeded orders)."""
    return range(ORDER_PLACE_FIRST, ORDER_PLACE_FIRST + ORDER_PLACE_COUNT)


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
    reserved = {customers[n - 1] for n in order_place_customers() if n <= len(customers)}
    others = [pk for pk in customers if pk not in reserved and pk != customers[ORDERS_CUSTOMER - 1]]

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
