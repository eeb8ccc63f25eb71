"""The reports' figures for a range of days in the restaurant's time zone (settings.TIME_ZONE).

Everything is aggregated in the database: a day, an hour and a weekday are computed there in
the restaurant's zone (local_time.py), so a day is a local day whatever the season (23 or 25
hours across a DST change). Each report runs a fixed number of queries whatever the range.

The settled days' figures are stored, a few rows per day (and per month for the reports that
show no day: the daily roll-up, rollup.py): a report reads them in one query and computes only
the other days live (`_daily`), by the same query as before over just those days (one query
per report, two for sales: the captures and the refunds), then post-processes both alike: the
same figures either way.

Money comes from the payments ledger (issue 18's definitions): captured minus refunded, dated
by capture and refunds by their own date, so the Sales report equals
`payments.selectors.revenue` per day and per method. The orders that count as sold (for the
counts, the dishes, the hours and the service times) are defined in one place, `paid_orders()`.
"""

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, FloatField, Max, Min, Q, QuerySet, Sum
from django.db.models.expressions import Combinable

from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.models import Booking
from littlelemon.core.money import ZERO, to_money
from littlelemon.orders.enums import Fulfilment, OrderStatus, PaymentMethod
from littlelemon.orders.models import Order, OrderEvent, OrderItem
from littlelemon.payments.enums import PaymentStatus, RefundStatus
from littlelemon.payments.models import Payment, Refund
from littlelemon.restaurant.selectors import restaurant_today, restaurant_tz

from . import rollup
from .exceptions import InvalidReportRange
from .local_time import SecondsBetween, local_date, local_hour, local_iso_weekday

MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 7
TOP_DISHES = 10


# --- the range ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRange:
    """From `start` to `end`, both days included, in the restaurant's time zone."""

    start: date
    end: date

    @property
    def day_count(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.day_count)]

    def bounds(self) -> tuple[datetime, datetime]:
        """The first instant of `start` and of the day after `end`, local midnights, in UTC."""
        tz = restaurant_tz()
        first = datetime.combine(self.start, time(0), tzinfo=tz)
        after = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=tz)
        return first.astimezone(UTC), after.astimezone(UTC)


def report_range(*, start: date, end: date) -> ReportRange:
    """A valid range, or InvalidReportRange (on `end`): end before start, or longer than a year."""
    if end < start:
        raise InvalidReportRange("The end date is before the start date.", field="end")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise InvalidReportRange(f"Choose at most {MAX_RANGE_DAYS} days.", field="end")
    return ReportRange(start=start, end=end)


def default_range(today: date | None = None) -> ReportRange:
    """The last seven days, today included."""
    end = today or restaurant_today()
    return ReportRange(start=end - timedelta(days=DEFAULT_RANGE_DAYS - 1), end=end)


# --- revenue: the payments ledger ------------------------------------------------------------

# A payment whose money was taken and is not wholly refunded: its order counts as a sale.
_SOLD = (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED)


def _sold(prefix: str, period: ReportRange) -> tuple[dict, Combinable]:
    """The filter on `<prefix>payments` keeping rows of orders sold in `period` (captured in the
    range, not refunded in full), and the local day of that capture."""
    first, after = period.bounds()
    captured = f"{prefix}payments__captured_at"
    sold = {f"{captured}__gte": first, f"{captured}__lt": after, f"{prefix}payments__status__in": _SOLD}
    return sold, local_date(captured, first, after, restaurant_tz())


def paid_orders(period: ReportRange) -> QuerySet[Order]:
    """The orders that count as sales in `period`: those whose payment was captured in the range
    (online when Stripe took it, in person when the driver or the counter marked it collected)
    and not refunded in full since, annotated with `revenue_date` (the local day of the capture).

    The money itself is the ledger's (`sales_report`): captured minus refunded, a refund on its
    own day; these orders give the counts, the dishes, the hours and the service times.
    """
    sold, day = _sold("", period)
    return Order.objects.filter(**sold).annotate(revenue_date=day)


LiveByDay = Callable[["ReportRange"], dict[date, list]]


