"""The daily roll-up (reports/rollup.py): stored days give the same pages and CSVs as the live
queries, a late change to an older order forgets its days, and the job and the command store
the settled days only."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from littlelemon.core.periodic import periodic_jobs
from littlelemon.orders import transitions
from littlelemon.orders.enums import OrderStatus, PaymentMethod
from littlelemon.orders.models import OrderItem
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.payments import services as payments
from littlelemon.payments.models import Payment
from littlelemon.reports import pages, rollup, selectors
from littlelemon.reports.models import ReportDay
from littlelemon.reports.selectors import ReportRange
from littlelemon.restaurant.selectors import restaurant_today, restaurant_tz

from . import dataset
from .dataset import PERIOD, START

pytestmark = pytest.mark.django_db

ROLLED = tuple(selectors.DAILY)


def _pages(period: ReportRange) -> list[tuple[pages.ReportPage, list[list[str]]]]:
    """Every report's page and CSV rows for `period`."""
    built = [report.build(period, "USD") for report in pages.REPORTS]
    return [(page, pages.csv_rows(page)) for page in built]


def _stored(report: str) -> list[date]:
    return sorted(ReportDay.objects.filter(report=report).values_list("day", flat=True))


class TestSameFigures:
    def test_stored_days_give_the_same_pages_and_csv_as_the_live_queries(self):
        dataset.build()
        live = _pages(PERIOD)  # nothing stored yet: every day live (and stored on the way)
        assert {report: _stored(report) for report in ROLLED} == dict.fromkeys(ROLLED, PERIOD.days)

        stored = _pages(PERIOD)

        assert stored == live

    def test_stored_and_live_days_mixed(self):
        """Days 3 and 6 forgotten: the live query runs from the 3rd to the 6th and keeps those
        two; the DST day (the 8th, 23:30 local) and the first day (00:30 local) come stored."""
        dataset.build()
        live = _pages(PERIOD)
        ReportDay.objects.filter(day__in=[date(2026, 3, 3), date(2026, 3, 6)]).delete()

        assert _pages(PERIOD) == live
        assert ReportDay.objects.count() == len(ROLLED) * PERIOD.day_count  # stored again

    def test_the_live_days_come_from_the_database_not_the_store(self):
        dataset.build()
        _pages(PERIOD)
        ReportDay.objects.filter(report="sales", day=START).update(rows=[["delivery", "cash", 9, "99.00", "0", "0"]])

        assert selectors.sales_report(PERIOD).days[0].orders == 9  # a stored day is believed
        call_command("reports_rollup", "--since", "2026-03-02", "--until", "2026-03-02", "--rebuild")
        assert selectors.sales_report(PERIOD).days[0].orders == 1

    def test_stored_months_give_the_same_pages_and_csv(self, django_assert_num_queries):
        """February 15 to April 10: March (with the DST change) as a month row for the reports
        that show no day, the days at both ends as day rows."""
        dataset.build()
        period = ReportRange(start=date(2026, 2, 15), end=date(2026, 4, 10))
        live = _pages(period)
        ReportDay.objects.all().delete()

        rollup.report_days_build(since=date(2026, 2, 1), until=date(2026, 4, 30))

        months = set(ReportDay.objects.filter(report__endswith="/month").values_list("report", "day"))
        assert months == {(f"{report}/month", date(2026, month, 1)) for report in ROLLED[1:] for month in (2, 3, 4)}
        assert _pages(period) == live
        for report in ROLLED:
            with django_assert_num_queries(1):
                selectors._daily(report, period)

    def test_a_day_forgotten_in_a_stored_month_is_computed_again(self, manager):
        order, day = _old_online_order(days_ago=40)
        month = day.replace(day=1)
        rollup.report_days_build(since=month, until=month + timedelta(days=40))
        period = ReportRange(start=month, end=rollup._next_month(month) - timedelta(days=1))
        assert ReportDay.objects.filter(report="dishes/month", day=month).exists()
        assert [dish.title for dish in selectors.top_dishes(period).by_quantity] == ["Soup"]

        transitions.order_status_change(order=order, actor=manager, status=OrderStatus.CANCELLED)

        assert not ReportDay.objects.filter(report="dishes/month", day=month).exists()
        assert selectors.top_dishes(period).by_quantity == []
        assert selectors.orders_by_hour(period).total == 0

    def test_hours_outside_a_dst_change(self):
        """A range with one UTC offset (no CASE): SQLite's weekday comes back as a whole number."""
        dataset.build()
        summer = ReportRange(start=date(2026, 3, 9), end=date(2026, 3, 15))
        order = OrderFactory(
            status=OrderStatus.COLLECTED, fulfilment="pickup", finished_at=dataset.local(2026, 3, 10, 9)
        )
        order.created = dataset.local(2026, 3, 10, 8, 15)
        order.save(update_fields=["created"])
        dataset.pay(order, captured=order.finished_at)

        cells = {
            (w, h): n for w, row in enumerate(selectors.orders_by_hour(summer).counts) for h, n in enumerate(row) if n
        }

        assert cells == {(6, 23): 1, (1, 8): 1}  # D placed Sunday 8th at 23:50, paid Monday 9th; this one Tuesday


