"""Recommendations on the customer pages: popular now or your usuals on the home page, pairs
well with on a dish's page, complete your meal in the cart (one tap adds)."""

import pytest
from django.urls import reverse

from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.recommendations.models import ItemPair, ItemPopularity
from littlelemon.recommendations.tests.conftest import order_of

from .htmltext import text, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def dishes(hours):
    made = {name: MenuItemFactory(title=name) for name in ("Burger", "Fries", "Water", "Salad")}
    ItemPair.objects.create(item=made["Burger"], other=made["Fries"], score=2.0, support=9)
    ItemPair.objects.create(item=made["Fries"], other=made["Burger"], score=2.0, support=9)
    for name, share in [("Water", 0.5), ("Burger", 0.3), ("Fries", 0.2), ("Salad", 0.1)]:
        ItemPopularity.objects.create(item=made[name], weekday=-1, daypart=-1, share=share)
    return made


def section_ids(html, section_id: str) -> str:
    html = html.decode() if isinstance(html, bytes) else html
    start = html.index(f'aria-labelledby="{section_id}"')
    return html[start : html.index("</section>", start)]


def titles_in(html, section_id: str) -> list[str]:
    body = section_ids(html, section_id)
    return texts(body, css_class="dish-card__title")


class TestHome:
    def test_visitors_see_popular_now(self, client, dishes):
        html = client.get("/").content

        assert text(html, id="popular") == "Popular now"
        assert titles_in(html, "popular") == ["Water", "Burger", "Fries", "Salad"]

    def test_a_customer_with_orders_sees_their_usuals_first(self, client, customer, dishes):
        order_of(customer, [dishes["Salad"]])
        client.force_login(customer)

        html = client.get("/").content

        assert text(html, id="usuals") == "Your usuals"
        assert titles_in(html, "usuals")[0] == "Salad"

    def test_a_customer_without_orders_sees_popular_now_without_their_cart(self, client, customer, dishes):
        CartLineFactory(user=customer, menuitem=dishes["Water"])
        client.force_login(customer)

        html = client.get("/").content

        assert titles_in(html, "popular") == ["Burger", "Fries", "Salad"]

    def test_sold_out_dishes_are_not_recommended_and_titles_are_escaped(self, client, dishes):
        dishes["Water"].available = False
        dishes["Water"].save()
        dishes["Salad"].title = "<b>Salad</b>"
        dishes["Salad"].save()

        html = client.get("/").content.decode()

        assert titles_in(html, "popular") == ["Burger", "Fries", "<b>Salad</b>"]
        assert "&lt;b&gt;Salad&lt;/b&gt;" in html

    def test_no_section_without_anything_to_recommend(self, client, hours):
        assert 'aria-labelledby="popular"' not in client.get("/").content.decode()


def test_a_dishs_page_shows_what_pairs_well_with_it(client, dishes):
    html = client.get(reverse("web:dish", args=[dishes["Burger"].slug])).content

    assert text(html, id="pairs") == "Pairs well with"
    titles = titles_in(html, "pairs")
    assert titles[0] == "Fries"
    assert "Burger" not in titles


class TestCart:
    def test_completes_the_meal_with_what_goes_with_the_cart(self, client, customer, dishes):
        CartLineFactory(user=customer, menuitem=dishes["Burger"])
        client.force_login(customer)

        html = client.get(reverse("web:cart")).content.decode()

        assert titles_in(html, "meal") == ["Fries", "Water", "Salad"]
        section = section_ids(html, "meal")
        assert f'name="menuitem" value="{dishes["Fries"].pk}"' in section
        assert "hx-post" not in section  # a plain form: the page reloads with the new line

    def test_one_tap_adds_the_dish_and_comes_back_to_the_cart(self, client, customer, dishes):
        CartLineFactory(user=customer, menuitem=dishes["Burger"])
        client.force_login(customer)

        response = client.post(
            reverse("web:cart_add"), {"menuitem": dishes["Fries"].pk, "quantity": 1, "next": reverse("web:cart")}
        )

        assert response.status_code == 302 and response["Location"] == reverse("web:cart")
        assert set(CartLine.objects.filter(user=customer).values_list("menuitem__title", flat=True)) == {
            "Burger",
            "Fries",
        }
        assert "Fries" not in titles_in(client.get(reverse("web:cart")).content, "meal")

    def test_a_visitors_cart_gets_them_too(self, client, dishes):
        client.post(reverse("web:cart_add"), {"menuitem": dishes["Fries"].pk, "quantity": 1})

        assert titles_in(client.get(reverse("web:cart")).content, "meal")[0] == "Burger"

    def test_an_empty_cart_recommends_nothing(self, client, dishes):
        assert 'aria-labelledby="meal"' not in client.get(reverse("web:cart")).content.decode()


class TestFoodPreferencesSavedOnTheAccountPage:
    """Saved through the account page's form, they reach every place that recommends."""

    @pytest.fixture
    def milky(self, dishes):
        """Water now holds milk (a latte, say): the most popular dish, and the burger's second best."""
        dishes["Water"].allergens = ["milk"]
        dishes["Water"].save()
        return dishes

    def avoid_milk(self, client):
        response = client.post(reverse("web:account"), {"allergens_avoided": ["milk"]})
        assert response.status_code == 302

    def test_popular_now_on_the_home_page(self, client, customer, milky):
        client.force_login(customer)
        assert titles_in(client.get("/").content, "popular")[0] == "Water"

        self.avoid_milk(client)

        assert titles_in(client.get("/").content, "popular") == ["Burger", "Fries", "Salad"]

    def test_your_usuals_on_the_home_page(self, client, customer, milky):
        order_of(customer, [milky["Water"], milky["Salad"]])
        client.force_login(customer)
        assert titles_in(client.get("/").content, "usuals")[:2] == ["Water", "Salad"]

        self.avoid_milk(client)

        usuals = titles_in(client.get("/").content, "usuals")
        assert usuals[0] == "Salad" and "Water" not in usuals

    def test_pairs_well_with_and_complete_your_meal(self, client, customer, milky):
        CartLineFactory(user=customer, menuitem=milky["Fries"])
        client.force_login(customer)
        dish_page = reverse("web:dish", args=[milky["Burger"].slug])
        assert "Water" in titles_in(client.get(dish_page).content, "pairs")
        assert "Water" in titles_in(client.get(reverse("web:cart")).content, "meal")

        self.avoid_milk(client)

        assert titles_in(client.get(dish_page).content, "pairs") == ["Salad"]  # fries: in the cart
        assert titles_in(client.get(reverse("web:cart")).content, "meal") == ["Burger", "Salad"]