def _daily(report: str, period: ReportRange) -> list[tuple[date, list]]:
    """Every row of `report` for the days of `period`, as (day, row), a stored month's rows
    under its first day: the stored months' and days' rows (rollup.py: one query) and, for the
    days not stored, the live query's (`DAILY[report].live`, over the span from the first to the
    last of them, kept to those days), the settled ones among them stored for the next read
    (one INSERT)."""
    daily = DAILY[report]
    by_day, by_month = rollup.stored_days(report, period.start, period.end, by_month=daily.by_month)
    covered = set(by_day) | {day for day in period.days if day.replace(day=1) in by_month}
    missing = [day for day in period.days if day not in covered]
    if missing:
        computed = daily.live(ReportRange(start=missing[0], end=missing[-1]))
        fresh = {day: computed.get(day, []) for day in missing}
        rollup.days_store(report, fresh)
        by_day |= fresh
    return [(day, row) for day, rows in (by_day | by_month).items() for row in rows]


def _by_day(rows) -> dict[date, list]:
    """(day, row) pairs grouped by day: a live query's answer as `_daily` takes it."""
    days: dict[date, list] = {}
    for day, row in rows:
        days.setdefault(day, []).append(row)
    return days


# --- sales -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SalesDay:
    day: date
    orders: int
    sales: Decimal
    tax: Decimal
    tips: Decimal


@dataclass(frozen=True)
class SalesShare:
    key: str
    label: str
    orders: int
    sales: Decimal


@dataclass(frozen=True)
class SalesReport:
    period: ReportRange
    days: list[SalesDay]  # every day of the range, zeros included
    by_fulfilment: list[SalesShare]
    by_payment_method: list[SalesShare]

    @property
    def orders(self) -> int:
        return sum(day.orders for day in self.days)

    @property
    def sales(self) -> Decimal:
        return sum((day.sales for day in self.days), ZERO)

    @property
    def tax(self) -> Decimal:
        return sum((day.tax for day in self.days), ZERO)

    @property
    def tips(self) -> Decimal:
        return sum((day.tips for day in self.days), ZERO)

    @property
    def average_ticket(self) -> Decimal | None:
        """Sales per order (tax and tip included); None without orders."""
        return to_money(self.sales / self.orders) if self.orders else None


def _money(value: Decimal | None) -> Decimal:
    return to_money(value) if value is not None else ZERO


def _ledger_rows(period: ReportRange) -> list[dict]:
    """The ledger's money in `period` by local day, fulfilment and payment method: two queries,
    one over the captures (with their orders' counts, tax and tips), one over the succeeded
    refunds, each dated by its own time. Every row has day, fulfilment, method, orders, sales
    (captured, or minus refunded), tax and tips."""
    first, after = period.bounds()
    tz = restaurant_tz()
    sold = Q(status__in=_SOLD)
    captures = (
        Payment.objects.filter(captured_at__gte=first, captured_at__lt=after)
        .annotate(day=local_date("captured_at", first, after, tz), fulfilment=F("order__fulfilment"))
        .values("day", "fulfilment", "method")
        .annotate(
            orders=Count("order_id", filter=sold, distinct=True),
            sales=Sum("amount"),
            tax=Sum("order__tax", filter=sold),
            tips=Sum("order__tip", filter=sold),
        )
        .order_by()
    )
    refunds = (
        Refund.objects.filter(status=RefundStatus.SUCCEEDED, refunded_at__gte=first, refunded_at__lt=after)
        .annotate(
            day=local_date("refunded_at", first, after, tz),
            fulfilment=F("payment__order__fulfilment"),
            method=F("payment__method"),
        )
        .values("day", "fulfilment", "method")
        .annotate(refunded=Sum("amount"))
        .order_by()
    )
    rows = [
        {**row, "sales": _money(row["sales"]), "tax": _money(row["tax"]), "tips": _money(row["tips"])}
        for row in captures
    ]
    rows += [{**row, "orders": 0, "sales": -_money(row["refunded"]), "tax": ZERO, "tips": ZERO} for row in refunds]
    return rows


def _sales_days(period: ReportRange) -> dict[date, list]:
    """The ledger's rows (`_ledger_rows`) summed by day, fulfilment and method: per day, rows of
    [fulfilment, method, orders, sales, tax, tips], the amounts as strings."""
    sums: dict[tuple[date, str, str], list] = {}
    for row in _ledger_rows(period):
        total = sums.setdefault((row["day"], row["fulfilment"], row["method"]), [0, ZERO, ZERO, ZERO])
        for position, name in enumerate(("orders", "sales", "tax", "tips")):
            total[position] += row[name]
    return _by_day(
        (day, [fulfilment, method, orders, str(sales), str(tax), str(tips)])
        for (day, fulfilment, method), (orders, sales, tax, tips) in sums.items()
    )


