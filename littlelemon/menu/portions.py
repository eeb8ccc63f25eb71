"""Daily portions: a dish with `daily_portions` sells at most that many a day.

The day's count lives on the dish (`portions_left` for the local date `portions_date`); a dish
whose `portions_date` is not today has its full `daily_portions` again, so the morning reset is
derived from the date and needs no job. Portions are counted on the day an order is placed.

Taking is one conditional UPDATE per dish (never read-then-write): it succeeds only when enough
portions are left, resetting the count first when the stored date is an older one. Racing
placements are serialised by the database on that row (PostgreSQL's row lock, SQLite's write
lock), so exactly the available portions are sold.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from littlelemon.restaurant.selectors import restaurant_tz

from .exceptions import NotEnoughPortions
from .models import MenuItem
from .options import selection_dish_ids


def portion_day(moment: datetime) -> date:
    """The local date portions are counted on for an order placed at `moment`."""
    return moment.astimezone(restaurant_tz()).date()


def _count_today(day: date):
    """The dish's count on `day` as SQL: the stored one if it is that day's, else the full allowance."""
    return Case(
        When(portions_date=day, then=Least(F("portions_left"), F("daily_portions"))), default=F("daily_portions")
    )


def portions_take(*, dishes: Iterable[tuple[MenuItem, int]], day: date) -> None:
    """Take `quantity` portions of each dish that has a daily limit, on the local date `day`.

    `dishes` are (dish, quantity) pairs; a dish listed twice counts once with the sum (a dish
    ordered alone and chosen in a combo's slot: placement lists both). One
    conditional UPDATE per limited dish, in pk order (a stable lock order); dishes without a limit
    cost nothing. Must run inside the placement's transaction: raises NotEnoughPortions, naming
    the dish and what is left, and the caller's rollback returns what was taken before it.
    """
    wanted: dict[int, tuple[MenuItem, int]] = {}
    for dish, quantity in dishes:
        if dish.daily_portions is None:
            continue
        previous = wanted.get(dish.pk, (dish, 0))[1]
        wanted[dish.pk] = (dish, previous + quantity)
    for pk in sorted(wanted):
        dish, quantity = wanted[pk]
        # Today's count is never above the allowance (a manager may have lowered it since).
        enough = Q(portions_date=day, portions_left__gte=quantity, daily_portions__gte=quantity) | (
            (~Q(portions_date=day) | Q(portions_date__isnull=True) | Q(portions_left__isnull=True))
            & Q(daily_portions__gte=quantity)
        )
        taken = MenuItem.objects.filter(enough, pk=pk, daily_portions__isnull=False).update(
            portions_left=_count_today(day) - Value(quantity), portions_date=Value(day)
        )
        if not taken:
            left = (
                MenuItem.objects.filter(pk=pk).values_list("daily_portions", "portions_left", "portions_date").first()
            )
            remaining = _left(left, day)
            raise NotEnoughPortions(
                _short_message(dish.title, quantity, remaining),
                extra={
                    "menuitem": pk,
                    "title": dish.title,
                    "portions_left": remaining,
                    "requested": quantity,
                },
            )


def _left(row: tuple[int | None, int | None, date | None] | None, day: date) -> int:
    if row is None or row[0] is None:
        return 0
    daily, left, stored_day = row
    return left if stored_day == day and left is not None else daily


def _short_message(title: str, quantity: int, remaining: int) -> str:
    if remaining == 0:
        return f"{title} is sold out for today: remove it from your cart to order."
    return (
        f"Only {remaining} portion{'s' if remaining != 1 else ''} of {title} "
        f"{'are' if remaining != 1 else 'is'} left today and your cart asks for {quantity}: "
        "lower the quantity to order."
    )


def portions_release(order) -> None:
    """Give back the portions an order took, when it is rejected, cancelled or expires unpaid:
    its dishes' and those chosen in its combos' slots (`OrderItem.selection`).

    Counts only on the day they were taken (the order's placement date, local): yesterday's
    portions are not today's. Never above the dish's `daily_portions`. One query for the order's
    items (one more for the combos' dishes when it has any), one UPDATE per limited dish. Call it
    inside the transaction that ends the order, once (a terminal status is reached once).
    """
    day = portion_day(order.created)
    quantities: dict[int, int] = {}
    in_combos: dict[int, int] = {}
    for menuitem_id, limited, quantity, selection in order.items.values_list(
        "menuitem_id", "menuitem__daily_portions", "quantity", "selection"
    ):
        if limited is not None:
            quantities[menuitem_id] = quantities.get(menuitem_id, 0) + quantity
        for component in selection_dish_ids(selection):
            in_combos[component] = in_combos.get(component, 0) + quantity
    if in_combos:
        for pk in MenuItem.objects.filter(pk__in=sorted(in_combos), daily_portions__isnull=False).values_list(
            "pk", flat=True
        ):
            quantities[pk] = quantities.get(pk, 0) + in_combos[pk]
    for pk in sorted(quantities):
        MenuItem.objects.filter(pk=pk, daily_portions__isnull=False, portions_date=day).update(
            portions_left=Least(F("portions_left") + Value(quantities[pk]), F("daily_portions"))
        )


def portions_allowance_changed(*, item_id: int, before: int | None, after: int | None) -> None:
    """A manager changed a dish's `daily_portions`: today's count moves by the difference (12 → 15
    with 4 left leaves 7), never below 0. One UPDATE, relative to the stored count (placements
    may be taking portions at the same moment). From or to "no limit", the count starts afresh."""
    if before == after:
        return
    dish = MenuItem.objects.filter(pk=item_id)
    if before is None or after is None:
        dish.update(portions_left=None, portions_date=None)
        return
    dish.filter(portions_date=portion_day_today()).update(
        portions_left=Greatest(F("portions_left") + Value(after - before), Value(0))
    )


def portion_day_today() -> date:
    return portion_day(timezone.now())
