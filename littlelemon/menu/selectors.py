from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, QuerySet

from littlelemon.restaurant.selectors import restaurant_tz

from .models import AvailabilityWindow, Category, MenuItem
from .windows import Window, Windows, from_label


def category_list() -> QuerySet[Category]:
    return Category.objects.annotate(item_count=Count("items")).order_by("position", "title", "id")


def menu_item_list() -> QuerySet[MenuItem]:
    """Every dish, sold-out ones included, with its category joined (one query a page)."""
    return MenuItem.objects.select_related("category").order_by("position", "id")


def menu_item_list_by_category() -> QuerySet[MenuItem]:
    """Every dish as the printed menu lists them: category by category, then by position."""
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
    not now, else None) with its label `orderable_from_label` ("from 11:30")."""
    items = list(items)
    for item in items:
        start = windows.next_orderable(item, now)
        item.orderable_now = start == now
        item.orderable_from = None if item.orderable_now else start
        item.orderable_from_label = (
            from_label(start, now=now, tz=windows.tz) if start and not item.orderable_now else ""
        )
    return items
