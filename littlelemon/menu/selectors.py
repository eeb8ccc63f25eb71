from django.db.models import Count, Exists, OuterRef, QuerySet

from .models import Category, MenuItem, MenuItemOptionGroup


def category_list() -> QuerySet[Category]:
    return Category.objects.annotate(item_count=Count("items")).order_by("position", "title", "id")


def menu_item_list() -> QuerySet[MenuItem]:
    """Every dish, sold-out ones included, with its category joined and `has_options` (whether it
    offers an option group) annotated (one query a page)."""
    return (
        MenuItem.objects.select_related("category")
        .annotate(has_options=Exists(MenuItemOptionGroup.objects.filter(menuitem=OuterRef("pk"))))
        .order_by("position", "id")
    )


def menu_item_list_by_category() -> QuerySet[MenuItem]:
    """Every dish as the printed menu lists them: category by category, then by position."""
    return menu_item_list().order_by("category__position", "category__title", "category_id", "position", "id")
