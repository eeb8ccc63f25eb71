"""The customer pages render what the restaurant's data says, with a fixed number of queries."""

import pytest
from django.urls import reverse

from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory, menu_at_options_size
from littlelemon.recommendations.models import ItemPopularity
from littlelemon.restaurant.selectors import restaurant_today
from littlelemon.restaurant.services import restaurant_settings_update
from littlelemon.restaurant.tests.factories import ClosureFactory

from .htmltext import text, texts

pytestmark = pytest.mark.django_db


class TestHome:
    def test_names_the_restaurant_and_links_to_the_menu(self, client, menu, hours):
        restaurant_settings_update(data={"name": "Chez Lemon", "address": "1 Main St", "phone": "+1 312 555 0100"})

        response = client.get("/")

        assert response.status_code == 200
        html = response.content.decode()
        assert text(html, tag="title") == "Home · Chez Lemon"
        assert text(html, id="hero-title") == "Chez Lemon"
        assert '<a class="button button--primary button--large" href="/menu/">Order now</a>' in html
        assert text(html, css_class="hero__address") == "1 Main St"
        assert '<a href="tel:+13125550100">+1 312 555 0100</a>' in html

    def test_features_the_featured_dishes_only(self, client, menu, hours):
        response = client.get("/")

        assert texts(response.content, css_class="dish-card__title") == ["Hummus", "Moussaka"]
        assert "$6.50" in texts(response.content, css_class="price")

    def test_shows_the_weekly_hours_and_coming_closures(self, client, menu, hours):
        today = restaurant_today()
        ClosureFactory(date=today, reason="Family wedding")

        response = client.get("/")

        rows = texts(response.content, tag="tr")
        assert rows[0] == "Monday 11 a.m.–10 p.m."
        assert len(rows) == 7
        assert texts(response.content, css_class="closures") == [f"{today:%A}, {today:%B} {today.day}: Family wedding"]
        # Closed all day today, so it next opens tomorrow at 11.
        status = texts(response.content, css_class="open-status")
        assert status == ["Closed now · opens tomorrow at 11 a.m."] * 2  # the home page and the footer

    def test_with_no_hours_configured_the_restaurant_is_open_around_the_clock(self, client, menu):
        response = client.get("/")

        assert "Open every day, around the clock." in response.content.decode()
        assert text(response.content, id="hero-title") == "Little Lemon"
        assert texts(response.content, css_class="open-status")[0] == "Open now, around the clock"


class TestMenu:
    def test_lists_every_dish_by_category_with_price_and_tags(self, client, menu, hours):
        response = client.get(reverse("web:menu"))

        assert response.status_code == 200
        assert texts(response.content, css_class="menu-section__title") == ["Starters", "Mains"]
        assert texts(response.content, css_class="dish-card__title") == [
            "Hummus",
            "Fried Calamari",
            "Moussaka",
            "Vegetable Tagine",
            "Lamb Shank",
        ]
        assert text(response.content, id="menu-status") == "5 dishes on the menu"
        assert texts(response.content, css_class="tags")[0] == "Vegetarian Vegan"

    def test_sold_out_dishes_stay_on_the_menu_marked_as_such(self, client, menu, hours):
        response = client.get(reverse("web:menu"))

        sold_out = texts(response.content, css_class="dish-card--sold-out")
        assert len(sold_out) == 1
        assert sold_out[0].startswith("Lamb Shank $24.00")
        assert sold_out[0].endswith("Sold out")
        assert texts(response.content, css_class="badge--sold-out") == ["Sold out"]

    def test_offers_the_categories_that_have_dishes_and_every_dietary_tag(self, client, menu, hours):
        CategoryFactory(slug="empty", title="Empty")

        response = client.get(reverse("web:menu"))

        assert texts(response.content, tag="option") == ["All categories", "Starters", "Mains"]
        html = response.content.decode()
        for tag in ("vegetarian", "vegan", "gluten-free", "dairy-free", "nut-free"):
            assert f'<input type="checkbox" class="dietary-filter" name="dietary" value="{tag}">' in html


