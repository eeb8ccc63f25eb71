import pytest

from littlelemon.api.tests.matrix import Row, cell_ids, cells, everyone, managers, run_row
from littlelemon.apikeys.scopes import MENU_READ, MENU_WRITE

from .factories import CategoryFactory, MenuItemFactory


def _category(user):
    return {"category": CategoryFactory(slug="mains").slug}


def _item(user):
    item = MenuItemFactory(category=CategoryFactory(slug="mains"))
    return {"item": item.pk, "category": item.category.slug}


def _empty_category(user):
    return {"category": CategoryFactory(slug="empty").slug}


ITEM = {"title": "Moussaka", "price": "18.50", "category": "mains"}

ROWS = [
    Row("GET", "/api/v1/categories/", everyone(200), scope=MENU_READ),
    Row("POST", "/api/v1/categories/", managers(201), payload=lambda ctx: {"title": "Soups"}, scope=MENU_WRITE),
    Row("GET", "/api/v1/categories/{category}/", everyone(200), setup=_category, scope=MENU_READ),
    Row(
        "PUT",
        "/api/v1/categories/{category}/",
        managers(200),
        setup=_category,
        payload=lambda ctx: {"title": "Main courses", "slug": "mains", "position": 2},
        scope=MENU_WRITE,
    ),
    Row(
        "PATCH",
        "/api/v1/categories/{category}/",
        managers(200),
        setup=_category,
        payload=lambda ctx: {"position": 3},
        scope=MENU_WRITE,
    ),
    Row("DELETE", "/api/v1/categories/{category}/", managers(204), setup=_empty_category, scope=MENU_WRITE),
    Row("GET", "/api/v1/menu-items/", everyone(200), scope=MENU_READ),
    Row("POST", "/api/v1/menu-items/", managers(201), setup=_category, payload=lambda ctx: ITEM, scope=MENU_WRITE),
    Row("GET", "/api/v1/menu-items/{item}/", everyone(200), setup=_item, scope=MENU_READ),
    Row("PUT", "/api/v1/menu-items/{item}/", managers(200), setup=_item, payload=lambda ctx: ITEM, scope=MENU_WRITE),
    Row(
        "PATCH",
        "/api/v1/menu-items/{item}/",
        managers(200),
        setup=_item,
        payload=lambda ctx: {"available": False},
        scope=MENU_WRITE,
    ),
    Row("DELETE", "/api/v1/menu-items/{item}/", managers(204), setup=_item, scope=MENU_WRITE),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), cells(ROWS), ids=cell_ids(ROWS))
def test_permission_matrix(row, role):
    run_row(row, role)