def _old_online_order(days_ago: int):
    """An online order placed and paid `days_ago` days ago, still being prepared, one line."""
    today = restaurant_today()
    moment = dataset.local(today.year, today.month, today.day, 12) - timedelta(days=days_ago)
    order = OrderFactory(status=OrderStatus.PREPARING, fulfilment="pickup", payment_method=PaymentMethod.ONLINE)
    order.created = moment - timedelta(minutes=5)
    order.save(update_fields=["created"])
    OrderItem.objects.create(order=order, title="Soup", unit_price=Decimal("20.00"), quantity=1, price=20)
    dataset.pay(order, captured=moment)
    return order, moment.astimezone(restaurant_tz()).date()


def _old_cash_order(days_ago: int):
    today = restaurant_today()
    moment = dataset.local(today.year, today.month, today.day, 12) - timedelta(days=days_ago)
    order = OrderFactory(status=OrderStatus.DELIVERED, payment_method=PaymentMethod.CASH, finished_at=moment)
    order.created = moment - timedelta(minutes=45)
    order.save(update_fields=["created"])
    OrderItem.objects.create(order=order, title="Soup", unit_price=Decimal("20.00"), quantity=1, price=20)
    dataset.pay(order, captured=moment)
    return order, moment.astimezone(restaurant_tz()).date()


class TestForget:
    def test_a_late_cancellation_changes_the_stored_day(self, manager, django_assert_num_queries):
        order, day = _old_online_order(days_ago=10)
        period = ReportRange(start=day - timedelta(days=1), end=day + timedelta(days=1))
        assert selectors.sales_report(period).orders == 1
        assert [dish.title for dish in selectors.top_dishes(period).by_quantity] == ["Soup"]
        assert set(_stored("sales")) == set(period.days)

        transitions.order_status_change(order=order, actor=manager, status=OrderStatus.CANCELLED)

        # Refunded in full (Stripe is asked after commit): no longer a sale on its day.
        assert not ReportDay.objects.filter(day=day).exists()
        assert ReportDay.objects.filter(day=day - timedelta(days=1)).count() == 2  # the other days stay
        assert selectors.sales_report(period).orders == 0
        assert selectors.top_dishes(period).by_quantity == []

    def test_a_late_refund_changes_the_stored_day(self, manager):
        order, day = _old_cash_order(days_ago=5)
        period = ReportRange(start=day, end=day)
        assert selectors.sales_report(period).days[0].orders == 1
        assert selectors.orders_by_hour(period).total == 1

        payments.refund_request(order=order, actor=manager, amount=order.total, reason="Cold soup")

        assert not ReportDay.objects.filter(day=day).exists()
        assert selectors.sales_report(period).days[0].orders == 0
        assert selectors.orders_by_hour(period).total == 0

    def test_a_refused_refund_forgets_the_day_again(self, manager):
        order, day = _old_online_order(days_ago=4)
        period = ReportRange(start=day, end=day)
        refund = payments.refund_request(order=order, actor=manager, amount=Decimal("5.00"), reason="Late")
        assert selectors.sales_report(period).days[0].orders == 1
        assert _stored("sales") == [day]

        payments.refund_failed(refund_id=refund.pk, message="No")

        assert _stored("sales") == []
        assert Payment.objects.get(order=order).status == "succeeded"

    def test_a_fresh_order_costs_no_query(self, django_assert_num_queries):
        order = OrderFactory()

        with django_assert_num_queries(0):
            rollup.report_days_forget(order=order)

    def test_an_older_order_one_read_and_one_delete(self, django_assert_num_queries):
        order, day = _old_cash_order(days_ago=8)
        selectors.sales_report(ReportRange(start=day, end=day))

        with django_assert_num_queries(2):
            rollup.report_days_forget(order=order)
        assert not ReportDay.objects.exists()


