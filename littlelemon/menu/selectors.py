from django.db import connection
from django.db.models import Count, QuerySet

from littlelemon.core.stamps import first_read

from .models import Category, MenuItem


def category_list() -> QuerySet[Category]:
    return Category.objects.annotate(item_count=Count("items")).order_by("position", "title", "id")


def menu_item_list() -> QuerySet[MenuItem]:
    """Every dish, sold-out ones included, with its category joined (one query a page)."""
    return MenuItem.objects.select_related("category").order_by("position", "id")


def menu_item_list_by_category() -> QuerySet[MenuItem]:
    """Every dish as the printed menu lists them: category by category, then by position."""
    return menu_item_list().order_by("category__position", "category__title", "category_id", "position", "id")


_VERSION_SQL = "SELECT stamp FROM menu_menuversion WHERE id = 1"


def menu_version() -> int | None:
    """The menu's current version stamp (see MenuVersion), or None if there is none (no caching).

    Read on every cached menu request, so it is one raw primary-key read, not an ORM query, and
    the connection's health check when it is a request's first query (`stamps.first_read`).
    """
    return first_read(_read_version)


def _read_version() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
    return row[0] if row else None
