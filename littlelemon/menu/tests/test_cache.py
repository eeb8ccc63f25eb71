"""Cached menu responses never show a change late, whoever makes it and however.

Each test reads the menu twice first (the second read is answered from memory), changes it
one way, then reads again: the change shows at once. The version stamp is changed by database
triggers, so the paths that bypass the services (the admin, QuerySet.update, bulk_create,
another process) are covered as well as the API.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from littlelemon.menu import services
from littlelemon.menu.models import Category, MenuItem
from littlelemon.menu.selectors import menu_version

from .factories import CategoryFactory, MenuItemFactory

ITEMS = "/api/v1/menu-items/"
CATEGORIES = "/api/v1/categories/"


@pytest.fixture
def dish(db):
    return MenuItemFactory(
        title="Moussaka", price=Decimal("18.50"), category=CategoryFactory(slug="mains", title="Mains")
    )


def warm(api_client, *paths: str) -> dict[str, bytes]:
    """Read each path twice; the second read must come from memory (one query: the version)."""
    from django.test.utils import CaptureQueriesContext

    bodies = {}
    for path in paths:
        api_client.get(path)
        with CaptureQueriesContext(connection) as queries:
            bodies[path] = api_client.get(path).content
        assert len(queries) == 1, f"{path} was not answered from the cache"
    return bodies


def listed(api_client) -> list[tuple[str, str, str, bool]]:
    return [
        (item["title"], item["price"], item["category_title"], item["available"])
        for item in api_client.get(ITEMS).json()["results"]
    ]


pytestmark = pytest.mark.django_db


def test_price_change_through_the_api(api_client, client_as, manager, dish):
    warm(api_client, ITEMS, f"{ITEMS}{dish.pk}/")

    assert client_as(manager).patch(f"{ITEMS}{dish.pk}/", {"price": "19.75"}).status_code == 200

    assert listed(api_client) == [("Moussaka", "19.75", "Mains", True)]
    assert api_client.get(f"{ITEMS}{dish.pk}/").json()["price"] == "19.75"


def test_price_change_in_the_django_admin(api_client, admin_user, dish):
    warm(api_client, ITEMS, f"{ITEMS}{dish.pk}/")
    admin = Client()
    admin.force_login(admin_user)
    form = {
        "title": dish.title,
        "slug": dish.slug,
        "category": dish.category_id,
        "description": dish.description,
        "price": "21.00",
        "position": dish.position,
        "available": "on",
    }

    response = admin.post(f"/admin/menu/menuitem/{dish.pk}/change/", form)

    assert response.status_code == 302, response.content
    assert MenuItem.objects.get(pk=dish.pk).price == Decimal("21.00")
    assert listed(api_client) == [("Moussaka", "21.00", "Mains", True)]
    assert api_client.get(f"{ITEMS}{dish.pk}/").json()["price"] == "21.00"


def test_price_change_in_the_admins_list_editing(api_client, admin_user, dish):
    warm(api_client, ITEMS)
    admin = Client()
    admin.force_login(admin_user)
    form = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": dish.pk,
        "form-0-price": "7.00",
        "form-0-available": "on",
        "form-0-position": dish.position,
        "_save": "Save",
    }

    assert admin.post("/admin/menu/menuitem/", form).status_code == 302

    assert listed(api_client) == [("Moussaka", "7.00", "Mains", True)]


def test_category_change(api_client, client_as, manager, dish):
    warm(api_client, ITEMS, CATEGORIES, f"{CATEGORIES}mains/")

    client_as(manager).patch(f"{CATEGORIES}mains/", {"title": "Main courses"})

    assert listed(api_client) == [("Moussaka", "18.50", "Main courses", True)]
    assert api_client.get(f"{CATEGORIES}mains/").json()["title"] == "Main courses"
    assert [c["title"] for c in api_client.get(CATEGORIES).json()["results"]] == ["Main courses"]


def test_moving_a_dish_changes_the_category_counts(api_client, dish):
    CategoryFactory(slug="grill")
    warm(api_client, CATEGORIES, f"{ITEMS}?category=mains")

    services.menu_item_update(item=dish, data={"category": Category.objects.get(slug="grill")})

    counts = {c["slug"]: c["item_count"] for c in api_client.get(CATEGORIES).json()["results"]}
    assert counts == {"mains": 0, "grill": 1}
    assert api_client.get(f"{ITEMS}?category=mains").json()["count"] == 0


def test_delete(api_client, client_as, manager, dish):
    warm(api_client, ITEMS, f"{ITEMS}{dish.pk}/")

    assert client_as(manager).delete(f"{ITEMS}{dish.pk}/").status_code == 204

    assert listed(api_client) == []
    assert api_client.get(f"{ITEMS}{dish.pk}/").status_code == 404


def test_delete_in_the_admin(api_client, admin_user, dish):
    warm(api_client, ITEMS)
    admin = Client()
    admin.force_login(admin_user)

    assert admin.post(f"/admin/menu/menuitem/{dish.pk}/delete/", {"post": "yes"}).status_code == 302

    assert listed(api_client) == []


def test_availability_toggle_through_the_service(api_client, dish):
    warm(api_client, ITEMS, f"{ITEMS}?available=true")

    services.menu_item_update(item=dish, data={"available": False})

    assert listed(api_client) == [("Moussaka", "18.50", "Mains", False)]
    assert api_client.get(f"{ITEMS}?available=true").json()["count"] == 0


def test_writes_that_bypass_models_and_signals(api_client, dish):
    warm(api_client, ITEMS)

    MenuItem.objects.filter(pk=dish.pk).update(price=Decimal("5.00"))
    assert listed(api_client) == [("Moussaka", "5.00", "Mains", True)]

    MenuItem.objects.bulk_create(
        [MenuItem(title="Baklava", slug="baklava", price=Decimal("6.00"), category=dish.category, position=99)]
    )
    assert sorted(title for title, *_ in listed(api_client)) == ["Baklava", "Moussaka"]

    with connection.cursor() as cursor:
        cursor.execute("UPDATE menu_category SET title = %s", ["Raw SQL"])
    assert {category for *_, category, _ in listed(api_client)} == {"Raw SQL"}


def test_every_write_changes_the_version_and_a_rolled_back_one_does_not(dish):
    seen = [menu_version()]
    services.menu_item_update(item=dish, data={"price": Decimal("1.00")})
    seen.append(menu_version())
    services.category_create(title="Soups")
    seen.append(menu_version())
    with pytest.raises(RuntimeError), transaction.atomic():
        MenuItem.objects.filter(pk=dish.pk).update(price=Decimal("2.00"))
        raise RuntimeError("changed my mind")
    seen.append(menu_version())

    assert None not in seen
    assert len(set(seen[:3])) == 3
    assert seen[3] == seen[2]


def test_a_revalidating_client_gets_the_new_price(api_client, client_as, manager, dish):
    etag = api_client.get(ITEMS)["ETag"]
    assert api_client.get(ITEMS, HTTP_IF_NONE_MATCH=etag).status_code == 304

    client_as(manager).patch(f"{ITEMS}{dish.pk}/", {"price": "20.00"})
    response = api_client.get(ITEMS, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["results"][0]["price"] == "20.00"


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_connection_shows_at_once(api_client):
    """Another server process is another connection: it can only tell us through the database."""
    dish = MenuItemFactory(price=Decimal("18.50"))
    warm(api_client, ITEMS)

    def other_process():
        try:
            MenuItem.objects.filter(pk=dish.pk).update(price=Decimal("23.00"))
        finally:
            connection.close()

    thread = threading.Thread(target=other_process)
    thread.start()
    thread.join()

    assert api_client.get(ITEMS).json()["results"][0]["price"] == "23.00"


@pytest.mark.django_db(transaction=True)
def test_the_version_read_replaces_a_broken_kept_alive_connection(monkeypatch):
    """It stands in for CONN_HEALTH_CHECKS' `SELECT 1`, so it must recover as that check would."""
    wrapper = connections["default"]
    MenuItemFactory()
    expected = menu_version()
    monkeypatch.setattr(wrapper, "health_check_enabled", True)
    wrapper.health_check_done = False  # a new request on a kept-alive connection
    broken = BrokenConnection(wrapper.connection)
    wrapper.connection = broken

    assert menu_version() == expected
    assert wrapper.connection is not None and wrapper.connection is not broken
    assert broken.closed


class BrokenConnection:
    """A DB-API connection whose server went away: every cursor fails."""

    def __init__(self, real):
        self.real = real
        self.closed = False

    def cursor(self, *args, **kwargs):
        raise connections["default"].Database.OperationalError("server closed the connection unexpectedly")

    def close(self):
        self.closed = True
        self.real.close()

    def __getattr__(self, name):
        return getattr(self.real, name)
