"""The menu page's filters: the API's FilterSet behind a plain GET form, and its htmx fragment."""

import pytest
from django.urls import reverse

from .htmltext import text, texts

pytestmark = pytest.mark.django_db

MENU = reverse("web:menu")


def titles(response) -> list[str]:
    return texts(response.content, css_class="dish-card__title")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("search=lemon", ["Hummus", "Fried Calamari", "Vegetable Tagine"]),
        ("search=LEMON+aioli", ["Fried Calamari"]),
        ("category=mains", ["Moussaka", "Vegetable Tagine", "Lamb Shank"]),
        ("dietary=vegan", ["Hummus", "Vegetable Tagine"]),
        ("dietary=vegan&dietary=gluten-free", ["Vegetable Tagine"]),
        ("dietary=vegan,gluten-free", ["Vegetable Tagine"]),  # the API's comma-separated form works too
        ("dietary=vegan,", ["Hummus", "Vegetable Tagine"]),  # empty and unknown tags are dropped
        ("dietary=vegan,,vegan&dietary=,", ["Hummus", "Vegetable Tagine"]),
        ("dietary=,,,,", ["Hummus", "Fried Calamari", "Moussaka", "Vegetable Tagine", "Lamb Shank"]),
        ("dietary=spicy&dietary=gluten-free", ["Vegetable Tagine", "Lamb Shank"]),
        ("search=lemon&category=mains&dietary=vegan", ["Vegetable Tagine"]),
        ("search=&category=&dietary=", ["Hummus", "Fried Calamari", "Moussaka", "Vegetable Tagine", "Lamb Shank"]),
    ],
)
def test_filters_combine(client, menu, query, expected):
    response = client.get(f"{MENU}?{query}")

    assert response.status_code == 200
    assert titles(response) == expected


def test_the_form_shows_the_chosen_filters(client, menu):
    response = client.get(f"{MENU}?search=lemon&category=mains&dietary=vegan&dietary=gluten-free")

    html = response.content.decode()
    assert 'name="search" value="lemon"' in html
    assert '<option value="mains" selected>Mains</option>' in html
    assert '<input type="checkbox" class="dietary-filter" name="dietary" value="vegan" checked>' in html
    assert '<input type="checkbox" class="dietary-filter" name="dietary" value="gluten-free" checked>' in html
    assert '<input type="checkbox" class="dietary-filter" name="dietary" value="nut-free">' in html
    assert text(html, id="menu-status") == "1 dish found · Clear filters"


def test_nothing_found_says_so_and_offers_the_whole_menu(client, menu):
    response = client.get(f"{MENU}?search=pizza")

    assert titles(response) == []
    assert text(response.content, css_class="empty-state") == (
        "No dishes match Try another word or fewer filters, or see the whole menu."
    )
    assert text(response.content, id="menu-status") == "0 dishes found · Clear filters"


@pytest.mark.parametrize(
    "query", ["dietary=spicy", "category=no-such-category", "search=" + "x" * 500, "price_min=abc", "page=-1"]
)
def test_junk_in_the_query_never_breaks_the_page(client, menu, query):
    response = client.get(f"{MENU}?{query}")

    assert response.status_code == 200
    assert text(response.content, tag="h1") == "Menu"


def test_an_unknown_dietary_tag_is_ignored_not_an_error(client, menu):
    assert len(titles(client.get(f"{MENU}?dietary=spicy"))) == 5

    response = client.get(f"{MENU}?search=lemon&dietary=spicy")

    assert titles(response) == ["Hummus", "Fried Calamari", "Vegetable Tagine"]
    assert 'name="search" value="lemon"' in response.content.decode()


def test_only_the_pages_filters_apply(client, menu):
    """The page offers search, category and dietary; the API's other filters are not page options."""
    assert len(titles(client.get(f"{MENU}?available=false&featured=true&price_max=7"))) == 5


class TestHtmx:
    def test_an_htmx_request_gets_the_results_fragment_and_the_status_out_of_band(self, client, menu):
        response = client.get(f"{MENU}?dietary=vegan", headers={"HX-Request": "true"})

        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith('<div id="menu-results" class="menu-results">')
        assert "<html" not in html
        assert 'id="menu-filters"' not in html  # the filters stay; only the results (with their "Add to cart") change
        assert titles(response) == ["Hummus", "Vegetable Tagine"]
        assert '<div id="menu-status" hx-swap-oob="innerHTML">' in html
        assert text(html, id="menu-status") == "2 dishes found · Clear filters"
        assert "HX-Request" in response["Vary"]

    def test_a_history_restore_gets_the_whole_page(self, client, menu):
        response = client.get(
            f"{MENU}?dietary=vegan", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
        )

        assert "<html" in response.content.decode()
        assert titles(response) == ["Hummus", "Vegetable Tagine"]

    def test_the_page_names_the_htmx_swap(self, client, menu):
        html = client.get(MENU).content.decode()

        assert 'hx-get="/menu/" hx-target="#menu-results" hx-swap="outerHTML" hx-push-url="true"' in html
        assert 'method="get" action="/menu/"' in html  # and works as a plain form without JavaScript
        assert "HX-Request" in client.get(MENU)["Vary"]
