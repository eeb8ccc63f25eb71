"""Writes to orders: placing one from a cart, moving it through its lifecycle, assigning a driver.

Every function checks its own rules (whoever calls it: API, staff pages, demo data, shell),
runs in one transaction, takes the row locks it names, writes the order's timeline
(`OrderEvent`) and records a domain event in the outbox in that same transaction:

| outbox type            | when                                   | payload                                   |
|------------------------|----------------------------------------|-------------------------------------------|
| `order.placed`         | `order_place` created an order         | the order, its totals and its items       |
| `order.status_changed` | `order_status_change` (every status)   | `from_status`, `to_status`, actor, note   |
| `order.assigned`       | `order_assign` set or changed a driver | the driver, the previous one, actor       |

Status changes and assignments are also recorded in the audit trail (`order.status_change`,
`order.assign`: who, before and after), in the same transaction. Placing an order is not: the
order itself, its first OrderEvent and `order.placed` are its record.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from littlelemon.accounts.models import User
from littlelemon.audit.services import audit_record
from littlelemon.cart.models import CartLine
from littlelemon.core import stamps
from littlelemon.core.exceptions import InvalidInput, PermissionDenied
from littlelemon.core.money import ZERO, percent_of, to_money
from littlelemon.events.services import event_record
from littlelemon.menu.models import MenuItem
from littlelemon.restaurant.models import RestaurantSettings
from littlelemon.restaurant.selectors import Schedule, restaurant_rules_get, restaurant_tz

from . import lifecycle
from .enums import TERMINAL_STATUSES, EventKind, Fulfilment, OrderStatus, PaymentMethod, PaymentStatus
from .exceptions import (
    AssignmentClosed,
    BelowMinimum,
    CartEmpty,
    DeliveryAddressRequired,
    DeliveryCrewRequired,
    IdempotencyKeyReused,
    InvalidSchedule,
    InvalidTransition,
    ItemUnavailable,
    NotADelivery,
    NotDeliveryCrew,
    OrderNotFound,
    RestaurantClosed,
    TransitionForbidden,
)
from .models import Order, OrderEvent, OrderItem

SCHEDULE_GRACE = timedelta(minutes=1)  # a time picked a moment ago still counts as "not in the past"
SCHEDULE_HORIZON = timedelta(days=7)  # orders are scheduled at most this far ahead
MAX_TIP = Decimal("9999.99")
MAX_IDEMPOTENCY_KEY_LENGTH = 255
MAX_NOTE_LENGTH = 500  # OrderEvent.note

PAYMENT_AFTER = {
    OrderStatus.DELIVERED: PaymentStatus.PAID,
    OrderStatus.COLLECTED: PaymentStatus.PAID,
    OrderStatus.CANCELLED: PaymentStatus.VOID,
    OrderStatus.REJECTED: PaymentStatus.VOID,
}


# --- money -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    delivery_fee: Decimal
    tax: Decimal
    tip: Decimal
    total: Decimal


def line_price(*, unit_price: Decimal, quantity: int) -> Decimal:
    return to_money(unit_price * quantity)


def order_totals(
    *, line_prices: list[Decimal], fulfilment: Fulfilment, tip: Decimal, settings: RestaurantSettings
) -> Totals:
    """The bill: the delivery fee only for deliveries; tax (`tax_rate` percent, rounded half up
    to the cent) on subtotal + delivery fee; the tip on top, untaxed."""
    subtotal = to_money(sum(line_prices, ZERO))
    delivery_fee = to_money(settings.delivery_fee) if fulfilment == Fulfilment.DELIVERY else ZERO
    tax = percent_of(subtotal + delivery_fee, settings.tax_rate)
    tip = to_money(tip)
    return Totals(subtotal, delivery_fee, tax, tip, subtotal + delivery_fee + tax + tip)


def _sold_out_message(titles: list[str]) -> str:
    names = titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + f" and {titles[-1]}"
    verb = "is" if len(titles) == 1 else "are"
    return f"{names} {verb} sold out: remove {'it' if len(titles) == 1 else 'them'} from your cart to order."


class _Line(Protocol):
    """A cart line as `order_quote` reads it: a saved CartLine, or an unsaved one of a guest cart."""

    quantity: int

    @property
    def menuitem(self) -> MenuItem: ...


@dataclass(frozen=True)
class Quote:
    """What a cart would cost as an order now, and what would stop it being placed: the one
    computation behind both the cart and checkout pages and `order_place` itself."""

    totals: Totals
    line_prices: list[Decimal]
    unavailable: list[MenuItem]  # sold out since they were put in the cart
    minimum_order: Decimal
    currency: str

    @property
    def short_of_minimum(self) -> Decimal:
        """How much more the subtotal needs to reach the minimum order (0.00 when it does)."""
        return max(ZERO, to_money(self.minimum_order) - self.totals.subtotal)

    def check(self) -> None:
        """Raises ItemUnavailable (naming the dishes) or BelowMinimum (saying by how much), as
        `order_place` does."""
        if self.unavailable:
            raise ItemUnavailable(
                _sold_out_message([item.title for item in self.unavailable]),
                extra={"unavailable": [{"menuitem": item.pk, "title": item.title} for item in self.unavailable]},
            )
        if self.short_of_minimum:
            subtotal, currency = self.totals.subtotal, self.currency
            raise BelowMinimum(
                f"The minimum order is {self.minimum_order} {currency} and your subtotal is {subtotal} {currency}: "
                f"add {self.short_of_minimum} {currency} more to order.",
                extra={
                    "minimum_order": str(self.minimum_order),
                    "subtotal": str(subtotal),
                    "short_by": str(self.short_of_minimum),
                },
            )


def order_quote(*, lines: Sequence[_Line], fulfilment: str, tip: Decimal = ZERO, settings: RestaurantSettings) -> Quote:
    """Price cart lines (dishes joined) as `order_place` will charge them: current menu prices,
    the delivery fee for a delivery, tax, the tip. No query."""
    prices = [line_price(unit_price=line.menuitem.price, quantity=line.quantity) for line in lines]
    return Quote(
        totals=order_totals(line_prices=prices, fulfilment=Fulfilment(fulfilment), tip=tip, settings=settings),
        line_prices=prices,
        unavailable=[line.menuitem for line in lines if not line.menuitem.available],
        minimum_order=settings.minimum_order,
        currency=settings.currency,
    )


# --- placing -----------------------------------------------------------------------------


def _local(moment: datetime, schedule: Schedule, *, now: datetime) -> str:
    """When, for a person: today at 11:00, tomorrow at 11:00, Tuesday 2 June at 11:00 (local time)."""
    local, today = moment.astimezone(schedule.tz), now.astimezone(schedule.tz).date()
    day = {today: "today", today + timedelta(days=1): "tomorrow"}.get(
        local.date(), f"{local:%A} {local.day} {local:%B}"
    )
    return f"{day} at {local:%H:%M}"


def _rules(now: datetime, read: stamps.Version | None = None) -> tuple[RestaurantSettings, Schedule]:
    """The settings, and the schedule `_check_time` may look at from `now` (`read`: the stamps
    already read, see `restaurant_rules_get`)."""
    today = now.astimezone(restaurant_tz()).date()
    return restaurant_rules_get(
        start=today - timedelta(days=1), end=today + SCHEDULE_HORIZON + timedelta(days=15), read=read
    )


def _check_time(
    *, scheduled_for: datetime | None, now: datetime, settings: RestaurantSettings, schedule: Schedule
) -> None:
    """ASAP orders need the restaurant taking orders now; scheduled ones a time it will be."""
    cutoff = settings.order_cutoff_minutes
    if scheduled_for is not None:
        # Bounds first: nothing below does arithmetic on a date far in the past or future.
        if scheduled_for < now - SCHEDULE_GRACE:
            raise InvalidSchedule("The scheduled time is in the past.", field="scheduled_for")
        if scheduled_for > now + SCHEDULE_HORIZON:
            raise InvalidSchedule(
                f"Orders can be scheduled at most {SCHEDULE_HORIZON.days} days ahead.", field="scheduled_for"
            )
    moment = scheduled_for or now
    if schedule.accepts_orders_at(moment, cutoff_minutes=cutoff):
        return
    next_opening = schedule.next_opening(now)
    opens = (
        f"we open again {_local(next_opening, schedule, now=now)}"
        if next_opening
        else "no opening in the next two weeks"
    )
    if scheduled_for is None:
        why = (
            f"we stop taking orders {cutoff} minutes before closing"
            if schedule.is_open_at(now)
            else "the restaurant is closed"
        )
        raise RestaurantClosed(
            f"We are not taking orders right now ({why}); {opens}. You can also schedule the order.",
            extra={"opens_at": next_opening.astimezone(schedule.tz).isoformat() if next_opening else None},
        )
    local_day = scheduled_for.astimezone(schedule.tz).date()
    if local_day in schedule.closed:
        reason = schedule.closed[local_day]
        why = "we are closed that day" + (f" ({reason})" if reason else "")
    elif schedule.is_open_at(scheduled_for):
        why = f"that is within {cutoff} minutes of closing"
    else:
        ranges = ", ".join(
            f"{start.astimezone(schedule.tz):%H:%M}-{end.astimezone(schedule.tz):%H:%M}"
            for start, end in schedule.ranges_on(local_day)
        )
        why = f"we are open {ranges} that day" if ranges else f"we are closed on {local_day:%A}s"
    raise InvalidSchedule(
        f"We cannot prepare an order for {_local(scheduled_for, schedule, now=now)}: {why}.",
        field="scheduled_for",
        extra={"opens_at": next_opening.astimezone(schedule.tz).isoformat() if next_opening else None},
    )


def request_fingerprint(
    *,
    fulfilment: str,
    delivery_address: str,
    scheduled_for: datetime | None,
    tip: Decimal,
    notes: str,
    payment_method: str,
) -> str:
    """A hash of the normalised placement request: same meaning, same fingerprint."""
    canonical = {
        "fulfilment": str(fulfilment),
        "delivery_address": delivery_address,
        "scheduled_for": scheduled_for.astimezone(UTC).isoformat() if scheduled_for else None,
        "tip": str(to_money(tip)),
        "notes": notes,
        "payment_method": str(payment_method),
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _replay(order: Order, fingerprint: str) -> tuple[Order, bool]:
    if order.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"This Idempotency-Key was already used for order #{order.pk} with different details; "
            "use a new key for a new order.",
            extra={"order": order.pk},
        )
    return order, False


def _choice(choices: type[Any], value: str, *, field: str) -> Any:
    try:
        return choices(value)
    except ValueError:
        raise InvalidInput(f"'{value}' is not one of {', '.join(choices.values)}.", field=field) from None


def _check_note(note: str) -> str:
    if len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput(f"A note has at most {MAX_NOTE_LENGTH} characters.", field="note")
    return note


def _priced_from(customer: User) -> tuple[str, ...]:
    """The version stamps (core.DataVersion) of what `_price` reads, with the menu's."""
    return (f"cart:{customer.pk}", "restaurant")


