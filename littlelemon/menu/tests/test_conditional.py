"""The menu's reads are public conditional GETs: a strong ETag from the `menu` stamp and the
representation, `Cache-Control: public` with a short max-age, a 304 that reads nothing but the
stamps (and the user, for a JWT request), and a new ETag after every write, whoever makes it
and however (the service, the API, the admin, `QuerySet.update`, `bulk_create`, raw SQL,
another connection). The stamp is changed by database triggers, so none of them can be missed.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from littlelemon.api.tests.conditional import PUBLIC, STRONG, assert_not_modified, vary
from littlelemon.core.models import DataVersion
from littlelemon.menu import services
from littlelemon.menu.apis import MenuItemViewSet
from littlelemon.menu.models import Category, MenuItem

from .factories import CategoryFactory, MenuItemFactory, admin_dish_form

ITEMS = "/api/v1/menu-items/"
CATEGORIES = "/api/v1/categories/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def dish(db):
    return MenuItemFactory(
        title="Moussaka", price=Decimal("18.50"), category=CategoryFactory(slug="mains", title="Mains")
    )


def etags(api_client, *paths: str) -> dict[str, str]:
    """Each path's ETag, checked to be current: the same request with it is a 304."""
    found = {}
    for path in paths:
        etag = api_client.get(path)["ETag"]
        assert api_client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
        found[path] = etag
    return found


def changed(api_client, before: dict[str, str]) -> dict[str, dict]:
    """Every path revalidated with its old ETag: a 200 with a new ETag, and its body."""
    bodies = {}
    for path, etag in before.items():
        response = api_client.get(path, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200, (path, response.status_code)
        assert STRONG.match(response["ETag"]) and response["ETag"] != etag
        bodies[path] = response.json()
    return bodies


def listed(body) -> list[tuple[str, str, str, bool]]:
    return [(item["title"], item["price"], item["category_title"], item["available"]) for item in body["results"]]


class TestHeaders:
    @pytest.mark.parametrize("path", [ITEMS, "dish", CATEGORIES, f"{CATEGORIES}mains/"])
    def test_a_strong_etag_public_cache_control_and_vary_accept(self, api_client, dish, path):
        path = f"{ITEMS}{dish.pk}/" if path == "dish" else path

        response = api_client.get(path)

        assert response.status_code == 200
        assert STRONG.match(response["ETag"])
        assert response["Cache-Control"] == PUBLIC
        assert "accept" in vary(response)
        assert response.json()  # rendered

    def test_max_age_and_stale_while_revalidate_come_from_the_settings(self, api_client, settings, dish):
        settings.HTTP_CACHE_MAX_AGE, settings.HTTP_CACHE_STALE_WHILE_REVALIDATE = 60, 600

        assert api_client.get(ITEMS)["Cache-Control"] == "public, max-age=60, stale-while-revalidate=600"

    def test_the_same_etag_for_everyone_and_each_format_its_own(self, api_client, client_as, customer, manager, dish):
        anonymous = api_client.get(ITEMS)
        xml = api_client.get(ITEMS, HTTP_ACCEPT="application/xml")

        assert client_as(customer).get(ITEMS)["ETag"] == anonymous["ETag"]
        assert client_as(manager).get(ITEMS)["ETag"] == anonymous["ETag"]
        assert xml["ETag"] != anonymous["ETag"]
        assert xml["Content-Type"].startswith("application/xml")
        assert api_client.get(ITEMS, HTTP_IF_NONE_MATCH=xml["ETag"]).status_code == 200  # JSON wanted: not it

    def test_a_new_release_changes_every_etag(self, api_client, settings, dish):
        etag = api_client.get(ITEMS)["ETag"]
        settings.RELEASE = "2.0.0"

        response = api_client.get(ITEMS, HTTP_IF_NONE_MATCH=etag)

        assert response.status_code == 200
        assert response["ETag"] != etag

    def test_the_browsable_api_gets_no_etag_and_is_not_public(self, api_client, monkeypatch, dish):
        monkeypatch.setattr(MenuItemViewSet, "renderer_classes", [JSONRenderer, BrowsableAPIRenderer])

        page = api_client.get(ITEMS, HTTP_ACCEPT="text/html")

        assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
        assert "ETag" not in page
        assert "public" not in page.get("Cache-Control", "")
        assert "ETag" in api_client.get(ITEMS)


class TestNotModified:
    @pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "jwt"])
    def test_a_304_reads_the_stamps_and_for_a_jwt_the_user_and_nothing_else(
        self, api_client, client_as, customer, dish, django_assert_num_queries, signed_in
    ):
        client = client_as(customer) if signed_in else api_client
        etags_ = {path: client.get(path)["ETag"] for path in (ITEMS, f"{ITEMS}{dish.pk}/", CATEGORIES)}

        for path, etag in etags_.items():
            # Dishes also read the time windows (their ETag holds the last window edge passed).
            windows = 0 if path == CATEGORIES else 1
            with django_assert_num_queries((2 if signed_in else 1) + windows):
                response = client.get(path, HTTP_IF_NONE_MATCH=etag)
            assert_not_modified(response, etag, PUBLIC)
            assert "accept" in vary(response)

    def test_head_works_and_is_conditional_too(self, api_client, dish):
        get = api_client.get(ITEMS)

        head = api_client.head(ITEMS)
        again = api_client.head(ITEMS, HTTP_IF_NONE_MATCH=get["ETag"])

        assert head.status_code == 200 and head["ETag"] == get["ETag"] and head.content == b""
        assert_not_modified(again, get["ETag"], PUBLIC)

    def test_a_weak_or_listed_or_star_if_none_match_matches(self, api_client, dish):
        etag = api_client.get(ITEMS)["ETag"]

        for header in (f'"other", W/{etag}', f"W/{etag}", "*"):
            assert api_client.get(ITEMS, HTTP_IF_NONE_MATCH=header).status_code == 304
        assert api_client.get(ITEMS, HTTP_IF_NONE_MATCH='"other"').status_code == 200

    def test_a_304_is_still_throttled(self, api_client, throttle_rates, dish):
        throttle_rates(anon="2/min")
        etag = api_client.get(ITEMS)["ETag"]

        second = api_client.get(ITEMS, HTTP_IF_NONE_MATCH=etag)
        third = api_client.get(ITEMS, HTTP_IF_NONE_MATCH=etag)

        assert second.status_code == 304
        assert third.status_code == 429
        assert third.json()["code"] == "throttled"

    def test_public_bytes_kept_in_djangos_cache_are_served_by_their_etag(
        self, api_client, dish, django_assert_num_queries
    ):
        first = api_client.get(ITEMS)
        with django_assert_num_queries(2):  # the windows, the stamps: the bytes come from caches["default"]
            again = api_client.get(ITEMS)

        assert (again.status_code, again.content, again["ETag"]) == (200, first.content, first["ETag"])
        assert again["Cache-Control"] == PUBLIC and "accept" in vary(again)
        MenuItem.objects.filter(pk=dish.pk).update(price=Decimal("9.00"))
        with CaptureQueriesContext(connection) as queries:
            fresh = api_client.get(ITEMS)
        assert len(queries) > 1
        assert listed(fresh.json()) == [("Moussaka", "9.00", "Mains", True)]


