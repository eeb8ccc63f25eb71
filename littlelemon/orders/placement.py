"""Placing an order: the customer's cart becomes an order, once.

`order_place` runs one transaction: it locks the customer's cart lines and reads them with their
dishes, reads the restaurant's settings and opening schedule, prices the cart and checks it
against them, creates the order, its items (one bulk insert, titles and prices snapshotted) and
its first timeline event, empties the cart and records `order.placed` in the outbox. Racing
placements of one cart queue on the lock (on SQLite the IMMEDIATE transaction holds the
database's write lock instead): the first makes the order and the others find the cart empty.

An `Idempotency-Key` makes a retried request return the order the first one made. A unique
constraint on (customer, key), or (guest cart, key) for a guest, stands behind the lookup.

A guest (no account) places from a `GuestCart` with their name, e-mail and phone
(`guests.guest_details_checked`); the order has no customer until they claim it.

An order paid online (`PaymentMethod.ONLINE`, offered only while Stripe is configured) is made
in `pending_payment` and leaves the cart as it is: its items are its own snapshot, and
littlelemon/payments places it (and then empties the cart and records `order.placed`) once the
payment succeeds, or lets it expire.

Placing an order is not recorded in the audit trail: the order itself, its first OrderEvent and
`order.placed` are its record.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from littlelemon.accounts.models import User
from littlelemon.cart.models import CartLine, CartOwner, GuestCart, owner_filter
from littlelemon.core.exceptions import InvalidInput
from littlelemon.core.money import ZERO, to_money
from littlelemon.events.services import event_record
from littlelemon.menu.exceptions import OutsideWindow
from littlelemon.menu.models import MenuItem
from littlelemon.menu.options import lines_priced
from littlelemon.menu.portions import portion_day, portions_take
from littlelemon.menu.selectors import windows_load
from littlelemon.menu.windows import from_label
from littlelemon.restaurant.selectors import restaurant_settings_get

from .enums import EventKind, Fulfilment, OrderStatus, PaymentMethod
from .exceptions import CartEmpty, DeliveryAddressRequired, IdempotencyKeyReused, OnlinePaymentUnavailable, OrdersPaused
from .guests import GuestDetails
from .models import Order, OrderEvent, OrderItem
from .pricing import Quote, order_quote
from .scheduling import order_schedule_load, order_time_check

MAX_TIP = Decimal("9999.99")
MAX_IDEMPOTENCY_KEY_LENGTH = 255


@dataclass(frozen=True)
class PlacementRequest:
    """What the customer asked for, checked and normalised (no query yet)."""

    fulfilment: Fulfilment
    delivery_address: str
    scheduled_for: datetime | None
    tip: Decimal
    notes: str
    payment_method: PaymentMethod
    idempotency_key: str

    @property
    def fingerprint(self) -> str:
        return request_fingerprint(
            fulfilment=self.fulfilment,
            delivery_address=self.delivery_address,
            scheduled_for=self.scheduled_for,
            tip=self.tip,
            notes=self.notes,
            payment_method=self.payment_method,
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


def _parse_choice(choices: type[Any], value: str, *, field: str) -> Any:
    try:
        return choices(value)
    except ValueError:
        raise InvalidInput(f"'{value}' is not one of {', '.join(choices.values)}.", field=field) from None


def _placement_request_checked(
    *,
    fulfilment: str,
    delivery_address: str,
    scheduled_for: datetime | None,
    tip: Decimal,
    notes: str,
    payment_method: str,
    idempotency_key: str,
) -> PlacementRequest:
    """Raises InvalidInput (an unknown fulfilment or payment method, a tip outside 0..MAX_TIP,
    an overlong key) or DeliveryAddressRequired. A pickup order keeps no address."""
    fulfilment = _parse_choice(Fulfilment, fulfilment, field="fulfilment")
    payment_method = _parse_choice(PaymentMethod, payment_method, field="payment_method")
    if payment_method == PaymentMethod.ONLINE and not online_payments_enabled():
        raise OnlinePaymentUnavailable(field="payment_method")
    delivery_address = delivery_address.strip() if fulfilment == Fulfilment.DELIVERY else ""
    if fulfilment == Fulfilment.DELIVERY and not delivery_address:
        raise DeliveryAddressRequired(field="delivery_address")
    if not ZERO <= tip <= MAX_TIP:
        raise InvalidInput(f"A tip is between 0 and {MAX_TIP}.", field="tip")
    if len(idempotency_key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise InvalidInput(
            f"An Idempotency-Key has at most {MAX_IDEMPOTENCY_KEY_LENGTH} characters.", field="Idempotency-Key"
        )
    return PlacementRequest(
        fulfilment=fulfilment,
        delivery_address=delivery_address,
        scheduled_for=scheduled_for,
        tip=tip,
        notes=notes.strip(),
        payment_method=payment_method,
        idempotency_key=idempotency_key,
    )


def order_place(
    *,
    customer: User | None = None,
    guest_cart: GuestCart | None = None,
    guest: GuestDetails | None = None,
    fulfilment: str,
    delivery_address: str = "",
    scheduled_for: datetime | None = None,
    tip: Decimal = ZERO,
    notes: str = "",
    payment_method: str = PaymentMethod.CASH,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> tuple[Order, bool]:
    """Turn the customer's cart into an order, at its dishes' current prices. Returns (order, created).

    A guest passes `guest_cart` and `guest` (checked details) instead of `customer`.

    One transaction. Locks the customer's cart lines (`SELECT ... FOR UPDATE`, in pk order,
    dishes joined but not locked), then decides on what it read under the lock.

    With an `idempotency_key`, a repeat of the same request returns the order it made
    (created=False) instead of placing another; the same key with a different request raises
    IdempotencyKeyReused (409).

    Raises InvalidInput (fulfilment, payment method, tip, key), DeliveryAddressRequired,
    CartEmpty, OrdersPaused (409: a manager paused online orders; the message is theirs),
    ItemUnavailable (including a dish out of today's portions), OptionsInvalid (a line's options
    no longer hold), BelowMinimum, RestaurantClosed (ASAP while not taking orders),
    InvalidSchedule, OutsideWindow (a dish not served at the order's time: now, or the scheduled
    time), NotEnoughPortions (fewer of a dish's daily portions left than asked: taken by one
    conditional UPDATE per limited dish, menu.portions); nothing is written then. A dish chosen
    in a combo's slot counts as that dish ordered alone: its windows, and its portions (the
    quantity of the combo line, summed with the dish's own lines). `now` is the
    moment the opening hours are judged at (tests pass one); it defaults to the current time.
    Timestamps are always the real time.
    """
    now = now or timezone.now()
    if (customer is None) == (guest_cart is None) or (guest_cart is not None and guest is None):
        raise TypeError("order_place takes a customer, or a guest cart and the guest's details")
    owner: CartOwner = customer if customer is not None else guest_cart
    if guest_cart is not None and payment_method == PaymentMethod.ONLINE:
        # The card step belongs to a signed-in customer's order page; a guest pays in person.
        raise OnlinePaymentUnavailable(
            "Paying by card online needs an account: log in, or pay in person.", field="payment_method"
        )
    request = _placement_request_checked(
        fulfilment=fulfilment,
        delivery_address=delivery_address,
        scheduled_for=scheduled_for,
        tip=tip,
        notes=notes,
        payment_method=payment_method,
        idempotency_key=idempotency_key,
    )
    with transaction.atomic():
        lines = _cart_lines_locked(owner)
        # After the lock: a racing request with the same key has committed its order by now.
        existing = _order_with_key(owner, request.idempotency_key)
        if existing is not None:
            return _replayed(existing, request, guest=guest), False
        if not lines:
            raise CartEmpty()
        lines_priced(lines)  # options at today's prices, checked again (no query without options)
        quote = _quote_checked(lines, request, now=now)
        _windows_check(lines, at=request.scheduled_for or now, now=now)
        order, created = _order_insert(owner, request, quote, guest=guest)
        if not created:  # a racing request with the same key won
            return _replayed(order, request, guest=guest), False
        portions_take(
            dishes=[(dish, line.quantity) for line in lines for dish in (line.menuitem, *line.components)],
            day=portion_day(now),
        )
        items = _items_insert(order, lines, quote)
        OrderEvent.objects.create(
            order=order, kind=EventKind.PLACED, from_status="", to_status=order.status, actor=customer, at=order.created
        )
        if order.status == OrderStatus.PENDING_PAYMENT:  # the cart stays until the payment succeeds
            return order, True
        CartLine.objects.filter(pk__in=[line.pk for line in lines]).delete()
        _placed_event_record(order, items, quote.currency)
    return order, True


def online_payments_enabled() -> bool:
    """Whether cards may be paid online: Stripe's three keys are set (littlelemon/payments)."""
    keys = (
        django_settings.STRIPE_SECRET_KEY,
        django_settings.STRIPE_PUBLISHABLE_KEY,
        django_settings.STRIPE_WEBHOOK_SECRET,
    )
    return all(keys)


