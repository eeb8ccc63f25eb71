"""Four weeks of past trade for the demo, so that the reports (/staff/reports/) have something
to show: finished orders with their timelines (accepted, ready, out, delivered or collected)
and their payments in the ledger (captured when they finished: the reports' sales), and past
bookings (completed, a few no-shows and cancellations).

History, not news: the rows are written directly (the services stamp everything "now" and
would announce each order), with timestamps in the past, and by three history-only customers
(`demo-guest-1` to `-3`, who cannot log in) so that the demo customer's own pages stay short.
Made once: nothing is added when the history customers already exist. `DEMO_HISTORY_DAYS`
(a setting, default 28) says how many days; the test settings turn it off (0) so that the other
seed_demo tests count only what they expect.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings

from littlelemon.accounts.models import User
from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.models import Booking, Table
from littlelemon.core.money import ZERO, percent_of, to_money
from littlelemon.menu.models import MenuItem
from littlelemon.orders.enums import EventKind, Fulfilment, OrderStatus, PaymentMethod, PaymentStatus
from littlelemon.orders.models import Order, OrderEvent, OrderItem
from littlelemon.payments.enums import PaymentStatus as LedgerStatus
from littlelemon.payments.enums import Provider
from littlelemon.payments.models import Payment
from littlelemon.reports.models import ReportDay
from littlelemon.restaurant.selectors import restaurant_settings_get, restaurant_today, restaurant_tz

HISTORY_PREFIX = "demo-guest-"
DEFAULT_DAYS = 28
# Orders come in at lunch and dinner: local (hour, weight).
HOURS = ((11, 2), (12, 5), (13, 4), (14, 1), (17, 2), (18, 5), (19, 6), (20, 4), (21, 2))
BOOKING_STATUSES = [BookingStatus.COMPLETED] * 8 + [BookingStatus.NO_SHOW, BookingStatus.CANCELLED]


def seed_history() -> int:
    """Adds the past weeks once; returns how many orders it made (0 when already there)."""
    days = getattr(settings, "DEMO_HISTORY_DAYS", DEFAULT_DAYS)
    if not days or User.objects.filter(username__startswith=HISTORY_PREFIX).exists():
        return 0
    rng = random.Random(17)  # noqa: S311 -- demo data, not a secret
    guests = [_guest(n) for n in range(1, 4)]
    dishes = list(MenuItem.objects.order_by("id").values_list("id", "title", "price"))
    if not dishes:
        return 0
    tz = restaurant_tz()
    today = restaurant_today()
    made = 0
    for offset in range(days, 0, -1):
        day = today - timedelta(days=offset)
        busy = 1.5 if day.weekday() >= 4 else 1.0  # Friday to Sunday
        for n in range(round(rng.randint(4, 8) * busy)):
            hour = rng.choices([h for h, _ in HOURS], weights=[w for _, w in HOURS])[0]
            placed = datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=tz)
            _order(rng, guest=rng.choice(guests), placed=placed, dishes=dishes, key=f"demo-history-{day}-{n}")
            made += 1
    _bookings(rng, today=today, days=days, guests=guests)
    # Written around the services: the reports' stored days (if any were) are recomputed.
    ReportDay.objects.all().delete()
    return made


def _guest(n: int) -> User:
    user = User(username=f"{HISTORY_PREFIX}{n}", email=f"{HISTORY_PREFIX}{n}@littlelemon.localhost")
    user.first_name, user.last_name = "Guest", str(n)
    user.set_unusable_password()
    user.save()
    return user


def _order(rng: random.Random, *, guest: User, placed: datetime, dishes: list, key: str) -> None:
    restaurant = restaurant_settings_get()
    fulfilment = Fulfilment.DELIVERY if rng.random() < 0.6 else Fulfilment.PICKUP
    lines = [(dish, rng.choice((1, 1, 2))) for dish in rng.sample(dishes, rng.randint(1, 4))]
    subtotal = to_money(sum((price * quantity for (_, _, price), quantity in lines), ZERO))
    fee = restaurant.delivery_fee if fulfilment == Fulfilment.DELIVERY else ZERO
    tax = percent_of(subtotal + fee, restaurant.tax_rate)
    tip = to_money(Decimal(rng.choice((0, 0, 100, 200, 300))) / 100)
    accepted = placed + timedelta(minutes=rng.randint(1, 4))
    ready = accepted + timedelta(minutes=rng.randint(10, 30))
    steps = [(OrderStatus.ACCEPTED, accepted), (OrderStatus.PREPARING, accepted + timedelta(minutes=1))]
    steps.append((OrderStatus.READY, ready))
    if fulfilment == Fulfilment.DELIVERY:
        out = ready + timedelta(minutes=rng.randint(2, 10))
        finished = out + timedelta(minutes=rng.randint(12, 35))
        steps += [(OrderStatus.OUT_FOR_DELIVERY, out), (OrderStatus.DELIVERED, finished)]
    else:
        finished = ready + timedelta(minutes=rng.randint(2, 15))
        steps.append((OrderStatus.COLLECTED, finished))
    order = Order(
        customer=guest,
        status=steps[-1][0],
        fulfilment=fulfilment,
        delivery_address="12 Lemon Grove" if fulfilment == Fulfilment.DELIVERY else "",
        subtotal=subtotal,
        delivery_fee=fee,
        tax=tax,
        tip=tip,
        total=subtotal + fee + tax + tip,
        payment_method=rng.choice((PaymentMethod.CASH, PaymentMethod.CARD)),
        payment_status=PaymentStatus.PAID,
        status_changed_at=finished,
        finished_at=finished,
        idempotency_key=key,
    )
    order.save()
    Order.objects.filter(pk=order.pk).update(created=placed, updated=finished)  # auto_now_add ignores a value
    record_payments([order])
    OrderItem.objects.bulk_create(
        OrderItem(order=order, menuitem_id=pk, title=title, unit_price=price, quantity=quantity, price=price * quantity)
        for (pk, title, price), quantity in lines
    )
    events = [OrderEvent(order=order, kind=EventKind.PLACED, from_status="", to_status=OrderStatus.PLACED, at=placed)]
    previous = OrderStatus.PLACED
    for status, at in steps:
        events.append(
            OrderEvent(order=order, kind=EventKind.STATUS_CHANGED, from_status=previous, to_status=status, at=at)
        )
        previous = status
    OrderEvent.objects.bulk_create(events)


def record_payments(orders: list[Order]) -> None:
    """The ledger's rows for finished history orders (the reports' sales read them): each order's
    money taken when it finished, as `payments.services.payment_collect_in_person` (or Stripe,
    for an online order) records it, but dated in the past and already handed in (no driver owes
    anything for history). One bulk insert."""
    currency = restaurant_settings_get().currency
    Payment.objects.bulk_create(
        Payment(
            order=order,
            attempt=1,
            method=order.payment_method,
            provider=Provider.STRIPE if order.payment_method == PaymentMethod.ONLINE else Provider.IN_PERSON,
            provider_id=f"pi_demo_{order.pk}" if order.payment_method == PaymentMethod.ONLINE else "",
            amount=order.total,
            currency=currency,
            status=LedgerStatus.SUCCEEDED,
            captured_at=order.finished_at,
            handed_in_at=order.finished_at,
        )
        for order in orders
    )


def _bookings(rng: random.Random, *, today, days: int, guests: list[User]) -> None:
    """A few past bookings a day, one per table and evening, never overlapping."""
    tables = list(Table.objects.filter(active=True).order_by("label"))
    tz = restaurant_tz()
    bookings = []
    for offset in range(days, 0, -1):
        day = today - timedelta(days=offset)
        for table in rng.sample(tables, min(len(tables), rng.randint(3, 7))):
            start = datetime.combine(day, time(rng.choice((18, 19, 20)), rng.choice((0, 30))), tzinfo=tz)
            bookings.append(
                Booking(
                    customer=rng.choice(guests),
                    party_size=rng.randint(1, table.seats),
                    start=start,
                    end=start + timedelta(minutes=90),
                    table=table,
                    status=rng.choice(BOOKING_STATUSES),
                )
            )
    Booking.objects.bulk_create(bookings)
