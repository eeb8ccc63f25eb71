"""Reading the ledger: revenue by day and method, what each driver must hand in, an order's
payments and refunds."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from littlelemon.orders.enums import PaymentMethod
from littlelemon.restaurant.selectors import restaurant_tz

from .enums import RefundStatus
from .models import Payment, Refund

ZERO = Decimal("0.00")


@dataclass
class RevenueRow:
    day: date
    method: str
    captured: Decimal = ZERO
    refunded: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.captured - self.refunded


@dataclass
class Revenue:
    rows: list[RevenueRow]  # by day, then method; only days and methods with money
    by_method: dict[str, Decimal] = field(default_factory=dict)  # net per method
    captured: Decimal = ZERO
    refunded: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.captured - self.refunded


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = restaurant_tz()
    return datetime.combine(start, time(0), tzinfo=tz), datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz)


def revenue(start: date, end: date) -> Revenue:
    """Captured minus refunded, per day (from `start` to `end`, inclusive, in the restaurant's
    time zone) and per method: a capture dated by its `captured_at`, a refund by its own
    `refunded_at` (succeeded refunds only). Tax and tips are inside the amounts (the orders
    show them apart). Two queries."""
    tz = restaurant_tz()
    since, until = _bounds(start, end)
    cells: dict[tuple[date, str], RevenueRow] = {}
    captured = (
        Payment.objects.filter(captured_at__gte=since, captured_at__lt=until)
        .annotate(day=TruncDate("captured_at", tzinfo=tz))
        .values("day", "method")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in captured:
        cell = cells.setdefault((row["day"], row["method"]), RevenueRow(row["day"], row["method"]))
        cell.captured += row["total"]
    refunded = (
        Refund.objects.filter(status=RefundStatus.SUCCEEDED, refunded_at__gte=since, refunded_at__lt=until)
        .annotate(day=TruncDate("refunded_at", tzinfo=tz))
        .values("day", "payment__method")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in refunded:
        key = (row["day"], row["payment__method"])
        cell = cells.setdefault(key, RevenueRow(row["day"], row["payment__method"]))
        cell.refunded += row["total"]
    rows = sorted(cells.values(), key=lambda row: (row.day, row.method))
    result = Revenue(rows=rows)
    by_method: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        row.captured, row.refunded = Decimal(row.captured).quantize(ZERO), Decimal(row.refunded).quantize(ZERO)
        by_method[row.method] += row.net
        result.captured += row.captured
        result.refunded += row.refunded
    result.by_method = dict(by_method)
    return result


@dataclass(frozen=True)
class HandIn:
    driver_id: int
    driver_name: str
    amount: Decimal
    payments: int


def cash_to_hand_in() -> list[HandIn]:
    """What each driver holds in cash: payments they collected that no manager has received yet
    (less what they gave back in cash refunds), by driver name. One query."""
    rows = (
        Payment.objects.filter(method=PaymentMethod.CASH, captured_at__isnull=False, handed_in_at__isnull=True)
        .exclude(collected_by=None)
        .filter(collected_by__groups__name="delivery-crew")
        .values("collected_by", "collected_by__username", "collected_by__first_name", "collected_by__last_name")
        .annotate(total=Sum("amount"), refunded=Sum("amount_refunded"), count=Count("id"))
        .order_by("collected_by__username")
    )
    return [
        HandIn(
            driver_id=row["collected_by"],
            driver_name=f"{row['collected_by__first_name']} {row['collected_by__last_name']}".strip()
            or row["collected_by__username"],
            amount=Decimal(row["total"] - row["refunded"]).quantize(ZERO),
            payments=row["count"],
        )
        for row in rows
    ]


def order_payments(order_id: int) -> list[Payment]:
    """An order's payments, each with `refund_rows` (its refunds), oldest first: two queries
    whatever they hold."""
    payments = list(Payment.objects.filter(order_id=order_id).select_related("collected_by").order_by("id"))
    refunds: dict[int, list[Refund]] = defaultdict(list)
    for refund in Refund.objects.filter(payment__order_id=order_id).order_by("id"):
        refunds[refund.payment_id].append(refund)
    for payment in payments:
        payment.refund_rows = refunds[payment.pk]
    return payments