def sales_report(period: ReportRange) -> SalesReport:
    """Sales by day and their split by fulfilment and payment method, from the payments ledger:
    captured minus refunded (tax and tips included), a capture on its local day, a refund on its
    own (a negative there), so each day and method equals `payments.selectors.revenue`. Orders,
    tax and tips are those of the orders captured that day and not refunded in full. The days
    by fulfilment and method (`_daily` of `_sales_days`), summed up here."""
    rows = [
        {
            "day": day,
            "fulfilment": fulfilment,
            "method": method,
            "orders": orders,
            "sales": Decimal(sales),
            "tax": Decimal(tax),
            "tips": Decimal(tips),
        }
        for day, (fulfilment, method, orders, sales, tax, tips) in _daily("sales", period)
    ]
    by_day: dict[date, list[dict]] = {}
    for row in rows:
        by_day.setdefault(row["day"], []).append(row)
    days = []
    for day in period.days:
        matching = by_day.get(day, [])
        days.append(
            SalesDay(
                day=day,
                orders=sum(row["orders"] for row in matching),
                sales=sum((row["sales"] for row in matching), ZERO),
                tax=sum((row["tax"] for row in matching), ZERO),
                tips=sum((row["tips"] for row in matching), ZERO),
            )
        )
    shares: dict[tuple[str, str], dict] = {}
    for row in rows:
        share = shares.setdefault((row["fulfilment"], row["method"]), {"orders": 0, "sales": ZERO})
        share["orders"] += row["orders"]
        share["sales"] += row["sales"]
    return SalesReport(
        period=period,
        days=days,
        by_fulfilment=_shares(shares, 0, Fulfilment),
        by_payment_method=_shares(shares, 1, PaymentMethod),
    )


def _shares(rows: dict[tuple[str, str], dict], position: int, choices) -> list[SalesShare]:
    """Every choice in its declared order (zeros included), summed over the other dimension."""
    shares = []
    for value, label in choices.choices:
        matching = [row for key, row in rows.items() if key[position] == value]
        shares.append(
            SalesShare(
                key=value,
                label=label,
                orders=sum(row["orders"] for row in matching),
                sales=sum((row["sales"] for row in matching), ZERO),
            )
        )
    return shares


# --- dishes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DishFigures:
    title: str  # as it was sold (the order line's snapshot)
    quantity: int
    revenue: Decimal  # the lines' totals: before tax, without delivery fee or tip


@dataclass(frozen=True)
class TopDishes:
    period: ReportRange
    by_quantity: list[DishFigures]
    by_revenue: list[DishFigures]


def _dishes_days(period: ReportRange) -> dict[date, list]:
    """The paid orders' lines by day and dish: per day, rows of [title, quantity, revenue in
    cents] (the cents summed by the database as a float, rounded here: exact for sums of
    two-decimal prices, and no Decimal made per row)."""
    sold, day = _sold("order__", period)
    rows = (
        OrderItem.objects.filter(**sold)
        .annotate(day=day)
        .values("day", "title")
        .annotate(quantity=Sum("quantity"), cents=Sum(F("price") * 100, output_field=FloatField()))
        .values_list("day", "title", "quantity", "cents")
        .order_by()
    )
    return _by_day((day, [title, quantity, round(cents)]) for day, title, quantity, cents in rows)


def top_dishes(period: ReportRange, *, limit: int = TOP_DISHES) -> TopDishes:
    """The best sellers among the paid orders' lines, by quantity and by revenue: the days by
    dish (`_daily` of `_dishes_days`) summed per dish, and the two rankings taken here."""
    totals = rollup.rows_merged((row for _day, row in _daily("dishes", period)), keys=1)
    dishes = [
        DishFigures(title=title, quantity=total, revenue=Decimal(cents).scaleb(-2)) for title, total, cents in totals
    ]
    return TopDishes(
        period=period,
        by_quantity=sorted(dishes, key=lambda dish: (-dish.quantity, -dish.revenue, dish.title))[:limit],
        by_revenue=sorted(dishes, key=lambda dish: (-dish.revenue, -dish.quantity, dish.title))[:limit],
    )


