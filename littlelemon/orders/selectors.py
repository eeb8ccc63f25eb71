"""Reading orders. Every view starts from `order_list_visible_to`, so a permission hole cannot
open in one view only: who sees what is decided here, once.

- a customer (anyone) sees the orders they placed;
- delivery crew also see the orders assigned to them;
- the kitchen also sees every open order, and those finished in the last 12 hours;
- managers and admins see everything, and so do integrations whose API key grants orders:read
  (littlelemon.apikeys).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db.models import Count, Min, Prefetch, Q, QuerySet, Window
from django.utils import timezone

from littlelemon.accounts.enums import Role
from littlelemon.accounts.models import User
from littlelemon.accounts.permissions import is_integration, is_manager_for
from littlelemon.apikeys.scopes import ORDERS_READ
from littlelemon.restaurant.models import RestaurantSettings
from littlelemon.restaurant.selectors import Schedule, restaurant_settings_get, restaurant_tz, schedule_load

from .enums import TERMINAL_STATUSES, UNPAID_STATUSES, Fulfilment
from .exceptions import OrderNotFound
from .guests import order_id_from_tracking_token
from .models import Order, OrderEvent, OrderItem
from .scheduling import SCHEDULE_HORIZON

KITCHEN_RECENT = timedelta(hours=12)
# The times offered for a scheduled order: on a quarter-hour grid, from half an hour ahead (an
# order wanted sooner is an "as soon as possible" one). `order_place` accepts any time its rules
# allow; these are the ones a page lists.
SCHEDULE_STEP = timedelta(minutes=15)
SCHEDULE_LEAD = timedelta(minutes=30)


# What the API and the pages show of an order: every column but the placement's idempotency
# record and when it finished; of the people on it, their names; of its items, all.
ORDER_SHOWN = (
    "created",
    "updated",
    "customer",
    "status",
    "fulfilment",
    "delivery_address",
    "scheduled_for",
    "notes",
    "delivery_crew",
    "subtotal",
    "delivery_fee",
    "tax",
    "tip",
    "total",
    "payment_method",
    "payment_status",
    "estimated_ready_at",
    "guest_name",
    "guest_phone",
)
PERSON_SHOWN = ("username", "first_name", "last_name")


# What a list of orders shows of each item (`order_item_rows`).
ITEM_SHOWN = ("menuitem_id", "title", "quantity", "unit_price", "price", "options")


def _orders_shown(*, items: bool) -> QuerySet[Order]:
    orders = (
        Order.objects.select_related("customer", "delivery_crew")
        .only(
            *ORDER_SHOWN,
            *(f"customer__{field}" for field in PERSON_SHOWN),
            *(f"delivery_crew__{field}" for field in PERSON_SHOWN),
        )
        .order_by("-created", "-id")
    )
    if items:
        orders = orders.prefetch_related(Prefetch("items", queryset=OrderItem.objects.order_by("id")))
    return orders


def order_list_visible_to(*, user: User, items: bool = True) -> QuerySet[Order]:
    """The orders `user` may see, newest first, with people joined and items prefetched unless
    `items=False` (a page of orders is a fixed number of queries whatever its size). Only the
    columns shown are read (ORDER_SHOWN, PERSON_SHOWN): a page of orders turns every column it
    reads into Python objects, row by row."""
    orders = _orders_shown(items=items)
    if not (user and user.is_authenticated):
        return orders.none()
    if is_manager_for(user, ORDERS_READ):
        return orders
    if is_integration(user):  # none of the orders are its own
        return orders.none()
    visible = Q(customer=user)
    if user.is_delivery_crew:
        visible |= Q(delivery_crew=user)
    if user.is_kitchen:
        visible |= (~Q(status__in=TERMINAL_STATUSES) | Q(finished_at__gte=timezone.now() - KITCHEN_RECENT)) & ~Q(
            status__in=UNPAID_STATUSES
        )
    return orders.filter(visible)


def order_list_stamps(user: User) -> tuple[str, ...] | None:
    """The version stamps (core.DataVersion) of what `order_list_visible_to(user)` shows: the
    orders (all of them for a manager; else those the user placed or drives: `orders:<id>`, which
    the triggers change for the order's customer and driver, before and after) with their items,
    and the names on them (`people`). Who the user is and their roles are stamped by the ETag
    itself (littlelemon/core/conditional.py). None for the kitchen: what it sees depends on the
    clock."""
    if is_manager_for(user, ORDERS_READ):
        return ("orders", "people")
    if is_integration(user):
        return None
    if user.is_kitchen:
        return None
    return (f"orders:{user.pk}", "people")


def order_get_visible(*, user: User, order_id: int) -> Order:
    """One order `user` may see. Raises OrderNotFound (404) otherwise: it may not even exist."""
    order = order_list_visible_to(user=user).filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound()
    return order


def order_with_timeline_get(*, user: User, order_id: int, items: bool = True) -> Order:
    """One order `user` may see with its timeline (`order.events.all()`, oldest first) prefetched,
    and its items unless `items=False` (what a page polling for news of the order reads).
    Raises OrderNotFound (404) otherwise. The user's roles, the order, its events (and items)."""
    orders = order_list_visible_to(user=user, items=items)
    order = (
        orders.prefetch_related(Prefetch("events", queryset=OrderEvent.objects.order_by("id")))
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise OrderNotFound()
    return order


def order_tracked_get(*, token: str, items: bool = True) -> Order:
    """The order a guest's tracking link names (`guests.order_tracking_token`), with its timeline
    and, unless `items=False`, its items: what its customer would see, to whoever holds the link.
    Raises OrderNotFound for a forged or altered token. The order, its events (and items)."""
    order_id = order_id_from_tracking_token(token)
    order = (
        None
        if order_id is None
        else _orders_shown(items=items)
        .prefetch_related(Prefetch("events", queryset=OrderEvent.objects.order_by("id")))
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise OrderNotFound()
    return order


def order_item_rows(*, order_ids: list[int]) -> dict[int, list[tuple]]:
    """The items of these orders, each order's in the order they were added, as tuples of
    ITEM_SHOWN: `{order id: [(menuitem_id, title, quantity, unit_price, price, options), ...]}`. One
    query, and no model instances: what a page of orders (`order_list_visible_to(items=False)`,
    already scoped to the user) reads for its items."""
    rows: dict[int, list[tuple]] = {order_id: [] for order_id in order_ids}
    items = OrderItem.objects.filter(order_id__in=order_ids).order_by("id").values_list("order_id", *ITEM_SHOWN)
    for order_id, *shown in items:
        rows[order_id].append(tuple(shown))
    return rows


def order_last_delivery_address(*, user: User) -> str:
    """The address of the user's latest delivery order ("" if none), to offer it again (one query)."""
    orders = Order.objects.filter(customer=user, fulfilment=Fulfilment.DELIVERY).order_by("-created", "-id")
    return orders.values_list("delivery_address", flat=True).first() or ""


@dataclass(frozen=True)
class OrderTimes:
    """When an order can be placed for, at one moment."""

    asap: bool  # taking orders for as soon as possible now
    next_opening: datetime | None  # when the restaurant next opens (None: open now, or not within 2 weeks)
    scheduled: list[datetime]  # times an order may be scheduled for, earliest first (UTC)


def order_times(
    *,
    now: datetime | None = None,
    days: int = 3,
    schedule: Schedule | None = None,
    settings: RestaurantSettings | None = None,
) -> OrderTimes:
    """The times a checkout offers, by the rule `order_place` applies (`Schedule.accepts_orders_at`
    with the order cut-off): as soon as possible or not, and the scheduled times on the
    SCHEDULE_STEP grid (local wall clock) from SCHEDULE_LEAD ahead to the end of the `days`-th
    local day (today is the first), within the scheduling horizon.

    Pass the `schedule` (covering those days) and `settings` a page already read, or they are
    loaded (three queries).
    """
    now = now or timezone.now()
    tz = restaurant_tz()
    today = now.astimezone(tz).date()
    schedule = schedule or schedule_load(start=today, end=today + timedelta(days=days))
    settings = settings or restaurant_settings_get()
    cutoff = settings.order_cutoff_minutes
    asap = schedule.accepts_orders_at(now, cutoff_minutes=cutoff)

    first = now.astimezone(UTC) + SCHEDULE_LEAD  # UTC: adding minutes is exact across clock changes
    local = first.astimezone(tz)
    past_grid = timedelta(minutes=local.minute % 15, seconds=local.second, microseconds=local.microsecond)
    if past_grid:
        first += SCHEDULE_STEP - past_grid
    end_of_days = datetime.combine(today + timedelta(days=days), time(0), tzinfo=tz)
    last = min(end_of_days, now + SCHEDULE_HORIZON)
    scheduled, moment = [], first
    while moment < last:
        if schedule.accepts_orders_at(moment, cutoff_minutes=cutoff):
            scheduled.append(moment)
        moment += SCHEDULE_STEP
    return OrderTimes(asap=asap, next_opening=None if asap else schedule.next_opening(now), scheduled=scheduled)


def order_ensure_visible(*, user: User, order_id: int) -> None:
    """Raises OrderNotFound (404) unless `user` may see the order (one cheap query)."""
    if not order_list_visible_to(user=user).filter(pk=order_id).exists():
        raise OrderNotFound()


def order_event_list(*, user: User, order_id: int) -> QuerySet[OrderEvent]:
    """An order's timeline, oldest first, for someone who may see the order (else OrderNotFound)."""
    order_ensure_visible(user=user, order_id=order_id)
    return OrderEvent.objects.filter(order_id=order_id).select_related("api_key").order_by("id")


@dataclass(frozen=True)
class StatusCount:
    count: int
    oldest: datetime | None  # when the oldest order in that status was placed


def order_status_summary() -> dict[str, StatusCount]:
    """How many orders are in each status, and when the oldest of each was placed (for the
    operators' metrics): one aggregate query. Statuses without orders are absent."""
    rows = Order.objects.order_by().values("status").annotate(count=Count("id"), oldest=Min("created"))
    return {row["status"]: StatusCount(row["count"], row["oldest"]) for row in rows}


# --- The manager's order board (staff/views/board.py) ---------------------------------------

# Columns of open orders, left to right: (key, heading). "scheduled" holds orders due later
# today (more than KITCHEN_SCHEDULED_LEAD_MINUTES ahead), whatever their status before that.
BOARD_COLUMNS = (
    ("placed", "New"),
    ("scheduled", "Later today"),
    ("accepted", "Accepted"),
    ("preparing", "Preparing"),
    ("ready", "Ready"),
    ("out_for_delivery", "Out for delivery"),
)
BOARD_PERSON_SHOWN = (*PERSON_SHOWN, "phone", "email")
BOARD_SEARCH_LIMIT = 25


@dataclass
class BoardColumn:
    key: str
    label: str
    orders: list[Order]

    @property
    def count(self) -> int:
        return len(self.orders)


# The board lists the orders finished today up to this many, latest first (it counts them all).
BOARD_FINISHED_SHOWN = 20


@dataclass
class Board:
    """Today's orders as the board shows them. Each order carries `item_rows` (ITEM_SHOWN tuples)."""

    columns: list[BoardColumn]
    finished: list[Order]  # finished today, latest first (at most BOARD_FINISHED_SHOWN)
    finished_count: int  # all finished today
    later_days: int  # open orders scheduled for a later day (not on the board)
    day_start: datetime  # today's local midnight (UTC-aware)


def _board_orders() -> QuerySet[Order]:
    return Order.objects.select_related("customer", "delivery_crew").only(
        *ORDER_SHOWN,
        "finished_at",
        *(f"customer__{field}" for field in BOARD_PERSON_SHOWN),
        *(f"delivery_crew__{field}" for field in PERSON_SHOWN),
    )


def _day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Today's local midnight and tomorrow's, as aware datetimes (exact across clock changes)."""
    tz = restaurant_tz()
    today = now.astimezone(tz).date()
    start = datetime.combine(today, time(0), tzinfo=tz)
    end = datetime.combine(today + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


def order_board(*, now: datetime | None = None, scheduled_lead: timedelta = timedelta(minutes=30)) -> Board:
    """The manager's board (managers only: the caller checks): every open order (whenever it was
    placed: one left from yesterday still needs handling) but those scheduled for a later day,
    in columns by status, oldest first; orders scheduled more than `scheduled_lead` ahead, later
    today, in their own column; and the orders finished since local midnight: how many, and the
    latest BOARD_FINISHED_SHOWN of them (a busy day finishes hundreds). Three queries (the open
    orders with their people, their items, the finished ones with their count)."""
    now = now or timezone.now()
    day_start, day_end = _day_bounds(now)
    # An order waiting for its online payment (or that never got it) is not the restaurant's yet.
    orders = list(_board_orders().exclude(status__in=TERMINAL_STATUSES | UNPAID_STATUSES).order_by("created", "id"))
    items = order_item_rows(order_ids=[order.pk for order in orders])
    columns = {key: BoardColumn(key, label, []) for key, label in BOARD_COLUMNS}
    later_days = 0
    for order in orders:
        order.item_rows = items[order.pk]
        if order.scheduled_for is not None and order.scheduled_for >= day_end:
            later_days += 1
        elif (
            order.scheduled_for is not None
            and order.scheduled_for > now + scheduled_lead
            and order.status in ("placed", "accepted")
        ):
            columns["scheduled"].orders.append(order)
        else:
            columns[order.status].orders.append(order)
    columns["scheduled"].orders.sort(key=lambda order: (order.scheduled_for, order.pk))
    finished = list(
        _board_orders()
        .filter(status__in=TERMINAL_STATUSES - UNPAID_STATUSES, finished_at__gte=day_start)
        .annotate(finished_today=Window(Count("id")))
        .order_by("-finished_at", "-id")[:BOARD_FINISHED_SHOWN]
    )
    return Board(
        columns=list(columns.values()),
        finished=finished,
        finished_count=finished[0].finished_today if finished else 0,
        later_days=later_days,
        day_start=day_start,
    )


def order_board_detail(*, order_id: int) -> Order:
    """One order for the board's detail page (managers only: the caller checks), with its items,
    its timeline (events oldest first, each with its actor or API key) and its proof of delivery
    with the driver who took it. Three queries. Raises OrderNotFound."""
    order = (
        Order.objects.select_related("customer", "delivery_crew", "delivery_proof__delivered_by")
        .prefetch_related(
            Prefetch("items", queryset=OrderItem.objects.order_by("id")),
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor", "api_key").order_by("id")),
        )
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise OrderNotFound()
    return order


def order_board_search(*, query: str, limit: int = BOARD_SEARCH_LIMIT) -> list[Order]:
    """Orders (any day, newest first, at most `limit`) matching `query`: an order number ("#42";
    a bare "42" also matches phone numbers), part of the customer's phone number, or their name
    (every word in the first name, last name or username); for a guest's order, their name,
    e-mail address or phone number. Managers only (the caller checks).
    One query; [] for a blank query."""
    query = " ".join(query.split())
    if not query:
        return []
    number = query.removeprefix("#").strip()
    if number.isdigit() and len(number) <= 18:  # a number an integer column can hold
        match = Q(pk=int(number))
        if not query.startswith("#"):  # "#42" is an order number only
            match |= Q(customer__phone__contains=number) | Q(guest_phone__contains=number)
    else:
        match = Q()
        for word in query.split():
            match &= (
                Q(customer__first_name__icontains=word)
                | Q(customer__last_name__icontains=word)
                | Q(customer__username__icontains=word)
                | Q(customer__phone__contains=word)
                | Q(guest_name__icontains=word)
                | Q(guest_email__icontains=word)
                | Q(guest_phone__contains=word)
            )
    return list(_board_orders().filter(match).order_by("-created", "-id")[:limit])


def delivery_crew_with_load(*, exclude_order_id: int | None = None) -> QuerySet[User]:
    """Active delivery crew, each annotated with `load`: their open deliveries (assigned and not
    finished), least busy first, ties by first name, last name, then pk. One query.
    `exclude_order_id` leaves that order out of the counts (the one being assigned)."""
    open_deliveries = ~Q(deliveries__status__in=TERMINAL_STATUSES)
    if exclude_order_id is not None:
        open_deliveries &= ~Q(deliveries__pk=exclude_order_id)
    return (
        User.objects.filter(is_active=True, groups__name=Role.DELIVERY_CREW)
        .annotate(load=Count("deliveries", filter=open_deliveries, distinct=True))
        .only("id", *PERSON_SHOWN)
        .order_by("load", "first_name", "last_name", "pk")
    )
