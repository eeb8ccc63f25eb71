"""Reads of the menu.

The public lists (the customer pages, the API's lists, the cart's look-ups) leave out archived
dishes and hidden categories with their dishes; the `*_all` ones (the back office, the API's
writes) keep everything.
"""

from django.db.models import Count, Q, QuerySet

from .models import Category, MenuItem

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
    not), with their category joined (one query a page)."""
    return MenuItem.objects.filter(ON_MENU).select_related("category").order_by("position", "id")


def menu_item_list_all() -> QuerySet[MenuItem]:
    """Every dish, archived ones and those of hidden categories included (the back office)."""
    return MenuItem.objects.select_related("category").order_by("position", "id")


def menu_item_list_by_category() -> QuerySet[MenuItem]:
    """Every dish on the menu as the printed menu lists them: category by category, then by position."""
    return menu_item_list().order_by("category__position", "category__title", "category_id", "position", "id")


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