class TestTheDecodedQuery:
    """Issue 12 item 5: ETags (and the keys of kept bytes) are built from the query as Django
    decodes it, never from the raw parameter names."""

    def test_pages_in_a_different_order_are_different_answers(self, api_client, dish):
        for position in range(25):
            MenuItemFactory(category=dish.category, position=position + 1)
        one_two = api_client.get(f"{ITEMS}?page=1&%70age=2")
        two_one = api_client.get(f"{ITEMS}?%70age=2&page=1")

        assert one_two.wsgi_request.GET.getlist("page") == ["1", "2"]
        assert two_one.wsgi_request.GET.getlist("page") == ["2", "1"]
        assert one_two["ETag"] != two_one["ETag"]
        assert one_two.json()["results"] != two_one.json()["results"]  # DRF reads the last value
        assert api_client.get(f"{ITEMS}?page=1&%70age=2", HTTP_IF_NONE_MATCH=two_one["ETag"]).status_code == 200
        same = api_client.get(f"{ITEMS}?%70age=1&page=2", HTTP_IF_NONE_MATCH=one_two["ETag"])  # page=[1, 2] too
        assert same.status_code == 304

    def test_spellings_of_the_same_query_share_an_etag(self, api_client, dish):
        plain = api_client.get(f"{ITEMS}?category=mains&available=true")

        for spelling in ("?available=true&category=mains", "?%63ategory=mains&available=tru%65"):
            assert api_client.get(f"{ITEMS}{spelling}")["ETag"] == plain["ETag"]
        assert api_client.get(f"{ITEMS}?category=grill&available=true")["ETag"] != plain["ETag"]