def _cart_lines_locked(owner: CartOwner) -> list[CartLine]:
    """The customer's cart lines with their dishes, locked (where rows can be locked: PostgreSQL)
    in pk order, so that racing placements of one cart queue here. Only the lines are locked:
    placements of other carts holding the same dish do not wait on each other."""
    return list(
        CartLine.objects.select_for_update(of=("self",))
        .filter(**owner_filter(owner))
        .select_related("menuitem")
        .only(
            "id",
            "quantity",
            "selection",
            "menuitem__id",
            "menuitem__title",
            "menuitem__price",
            "menuitem__available",
            "menuitem__category_id",
            "menuitem__daily_portions",
            "menuitem__portions_left",
            "menuitem__portions_date",
            "menuitem__archived",
            "menuitem__is_combo",
        )
        .order_by("pk")
    )


def _order_with_key(owner: CartOwner, idempotency_key: str) -> Order | None:
    if not idempotency_key:
        return None
    placed_by = {"guest_cart": owner} if isinstance(owner, GuestCart) else {"customer": owner}
    return Order.objects.filter(**placed_by, idempotency_key=idempotency_key).first()


def _replayed(order: Order, request: PlacementRequest, *, guest: GuestDetails | None = None) -> Order:
    """The order a key made, if the request is the same one; raises IdempotencyKeyReused if not."""
    same_guest = guest is None or (order.guest_name, order.guest_email, order.guest_phone) == (
        guest.name,
        guest.email,
        guest.phone,
    )
    if order.request_fingerprint != request.fingerprint or not same_guest:
        raise IdempotencyKeyReused(
            f"This Idempotency-Key was already used for order #{order.pk} with different details; "
            "use a new key for a new order.",
            extra={"order": order.pk},
        )
    return order