class TestStoring:
    def test_only_settled_days_are_stored(self):
        today = restaurant_today()
        period = ReportRange(start=today - timedelta(days=6), end=today)

        selectors.service_times(period)

        assert _stored("times") == [today - timedelta(days=n) for n in range(6, 1, -1)]
        assert rollup.last_settled_day() == today - timedelta(days=2)

    def test_a_read_stores_what_one_insert_holds(self):
        year = ReportRange(start=date(2025, 3, 9), end=date(2026, 3, 9))
        holds = min(year.day_count, connection.ops.bulk_batch_size(rollup._FIELDS, year.days))

        selectors.top_dishes(year)
        assert len(_stored("dishes")) == holds
        selectors.top_dishes(year)
        assert len(_stored("dishes")) == year.day_count

    def test_the_command_stores_a_range_and_rebuilds_it(self):
        dataset.build()
        out = call_command_output("--since", "2026-03-02", "--until", "2026-03-08")

        assert "sales 7 days stored" in out and "times 7 days stored" in out
        assert ReportDay.objects.count() == 4 * 7
        assert "sales 0 days stored" in call_command_output("--since", "2026-03-02", "--until", "2026-03-08")
        assert "sales 7 days stored" in call_command_output(
            "--since", "2026-03-02", "--until", "2026-03-08", "--rebuild"
        )
        assert ReportDay.objects.count() == 4 * 7

    def test_the_command_refuses_bad_dates(self):
        with pytest.raises(CommandError, match="not a date"):
            call_command("reports_rollup", "--since", "yesterday")
        with pytest.raises(CommandError, match="before --since"):
            call_command("reports_rollup", "--since", "2026-03-08", "--until", "2026-03-02")
        with pytest.raises(CommandError, match="No settled day"):
            call_command("reports_rollup", "--since", restaurant_today().isoformat())
        assert not ReportDay.objects.exists()

    def test_the_job_stores_thirteen_months_and_runs_hourly(self):
        stored = rollup.report_days_settle()

        until = rollup.last_settled_day()
        since = rollup.settle_since(until)
        assert (since.day, (until.year - since.year) * 12 + until.month - since.month) == (1, 12)
        assert stored == dict.fromkeys(ROLLED, (until - since).days + 1)
        assert ReportDay.objects.filter(report="dishes/month").count() == 12 + (until.day == _month_end(until).day)
        assert _stored("hours")[-1] == rollup.last_settled_day()
        assert rollup.report_days_settle() == dict.fromkeys(ROLLED, 0)
        jobs = {job.name: job.every for job in periodic_jobs()}
        assert jobs["littlelemon.reports.tasks.report_days_store"] == timedelta(hours=1)


def _month_end(day: date) -> date:
    return rollup._next_month(day) - timedelta(days=1)


def call_command_output(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("reports_rollup", *args, stdout=out)
    return out.getvalue()
