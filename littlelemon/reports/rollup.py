"""The daily roll-up: each report's figures for a settled local day, stored once (`ReportDay`),
so that a report over a long range reads a few rows per day instead of the day's orders, lines
and timelines.

- A day is **settled** when it ended before yesterday in the restaurant's zone
  (`last_settled_day`): its payments, refunds and timelines should no longer change. Only
  settled days are stored; today, yesterday and any day not stored yet are computed live, by
  the same query over just those days (`selectors._daily`).
- A day's rows are the live query's own groups for that day (sales: fulfilment × payment
  method; dishes: per dish; hours: weekday × hour; times: how many orders took each number of
  seconds, so the range's median and 90th percentile stay exact), so stored and live days add
  up to the same figures. The reports that show no day (all but sales) also store a settled
  calendar month as one row per key (`<report>/month`, dated its first day), the sum of its
  days: a year is then twelve such rows per key and the days at its ends, even with a menu of
  thousands of dishes. A range reads the month rows of the months it covers whole and the day
  rows of the other days.
- Days are filled on read (a report stores the settled days it had to compute: one INSERT),
  days and months by the periodic job (`report_days_settle`, hourly: the last 13 calendar
  months, so the day that just settled is stored within the hour and a month as soon as it
  is settled) and by `manage.py reports_rollup --since --until [--rebuild]` (`report_days_build`).
- Forgotten when an older order's facts change: the services that change an order's timeline
  or payments (`orders.transitions.order_status_change`, `payments.services.refund_create`,
  `refund_failed`) call `report_days_forget` in their transaction, which deletes the days the
  order counts on and their months' rows; the next read recomputes the days, the job the
  months.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Exists, Q
from django.utils import timezone

from littlelemon.orders.models import Order
from littlelemon.payments.models import Payment
from littlelemon.restaurant.selectors import restaurant_today, restaurant_tz

from .models import ReportDay

# Yesterday may still change (a late delivery, a refund at closing time): the day before is settled.
UNSETTLED_DAYS = 2
# The periodic job keeps this many calendar months stored (the longest range is 366 days).
SETTLE_MONTHS = 13
_FIELDS = ("report", "day", "rows", "made_at")


def last_settled_day(today: date | None = None) -> date:
    """The last local day whose figures are stored: the day before yesterday."""
    return (today or restaurant_today()) - timedelta(days=UNSETTLED_DAYS)


def month_key(report: str) -> str:
    return f"{report}/month"


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def whole_months(start: date, end: date) -> list[date]:
    """The first days of the calendar months wholly inside `start` to `end`."""
    months, month = [], start if start.day == 1 else _next_month(start)
    while _next_month(month) - timedelta(days=1) <= end:
        months.append(month)
        month = _next_month(month)
    return months


def stored_days(report: str, start: date, end: date, *, by_month: bool = False) -> tuple[dict, dict]:
    """The stored rows of `report` from `start` to `end`: (rows by day, rows by month) where
    `by_month` gives the stored months wholly in the range (by their first day), whose day
    rows are then left out. One query."""
    days = Q(report=report, day__gte=start, day__lte=end)
    months = whole_months(start, end) if by_month else []
    if months:
        stored_month = Q()
        for month in months:
            month_row = ReportDay.objects.filter(report=month_key(report), day=month)
            stored_month |= Q(day__gte=month, day__lt=_next_month(month)) & Exists(month_row)
        days = Q(report=month_key(report), day__in=months) | (days & ~stored_month)
    by_day: dict[date, list] = {}
    by_month_: dict[date, list] = {}
    for name, day, rows in ReportDay.objects.filter(days).values_list("report", "day", "rows").order_by("day"):
        (by_day if name == report else by_month_)[day] = rows
    return by_day, by_month_


def rows_merged(rows: Iterable[list], *, keys: int) -> list[list]:
    """Rows with the same first `keys` columns made one, their other columns (counts) summed."""
    sums: dict[tuple, list] = {}
    for row in rows:
        key = tuple(row[:keys])
        total = sums.get(key)
        if total is None:
            sums[key] = list(row[keys:])
        else:
            for position, value in enumerate(row[keys:]):
                total[position] += value
    return [[*key, *values] for key, values in sums.items()]


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
    if days:  # the days, and their months' rows (dated the first: that day's own row goes too)
        ReportDay.objects.filter(day__in=days | {day.replace(day=1) for day in days}).delete()


def report_days_build(*, since: date, until: date, rebuild: bool = False) -> dict[str, int]:
    """Store every report's settled days from `since` to `until` that are not stored yet (all
    of them again with `rebuild`), a calendar month at a time, and the months wholly settled
    in the range (a month's row summed from its day rows); returns the days stored per report."""
    from .selectors import DAILY, ReportRange

    until = min(until, last_settled_day())
    stored = dict.fromkeys(DAILY, 0)
    start = since
    while start <= until:
        chunk = ReportRange(start=start, end=min(_next_month(start) - timedelta(days=1), until))
        for report, daily in DAILY.items():
            with transaction.atomic():
                stored[report] += _chunk_build(report, daily, chunk, rebuild=rebuild)
        start = chunk.end + timedelta(days=1)
    return stored


def _chunk_build(report: str, daily, chunk, *, rebuild: bool) -> int:
    """One report's days of `chunk` (within a calendar month), then that month's row when the
    chunk is the whole month; returns the days stored."""
    days = ReportDay.objects.filter(report=report, day__gte=chunk.start, day__lte=chunk.end)
    month = ReportDay.objects.filter(report=month_key(report), day=chunk.start)
    whole = daily.by_month and whole_months(chunk.start, chunk.end) == [chunk.start]
    if rebuild:
        days.delete()
        month.delete()
    have = set(days.values_list("day", flat=True))
    missing = [day for day in chunk.days if day not in have]
    made = 0
    if missing:
        computed = daily.live(type(chunk)(start=missing[0], end=missing[-1]))
        made = days_store(report, {day: computed.get(day, []) for day in missing}, one_insert=False)
    if whole and not month.exists():
        merged = rows_merged((row for rows in days.values_list("rows", flat=True) for row in rows), keys=daily.keys)
        ReportDay.objects.bulk_create(
            [ReportDay(report=month_key(report), day=chunk.start, rows=merged, made_at=timezone.now())],
            ignore_conflicts=True,
        )
    return made


def settle_since(until: date) -> date:
    """The first day the periodic job keeps stored: the start of the month SETTLE_MONTHS - 1
    months before `until`'s."""
    months = until.year * 12 + until.month - 1 - (SETTLE_MONTHS - 1)
    return date(months // 12, months % 12 + 1, 1)


def report_days_settle() -> dict[str, int]:
    """The periodic job: store the settled days and months of the last SETTLE_MONTHS months not
    stored yet (the day that just settled, a month that just settled, a day forgotten after a
    late change, and on its first run all of them). When nothing is missing it is two small
    reads per report and month."""
    until = last_settled_day()
    return report_days_build(since=settle_since(until), until=until)
