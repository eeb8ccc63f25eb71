"""What the kitchen display shows: the open orders as tickets (optionally only one station's
dishes), the orders just bumped to ready (which may still be recalled), and the stations.

Fixed query counts: `kitchen_board` is two queries (the orders with their customers, then their
items with their dishes) whatever the number of orders, and one more for the allergens of the
dishes chosen in combos' slots when some order holds a combo; a station's categories are one more.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q

from littlelemon.menu.models import MenuItem
from littlelemon.menu.options import selection_dish_ids
from littlelemon.orders import lifecycle
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.models import Order, OrderItem

from .models import Station

S = OrderStatus


def station_list() -> list[Station]:
    """Every station with its categories (two queries), in the picker's order."""
    return list(Station.objects.prefetch_related("categories"))


def station_choices() -> list[Station]:
    """Every station's id and name (one query), for a screen's station picker."""
    return list(Station.objects.only("pk", "name", "position"))


def station_categories(station_id: str | int | None) -> tuple[int, frozenset[int]] | None:
    """(the station's id, its category ids) for a station that exists; None for "all dishes"
    (no station chosen, or one that is no longer there). At most one query."""
    try:
        pk = int(station_id)
    except (TypeError, ValueError):
        return None
    rows = list(Station.objects.filter(pk=pk).values_list("categories", flat=True))
    if not rows:
        return None
    return pk, frozenset(category for category in rows if category is not None)


@dataclass
class Ticket:
    """One order as a kitchen card: what to make (`items`, maybe only a station's), for when."""

    order: Order
    items: list[OrderItem]
    shown_since: datetime  # when it reached the kitchen's screen (the age timer counts from it)
    due_at: datetime | None  # scheduled time, else the estimate, else None (as soon as possible)
    scheduled: bool
    allergens: list[str] = field(default_factory=list)  # every item's (`item.allergens`), once each
    recall_until: datetime | None = None  # the recall window's end, while it is open


@dataclass
class KitchenBoard:
    tickets: list[Ticket]  # placed (if shown), accepted and preparing: oldest first
    recent: list[Ticket]  # ready within the recall window: the newest bump first


def _open_statuses() -> list[OrderStatus]:
    return [*([S.PLACED] if settings.KITCHEN_SHOWS_PLACED else []), S.ACCEPTED, S.PREPARING]


def kitchen_board(*, now: datetime, categories: frozenset[int] | None = None) -> KitchenBoard:
    """The kitchen's orders at `now`: open orders (placed too with KITCHEN_SHOWS_PLACED) whose
    scheduled time is at most KITCHEN_SCHEDULED_LEAD_MINUTES away (ASAP orders at once), oldest
    first; and those that became ready within KITCHEN_RECALL_MINUTES. With `categories` (a
    station's), only the dishes of those categories, and no order that has none of them."""
    lead = timedelta(minutes=settings.KITCHEN_SCHEDULED_LEAD_MINUTES)
    window = lifecycle.recall_window()
    orders = (
        Order.objects.filter(
            Q(status__in=_open_statuses(), scheduled_for__isnull=True)
            | Q(status__in=_open_statuses(), scheduled_for__lte=now + lead)
            | Q(status=S.READY, status_changed_at__gte=now - window)
        )
        .select_related("customer")
        .prefetch_related(
            Prefetch("items", queryset=OrderItem.objects.select_related("menuitem").order_by("id")),
        )
        .order_by("created", "id")
    )
    orders = list(orders)
    component_allergens = _component_allergens(orders)
    tickets, recent = [], []
    for order in orders:
        ticket = _ticket(order, now=now, lead=lead, categories=categories, component_allergens=component_allergens)
        if ticket is None:
            continue
        (recent if order.status == S.READY else tickets).append(ticket)
    tickets.sort(key=lambda ticket: (ticket.shown_since, ticket.order.pk))
    recent.sort(key=lambda ticket: (ticket.order.status_changed_at, ticket.order.pk), reverse=True)
    return KitchenBoard(tickets=tickets, recent=recent)


def _component_allergens(orders: list[Order]) -> dict[int, list[str]]:
    """The allergens of every dish chosen in a combo's slot on these orders, by dish id: one query
    when some item is a combo, none otherwise."""
    ids = {pk for order in orders for item in order.items.all() for pk in selection_dish_ids(item.selection)}
    if not ids:
        return {}
    return dict(MenuItem.objects.filter(pk__in=sorted(ids)).values_list("pk", "allergens"))


def _item_allergens(item: OrderItem, component_allergens: dict[int, list[str]]) -> list[str]:
    """The allergens of what the item is made of: its dish's, then those of the dishes chosen in
    its combo's slots (the burger's gluten in a meal deal), once each."""
    codes = list(item.menuitem.allergens) if item.menuitem is not None else []
    for pk in selection_dish_ids(item.selection):
        codes += component_allergens.get(pk, [])
    return list(dict.fromkeys(codes))


def _ticket(
    order: Order,
    *,
    now: datetime,
    lead: timedelta,
    categories: frozenset[int] | None,
    component_allergens: dict[int, list[str]],
) -> Ticket | None:
    items = list(order.items.all())
    if categories is not None:
        items = [item for item in items if item.menuitem is not None and item.menuitem.category_id in categories]
        if not items:
            return None
    scheduled = order.scheduled_for is not None
    shown_since = max(order.created, order.scheduled_for - lead) if scheduled else order.created
    allergens: list[str] = []
    for item in items:
        item.allergens = _item_allergens(item, component_allergens)
        allergens += [code for code in item.allergens if code not in allergens]
    recall_open = lifecycle.recall_open(order, now=now)
    return Ticket(
        order=order,
        items=items,
        shown_since=shown_since,
        due_at=order.scheduled_for or order.estimated_ready_at,
        scheduled=scheduled,
        allergens=allergens,
        recall_until=lifecycle.recall_closes_at(order) if recall_open else None,
    )
