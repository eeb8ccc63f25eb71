"""Prometheus metrics: django-prometheus' HTTP metrics plus the restaurant's own.

Under gunicorn every worker is a process with its own memory, so the metrics live in files
(prometheus_client's multiprocess mode, on when PROMETHEUS_MULTIPROC_DIR is set: the gunicorn
configuration sets it) and a scrape, answered by any one worker, adds up every worker's. The
numbers that are facts about the database (orders by status, today's bookings, the outbox) are
read when scraped, with one aggregate query each, so they are right whichever worker answers.

This module imports no model at import time: gunicorn's configuration imports it before Django
is set up.
"""

import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from prometheus_client import REGISTRY, CollectorRegistry, Gauge, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

#: How long placing an order took, from the view's call of `order_place` to its return.
ORDER_PLACEMENT_SECONDS = Histogram(
    "littlelemon_order_placement_seconds",
    "Time to place an order (a retried Idempotency-Key's replay included), by where it was placed.",
    ["channel"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

#: One per server process that has started serving: the workers alive, added up across them.
SERVER_PROCESSES = Gauge(
    "littlelemon_server_processes",
    "Server processes (gunicorn workers) alive.",
    multiprocess_mode="livesum",
)


def multiprocess_mode() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


@contextmanager
def order_placement_timer(*, channel: str) -> Iterator[None]:
    """Times the block and observes it in ORDER_PLACEMENT_SECONDS if it finishes: a refused
    placement (an empty cart, a closed kitchen) is a client's error, not the time a placement takes."""
    started = time.perf_counter()
    yield
    ORDER_PLACEMENT_SECONDS.labels(channel=channel).observe(time.perf_counter() - started)


def _age_seconds(moment, now) -> float:
    return max((now - moment).total_seconds(), 0.0) if moment is not None else 0.0


class BusinessCollector(Collector):
    """The restaurant's state, read from the database at each scrape (four queries)."""

    def collect(self) -> Iterable[GaugeMetricFamily]:
        from django.utils import timezone

        from littlelemon.bookings.enums import BookingStatus
        from littlelemon.bookings.selectors import booking_day_summary
        from littlelemon.events.selectors import delivery_backlog, outbox_backlog
        from littlelemon.orders.enums import TERMINAL_STATUSES, OrderStatus
        from littlelemon.orders.selectors import order_status_summary
        from littlelemon.restaurant.selectors import restaurant_today

        now = timezone.now()
        orders = order_status_summary()
        by_status = GaugeMetricFamily("littlelemon_orders", "Orders in each status.", labels=["status"])
        oldest = GaugeMetricFamily(
            "littlelemon_open_orders_oldest_age_seconds",
            "Seconds since the oldest open order in each status was placed (0: none).",
            labels=["status"],
        )
        for status in OrderStatus.values:
            summary = orders.get(status)
            by_status.add_metric([status], summary.count if summary else 0)
            if status not in TERMINAL_STATUSES:
                oldest.add_metric([status], _age_seconds(summary.oldest if summary else None, now))
        yield by_status
        yield oldest

        bookings = booking_day_summary(day=restaurant_today())
        count = GaugeMetricFamily(
            "littlelemon_bookings_today", "Bookings starting today, by status.", labels=["status"]
        )
        covers = GaugeMetricFamily(
            "littlelemon_booking_covers_today", "Guests booked for today, by booking status.", labels=["status"]
        )
        for status in BookingStatus.values:
            day = bookings.get(status)
            count.add_metric([status], day.count if day else 0)
            covers.add_metric([status], day.covers if day else 0)
        yield count
        yield covers

        waiting, since = outbox_backlog()
        yield GaugeMetricFamily(
            "littlelemon_outbox_backlog_events", "Domain events waiting for delivery.", value=waiting
        )
        yield GaugeMetricFamily(
            "littlelemon_outbox_oldest_age_seconds",
            "Seconds since the oldest undelivered event was written (0: none).",
            value=_age_seconds(since, now),
        )

        deliveries = delivery_backlog()
        yield GaugeMetricFamily(
            "littlelemon_outbox_pending_deliveries",
            "Deliveries (e-mails, webhooks) still to be made, retries waiting for their backoff included.",
            value=deliveries.pending,
        )
        yield GaugeMetricFamily(
            "littlelemon_outbox_oldest_pending_delivery_age_seconds",
            "Seconds since the oldest delivery still to be made was created (0: none).",
            value=_age_seconds(deliveries.oldest_pending, now),
        )
        yield GaugeMetricFamily(
            "littlelemon_outbox_dead_deliveries",
            "Deliveries dead-lettered after their last attempt: retry them in the admin.",
            value=deliveries.dead,
        )


class Scrape:
    """What one scrape reports: every process's metrics (multiprocess mode) or this process's
    registry, and the business metrics."""

    def __init__(self) -> None:
        if multiprocess_mode():
            self.processes = CollectorRegistry()
            multiprocess.MultiProcessCollector(self.processes)
        else:
            self.processes = REGISTRY
        self.business = BusinessCollector()

    def collect(self) -> Iterator:
        yield from self.processes.collect()
        yield from self.business.collect()
