"""Reads of the menu.

The public lists (the customer pages, the API's lists, the cart's look-ups) leave out archived
dishes and hidden categories with their dishes; the `*_all` ones (the back office, the API's
writes) keep everything.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from littlelemon.restaurant.selectors import restaurant_tz

from .models import (
    AvailabilityWindow,
    Category,
    ComboSlot,
    ComboSlotOption,
    MenuItem,
    MenuItemOptionGroup,
    OptionChoice,
    OptionGroup,
)
from .windows import Window, Windows, from_label, until_label

ON_MENU = Q(archived=False, category__hidden=False)


def category_list() -> QuerySet[Category]:
    """The categories customers see, each with `item_count`: its dishes on the menu (archived ones not counted)."""
    return (
        Category.objects.filter(hidden=False)
        .annotate(item_count=Count("items", filter=Q(items__archived=False)))
        .order_by("position", "title", "id")
    )


def category_list_all() -> QuerySet[Category]:
    """Every category, hidden ones included, with `item_count` (every dish, archived ones too) for
    the back office and the API's writes."""
    return Category.objects.annotate(item_count=Count("items")).order_by("position", "title", "id")


def menu_item_list() -> QuerySet[MenuItem]:
    """The dishes on the menu (sold-out ones included; archived ones and hidden categories' dishes
    not), with their category joined and `has_options` (whether the dish offers an option group)
    annotated (one query a page)."""
    return (
        MenuItem.objects.filter(ON_MENU)
        .select_related("category")
        .annotate(has_options=Exists(MenuItemOptionGroup.objects.filter(menuitem=OuterRef("pk"))))
        .order_by("position", "id")
    )


def menu_item_list_all() -> QuerySet[MenuItem]:
    """Every dish, archived ones and those of hidden categories included (the back office)."""
    return MenuItem.objects.select_related("category").order_by("position", "id")


def menu_item_list_by_category() -> QuerySet[MenuItem]:
    """Every dish on the menu as the printed menu lists them: category by category, then by position."""
    return menu_item_list().order_by("category__position", "category__title", "category_id", "position", "id")


def windows_load() -> Windows:
    """Every availability window, by dish and by category (one query; the table is small: a few
    rows a dish or category that has any)."""
    by_item: dict[int, list[Window]] = {}
    by_category: dict[int, list[Window]] = {}
    rows = AvailabilityWindow.objects.values_list("menuitem_id", "category_id", "weekday", "starts", "ends")
    for menuitem_id, category_id, weekday, starts, ends in rows:
        target = by_item.setdefault(menuitem_id, []) if menuitem_id else by_category.setdefault(category_id, [])
        target.append(Window(weekday, starts, ends))
    return Windows(
        by_item={key: tuple(value) for key, value in by_item.items()},
        by_category={key: tuple(value) for key, value in by_category.items()},
        tz=restaurant_tz(),
    )


def menu_items_timed(items: Iterable[MenuItem], *, windows: Windows, now: datetime) -> list[MenuItem]:
    """Mark each dish with when it can be ordered, for pages and the API (no query):
    `orderable_now` (in its windows now; sold out aside) and `orderable_from` (the next start when
    not now, else None) with its label `orderable_from_label` ("from 11:30"); for a dish served
    now in one of its windows, `orderable_until_label` ("until 11:00"; "" otherwise)."""
    items = list(items)
    for item in items:
        start = windows.next_orderable(item, now)
        item.orderable_now = start == now
        item.orderable_from = None if item.orderable_now else start
        item.orderable_from_label = (
            from_label(start, now=now, tz=windows.tz) if start and not item.orderable_now else ""
        )
        end = windows.served_until(item, now) if item.orderable_now else None
        item.orderable_until_label = until_label(end, tz=windows.tz) if end else ""
    return items


def menu_item_list_for_editor(*, archived: bool = False) -> QuerySet[MenuItem]:
    """The back office's list: category by category, then by position; live dishes or archived ones."""
    return (
        menu_item_list_all()
        .filter(archived=archived)
        .order_by("category__position", "category__title", "category_id", "position", "id")
    )


def menu_item_was_ordered(*, item: MenuItem) -> bool:
    """Whether any order holds a line of this dish (then it is archived, never deleted)."""
    from littlelemon.orders.models import OrderItem  # orders depends on menu, not the reverse

    return OrderItem.objects.filter(menuitem=item).exists()


def option_group_list() -> QuerySet[OptionGroup]:
    """Every option group with its choices (prefetched, in their order) and `dish_count`, the
    dishes offering it: two queries whatever the number of groups and choices (the back office)."""
    return (
        OptionGroup.objects.annotate(dish_count=Count("menuitem_links"))
        .prefetch_related(Prefetch("choices", queryset=OptionChoice.objects.order_by("position", "id")))
        .order_by("position", "name", "id")
    )


def combo_slot_list(*, combo: MenuItem) -> QuerySet[ComboSlot]:
    """A combo's slots in order, each with the dishes it offers (`options`, their dish joined, in
    order): two queries whatever the number of slots and dishes (the back office)."""
    offers = ComboSlotOption.objects.select_related("menuitem").order_by("position", "id")
    return (
        ComboSlot.objects.filter(combo=combo)
        .prefetch_related(Prefetch("options", queryset=offers))
        .order_by("position", "id")
    )


def combo_component_choices() -> list[tuple[int, str]]:
    """The dishes a combo's slot may offer, as (id, "Title (Category)") in menu order: every dish
    on the menu or in a hidden category, not archived, not itself a combo (one query)."""
    rows = menu_item_list_for_editor().filter(is_combo=False).values_list("pk", "title", "category__title")
    return [(pk, f"{title} ({category})") for pk, title, category in rows]
