"""The daily roll-up: each report's figures for a settled local day, stored once (`ReportDay`),
so that a report over a long range reads a few rows per day instead of the day's orders, lines
and timelines.

- A day is **settled** when it ended before yesterday in the restaurant's zone
  (`last_settled_day`): its payments, refunds and timelines should no longer change. Only
  settled days are stored; today, yesterday and any day not stored yet are computed live, by
  the same query over just those days (`selectors._daily`).
- A day's rows are the live query's own groups for that day (sales: fulfilment × payment
  method; dishes: per dish; hours: weekday × hour; times: each order's two durations, so the
  range's median and 90th percentile stay exact), so stored and live days add up to the same
  figures.
- Filled on read (a report stores the settled days it had to compute: one INSERT), by the
  periodic job (`tasks.report_days_settle`: the last month's missing days, so the day that
  just settled is ready by morning) and by `manage.py reports_rollup --since --until
  [--rebuild]` (`report_days_build`).
- Forgotten when an older order's facts change: the services that change an order's timeline
  or payments (`orders.transitions.order_status_change`, `payments.services.refund_create`,
  `refund_failed`) call `report_days_forget` in their transaction, which deletes the days the
  order counts on; the next read recomputes them.
"""

from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from littlelemon.orders.models import Order
from littlelemon.payments.models import Payment
from littlelemon.restaurant.selectors import restaurant_today, restaurant_tz

from .models import ReportDay

# Yesterday may still change (a late delivery, a refund at closing time): the day before is settled.
UNSETTLED_DAYS = 2
# The periodic job looks this far back for days to store (a day forgotten after a late change).
SETTLE_LOOKBACK_DAYS = 31
# The command works a month at a time: bounded queries and memory, whatever the range.
BUILD_CHUNK_DAYS = 31
_FIELDS = ("report", "day", "rows", "made_at")


def last_settled_day(today: date | None = None) -> date:
    """The last local day whose figures are stored: the day before yesterday."""
    return (today or restaurant_today()) - timedelta(days=UNSETTLED_DAYS)


def stored_days(report: str, start: date, end: date) -> dict[date, list]:
    """The stored rows of `report` for the days from `start` to `end`, by day: one query."""
    return dict(
        ReportDay.objects.filter(report=report, day__gte=start, day__lte=end).values_list("day", "rows").order_by()
    )


def days_store(report: str, rows_by_day: dict[date, list], *, one_insert: bool = True) -> int:
    """Store the settled days among `rows_by_day` (a day stored meanwhile is left as it is);
    returns how many it stored. `one_insert` (a report being read) stores at most what one
    INSERT holds (on SQLite, 249 days): the rest on the next read, by the job or the command."""
    settled = last_settled_day()
    now = timezone.now()
    rows = [
        ReportDay(report=report, day=day, rows=rows, made_at=now)
        for day, rows in sorted(rows_by_day.items())
        if day <= settled
    ]
    if one_insert:
        rows = rows[: connection.ops.bulk_batch_size(_FIELDS, rows)]
    ReportDay.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def report_days_forget(*, order: Order) -> None:
    """Forget the stored days an order's figures count on (the local days its payments were
    captured and its refunds made), because they are changing: call inside the changing
    transaction. Every such day is on or after the day the order was created, so for an order
    of today or yesterday (nearly every change) nothing is stored yet and no query runs; else
    one query for the days and one DELETE."""
    tz = restaurant_tz()
    settled = last_settled_day()
    if order.created.astimezone(tz).date() > settled:
        return
    moments = Payment.objects.filter(order=order).values_list("captured_at", "refunds__refunded_at")
    days = {moment.astimezone(tz).date() for pair in moments for moment in pair if moment is not None}
    days = {day for day in days if day <= settled}
    if days:
        ReportDay.objects.filter(day__in=days).delete()


def report_days_build(*, since: date, until: date, rebuild: bool = False) -> dict[str, int]:
    """Store every report's settled days from `since` to `until` that are not stored yet (all
    of them again with `rebuild`), a month at a time; returns the days stored per report."""
    from .selectors import DAILY, ReportRange

    until = min(until, last_settled_day())
    stored = dict.fromkeys(DAILY, 0)
    start = since
    while start <= until:
        chunk = ReportRange(start=start, end=min(start + timedelta(days=BUILD_CHUNK_DAYS - 1), until))
        for report, live in DAILY.items():
            with transaction.atomic():
                if rebuild:
                    ReportDay.objects.filter(report=report, day__gte=chunk.start, day__lte=chunk.end).delete()
                have = set(
                    ReportDay.objects.filter(report=report, day__gte=chunk.start, day__lte=chunk.end).values_list(
                        "day", flat=True
                    )
                )
                missing = [day for day in chunk.days if day not in have]
                if missing:
                    computed = live(ReportRange(start=missing[0], end=missing[-1]))
                    rows = {day: computed.get(day, []) for day in missing}
                    stored[report] += days_store(report, rows, one_insert=False)
        start = chunk.end + timedelta(days=1)
    return stored


def report_days_settle() -> dict[str, int]:
    """The periodic job: store the last month's settled days not stored yet (the day that just
    settled, and any day forgotten after a late change)."""
    until = last_settled_day()
    return report_days_build(since=until - timedelta(days=SETTLE_LOOKBACK_DAYS - 1), until=until)