# --- hours of the week -----------------------------------------------------------------------


@dataclass(frozen=True)
class HoursOfWeek:
    period: ReportRange
    counts: list[list[int]]  # [weekday 0 = Monday][hour 0..23]: paid orders placed then

    @property
    def busiest(self) -> int:
        return max((count for row in self.counts for count in row), default=0)

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.counts)


# How long before its payment an order may have been placed, for the local hour's DST pieces.
PLACED_BEFORE_DAYS = 31


def _hours_days(period: ReportRange) -> dict[date, list]:
    """The paid orders by day and the local weekday and hour they were placed: per day, rows
    of [weekday (1 Monday), hour, orders]."""
    tz = restaurant_tz()
    first, after = period.bounds()
    first -= timedelta(days=PLACED_BEFORE_DAYS)
    rows = (
        paid_orders(period)
        .annotate(weekday=local_iso_weekday("created", first, after, tz), hour=local_hour("created", first, after, tz))
        .values("revenue_date", "weekday", "hour")
        .annotate(orders=Count("id"))
        .order_by()
    )
    return _by_day((row["revenue_date"], [row["weekday"], row["hour"], row["orders"]]) for row in rows)


def orders_by_hour(period: ReportRange) -> HoursOfWeek:
    """The paid orders of the range by the local weekday and hour they were placed: the days'
    counts (`_daily` of `_hours_days`) summed."""
    counts = [[0] * 24 for _ in range(7)]
    for _day, (weekday, hour, orders) in _daily("hours", period):
        counts[weekday - 1][hour] += orders
    return HoursOfWeek(period=period, counts=counts)


# --- preparation and delivery times ----------------------------------------------------------


@dataclass(frozen=True)
class Durations:
    """How long something took, over `count` orders (None without any)."""

    count: int
    median: timedelta | None
    p90: timedelta | None


@dataclass(frozen=True)
class ServiceTimes:
    period: ReportRange
    preparation: Durations  # accepted -> ready
    delivery: Durations  # out for delivery -> delivered


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks (PostgreSQL's percentile_cont, numpy's
    default): the median of 1, 2, 3, 4 is 2.5."""
    return counted_percentile([(value, 1) for value in sorted_values], fraction)


def counted_percentile(counted: Sequence[tuple[float, int]], fraction: float) -> float | None:
    """`percentile` of values given as (value, how many times), in increasing order of value."""
    total = sum(count for _value, count in counted)
    if not total:
        return None
    position = (total - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, total - 1)

    def value_at(rank: int) -> float:
        for value, count in counted:
            if rank < count:
                return value
            rank -= count
        raise IndexError(rank)

    low_value, high_value = value_at(low), value_at(high)
    return low_value + (high_value - low_value) * (position - low)


def _durations(seconds: Counter) -> Durations:
    counted = sorted(seconds.items())
    median, p90 = counted_percentile(counted, 0.5), counted_percentile(counted, 0.9)
    return Durations(
        count=seconds.total(),
        median=None if median is None else timedelta(seconds=round(median)),
        p90=None if p90 is None else timedelta(seconds=round(p90)),
    )


def _step_at(status: str, first: bool):
    """When the order (first or last) entered `status`, from its timeline: a recall and a second
    bump make the kitchen's time run from the first acceptance to the last 'ready'."""
    aggregate = Min if first else Max
    return aggregate("at", filter=Q(to_status=status))


TIMED_STEPS = (OrderStatus.ACCEPTED, OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED)


