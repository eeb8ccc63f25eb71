"""The menu API: reads for anyone, validated writes for managers, filters, ordering, pagination."""

from decimal import Decimal

import pytest
from django.utils import timezone

from littlelemon.menu.models import Category, MenuItem

from .factories import CategoryFactory, MenuItemFactory

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/menu-items/"
CATEGORIES = "/api/v1/categories/"


def titles(response) -> list[str]:
    return [item["title"] for item in response.json()["results"]]


class TestRead:
    def test_detail_shape(self, api_client):
        item = MenuItemFactory(
            title="Greek Salad",
            slug="greek-salad",
            price=Decimal("12.99"),
            category=CategoryFactory(slug="salads", title="Salads"),
            vegetarian=True,
            gluten_free=True,
            allergens=["milk"],
            featured=True,
            position=3,
        )

        response = api_client.get(f"{ITEMS}{item.pk}/")

        assert response.status_code == 200
        assert response.json() == {
            "id": item.pk,
            "title": "Greek Salad",
            "slug": "greek-salad",
            "description": "A dish.",
            "price": "12.99",
            "category": "salads",
            "category_title": "Salads",
            "featured": True,
            "available": True,
            "dietary": ["vegetarian", "gluten-free"],
            "allergens": ["milk"],
            "image": None,
            "position": 3,
            "archived": False,
            "is_combo": False,
            "has_options": False,
            "daily_portions": None,
            "portions_left": None,
            "orderable_now": True,
            "orderable_from": None,
            "option_groups": [],
            "combo_slots": [],
        }

    def test_unknown_item_is_a_json_404(self, api_client):
        response = api_client.get(f"{ITEMS}999999/")

        assert response.status_code == 404
        assert response.json() == {
            "detail": "No MenuItem matches the given query.",
            "code": "not_found",
            "request_id": response["X-Request-ID"],
        } or (response.json()["code"] == "not_found")

    def test_list_includes_sold_out_dishes_in_menu_order(self, api_client):
        MenuItemFactory(title="Second", position=2)
        MenuItemFactory(title="Sold out", position=3, available=False)
        MenuItemFactory(title="First", position=1)

        response = api_client.get(ITEMS)

        assert titles(response) == ["First", "Second", "Sold out"]
        assert response.json()["count"] == 3

    def test_categories_list_with_item_counts(self, api_client):
        mains = CategoryFactory(slug="mains", title="Mains", position=2)
        CategoryFactory(slug="starters", title="Starters", position=1)
        MenuItemFactory.create_batch(2, category=mains)

        response = api_client.get(CATEGORIES)

        assert [(c["slug"], c["item_count"]) for c in response.json()["results"]] == [("starters", 0), ("mains", 2)]


class TestFilters:
    @pytest.fixture
    def menu(self):
        mains, desserts = CategoryFactory(slug="mains"), CategoryFactory(slug="desserts")
        MenuItemFactory(title="Moussaka", category=mains, price=Decimal("18.50"), description="aubergine and lamb")
        MenuItemFactory(
            title="Falafel", category=mains, price=Decimal("7.25"), vegan=True, vegetarian=True, featured=True
        )
        MenuItemFactory(title="Baklava", category=desserts, price=Decimal("6.25"), vegetarian=True, available=False)
        MenuItemFactory(
            title="Sorbet", category=desserts, price=Decimal("4.00"), vegan=True, vegetarian=True, gluten_free=True
        )

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("category=mains", ["Moussaka", "Falafel"]),
            ("category=unknown", []),
            ("featured=true", ["Falafel"]),
            ("available=false", ["Baklava"]),
            ("price_min=6.25&price_max=10", ["Falafel", "Baklava"]),
            ("dietary=vegan", ["Falafel", "Sorbet"]),
            ("dietary=vegan,gluten-free", ["Sorbet"]),
            ("search=LAMB", ["Moussaka"]),
            ("search=fal", ["Falafel"]),
            ("ordering=price", ["Sorbet", "Baklava", "Falafel", "Moussaka"]),
            ("ordering=-price", ["Moussaka", "Falafel", "Baklava", "Sorbet"]),
            ("ordering=title", ["Baklava", "Falafel", "Moussaka", "Sorbet"]),
            ("category=desserts&dietary=vegetarian&ordering=-price", ["Baklava", "Sorbet"]),
            ("unknown_parameter=1", ["Moussaka", "Falafel", "Baklava", "Sorbet"]),
        ],
    )
    def test_filter(self, api_client, menu, query, expected):
        response = api_client.get(f"{ITEMS}?{query}")

        assert response.status_code == 200
        assert titles(response) == expected

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("dietary=carnivore", "dietary"),
            ("price_min=abc", "price_min"),
            ("price_min=-1", "price_min"),
            ("price_max=1e999999", "price_max"),
            ("price_max=1.123", "price_max"),
            ("ordering=password", "ordering"),
            ("search=a%00b", "search"),
            ("category=%00", "category"),
        ],
    )
    def test_bad_filter_values_are_400_naming_the_parameter(self, api_client, menu, query, field):
        response = api_client.get(f"{ITEMS}?{query}")

        assert response.status_code == 400
        assert field in response.json()["fields"]

    @pytest.mark.parametrize("dietary", ["vegan,", ",", ",,,,", "vegan,,vegan", ",vegan"])
    def test_an_empty_dietary_tag_is_a_400_naming_the_parameter(self, api_client, menu, dietary):
        response = api_client.get(ITEMS, {"dietary": dietary})

        assert response.status_code == 400
        assert response.json() == {
            "detail": "dietary: Separate the values with single commas; there is an empty one.",
            "code": "invalid",
            "fields": {"dietary": ["Separate the values with single commas; there is an empty one."]},
            "request_id": response["X-Request-ID"],
        }

    def test_a_dietary_tag_named_twice_counts_once(self, api_client, menu):
        response = api_client.get(ITEMS, {"dietary": "vegan,vegan"})

        assert titles(response) == ["Falafel", "Sorbet"]