def _lock_cart(customer: User) -> None:
    """Lock the customer's cart lines, in pk order, where rows can be locked (PostgreSQL), so
    that racing placements of one cart queue here. SQLite locks the whole database for the
    transaction (IMMEDIATE) instead: nothing to do."""
    if connection.features.has_select_for_update:
        list(CartLine.objects.select_for_update().filter(user=customer).order_by("pk").values_list("pk"))


@dataclass(frozen=True)
class _Priced:
    lines: list[CartLine]
    settings: RestaurantSettings
    quote: Quote


def _price(
    customer: User,
    *,
    fulfilment: str,
    tip: Decimal,
    scheduled_for: datetime | None,
    now: datetime,
    read: stamps.Version | None,
) -> _Priced:
    """The customer's cart lines (dishes joined), priced and checked against the restaurant's
    rules (`read`: the stamps of `_priced_from` read just before, or None). Raises CartEmpty,
    ItemUnavailable, BelowMinimum, RestaurantClosed, InvalidSchedule."""
    lines = list(
        CartLine.objects.filter(user=customer)
        .select_related("menuitem")
        .only("id", "quantity", "menuitem__id", "menuitem__title", "menuitem__price", "menuitem__available")
        .order_by("pk")
    )
    if not lines:
        raise CartEmpty()
    settings, schedule = _rules(now, read)
    quote = order_quote(lines=lines, fulfilment=fulfilment, tip=tip, settings=settings)
    quote.check()
    _check_time(scheduled_for=scheduled_for, now=now, settings=settings, schedule=schedule)
    return _Priced(lines=lines, settings=settings, quote=quote)


