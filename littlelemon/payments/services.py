"""Writing the ledger: payments captured, failed or cancelled, refunds, and the order's
timeline and outbox events that go with them.

Locks: the order row first, then its payments (`select_for_update`, re-read), everywhere: the
order's lifecycle (`orders.transitions`) locks the order before it calls in here, so the two
never wait on each other in opposite orders. Calls to Stripe happen outside transactions
(`card.py`, `refund_submit` after commit or from the retry job in `refund_retry.py`).

| outbox type         | when                                                   | e-mail             |
|---------------------|--------------------------------------------------------|--------------------|
| `payment.refunded`  | a refund succeeded (in person at once, Stripe's when confirmed) | `payment_refunded` |
"""

import logging
from decimal import Decimal
from typing import Any

import stripe
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from littlelemon.accounts.models import User
from littlelemon.cart.models import CartLine
from littlelemon.core.exceptions import InvalidInput
from littlelemon.core.money import format_money
from littlelemon.events.services import event_record
from littlelemon.orders.enums import EventKind, Fulfilment, OrderStatus, PaymentMethod
from littlelemon.orders.enums import PaymentStatus as OrderPaymentStatus
from littlelemon.orders.models import Order, OrderEvent, OrderItem
from littlelemon.orders.placement import placed_event_record
from littlelemon.orders.transitions import order_status_change
from littlelemon.reports.rollup import report_days_forget

from . import gateway
from .enums import CAPTURED_STATUSES, PaymentStatus, Provider, RefundStatus
from .exceptions import NothingToRefund, RefundTooLarge
from .models import Payment, Refund

logger = logging.getLogger(__name__)

MAX_REASON_LENGTH = 500
AUTOMATIC_REFUND_REASONS = {
    OrderStatus.REJECTED: "The restaurant rejected the order: refunded in full.",
    OrderStatus.CANCELLED: "The order was cancelled: refunded in full.",
}
PAID_AFTER_REASON = "Paid after the order expired or was already paid: refunded in full."


def _order_locked(order_id: int) -> Order:
    return Order.objects.select_for_update().get(pk=order_id)


def _payments_locked(order: Order) -> list[Payment]:
    return list(Payment.objects.select_for_update().filter(order=order).order_by("pk"))


def _money(amount: Decimal, currency: str) -> str:
    return format_money(amount, currency)


def _timeline(order: Order, note: str, *, actor: User | None = None) -> None:
    """A payment's line on the order's timeline (the status stays as it is)."""
    OrderEvent.objects.create(
        order=order,
        kind=EventKind.PAYMENT,
        from_status=order.status,
        to_status=order.status,
        actor=actor if actor is not None and not getattr(actor, "is_integration", False) else None,
        note=note[:500],
    )


def _next_attempt(payments: list[Payment]) -> int:
    return max((payment.attempt for payment in payments), default=0) + 1


# --- in person: counter, cash or card to the driver ----------------------------------------


def payment_collect_in_person(*, order: Order, actor: User | None) -> Payment | None:
    """The money of an order paid in person was taken: the driver delivered it, or the counter
    handed it over (called by `order_status_change` inside its transaction, the order locked).
    Records a succeeded payment collected by the order's driver (delivery) or by `actor`
    (pickup); the driver's cash is then theirs to hand in. None for an order paid online or one
    that already has its payment."""
    if order.payment_method == PaymentMethod.ONLINE:
        return None
    payments = _payments_locked(order)
    if any(payment.status in CAPTURED_STATUSES for payment in payments):
        return None
    collector = order.delivery_crew if order.fulfilment == Fulfilment.DELIVERY and order.delivery_crew_id else actor
    now = timezone.now()
    payment = Payment.objects.create(
        order=order,
        attempt=_next_attempt(payments),
        method=order.payment_method,
        provider=Provider.IN_PERSON,
        amount=order.total,
        currency=_currency(),
        status=PaymentStatus.SUCCEEDED,
        captured_at=now,
        collected_by=collector if collector is not None and not getattr(collector, "is_integration", False) else None,
    )
    who = (collector.get_full_name() or collector.username) if payment.collected_by else "the restaurant"
    _timeline(
        order,
        f"{_money(payment.amount, payment.currency)} paid by {order.get_payment_method_display().lower()}, "
        f"collected by {who}.",
        actor=actor,
    )
    return payment


