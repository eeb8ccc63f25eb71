"""The fault test of the relay, with real processes: `manage.py worker` is killed with SIGKILL
mid-batch and started again. Every event must be delivered, by e-mail to a real SMTP server and
by webhook to a real HTTP receiver, both on loopback and both a little slow so the kill lands
mid-send. A second copy may only come from the send in flight at the kill, and it carries the
same Message-ID or delivery id, so the receiver can drop it.

The database is a SQLite file, or on CI's PostgreSQL leg a cluster of its own.
"""

import collections
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from littlelemon.core.tests.receivers import http_receiver, smtp_sink
from littlelemon.core.tests.servers import ROOT, environment, manage, postgres_cluster

pytestmark = pytest.mark.server

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
ORDERS = 30

SETUP = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.notifications.webhooks.services import webhook_endpoint_create
User = get_user_model()
manager = User.objects.create_user("boss", "boss@example.com", "x")
manager.groups.add(Group.objects.get(name="manager"))
customer = User.objects.create_user("ann", "ann@example.com", "x")
webhook_endpoint_create(url={url!r}, event_types=["order.status_changed"], actor=manager)
for _ in range({orders}):
    OrderFactory(customer=customer, items=2)
"""

ACCEPT_ALL = """
from django.contrib.auth import get_user_model
from littlelemon.orders.models import Order
from littlelemon.orders.transitions import order_status_change
manager = get_user_model().objects.get(username="boss")
for order in Order.objects.order_by("pk"):
    order_status_change(order=order, actor=manager, status="accepted")
"""

PENDING = """
from littlelemon.events.models import Delivery, OutboxEvent
undelivered = OutboxEvent.objects.filter(delivered_at__isnull=True).count()
print(undelivered, Delivery.objects.exclude(status="delivered").count())
"""


@pytest.fixture
def database_url(tmp_path):
    if ON_POSTGRESQL:
        with postgres_cluster() as cluster:
            yield cluster.database_url
    else:
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_only_the_send_in_flight(database_url, tmp_path):
    with smtp_sink(delay=0.03) as sink, http_receiver(delay=0.03) as receiver:
        env = environment(
            tmp_path,
            database_url,
            EMAIL_URL=sink.url,
            WEBHOOKS_ALLOW_PRIVATE="true",
            WEBHOOKS_ALLOW_HTTP="true",
            OUTBOX_LEASE_SECONDS="3",
            OUTBOX_RELAY_INTERVAL_SECONDS="1",
            PERIODIC_TICK_SECONDS="1",
        )
        manage(env, "migrate", "--noinput")
        manage(env, "shell", "-c", SETUP.format(url=receiver.url, orders=ORDERS))
        manage(env, "shell", "-c", ACCEPT_ALL)  # ORDERS events, each to e-mail and one webhook
        log = tmp_path / "worker.log"

        worker = start_worker(env, log)
        wait_for(lambda: len(sink.messages) + len(receiver.requests) >= ORDERS // 2, 60, "the first sends")
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        sent_before_kill = len(sink.messages) + len(receiver.requests)
        assert sent_before_kill < 2 * ORDERS, "the worker finished before the kill: slow the receivers"

        worker = start_worker(env, log)
        try:
            wait_for(lambda: manage(env, "shell", "-c", PENDING).split()[-2:] == ["0", "0"], 90, "every delivery")
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(20) == 0, log.read_text()

    message_ids = collections.Counter(message["Message-ID"] for message in sink.messages)
    delivery_ids = collections.Counter(request.headers["Little-Lemon-Delivery"] for request in receiver.requests)
    assert len(message_ids) == ORDERS  # every e-mail arrived...
    assert len(delivery_ids) == ORDERS  # ...and every webhook
    duplicates = sum(n - 1 for n in message_ids.values()) + sum(n - 1 for n in delivery_ids.values())
    # One worker sends one thing at a time: at most one send was in flight at the kill.
    assert duplicates <= 1, (message_ids, delivery_ids)
    print(f"\nkilled after {sent_before_kill} sends; in-flight duplicates seen: {duplicates}")
