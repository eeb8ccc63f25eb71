"""The outbox relay: every event reaches each of its handlers' targets at least once, in order.

1. Route: each new event, once and in id order, gets a `Delivery` per target its handlers name
   (none: the event is done at once).
2. Claim: in a short transaction, take a lease on due deliveries, at most one per (target,
   aggregate) and only the oldest pending one of each, so an order's "accepted" never goes out
   before its "placed". PostgreSQL workers skip rows another worker has locked (SKIP LOCKED);
   SQLite's write lock serialises the claim.
3. Send, outside any transaction, then record the outcome: delivered, or retried later with
   exponential backoff and jitter, or dead-lettered after OUTBOX_MAX_ATTEMPTS (or at once when the
   handler says trying again cannot help). A worker killed mid-send leaves its lease to expire;
   the next worker sends that delivery again with the same id, which the receiver can drop.

The success of a delivery is recorded per (event, target): a retry never repeats one that was
recorded. A dead-lettered delivery stops holding back the aggregate's later events; "retry" in
the admin puts it back.
"""

import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from .handlers import DeliveryFailed, handler_for, handlers_all
from .models import Delivery, DeliveryAttempt, DeliveryStatus, OutboxEvent

logger = logging.getLogger(__name__)

ROUTE_BATCH = 200
ERROR_MAX_CHARS = 2000


@dataclass
class RelayReport:
    routed: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    targets: list[str] = field(default_factory=list)


def backoff_delay(attempts: int) -> timedelta:
    """Exponential from OUTBOX_RETRY_BASE_SECONDS, capped at OUTBOX_RETRY_MAX_SECONDS, with jitter
    (between half and all of it) so that failures of many deliveries do not retry in step."""
    ceiling = min(settings.OUTBOX_RETRY_MAX_SECONDS, settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=ceiling * random.uniform(0.5, 1.0))  # noqa: S311 (jitter, not a secret)


def events_route(*, limit: int = ROUTE_BATCH) -> int:
    """Create the deliveries of events not yet routed, in id order. Returns how many events."""
    with transaction.atomic():
        events = list(OutboxEvent.objects.filter(routed_at__isnull=True).order_by("id")[:limit])
        if not events:
            return 0
        now = timezone.now()
        deliveries = [
            Delivery(
                event=event,
                target=target,
                aggregate=f"{event.aggregate}:{event.aggregate_id}",
                next_attempt_at=now,
            )
            for event in events
            for handler in handlers_all()
            for target in handler.targets(event)
        ]
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        routed = {delivery.event_id for delivery in deliveries}
        OutboxEvent.objects.filter(pk__in=[e.pk for e in events if e.pk in routed]).update(routed_at=now)
        OutboxEvent.objects.filter(pk__in=[e.pk for e in events if e.pk not in routed]).update(
            routed_at=now, delivered_at=now
        )
    return len(events)


def deliveries_claim(*, limit: int, now: datetime | None = None) -> list[Delivery]:
    """Lease due deliveries, the oldest pending one of each (target, aggregate), for this worker."""
    now = now or timezone.now()
    earlier_pending = Delivery.objects.filter(
        status=DeliveryStatus.PENDING,
        target=OuterRef("target"),
        aggregate=OuterRef("aggregate"),
        event_id__lt=OuterRef("event_id"),
    )
    due = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .exclude(Exists(earlier_pending))
        .order_by("event_id", "target")
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        lease = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        Delivery.objects.filter(pk__in=ids).update(leased_until=lease, attempts=F("attempts") + 1)
    return list(Delivery.objects.filter(pk__in=ids).select_related("event").order_by("event_id", "target"))


