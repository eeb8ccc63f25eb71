"""Reading orders. Every view starts from `order_list_visible_to`, so a permission hole cannot
open in one view only: who sees what is decided here, once.

- a customer (anyone) sees the orders they placed;
- delivery crew also see the orders assigned to them;
- the kitchen also sees every open order, and those finished in the last 12 hours;
- managers and admins see everything.
"""

from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from littlelemon.accounts.models import User

from .enums import TERMINAL_STATUSES
from .exceptions import OrderNotFound
from .models import Order, OrderEvent, OrderItem

KITCHEN_RECENT = timedelta(hours=12)


def order_list_visible_to(*, user: User) -> QuerySet[Order]:
    """The orders `user` may see, newest first, with people joined and items prefetched
    (a page of orders is a fixed number of queries whatever its size)."""
    orders = (
        Order.objects.select_related("customer", "delivery_crew")
        .prefetch_related(Prefetch("items", queryset=OrderItem.objects.order_by("id")))
        .order_by("-created", "-id")
    )
    if not (user and user.is_authenticated):
        return orders.none()
    if user.is_manager:
        return orders
    visible = Q(customer=user)
    if user.is_delivery_crew:
        visible |= Q(delivery_crew=user)
    if user.is_kitchen:
        visible |= ~Q(status__in=TERMINAL_STATUSES) | Q(finished_at__gte=timezone.now() - KITCHEN_RECENT)
    return orders.filter(visible)


def order_get_visible(*, user: User, order_id: int) -> Order:
    """One order `user` may see. Raises OrderNotFound (404) otherwise: it may not even exist."""
    order = order_list_visible_to(user=user).filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound()
    return order


def order_ensure_visible(*, user: User, order_id: int) -> None:
    """Raises OrderNotFound (404) unless `user` may see the order (one cheap query)."""
    if not order_list_visible_to(user=user).filter(pk=order_id).exists():
        raise OrderNotFound()


def order_event_list(*, user: User, order_id: int) -> QuerySet[OrderEvent]:
    """An order's timeline, oldest first, for someone who may see the order (else OrderNotFound)."""
    order_ensure_visible(user=user, order_id=order_id)
    return OrderEvent.objects.filter(order_id=order_id).order_by("id")