def _quote_checked(lines: list[CartLine], request: PlacementRequest, *, now: datetime) -> Quote:
    """The cart priced under the restaurant's current rules. Raises OrdersPaused, ItemUnavailable,
    BelowMinimum, RestaurantClosed or InvalidSchedule."""
    settings = restaurant_settings_get()
    if settings.orders_paused:
        raise OrdersPaused(settings.orders_paused_message or None)
    quote = order_quote(lines=lines, fulfilment=request.fulfilment, tip=request.tip, settings=settings)
    quote.check()
    order_time_check(
        scheduled_for=request.scheduled_for, now=now, settings=settings, schedule=order_schedule_load(now=now)
    )
    return quote


def _windows_check(lines: list[CartLine], *, at: datetime, now: datetime) -> None:
    """Raises OutsideWindow naming the dishes not served at `at` (the scheduled time, or now) and
    when each is served next: a line's dish, or a dish chosen in a combo's slot ("Pancakes in
    Breakfast Deal"). One query (the windows)."""
    windows = windows_load()
    refused: dict[tuple[int, int | None], tuple[MenuItem, MenuItem | None]] = {}
    for line in lines:
        for dish, combo in ((line.menuitem, None), *((component, line.menuitem) for component in line.components)):
            if not windows.orderable_at(dish, at):
                refused.setdefault((dish.pk, combo.pk if combo else None), (dish, combo))
    if not refused:
        return
    parts = []
    for dish, combo in refused.values():
        start = windows.next_orderable(dish, at)
        name = f"{dish.title} in {combo.title}" if combo else dish.title
        parts.append(f"{name} ({from_label(start, now=now, tz=windows.tz)})" if start else name)
    when = "now" if at == now else "at the time you chose"
    raise OutsideWindow(
        f"Not served {when}: {', '.join(parts)}. Remove {'it' if len(parts) == 1 else 'them'}, "
        "or schedule the order for a time when served.",
        field="scheduled_for" if at != now else None,
        extra={
            "unavailable": [
                {"menuitem": dish.pk, "title": dish.title, **({"combo": combo.pk} if combo else {})}
                for dish, combo in refused.values()
            ]
        },
    )