def _times_days(period: ReportRange) -> dict[date, list]:
    """The paid orders' preparation and delivery times, to the second, from their timelines'
    four timed steps: per day, rows of [step, seconds, orders] ("preparation" or "delivery";
    an order without the step's two ends, or with them the wrong way round, is left out). One
    query; the database computes each order's durations."""
    sold, day = _sold("order__", period)
    rows = (
        OrderEvent.objects.filter(to_status__in=TIMED_STEPS, **sold)
        .annotate(day=day)
        .values("order_id", "day")
        .annotate(
            accepted_at=_step_at(OrderStatus.ACCEPTED, first=True),
            ready_at=_step_at(OrderStatus.READY, first=False),
            out_at=_step_at(OrderStatus.OUT_FOR_DELIVERY, first=True),
            delivered_at=_step_at(OrderStatus.DELIVERED, first=False),
        )
        .annotate(
            preparation=SecondsBetween(F("ready_at"), F("accepted_at")),
            delivery=SecondsBetween(F("delivered_at"), F("out_at")),
        )
        .values_list("day", "preparation", "delivery")
        .order_by()
    )
    counts: dict[date, Counter] = {}
    for day, preparation, delivery in rows:
        day_counts = counts.setdefault(day, Counter())
        for step, seconds in (("preparation", preparation), ("delivery", delivery)):
            if seconds is not None and seconds >= 0:
                day_counts[step, round(seconds)] += 1
    return {day: [[step, seconds, orders] for (step, seconds), orders in c.items()] for day, c in counts.items()}


def service_times(period: ReportRange) -> ServiceTimes:
    """Preparation (accepted -> ready) and delivery (out for delivery -> delivered) times of the
    paid orders of the range: how many orders took each number of seconds (`_daily` of
    `_times_days`); the median and 90th percentile are computed here, exactly, which works
    alike on SQLite and PostgreSQL."""
    seconds = {"preparation": Counter(), "delivery": Counter()}
    for _day, (step, duration, orders) in _daily("times", period):
        seconds[step][duration] += orders
    return ServiceTimes(
        period=period, preparation=_durations(seconds["preparation"]), delivery=_durations(seconds["delivery"])
    )


@dataclass(frozen=True)
class Daily:
    """A report whose settled days are stored (rollup.py): its live query by day; for a report
    that shows no day (`by_month`), how a month's days merge into one stored row per key: the
    first `keys` columns of a row are its key, the others counts that add up."""

    live: LiveByDay
    by_month: bool = False
    keys: int = 0


DAILY = {
    "sales": Daily(_sales_days),
    "dishes": Daily(_dishes_days, by_month=True, keys=1),
    "hours": Daily(_hours_days, by_month=True, keys=2),
    "times": Daily(_times_days, by_month=True, keys=2),
}


# --- bookings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingDay:
    day: date
    bookings: int  # not cancelled
    covers: int  # guests of the bookings that were not cancelled and did show up (or may yet)
    no_shows: int
    cancelled: int


@dataclass(frozen=True)
class BookingsReport:
    period: ReportRange
    days: list[BookingDay]

    @property
    def bookings(self) -> int:
        return sum(day.bookings for day in self.days)

    @property
    def covers(self) -> int:
        return sum(day.covers for day in self.days)

    @property
    def no_shows(self) -> int:
        return sum(day.no_shows for day in self.days)

    @property
    def cancelled(self) -> int:
        return sum(day.cancelled for day in self.days)

    @property
    def no_show_rate(self) -> Decimal | None:
        """No-shows per booking that was not cancelled, as a percentage (one decimal)."""
        if not self.bookings:
            return None
        return (Decimal(100) * self.no_shows / self.bookings).quantize(Decimal("0.1"))


def bookings_report(period: ReportRange) -> BookingsReport:
    """Bookings and covers by the local day they start on: one query."""
    first, after = period.bounds()
    showing = Q(status__in=(BookingStatus.CONFIRMED, BookingStatus.SEATED, BookingStatus.COMPLETED))
    rows = (
        Booking.objects.filter(start__gte=first, start__lt=after)
        .annotate(day=local_date("start", first, after, restaurant_tz()))
        .values("day")
        .annotate(
            bookings=Count("id", filter=~Q(status=BookingStatus.CANCELLED)),
            covers=Sum("party_size", filter=showing),
            no_shows=Count("id", filter=Q(status=BookingStatus.NO_SHOW)),
            cancelled=Count("id", filter=Q(status=BookingStatus.CANCELLED)),
        )
        .order_by("day")
    )
    by_day = {row["day"]: row for row in rows}
    return BookingsReport(
        period=period,
        days=[
            BookingDay(
                day=day,
                bookings=by_day.get(day, {}).get("bookings", 0),
                covers=by_day.get(day, {}).get("covers") or 0,
                no_shows=by_day.get(day, {}).get("no_shows", 0),
                cancelled=by_day.get(day, {}).get("cancelled", 0),
            )
            for day in period.days
        ],
    )
