"""Building one customer e-mail: its context from the event and the database, rendered from the
templates under `notifications/email/` as plain text with an HTML alternative.

What the event says happened (the new status, the reason, the estimate, the booking's time and
what changed) comes from the payload, as it was then; who the customer is, the order's lines and
the restaurant's name, address and contact are read now: three queries for an order, two for a
booking. Times are written in the restaurant's time zone with its abbreviation ("Friday 5 June
at 7:30 p.m. CDT"): a customer may read the e-mail elsewhere. Links are absolute, on SITE_URL.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from email.utils import formataddr, parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone

from littlelemon.bookings.models import Booking
from littlelemon.core.money import format_money
from littlelemon.events.handlers import DeliveryFailed
from littlelemon.events.models import Delivery, OutboxEvent
from littlelemon.orders.guests import order_tracking_token
from littlelemon.orders.models import Order
from littlelemon.restaurant.models import RestaurantSettings
from littlelemon.restaurant.selectors import restaurant_settings_get, restaurant_tz

from . import catalogue as c

TEMPLATES = "notifications/email"


@dataclass(frozen=True)
class Composed:
    kind: str
    to: str
    context: dict[str, Any]


def site_link(name: str, *args: Any) -> str:
    """An absolute link to a page of the site (SITE_URL + the page's path)."""
    return settings.SITE_URL + reverse(name, args=args)


def local_time_label(moment: datetime | str | None) -> str:
    """ "Friday 5 June at 7:30 p.m. CDT": a moment in the restaurant's time zone, for a reader anywhere."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(restaurant_tz())
    day = formats.date_format(local, "l j F")
    return f"{day} at {formats.time_format(local)} {local.tzname()}"


def message_id_for(delivery: Delivery) -> str:
    """`<delivery id@domain>`: the same for every send of one delivery, so a copy sent again after
    a crash can be dropped. The domain is the sender's (DEFAULT_FROM_EMAIL), else SITE_URL's host."""
    _, at, domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")
    domain = (at and domain) or urlsplit(settings.SITE_URL).hostname
    return f"<{delivery.id}@{domain or 'localhost'}>"


def email_compose(event: OutboxEvent) -> Composed | None:
    """The e-mail the event means for its customer (None: none is due, or no address to send to).
    Raises DeliveryFailed (permanent) when the order or booking is gone."""
    kind = c.email_kind(event.type, event.payload)
    if kind is None:
        return None
    restaurant = restaurant_settings_get()
    if kind in c.ORDER_EMAILS:
        return _order_email(kind, event.payload, restaurant)
    return _booking_email(kind, event.payload, restaurant)


def email_message(*, delivery: Delivery, composed: Composed) -> EmailMultiAlternatives:
    """The message, rendered in the restaurant's time zone: text body, HTML alternative, the
    restaurant's name on the sender, its address to reply to, the delivery's Message-ID."""
    context = composed.context
    restaurant: RestaurantSettings = context["restaurant"]
    with timezone.override(restaurant_tz()):
        subject = render_to_string(f"{TEMPLATES}/{composed.kind}.subject.txt", context)
        text = render_to_string(f"{TEMPLATES}/{composed.kind}.txt", context)
        html = render_to_string(f"{TEMPLATES}/{composed.kind}.html", context)
    sender = formataddr((restaurant.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
    message = EmailMultiAlternatives(
        subject=re.sub(r"\s+", " ", subject).strip(),
        body=_tidy(text),
        from_email=sender,
        to=[composed.to],
        reply_to=[restaurant.email] if restaurant.email else None,
        headers={"Message-ID": message_id_for(delivery), "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def _tidy(text: str) -> str:
    """At most one blank line in a row, none at either end (template tags leave some)."""
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.splitlines())).strip() + "\n"


def _money(amount: Any, restaurant: RestaurantSettings) -> str:
    return format_money(amount, restaurant.currency)


def _name(user: Any) -> str:
    return "" if user is None else (user.first_name or user.get_full_name() or user.username)


def _common(restaurant: RestaurantSettings, customer: Any) -> dict[str, Any]:
    return {
        "restaurant": restaurant,
        "customer_name": _name(customer),
        "site_url": settings.SITE_URL + "/",
        "menu_url": site_link("web:menu"),
    }


# --- orders ------------------------------------------------------------------------------


def _order_email(kind: str, payload: dict[str, Any], restaurant: RestaurantSettings) -> Composed | None:
    order = (
        Order.objects.select_related("customer", "delivery_crew")
        .prefetch_related("items")
        .filter(pk=payload["order_id"])
        .first()
    )
    if order is None:
        raise DeliveryFailed(f"Order #{payload['order_id']} no longer exists.", permanent=True)
    if not order.contact_email:
        return None
    pickup = order.fulfilment == "pickup"
    context = {
        **_common(restaurant, order.customer),
        **({"customer_name": order.guest_name} if order.customer is None else {}),
        "order": order,
        # A guest's order (no account to log in to) is followed through its signed tracking link.
        "order_url": site_link("web:order", order.pk)
        if order.customer is not None
        else site_link("web:order_tracked", order_tracking_token(order)),
        "guest": order.customer is None,
        "pickup": pickup,
        "when_label": local_time_label(order.scheduled_for) if order.scheduled_for else "As soon as possible",
        "scheduled": order.scheduled_for is not None,
        "reason": payload.get("note", ""),
        "estimate_label": local_time_label(payload.get("estimated_ready_at")),
        "cancelled_by_customer": payload.get("actor_id") is not None and payload.get("actor_id") == order.customer_id,
        "rejected_by_system": kind == c.ORDER_REJECTED and payload.get("actor_id") is None,
        "driver_name": order.delivery_crew.first_name if order.delivery_crew else "",
        "total": _money(order.total, restaurant),
    }
    if kind == c.ORDER_PLACED:
        context |= _receipt(order, restaurant)
    if kind == c.PAYMENT_REFUNDED:
        context |= {
            "refund_amount": _money(payload["amount"], restaurant),
            "refund_reason": payload.get("reason", ""),
            "refunded_total": _money(payload.get("refunded_total") or payload["amount"], restaurant),
            "paid": _money(payload.get("paid") or order.total, restaurant),
            "online": payload.get("payment_method") == "online",
        }
    return Composed(kind=kind, to=order.contact_email, context=context)


def _options_labels(options: list[dict[str, Any]], restaurant: RestaurantSettings) -> list[str]:
    """An item's chosen options as receipt lines: "Size: Large (+$2.50)", and for a combo
    "A main: Lemon Burger (Size: Regular)"."""

    def priced(text: str, amount: str) -> str:
        value = Decimal(amount)
        return f"{text} ({'+' if value > 0 else ''}{_money(value, restaurant)})" if value else text

    labels = []
    for option in options or []:
        if "slot" in option:
            inner = ", ".join(f"{choice['group']}: {choice['choice']}" for choice in option.get("options", []))
            text = f"{option['slot']}: {option['dish']}" + (f" ({inner})" if inner else "")
            labels.append(priced(text, option.get("supplement", "0")))
        else:
            labels.append(priced(f"{option['group']}: {option['choice']}", option.get("price_delta", "0")))
    return labels


def _receipt(order: Order, restaurant: RestaurantSettings) -> dict[str, Any]:
    pickup = order.fulfilment == "pickup"
    lines = [
        {
            "quantity": item.quantity,
            "title": item.title,
            "unit_price": _money(item.unit_price, restaurant),
            "price": _money(item.price, restaurant),
            "options": _options_labels(item.options, restaurant),
        }
        for item in order.items.all()
    ]
    totals = [("Subtotal", order.subtotal)]
    if order.fulfilment == "delivery":
        totals.append(("Delivery fee", order.delivery_fee))
    totals.append(("Tax", order.tax))
    if order.tip:
        totals.append(("Tip", order.tip))
    return {
        "lines": lines,
        "totals": [(label, _money(amount, restaurant)) for label, amount in totals],
        "placed_label": local_time_label(order.created),
        "payment_label": "Card online, paid"
        if order.payment_method == "online"
        else f"{order.get_payment_method_display()}, paid on {'collection' if pickup else 'delivery'}",
    }


# --- bookings ----------------------------------------------------------------------------


def party_label(size: int) -> str:
    return f"{size} {'person' if size == 1 else 'people'}"


CHANGE_LABELS = {"start": "Time", "party_size": "Party", "table": "Table"}


def _booking_email(kind: str, payload: dict[str, Any], restaurant: RestaurantSettings) -> Composed | None:
    if payload.get("customer") is None:
        return None
    booking = Booking.objects.select_related("customer", "table").filter(pk=payload["booking"]).first()
    if booking is None:
        raise DeliveryFailed(f"Booking #{payload['booking']} no longer exists.", permanent=True)
    if booking.customer is None or not booking.customer.email:
        return None
    context = {
        **_common(restaurant, booking.customer),
        "booking_id": booking.pk,
        "party_size": payload["party_size"],
        "party_label": party_label(payload["party_size"]),
        "start_label": local_time_label(payload["start"]),
        "notes": payload.get("notes", ""),
        "changes": _booking_changes(payload.get("changes", {})),
        "cancelled_by_customer": payload.get("by") == "customer",
        "bookings_url": site_link("web:bookings"),
        "change_url": site_link("web:booking_change", booking.pk),
        "book_url": site_link("web:booking"),
        "reminder_hours": payload.get("hours"),
    }
    return Composed(kind=kind, to=booking.customer.email, context=context)


def _booking_changes(changes: dict[str, list[Any]]) -> list[dict[str, str]]:
    """`[{"label": "Time", "before": ..., "after": ...}]` for what a customer cares about."""
    rows = []
    for field, label in CHANGE_LABELS.items():
        if field not in changes:
            continue
        before, after = changes[field]
        if field == "start":
            before, after = local_time_label(before), local_time_label(after)
        elif field == "party_size":
            before, after = party_label(before), party_label(after)
        rows.append({"label": label, "before": str(before), "after": str(after)})
    return rows