class TestDish:
    def test_shows_description_price_tags_and_allergens(self, client, menu, hours):
        restaurant_settings_update(data={"currency": "EUR"})

        response = client.get(reverse("web:dish", args=["fried-calamari"]))

        assert response.status_code == 200
        assert text(response.content, id="dish-title") == "Fried Calamari"
        assert text(response.content, css_class="price") == "€11.75"
        assert text(response.content, css_class="dish__description") == "Squid, lemon aioli."
        assert text(response.content, css_class="allergens") == "Molluscs Eggs"
        assert "No dietary tags." in response.content.decode()
        assert '<a href="/menu/">Back to the menu</a>' in response.content.decode()
        assert text(response.content, css_class="dish__category") == "Starters"

    def test_sold_out_dish(self, client, menu, hours):
        response = client.get(reverse("web:dish", args=["lamb-shank"]))

        assert texts(response.content, css_class="badge--sold-out") == ["Sold out"]
        assert text(response.content, css_class="tags") == "Gluten-free"
        assert "None declared." in response.content.decode()

    def test_unknown_dish_is_the_sites_404_page(self, client, menu, hours):
        response = client.get(reverse("web:dish", args=["no-such-dish"]))

        assert response.status_code == 404
        assert text(response.content, tag="h1") == "We can't find that page"
        assert '<a class="button button--primary" href="/menu/">See the menu</a>' in response.content.decode()


def menu_of(size: int) -> None:
    """`size` dishes, every one of them popular at every hour (so the recommendations read them)."""
    categories = [CategoryFactory() for _ in range(max(1, size // 5))]
    for index in range(size):
        dish = MenuItemFactory(
            category=categories[index % len(categories)], featured=index % 2 == 0, allergens=["milk"]
        )
        ItemPopularity.objects.create(item=dish, weekday=-1, daypart=-1, share=1 / (index + 1))


# Queries per page: restaurant settings, opening hours and closures (header, footer) and the
# page's own reads (the dishes' pages add their time windows; the home page: popular now, its
# dishes and their time windows); signed in adds the session and the user.
PAGES = [
    ("/", 8),
    ("/menu/", 6),
    ("/menu/?search=dish&dietary=vegan&dietary=nut-free&category=category-0", 6),
    ("/account/login/", 3),
    ("/account/signup/", 3),
    ("/account/password/reset/", 3),
    ("/account/password/reset/sent/", 3),
    ("/account/password/reset/done/", 3),
    ("/no/such/page/", 3),
]


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize(("path", "queries"), PAGES)
def test_each_page_runs_a_fixed_number_of_queries_whatever_the_menu_size(
    client, hours, django_assert_num_queries, size, path, queries
):
    menu_of(size)

    with django_assert_num_queries(queries):
        response = client.get(path)

    assert response.status_code == (404 if "no/such" in path else 200)


@pytest.mark.parametrize("size", [1, 30])
def test_the_dish_page_and_the_menu_fragment_run_fixed_queries(client, hours, django_assert_num_queries, size):
    menu_of(size)
    slug = MenuItemFactory(title="Dish", slug="the-dish").slug

    # settings, hours, closures, the dish, the time windows; pairs well with: its pairs, popular
    # now, their dishes and the time windows
    with django_assert_num_queries(9):
        assert client.get(reverse("web:dish", args=[slug])).status_code == 200
    with django_assert_num_queries(3):  # settings (currency), the dishes, the time windows
        assert client.get(reverse("web:menu"), headers={"HX-Request": "true"}).status_code == 200


@pytest.mark.parametrize("rich", [False, True])
def test_the_menu_runs_the_same_queries_without_options_and_with_many(client, hours, django_assert_num_queries, rich):
    """Dishes with several option groups of many choices and a combo cost the menu no query more
    than dishes without any: the cards only say "Choose options" (or "Build your meal")."""
    menu_at_options_size(rich=rich)

    with django_assert_num_queries(6):  # settings, hours, closures, categories, the dishes, the time windows
        page = client.get(reverse("web:menu")).content.decode()
    with django_assert_num_queries(3):  # settings (currency), the dishes, the time windows
        fragment = client.get(reverse("web:menu"), headers={"HX-Request": "true"}).content.decode()

    for html in (page, fragment):
        assert len(texts(html, css_class="dish-card__title")) == 4
        assert (html.count(">Choose options</a>"), html.count(">Build your meal</a>")) == ((3, 1) if rich else (0, 0))


# Signed in: the session, the user, the cart's quantity (the header's cart link) and the user's
# roles (the header links staff to their screens).
# The home page: the cart's dishes and the customer's order lines too (their usuals).
SIGNED_IN_PAGES = [("/", 14), ("/menu/", 10), ("/account/", 7), ("/account/password/", 7)]


@pytest.mark.parametrize(("path", "queries"), SIGNED_IN_PAGES)
def test_signed_in_pages_add_the_session_the_user_and_the_cart(
    client, customer, hours, django_assert_num_queries, path, queries
):
    menu_of(10)
    client.force_login(customer)

    with django_assert_num_queries(queries):
        response = client.get(path)

    assert response.status_code == 200
