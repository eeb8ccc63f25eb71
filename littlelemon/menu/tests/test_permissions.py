import pytest

from littlelemon.api.tests.matrix import Row, cell_ids, cells, everyone, managers, run_row

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
    Row("GET", "/api/v1/categories/", everyone(200)),
    Row("POST", "/api/v1/categories/", managers(201), payload=lambda ctx: {"title": "Soups"}),
    Row("GET", "/api/v1/categories/{category}/", everyone(200), setup=_category),
    Row(
        "PUT",
        "/api/v1/categories/{category}/",
        managers(200),
        setup=_category,
        payload=lambda ctx: {"title": "Main courses", "slug": "mains", "position": 2},
    ),
    Row("PATCH", "/api/v1/categories/{category}/", managers(200), setup=_category, payload=lambda ctx: {"position": 3}),
    Row("DELETE", "/api/v1/categories/{category}/", managers(204), setup=_empty_category),
    Row("GET", "/api/v1/menu-items/", everyone(200)),
    Row("POST", "/api/v1/menu-items/", managers(201), setup=_category, payload=lambda ctx: ITEM),
    Row("GET", "/api/v1/menu-items/{item}/", everyone(200), setup=_item),
    Row("PUT", "/api/v1/menu-items/{item}/", managers(200), setup=_item, payload=lambda ctx: ITEM),
    Row("PATCH", "/api/v1/menu-items/{item}/", managers(200), setup=_item, payload=lambda ctx: {"available": False}),
    Row("DELETE", "/api/v1/menu-items/{item}/", managers(204), setup=_item),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), cells(ROWS), ids=cell_ids(ROWS))
def test_permission_matrix(row, role):
    run_row(row, role)
