"""The outbox relay: routing, order per aggregate, retries with backoff, dead letters, leases,
retry from the admin, retention. The handlers here are test doubles that record what they were
asked to send; the e-mail and webhook handlers have their own tests against real receivers."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from littlelemon.events import handlers
from littlelemon.events.handlers import DeliveryFailed
from littlelemon.events.models import Delivery, DeliveryAttempt, DeliveryStatus, OutboxEvent
from littlelemon.events.relay import (
    backoff_delay,
    deliveries_claim,
    deliveries_retry,
    events_purge,
    events_route,
    relay_run,
)
from littlelemon.events.services import event_record

pytestmark = pytest.mark.django_db


class Recorder:
    """Sends every event to "rec:a" and "rec:b"; `fail` maps a target to how many tries fail."""

    prefix = "rec"

    def __init__(self, fail=None, permanent=False, only=None):
        self.sent = []
        self.fail = dict(fail or {})
        self.permanent = permanent
        self.only = only

    def targets(self, event):
        if self.only and event.type not in self.only:
            return []
        return ["rec:a", "rec:b"]

    def deliver(self, delivery, event):
        if self.fail.get(delivery.target, 0) > 0:
            self.fail[delivery.target] -= 1
            raise DeliveryFailed("receiver said 503", response_code=503, permanent=self.permanent)
        self.sent.append((delivery.target, event.type, event.aggregate_id, str(delivery.pk)))
        return 200


@pytest.fixture
def recorder(monkeypatch):
    def install(**kwargs):
        handler = Recorder(**kwargs)
        monkeypatch.setattr(handlers, "_handlers", {"rec": handler})
        return handler

    return install


def record(type="order.placed", aggregate_id=1, **payload):
    with transaction.atomic():
        return event_record(type=type, aggregate="order", aggregate_id=aggregate_id, payload=payload)


def due_now():
    Delivery.objects.update(next_attempt_at=timezone.now())


def test_every_event_reaches_every_target_once(recorder):
    handler = recorder()
    events = [record(aggregate_id=n) for n in (1, 2, 3)]

    report = relay_run()

    assert (report.routed, report.delivered, report.failed, report.dead) == (3, 6, 0, 0)
    assert sorted(s[:3] for s in handler.sent) == sorted(
        (target, "order.placed", str(n)) for n in (1, 2, 3) for target in ("rec:a", "rec:b")
    )
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 6
    assert all(e.delivered_at for e in OutboxEvent.objects.filter(pk__in=[e.pk for e in events]))
    assert DeliveryAttempt.objects.filter(succeeded=True, response_code=200).count() == 6
    # A second run finds nothing to do and sends nothing again.
    assert relay_run().delivered == 0
    assert len(handler.sent) == 6


def test_an_event_no_handler_wants_is_done_at_once(recorder):
    recorder(only={"booking.created"})
    event = record()

    assert events_route() == 1

    event.refresh_from_db()
    assert event.routed_at and event.delivered_at
    assert not Delivery.objects.exists()


def test_routing_happens_once(recorder):
    recorder()
    record()
    events_route()
    OutboxEvent.objects.update(routed_at=None)  # as if a worker died before stamping routed_at

    events_route()

    assert Delivery.objects.count() == 2  # unique (event, target): no second copy


def test_a_failing_target_holds_back_its_later_events_of_the_same_aggregate_only(recorder):
    handler = recorder(fail={"rec:b": 1})
    placed = record("order.placed", aggregate_id=7)
    record("order.status_changed", aggregate_id=7)
    record("order.placed", aggregate_id=8)

    relay_run()

    # rec:a got everything in order; rec:b's order 7 waits behind its failed "placed", order 8 went.
    assert [s[:3] for s in handler.sent if s[0] == "rec:a" and s[2] == "7"] == [
        ("rec:a", "order.placed", "7"),
        ("rec:a", "order.status_changed", "7"),
    ]
    assert ("rec:a", "order.placed", "8") in [s[:3] for s in handler.sent]
    assert [s[:3] for s in handler.sent if s[0] == "rec:b"] == [("rec:b", "order.placed", "8")]
    failed = Delivery.objects.get(event=placed, target="rec:b")
    assert (failed.status, failed.attempts, failed.last_error) == ("pending", 1, "receiver said 503")
    assert failed.next_attempt_at > timezone.now()

    due_now()
    relay_run()

    assert [s[:3] for s in handler.sent if s[0] == "rec:b"] == [
        ("rec:b", "order.placed", "8"),
        ("rec:b", "order.placed", "7"),
        ("rec:b", "order.status_changed", "7"),
    ]
    assert not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()


def test_retries_back_off_then_dead_letter(recorder, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    recorder(fail={"rec:a": 99})
    event = record()

    for _ in range(3):
        relay_run()
        due_now()

    delivery = Delivery.objects.get(event=event, target="rec:a")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DEAD, 3)
    assert list(delivery.attempt_log.values_list("number", "succeeded", "response_code")) == [
        (1, False, 503),
        (2, False, 503),
        (3, False, 503),
    ]
    event.refresh_from_db()
    assert event.delivered_at  # every delivery is final: a dead letter no longer holds back the order
    assert relay_run().delivered == 0


def test_a_permanent_failure_is_dead_at_once(recorder):
    recorder(fail={"rec:a": 1}, permanent=True)
    event = record()

    relay_run()

    assert Delivery.objects.get(event=event, target="rec:a").status == DeliveryStatus.DEAD


def test_backoff_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 10
    settings.OUTBOX_RETRY_MAX_SECONDS = 300
    delays = {n: [backoff_delay(n).total_seconds() for _ in range(200)] for n in (1, 2, 3, 10)}

    assert all(5 <= d <= 10 for d in delays[1])
    assert all(10 <= d <= 20 for d in delays[2])
    assert all(20 <= d <= 40 for d in delays[3])
    assert all(150 <= d <= 300 for d in delays[10])
    assert len(set(delays[3])) > 100  # jittered, not in step


def test_a_leased_delivery_is_not_claimed_again_until_the_lease_expires(recorder, settings):
    recorder()
    record()
    events_route()

    first = deliveries_claim(limit=10)
    assert {d.target for d in first} == {"rec:a", "rec:b"}
    assert deliveries_claim(limit=10) == []  # another worker finds them leased

    later = timezone.now() + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    again = deliveries_claim(limit=10, now=later)  # the first worker died mid-send

    assert {d.pk for d in again} == {d.pk for d in first}  # same delivery ids: receivers can drop the copy
    assert {d.attempts for d in again} == {2}


def test_retry_puts_a_dead_letter_back_with_the_same_delivery_id(recorder, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    handler = recorder(fail={"rec:a": 1})
    event = record()
    relay_run()
    dead = Delivery.objects.get(event=event, target="rec:a")
    assert dead.status == DeliveryStatus.DEAD

    with transaction.atomic():
        assert deliveries_retry([dead]) == 1
    relay_run()

    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.DELIVERED
    assert ("rec:a", "order.placed", "1", str(dead.pk)) in handler.sent
    event.refresh_from_db()
    assert event.delivered_at


def test_purge_removes_old_delivered_events_only(recorder, settings):
    settings.OUTBOX_RETENTION_DAYS = 30
    recorder()
    old_delivered, old_dead, recent = (record(aggregate_id=n) for n in (1, 2, 3))
    relay_run()
    Delivery.objects.filter(event=old_dead, target="rec:a").update(status=DeliveryStatus.DEAD)
    long_ago = timezone.now() - timedelta(days=31)
    OutboxEvent.objects.filter(pk__in=[old_delivered.pk, old_dead.pk]).update(delivered_at=long_ago)
    undelivered = record(aggregate_id=4)
    OutboxEvent.objects.filter(pk=undelivered.pk).update(created=long_ago)

    events_purge()
    events_purge()  # idempotent

    # The dead letter stays for someone to look at; the undelivered one was never delivered.
    assert set(OutboxEvent.objects.values_list("pk", flat=True)) == {old_dead.pk, recent.pk, undelivered.pk}
    assert not Delivery.objects.filter(event_id=old_delivered.pk).exists()
    assert not DeliveryAttempt.objects.filter(delivery__event_id=old_delivered.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_committing_an_event_enqueues_the_relay_task():
    from django_tasks_db.models import DBTaskResult

    record()

    task = DBTaskResult.objects.get()
    assert task.task_path == "littlelemon.events.tasks.relay_outbox"
    assert task.status == "READY"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_event_enqueues_nothing():
    from django_tasks_db.models import DBTaskResult

    with pytest.raises(RuntimeError), transaction.atomic():
        event_record(type="order.placed", aggregate="order", aggregate_id=1, payload={})
        raise RuntimeError("the change failed")

    assert not DBTaskResult.objects.exists()
    assert not OutboxEvent.objects.exists()


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_workers_claiming_at_once_never_take_the_same_delivery(recorder):
    from littlelemon.core.tests.concurrency import race

    recorder()
    for n in range(20):
        record(aggregate_id=n)
    events_route()

    claims = race([lambda: deliveries_claim(limit=15) for _ in range(4)])

    taken = [d.pk for claim in claims for d in claim]
    assert len(taken) == len(set(taken)) == 40  # every delivery claimed, none twice