@transaction.atomic
def cash_hand_in(*, actor: User, driver: User) -> int:
    """A manager received a driver's cash: every cash payment the driver collected and has not
    handed in is marked handed in now, with a line on each order's timeline. Returns how many.
    Locks those payments' orders (by pk), then the payments, re-read. Raises PermissionDenied
    (not a manager)."""
    from littlelemon.core.exceptions import PermissionDenied

    if not (actor.is_authenticated and actor.is_manager):
        raise PermissionDenied("Only a manager receives a driver's cash.")
    held = Q(collected_by=driver, method=PaymentMethod.CASH, captured_at__isnull=False, handed_in_at__isnull=True)
    order_ids = set(Payment.objects.filter(held).values_list("order_id", flat=True))
    orders = {order.pk: order for order in Order.objects.select_for_update().filter(pk__in=order_ids).order_by("pk")}
    payments = list(Payment.objects.select_for_update().filter(held, order_id__in=order_ids).order_by("pk"))
    now = timezone.now()
    Payment.objects.filter(pk__in=[payment.pk for payment in payments]).update(handed_in_at=now)
    who = driver.get_full_name() or driver.username
    for payment in payments:
        money = _money(payment.amount, payment.currency)
        _timeline(orders[payment.order_id], f"{money} in cash handed in by {who}.", actor=actor)
    return len(payments)


def _currency() -> str:
    from littlelemon.restaurant.selectors import restaurant_settings_get

    return restaurant_settings_get().currency


# --- online: what Stripe says about a PaymentIntent ----------------------------------------


def payment_attempt_create(*, order: Order) -> Payment:
    """A new pending attempt to pay `order` online (locked by the caller). Earlier attempts
    still pending are cancelled in the ledger: if one of them succeeds after all, its money is
    refunded (`payment_succeeded`)."""
    payments = _payments_locked(order)
    _pending_attempts_cancel(order, payments, why="a new attempt started")
    return Payment.objects.create(
        order=order,
        attempt=_next_attempt(payments),
        method=PaymentMethod.ONLINE,
        provider=Provider.STRIPE,
        amount=order.total,
        currency=_currency(),
        status=PaymentStatus.PENDING,
    )


def _pending_attempts_cancel(order: Order, payments: list[Payment], *, why: str) -> None:
    """Cancel in the ledger the attempts of `payments` (locked) still pending, each with a line on
    the order's timeline saying `why`."""
    for payment in payments:
        if payment.status == PaymentStatus.PENDING:
            payment.status = PaymentStatus.CANCELLED
            payment.save(update_fields=["status", "updated"])
            _timeline(order, f"Card payment attempt {payment.attempt} cancelled: {why}.")


def _payment_for_intent(intent_id: str, payment_id: Any = None) -> Payment | None:
    """The ledger row of a PaymentIntent: by Stripe's id, else by the id we put in its metadata
    (an event may arrive before our own call has stored the intent's id)."""
    payment = Payment.objects.filter(provider=Provider.STRIPE, provider_id=intent_id).first()
    if payment is None and payment_id and str(payment_id).isdigit():
        payment = Payment.objects.filter(pk=int(payment_id), provider=Provider.STRIPE).first()
    return payment