def delivery_attempt(delivery: Delivery) -> str:
    """Send one claimed delivery and record the outcome. Returns the delivery's new status."""
    handler = handler_for(delivery.target)
    started = time.monotonic()
    code = None
    error = ""
    permanent = False
    try:
        if handler is None:
            raise DeliveryFailed(f"No handler for {delivery.target!r}.", permanent=True)
        code = handler.deliver(delivery, delivery.event)
    except DeliveryFailed as failure:
        error, code, permanent = str(failure), failure.response_code, failure.permanent
    except Exception as failure:  # any handler error is a failed attempt, recorded
        logger.exception("delivery %s to %s failed", delivery.pk, delivery.target)
        error = f"{type(failure).__name__}: {failure}"
    duration_ms = round((time.monotonic() - started) * 1000)
    return _outcome_record(delivery, code=code, error=error[:ERROR_MAX_CHARS], permanent=permanent, ms=duration_ms)


def _outcome_record(delivery: Delivery, *, code: int | None, error: str, permanent: bool, ms: int) -> str:
    now = timezone.now()
    if not error:
        status, changes = DeliveryStatus.DELIVERED, {"delivered_at": now, "last_error": ""}
    elif permanent or delivery.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        status, changes = DeliveryStatus.DEAD, {"last_error": error}
    else:
        status, changes = DeliveryStatus.PENDING, {"last_error": error}
        changes["next_attempt_at"] = now + backoff_delay(delivery.attempts)
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            succeeded=not error,
            response_code=code,
            duration_ms=ms,
            error=error,
        )
        Delivery.objects.filter(pk=delivery.pk).update(status=status, leased_until=None, **changes)
        if status != DeliveryStatus.PENDING:
            _event_finish_if_done(delivery.event_id, now)
    for name, value in {"status": status, **changes}.items():
        setattr(delivery, name, value)
    return status


def _event_finish_if_done(event_id: int, now: datetime) -> None:
    pending = Delivery.objects.filter(event_id=OuterRef("pk"), status=DeliveryStatus.PENDING)
    OutboxEvent.objects.filter(pk=event_id, delivered_at__isnull=True).exclude(Exists(pending)).update(delivered_at=now)


def relay_run(*, batch: int = 50, budget_seconds: float | None = None) -> RelayReport:
    """Route new events and send every due delivery, until none is due (or the time budget is
    spent: a scheduled Lambda has a deadline). Safe to run in many workers at once."""
    report = RelayReport()
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    while deadline is None or time.monotonic() < deadline:
        report.routed += events_route()
        claimed = deliveries_claim(limit=batch)
        if not claimed:
            break
        for delivery in claimed:
            status = delivery_attempt(delivery)
            report.targets.append(delivery.target)
            if status == DeliveryStatus.DELIVERED:
                report.delivered += 1
            elif status == DeliveryStatus.DEAD:
                report.dead += 1
            else:
                report.failed += 1
    return report


def deliveries_retry(deliveries: list[Delivery]) -> int:
    """Put dead (or failing) deliveries back in the queue to be tried now (the admin's "retry",
    a webhook's "redeliver"): attempts start again, the delivery id stays the same."""
    ids = [d.pk for d in deliveries]
    now = timezone.now()
    with transaction.atomic():
        count = Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, leased_until=None
        )
        OutboxEvent.objects.filter(deliveries__pk__in=ids).update(delivered_at=None)
        transaction.on_commit(relay_enqueue)
    return count


def events_purge(*, now: datetime | None = None) -> int:
    """Delete events (and their deliveries and attempts) delivered more than OUTBOX_RETENTION_DAYS
    ago. Undelivered and dead-lettered ones stay. Idempotent."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    dead = Delivery.objects.filter(event_id=OuterRef("pk"), status=DeliveryStatus.DEAD)
    old = OutboxEvent.objects.filter(delivered_at__lt=cutoff).exclude(Exists(dead))
    deleted, _ = old.delete()
    return deleted


def relay_enqueue() -> None:
    """Ask a worker to run the relay now (after a commit that wrote events). A failure to enqueue
    loses nothing: the scheduler runs the relay every minute."""
    from .tasks import relay_outbox

    try:
        relay_outbox.enqueue()
    except Exception:  # the periodic relay catches up; the request must not fail
        logger.exception("could not enqueue the outbox relay")
