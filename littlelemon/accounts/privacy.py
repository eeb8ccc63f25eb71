"""A customer's data: a copy of it (`customer_data_export`) and erasure (`account_delete`).

The customer does both from their account page or the API (`/api/v1/auth/users/me/export/`,
`/api/v1/auth/users/me/delete/`); a manager does them for a customer who asks (the Staff screen).

Deleting keeps what the restaurant's books need and removes who the person was: the account stays
as an anonymous, inactive row ("deleted-<id>", no e-mail, name, phone or food preferences, no
usable password, no roles) so its orders keep their lines, totals and timeline; the orders lose their delivery
address ("[removed]"), notes and proof of delivery (the name at the door, the photo); the bookings lose their
phone and notes, and those still to come are cancelled (their table is free again). An order
still under way is refused: it must be finished (delivered, collected, cancelled) first.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from littlelemon.audit.services import audit_record
from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.models import Booking
from littlelemon.bookings.services import booking_event_record
from littlelemon.cart.models import CartLine
from littlelemon.core.exceptions import Conflict, InvalidInput, PermissionDenied
from littlelemon.orders.enums import TERMINAL_STATUSES
from littlelemon.orders.models import DeliveryProof, Order

from .models import User
from .ratelimit import login_failure_record

REMOVED = "[removed]"


class OpenOrders(Conflict):
    code = "open_orders"
    default_message = "This account has orders still under way: they must be finished before the account is deleted."


class WrongPassword(InvalidInput):
    code = "wrong_password"
    default_message = "That is not the account's password."


class NotACustomer(Conflict):
    code = "not_a_customer"
    default_message = "This is a staff account: take its roles away first."


def _money(value: Any) -> str:
    return f"{value:.2f}"


def customer_data_export(*, user: User, now: datetime | None = None) -> dict[str, Any]:
    """Everything the site keeps about `user` as a customer, ready for JSON: the account, their
    orders with lines and timelines, their bookings. Four queries whatever the history's size."""
    orders = Order.objects.filter(customer=user).prefetch_related("items", "events").order_by("created", "pk")
    bookings = Booking.objects.filter(customer=user).select_related("table").order_by("start", "pk")
    return {
        "exported_at": (now or timezone.now()).isoformat(),
        "account": {
            "id": user.pk,
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "dietary_requirements": sorted(user.food_preferences[0]),
            "allergens_avoided": sorted(user.food_preferences[1]),
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "orders": [
            {
                "id": order.pk,
                "placed_at": order.created.isoformat(),
                "status": order.status,
                "fulfilment": order.fulfilment,
                "delivery_address": order.delivery_address,
                "scheduled_for": order.scheduled_for.isoformat() if order.scheduled_for else None,
                "notes": order.notes,
                "payment_method": order.payment_method,
                "payment_status": order.payment_status,
                "subtotal": _money(order.subtotal),
                "delivery_fee": _money(order.delivery_fee),
                "tax": _money(order.tax),
                "tip": _money(order.tip),
                "total": _money(order.total),
                "items": [
                    {
                        "title": item.title,
                        "quantity": item.quantity,
                        "unit_price": _money(item.unit_price),
                        "price": _money(item.price),
                    }
                    for item in order.items.all()
                ],
                "timeline": [{"status": event.to_status, "at": event.at.isoformat()} for event in order.events.all()],
            }
            for order in orders
        ],
        "bookings": [
            {
                "id": booking.pk,
                "start": booking.start.isoformat(),
                "end": booking.end.isoformat(),
                "party_size": booking.party_size,
                "table": booking.table.label,
                "status": booking.status,
                "phone": booking.guest_phone,
                "notes": booking.notes,
            }
            for booking in bookings
        ],
    }


def _check_may_delete(actor: User, user: User, password: str | None) -> None:
    if actor.pk == user.pk:
        # The password again; a wrong one counts as a failed log-in of the account.
        if not password or not user.check_password(password):
            login_failure_record(user.get_username())
            raise WrongPassword(field="password")
    elif not actor.is_manager:
        raise PermissionDenied("Only managers may delete a customer's account.")


def account_delete(*, actor: User, user: User, password: str | None = None, now: datetime | None = None) -> User:
    """Anonymise `user`'s account (see the module's doc). The customer themself with their
    password, or a manager (on the customer's request). Locks the user row, then their orders
    and bookings (by pk), and re-reads them.

    Raises WrongPassword (field `password`), PermissionDenied, NotACustomer (staff accounts),
    OpenOrders (an order still under way; nothing is changed).
    """
    _check_may_delete(actor, user, password)
    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_staff_member or user.is_staff:
            raise NotACustomer()
        if not user.is_active and user.username.startswith("deleted-"):
            return user  # deleted already: nothing left to remove
        orders = list(Order.objects.select_for_update().filter(customer=user).order_by("pk"))
        open_orders = [order.pk for order in orders if order.status not in TERMINAL_STATUSES]
        if open_orders:
            numbers = ", ".join(f"#{pk}" for pk in open_orders)
            raise OpenOrders(
                f"Orders {numbers} are still under way: they must be finished before the account is deleted.",
                extra={"orders": open_orders},
            )
        _orders_anonymise(orders)
        cancelled = _bookings_anonymise(user, actor=actor, now=now)
        CartLine.objects.filter(user=user).delete()
        before = {"username": user.username}
        user.username = f"deleted-{user.pk}"
        user.email = user.first_name = user.last_name = user.phone = ""
        user.dietary_requirements = user.allergens_avoided = None  # what they eat: theirs alone
        user.is_active = False
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        audit_record(
            actor=actor,
            action="account.delete",
            target=user,
            changes={
                "username": {"before": before["username"], "after": user.username},
                "orders_anonymised": {"before": None, "after": len(orders)},
                "bookings_cancelled": {"before": None, "after": cancelled},
            },
        )
    return user


def _orders_anonymise(orders: list[Order]) -> None:
    ids = [order.pk for order in orders]
    # A delivery order must name an address (a check constraint): it keeps a placeholder.
    Order.objects.filter(pk__in=ids).exclude(delivery_address="").update(delivery_address=REMOVED)
    # An order placed as a guest and claimed later still names the guest: cleared too (the
    # customer link stays, which is what the constraint asks of an order without a guest).
    Order.objects.filter(pk__in=ids).update(
        notes="", guest_name="", guest_email="", guest_phone="", updated=timezone.now()
    )
    proofs = list(DeliveryProof.objects.filter(order_id__in=ids))
    for proof in proofs:
        if proof.photo:
            proof.photo.delete(save=False)
    DeliveryProof.objects.filter(order_id__in=ids).update(recipient_name="", photo="")


def _bookings_anonymise(user: User, *, actor: User, now: datetime) -> int:
    """Removes the bookings' details; cancels those to come. Returns how many were cancelled."""
    bookings = list(Booking.objects.select_for_update().filter(customer=user).select_related("table").order_by("pk"))
    cancelled = 0
    for booking in bookings:
        booking.guest_phone = booking.notes = ""
        fields = ["guest_phone", "notes", "updated"]
        if booking.status == BookingStatus.CONFIRMED and booking.end > now:
            booking.status = BookingStatus.CANCELLED
            fields.append("status")
            cancelled += 1
        booking.save(update_fields=fields)
        if "status" in fields:
            booking_event_record("booking.cancelled", booking, actor=actor, by="privacy")
    return cancelled