def order_place(
    *,
    customer: User,
    fulfilment: str,
    delivery_address: str = "",
    scheduled_for: datetime | None = None,
    tip: Decimal = ZERO,
    notes: str = "",
    payment_method: str = PaymentMethod.CASH,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> tuple[Order, bool]:
    """Turn the customer's cart into an order. Returns (order, created).

    One transaction: lock the customer's cart lines (`SELECT ... FOR UPDATE`, in pk order; on
    SQLite the transaction holds the database's write lock), make sure the cart was priced at
    its dishes' current prices and availability and checked against the current rules, create
    the order, its items (one bulk insert) and its first event, empty the cart (one delete),
    record `order.placed`. Racing placements of one cart queue on the lock: the first makes the
    order and the others find the cart empty.

    The pricing and the checks run before the transaction, after reading the version stamps of
    the cart, the menu and the rules; inside, those stamps are read again (one query) and only
    if one changed is the cart priced again there. The lock is held for the writes alone.

    A created order comes back as the customer may see it, items included (no need to read it
    back); a replayed one as it is stored (read it to show it).

    With an `idempotency_key`, a repeat of the same request returns the order it made
    (created=False) instead of placing another; the same key with a different request raises
    IdempotencyKeyReused. A unique constraint on (customer, key) stands behind that.

    Raises DeliveryAddressRequired, InvalidInput (tip, key), CartEmpty, ItemUnavailable,
    BelowMinimum, RestaurantClosed (ASAP while not taking orders), InvalidSchedule.
    `now` is the moment the opening hours are judged at (tests pass one); it defaults to the
    current time. Timestamps are always the real time.
    """
    now = now or timezone.now()
    fulfilment = _choice(Fulfilment, fulfilment, field="fulfilment")
    payment_method = _choice(PaymentMethod, payment_method, field="payment_method")
    delivery_address = delivery_address.strip() if fulfilment == Fulfilment.DELIVERY else ""
    notes = notes.strip()
    if fulfilment == Fulfilment.DELIVERY and not delivery_address:
        raise DeliveryAddressRequired(field="delivery_address")
    if not ZERO <= tip <= MAX_TIP:
        raise InvalidInput(f"A tip is between 0 and {MAX_TIP}.", field="tip")
    if len(idempotency_key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise InvalidInput(
            f"An Idempotency-Key has at most {MAX_IDEMPOTENCY_KEY_LENGTH} characters.", field="Idempotency-Key"
        )
    fingerprint = request_fingerprint(
        fulfilment=fulfilment,
        delivery_address=delivery_address,
        scheduled_for=scheduled_for,
        tip=tip,
        notes=notes,
        payment_method=payment_method,
    )

    # Priced ahead, outside the transaction (which on SQLite holds the database's write lock):
    # the version stamps of the cart, the menu and the restaurant's rules first, then the data.
    # Inside, the same stamps read again say whether anything changed since; if so (or if it
    # failed a check, which is then made again where it counts) it is priced again in there.
    def price(read: stamps.Version | None) -> _Priced:
        return _price(customer, fulfilment=fulfilment, tip=tip, scheduled_for=scheduled_for, now=now, read=read)

    try:
        version = stamps.stamps_read(_priced_from(customer), menu=True)
        ahead = price(version)
    except InvalidInput:  # an empty cart, a sold-out dish...: checked again below, after the lock
        version = ahead = None

    with transaction.atomic():
        _lock_cart(customer)
        # After the lock: a racing request with the same key has committed its order by now.
        if idempotency_key:
            existing = Order.objects.filter(customer=customer, idempotency_key=idempotency_key).first()
            if existing is not None:
                return _replay(existing, fingerprint)
        current = stamps.stamps_read(_priced_from(customer), menu=True)
        if ahead is None or current is None or current != version:
            ahead = price(current)
        lines, settings, totals, prices = ahead.lines, ahead.settings, ahead.quote.totals, ahead.quote.line_prices

        order = Order(
            customer=customer,
            fulfilment=fulfilment,
            delivery_address=delivery_address,
            scheduled_for=scheduled_for,
            notes=notes,
            subtotal=totals.subtotal,
            delivery_fee=totals.delivery_fee,
            tax=totals.tax,
            tip=totals.tip,
            total=totals.total,
            payment_method=payment_method,
            idempotency_key=idempotency_key,
            request_fingerprint=fingerprint,
        )
        if not idempotency_key:
            order.save(force_insert=True)
        else:
            try:
                with transaction.atomic():  # a savepoint: the key's unique constraint may refuse it
                    order.save(force_insert=True)
            except IntegrityError:
                existing = Order.objects.filter(customer=customer, idempotency_key=idempotency_key).first()
                if existing is None:
                    raise
                return _replay(existing, fingerprint)
        items = OrderItem.objects.bulk_create(
            OrderItem(
                order=order,
                menuitem=line.menuitem,
                title=line.menuitem.title,
                unit_price=line.menuitem.price,
                quantity=line.quantity,
                price=price,
            )
            for line, price in zip(lines, prices, strict=True)
        )
        OrderEvent.objects.create(
            order=order, kind=EventKind.PLACED, from_status="", to_status=order.status, actor=customer, at=order.created
        )
        CartLine.objects.filter(pk__in=[line.pk for line in lines]).delete()
        event_record(
            type="order.placed",
            aggregate="order",
            aggregate_id=order.pk,
            payload={
                "order_id": order.pk,
                "customer_id": customer.pk,
                "status": order.status,
                "fulfilment": order.fulfilment,
                "scheduled_for": scheduled_for,
                "delivery_address": order.delivery_address,
                "payment_method": order.payment_method,
                "payment_status": order.payment_status,
                "currency": settings.currency,
                "subtotal": totals.subtotal,
                "delivery_fee": totals.delivery_fee,
                "tax": totals.tax,
                "tip": totals.tip,
                "total": totals.total,
                "items": [
                    {
                        "menuitem_id": item.menuitem_id,
                        "title": item.title,
                        "quantity": item.quantity,
                        "unit_price": item.unit_price,
                        "price": item.price,
                    }
                    for item in items
                ],
                "placed_at": order.created,
            },
        )
    _with_items(order, items)
    return order, True


def _with_items(order: Order, items: list[OrderItem]) -> None:
    """Give the new `order` its items as `selectors.order_list_visible_to` prefetches them
    (`order.items.all()` answers from memory, in id order), so the caller can show the order it
    just placed without reading it back (Django's prefetch keeps them in the same two places)."""
    queryset = OrderItem.objects.all()
    queryset._result_cache = sorted(items, key=lambda item: item.pk)
    queryset._prefetch_done = True
    order._prefetched_objects_cache = {"items": queryset}


# --- lifecycle ---------------------------------------------------------------------------

ACTOR_NAMES = {
    lifecycle.Actor.CUSTOMER: "the customer",
    lifecycle.Actor.KITCHEN: "the kitchen",
    lifecycle.Actor.ASSIGNED_CREW: "the assigned delivery crew",
    lifecycle.Actor.MANAGER: "a manager",
}


def _who(actors: frozenset[lifecycle.Actor]) -> str:
    names = [ACTOR_NAMES[actor] for actor in lifecycle.Actor if actor in actors]
    return " or ".join(names) if names else "nobody"


def _locked(order: Order | int) -> Order:
    locked = Order.objects.select_for_update().filter(pk=order if isinstance(order, int) else order.pk).first()
    if locked is None:
        raise OrderNotFound()
    return locked


def _state(order: Order) -> dict[str, Any]:
    return {"current_status": order.status, "allowed": [str(status) for status in lifecycle.next_statuses(order)]}


@transaction.atomic
def order_status_change(*, order: Order | int, actor: User, status: str, note: str = "") -> Order:
    """Move an order to `status`, as the lifecycle table (`lifecycle.ALLOWED`) allows `actor`.

    Locks the order row, then re-reads it, so two people acting at once are judged one after
    the other against the real current status. Writes an OrderEvent and `order.status_changed`;
    a delivered or collected order is paid, a cancelled or rejected one void.

    Raises InvalidInput (no such status), InvalidTransition (409: that step does not exist from
    the current status; names it and the allowed next ones), TransitionForbidden (403: the step
    exists but not for this actor), DeliveryCrewRequired (409: out for delivery with no driver).
    Recorded in the audit trail (`order.status_change`).
    """
    try:
        target = OrderStatus(status)
    except ValueError:
        raise InvalidInput(f"'{status}' is not an order status.", field="status") from None
    note = _check_note(note)
    order = _locked(order)
    allowed = lifecycle.next_statuses(order)
    if target not in allowed:
        current = OrderStatus(order.status).label.lower()
        options = ", ".join(str(s) for s in allowed) if allowed else "none: the order is finished"
        raise InvalidTransition(
            f"Order #{order.pk} is {current}: it cannot become {target.label.lower()}. Allowed next: {options}.",
            extra=_state(order),
        )
    who = lifecycle.who_may(order, target)
    if not lifecycle.actors_for(order, actor) & who:
        raise TransitionForbidden(
            f"Only {_who(who)} may {lifecycle.TRANSITION_NAMES[target]} an order that is "
            f"{OrderStatus(order.status).label.lower()}."
        )
    if target == OrderStatus.OUT_FOR_DELIVERY and order.delivery_crew_id is None:
        raise DeliveryCrewRequired(extra=_state(order))

    now = timezone.now()
    previous, previous_payment = order.status, order.payment_status
    order.status = target
    order.payment_status = PAYMENT_AFTER.get(target, order.payment_status)
    if target in TERMINAL_STATUSES:
        order.finished_at = now
    order.updated = now
    order.save(update_fields=["status", "payment_status", "finished_at", "updated"])
    changes = {"status": {"before": previous, "after": str(target)}}
    if order.payment_status != previous_payment:
        changes["payment_status"] = {"before": previous_payment, "after": str(order.payment_status)}
    if note:
        changes["note"] = {"before": None, "after": note}
    audit_record(actor=actor, action="order.status_change", target=order, changes=changes)
    OrderEvent.objects.create(
        order=order,
        kind=EventKind.STATUS_CHANGED,
        from_status=previous,
        to_status=target,
        actor=actor,
        at=now,
        note=note,
    )
    event_record(
        type="order.status_changed",
        aggregate="order",
        aggregate_id=order.pk,
        payload={
            "order_id": order.pk,
            "customer_id": order.customer_id,
            "from_status": previous,
            "to_status": str(target),
            "actor_id": actor.pk,
            "note": note,
            "fulfilment": order.fulfilment,
            "delivery_crew_id": order.delivery_crew_id,
            "payment_status": order.payment_status,
            "total": order.total,
            "changed_at": now,
        },
    )
    return order


@transaction.atomic
def order_assign(*, order: Order | int, actor: User, delivery_crew: User, note: str = "") -> Order:
    """Give a delivery order to a member of the delivery crew (or hand it to another one).

    Managers only; allowed until the order is out for delivery. Locks the order row. Assigning
    the driver it already has changes nothing. Writes an OrderEvent and `order.assigned`.

    Raises PermissionDenied (not a manager), NotADelivery (a pickup order), AssignmentClosed
    (409: out for delivery or finished), NotDeliveryCrew (the user is not active delivery crew).
    Recorded in the audit trail (`order.assign`, the drivers by username).
    """
    if not actor.is_manager:
        raise PermissionDenied("Only a manager may assign delivery crew.")
    note = _check_note(note)
    order = _locked(order)
    if order.fulfilment != Fulfilment.DELIVERY:
        raise NotADelivery(f"Order #{order.pk} is a pickup order: it has no delivery crew.", field="delivery_crew")
    if order.status not in lifecycle.ASSIGNABLE_STATUSES:
        raise AssignmentClosed(
            f"Order #{order.pk} is {OrderStatus(order.status).label.lower()}: its delivery crew can no longer change.",
            extra=_state(order),
        )
    if not (delivery_crew.is_active and delivery_crew.is_delivery_crew):
        raise NotDeliveryCrew(f"User {delivery_crew.pk} is not in the delivery crew.", field="delivery_crew")
    if order.delivery_crew_id == delivery_crew.pk:
        return order

    now = timezone.now()
    previous = order.delivery_crew_id
    previous_name = User.objects.filter(pk=previous).values_list("username", flat=True).first() if previous else None
    order.delivery_crew = delivery_crew
    order.updated = now
    order.save(update_fields=["delivery_crew", "updated"])
    audit_record(
        actor=actor,
        action="order.assign",
        target=order,
        changes={"delivery_crew": {"before": previous_name, "after": delivery_crew.username}},
    )
    name = delivery_crew.get_full_name() or delivery_crew.username
    OrderEvent.objects.create(
        order=order,
        kind=EventKind.ASSIGNED,
        from_status=order.status,
        to_status=order.status,
        actor=actor,
        at=now,
        note=note or f"Assigned to {name}" + (" (reassigned)" if previous else "") + ".",
    )
    event_record(
        type="order.assigned",
        aggregate="order",
        aggregate_id=order.pk,
        payload={
            "order_id": order.pk,
            "customer_id": order.customer_id,
            "status": order.status,
            "delivery_crew_id": delivery_crew.pk,
            "previous_delivery_crew_id": previous,
            "actor_id": actor.pk,
            "note": note,
            "assigned_at": now,
        },
    )
    return order