class TestPagination:
    @pytest.fixture
    def thirty(self):
        return MenuItemFactory.create_batch(30)

    def test_default_page_is_20_with_links(self, api_client, thirty):
        body = api_client.get(ITEMS).json()

        assert (body["count"], len(body["results"]), body["previous"]) == (30, 20, None)
        assert body["next"].endswith("?page=2")

    @pytest.mark.parametrize(
        ("page_size", "expected"), [("5", 5), ("1000000000", 30), ("0", 20), ("-3", 20), ("x", 20)]
    )
    def test_page_size_is_bounded(self, api_client, thirty, page_size, expected, settings):
        body = api_client.get(f"{ITEMS}?page_size={page_size}").json()

        assert len(body["results"]) == expected

    def test_page_size_is_capped_at_100(self, api_client):
        MenuItemFactory.create_batch(101)

        assert len(api_client.get(f"{ITEMS}?page_size=500").json()["results"]) == 100

    @pytest.mark.parametrize("page", ["-1", "0", "99", "abc"])
    def test_pages_out_of_range_are_404(self, api_client, thirty, page):
        response = api_client.get(f"{ITEMS}?page={page}")

        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


class TestWrite:
    def test_manager_creates_a_dish_with_a_generated_slug(self, client_as, manager):
        CategoryFactory(slug="mains")
        MenuItemFactory(slug="moussaka")

        response = client_as(manager).post(
            ITEMS,
            {
                "title": "Moussaka",
                "price": "18.50",
                "category": "mains",
                "dietary": ["nut-free", "nut-free"],
                "allergens": ["milk", "eggs"],
                "description": "Baked.",
            },
        )

        assert response.status_code == 201, response.json()
        item = MenuItem.objects.get(pk=response.json()["id"])
        assert (item.slug, item.price, item.category.slug) == ("moussaka-2", Decimal("18.50"), "mains")
        assert item.nut_free and not item.vegan
        assert item.allergens == ["eggs", "milk"]
        assert response.json()["dietary"] == ["nut-free"]

    @pytest.mark.parametrize(
        ("payload", "field", "message"),
        [
            ({"price": "0"}, "price", "Price must be greater than 0."),
            ({"price": "-1.00"}, "price", "Price must be greater than 0."),
            ({"price": "1.0000000001"}, "price", "Ensure that there are no more than 2 decimal places."),
            ({"price": "100000.00"}, "price", "Price must be at most 99999.99."),
            ({"price": "abc"}, "price", "A valid number is required."),
            ({"price": None}, "price", "This field may not be null."),
            ({"category": "nope"}, "category", "No category with slug 'nope'."),
            ({"title": ""}, "title", "This field may not be blank."),
            ({"title": "x" * 201}, "title", "Ensure this field has no more than 200 characters."),
            ({"dietary": ["carnivore"]}, "dietary", '"carnivore" is not a valid choice.'),
            ({"dietary": "vegan"}, "dietary", 'Expected a list of items but got type "str".'),
            ({"allergens": ["dust"]}, "allergens", '"dust" is not a valid choice.'),
            ({"slug": "Not a slug!"}, "slug", "Enter a valid"),
        ],
    )
    def test_invalid_dish_is_400_and_nothing_is_written(self, client_as, manager, payload, field, message):
        CategoryFactory(slug="mains")
        body = {"title": "Moussaka", "price": "18.50", "category": "mains"} | payload

        response = client_as(manager).post(ITEMS, body, format="json")

        assert response.status_code == 400
        error = response.json()
        assert error["code"] == "invalid"
        assert message in str(error["fields"][field]), error
        assert not MenuItem.objects.exists()

    def test_duplicate_slug_is_refused(self, client_as, manager):
        MenuItemFactory(slug="moussaka", category=CategoryFactory(slug="mains"))

        response = client_as(manager).post(
            ITEMS, {"title": "M", "slug": "moussaka", "price": "1.00", "category": "mains"}
        )

        assert response.status_code == 400
        assert response.json()["fields"]["slug"] == ["A dish with slug 'moussaka' already exists."]

    def test_patch_marks_sold_out_and_changes_price_and_tags(self, client_as, manager):
        item = MenuItemFactory(vegan=True, vegetarian=True)

        response = client_as(manager).patch(
            f"{ITEMS}{item.pk}/", {"available": False, "price": "9.95", "dietary": ["vegetarian"]}
        )

        assert response.status_code == 200
        item.refresh_from_db()
        assert (item.available, item.price, item.vegan, item.vegetarian) == (False, Decimal("9.95"), False, True)

    def test_put_requires_every_required_field(self, client_as, manager):
        item = MenuItemFactory(price=Decimal("5.00"))

        response = client_as(manager).put(f"{ITEMS}{item.pk}/", {"title": "Only a title"})

        assert response.status_code == 400
        assert set(response.json()["fields"]) == {"price", "category"}
        item.refresh_from_db()
        assert item.price == Decimal("5.00")

    def test_delete_removes_the_dish(self, client_as, manager):
        item = MenuItemFactory()

        assert client_as(manager).delete(f"{ITEMS}{item.pk}/").status_code == 204
        assert not MenuItem.objects.filter(pk=item.pk).exists()

    def test_category_with_dishes_cannot_be_deleted(self, client_as, manager):
        item = MenuItemFactory(category=CategoryFactory(slug="mains"))

        response = client_as(manager).delete(f"{CATEGORIES}mains/")

        assert response.status_code == 409
        assert response.json() == {
            "detail": "Category 'mains' still has 1 dish(es): move or delete them first.",
            "code": "category_not_empty",
            "request_id": response["X-Request-ID"],
        }
        assert MenuItem.objects.filter(pk=item.pk).exists()

    def test_category_slug_is_generated_and_unique(self, client_as, manager):
        CategoryFactory(slug="soups")

        made = client_as(manager).post(CATEGORIES, {"title": "Soups"})
        clash = client_as(manager).post(CATEGORIES, {"title": "Other", "slug": "soups"})

        assert made.status_code == 201 and made.json()["slug"] == "soups-2"
        assert clash.status_code == 400 and "already exists" in clash.json()["fields"]["slug"][0]
        assert Category.objects.count() == 2


