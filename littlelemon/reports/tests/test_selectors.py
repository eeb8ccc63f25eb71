"""The reports' figures against the hand-computed ones of tests/dataset.py, the range rules, and
the fixed number of queries of each report whatever the range, with and without stored days
(the roll-up's own tests are in test_rollup.py)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from littlelemon.payments.selectors import revenue
from littlelemon.reports import local_time, rollup, selectors
from littlelemon.reports.exceptions import InvalidReportRange
from littlelemon.reports.models import ReportDay
from littlelemon.reports.selectors import ReportRange
from littlelemon.restaurant.selectors import restaurant_today

from . import dataset
from .dataset import END, PERIOD, START

pytestmark = pytest.mark.django_db

D = Decimal
EMPTY = ReportRange(start=date(2025, 6, 1), end=date(2025, 6, 30))
YEAR = ReportRange(start=date(2025, 3, 9), end=date(2026, 3, 9))


@pytest.fixture
def data():
    return dataset.build()


class TestRange:
    def test_the_last_day_ends_at_local_midnight_across_the_dst_change(self):
        first, after = PERIOD.bounds()

        assert first.isoformat() == "2026-03-02T06:00:00+00:00"  # CST, UTC-6
        assert after.isoformat() == "2026-03-09T05:00:00+00:00"  # CDT, UTC-5

    @pytest.mark.parametrize(
        ("start", "end", "message"),
        [
            (date(2026, 3, 8), date(2026, 3, 7), "The end date is before the start date."),
            (date(2025, 1, 1), date(2026, 1, 2), "Choose at most 366 days."),
        ],
    )
    def test_refused(self, start, end, message):
        with pytest.raises(InvalidReportRange) as refused:
            selectors.report_range(start=start, end=end)

        assert refused.value.message == message
        assert refused.value.field == "end"

    def test_a_whole_leap_year_is_allowed(self):
        period = selectors.report_range(start=date(2028, 1, 1), end=date(2028, 12, 31))

        assert period.day_count == 366

    def test_the_default_is_the_last_seven_days(self):
        assert selectors.default_range(date(2026, 3, 8)) == ReportRange(start=date(2026, 3, 2), end=date(2026, 3, 8))


class TestPaidOrders:
    def test_the_range_is_local_days(self, data):
        orders = data["orders"]

        paid = {order.pk: order.revenue_date for order in selectors.paid_orders(PERIOD)}

        # 23:30 local on the last day is in, 00:30 the day after is out; 00:30 local on the first
        # day is in, 23:30 the day before is out; a cancelled or open order is never a sale.
        assert paid == {orders["A"].pk: START, orders["B"].pk: date(2026, 3, 4), orders["C"].pk: END}


class TestSales:
    def test_figures(self, data):
        report = selectors.sales_report(PERIOD)

        # Captured minus refunded, each on its own local day: E's refund (captured before the
        # range) on the 3rd, H captured and refunded in full on the 5th, B's partial refund on
        # the 6th, C collected at 23:30 on the last day; C's pending refund is not money yet.
        assert [(day.day.day, day.orders, day.sales, day.tax, day.tips) for day in report.days] == [
            (2, 1, D("29.50"), D("2.50"), D("2.00")),
            (3, 0, D("-5.00"), D("0.00"), D("0.00")),
            (4, 1, D("11.00"), D("1.00"), D("0.00")),
            (5, 0, D("0.00"), D("0.00"), D("0.00")),
            (6, 0, D("-3.00"), D("0.00"), D("0.00")),
            (7, 0, D("0.00"), D("0.00"), D("0.00")),
            (8, 1, D("40.00"), D("3.50"), D("1.50")),
        ]
        assert (report.orders, report.sales, report.tax, report.tips) == (3, D("72.50"), D("7.00"), D("3.50"))
        assert report.average_ticket == D("24.17")
        assert [(s.key, s.orders, s.sales) for s in report.by_fulfilment] == [
            ("delivery", 2, D("69.50")),
            ("pickup", 1, D("3.00")),
        ]
        assert [(s.key, s.orders, s.sales) for s in report.by_payment_method] == [
            ("cash", 2, D("64.50")),
            ("card", 1, D("8.00")),
            ("online", 0, D("0.00")),
        ]

    def test_equals_the_ledger_per_day_and_method(self, data):
        report = selectors.sales_report(PERIOD)
        ledger = revenue(START, END)

        by_day = {row.day: D("0.00") for row in ledger.rows}
        for row in ledger.rows:
            by_day[row.day] += row.net
        assert {day.day: day.sales for day in report.days if day.day in by_day} == by_day
        assert {share.key: share.sales for share in report.by_payment_method if share.key in ledger.by_method} == (
            ledger.by_method
        )
        assert report.sales == ledger.net

    def test_an_empty_range(self, data):
        report = selectors.sales_report(EMPTY)

        assert len(report.days) == 30
        assert (report.orders, report.sales, report.average_ticket) == (0, D("0.00"), None)
        assert [s.orders for s in report.by_fulfilment + report.by_payment_method] == [0, 0, 0, 0, 0]


class TestDishes:
    def test_top_dishes(self, data):
        report = selectors.top_dishes(PERIOD)

        assert [(d.title, d.quantity, d.revenue) for d in report.by_quantity] == [
            ("Greek salad", 3, D("18.00")),
            ("Grilled fish", 1, D("30.00")),
            ("Bruschetta", 1, D("8.00")),
            (dataset.ESCAPED_DISH, 1, D("4.00")),
        ]
        assert [(d.title, d.revenue) for d in report.by_revenue] == [
            ("Grilled fish", D("30.00")),
            ("Greek salad", D("18.00")),
            ("Bruschetta", D("8.00")),
            (dataset.ESCAPED_DISH, D("4.00")),
        ]

    def test_the_limit(self, data):
        report = selectors.top_dishes(PERIOD, limit=2)

        assert [d.title for d in report.by_quantity] == ["Greek salad", "Grilled fish"]

    def test_an_empty_range(self, data):
        assert selectors.top_dishes(EMPTY) == selectors.TopDishes(period=EMPTY, by_quantity=[], by_revenue=[])


class TestHours:
    def test_orders_by_local_weekday_and_hour_placed(self, data):
        report = selectors.orders_by_hour(PERIOD)

        cells = {(weekday, hour): n for weekday, row in enumerate(report.counts) for hour, n in enumerate(row) if n}
        # A placed Sunday 1 at 23:50 (CST), B Wednesday 4 at 11:20, C Sunday 8 at 22:50 (CDT).
        assert cells == {(6, 23): 1, (2, 11): 1, (6, 22): 1}
        assert (report.total, report.busiest) == (3, 1)


class TestServiceTimes:
    def test_median_and_90th_percentile(self, data):
        report = selectors.service_times(PERIOD)

        # Preparation 12, 20 and 16 minutes; delivery 20 and 30 minutes.
        assert report.preparation == selectors.Durations(
            count=3, median=timedelta(minutes=16), p90=timedelta(minutes=19, seconds=12)
        )
        assert report.delivery == selectors.Durations(count=2, median=timedelta(minutes=25), p90=timedelta(minutes=29))

    def test_an_empty_range(self, data):
        report = selectors.service_times(EMPTY)

        assert report.preparation == report.delivery == selectors.Durations(count=0, median=None, p90=None)

    @pytest.mark.parametrize(("values", "median", "p90"), [([5], 5, 5), ([1, 2, 3, 4], 2.5, 3.7), ([10, 20], 15, 19)])
    def test_percentile_interpolates(self, values, median, p90):
        assert selectors.percentile(values, 0.5) == pytest.approx(median)
        assert selectors.percentile(values, 0.9) == pytest.approx(p90)


class TestBookings:
    def test_figures(self, data):
        report = selectors.bookings_report(PERIOD)

        days = [
            (d.day.day, d.bookings, d.covers, d.no_shows, d.cancelled) for d in report.days if d.bookings or d.cancelled
        ]
        assert days == [(2, 2, 4, 1, 0), (3, 0, 0, 0, 1), (8, 1, 2, 0, 0)]
        assert (report.bookings, report.covers, report.no_shows, report.cancelled) == (3, 6, 1, 1)
        assert report.no_show_rate == D("33.3")

    def test_an_empty_range(self, data):
        report = selectors.bookings_report(EMPTY)

        assert (report.bookings, report.covers, report.no_show_rate) == (0, 0, None)


# The live queries of each report: the stored days' read comes first, and a read that had to
# compute settled days stores them in one INSERT.
LIVE_QUERIES = [
    (selectors.sales_report, 2),
    (selectors.top_dishes, 1),
    (selectors.orders_by_hour, 1),
    (selectors.service_times, 1),
]


@pytest.mark.parametrize(("selector", "live"), LIVE_QUERIES)
@pytest.mark.parametrize("period", [PERIOD, YEAR], ids=["week", "year"])
def test_a_fixed_number_of_queries_with_and_without_stored_days(
    data, django_assert_num_queries, selector, live, period
):
    with django_assert_num_queries(1 + live + 1):  # nothing stored: read, live, store
        selector(period)
    ReportDay.objects.all().delete()
    rollup.report_days_build(since=period.start, until=period.end)

    with django_assert_num_queries(1):  # every day stored
        selector(period)


@pytest.mark.parametrize(("selector", "live"), LIVE_QUERIES)
@pytest.mark.parametrize("days", [7, 366])
def test_a_range_up_to_today_reads_the_stored_days_and_computes_the_last_two(
    data, django_assert_num_queries, selector, live, days
):
    today = restaurant_today()
    period = ReportRange(start=today - timedelta(days=days - 1), end=today)
    rollup.report_days_build(since=period.start, until=period.end)

    with django_assert_num_queries(1 + live):  # today and yesterday are not settled: never stored
        selector(period)


@pytest.mark.parametrize("period", [PERIOD, YEAR], ids=["week", "year"])
def test_bookings_are_one_query(data, django_assert_num_queries, period):
    with django_assert_num_queries(1):
        selectors.bookings_report(period)


class TestOffsetPieces:
    def test_the_range_is_cut_where_dst_starts_and_ends(self):
        first, after = YEAR.bounds()

        pieces = local_time.offset_changes(first, after, dataset.CHICAGO)

        assert [(start.isoformat(), offset // 3600) for start, offset in pieces] == [
            ("2025-03-09T06:00:00+00:00", -6),
            ("2025-03-09T08:00:00+00:00", -5),  # 2 a.m. CST: clocks go forward
            ("2025-11-02T07:00:00+00:00", -6),  # 2 a.m. CDT: clocks go back
            ("2026-03-08T08:00:00+00:00", -5),
        ]

    def test_one_piece_without_a_change(self):
        first, after = EMPTY.bounds()

        assert local_time.offset_changes(first, after, dataset.CHICAGO) == [(first, -5 * 3600)]