def _order_insert(
    owner: CartOwner, request: PlacementRequest, quote: Quote, *, guest: GuestDetails | None
) -> tuple[Order, bool]:
    """Insert the order row: (the new order, True), or (the order that already holds its
    idempotency key, False) when the key's unique constraint refuses it."""
    totals = quote.totals
    placed_by = (
        {"guest_cart": owner, "guest_name": guest.name, "guest_email": guest.email, "guest_phone": guest.phone}
        if guest is not None
        else {"customer": owner}
    )
    order = Order(
        **placed_by,
        fulfilment=request.fulfilment,
        delivery_address=request.delivery_address,
        scheduled_for=request.scheduled_for,
        notes=request.notes,
        subtotal=totals.subtotal,
        delivery_fee=totals.delivery_fee,
        tax=totals.tax,
        tip=totals.tip,
        total=totals.total,
        payment_method=request.payment_method,
        status=OrderStatus.PENDING_PAYMENT if request.payment_method == PaymentMethod.ONLINE else OrderStatus.PLACED,
        idempotency_key=request.idempotency_key,
        request_fingerprint=request.fingerprint,
        status_changed_at=timezone.now(),
    )
    if not request.idempotency_key:
        order.save(force_insert=True)
        return order, True
    try:
        with transaction.atomic():  # a savepoint: the key's unique constraint may refuse it
            order.save(force_insert=True)
    except IntegrityError:
        existing = _order_with_key(owner, request.idempotency_key)
        if existing is None:
            raise
        return existing, False
    return order, True


def _items_insert(order: Order, lines: list[CartLine], quote: Quote) -> list[OrderItem]:
    """The order's items, one bulk insert, each with its dish's title, its price with its options
    and the options' names and prices (`options`), as they are now."""
    return OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            menuitem=line.menuitem,
            title=line.menuitem.title,
            unit_price=line.unit_price,
            quantity=line.quantity,
            price=price,
            options=line.options,
            selection=line.selection or {},
        )
        for line, price in zip(lines, quote.line_prices, strict=True)
    )


def _placed_event_record(order: Order, items: list[OrderItem], currency: str) -> None:
    """`order.placed` (the receipt e-mail, the kitchen, webhooks): at placement, or for an order
    paid online when its payment succeeds (`placed_event_record`)."""
    event_record(
        type="order.placed",
        aggregate="order",
        aggregate_id=order.pk,
        payload={
            "order_id": order.pk,
            "customer_id": order.customer_id,
            "status": order.status,
            "fulfilment": order.fulfilment,
            "scheduled_for": order.scheduled_for,
            "delivery_address": order.delivery_address,
            "payment_method": order.payment_method,
            "payment_status": order.payment_status,
            "currency": currency,
            "subtotal": order.subtotal,
            "delivery_fee": order.delivery_fee,
            "tax": order.tax,
            "tip": order.tip,
            "total": order.total,
            "items": [
                {
                    "menuitem_id": item.menuitem_id,
                    "title": item.title,
                    "quantity": item.quantity,
                    "unit_price": item.unit_price,
                    "price": item.price,
                    "options": item.options,
                }
                for item in items
            ],
            "placed_at": order.created,
        },
    )


def placed_event_record(order: Order, *, currency: str) -> None:
    """Record `order.placed` for an order paid online that has just become placed."""
    _placed_event_record(order, list(order.items.all()), currency)