@pytest.mark.parametrize("count", [1, 100])
def test_menu_list_query_count_does_not_grow_with_the_menu(api_client, django_assert_num_queries, count, freeze):
    MenuItemFactory.create_batch(count)
    freeze(timezone.now())  # the ETag holds the day and the last window edge passed

    with django_assert_num_queries(4):  # the time windows, the menu stamp, COUNT(*), one joined SELECT
        response = api_client.get(f"{ITEMS}?page_size=100")
    with django_assert_num_queries(2):  # then the bytes kept under its ETag: the windows and the stamp
        again = api_client.get(f"{ITEMS}?page_size=100")

    assert len(response.json()["results"]) == count
    assert again.content == response.content


@pytest.mark.parametrize("count", [1, 100])
def test_menu_item_is_one_query_and_the_stamp_then_kept(api_client, django_assert_num_queries, count, freeze):
    item = MenuItemFactory.create_batch(count)[-1]
    freeze(timezone.now())

    with django_assert_num_queries(3):  # the time windows, the menu stamp, the dish with its category
        response = api_client.get(f"{ITEMS}{item.pk}/")
    with django_assert_num_queries(2):  # the windows (the ETag holds their last edge) and the stamp
        again = api_client.get(f"{ITEMS}{item.pk}/")

    assert response.json()["id"] == item.pk
    assert again.content == response.content


def test_detail_ignores_the_lists_filters(api_client):
    item = MenuItemFactory(category=CategoryFactory(slug="mains"))

    assert api_client.get(f"{ITEMS}{item.pk}/?category=desserts").json()["id"] == item.pk


@pytest.mark.parametrize("count", [1, 50])
def test_category_list_query_count_is_fixed(api_client, django_assert_num_queries, count):
    for _ in range(count):
        MenuItemFactory(category=CategoryFactory())

    with django_assert_num_queries(3):  # the menu stamp, COUNT(*), the categories with their counts
        response = api_client.get(f"{CATEGORIES}?page_size=100")

    assert len(response.json()["results"]) == count


def test_the_menus_etag_changes_at_a_window_edge_and_holds_between_edges(api_client, freeze):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from django.conf import settings

    from littlelemon.menu.models import AvailabilityWindow

    dish = MenuItemFactory()
    AvailabilityWindow.objects.create(menuitem=dish, weekday=2, starts=time(11), ends=time(15))
    tz = ZoneInfo(settings.TIME_ZONE)

    def etag_at(hour, minute=0):
        freeze(datetime(2026, 6, 3, hour, minute, tzinfo=tz))  # a Wednesday
        return api_client.get(ITEMS)["ETag"]

    # Before 11:00 the same answer ("from 11:00") whatever the minute; at 11:00 it changes.
    assert etag_at(9) == etag_at(10, 59)
    assert etag_at(11) != etag_at(10, 59)
    assert etag_at(11) == etag_at(14, 30)
    assert etag_at(15) != etag_at(14, 30)
    # The next day is another answer (the day's portions, "tomorrow from").
    freeze(datetime(2026, 6, 4, 9, tzinfo=tz))
    assert api_client.get(ITEMS)["ETag"] != etag_at(9)