def payment_intent_apply(intent: Any) -> Payment | None:
    """Bring the ledger in line with a PaymentIntent Stripe showed us (the confirmation's answer,
    the customer's return, checked against Stripe, or a webhook): succeeded, failed, or still
    waiting. Idempotent: applying the same news twice changes nothing the second time."""
    metadata = intent.get("metadata") or {}
    payment = _payment_for_intent(intent["id"], metadata.get("payment_id"))
    if payment is None:
        logger.warning("a PaymentIntent we do not know: %s", intent["id"])
        return None
    status = intent.get("status")
    if status == "succeeded":
        return payment_succeeded(payment_id=payment.pk, intent_id=intent["id"])
    if status in ("requires_payment_method", "canceled"):
        error = intent.get("last_payment_error") or {}
        return payment_failed(payment_id=payment.pk, intent_id=intent["id"], message=error.get("message") or "")
    Payment.objects.filter(pk=payment.pk, provider_id="").update(provider_id=intent["id"])
    payment.provider_id = payment.provider_id or intent["id"]
    return payment


@transaction.atomic
def payment_succeeded(*, payment_id: int, intent_id: str) -> Payment:
    """Stripe took the money. Locks the order, then the payment, and re-reads: of the webhook and
    the customer's return arriving together, the first records it and the second finds it done.

    The order waiting for it becomes placed (its cart emptied, `order.placed` recorded). If the
    order no longer waits (it expired, or another attempt paid it first), the money is refunded
    in full at once."""
    order_id = Payment.objects.values_list("order_id", flat=True).get(pk=payment_id)
    order = _order_locked(order_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status in CAPTURED_STATUSES:
        return payment
    now = timezone.now()
    payment.status = PaymentStatus.SUCCEEDED
    payment.provider_id = payment.provider_id or intent_id
    payment.captured_at = now
    payment.failure_message = ""
    payment.save(update_fields=["status", "provider_id", "captured_at", "failure_message", "updated"])
    _timeline(order, f"{_money(payment.amount, payment.currency)} paid by card online (Stripe).")
    if order.status == OrderStatus.PENDING_PAYMENT:
        order = order_status_change(order=order, actor=None, status=OrderStatus.PLACED, note="Paid by card online.")
        order.payment_status = OrderPaymentStatus.PAID
        order.save(update_fields=["payment_status", "updated"])
        _cart_empty(order)
        placed_event_record(order, currency=payment.currency)
    else:
        refund_create(order=order, actor=None, amount=None, reason=PAID_AFTER_REASON, payment=payment)
    return payment


def _cart_empty(order: Order) -> None:
    """The customer's cart lines for the dishes the order holds: bought now."""
    dishes = OrderItem.objects.filter(order=order, menuitem__isnull=False).values("menuitem_id")
    CartLine.objects.filter(user_id=order.customer_id, menuitem_id__in=dishes).delete()


@transaction.atomic
def payment_failed(*, payment_id: int, intent_id: str, message: str) -> Payment:
    """Stripe refused the card (or the customer failed 3-D Secure): the attempt failed; the order
    still waits (another card may follow) until it expires. A failure reported after the same
    payment succeeded (events out of order) changes nothing."""
    order_id = Payment.objects.values_list("order_id", flat=True).get(pk=payment_id)
    order = _order_locked(order_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status == PaymentStatus.FAILED and not payment.provider_id and intent_id:
        payment.provider_id = intent_id  # the failure told again (the webhook), now with the intent's id
        payment.save(update_fields=["provider_id", "updated"])
    if payment.status not in (PaymentStatus.PENDING, PaymentStatus.CANCELLED):
        return payment
    if payment.status == PaymentStatus.PENDING:
        payment.status = PaymentStatus.FAILED
    payment.provider_id = payment.provider_id or intent_id
    payment.failure_message = (message or "The card was declined.")[:500]
    payment.save(update_fields=["status", "provider_id", "failure_message", "updated"])
    _timeline(order, f"Card payment failed: {payment.failure_message}")
    return payment


# --- refunds ---------------------------------------------------------------------------------


def refund_for_order_end(*, order: Order, actor: User | None) -> Refund | None:
    """A card order paid online was rejected or cancelled: what is left of its payment is
    refunded in full, automatically (inside the status change's transaction). None when there
    is nothing to refund (not paid online, or already refunded)."""
    if order.payment_method != PaymentMethod.ONLINE:
        return None
    payment = next((p for p in _payments_locked(order) if p.status in CAPTURED_STATUSES and p.refundable > 0), None)
    if payment is None:
        return None
    reason = AUTOMATIC_REFUND_REASONS.get(OrderStatus(order.status), "Refunded in full.")
    return refund_create(order=order, actor=None, amount=None, reason=reason, payment=payment, automatic_actor=actor)


def _refund_amount(payment: Payment, *, amount: Decimal | None, order_item: OrderItem | None) -> Decimal:
    if order_item is not None:
        amount = order_item.price
    if amount is None:
        return payment.refundable
    if not isinstance(amount, Decimal) or amount != amount.quantize(Decimal("0.01")) or amount <= 0:
        raise InvalidInput("A refund is an amount above zero, with at most two decimals.", field="amount")
    if amount > payment.refundable:
        raise RefundTooLarge(
            f"At most {_money(payment.refundable, payment.currency)} is left to refund.",
            field="order_item" if order_item is not None else "amount",
            extra={"refundable": str(payment.refundable)},
        )
    return amount


def refund_create(
    *,
    order: Order,
    actor: User | None,
    amount: Decimal | None,
    reason: str,
    order_item: OrderItem | None = None,
    payment: Payment | None = None,
    automatic_actor: User | None = None,
) -> Refund:
    """Refund part of an order's captured payment (`amount`, or the line `order_item`, or with
    neither what is left), never more than what is left. In person the money goes back at once
    (a succeeded refund); online it is asked of Stripe after commit (`refund_submit`).
    Caller holds the order's lock (see `refund_request` for the manager's entry point)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why the money is refunded.", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(f"A reason has at most {MAX_REASON_LENGTH} characters.", field="reason")
    if payment is None:
        payment = next((p for p in _payments_locked(order) if p.status in CAPTURED_STATUSES), None)
        if payment is None:
            raise NothingToRefund(f"Order #{order.pk} has no payment taken yet: there is nothing to refund.")
    else:
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if order_item is not None and order_item.order_id != order.pk:
        raise InvalidInput("That line is not on this order.", field="order_item")
    if payment.refundable <= 0:
        raise RefundTooLarge("This payment is already refunded in full.", field="amount", extra={"refundable": "0.00"})
    amount = _refund_amount(payment, amount=amount, order_item=order_item)
    now = timezone.now()
    in_person = payment.provider == Provider.IN_PERSON
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        reason=reason,
        order_item=order_item,
        actor=actor if actor is not None and not getattr(actor, "is_integration", False) else None,
        status=RefundStatus.SUCCEEDED if in_person else RefundStatus.PENDING,
        refunded_at=now if in_person else None,
    )
    payment.amount_refunded += amount
    payment.status = _status_after_refunds(payment)
    payment.save(update_fields=["amount_refunded", "status", "updated"])
    report_days_forget(order=order)
    _timeline(order, f"Refund of {_money(amount, payment.currency)}: {reason}", actor=actor or automatic_actor)
    if in_person:
        _refunded_event_record(order, refund, payment)
    else:
        transaction.on_commit(lambda: refund_submit(refund_id=refund.pk))
    return refund


@transaction.atomic
def refund_request(
    *, order: Order | int, actor: User, amount: Decimal | None, reason: str, order_item_id: int | None = None
) -> Refund:
    """A manager refunds part of an order: a line (`order_item_id`) or an amount, with a reason.
    Raises PermissionDenied (not a manager), InvalidInput (no reason, a bad amount, a line of
    another order), NothingToRefund (409), RefundTooLarge (more than what is left)."""
    from littlelemon.accounts.permissions import is_manager_for
    from littlelemon.apikeys.scopes import ORDERS_WRITE
    from littlelemon.core.exceptions import PermissionDenied

    if not is_manager_for(actor, ORDERS_WRITE):
        raise PermissionDenied("Only a manager may refund an order.")
    if amount is None and order_item_id is None:
        raise InvalidInput("Give an amount or choose a line to refund.", field="amount")
    locked = _order_locked(order if isinstance(order, int) else order.pk)
    order_item = None
    if order_item_id is not None:
        order_item = OrderItem.objects.filter(pk=order_item_id, order=locked).first()
        if order_item is None:
            raise InvalidInput("That line is not on this order.", field="order_item")
    return refund_create(order=locked, actor=actor, amount=amount, reason=reason, order_item=order_item)


def _refused(error: stripe.StripeError) -> bool:
    """Did Stripe answer, and say no? A 4xx is a definite refusal (an invalid request, a charge
    already refunded, a bad key), except 409 and 429 (another request with the key under way, too
    many requests: nothing decided). No status (a connection error, a timeout) or a 5xx: the
    outcome is unknown, and Stripe may have made the refund."""
    status = error.http_status
    return status is not None and 400 <= status < 500 and status not in (409, 429)


def refund_submit(*, refund_id: int) -> Refund:
    """Ask Stripe for a pending refund (after the commit that created it, or again from the
    periodic job `refund_retry.refunds_pending_resubmit_now`), always with the idempotency key
    `refund-<id>`, so asking again never refunds twice; record its answer. Stripe refusing it
    fails the refund (`refund_failed`: the amount goes back to the payment); no answer leaves it
    pending, still counted against what is left, for the job to ask again."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status != RefundStatus.PENDING or refund.provider_id:
        return refund
    payment = refund.payment
    try:
        answer = gateway.client().v1.refunds.create(
            params={
                "payment_intent": payment.provider_id,
                "amount": gateway.to_minor_units(refund.amount, payment.currency),
                "metadata": {"refund_id": str(refund.pk), "order_id": str(payment.order_id)},
            },
            options={"idempotency_key": f"refund-{refund.pk}"},
        )
    except stripe.StripeError as error:
        if not _refused(error):
            logger.warning("refund %s: no answer from Stripe (%s); it stays pending", refund.pk, error)
            return refund
        logger.warning("refund %s was refused by Stripe: %s", refund.pk, error)
        return refund_failed(refund_id=refund.pk, message=getattr(error, "user_message", None) or str(error))
    return refund_confirmed(refund_id=refund.pk, provider_id=answer.id, status=answer.status or "")


@transaction.atomic
def refund_confirmed(*, refund_id: int, provider_id: str, status: str) -> Refund:
    """Stripe's word on a refund we asked for (its answer or a webhook, in any order): succeeded
    records it, with a line on the timeline, and mails the customer, once. Stripe is the truth: a
    refund we hold as failed that Stripe says succeeded is corrected (`_refund_failed_corrected`).
    Locks the order, then the refund (and its payment when correcting)."""
    order_id = Refund.objects.values_list("payment__order_id", flat=True).get(pk=refund_id)
    order = _order_locked(order_id)
    refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_id)
    if refund.status == RefundStatus.FAILED and status == "succeeded":
        return _refund_failed_corrected(order, refund, provider_id)
    if refund.status != RefundStatus.PENDING:
        return refund
    refund.provider_id = refund.provider_id or provider_id
    if status == "succeeded":
        refund.status = RefundStatus.SUCCEEDED
        refund.refunded_at = timezone.now()
        _refunded_event_record(order, refund, refund.payment)
        _timeline(order, f"Stripe confirmed the refund of {_money(refund.amount, refund.payment.currency)}.")
    elif status in ("failed", "canceled"):
        return refund_failed(refund_id=refund.pk, message=f"Stripe reports the refund {status}.")
    refund.save(update_fields=["provider_id", "status", "refunded_at", "updated"])
    return refund


def _refund_failed_corrected(order: Order, refund: Refund, provider_id: str) -> Refund:
    """Stripe says a refund we hold as failed succeeded: it did. The refund succeeds now, its
    amount is taken from the payment again, the customer is mailed. If the payment has no room
    left for it (another refund took the amount meanwhile) the ledger cannot hold both: the
    refund stays failed, logged and on the timeline for a manager to settle in Stripe's
    dashboard. Caller holds the order's and the refund's locks."""
    payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
    money = _money(refund.amount, payment.currency)
    if refund.amount > payment.refundable:
        logger.error("refund %s: Stripe says it succeeded, the ledger has %s left", refund.pk, payment.refundable)
        _timeline(
            order,
            f"Stripe reports the refund of {money} succeeded, but only {_money(payment.refundable, payment.currency)} "
            "is left on the payment: check the refunds in Stripe's dashboard.",
        )
        return refund
    refund.status = RefundStatus.SUCCEEDED
    refund.provider_id = refund.provider_id or provider_id
    refund.refunded_at = timezone.now()
    refund.failure_message = ""
    refund.save(update_fields=["status", "provider_id", "refunded_at", "failure_message", "updated"])
    payment.amount_refunded += refund.amount
    payment.status = _status_after_refunds(payment)
    payment.save(update_fields=["amount_refunded", "status", "updated"])
    report_days_forget(order=order)
    _refunded_event_record(order, refund, payment)
    _timeline(order, f"Stripe reports the refund of {money} succeeded after all (it was held as failed): refunded.")
    return refund


@transaction.atomic
def refund_failed(*, refund_id: int, message: str) -> Refund:
    """Stripe refused a refund: it is given back to the payment (it may be tried again)."""
    order_id = Refund.objects.values_list("payment__order_id", flat=True).get(pk=refund_id)
    order = _order_locked(order_id)
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if refund.status != RefundStatus.PENDING:
        return refund
    payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
    refund.status = RefundStatus.FAILED
    refund.failure_message = message[:500]
    refund.save(update_fields=["status", "failure_message", "updated"])
    payment.amount_refunded -= refund.amount
    payment.status = _status_after_refunds(payment)
    payment.save(update_fields=["amount_refunded", "status", "updated"])
    report_days_forget(order=order)
    _timeline(order, f"Refund of {_money(refund.amount, payment.currency)} failed: {refund.failure_message}")
    return refund


def _status_after_refunds(payment: Payment) -> PaymentStatus:
    """A captured payment's status for what its refunds (pending or succeeded) hold of it."""
    if payment.amount_refunded >= payment.amount:
        return PaymentStatus.REFUNDED
    return PaymentStatus.PARTIALLY_REFUNDED if payment.amount_refunded > 0 else PaymentStatus.SUCCEEDED


def _refunded_event_record(order: Order, refund: Refund, payment: Payment) -> None:
    event_record(
        type="payment.refunded",
        aggregate="order",
        aggregate_id=order.pk,
        payload={
            "order_id": order.pk,
            "customer_id": order.customer_id,
            "refund_id": refund.pk,
            "amount": refund.amount,
            "currency": payment.currency,
            "reason": refund.reason,
            "payment_method": payment.method,
            "refunded_total": payment.amount_refunded,
            "paid": payment.amount,
            "refunded_at": refund.refunded_at,
        },
    )


# --- the order's lifecycle calls in here --------------------------------------------------


def order_status_changed(*, order: Order, actor: User | None, previous: str) -> None:
    """Called by `orders.transitions.order_status_change` inside its transaction (order locked):
    an order paid in person was handed over (its payment is collected); a card order paid
    online was rejected or cancelled (refunded in full)."""
    if order.status in (OrderStatus.DELIVERED, OrderStatus.COLLECTED):
        payment_collect_in_person(order=order, actor=actor)
    elif order.status in (OrderStatus.REJECTED, OrderStatus.CANCELLED):
        refund_for_order_end(order=order, actor=actor)
    elif order.status == OrderStatus.EXPIRED:
        _pending_attempts_cancel(order, _payments_locked(order), why="the order expired")
