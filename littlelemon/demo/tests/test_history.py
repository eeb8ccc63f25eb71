"""seed_demo's past weeks (demo/history.py): finished orders with timelines and past bookings,
made once, announced to nobody, and visible in the reports."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from littlelemon.accounts.models import User
from littlelemon.bookings.models import Booking
from littlelemon.demo.regulars import REGULAR_PREFIX
from littlelemon.events.models import OutboxEvent
from littlelemon.orders.models import Order
from littlelemon.payments.models import Payment
from littlelemon.payments.selectors import revenue
from littlelemon.reports import selectors
from littlelemon.reports.models import ReportDay
from littlelemon.restaurant.selectors import restaurant_today

pytestmark = pytest.mark.django_db


def test_the_demo_has_weeks_of_history_for_the_reports(settings):
    settings.DEBUG = True
    settings.DEMO_HISTORY_DAYS = 7
    # A report viewed before the history was written stored an empty day: it must not stay.
    stale = restaurant_today() - timedelta(days=3)
    ReportDay.objects.create(report="sales", day=stale, rows=[], made_at=timezone.now())

    call_command("seed_demo", "--quiet-logins")
    history = Order.objects.filter(idempotency_key__startswith="demo-history-")
    made = (history.count(), Booking.objects.filter(customer__username__startswith="demo-guest-").count())
    call_command("seed_demo", "--quiet-logins")

    assert made[0] >= 7 * 4 and made[1] >= 7 * 3
    assert (history.count(), Booking.objects.filter(customer__username__startswith="demo-guest-").count()) == made
    assert not User.objects.get(username="demo-guest-1").has_usable_password()
    # History, not news: only the orders made through the services were announced.
    # The regulars' past orders (demo/regulars.py, for the recommendations) are history too.
    regulars_orders = Order.objects.filter(customer__username__startswith=REGULAR_PREFIX).count()
    assert OutboxEvent.objects.filter(type="order.placed").count() == Order.objects.count() - made[0] - regulars_orders
    today = restaurant_today()
    period = selectors.ReportRange(start=today - timedelta(days=7), end=today)
    sales = selectors.sales_report(period)
    times = selectors.service_times(period)
    assert sales.orders >= made[0]  # the history, and today's demo orders already delivered
    assert all(day.orders > 0 for day in sales.days[1:-1])
    # The money is the ledger's: a payment per history order, captured when it finished.
    assert Payment.objects.filter(order__in=history, captured_at__isnull=False).count() == made[0]
    assert sales.sales == revenue(period.start, period.end).net > 0
    assert not Payment.objects.filter(order__in=history, handed_in_at=None).exists()  # no driver owes it
    assert times.preparation.count >= made[0]
    assert timedelta(minutes=10) <= times.preparation.median <= timedelta(minutes=30)
    assert selectors.bookings_report(period).bookings > 0
