"""bench/reports.py: the timelines it gives the benchmark's finished orders, and its table."""

from datetime import timedelta

import pytest

from bench import reports as bench_reports
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.models import OrderEvent
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.reports import selectors

from .dataset import PERIOD, local

pytestmark = pytest.mark.django_db


def test_timelines_end_at_the_finish_and_feed_the_times_report():
    finished = local(2026, 3, 4, 12)
    delivered = OrderFactory(status=OrderStatus.DELIVERED, finished_at=finished)
    collected = OrderFactory(status=OrderStatus.COLLECTED, fulfilment="pickup", finished_at=finished)
    OrderFactory(status=OrderStatus.PREPARING)
    for order in (delivered, collected):
        order.created = finished - timedelta(minutes=45)
        order.save(update_fields=["created"])

    made = bench_reports._timelines()

    steps = list(OrderEvent.objects.filter(order=delivered, kind="status_changed").values_list("to_status", "at"))
    assert [status for status, _ in steps] == ["accepted", "preparing", "ready", "out_for_delivery", "delivered"]
    assert steps[-1][1] == finished
    assert OrderEvent.objects.filter(order=collected, kind="status_changed").count() == 4
    assert made == 9
    assert bench_reports._timelines() == 0  # once
    assert bench_reports._ledger() == 2
    assert bench_reports._ledger() == 0  # once
    assert selectors.sales_report(PERIOD).sales == delivered.total + collected.total
    times = selectors.service_times(PERIOD)
    assert (times.preparation.count, times.delivery.count) == (2, 1)


def test_the_table_compares_with_the_baseline():
    row = {"page_ms": 120.0, "csv_ms": 100.0, "cold_ms": 900.0}
    results = {
        "reports": {
            "scale": 10,
            "database": "sqlite",
            "range": "2025-01-05 to 2026-01-05",
            "orders": 180000,
            "runs": 5,
            "baseline_ms": 10.0,
            "reports": {"sales": row, "times": row | {"page_ms": 600.0}},
            "build_s": 42.0,
        }
    }

    lines = bench_reports.table(results).splitlines()

    assert lines[2].split() == ["sales", "120.0", "100.0", "12.0", "met", "900.0"]
    assert lines[3].split() == ["times", "600.0", "100.0", "60.0", "MISSED", "900.0"]
    assert lines[4] == "roll-up build over the year (every report, from nothing): 42.0 s"
