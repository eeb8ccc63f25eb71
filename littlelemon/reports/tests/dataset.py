"""A small fixed dataset for the reports' tests, with its figures computed by hand.

The range is Monday 2 to Sunday 8 March 2026 in America/Chicago (the test settings' zone); DST
starts on the 8th at 2 a.m., so the last day is 23 hours long and ends at 05:00 UTC.

Money comes from the payments ledger: an order paid in person has a Payment captured when it
finished (as the driver's or the counter's hand-over records it), a refund its own row dated
by its own time. Paid orders in the range (total = subtotal + delivery fee + 10 % tax + tip):
- A delivery, cash: 20.00 + 5.00 + 2.50 + 2.00 = 29.50, finished Mon 2 at 00:30 (placed Sun 1 at 23:50)
- B pickup, card:   10.00 + 0    + 1.00 + 0    = 11.00, finished Wed 4 at 12:00 (placed 11:20);
  3.00 refunded Fri 6 at 10:00
- C delivery, cash: 30.00 + 5.00 + 3.50 + 1.50 = 40.00, collected Sun 8 at 23:30 (placed 22:50)
- H pickup, online: 20.00 + 0 + 2.00 = 22.00 captured Thu 5 at 12:00, cancelled and refunded in
  full at 12:30: nets to nothing and is not an order sold
Left out: D finished Mon 9 at 00:30, E finished Sun 1 at 23:30 (both paid; E's 5.00 refund on
Tue 3 at 09:00 counts, a negative on that day), F cancelled, G still open, a pending refund of C
(not money yet).
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.tests.factories import BookingFactory, TableFactory
from littlelemon.orders.enums import Fulfilment, OrderStatus, PaymentMethod
from littlelemon.orders.models import OrderEvent, OrderItem
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.payments.enums import PaymentStatus, Provider, RefundStatus
from littlelemon.payments.models import Payment, Refund
from littlelemon.reports.selectors import ReportRange

CHICAGO = ZoneInfo("America/Chicago")
START, END = date(2026, 3, 2), date(2026, 3, 8)
PERIOD = ReportRange(start=START, end=END)
ESCAPED_DISH = "Lemon <cake> & co"


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CHICAGO)


def _order(*, status, fulfilment, subtotal, tip, method, finished, lines=(), steps=()):
    order = OrderFactory(
        status=status,
        fulfilment=fulfilment,
        subtotal=Decimal(subtotal),
        tip=Decimal(tip),
        payment_method=method,
        finished_at=finished,
    )
    order.created = finished - timedelta(minutes=40)
    order.save(update_fields=["created"])
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            title=title,
            unit_price=Decimal(unit),
            quantity=quantity,
            price=Decimal(unit) * quantity,
        )
        for title, quantity, unit in lines
    )
    previous = "placed"
    for to_status, minutes in steps:
        OrderEvent.objects.create(
            order=order,
            kind="status_changed",
            from_status=previous,
            to_status=to_status,
            at=order.created + timedelta(minutes=minutes),
        )
        previous = to_status
    if status in (OrderStatus.DELIVERED, OrderStatus.COLLECTED):
        pay(order, captured=finished)
    return order


def pay(order, *, captured: datetime, method: str | None = None) -> Payment:
    """The ledger's row for an order's money taken at `captured` (in person: the hand-over)."""
    method = method or order.payment_method
    return Payment.objects.create(
        order=order,
        attempt=1,
        method=method,
        provider=Provider.STRIPE if method == PaymentMethod.ONLINE else Provider.IN_PERSON,
        provider_id=f"pi_{order.pk}" if method == PaymentMethod.ONLINE else "",
        amount=order.total,
        currency="USD",
        status=PaymentStatus.SUCCEEDED,
        captured_at=captured,
    )


def refund(payment: Payment, amount: str, *, at: datetime, status=RefundStatus.SUCCEEDED) -> Refund:
    """A refund of `amount` of `payment` at `at` (succeeded unless told), as the services leave it."""
    row = Refund.objects.create(
        payment=payment,
        amount=Decimal(amount),
        reason="test",
        status=status,
        refunded_at=at if status == RefundStatus.SUCCEEDED else None,
    )
    payment.amount_refunded += row.amount
    payment.status = (
        PaymentStatus.REFUNDED if payment.amount_refunded >= payment.amount else PaymentStatus.PARTIALLY_REFUNDED
    )
    payment.save(update_fields=["amount_refunded", "status"])
    return row


def build() -> dict:
    """The orders and bookings described above; returns them by letter."""
    delivered, collected = OrderStatus.DELIVERED, OrderStatus.COLLECTED
    delivery, pickup = Fulfilment.DELIVERY, Fulfilment.PICKUP
    cash, card = PaymentMethod.CASH, PaymentMethod.CARD
    orders = {
        "A": _order(
            status=delivered,
            fulfilment=delivery,
            subtotal="20.00",
            tip="2.00",
            method=cash,
            finished=local(2026, 3, 2, 0, 30),
            lines=[("Greek salad", 2, "6.00"), ("Bruschetta", 1, "8.00")],
            # preparation 12 min, delivery 20 min
            steps=[("accepted", 1), ("preparing", 2), ("ready", 13), ("out_for_delivery", 15), ("delivered", 35)],
        ),
        "B": _order(
            status=collected,
            fulfilment=pickup,
            subtotal="10.00",
            tip="0.00",
            method=card,
            finished=local(2026, 3, 4, 12, 0),
            lines=[("Greek salad", 1, "6.00"), (ESCAPED_DISH, 1, "4.00")],
            # preparation 20 min
            steps=[("accepted", 2), ("preparing", 3), ("ready", 22), ("collected", 30)],
        ),
        "C": _order(
            status=delivered,
            fulfilment=delivery,
            subtotal="30.00",
            tip="1.50",
            method=cash,
            finished=local(2026, 3, 8, 23, 30),
            lines=[("Grilled fish", 1, "30.00")],
            # recalled once: preparation from the acceptance to the last "ready", 16 min; delivery 30 min
            steps=[
                ("accepted", 1),
                ("preparing", 2),
                ("ready", 11),
                ("preparing", 12),
                ("ready", 17),
                ("out_for_delivery", 20),
                ("delivered", 50),
            ],
        ),
        "D": _order(
            status=delivered,
            fulfilment=delivery,
            subtotal="40.00",
            tip="0.00",
            method=cash,
            finished=local(2026, 3, 9, 0, 30),
            lines=[("Bruschetta", 5, "8.00")],
            steps=[("accepted", 1), ("ready", 60)],
        ),
        "E": _order(
            status=collected,
            fulfilment=pickup,
            subtotal="15.00",
            tip="0.00",
            method=cash,
            finished=local(2026, 3, 1, 23, 30),
            lines=[("Bruschetta", 1, "15.00")],
        ),
        "F": _order(
            status=OrderStatus.CANCELLED,
            fulfilment=pickup,
            subtotal="12.00",
            tip="0.00",
            method=cash,
            finished=local(2026, 3, 5, 12, 0),
            lines=[("Greek salad", 2, "6.00")],
        ),
    }
    orders["H"] = _order(
        status=OrderStatus.CANCELLED,
        fulfilment=pickup,
        subtotal="20.00",
        tip="0.00",
        method=PaymentMethod.ONLINE,
        finished=local(2026, 3, 5, 12, 30),
        lines=[("Grilled fish", 1, "20.00")],
    )
    online = pay(orders["H"], captured=local(2026, 3, 5, 12, 0))
    refund(online, "22.00", at=local(2026, 3, 5, 12, 30))
    refund(Payment.objects.get(order=orders["B"]), "3.00", at=local(2026, 3, 6, 10, 0))
    refund(Payment.objects.get(order=orders["E"]), "5.00", at=local(2026, 3, 3, 9, 0))
    refund(Payment.objects.get(order=orders["C"]), "1.00", at=local(2026, 3, 8, 23, 40), status=RefundStatus.PENDING)
    open_order = OrderFactory(status=OrderStatus.PREPARING, fulfilment=pickup)
    OrderItem.objects.create(order=open_order, title="Greek salad", unit_price=Decimal("6.00"), quantity=9, price=54)
    orders["G"] = open_order

    tables = [TableFactory(seats=6) for _ in range(3)]
    bookings = [
        BookingFactory(table=tables[0], party_size=4, start=local(2026, 3, 2, 19), status=BookingStatus.COMPLETED),
        BookingFactory(table=tables[1], party_size=2, start=local(2026, 3, 2, 20), status=BookingStatus.NO_SHOW),
        BookingFactory(table=tables[0], party_size=3, start=local(2026, 3, 3, 19), status=BookingStatus.CANCELLED),
        BookingFactory(table=tables[0], party_size=2, start=local(2026, 3, 8, 23, 30), status=BookingStatus.CONFIRMED),
        BookingFactory(table=tables[2], party_size=6, start=local(2026, 3, 9, 0, 30), status=BookingStatus.COMPLETED),
        BookingFactory(table=tables[2], party_size=5, start=local(2026, 3, 1, 23, 30), status=BookingStatus.COMPLETED),
    ]
    return {"orders": orders, "bookings": bookings}