class TestEveryWriteChangesTheEtag:
    def test_price_change_through_the_api(self, api_client, client_as, manager, dish):
        before = etags(api_client, ITEMS, f"{ITEMS}{dish.pk}/")

        assert client_as(manager).patch(f"{ITEMS}{dish.pk}/", {"price": "19.75"}).status_code == 200

        bodies = changed(api_client, before)
        assert listed(bodies[ITEMS]) == [("Moussaka", "19.75", "Mains", True)]
        assert bodies[f"{ITEMS}{dish.pk}/"]["price"] == "19.75"

    def test_price_change_in_the_django_admin(self, api_client, admin_user, dish):
        before = etags(api_client, ITEMS, f"{ITEMS}{dish.pk}/")
        admin = Client()
        admin.force_login(admin_user)
        form = admin_dish_form(dish, price="21.00")

        response = admin.post(f"/admin/menu/menuitem/{dish.pk}/change/", form)

        assert response.status_code == 302, response.content
        assert MenuItem.objects.get(pk=dish.pk).price == Decimal("21.00")
        bodies = changed(api_client, before)
        assert listed(bodies[ITEMS]) == [("Moussaka", "21.00", "Mains", True)]
        assert bodies[f"{ITEMS}{dish.pk}/"]["price"] == "21.00"

    def test_price_change_in_the_admins_list_editing(self, api_client, admin_user, dish):
        before = etags(api_client, ITEMS)
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

        assert listed(changed(api_client, before)[ITEMS]) == [("Moussaka", "7.00", "Mains", True)]

    def test_category_change(self, api_client, client_as, manager, dish):
        before = etags(api_client, ITEMS, CATEGORIES, f"{CATEGORIES}mains/")

        client_as(manager).patch(f"{CATEGORIES}mains/", {"title": "Main courses"})

        bodies = changed(api_client, before)
        assert listed(bodies[ITEMS]) == [("Moussaka", "18.50", "Main courses", True)]
        assert bodies[f"{CATEGORIES}mains/"]["title"] == "Main courses"
        assert [c["title"] for c in bodies[CATEGORIES]["results"]] == ["Main courses"]

    def test_moving_a_dish_through_the_service_changes_the_category_counts(self, api_client, dish):
        CategoryFactory(slug="grill")
        before = etags(api_client, CATEGORIES, f"{ITEMS}?category=mains")

        services.menu_item_update(item=dish, data={"category": Category.objects.get(slug="grill")})

        bodies = changed(api_client, before)
        assert {c["slug"]: c["item_count"] for c in bodies[CATEGORIES]["results"]} == {"mains": 0, "grill": 1}
        assert bodies[f"{ITEMS}?category=mains"]["count"] == 0

    def test_delete_through_the_api_and_in_the_admin(self, api_client, client_as, manager, admin_user, dish):
        other = MenuItemFactory(category=dish.category, title="Baklava")
        before = etags(api_client, ITEMS)

        assert client_as(manager).delete(f"{ITEMS}{dish.pk}/").status_code == 204
        assert [title for title, *_ in listed(changed(api_client, before)[ITEMS])] == ["Baklava"]
        assert api_client.get(f"{ITEMS}{dish.pk}/").status_code == 404

        before = etags(api_client, ITEMS)
        admin = Client()
        admin.force_login(admin_user)
        assert admin.post(f"/admin/menu/menuitem/{other.pk}/delete/", {"post": "yes"}).status_code == 302
        assert listed(changed(api_client, before)[ITEMS]) == []

    def test_writes_that_bypass_models_and_signals(self, api_client, dish):
        before = etags(api_client, ITEMS)
        MenuItem.objects.filter(pk=dish.pk).update(price=Decimal("5.00"))
        assert listed(changed(api_client, before)[ITEMS]) == [("Moussaka", "5.00", "Mains", True)]

        before = etags(api_client, ITEMS)
        MenuItem.objects.bulk_create(
            [MenuItem(title="Baklava", slug="baklava", price=Decimal("6.00"), category=dish.category, position=99)]
        )
        assert sorted(title for title, *_ in listed(changed(api_client, before)[ITEMS])) == ["Baklava", "Moussaka"]

        before = etags(api_client, ITEMS)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE menu_category SET title = %s", ["Raw SQL"])
        assert {category for *_, category, _ in listed(changed(api_client, before)[ITEMS])} == {"Raw SQL"}

    def test_a_rolled_back_write_keeps_the_etag(self, api_client, dish):
        before = etags(api_client, ITEMS)
        stamp = DataVersion.objects.get(name="menu").stamp

        with pytest.raises(RuntimeError), transaction.atomic():
            MenuItem.objects.filter(pk=dish.pk).update(price=Decimal("2.00"))
            raise RuntimeError("changed my mind")

        assert DataVersion.objects.get(name="menu").stamp == stamp
        assert api_client.get(ITEMS, HTTP_IF_NONE_MATCH=before[ITEMS]).status_code == 304
        assert MenuItem.objects.get(pk=dish.pk).price == Decimal("18.50")


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_connection_changes_the_etag_at_once(api_client):
    """Another server process is another connection: it can only tell us through the database."""
    dish = MenuItemFactory(price=Decimal("18.50"))
    before = etags(api_client, ITEMS)

    def other_process():
        try:
            MenuItem.objects.filter(pk=dish.pk).update(price=Decimal("23.00"))
        finally:
            connection.close()

    thread = threading.Thread(target=other_process)
    thread.start()
    thread.join()

    assert changed(api_client, before)[ITEMS]["results"][0]["price"] == "23.00"
